//! TFK003 module-for-tf-keras: Keras 3's module path on a Functional model in a `.keras`
//! archive, which tf-keras cannot import.

use crate::cli::Target;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, rewrite_module};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "TFK003",
    name: "module-for-tf-keras",
    summary: "Keras 3's module on a Functional model, which tf-keras cannot import",
    doc: "## What it does
With `--target tf-keras`, finds the `module` of a serialized `Functional` model when it names
Keras 3's `keras.src.models.functional`.

## Why is this bad?
tf-keras imports the module a `.keras` object names, after turning `keras.` into `tf_keras.`
(tf_keras/src/saving/serialization_lib.py `_retrieve_class_or_fn`); Keras 3's module has no
counterpart there: `Could not deserialize class 'Functional' because its parent module
tf_keras.src.models.functional cannot be imported`.

## Example
```json
{\"module\": \"keras.src.models.functional\", \"class_name\": \"Functional\", \"config\": {}}
```
Use instead:
```json
{\"module\": \"keras.src.engine.functional\", \"class_name\": \"Functional\", \"config\": {}}
```

## Fix safety
Safe: tf-keras reads `keras.src.engine.functional` as its own `tf_keras.src.engine.functional`,
and the Keras 2.13-2.15 bundled with TensorFlow defines `Functional` there under that very
name, so both flavours of Keras 2 import it.",
    fix_availability: FixAvailability::Always,
    severity: Severity::Error,
};

const TF_KERAS_MODULE: &str = "keras.src.engine.functional";

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    rewrite_module(doc, &INFO, Target::TfKeras, "Functional", TF_KERAS_MODULE, foreign, &|module| {
        let imported = module.replacen("keras.", "tf_keras.", 1);
        format!(
            "tf-keras cannot import Keras 3's module: \"Could not deserialize class 'Functional' because its parent module {imported} cannot be imported\""
        )
    })
}

fn foreign(module: &str) -> bool {
    module.starts_with("keras.src.models.")
}
