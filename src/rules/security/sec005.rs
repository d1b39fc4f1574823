//! SEC005 custom-object: a class or function that is not part of Keras, whose code must be
//! installed beside the model.

use crate::json::Node;
use crate::schema::{Visit, is_known};

use super::modules::{foreign, is_core_keras_module, is_keras_module};
use super::names::{KERAS_BUILTIN_FUNCTIONS, contains};
use super::sec004::OP_LAYERS;
use super::{Finding, finding, location, member};
use crate::rules::Document;
use crate::rules::{FixAvailability, RuleInfo, Severity};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "SEC005",
    name: "custom-object",
    summary: "Custom class or function whose code must ship with the model",
    doc: "## What it does
Finds serialized objects that Keras does not provide, in nested models, wrappers,
initializers, activations, losses and metrics alike:

- a registration key `Package>Name` in `registered_name` (Keras 3: `\"registered_name\":
  \"MyPackage>Scale\"`) or in `class_name` (legacy `.h5`: `\"class_name\": \"MyPackage>Scale\"`),
  including Keras-team add-ons such as `keras_hub>GemmaBackbone`;
- a function serialized by name that is not one of Keras's built-in activations, losses,
  metrics, initializers, regularizers, constraints or optimizers (`\"config\":
  \"mw>scaled_relu\"`, or an unregistered `\"add_one\"`);
- a class Keras 3 saved with `\"module\": null` (defined in a script's `__main__`).

Not detected: an unregistered custom class in a legacy `.h5` (a plain `\"class_name\":
\"MyLayer\"`, no `module`), which looks like any Keras class kerasfix has no table for.

Objects that reference a module outside Keras are SEC003's and not repeated here. The finding
points at the name Keras resolves (`registered_name`, `class_name` or the function name).

## Why is this bad?
It is not dangerous in itself: the file carries only a name, and the code comes from the
environment that loads the model. But that code must be shipped, versioned and reviewed
with the model, and whatever the loading process registers under that name runs. Hence
`info`: worth knowing at a deploy gate, not a reason to stop one.

## Example
```json
{\"module\": null, \"class_name\": \"Scale\", \"config\": {\"factor\": 2.0}, \"registered_name\": \"MyPackage>Scale\"}
```

## Fix safety
No automatic fix.",
    fix_availability: FixAvailability::Never,
    severity: Severity::Info,
};

pub(super) fn check(visit: &Visit<'_, '_>, document: &Document<'_>, out: &mut Vec<Finding>) {
    let src = document.src;
    let class = visit.class_name;
    // Keras's own special objects (`__keras_tensor__`, `__tuple__`, ...); `__lambda__` is SEC001's.
    if class.starts_with("__") && class.ends_with("__") {
        return;
    }
    // Op layers are tf-keras built-ins (SEC004's), missing from the layer tables.
    if foreign(visit.object, class, &document.settings.allowed_modules).is_some()
        || OP_LAYERS.iter().any(|(op, _)| *op == class)
    {
        return;
    }
    let Some((key, why)) = custom(visit) else { return };
    let Some((node, pointer)) = member(visit, key) else { return };
    let name = node.as_str().unwrap_or(class);
    let message = format!(
        "{} uses `{name}`, {why}: its code must be installed where the model is loaded",
        location(visit)
    );
    out.push(finding(&INFO, node, &pointer, src, message));
}

/// The member naming the custom object and why it is custom, or `None` for Keras's own.
fn custom(visit: &Visit<'_, '_>) -> Option<(&'static str, &'static str)> {
    let object = visit.object;
    let class = visit.class_name;
    let module_member = object.get("module");
    let module = module_member.and_then(Node::as_str);
    if class == "function" {
        // Public Keras functions are written with their Keras module; everything else with
        // `builtins` (or no module in legacy configs) and a name to resolve.
        if module.is_some_and(is_keras_module) {
            return None;
        }
        let name = object.get("config").and_then(Node::as_str)?;
        return (!contains(KERAS_BUILTIN_FUNCTIONS, name))
            .then_some(("config", "a function Keras does not provide"));
    }
    let registered = object.get("registered_name").and_then(Node::as_str);
    if registered.is_some_and(|r| r.contains('>') && !is_known(r))
        && !module.is_some_and(is_core_keras_module)
    {
        return Some(("registered_name", "a registered custom object"));
    }
    if class.contains('>') && !is_known(class) {
        return Some(("class_name", "a registered custom object"));
    }
    if module_member.is_some_and(Node::is_null) {
        return Some(("class_name", "a class saved without a module (defined in `__main__`)"));
    }
    // A module outside Keras that the user declared their own (`allowed-modules`); SEC003
    // reports the ones not declared.
    if module.is_some_and(|m| !is_keras_module(m)) && !class.starts_with("__") {
        return Some(("module", "a class from your own package (`allowed-modules`)"));
    }
    // An unregistered class in a legacy `.h5` (no `module`, no `>`) is not flagged: kerasfix's
    // layer tables list classes with integer fields, not every Keras operation (`NotEqual`),
    // so "unknown to the tables" is not "unknown to Keras".
    None
}
