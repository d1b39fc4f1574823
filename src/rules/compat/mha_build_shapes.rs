//! K304 mha-build-shapes: tf-keras's build shapes and `softmax_robust_masking` on
//! MultiHeadAttention, which Keras 3 refuses.

use crate::cli::Target;
use crate::json::Node;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, foreign_arguments};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "K304",
    name: "mha-build-shapes",
    summary: "tf-keras-only arguments on MultiHeadAttention, which Keras 3 refuses",
    doc: "## What it does
With `--target keras3`, finds `query_shape`, `key_shape`, `value_shape` and
`softmax_robust_masking` in the config of a `MultiHeadAttention` layer.

## Why is this bad?
tf-keras saves the shapes the layer was built with, and its robust-masking switch
(tf_keras/src/layers/attention/multi_head_attention.py `get_config`). Keras 3's layer has none
of them (keras/src/layers/attention/multi_head_attention.py) and refuses the model:
`Unrecognized keyword arguments passed to MultiHeadAttention: {'query_shape': [None, 4, 8],
'key_shape': [None, 6, 8], 'value_shape': [None, 6, 8], 'softmax_robust_masking': False}`.

## Example
```json
{\"class_name\": \"MultiHeadAttention\", \"config\": {\"num_heads\": 2, \"query_shape\": [null, 4, 8], \"softmax_robust_masking\": false}}
```
Use instead:
```json
{\"class_name\": \"MultiHeadAttention\", \"config\": {\"num_heads\": 2}}
```

## Fix safety
Safe for the shapes: Keras 3 builds the layer from its inputs (and its `build_config`), which
carry the same shapes. Safe for `softmax_robust_masking: false`; `true` is reported without a
fix, since Keras 3 has only the standard masked softmax and the outputs could differ.",
    fix_availability: FixAvailability::Sometimes,
    severity: Severity::Error,
};

const KEYS: &[&str] = &["query_shape", "key_shape", "value_shape", "softmax_robust_masking"];

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    foreign_arguments(
        doc,
        &INFO,
        Target::Keras3,
        &["MultiHeadAttention"],
        KEYS,
        safe,
        &|class, key, value| {
            format!(
                "Keras 3 refuses it: \"Unrecognized keyword arguments passed to {class}: {{'{key}': {value}, ...}}\""
            )
        },
    )
}

fn safe(key: &str, value: &Node) -> bool {
    key != "softmax_robust_masking" || value.as_bool() == Some(false)
}
