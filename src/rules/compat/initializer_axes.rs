//! TFK005 initializer-axes: Keras >= 3.13's `input_axes` / `output_axes` on variance-scaling
//! initializers, which tf-keras refuses.

use crate::cli::Target;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, foreign_arguments, is_null};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "TFK005",
    name: "initializer-axes",
    summary: "`input_axes` / `output_axes` on an initializer (Keras >= 3.13), which tf-keras refuses",
    doc: "## What it does
With `--target tf-keras`, finds `input_axes` and `output_axes` in the config of a
`VarianceScaling` initializer or one of its subclasses (`GlorotUniform`, `GlorotNormal`,
`LecunNormal`, `LecunUniform`, `HeNormal`, `HeUniform`).

## Why is this bad?
Keras 3.13 added the two axes arguments (keras/src/initializers/random_initializers.py) and
saves them even when unset. tf-keras's initializers take only `seed` (and the scaling
arguments), so loading fails with
`GlorotUniform.__init__() got an unexpected keyword argument 'input_axes'`.

## Example
```json
{\"class_name\": \"GlorotUniform\", \"config\": {\"seed\": null, \"input_axes\": null, \"output_axes\": null}}
```
Use instead:
```json
{\"class_name\": \"GlorotUniform\", \"config\": {\"seed\": null}}
```

## Fix safety
Safe when the value is `null` (the default: fan-in and fan-out from the usual axes). Explicit
axes are reported without a fix: tf-keras cannot compute that scaling.",
    fix_availability: FixAvailability::Sometimes,
    severity: Severity::Error,
};

const CLASSES: &[&str] = &[
    "VarianceScaling",
    "GlorotUniform",
    "GlorotNormal",
    "LecunNormal",
    "LecunUniform",
    "HeNormal",
    "HeUniform",
];

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    foreign_arguments(
        doc,
        &INFO,
        Target::TfKeras,
        CLASSES,
        &["input_axes", "output_axes"],
        is_null,
        &|class, key, _| {
            format!("tf-keras refuses it: \"{class}.__init__() got an unexpected keyword argument '{key}'\"")
        },
    )
}
