//! The code table: every rule's stable code, name, summary, documentation and fix
//! availability in one place, so that selection, `kerasfix rule CODE` and the docs agree.

use super::{compat, int001, int002, int003, int004, int005, int006, int007};

/// Whether a rule's findings come with a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    Always,
    Sometimes,
    Never,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::Always => "always",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Never => "never",
        }
    }
}

/// A rule's identity and documentation.
#[derive(Debug)]
pub struct RuleInfo {
    /// Stable code, e.g. `INT001`.
    pub code: &'static str,
    /// Stable kebab-case name, e.g. `integral-float`.
    pub name: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Markdown: what it does, why it matters, an example, fix safety.
    pub doc: &'static str,
    pub fix_availability: FixAvailability,
    /// How serious its findings are, for `check --fail-on`.
    pub severity: Severity,
}

/// How serious a finding is: `check --fail-on SEVERITY` fails only at or above it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; the model loads.
    Info,
    /// Likely to cause trouble (code runs at load time, a silent change of behaviour).
    Warning,
    /// The model will not load, or loads wrongly, where it must.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

static RULES: &[RuleInfo] = &[
    int001::INFO,
    int002::INFO,
    int003::INFO,
    int004::INFO,
    int005::INFO,
    int006::INFO,
    int007::INFO,
    compat::depthwise_groups::INFO,
    compat::rnn_time_major::INFO,
    compat::embedding_input_length::INFO,
    compat::mha_build_shapes::INFO,
    compat::layer_batch_input_shape::INFO,
    compat::axis_list::INFO,
    compat::module_for_keras3::INFO,
    compat::mixed_precision_policy::INFO,
    compat::tf_op_lambda::INFO,
    compat::nested_node_index::INFO,
    compat::tensor_kwargs::INFO,
    compat::mha_build_config::INFO,
    compat::batch_shape::INFO,
    compat::dtype_policy::INFO,
    compat::module_for_tf_keras::INFO,
    compat::tensor_nodes::INFO,
    compat::initializer_axes::INFO,
    compat::quantization_config::INFO,
    compat::keras3_only_args::INFO,
    compat::functional_class_name::INFO,
    compat::mha_shapes_for_tf_keras::INFO,
    compat::lookup_int_dtype::INFO,
    super::security::SEC001,
    super::security::SEC002,
    super::security::SEC003,
    super::security::SEC004,
    super::security::SEC005,
];

/// Every rule, in code order.
pub fn all_rules() -> &'static [RuleInfo] {
    RULES
}

/// A rule by exact code (`INT001`) or name (`integral-float`).
pub fn rule(code: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.code == code || r.name == code)
}
