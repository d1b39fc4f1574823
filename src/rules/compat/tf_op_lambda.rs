//! K309 tf-op-lambda: a `TFOpLambda` layer (a raw TensorFlow op in a tf.keras model), which
//! Keras 3 cannot load.

use crate::cli::Target;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, active, each_config, make, raw};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "K309",
    name: "tf-op-lambda",
    summary: "A TFOpLambda layer (raw TensorFlow op), which Keras 3 cannot load",
    doc: "## What it does
With `--target keras3`, reports each `TFOpLambda` and `SlicingOpLambda` layer: tf.keras's
wrapper for a TensorFlow function called on a Keras tensor (`tf.nn.relu(x)`, `x[:, 0]`) in a
Functional model (tf_keras/src/layers/core/tf_op_layer.py).

## Why is this bad?
Keras 3 has no such layer class; the model is refused with
`Could not locate class 'TFOpLambda'` (`.keras`) or `Unknown layer: 'TFOpLambda'` (`.h5`).

## Example
```json
{\"class_name\": \"TFOpLambda\", \"config\": {\"name\": \"tf.nn.relu\", \"function\": \"nn.relu\"}}
```
Rebuild the model in Keras 3 with the matching `keras.ops` call or layer (`keras.layers.ReLU`).

## Fix safety
No fix: which Keras 3 operation matches a TensorFlow function, with which arguments, is a
choice to make by hand.",
    fix_availability: FixAvailability::Never,
    severity: Severity::Error,
};

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    if !active(doc, Target::Keras3) {
        return Vec::new();
    }
    each_config(doc, |visit, config, pointer, out| {
        if !matches!(visit.class_name, "TFOpLambda" | "SlicingOpLambda") {
            return;
        }
        let function = config.get("function").map(|f| raw(doc.src, f)).unwrap_or_default();
        let message = format!(
            "Keras 3 has no {} layer (\"Could not locate class '{}'\"); rebuild this TensorFlow op {function} with keras.ops",
            visit.class_name, visit.class_name
        );
        let at = pointer.parent().unwrap_or_else(crate::json::Pointer::root);
        out.push(make(&INFO, &at.child("class_name"), format!("\"{}\"", visit.class_name), message, None));
    })
}
