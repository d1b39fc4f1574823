//! TFK001 input-batch-shape: Keras 3's `batch_shape` on InputLayer, which tf-keras calls
//! `batch_input_shape`.

use crate::cli::Target;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, active, each_config, rename_member};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "TFK001",
    name: "input-batch-shape",
    summary: "`batch_shape` on InputLayer (Keras 3), which tf-keras refuses",
    doc: "## What it does
With `--target tf-keras`, finds the `batch_shape` argument of an `InputLayer`.

## Why is this bad?
Keras 3 saves an input's shape as `batch_shape` (keras/src/layers/core/input_layer.py);
tf-keras's InputLayer calls it `batch_input_shape` (tf_keras/src/engine/input_layer.py) and
refuses the model: `Unrecognized keyword arguments: ['batch_shape']`.

## Example
```json
{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 8], \"dtype\": \"float32\"}}
```
Use instead:
```json
{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 8], \"dtype\": \"float32\"}}
```

## Fix safety
Safe: the same shape under the name tf-keras reads; only the key's bytes change. An
InputLayer that already has `batch_input_shape` is reported without a fix.",
    fix_availability: FixAvailability::Sometimes,
    severity: Severity::Error,
};

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    if !active(doc, Target::TfKeras) {
        return Vec::new();
    }
    each_config(doc, |visit, config, pointer, out| {
        if visit.class_name != "InputLayer" || config.get("batch_shape").is_none() {
            return;
        }
        let message =
            "tf-keras calls it `batch_input_shape`: \"Unrecognized keyword arguments: ['batch_shape']\""
                .to_owned();
        let finding =
            rename_member(&INFO, doc.src, config, pointer, "batch_shape", "batch_input_shape", message);
        // Two shapes would be refused too ("Only provide the input_shape OR batch_input_shape");
        // which one is right is not ours to guess.
        let clash = config.get("batch_input_shape").is_some();
        out.extend(finding.map(|f| if clash { super::super::Finding { fix: None, ..f } } else { f }));
    })
}
