//! K307 module-for-keras3: a tf-keras module path on a Functional model in a `.keras` archive,
//! which Keras 3 cannot import.

use crate::cli::Target;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, rewrite_module};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "K307",
    name: "module-for-keras3",
    summary: "A tf-keras module on a Functional model, which Keras 3 cannot import",
    doc: "## What it does
With `--target keras3`, finds the `module` of a serialized `Functional` model (the top level
of a `.keras` archive's `config.json`, or a nested model) when it names tf-keras's or Keras 2's
package (`tf_keras.src.engine.functional`, `keras.src.engine.functional`,
`keras.engine.functional`).

## Why is this bad?
Keras 3 imports the module a `.keras` object names, and only from its own packages
(keras/src/saving/serialization_lib.py `_retrieve_class_or_fn`). tf-keras's archives fail with
`Could not locate class 'Functional'`, Keras 2.13-2.15's with `Could not deserialize class
'Functional' because its parent module keras.src.engine.functional cannot be imported`.

## Example
```json
{\"module\": \"tf_keras.src.engine.functional\", \"class_name\": \"Functional\", \"config\": {}}
```
Use instead:
```json
{\"module\": \"keras.src.models.functional\", \"class_name\": \"Functional\", \"config\": {}}
```

## Fix safety
Safe: `keras.src.models.functional` is where Keras 3 defines `Functional`, and what Keras 3
itself writes there. The layers of a tf-keras archive are written as `keras.layers`, which
Keras 3 reads as they are.",
    fix_availability: FixAvailability::Always,
    severity: Severity::Error,
};

const KERAS3_MODULE: &str = "keras.src.models.functional";

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    rewrite_module(doc, &INFO, Target::Keras3, "Functional", KERAS3_MODULE, foreign, &|module| {
        if module.starts_with("tf_keras") {
            "Keras 3 cannot import tf-keras's module: \"Could not locate class 'Functional'\"".to_owned()
        } else {
            format!(
                "Keras 3 has no such module: \"Could not deserialize class 'Functional' because its parent module {module} cannot be imported\""
            )
        }
    })
}

/// Where tf-keras and Keras 2 define Functional; anything else is left alone (Keras 3's own
/// path, or a custom module this rule knows nothing about).
fn foreign(module: &str) -> bool {
    ["tf_keras.", "keras.src.engine.", "keras.engine."].iter().any(|p| module.starts_with(p))
}
