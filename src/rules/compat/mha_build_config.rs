//! K312 mha-build-config: tf-keras's one-shape `build_config` on MultiHeadAttention, which
//! Keras 3 cannot build from.

use crate::cli::Target;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, active, drop_member};
use crate::schema::walk;

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "K312",
    name: "mha-build-config",
    summary: "A one-shape build_config on MultiHeadAttention (tf-keras), which Keras 3 cannot build from",
    doc: "## What it does
With `--target keras3`, finds a `MultiHeadAttention` whose `build_config` holds a single
`input_shape`, as tf-keras's `.keras` archives write it.

## Why is this bad?
Keras 3 calls `build(input_shape)` for such a config (keras/src/layers/layer.py
`build_from_config`), but its MultiHeadAttention builds from a query and a value shape
(keras/src/layers/attention/multi_head_attention.py), so the load fails with
`MultiHeadAttention.build() missing 1 required positional argument: 'value_shape'`.

## Example
```json
{\"class_name\": \"MultiHeadAttention\", \"config\": {}, \"build_config\": {\"input_shape\": [null, 4, 8]}, \"inbound_nodes\": []}
```
Use instead:
```json
{\"class_name\": \"MultiHeadAttention\", \"config\": {}, \"inbound_nodes\": []}
```

## Fix safety
Safe: the layer is built when the model's graph is rebuilt, by the call recorded in its
`inbound_nodes`, with both real input shapes, before any weight is read.",
    fix_availability: FixAvailability::Always,
    severity: Severity::Error,
};

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    if !active(doc, Target::Keras3) {
        return Vec::new();
    }
    let mut out = Vec::new();
    walk(doc.root, &mut |visit| {
        if visit.class_name != "MultiHeadAttention" {
            return;
        }
        let Some(build) = visit.object.get("build_config") else { return };
        if build.get("input_shape").is_none() {
            return;
        }
        let message = "Keras 3 builds MultiHeadAttention from two shapes: \"MultiHeadAttention.build() missing 1 required positional argument: 'value_shape'\"".to_owned();
        out.extend(drop_member(&INFO, doc.src, visit.object, visit.pointer, "build_config", message, true));
    });
    out
}
