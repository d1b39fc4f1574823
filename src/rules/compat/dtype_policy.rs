//! TFK002 dtype-policy-object: a Keras 3 `DTypePolicy` object as a dtype, which tf-keras does
//! not know.

use crate::cli::Target;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, policy_to_name};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "TFK002",
    name: "dtype-policy-object",
    summary: "A Keras 3 DTypePolicy object as a dtype, which tf-keras does not know",
    doc: "## What it does
With `--target tf-keras`, finds a serialized Keras 3 dtype policy (`DTypePolicy`,
`FloatDTypePolicy`, `QuantizedDTypePolicy`, `QuantizedFloat8DTypePolicy`, ...) as the `dtype`
of a layer or model.

## Why is this bad?
Keras >= 3.4 saves every layer's dtype as a `DTypePolicy` object
(keras/src/dtype_policies/dtype_policy.py). tf-keras knows only its own `Policy` class
(tf_keras/src/mixed_precision/policy.py) and refuses the model:
`Unknown dtype policy: 'DTypePolicy'`.

## Example
```json
{\"class_name\": \"Dense\", \"config\": {\"dtype\": {\"module\": \"keras\", \"class_name\": \"DTypePolicy\", \"config\": {\"name\": \"float32\"}, \"registered_name\": null}}}
```
Use instead:
```json
{\"class_name\": \"Dense\", \"config\": {\"dtype\": \"float32\"}}
```

## Fix safety
Safe for `DTypePolicy` and `FloatDTypePolicy`: tf-keras builds the same policy from the name
(`float32`, `mixed_float16`, ...). Quantized policies are reported without a fix: tf-keras
has no quantized layers.",
    fix_availability: FixAvailability::Sometimes,
    severity: Severity::Error,
};

const CLASSES: &[&str] = &[
    "DTypePolicy",
    "FloatDTypePolicy",
    "QuantizedDTypePolicy",
    "QuantizedFloat8DTypePolicy",
    "GPTQDTypePolicy",
    "AWQDTypePolicy",
    "DTypePolicyMap",
];

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    policy_to_name(doc, &INFO, Target::TfKeras, CLASSES, plain, &|class| {
        if plain(class) {
            format!("tf-keras does not know Keras 3's policy class: \"Unknown dtype policy: '{class}'\"")
        } else {
            format!("tf-keras has no quantized layers: \"Unknown dtype policy: '{class}'\"")
        }
    })
}

fn plain(class: &str) -> bool {
    matches!(class, "DTypePolicy" | "FloatDTypePolicy")
}
