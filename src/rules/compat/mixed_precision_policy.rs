//! K308 mixed-precision-policy: a tf.keras mixed-precision `Policy` object as a layer dtype.

use crate::cli::Target;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, policy_to_name};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "K308",
    name: "mixed-precision-policy",
    summary: "A tf.keras mixed-precision Policy object as a dtype, which Keras 3 does not know",
    doc: "## What it does
With `--target keras3`, finds a serialized `Policy` object (`{\"module\":
\"keras.mixed_precision\", \"class_name\": \"Policy\", \"config\": {\"name\": \"mixed_float16\"}}`)
as the `dtype` of a layer or model.

## Why is this bad?
tf.keras saves a layer's mixed-precision policy as that object
(tf_keras/src/mixed_precision/policy.py `serialize`). Keras 3's policies are `DTypePolicy`
classes (keras/src/dtype_policies/); it does not deserialize tf.keras's `Policy` class, e.g.
`Unknown dtype policy: 'Policy'` from a legacy `.h5`.

## Example
```json
{\"class_name\": \"Dense\", \"config\": {\"dtype\": {\"module\": \"keras.mixed_precision\", \"class_name\": \"Policy\", \"config\": {\"name\": \"mixed_float16\"}, \"registered_name\": null}}}
```
Use instead:
```json
{\"class_name\": \"Dense\", \"config\": {\"dtype\": \"mixed_float16\"}}
```

## Fix safety
Safe: Keras 3 accepts a policy name wherever it accepts a dtype and builds the same policy
from it (`keras.dtype_policies.get`).",
    fix_availability: FixAvailability::Always,
    severity: Severity::Error,
};

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    policy_to_name(doc, &INFO, Target::Keras3, &["Policy"], |_| true, &|class| {
        format!("Keras 3 does not know tf.keras's `{class}` class; a policy name is what it reads")
    })
}
