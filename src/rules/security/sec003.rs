//! SEC003 foreign-module: a serialized object whose `module` points outside Keras (the
//! CVE-2025-1550 shape), anywhere in the config.

use crate::schema::Visit;

use super::modules::foreign;
use super::{Finding, finding, location, member};
use crate::rules::Document;
use crate::rules::{FixAvailability, RuleInfo, Severity};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "SEC003",
    name: "foreign-module",
    summary: "Serialized object referencing a Python module outside Keras",
    doc: "## What it does
Finds serialized objects whose `module` is not one of Keras's own, anywhere in the config:
layers of nested models and wrappers, initializers, regularizers, constraints, activations,
losses, metrics, optimizers. The finding points at the `module` string.

Keras's own modules are `keras`, `tf_keras`, `tensorflow.keras`, `tensorflow.python.keras`,
`keras_hub`, `keras_cv`, `keras_nlp` and their dotted submodules (whole components:
`keras_evil` is foreign). Two more shapes are Keras's own because Keras writes them itself:
`tensorflow.*` as the module of a `__typespec__`, and `builtins` for a function serialized by
name, unless the name is one Python's `builtins` module actually holds (`exec`, `eval`,
`open`, `__import__`, ...): `import builtins` runs nothing, and Keras looks other names up
among its own built-ins and the registry.

## Why is this bad?
When a name is not registered at load time, tf-keras and Keras 3 before 3.9 call
`importlib.import_module(module)` and take `class_name` (or the function name in `config`)
out of it: `{\"module\": \"os\", \"class_name\": \"system\"}` makes the loader import `os`
and hand `os.system` to Keras, which then calls it with values from the file
(CVE-2025-1550; Keras 3.9 limited imports to Keras packages, tf-keras did not). Importing a
module runs its top-level code, and the file chooses both the module and the attribute, so
this is an `error` whichever library will load the model.

A custom object from your own package (`\"module\": \"my_package.layers\"`) has the same
shape and is reported too: from the file alone it cannot be told apart from `os`. Review it,
then ignore the finding for that model.

## Example
```json
\"kernel_initializer\": {\"module\": \"os\", \"class_name\": \"system\",
  \"config\": {\"command\": \"touch pwned\"}, \"registered_name\": null}
```
Use instead:
```json
\"kernel_initializer\": {\"module\": \"keras.initializers\", \"class_name\": \"GlorotUniform\",
  \"config\": {\"seed\": null}, \"registered_name\": null}
```

## Fix safety
No automatic fix: what the object should have been is unknown.",
    fix_availability: FixAvailability::Never,
    severity: Severity::Error,
};

pub(super) fn check(visit: &Visit<'_, '_>, document: &Document<'_>, out: &mut Vec<Finding>) {
    let src = document.src;
    let Some(reference) = foreign(visit.object, visit.class_name, &document.settings.allowed_modules) else {
        return;
    };
    let Some((node, pointer)) = member(visit, "module") else { return };
    let message = format!(
        "{} references `{}` from module `{}`, outside Keras: tf-keras and Keras < 3.9 import it while loading",
        location(visit),
        reference.name,
        reference.module,
    );
    out.push(finding(&INFO, node, &pointer, src, message));
}
