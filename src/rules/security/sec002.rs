//! SEC002 lambda-layer: a `Lambda` layer whose function is not bytecode but a Python function
//! named in the config, to be found at load time.

use crate::json::Node;
use crate::schema::{Role, Visit};

use super::bytecode::blobs;
use super::{Finding, config_member, finding, location};
use crate::rules::Document;
use crate::rules::{FixAvailability, RuleInfo, Severity};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "SEC002",
    name: "lambda-layer",
    summary: "Lambda layer calling a Python function by name",
    doc: "## What it does
Finds `Lambda` layers (in nested models and wrappers too) whose `function` is a reference to a
named Python function rather than bytecode (bytecode is SEC001): Keras 3 writes
`{\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"add_one\"}`, tf-keras
`\"function\": \"add_one\"` with `\"function_type\": \"function\"`. The finding points at
`function`.

## Why is this bad?
Whatever Python function the loading process resolves under that name (from `custom_objects`,
the registry, or, in tf-keras, the globals of the module named in the layer's `module`) is
called on the model's tensors, and Keras cannot serialize or check what it does: the layer is
a hole in the model's definition that a deploy gate should see. No code comes from the file
itself, which is why this is a `warning` and SEC001 an `error`. Lambda layers also do not
survive a change of Keras version or backend reliably.

## Example
```json
{\"class_name\": \"Lambda\", \"config\": {\"name\": \"add_one\", \"function\":
  {\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"add_one\", \"registered_name\": \"function\"}}}
```
Use instead: a registered custom layer, or built-in layers and `keras.ops`.

## Fix safety
No automatic fix.",
    fix_availability: FixAvailability::Never,
    severity: Severity::Warning,
};

pub(super) fn check(visit: &Visit<'_, '_>, document: &Document<'_>, out: &mut Vec<Finding>) {
    let src = document.src;
    if visit.class_name != "Lambda" || visit.role != Role::Layer {
        return;
    }
    if visit.config.is_none_or(|c| c.as_object().is_none()) {
        return;
    }
    let Some((function, pointer)) = config_member(visit, "function") else { return };
    // SEC001's: Keras 2 bytecode sits in this object's config, Keras 3 bytecode in a
    // `__lambda__` object of its own.
    let is_bytecode =
        !blobs(visit).is_empty() || function.get("class_name").and_then(Node::as_str) == Some("__lambda__");
    if is_bytecode {
        return;
    }
    let message = format!(
        "{} calls the Python function {}, which the loading process must supply; its code is not in the model",
        location(visit),
        describe(function),
    );
    out.push(finding(&INFO, function, &pointer, src, message));
}

/// How the function is named: `add_one`, `mw>scaled_relu`, `mypkg.fns.add_one`.
fn describe(function: &Node) -> String {
    if let Some(name) = function.as_str() {
        return format!("`{name}`");
    }
    let class = function.get("class_name").and_then(Node::as_str);
    let name = match class {
        Some("function") => function.get("config").and_then(Node::as_str),
        other => other,
    };
    let module = function.get("module").and_then(Node::as_str).filter(|m| *m != "builtins");
    match (module, name) {
        (Some(module), Some(name)) => format!("`{module}.{name}`"),
        (None, Some(name)) => format!("`{name}`"),
        _ => String::from("given in `function`"),
    }
}
