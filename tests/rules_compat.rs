//! The cross-version rules on small configs: exact bytes after `fix`, nothing without a
//! target, nothing for the other target, and edits scoped to the layer classes at fault.

use kerasfix::cli::Target;
use kerasfix::rules::{PartKind, Settings, check, fix};

fn settings(target: Option<Target>) -> Settings {
    Settings { target, ..Settings::default() }
}

/// `src` after `fix` for `target`, and the codes of the findings applied.
fn fixed(src: &str, target: Target) -> (String, Vec<&'static str>) {
    let outcome = fix(PartKind::ModelConfig, src.as_bytes(), &settings(Some(target))).expect("fix");
    let mut codes: Vec<&str> = outcome.applied.iter().map(|f| f.code).collect();
    codes.sort_unstable();
    codes.dedup();
    (String::from_utf8(outcome.text).expect("utf-8"), codes)
}

fn codes(src: &str, target: Option<Target>) -> Vec<&'static str> {
    let root = kerasfix::json::parse(src.as_bytes()).expect("parse");
    // Only this family: other rule families (security) may report on the same objects.
    check(PartKind::ModelConfig, src.as_bytes(), &root, &settings(target))
        .iter()
        .map(|f| f.code)
        .filter(|c| c.starts_with("K3") || c.starts_with("TFK"))
        .collect()
}

fn assert_fix(src: &str, target: Target, want: &str, code: &str) {
    let (got, applied) = fixed(src, target);
    assert_eq!(got, want, "fix of {src}");
    assert_eq!(applied, vec![code], "rules applied to {src}");
    assert!(codes(&got, Some(target)).is_empty(), "findings left in {got}");
}

const DEPTHWISE: &str = r#"{"class_name": "Sequential", "config": {"name": "m", "layers": [{"class_name": "DepthwiseConv2D", "config": {"name": "d", "kernel_size": [3, 3], "groups": 1, "depth_multiplier": 2}}, {"class_name": "Conv2D", "config": {"name": "c", "filters": 4, "groups": 1}}, {"class_name": "GroupNormalization", "config": {"name": "g", "groups": 2}}]}}"#;

#[test]
fn nothing_is_reported_without_a_target_or_for_the_other_target() {
    for src in [DEPTHWISE, KERAS3_NODES, POLICY] {
        assert!(codes(src, None).is_empty(), "no target: {src}");
    }
    assert!(codes(DEPTHWISE, Some(Target::TfKeras)).is_empty());
    assert!(codes(KERAS3_NODES, Some(Target::Keras3)).is_empty());
}

#[test]
fn k301_drops_groups_from_depthwise_only() {
    assert_fix(
        DEPTHWISE,
        Target::Keras3,
        r#"{"class_name": "Sequential", "config": {"name": "m", "layers": [{"class_name": "DepthwiseConv2D", "config": {"name": "d", "kernel_size": [3, 3], "depth_multiplier": 2}}, {"class_name": "Conv2D", "config": {"name": "c", "filters": 4, "groups": 1}}, {"class_name": "GroupNormalization", "config": {"name": "g", "groups": 2}}]}}"#,
        "K301",
    );
    let other = r#"{"class_name": "DepthwiseConv1D", "config": {"groups": 2}}"#;
    assert_eq!(fixed(other, Target::Keras3).0, other, "groups other than 1 is reported, not fixed");
    assert_eq!(codes(other, Some(Target::Keras3)), ["K301"]);
}

#[test]
fn k302_drops_time_major_false_and_reports_true() {
    assert_fix(
        r#"{"class_name": "Bidirectional", "config": {"layer": {"class_name": "GRU", "config": {"units": 4, "time_major": false}}}}"#,
        Target::Keras3,
        r#"{"class_name": "Bidirectional", "config": {"layer": {"class_name": "GRU", "config": {"units": 4}}}}"#,
        "K302",
    );
    let major = r#"{"class_name": "LSTM", "config": {"time_major": true, "units": 4}}"#;
    assert_eq!(fixed(major, Target::Keras3).0, major);
    assert_eq!(codes(major, Some(Target::Keras3)), ["K302"]);
}

#[test]
fn k303_k305_embedding_input_length_and_batch_input_shape() {
    let (got, applied) = fixed(
        r#"{"class_name": "Sequential", "config": {"name": "m", "layers": [{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 5]}}, {"class_name": "Embedding", "config": {"batch_input_shape": [null, 5], "input_dim": 64, "input_length": 5}}]}}"#,
        Target::Keras3,
    );
    assert_eq!(
        got,
        r#"{"class_name": "Sequential", "config": {"name": "m", "layers": [{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 5]}}, {"class_name": "Embedding", "config": {"input_dim": 64}}]}}"#
    );
    assert_eq!(applied, ["K303", "K305"]);
}

#[test]
fn k305_first_sequential_layer_gets_input_shape() {
    assert_fix(
        r#"{"class_name": "Sequential", "config": {"name": "m", "layers": [{"class_name": "Conv2D", "config": {"filters": 4, "batch_input_shape": [null, 8, 8, 3]}}]}}"#,
        Target::Keras3,
        r#"{"class_name": "Sequential", "config": {"name": "m", "layers": [{"class_name": "Conv2D", "config": {"filters": 4, "input_shape": [8, 8, 3]}}]}}"#,
        "K305",
    );
}

#[test]
fn k304_k306_mha_arguments_and_batchnorm_axis() {
    assert_fix(
        r#"{"class_name": "MultiHeadAttention", "config": {"num_heads": 2, "query_shape": [null, 4, 8], "key_shape": [null, 6, 8], "value_shape": [null, 6, 8], "softmax_robust_masking": false}}"#,
        Target::Keras3,
        r#"{"class_name": "MultiHeadAttention", "config": {"num_heads": 2}}"#,
        "K304",
    );
    assert_fix(
        r#"{"class_name": "BatchNormalization", "config": {"axis": [3], "momentum": 0.99}}"#,
        Target::Keras3,
        r#"{"class_name": "BatchNormalization", "config": {"axis": 3, "momentum": 0.99}}"#,
        "K306",
    );
    let layer_norm = r#"{"class_name": "LayerNormalization", "config": {"axis": [2]}}"#;
    assert!(codes(layer_norm, Some(Target::Keras3)).is_empty(), "LayerNormalization keeps its list");
}

#[test]
fn k307_and_tfk003_rewrite_the_functional_module() {
    assert_fix(
        r#"{"module": "tf_keras.src.engine.functional", "class_name": "Functional", "config": {"layers": []}}"#,
        Target::Keras3,
        r#"{"module": "keras.src.models.functional", "class_name": "Functional", "config": {"layers": []}}"#,
        "K307",
    );
    assert_fix(
        r#"{"module": "keras.src.models.functional", "class_name": "Functional", "config": {"layers": []}, "registered_name": "Functional"}"#,
        Target::TfKeras,
        r#"{"module": "keras.src.engine.functional", "class_name": "Functional", "config": {"layers": []}, "registered_name": "Functional"}"#,
        "TFK003",
    );
}

const POLICY: &str = r#"{"class_name": "Dense", "config": {"units": 2, "dtype": {"module": "keras.mixed_precision", "class_name": "Policy", "config": {"name": "mixed_float16"}, "registered_name": null}}}"#;

#[test]
fn k308_and_tfk002_policy_objects_become_names() {
    assert_fix(
        POLICY,
        Target::Keras3,
        r#"{"class_name": "Dense", "config": {"units": 2, "dtype": "mixed_float16"}}"#,
        "K308",
    );
    assert_fix(
        r#"{"class_name": "Dense", "config": {"dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "units": 2}}"#,
        Target::TfKeras,
        r#"{"class_name": "Dense", "config": {"dtype": "float32", "units": 2}}"#,
        "TFK002",
    );
}

#[test]
fn k309_tf_op_lambda_is_reported_without_fix() {
    let src = r#"{"class_name": "TFOpLambda", "config": {"name": "tf.nn.relu", "function": "nn.relu"}}"#;
    assert_eq!(fixed(src, Target::Keras3).0, src);
    assert_eq!(codes(src, Some(Target::Keras3)), ["K309"]);
}

#[test]
fn k310_k311_k312_legacy_nodes_for_keras3() {
    let src = r#"{"class_name": "Functional", "config": {"layers": [{"class_name": "Sequential", "config": {"name": "inner", "layers": [{"class_name": "InputLayer", "config": {}}]}, "name": "inner", "inbound_nodes": [[["x", 0, 0, {}]]]}, {"class_name": "Dense", "config": {}, "name": "out", "inbound_nodes": [[["inner", 1, 0, {}]]]}]}}"#;
    assert_fix(
        src,
        Target::Keras3,
        &src.replace(r#"[["inner", 1, 0, {}]]"#, r#"[["inner", 0, 0, {}]]"#),
        "K310",
    );
    assert_fix(
        r#"{"class_name": "MultiHeadAttention", "config": {"dtype": "float32"}, "build_config": {"input_shape": [null, 4, 8]}, "name": "mha", "inbound_nodes": []}"#,
        Target::Keras3,
        r#"{"class_name": "MultiHeadAttention", "config": {"dtype": "float32"}, "name": "mha", "inbound_nodes": []}"#,
        "K312",
    );
    let (got, applied) = fixed(
        r#"{"class_name": "MultiHeadAttention", "config": {"dtype": "float32", "query_shape": [null, 4, 8], "value_shape": [null, 6, 8]}, "name": "mha", "inbound_nodes": [[["q", 0, 0, {"value": ["v", 0, 0]}]]]}"#,
        Target::Keras3,
    );
    assert_eq!(
        got,
        r#"{"class_name": "MultiHeadAttention", "config": {"dtype": "float32"}, "name": "mha", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4, 8], "dtype": "float32", "keras_history": ["q", 0, 0]}}], "kwargs": {"value": {"class_name": "__keras_tensor__", "config": {"shape": [null, 6, 8], "dtype": "float32", "keras_history": ["v", 0, 0]}}}}]}"#
    );
    assert_eq!(applied, ["K304", "K311"]);
}

const KERAS3_NODES: &str = r#"{"class_name": "Functional", "config": {"layers": [{"class_name": "InputLayer", "config": {"batch_shape": [null, 8]}, "name": "in", "inbound_nodes": []}, {"class_name": "Sequential", "config": {"name": "seq", "layers": [{"class_name": "InputLayer", "config": {}}]}, "name": "seq", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 8], "dtype": "float32", "keras_history": ["in", 0, 0]}}], "kwargs": {"mask": null}}]}, {"class_name": "Add", "config": {}, "name": "add", "inbound_nodes": [{"args": [[{"class_name": "__keras_tensor__", "config": {"shape": [null, 8], "dtype": "float32", "keras_history": ["in", 0, 0]}}, {"class_name": "__keras_tensor__", "config": {"shape": [null, 8], "dtype": "float32", "keras_history": ["seq", 0, 0]}}]], "kwargs": {}}]}]}}"#;

#[test]
fn tfk001_tfk004_keras3_inputs_and_nodes_for_tf_keras() {
    let (got, applied) = fixed(KERAS3_NODES, Target::TfKeras);
    assert_eq!(
        got,
        r#"{"class_name": "Functional", "config": {"layers": [{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 8]}, "name": "in", "inbound_nodes": []}, {"class_name": "Sequential", "config": {"name": "seq", "layers": [{"class_name": "InputLayer", "config": {}}]}, "name": "seq", "inbound_nodes": [[["in", 0, 0, {"mask": null}]]]}, {"class_name": "Add", "config": {}, "name": "add", "inbound_nodes": [[["in", 0, 0, {}], ["seq", 1, 0, {}]]]}]}}"#
    );
    assert_eq!(applied, ["TFK001", "TFK004"]);
    // MultiHeadAttention's second positional argument is `value`.
    let (got, _) = fixed(
        r#"{"class_name": "MultiHeadAttention", "config": {"query_shape": null, "key_shape": null, "value_shape": null}, "name": "mha", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4, 8], "dtype": "float32", "keras_history": ["q", 0, 0]}}, {"class_name": "__keras_tensor__", "config": {"shape": [null, 6, 8], "dtype": "float32", "keras_history": ["v", 0, 0]}}], "kwargs": {}}]}"#,
        Target::TfKeras,
    );
    assert!(got.ends_with(r#""inbound_nodes": [[["q", 0, 0, {"value": ["v", 0, 0]}]]]}"#), "{got}");
}

#[test]
fn tfk005_to_tfk010_keras3_only_arguments_for_tf_keras() {
    assert_fix(
        r#"{"class_name": "GlorotUniform", "config": {"seed": null, "input_axes": null, "output_axes": null}}"#,
        Target::TfKeras,
        r#"{"class_name": "GlorotUniform", "config": {"seed": null}}"#,
        "TFK005",
    );
    assert_fix(
        r#"{"class_name": "Dense", "config": {"units": 2, "quantization_config": null}}"#,
        Target::TfKeras,
        r#"{"class_name": "Dense", "config": {"units": 2}}"#,
        "TFK006",
    );
    assert_fix(
        r#"{"class_name": "LayerNormalization", "config": {"rms_scaling": false, "epsilon": 0.001}}"#,
        Target::TfKeras,
        r#"{"class_name": "LayerNormalization", "config": {"epsilon": 0.001}}"#,
        "TFK007",
    );
    assert_fix(
        r#"{"class_name": "MultiHeadAttention", "config": {"num_heads": 2}}"#,
        Target::TfKeras,
        r#"{"class_name": "MultiHeadAttention", "config": {"num_heads": 2, "query_shape": null, "key_shape": null, "value_shape": null}}"#,
        "TFK009",
    );
    assert_fix(
        r#"{"class_name": "IntegerLookup", "config": {"dtype": "float32", "output_mode": "int"}}"#,
        Target::TfKeras,
        r#"{"class_name": "IntegerLookup", "config": {"dtype": "int64", "output_mode": "int"}}"#,
        "TFK010",
    );
    let info = r#"{"class_name": "Functional", "config": {"layers": []}}"#;
    assert_eq!(codes(info, Some(Target::TfKeras)), ["TFK008"], "reported only");
    assert_eq!(fixed(info, Target::TfKeras).0, info);
}
