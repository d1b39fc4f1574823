//! SEC001 lambda-bytecode: marshalled Python bytecode in the config (a `lambda` in a Lambda
//! layer, or anywhere else Keras serialized one).

use crate::schema::Visit;

use super::bytecode::{blobs, summarize};
use super::{Finding, finding, location};
use crate::rules::Document;
use crate::rules::{FixAvailability, RuleInfo, Severity};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "SEC001",
    name: "lambda-bytecode",
    summary: "Marshalled Python bytecode (a serialized `lambda`) that Keras runs when loading",
    doc: "## What it does
Finds Python bytecode that Keras stored for a `lambda`: in a `Lambda` layer's `function`,
`output_shape` or `mask`, or anywhere else a lambda was serialized (an activation, a loss), in
every nested model and wrapper. Keras 3 writes
`{\"class_name\": \"__lambda__\", \"config\": {\"code\": \"<base64>\", ...}}` (or
`{\"value\": [\"<base64>\", defaults, closure]}`); Keras 2 / tf-keras writes
`\"function\": [\"<base64>\", null, null]` beside `\"function_type\": \"lambda\"`. The finding
points at the base64 string and reports its decoded size. kerasfix only counts the base64
characters: it never decodes, unmarshals or runs the code.

## Why is this bad?
Loading it is `marshal.loads` of attacker-controllable bytes followed by a call: arbitrary
code runs inside the process that loads the model. Keras 3 and tf-keras refuse it only while
`safe_mode` is on; `safe_mode=False`, `keras.config.enable_unsafe_deserialization()`, legacy
`.h5` loading in older versions and Keras 2 before 2.13 run it. The bytecode is also tied to
the Python version that wrote it, so the model breaks on another interpreter. Hence severity
`error`.

## Example
```json
{\"class_name\": \"Lambda\", \"config\": {\"name\": \"double\", \"function\":
  {\"class_name\": \"__lambda__\", \"config\": {\"code\": \"4wEAAAAAAAAA...\", \"defaults\": null, \"closure\": null}}}}
```
Use instead: a registered custom layer (`@keras.saving.register_keras_serializable()`) whose
code ships with the serving environment, or built-in layers and `keras.ops`.

## Fix safety
No automatic fix: the computation cannot be recovered without running the code.",
    fix_availability: FixAvailability::Never,
    severity: Severity::Error,
};

pub(super) fn check(visit: &Visit<'_, '_>, document: &Document<'_>, out: &mut Vec<Finding>) {
    let src = document.src;
    for blob in blobs(visit) {
        let summary = summarize(blob.text);
        let size = match summary.bytes {
            Some(bytes) if summary.code_object => format!("{bytes} bytes of marshalled code object"),
            Some(bytes) => format!("{bytes} bytes of marshalled data"),
            None => format!("{} characters that are not valid base64", blob.text.len()),
        };
        let message = format!(
            "`{}` of {} is a serialized Python lambda: {size}, unmarshalled and run at load time unless safe_mode is on",
            blob.field,
            owner(visit),
        );
        out.push(finding(&INFO, blob.node, &blob.pointer, src, message));
    }
}

/// The layer the lambda belongs to: for a Keras 3 `__lambda__` object, the enclosing layer.
fn owner(visit: &Visit<'_, '_>) -> String {
    match visit.class_name {
        "__lambda__" if !visit.path.is_empty() => format!("layer `{}`", visit.path.join(" > ")),
        _ => location(visit),
    }
}
