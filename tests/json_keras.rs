//! Fixtures copied from real Keras 3.15.1 output (generated with the bundled Python's
//! `keras`): the scanner reads them, `compact_python` reproduces them byte for byte, and
//! edits produce exactly what Python's `json.dumps` writes for the edited value.

use kerasfix::json::{self, Edit, Node, Pointer};

/// `keras.layers.ReLU(max_value=float("inf"))` as Keras 3.15.1 serializes it.
const RELU: &str = r#"{"module": "keras.layers", "class_name": "ReLU", "config": {"name": "re_lu", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "max_value": Infinity, "negative_slope": 0.0, "threshold": 0.0}, "registered_name": null}"#;

/// `model.to_json()` of a Keras 3.15.1 functional model with non-ASCII layer names.
const MODEL: &str = r#"{"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "m", "trainable": true, "layers": [{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 3], "dtype": "float32", "sparse": false, "ragged": false, "name": "\u5d4c\u5165", "optional": false}, "registered_name": null, "name": "\u5d4c\u5165", "inbound_nodes": []}, {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense\u00e9", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "units": 4, "activation": "linear", "use_bias": true, "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null, "input_axes": null, "output_axes": null}, "registered_name": null}, "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null}, "kernel_regularizer": null, "bias_regularizer": null, "kernel_constraint": null, "bias_constraint": null, "quantization_config": null}, "registered_name": null, "build_config": {"input_shape": [null, 3]}, "name": "dense\u00e9", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 3], "dtype": "float32", "keras_history": ["\u5d4c\u5165", 0, 0]}}], "kwargs": {}}]}, {"module": "keras.layers", "class_name": "ReLU", "config": {"name": "re_lu", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "max_value": Infinity, "negative_slope": 0.0, "threshold": 0.0}, "registered_name": null, "name": "re_lu", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "dtype": "float32", "keras_history": ["dense\u00e9", 0, 0]}}], "kwargs": {}}]}], "input_layers": ["\u5d4c\u5165", 0, 0], "output_layers": ["re_lu", 0, 0]}, "registered_name": "Functional", "build_config": {"input_shape": null}, "compile_config": {}}"#;

/// `keras.optimizers.Adam()` serialized by Keras 3.15.1.
const ADAM: &str = r#"{"module": "keras.optimizers", "class_name": "Adam", "config": {"name": "adam", "learning_rate": 0.0010000000474974513, "weight_decay": null, "clipnorm": null, "global_clipnorm": null, "clipvalue": null, "use_ema": false, "ema_momentum": 0.99, "ema_overwrite_frequency": null, "loss_scale_factor": null, "gradient_accumulation_steps": null, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": false}, "registered_name": null}"#;

/// `json.dumps(json.loads(RELU), indent=2, ensure_ascii=False)`.
const RELU_PRETTY: &str = r#"{
  "module": "keras.layers",
  "class_name": "ReLU",
  "config": {
    "name": "re_lu",
    "trainable": true,
    "dtype": {
      "module": "keras",
      "class_name": "DTypePolicy",
      "config": {
        "name": "float32"
      },
      "registered_name": null
    },
    "max_value": Infinity,
    "negative_slope": 0.0,
    "threshold": 0.0
  },
  "registered_name": null
}"#;

/// Python's `json.dumps` of MODEL after the edits in `model_edits_match_python`.
const MODEL_EDITED: &str = r#"{"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "m", "trainable": true, "layers": [{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 3], "dtype": "float32", "sparse": false, "ragged": false, "name": "\u5d4c\u5165", "optional": false}, "registered_name": null, "name": "\u5d4c\u5165", "inbound_nodes": []}, {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d\u00e9", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "units": 4, "activation": "linear", "use_bias": true, "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null, "input_axes": null, "output_axes": null}, "registered_name": null}, "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null}, "kernel_regularizer": null, "bias_regularizer": null, "kernel_constraint": null, "bias_constraint": null}, "registered_name": null, "build_config": {"input_shape": [null, 3]}, "name": "dense\u00e9", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 3], "dtype": "float32", "keras_history": ["\u5d4c\u5165", 0, 0]}}], "kwargs": {}}]}, {"module": "keras.layers", "class_name": "ReLU", "config": {"name": "re_lu", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "max_value": 6.0, "negative_slope": 0.0, "threshold": 0.0}, "registered_name": null, "name": "re_lu", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "dtype": "float32", "keras_history": ["dense\u00e9", 0, 0]}}], "kwargs": {}}]}], "input_layers": ["\u5d4c\u5165", 0, 0], "output_layers": ["re_lu", 0, 0]}, "registered_name": "Functional", "build_config": {"input_shape": null}, "compile_config": {"loss": "mse"}}"#;

fn parsed(text: &str) -> Node {
    json::parse(text.as_bytes()).unwrap_or_else(|error| panic!("fixture should parse: {error}"))
}

fn at<'n>(root: &'n Node, pointer: &str) -> &'n Node {
    let pointer = Pointer::parse(pointer).unwrap_or_else(|error| panic!("{error}"));
    root.pointer(&pointer).unwrap_or_else(|| panic!("nothing at {pointer}"))
}

fn applied(text: &str, edits: &[Edit]) -> String {
    let out = json::apply_edits(text.as_bytes(), edits).unwrap_or_else(|error| panic!("{error}"));
    String::from_utf8(out).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn fixtures_round_trip_byte_for_byte() {
    for text in [RELU, MODEL, ADAM, MODEL_EDITED] {
        let root = parsed(text);
        assert_eq!(root.span, 0..text.len());
        assert_eq!(json::compact_python(text.as_bytes(), &root), text);
        assert_eq!(applied(text, &[]), text);
    }
}

#[test]
fn relu_infinity_is_read_and_replaced_in_place() {
    let root = parsed(RELU);
    let max_value = at(&root, "/config/max_value");
    let number = max_value.as_number().unwrap_or_else(|| panic!("not a number"));
    assert_eq!(number.raw, "Infinity");
    assert_eq!(number.as_f64(), f64::INFINITY);
    assert_eq!(number.integral_value(), None);
    assert_eq!(at(&root, "/config/negative_slope").raw(RELU.as_bytes()), b"0.0");
    let edited = applied(RELU, &[json::replace_value(max_value, "6.0")]);
    assert_eq!(edited, RELU.replacen("\"max_value\": Infinity", "\"max_value\": 6.0", 1));
}

#[test]
fn relu_pretty_matches_python_indent_2() {
    let root = parsed(RELU);
    assert_eq!(json::pretty(RELU.as_bytes(), &root), RELU_PRETTY);
}

#[test]
fn non_ascii_names_decode_and_keep_their_escapes() {
    let root = parsed(MODEL);
    let input_name = at(&root, "/config/layers/0/config/name");
    assert_eq!(input_name.as_str(), Some("\u{5d4c}\u{5165}"));
    assert_eq!(input_name.raw(MODEL.as_bytes()), br#""\u5d4c\u5165""#);
    assert_eq!(at(&root, "/config/layers/1/name").as_str(), Some("dense\u{e9}"));
    assert_eq!(json::quote_python("\u{5d4c}\u{5165}"), r#""\u5d4c\u5165""#);
    let pretty = json::pretty(MODEL.as_bytes(), &root);
    assert!(pretty.contains("\"name\": \"\u{5d4c}\u{5165}\""), "{pretty}");
}

#[test]
fn model_edits_match_python() {
    let root = parsed(MODEL);
    let dense_config = at(&root, "/config/layers/1/config");
    let members = dense_config.as_object().unwrap_or_default();
    let quantization = members
        .iter()
        .position(|member| member.key == "quantization_config")
        .unwrap_or_else(|| panic!("no quantization_config"));
    let edits = [
        json::replace_value(at(&root, "/config/layers/2/config/max_value"), "6.0"),
        json::remove_member(MODEL.as_bytes(), dense_config, quantization),
        json::insert_member(MODEL.as_bytes(), at(&root, "/compile_config"), "loss", r#""mse""#),
        json::replace_value(at(&root, "/config/layers/1/config/name"), &json::quote_python("d\u{e9}")),
    ];
    assert_eq!(applied(MODEL, &edits), MODEL_EDITED);
}

#[test]
fn optimizer_numbers_keep_their_spelling() {
    let root = parsed(ADAM);
    let epsilon = at(&root, "/config/epsilon").as_number().unwrap_or_else(|| panic!("epsilon"));
    assert_eq!(epsilon.raw, "1e-07");
    assert_eq!(epsilon.as_f64(), 1e-7);
    let rate = at(&root, "/config/learning_rate");
    assert_eq!(rate.raw(ADAM.as_bytes()), b"0.0010000000474974513");
    assert!(at(&root, "/config/weight_decay").is_null());
    assert_eq!(at(&root, "/config/amsgrad").as_bool(), Some(false));
    let units = at(&parsed(MODEL), "/config/layers/1/config/units").as_number().cloned();
    assert_eq!(units.and_then(|n| n.as_i64()), Some(4));
}
