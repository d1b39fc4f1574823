//! The security rules (SEC001-SEC005) against real models saved by Keras 3 and tf-keras
//! (testdata/security, made by scripts/make_security_testdata.py): exact findings per model,
//! sizes that agree with Python's own base64 decoding, synthetic configs for shapes no fixture
//! has, and no findings at all on the clean models and configs the other suites use.

mod common;

use std::path::{Path, PathBuf};

use common::{py, py_helper, stdout, testdata};
use kerasfix::container::{self, PartKind as ContainerPart};
use kerasfix::json;
use kerasfix::rules::{self, Finding, PartKind, Settings, Severity};

/// SEC rules only, so that other rule families cannot change these expectations.
fn sec_settings() -> Settings {
    Settings::new(&["SEC".to_string()], &[], Vec::new()).expect("SEC selects rules")
}

/// The schema's name for a JSON part; `None` for a text asset, which no SEC rule reads.
fn schema_part(kind: ContainerPart) -> Option<PartKind> {
    match kind {
        ContainerPart::Config => Some(PartKind::ModelConfig),
        ContainerPart::Training => Some(PartKind::TrainingConfig),
        ContainerPart::Metadata => Some(PartKind::Metadata),
        ContainerPart::Vocabulary => None,
    }
}

/// Every SEC finding in every JSON part of a model: (part name, finding).
fn model_findings(path: &Path) -> Vec<(String, Finding)> {
    let model = container::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let settings = sec_settings();
    let mut out = Vec::new();
    for part in &model.parts {
        let Some(kind) = schema_part(part.kind) else { continue };
        let root =
            json::parse(&part.text).unwrap_or_else(|e| panic!("{} {}: {e}", path.display(), part.name));
        for finding in rules::check(kind, &part.text, &root, &settings) {
            out.push((part.name.to_string(), finding));
        }
    }
    out
}

fn security(name: &str) -> PathBuf {
    testdata().join("security").join(name)
}

type Expected = (&'static str, &'static str, &'static str, Severity);

fn assert_findings(name: &str, expected: &[Expected]) -> Vec<Finding> {
    let found = model_findings(&security(name));
    let got: Vec<(&str, &str, &str, Severity)> =
        found.iter().map(|(part, f)| (part.as_str(), f.code, f.pointer.as_str(), f.severity)).collect();
    assert_eq!(got, expected, "{name}: {:#?}", found);
    for (_, finding) in &found {
        assert!(finding.fix.is_none(), "{name}: security rules never offer fixes");
    }
    found.into_iter().map(|(_, f)| f).collect()
}

const NESTED_LAMBDA: &str = "/config/layers/1/config/layers/2/config/layers/1/config/function/config/code";

#[test]
fn lambda_two_models_deep_is_bytecode_in_keras_and_h5() {
    for (name, part) in [("lambda_nested.keras", "config.json"), ("lambda_nested.h5", "model_config")] {
        let found = assert_findings(name, &[(part, "SEC001", NESTED_LAMBDA, Severity::Error)]);
        let message = &found[0].message;
        assert!(message.contains("outer > mid > inner > double"), "{message}");
        assert!(message.contains("170 bytes of marshalled code object"), "{message}");
        // The finding's value is the base64 text itself, as stored.
        assert!(found[0].old.starts_with("\"4wEAAAAAAAAA"), "{}", found[0].old);
    }
}

#[test]
fn keras2_lambda_triple_is_bytecode() {
    let found = assert_findings(
        "k2_lambda.h5",
        &[("model_config", "SEC001", "/config/layers/1/config/function/0", Severity::Error)],
    );
    assert!(found[0].message.contains("k2_lambda > double"), "{}", found[0].message);
}

#[test]
fn reported_sizes_equal_what_python_decodes() {
    for name in ["lambda_nested.keras", "lambda_nested.h5", "k2_lambda.h5"] {
        let path = security(name);
        let out = py(&py_helper("security_blob_sizes.py"), &[path.as_os_str()]);
        assert!(out.status.success(), "{name}: {}", common::stderr(&out));
        let sizes: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&stdout(&out)).expect("sizes json");
        assert_eq!(sizes.len(), 1, "{name}: {sizes:?}");
        let found = model_findings(&path);
        assert_eq!(found.len(), 1, "{name}");
        let (pointer, bytes) = sizes.iter().next().expect("one blob");
        assert_eq!(&found[0].1.pointer, pointer, "{name}");
        let expected = format!("{} bytes of marshalled code object", bytes.as_u64().expect("size"));
        assert!(found[0].1.message.contains(&expected), "{name}: {} vs {expected}", found[0].1.message);
    }
}

#[test]
fn lambda_over_a_named_function_is_a_warning_and_the_function_custom() {
    assert_findings(
        "lambda_named.keras",
        &[
            ("config.json", "SEC002", "/config/layers/1/config/function", Severity::Warning),
            ("config.json", "SEC005", "/config/layers/1/config/function/config", Severity::Info),
        ],
    );
}

#[test]
fn foreign_module_in_an_initializer_is_an_error() {
    for (name, part) in [("cve_initializer.keras", "config.json"), ("cve_initializer.h5", "model_config")] {
        let found = assert_findings(
            name,
            &[(part, "SEC003", "/config/layers/1/config/kernel_initializer/module", Severity::Error)],
        );
        assert_eq!(found[0].old, "\"os\"");
        assert!(found[0].message.contains("`system` from module `os`"), "{}", found[0].message);
        assert!(found[0].message.contains("kernel_initializer"), "{}", found[0].message);
    }
}

#[test]
fn foreign_modules_one_model_deep_in_regularizer_and_activation() {
    let found = assert_findings(
        "foreign_nested.keras",
        &[
            (
                "config.json",
                "SEC003",
                "/config/layers/1/config/layers/1/config/activation/module",
                Severity::Error,
            ),
            (
                "config.json",
                "SEC003",
                "/config/layers/1/config/layers/1/config/kernel_regularizer/module",
                Severity::Error,
            ),
        ],
    );
    assert!(found[0].message.contains("`exec` from module `builtins`"), "{}", found[0].message);
    assert!(found[1].message.contains("`Popen` from module `subprocess`"), "{}", found[1].message);
}

#[test]
fn tf_op_lambda_is_a_warning() {
    for (name, part) in [("tfop.h5", "model_config"), ("tfop.keras", "config.json")] {
        let found =
            assert_findings(name, &[(part, "SEC004", "/config/layers/2/config/function", Severity::Warning)]);
        assert!(found[0].message.contains("`tf.math.add`"), "{}", found[0].message);
    }
}

#[test]
fn registered_custom_layer_and_function_are_info() {
    assert_findings(
        "custom_layer.keras",
        &[
            ("config.json", "SEC005", "/config/layers/1/registered_name", Severity::Info),
            ("config.json", "SEC005", "/config/layers/2/config/activation/config", Severity::Info),
        ],
    );
    // Legacy HDF5 writes the registration key as the class name.
    assert_findings(
        "custom_layer.h5",
        &[
            ("model_config", "SEC005", "/config/layers/1/class_name", Severity::Info),
            ("model_config", "SEC005", "/config/layers/2/config/activation/config", Severity::Info),
        ],
    );
}

/// Every model under testdata/keras3 and testdata/keras2 (files and unzipped directories).
fn clean_models() -> Vec<PathBuf> {
    let flavours = [testdata().join("keras3"), testdata().join("keras2")];
    let models: Vec<PathBuf> =
        common::models().into_iter().filter(|m| flavours.iter().any(|f| m.starts_with(f))).collect();
    assert!(models.len() >= 40, "expected the clean corpus, found {}", models.len());
    models
}

#[test]
fn no_findings_on_the_clean_keras3_and_keras2_models() {
    for model in clean_models() {
        let found = model_findings(&model);
        assert!(found.is_empty(), "{}: {found:#?}", model.display());
    }
}

#[test]
fn no_findings_on_the_schema_fixture_configs() {
    let dir = common::root().join("tests/fixtures/configs");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let part = if name.ends_with(".training_config.json") {
            PartKind::TrainingConfig
        } else if name.ends_with(".metadata.json") {
            PartKind::Metadata
        } else if name.ends_with(".json") {
            PartKind::ModelConfig
        } else {
            continue;
        };
        let src = std::fs::read(&path).expect("read");
        let root = json::parse(&src).expect("parse");
        let found = rules::check(part, &src, &root, &sec_settings());
        assert!(found.is_empty(), "{name}: {found:#?}");
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} fixture configs");
}

// Synthetic configs for shapes Keras writes in situations the fixtures do not cover.

fn check_text(part: PartKind, text: &str) -> Vec<(String, &'static str, Severity)> {
    let root = json::parse(text.as_bytes()).expect("json");
    rules::check(part, text.as_bytes(), &root, &sec_settings())
        .into_iter()
        .map(|f| (f.pointer, f.code, f.severity))
        .collect()
}

#[test]
fn generic_lambda_object_in_an_activation_inside_a_wrapper() {
    // serialization_lib's form for a lambda outside a Lambda layer, in a Bidirectional's layer.
    let text = r#"{"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "Bidirectional", "config": {"name": "bi", "layer":
            {"class_name": "LSTM", "config": {"name": "lstm", "units": 2, "activation":
                {"class_name": "__lambda__", "config": {"value": ["4wEAAAAA", null, null]}}}}}}]}}"#;
    assert_eq!(
        check_text(PartKind::ModelConfig, text),
        [(
            "/config/layers/0/config/layer/config/activation/config/value/0".to_string(),
            "SEC001",
            Severity::Error
        )]
    );
}

#[test]
fn foreign_loss_in_a_training_config_and_keras_lookalikes() {
    let text = r#"{"loss": {"module": "importlib", "class_name": "function", "config": "import_module",
        "registered_name": "function"},
        "metrics": [{"module": "keras_evil.metrics", "class_name": "Spy", "config": {}, "registered_name": null},
                    {"module": "keras.metrics", "class_name": "AUC", "config": {}, "registered_name": null},
                    {"module": "builtins", "class_name": "function", "config": "mean_absolute_error",
                     "registered_name": "function"}]}"#;
    assert_eq!(
        check_text(PartKind::TrainingConfig, text),
        [
            ("/loss/module".to_string(), "SEC003", Severity::Error),
            ("/metrics/0/module".to_string(), "SEC003", Severity::Error),
        ]
    );
}

#[test]
fn what_keras_writes_itself_is_not_flagged() {
    let text = r#"{"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [
        {"module": "keras.layers", "class_name": "InputLayer", "config": {"name": "i"}, "registered_name": null},
        {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "activation":
            {"module": "keras.activations", "class_name": "function", "config": "relu", "registered_name": "function"},
         "kernel_initializer": {"class_name": "__typespec__", "spec_name": "TensorSpec",
            "module": "tensorflow.python.framework.tensor", "config": [], "registered_name": null}},
         "registered_name": null}]}, "registered_name": null}"#;
    assert_eq!(check_text(PartKind::ModelConfig, text), []);
    assert_eq!(check_text(PartKind::Metadata, r#"{"module": "os", "class_name": "system"}"#), []);
}

#[test]
fn allowed_modules_turn_a_foreign_reference_into_a_custom_object() {
    let text = br#"{"class_name": "Sequential", "config": {"name": "s", "layers": [{"module": "my_company.layers", "class_name": "Router", "config": {"name": "router", "num_experts": 4}, "registered_name": null}]}}"#;
    let root = json::parse(text).expect("json");
    let codes = |settings: &Settings| -> Vec<&'static str> {
        rules::check(PartKind::ModelConfig, text, &root, settings).iter().map(|f| f.code).collect()
    };
    let mut settings = sec_settings();
    assert!(codes(&settings).contains(&"SEC003"), "{:?}", codes(&settings));
    settings.allowed_modules = vec!["my_company".to_string()];
    let allowed = codes(&settings);
    assert!(!allowed.contains(&"SEC003"), "{allowed:?}");
    assert!(allowed.contains(&"SEC005"), "the class is still code that must ship: {allowed:?}");
    // A package prefix matches whole components only.
    settings.allowed_modules = vec!["my_comp".to_string()];
    assert!(codes(&settings).contains(&"SEC003"));
}
