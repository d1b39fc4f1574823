//! Which `vocabulary.txt` assets Keras reads back as integers, found by naming every layer of
//! `config.json` the way Keras's saving library names its asset directory.
//!
//! The directory of a layer is its object path, not its `name`: the `layers` list of a
//! Functional or Sequential model is saved as a container whose items are named
//! `to_snake_case(type(layer).__name__)`, then `_1`, `_2`, ... for later items of the same
//! snake name, in list order (keras/src/saving/saving_lib.py `_save_container_state`,
//! `_get_unique_name`; keras/src/utils/naming.py `to_snake_case`; tf_keras/src/saving/
//! saving_lib.py the same), and nested models continue below (`layers/functional/layers/...`).
//! `config.json` lists the same layers in the same order, so the paths can be reproduced. Only
//! a built-in IntegerLookup whose config has no inline `vocabulary` reads its `vocabulary.txt`
//! with `int(line)` (keras/src/layers/preprocessing/index_lookup.py `load_assets` returns early
//! when `input_vocabulary is not None`); StringLookup and TextVectorization read strings, and a
//! custom class or a layer held by a custom layer is left alone.

use std::collections::HashMap;

use super::security::is_core_keras_module;
use crate::json::{Node, Value};

/// Archive entry names (`assets/layers/integer_lookup_1/vocabulary.txt`) of the integer
/// vocabularies Keras would read for the model in `config` (the root of `config.json`).
pub fn integer_vocabulary_assets(config: &Node) -> Vec<String> {
    let mut out = Vec::new();
    model(config, "assets/", &mut out);
    out
}

/// The model classes whose `layers` Keras saves as a container (`_walk_saveable` yields
/// `layers` first for `obj_type in ("Sequential", "Functional")`).
const MODEL_CLASSES: [&str; 2] = ["Functional", "Sequential"];

fn model(object: &Node, prefix: &str, out: &mut Vec<String>) {
    let Some(layers) = object.get("config").and_then(|c| c.get("layers")).and_then(Node::as_array) else {
        return;
    };
    let mut used: HashMap<String, usize> = HashMap::new();
    for layer in layers {
        let Some(class) = layer.get("class_name").and_then(Node::as_str) else { continue };
        let dir = format!("{prefix}layers/{}", unique_name(snake_case(class), &mut used));
        if is_builtin(layer, class, "IntegerLookup") && reads_asset(layer) {
            out.push(format!("{dir}/vocabulary.txt"));
        } else if MODEL_CLASSES.iter().any(|m| is_builtin(layer, class, m)) {
            model(layer, &format!("{dir}/"), out);
        }
    }
}

/// `_get_unique_name`: the first use of a name is bare, later ones get `_1`, `_2`, ...
fn unique_name(name: String, used: &mut HashMap<String, usize>) -> String {
    match used.get_mut(&name) {
        Some(count) => {
            *count += 1;
            format!("{name}_{count}")
        }
        None => {
            used.insert(name.clone(), 0);
            name
        }
    }
}

/// keras/src/utils/naming.py `to_snake_case`: drop non-word characters, `_` before an
/// uppercase letter that starts a lowercase run (after any character), `_` between a lowercase
/// and an uppercase letter, lowercase all. tf-keras's version differs only for digits after an
/// uppercase letter and a leading `_`, which no name compared here has.
fn snake_case(class: &str) -> String {
    let chars: Vec<char> = class.chars().filter(|c| c.is_alphanumeric() || *c == '_').collect();
    // re.sub("(.)([A-Z][a-z]+)", r"\1_\2"): matches do not overlap, each consumes its run.
    let mut first = Vec::with_capacity(chars.len() + 4);
    let mut at = 0;
    while at < chars.len() {
        let lower_run = chars[at + 1..].iter().skip(1).take_while(|c| c.is_ascii_lowercase()).count();
        if at + 1 < chars.len() && chars[at + 1].is_ascii_uppercase() && lower_run > 0 {
            first.push(chars[at]);
            first.push('_');
            first.extend_from_slice(&chars[at + 1..at + 2 + lower_run]);
            at += 2 + lower_run;
        } else {
            first.push(chars[at]);
            at += 1;
        }
    }
    // re.sub("([a-z])([A-Z])", r"\1_\2").lower()
    let mut out = String::with_capacity(first.len() + 4);
    for (index, c) in first.iter().enumerate() {
        if index > 0 && first[index - 1].is_ascii_lowercase() && c.is_ascii_uppercase() {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Keras's own `class`, not a custom class of the same name: `registered_name`, when written,
/// is the class itself (a registered custom class has `package>Name`), and `module`, when
/// written, is Keras's own.
fn is_builtin(layer: &Node, class: &str, wanted: &str) -> bool {
    // Absent and null both mean "not written"; any other non-string is not Keras's writing.
    let member = |key: &str| -> Result<Option<&str>, ()> {
        match layer.get(key) {
            None => Ok(None),
            Some(value) if matches!(value.value, Value::Null) => Ok(None),
            Some(value) => value.as_str().map(Some).ok_or(()),
        }
    };
    class == wanted
        && member("registered_name").is_ok_and(|r| r.is_none_or(|r| r == wanted))
        && member("module").is_ok_and(|m| m.is_none_or(is_core_keras_module))
}

/// Whether the layer's vocabulary lives in its asset: no inline `vocabulary` (absent or null).
fn reads_asset(layer: &Node) -> bool {
    layer.get("config").and_then(|c| c.get("vocabulary")).is_none_or(|v| matches!(v.value, Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_is_kerass() {
        for (class, snake) in [
            ("IntegerLookup", "integer_lookup"),
            ("Functional", "functional"),
            ("Sequential", "sequential"),
            ("StringLookup", "string_lookup"),
            ("Conv2D", "conv2d"),
            ("ABCDense", "abc_dense"),
            ("integerLookup", "integer_lookup"),
            ("Integer_Lookup", "integer__lookup"),
            ("MyLayer.V2", "my_layer_v2"),
        ] {
            assert_eq!(snake_case(class), snake, "{class}");
        }
    }

    fn assets(config: &str) -> Vec<String> {
        integer_vocabulary_assets(&crate::json::parse(config.as_bytes()).expect("json"))
    }

    #[test]
    fn paths_follow_layer_order_per_class_and_nesting() {
        let config = r#"{"class_name": "Functional", "config": {"layers": [
            {"class_name": "InputLayer", "config": {}},
            {"module": "keras.layers", "class_name": "IntegerLookup", "config": {"vocabulary": null}},
            {"class_name": "StringLookup", "config": {"vocabulary": null}},
            {"class_name": "IntegerLookup", "config": {"vocabulary": [1, 2]}},
            {"class_name": "IntegerLookup", "config": {}},
            {"module": "keras.src.models.functional", "class_name": "Functional", "registered_name": "Functional",
             "config": {"layers": [{"class_name": "IntegerLookup", "config": {}}]}},
            {"class_name": "Sequential", "config": {"layers": [{"class_name": "IntegerLookup", "config": {}}]}},
            {"class_name": "IntegerLookup", "registered_name": "demo>IntegerLookup", "config": {}},
            {"module": "my_pkg", "class_name": "IntegerLookup", "config": {}},
            {"class_name": "Holder", "config": {"layers": [{"class_name": "IntegerLookup", "config": {}}]}}
        ]}}"#;
        assert_eq!(
            assets(config),
            [
                "assets/layers/integer_lookup/vocabulary.txt",
                "assets/layers/integer_lookup_2/vocabulary.txt",
                "assets/layers/functional/layers/integer_lookup/vocabulary.txt",
                "assets/layers/sequential/layers/integer_lookup/vocabulary.txt",
            ]
        );
    }

    #[test]
    fn a_model_without_layers_has_none() {
        assert!(assets(r#"{"class_name": "MyModel", "config": {}}"#).is_empty());
        assert!(assets("[]").is_empty());
    }
}
