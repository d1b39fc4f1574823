//! Which `module` values of a serialized object are Keras's own, and which point outside it.
//!
//! Keras 3 and tf-keras write `{"module", "class_name", "config", "registered_name"}` objects.
//! On load they try the registry first; then, for a `module` they do not recognise, tf-keras
//! (tf_keras/src/saving/serialization_lib.py `_retrieve_class_or_fn`) and Keras 3 before 3.9
//! run `importlib.import_module(module)` and take `class_name` (or, for `"class_name":
//! "function"`, the name in `config`) out of it: CVE-2025-1550. Keras 3.9+ only imports
//! packages in `{"keras", "keras_hub", "keras_cv", "keras_nlp"}`, but the file cannot know
//! which library will load it, so every reference is judged as the most permissive loader
//! would treat it.

use super::names::{PYTHON_BUILTINS, contains};
use crate::json::Node;

/// Packages whose modules are Keras's own: Keras 3 (`keras`), Keras 2 (`tf_keras`; and the
/// `keras` 2.x package, which has the same name as Keras 3), the Keras bundled in TensorFlow
/// before 2.16 (`tensorflow.keras`, `tensorflow.python.keras`), and the Keras-team libraries
/// Keras 3 itself allows importing (`keras_hub`, `keras_cv`, `keras_nlp`; their classes are
/// still custom objects, see SEC005). Matched as whole dotted prefixes, so `keras_evil` and
/// `kerastools` are foreign (tf-keras's own test is `module.startswith("keras")`, which would
/// let them through).
const KERAS_PACKAGES: &[&str] = &[
    "keras",
    "tf_keras",
    "keras_hub",
    "keras_cv",
    "keras_nlp",
    "tensorflow.keras",
    "tensorflow.python.keras",
];

/// A reference to something outside Keras.
pub(super) struct Foreign<'a> {
    pub module: &'a str,
    /// The attribute the loader would take from the module.
    pub name: &'a str,
}

/// The foreign reference `object` makes through its `module` member, if any. `class_name` is
/// the object's class as the walker read it; `allowed` are the user's own packages
/// (`allowed-modules` in the configuration), whose classes are custom objects, not threats.
pub(super) fn foreign<'a>(object: &'a Node, class_name: &'a str, allowed: &[String]) -> Option<Foreign<'a>> {
    let module = object.get("module")?.as_str()?;
    let name = referenced_name(object, class_name);
    if is_keras_module(module) || allowed.iter().any(|package| in_package(module, package)) {
        return None;
    }
    // TypeSpecs are the one place Keras writes a TensorFlow module itself
    // (`obj.__class__.__module__`, e.g. `tensorflow.python.framework.tensor`), naming the
    // spec's class in `spec_name`.
    if class_name == "__typespec__" && in_package(module, "tensorflow") {
        return None;
    }
    // Keras writes `"module": "builtins"` for every function it serializes by name (losses,
    // registered activations, a Lambda's named function) and resolves the name among its own
    // built-ins and the registry first. `import builtins` runs nothing; only a name that
    // `vars(builtins)` actually holds (`exec`, `eval`, `open`, `__import__`) is a reference out.
    if module == "builtins" && !contains(PYTHON_BUILTINS, name) {
        return None;
    }
    Some(Foreign { module, name })
}

/// Whether `module` is one of Keras's own modules (see [`KERAS_PACKAGES`]).
pub(super) fn is_keras_module(module: &str) -> bool {
    KERAS_PACKAGES.iter().any(|package| in_package(module, package))
}

/// Whether `module` belongs to Keras itself rather than a Keras-team add-on library.
pub(in crate::rules) fn is_core_keras_module(module: &str) -> bool {
    KERAS_PACKAGES.iter().filter(|p| !p.starts_with("keras_")).any(|package| in_package(module, package))
}

/// The name the loader looks up: the function name for `"class_name": "function"`, the
/// spec class for `__typespec__`, otherwise the class name.
pub(super) fn referenced_name<'a>(object: &'a Node, class_name: &'a str) -> &'a str {
    let key = match class_name {
        "function" => "config",
        "__typespec__" => "spec_name",
        _ => return class_name,
    };
    object.get(key).and_then(Node::as_str).unwrap_or(class_name)
}

fn in_package(module: &str, package: &str) -> bool {
    module.strip_prefix(package).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(text: &str) -> Option<(String, String)> {
        let root = crate::json::parse(text.as_bytes()).expect("json");
        let class = root.get("class_name").and_then(Node::as_str).unwrap_or("");
        foreign(&root, class, &[]).map(|f| (f.module.to_owned(), f.name.to_owned()))
    }

    #[test]
    fn keras_modules_are_own_and_prefixes_are_whole_components() {
        assert!(is_keras_module("keras"));
        assert!(is_keras_module("keras.src.models.functional"));
        assert!(is_keras_module("tf_keras.src.layers.core.tf_op_layer"));
        assert!(is_keras_module("keras_hub.src.models.gemma.gemma_backbone"));
        assert!(!is_keras_module("keras_evil"));
        assert!(!is_keras_module("kerastools.layers"));
        assert!(!is_keras_module("tensorflow"));
        assert!(!is_keras_module("os"));
        assert!(is_core_keras_module("keras.layers") && is_core_keras_module("tf_keras"));
        assert!(!is_core_keras_module("keras_hub.src.models.gemma.gemma_backbone"));
    }

    #[test]
    fn verdicts() {
        let os = r#"{"module": "os", "class_name": "system", "config": {}}"#;
        assert_eq!(verdict(os), Some(("os".into(), "system".into())));
        let exec = r#"{"module": "builtins", "class_name": "function", "config": "exec"}"#;
        assert_eq!(verdict(exec), Some(("builtins".into(), "exec".into())));
        // As Keras 3.15 writes a loss and a registered function.
        let loss = r#"{"module": "builtins", "class_name": "function", "config": "binary_crossentropy"}"#;
        assert_eq!(verdict(loss), None);
        let registered = r#"{"module": "builtins", "class_name": "function", "config": "mw>scaled_relu"}"#;
        assert_eq!(verdict(registered), None);
        let spec = r#"{"class_name": "__typespec__", "spec_name": "TensorSpec", "module": "tensorflow.python.framework.tensor", "config": []}"#;
        assert_eq!(verdict(spec), None);
        let tf = r#"{"module": "tensorflow.io", "class_name": "function", "config": "write_file"}"#;
        assert_eq!(verdict(tf), Some(("tensorflow.io".into(), "write_file".into())));
        assert_eq!(verdict(r#"{"module": null, "class_name": "Scale", "config": {}}"#), None);
        assert_eq!(verdict(r#"{"class_name": "Dense", "config": {}}"#), None);
    }
}
