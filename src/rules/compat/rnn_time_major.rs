//! K302 rnn-time-major: Keras 2's `time_major` on recurrent layers, which Keras 3 refuses.

use crate::cli::Target;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, foreign_arguments, is_false};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "K302",
    name: "rnn-time-major",
    summary: "`time_major` on a recurrent layer (Keras 2), which Keras 3 refuses",
    doc: "## What it does
With `--target keras3`, finds the `time_major` argument in the config of an `LSTM`, `GRU`,
`SimpleRNN` or `RNN` layer (also inside `Bidirectional`).

## Why is this bad?
tf-keras's `RNN` base class saves `time_major` (tf_keras/src/layers/rnn/base_rnn.py); Keras 3's
recurrent layers have no such argument (keras/src/layers/rnn/rnn.py) and refuse the model:
`Unrecognized keyword arguments passed to LSTM: {'time_major': False}` (also GRU).

## Example
```json
{\"class_name\": \"LSTM\", \"config\": {\"units\": 8, \"time_major\": false}}
```
Use instead:
```json
{\"class_name\": \"LSTM\", \"config\": {\"units\": 8}}
```

## Fix safety
Safe when `time_major` is `false`: batch-major inputs are all Keras 3 knows. A `true` is
reported without a fix: the model expects `(time, batch, ...)` inputs and Keras 3 cannot
express that, so the callers must transpose their inputs; dropping it would silently swap the
axes.",
    fix_availability: FixAvailability::Sometimes,
    severity: Severity::Error,
};

const CLASSES: &[&str] = &["LSTM", "GRU", "SimpleRNN", "RNN"];

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    foreign_arguments(doc, &INFO, Target::Keras3, CLASSES, &["time_major"], is_false, &|class, key, value| {
        if value == "true" {
            format!(
                "Keras 3 has no time-major recurrent layers: \"Unrecognized keyword arguments passed to {class}: {{'{key}': True}}\"; transpose the inputs and drop it by hand"
            )
        } else {
            format!(
                "Keras 3 refuses it: \"Unrecognized keyword arguments passed to {class}: {{'{key}': False}}\""
            )
        }
    })
}
