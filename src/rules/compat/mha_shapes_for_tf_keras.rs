//! TFK009 mha-missing-shapes: a MultiHeadAttention config without the build shapes tf-keras's
//! `from_config` requires.

use crate::cli::Target;
use crate::json::{self, Edit};

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, active, each_config, make};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "TFK009",
    name: "mha-missing-shapes",
    summary: "MultiHeadAttention without `query_shape` / `key_shape` / `value_shape` (Keras 3), which tf-keras requires",
    doc: "## What it does
With `--target tf-keras`, finds a `MultiHeadAttention` config that lacks `query_shape`,
`key_shape` or `value_shape`.

## Why is this bad?
tf-keras's `MultiHeadAttention.from_config` pops the three shapes without a default
(tf_keras/src/layers/attention/multi_head_attention.py), and Keras 3 does not save them
(keras/src/layers/attention/multi_head_attention.py), so loading fails with
`KeyError: 'query_shape'`.

## Example
```json
{\"class_name\": \"MultiHeadAttention\", \"config\": {\"num_heads\": 2, \"key_dim\": 4}}
```
Use instead:
```json
{\"class_name\": \"MultiHeadAttention\", \"config\": {\"num_heads\": 2, \"key_dim\": 4, \"query_shape\": null, \"key_shape\": null, \"value_shape\": null}}
```

## Fix safety
Safe: `null` shapes are what tf-keras itself saves for a layer that was never built, and make
it build the layer on its first call, which loading the model makes before the weights are
read.",
    fix_availability: FixAvailability::Always,
    severity: Severity::Error,
};

const SHAPES: &[&str] = &["query_shape", "key_shape", "value_shape"];

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    if !active(doc, Target::TfKeras) {
        return Vec::new();
    }
    each_config(doc, |visit, config, pointer, out| {
        if visit.class_name != "MultiHeadAttention" {
            return;
        }
        let missing: Vec<&str> = SHAPES.iter().copied().filter(|k| config.get(k).is_none()).collect();
        let Some(first) = missing.first() else { return };
        // One insertion after the last member, so the edit never overlaps a removal there.
        let mut text = String::new();
        for key in &missing {
            text.push_str(&json::insert_member(doc.src, config, key, "null").replacement);
        }
        let at = json::insert_member(doc.src, config, first, "null").range;
        let new =
            missing.iter().map(|k| format!("{}: null", json::quote_python(k))).collect::<Vec<_>>().join(", ");
        out.push(make(
            &INFO,
            &pointer.child(first),
            "(missing)".to_owned(),
            format!("tf-keras's from_config requires it: \"KeyError: '{first}'\""),
            Some((vec![Edit { range: at, replacement: text }], new)),
        ));
    })
}
