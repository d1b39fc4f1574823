//! TFK010 lookup-int-dtype: a float dtype on an integer-output lookup layer (Keras 3), which
//! tf-keras refuses.

use crate::cli::Target;
use crate::json::{self, Node};

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, active, each_config, make, raw};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "TFK010",
    name: "lookup-int-dtype",
    summary: "A float dtype on an integer-output lookup layer (Keras 3), which tf-keras refuses",
    doc: "## What it does
With `--target tf-keras`, finds an `IntegerLookup` or `StringLookup` with `output_mode`
`\"int\"` whose `dtype` (a name, or a policy object's name) is a float type.

## Why is this bad?
Keras 3 keeps the default float policy on lookup layers and casts their integer output itself
(keras/src/layers/preprocessing/index_lookup.py). tf-keras takes `dtype` as the output type
and refuses the model (tf_keras/src/layers/preprocessing/index_lookup.py):
`When output_mode='int', dtype should be an integer type. Received: dtype=float32`.

## Example
```json
{\"class_name\": \"IntegerLookup\", \"config\": {\"output_mode\": \"int\", \"dtype\": \"float32\"}}
```
Use instead:
```json
{\"class_name\": \"IntegerLookup\", \"config\": {\"output_mode\": \"int\", \"dtype\": \"int64\"}}
```

## Fix safety
Safe: `int64` is tf-keras's default for these layers and the type of the indices Keras 3
returns, so the outputs are the same numbers of the same type.",
    fix_availability: FixAvailability::Always,
    severity: Severity::Error,
};

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    if !active(doc, Target::TfKeras) {
        return Vec::new();
    }
    each_config(doc, |visit, config, pointer, out| {
        if !matches!(visit.class_name, "IntegerLookup" | "StringLookup") {
            return;
        }
        if config.get("output_mode").and_then(Node::as_str) != Some("int") {
            return;
        }
        let Some(dtype) = config.get("dtype") else { return };
        let name = dtype.as_str().or_else(|| dtype.get("config")?.get("name")?.as_str());
        let Some(name) = name.filter(|n| n.contains("float")) else { return };
        let new = json::quote_python("int64");
        let message = format!(
            "tf-keras takes dtype as the output type: \"When output_mode='int', dtype should be an integer type. Received: dtype={name}\""
        );
        let edit = json::replace_value(dtype, &new);
        out.push(make(&INFO, &pointer.child("dtype"), raw(doc.src, dtype), message, Some((vec![edit], new))));
    })
}
