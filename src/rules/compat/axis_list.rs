//! K306 batchnorm-axis-list: tf-keras's one-element list `axis` on BatchNormalization, which
//! Keras 3 cannot read.

use crate::cli::Target;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, active, each_config, make, raw};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "K306",
    name: "batchnorm-axis-list",
    summary: "A list `axis` on BatchNormalization (tf-keras), which Keras 3 cannot read",
    doc: "## What it does
With `--target keras3`, finds a list in the `axis` of a `BatchNormalization` layer.

## Why is this bad?
tf-keras saves the normalized axes as a list (`\"axis\": [3]`,
tf_keras/src/layers/normalization/batch_normalization.py). Keras 3 takes one integer and calls
`int(axis)` (keras/src/layers/normalization/batch_normalization.py), so a `.keras` archive
fails with `int() argument must be a string, a bytes-like object or a real number, not 'list'`.
(Keras 3's legacy `.h5` loader unwraps it for top-level layers only.)

## Example
```json
{\"class_name\": \"BatchNormalization\", \"config\": {\"axis\": [3]}}
```
Use instead:
```json
{\"class_name\": \"BatchNormalization\", \"config\": {\"axis\": 3}}
```

## Fix safety
Safe for a one-element list: the same axis. A list of several axes is reported without a fix,
since Keras 3's BatchNormalization normalizes over one axis only. `LayerNormalization` keeps
its list, which Keras 3 accepts.",
    fix_availability: FixAvailability::Sometimes,
    severity: Severity::Error,
};

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    if !active(doc, Target::Keras3) {
        return Vec::new();
    }
    each_config(doc, |visit, config, pointer, out| {
        if visit.class_name != "BatchNormalization" {
            return;
        }
        let Some(axis) = config.get("axis") else { return };
        let Some(items) = axis.as_array() else { return };
        let fix = match items {
            [only] if only.as_number().is_some_and(|n| n.as_i64().is_some()) => {
                let new = raw(doc.src, only);
                Some((vec![crate::json::replace_value(axis, &new)], new))
            }
            _ => None,
        };
        out.push(make(
            &INFO,
            &pointer.child("axis"),
            raw(doc.src, axis),
            "Keras 3 takes one integer axis: \"int() argument must be a string, a bytes-like object or a real number, not 'list'\"".to_owned(),
            fix,
        ));
    })
}
