//! K303 embedding-input-length: Keras 2's `input_length` on Embedding.

use crate::cli::Target;
use crate::json::Node;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, foreign_arguments};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "K303",
    name: "embedding-input-length",
    summary: "`input_length` on Embedding (Keras 2), which Keras 3.0-3.1 refuse",
    doc: "## What it does
With `--target keras3`, finds the `input_length` argument in the config of an `Embedding`
layer.

## Why is this bad?
Keras 2 used `input_length` to infer the input shape. Keras 3.0 and 3.1 refuse the model:
`Unrecognized keyword arguments passed to Embedding: {'input_length': 5}`; later versions
accept and ignore it with a warning, \"Argument `input_length` is deprecated. Just remove it.\"
(keras/src/layers/core/embedding.py).

## Example
```json
{\"class_name\": \"Embedding\", \"config\": {\"input_dim\": 64, \"output_dim\": 8, \"input_length\": 5}}
```
Use instead:
```json
{\"class_name\": \"Embedding\", \"config\": {\"input_dim\": 64, \"output_dim\": 8}}
```

## Fix safety
Safe: the input shape comes from the model's input layer; no Keras 3 version uses the value.",
    fix_availability: FixAvailability::Always,
    severity: Severity::Error,
};

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    foreign_arguments(
        doc,
        &INFO,
        Target::Keras3,
        &["Embedding"],
        &["input_length"],
        always,
        &|class, key, value| {
            format!(
                "Keras 3.0-3.1 refuse it (\"Unrecognized keyword arguments passed to {class}: {{'{key}': {value}}}\") and later versions ignore it"
            )
        },
    )
}

fn always(_key: &str, _value: &Node) -> bool {
    true
}
