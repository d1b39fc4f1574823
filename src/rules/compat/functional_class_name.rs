//! TFK008 functional-class-name: the class name `Functional`, which TensorFlow <= 2.2 calls
//! `Model`. Reported only.

use crate::cli::Target;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, active, make};
use crate::schema::walk;

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "TFK008",
    name: "functional-class-name",
    summary: "`Functional` models, which TensorFlow <= 2.2 knows as `Model` (report only)",
    doc: "## What it does
With `--target tf-keras`, reports each model serialized as `\"class_name\": \"Functional\"` in
a legacy (`.h5`) config, at severity info.

## Why is this bad?
TensorFlow 2.3 introduced the `Functional` class and has saved graph models under that name
since; TensorFlow <= 2.2's Keras names them `Model` and refuses the newer name:
`Unknown layer: Functional`. tf-keras and TensorFlow >= 2.3 need `Functional`
(tf_keras/src/engine/functional.py), so for them nothing is wrong.

## Example
```json
{\"class_name\": \"Functional\", \"config\": {\"name\": \"model\", \"layers\": []}}
```
For TensorFlow <= 2.2 only:
```json
{\"class_name\": \"Model\", \"config\": {\"name\": \"model\", \"layers\": []}}
```

## Fix safety
No fix: `--target tf-keras` means today's tf-keras, which needs `Functional`; renaming it would
break the model there. Rename by hand (`kerasfix set`) for a TensorFlow <= 2.2 runtime.",
    fix_availability: FixAvailability::Never,
    severity: Severity::Info,
};

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    if !active(doc, Target::TfKeras) {
        return Vec::new();
    }
    let mut out = Vec::new();
    walk(doc.root, &mut |visit| {
        // Archives (objects with `module`) are a format TensorFlow <= 2.2 cannot read anyway.
        if visit.class_name != "Functional" || visit.object.get("module").is_some() {
            return;
        }
        let message = "TensorFlow <= 2.2 knows this class as `Model` (\"Unknown layer: Functional\"); tf-keras needs `Functional`, so it is left as is".to_owned();
        out.push(make(&INFO, &visit.pointer.child("class_name"), "\"Functional\"".to_owned(), message, None));
    });
    out
}
