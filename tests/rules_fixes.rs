//! Each rule on small hand-written configs: damaged JSON in, the exact bytes out; clean or
//! float-meant-as-float inputs produce no findings.

use kerasfix::json;
use kerasfix::rules::{self, PartKind, Settings};

fn findings(src: &str) -> Vec<rules::Finding> {
    findings_with(src, &Settings::default())
}

fn findings_with(src: &str, settings: &Settings) -> Vec<rules::Finding> {
    let root = json::parse(src.as_bytes()).expect("test JSON parses");
    rules::check(PartKind::ModelConfig, src.as_bytes(), &root, settings)
}

fn fixed(src: &str) -> String {
    let outcome = rules::fix(PartKind::ModelConfig, src.as_bytes(), &Settings::default()).expect("fix runs");
    String::from_utf8(outcome.text).expect("utf-8")
}

fn codes(src: &str) -> Vec<&'static str> {
    findings(src).iter().map(|f| f.code).collect()
}

fn layer(class: &str, config: &str) -> String {
    format!(
        r#"{{"class_name": "Sequential", "config": {{"name": "m", "layers": [{{"class_name": "{class}", "config": {config}}}]}}}}"#
    )
}

#[test]
fn int001_integral_float_is_fixed_to_keras_spelling() {
    let src = layer("Dense", r#"{"name": "d", "units": 64.0, "use_bias": true}"#);
    let f = findings(&src);
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].code, f[0].name), ("INT001", "integral-float"));
    assert_eq!(f[0].pointer, "/config/layers/0/config/units");
    assert_eq!(f[0].old, "64.0");
    assert_eq!(f[0].fix.as_ref().map(|x| x.new.as_str()), Some("64"));
    assert_eq!(fixed(&src), layer("Dense", r#"{"name": "d", "units": 64, "use_bias": true}"#));
}

#[test]
fn int001_negative_zero_exponent_and_tuple_elements() {
    let src = layer(
        "Conv2D",
        r#"{"filters": 6.4e1, "kernel_size": [3.0, 3], "strides": [1, 1.0], "groups": -0.0}"#,
    );
    assert_eq!(codes(&src), ["INT001"; 4]);
    assert_eq!(
        fixed(&src),
        layer("Conv2D", r#"{"filters": 64, "kernel_size": [3, 3], "strides": [1, 1], "groups": 0}"#)
    );
}

#[test]
fn int002_numeric_string() {
    let src = layer("RepeatVector", r#"{"n": "3"}"#);
    assert_eq!(codes(&src), ["INT002"]);
    assert_eq!(fixed(&src), layer("RepeatVector", r#"{"n": 3}"#));
    let src = layer("Embedding", r#"{"input_dim": "1000.0", "output_dim": "np.int64(64)"}"#);
    assert_eq!(fixed(&src), layer("Embedding", r#"{"input_dim": 1000, "output_dim": 64}"#));
}

#[test]
fn int003_stringified_sequences() {
    let cases = [
        ("Reshape", r#"{"target_shape": "(8, 64)"}"#, r#"{"target_shape": [8, 64]}"#),
        ("InputLayer", r#"{"batch_shape": "(None, 8, 64)"}"#, r#"{"batch_shape": [null, 8, 64]}"#),
        ("IntegerLookup", r#"{"vocabulary": "range(0, 4)"}"#, r#"{"vocabulary": [0, 1, 2, 3]}"#),
        ("IntegerLookup", r#"{"vocabulary": "[ 0  1  2  3]"}"#, r#"{"vocabulary": [0, 1, 2, 3]}"#),
        ("Conv2D", r#"{"kernel_size": "(np.int64(3), np.int64(3))"}"#, r#"{"kernel_size": [3, 3]}"#),
        ("Cropping2D", r#"{"cropping": "((1, 2), (3, 4))"}"#, r#"{"cropping": [[1, 2], [3, 4]]}"#),
        ("Permute", r#"{"dims": "[2. 1.]"}"#, r#"{"dims": [2, 1]}"#),
        ("Permute", r#"{"dims": "array([2, 1])"}"#, r#"{"dims": [2, 1]}"#),
        (
            "Dropout",
            r#"{"noise_shape": "(None, 1, 64)", "rate": 0.5}"#,
            r#"{"noise_shape": [null, 1, 64], "rate": 0.5}"#,
        ),
        ("LayerNormalization", r#"{"axis": "[1, 2]"}"#, r#"{"axis": [1, 2]}"#),
        ("ZeroPadding2D", r#"{"padding": "((1, 1), (2, 2))"}"#, r#"{"padding": [[1, 1], [2, 2]]}"#),
    ];
    for (class, damaged, want) in cases {
        let src = layer(class, damaged);
        assert_eq!(codes(&src), ["INT003"], "{class} {damaged}");
        assert_eq!(fixed(&src), layer(class, want), "{class} {damaged}");
    }
}

#[test]
fn int003_without_fix_when_a_single_integer_is_expected_or_values_are_bad() {
    for (class, config) in
        [("Dense", r#"{"units": "[64, 32]"}"#), ("Reshape", r#"{"target_shape": "(8, 6.5)"}"#)]
    {
        let src = layer(class, config);
        let f = findings(&src);
        assert_eq!(f.len(), 1, "{config}");
        assert_eq!(f[0].code, "INT003");
        assert!(f[0].fix.is_none(), "{config}");
        assert_eq!(fixed(&src), src);
    }
}

#[test]
fn int004_non_integral_has_no_fix() {
    for config in [r#"{"units": 64.5}"#, r#"{"units": "64.5"}"#, r#"{"units": NaN}"#] {
        let src = layer("Dense", config);
        let f = findings(&src);
        assert_eq!(f.iter().map(|f| f.code).collect::<Vec<_>>(), ["INT004"], "{config}");
        assert!(f[0].fix.is_none());
        let outcome =
            rules::fix(PartKind::ModelConfig, src.as_bytes(), &Settings::default()).expect("fix runs");
        assert_eq!(outcome.text, src.as_bytes());
        assert!(outcome.applied.is_empty());
        assert_eq!(outcome.remaining.len(), 1);
    }
}

#[test]
fn int005_out_of_range() {
    for config in [
        r#"{"input_dim": 1e300, "output_dim": 8}"#,
        r#"{"input_dim": 99999999999999999999, "output_dim": 8}"#,
    ] {
        let src = layer("Embedding", config);
        assert_eq!(codes(&src), ["INT005"], "{config}");
        assert_eq!(fixed(&src), src);
    }
}

#[test]
fn int006_elided_numpy() {
    let src = layer("IntegerLookup", r#"{"vocabulary": "[   0    1    2 ...  997  998  999]"}"#);
    let f = findings(&src);
    assert_eq!(f.iter().map(|f| f.code).collect::<Vec<_>>(), ["INT006"]);
    assert!(f[0].fix.is_none());
}

#[test]
fn floats_strings_and_booleans_that_are_meant_are_left_alone() {
    let clean = [
        ("Dropout", r#"{"name": "64", "rate": 0.0, "seed": null, "trainable": true}"#),
        ("BatchNormalization", r#"{"axis": -1, "momentum": 1.0, "epsilon": 1e-07}"#),
        (
            "StringLookup",
            r#"{"vocabulary": ["0", "1", "64"], "mask_token": "0", "oov_token": "1", "max_tokens": 5}"#,
        ),
        ("Discretization", r#"{"bin_boundaries": [0.0, 1.0, 2.0], "epsilon": 0.01}"#),
        ("Normalization", r#"{"mean": [1.0, 2.0], "variance": [4.0, 9.0], "axis": -1}"#),
        ("Conv2D", r#"{"padding": "valid", "filters": 8, "kernel_size": [3, 3], "name": "dense_1"}"#),
        (
            "Dense",
            r#"{"units": 8, "trainable": 1, "kernel_constraint": {"class_name": "MaxNorm", "config": {"max_value": 2.0, "axis": 0}}}"#,
        ),
        ("IntegerLookup", r#"{"vocabulary": "vocab/2024.txt"}"#),
        ("MyCustomLayer", r#"{"units": 64.0, "num_experts": "4"}"#),
    ];
    for (class, config) in clean {
        let src = layer(class, config);
        assert_eq!(codes(&src), Vec::<&str>::new(), "{class} {config}");
        assert_eq!(fixed(&src), src);
    }
}

#[test]
fn extend_integer_fields_for_custom_classes() {
    let settings =
        Settings::new(&[], &[], vec!["MyLayer.num_experts".into(), "*.class_ids".into()]).expect("valid");
    let src = layer("MyLayer", r#"{"num_experts": 4.0, "class_ids": "(1, 2)", "other": 3.0}"#);
    let f = findings_with(&src, &settings);
    assert_eq!(f.iter().map(|f| f.code).collect::<Vec<_>>(), ["INT001", "INT003"]);
    let out = rules::fix(PartKind::ModelConfig, src.as_bytes(), &settings).expect("fix runs");
    assert_eq!(
        String::from_utf8(out.text).expect("utf-8"),
        layer("MyLayer", r#"{"num_experts": 4, "class_ids": [1, 2], "other": 3.0}"#)
    );
    assert!(Settings::new(&[], &[], vec!["nofield".into()]).is_err());
    assert!(Settings::new(&[], &[], vec!["A.b:float".into()]).is_err());
}

#[test]
fn keras2_inbound_nodes_and_keras3_history_are_fixed() {
    let k2 = r#"{"class_name": "Functional", "config": {"name": "f", "layers": [{"class_name": "Dense", "config": {"name": "64", "units": 2}, "name": "64", "inbound_nodes": [[["input_1", 0.0, "0", {}]]]}], "input_layers": [["input_1", 0, 0.0]], "output_layers": [["64", "0", 0]]}}"#;
    let want = r#"{"class_name": "Functional", "config": {"name": "f", "layers": [{"class_name": "Dense", "config": {"name": "64", "units": 2}, "name": "64", "inbound_nodes": [[["input_1", 0, 0, {}]]]}], "input_layers": [["input_1", 0, 0]], "output_layers": [["64", 0, 0]]}}"#;
    assert_eq!(fixed(k2), want);
    let k3 = r#"{"module": "keras", "class_name": "Functional", "config": {"name": "f", "layers": [{"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 2}, "build_config": {"input_shape": [null, 4.0]}, "name": "d", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, "4"], "dtype": "float32", "keras_history": ["in", 0.0, 0]}}], "kwargs": {}}]}], "input_layers": [["in", 0, 0]], "output_layers": ["d", 0, 0.0]}}"#;
    let want = r#"{"module": "keras", "class_name": "Functional", "config": {"name": "f", "layers": [{"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 2}, "build_config": {"input_shape": [null, 4]}, "name": "d", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4], "dtype": "float32", "keras_history": ["in", 0, 0]}}], "kwargs": {}}]}], "input_layers": [["in", 0, 0]], "output_layers": ["d", 0, 0]}}"#;
    assert_eq!(fixed(k3), want);
}

#[test]
fn nested_models_and_wrappers_are_walked() {
    let src = r#"{"class_name": "Functional", "config": {"layers": [
        {"class_name": "Sequential", "config": {"name": "inner", "layers": [{"class_name": "Dense", "config": {"units": 8.0}}]}},
        {"class_name": "TimeDistributed", "config": {"layer": {"class_name": "Dense", "config": {"units": "8"}}}},
        {"class_name": "Bidirectional", "config": {"layer": {"class_name": "LSTM", "config": {"units": 4.0}}, "backward_layer": {"class_name": "LSTM", "config": {"units": 4.0}}}},
        {"class_name": "RNN", "config": {"cell": {"class_name": "StackedRNNCells", "config": {"cells": [{"class_name": "GRUCell", "config": {"units": 2.0}}]}}}}
    ]}}"#;
    let f = findings(src);
    assert_eq!(f.len(), 5);
    let pointers: Vec<_> = f.iter().map(|f| f.pointer.as_str()).collect();
    assert!(pointers.contains(&"/config/layers/2/config/backward_layer/config/units"));
    assert!(pointers.contains(&"/config/layers/3/config/cell/config/cells/0/config/units"));
    assert!(findings(&fixed(src)).is_empty());
}

#[test]
fn training_config_fields() {
    let src = r#"{"loss": {"class_name": "CategoricalCrossentropy", "config": {"axis": -1.0, "label_smoothing": 0.0}}, "steps_per_execution": "1", "optimizer_config": {"class_name": "Custom>Adam", "config": {"learning_rate": 1.0, "ema_overwrite_frequency": 100.0, "epsilon": 1e-07}}}"#;
    let out = rules::fix(PartKind::TrainingConfig, src.as_bytes(), &Settings::default()).expect("fix runs");
    let want = r#"{"loss": {"class_name": "CategoricalCrossentropy", "config": {"axis": -1, "label_smoothing": 0.0}}, "steps_per_execution": 1, "optimizer_config": {"class_name": "Custom>Adam", "config": {"learning_rate": 1.0, "ema_overwrite_frequency": 100, "epsilon": 1e-07}}}"#;
    assert_eq!(String::from_utf8(out.text).expect("utf-8"), want);
    assert_eq!(out.applied.len(), 3);
    let meta = br#"{"keras_version": "3.15.1", "date_saved": "2026-01-01@00:00:00"}"#;
    let root = json::parse(meta).expect("parses");
    assert!(rules::check(PartKind::Metadata, meta, &root, &Settings::default()).is_empty());
}

#[test]
fn unparseable_input_is_an_error() {
    assert!(rules::fix(PartKind::ModelConfig, b"{\"a\": ", &Settings::default()).is_err());
}
