//! Command-line definitions. Clap types stay here, at the edge: each command turns its
//! arguments into plain settings before any work starts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Inspect, check and repair the JSON config embedded in saved Keras models.
#[derive(Debug, Parser)]
#[command(name = "kerasfix", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show a saved model's format, versions, layers and embedded JSON.
    Show(ShowArgs),
    /// Replace (or add, or remove) one value of a model's embedded JSON, in place and atomically.
    Set(SetArgs),
    /// Report problems in models and directories of models; never writes.
    Check(CheckArgs),
    /// Apply the safe fixes in place, atomically, across files and directories.
    Fix(FixArgs),
    /// Apply an RFC 6902 JSON Patch to the embedded JSON of one or many models, all-or-nothing.
    Patch(PatchArgs),
    /// Edit a model's embedded JSON in $VISUAL / $EDITOR; only what changed is written back.
    Edit(EditArgs),
    /// List every rule with its code, name and whether it can fix what it finds.
    Rules,
    /// Explain one rule: what it checks, why, an example, and how safe its fix is.
    Rule(RuleArgs),
}

/// What `check` and `fix` share: which models, which rules, how to report.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Model files, unzipped archive directories, or directories to walk (default: `.`).
    pub paths: Vec<PathBuf>,
    /// Also read paths from FILE (`-` for standard input), one per line or NUL-separated.
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,
    /// Use this configuration file instead of discovering kerasfix.toml / pyproject.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Only these rules (codes or prefixes, comma-separated), replacing the configuration's.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub select: Option<Vec<String>>,
    /// Skip these rules (codes or prefixes, comma-separated), added to the configuration's.
    #[arg(long, value_delimiter = ',', value_name = "CODES")]
    pub ignore: Vec<String>,
    /// How to print findings.
    #[arg(long, value_enum, default_value_t)]
    pub format: crate::report::Format,
    /// Print only findings and errors: no summary, warnings or progress.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also say which files hold weights only.
    #[arg(long, short)]
    pub verbose: bool,
    /// Where the models must load: enables the cross-version rules for that library.
    #[arg(long, value_enum, value_name = "LIBRARY")]
    pub target: Option<Target>,
}

/// The library a model must load in; chooses the cross-version rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// Keras 3 (the `keras` package, 3.x).
    Keras3,
    /// Keras 2 as `tf-keras` (and `tf.keras` of TensorFlow <= 2.15).
    TfKeras,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Exit 1 only for findings of at least this severity (default: any finding).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
}

pub use crate::rules::Severity;

#[derive(Debug, Args)]
pub struct PatchArgs {
    /// The RFC 6902 JSON Patch document (a JSON array of operations); `-` for standard input.
    #[arg(long, value_name = "FILE")]
    pub patch: PathBuf,
    /// Models, unzipped archive directories, or directories to walk.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Which embedded JSON document: config, metadata or training.
    #[arg(long, value_enum, default_value_t)]
    pub part: PartArg,
    /// Keep each original as FILE + SUFFIX (default suffix `.bak`).
    #[arg(long, value_name = "SUFFIX", num_args = 0..=1, default_missing_value = ".bak", require_equals = true)]
    pub backup: Option<String>,
    /// Show what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The model to edit in place.
    pub model: PathBuf,
    /// Which embedded JSON document: config, metadata or training.
    #[arg(long, value_enum, default_value_t)]
    pub part: PartArg,
    /// Keep the original as MODEL + SUFFIX (default suffix `.bak`).
    #[arg(long, value_name = "SUFFIX", num_args = 0..=1, default_missing_value = ".bak", require_equals = true)]
    pub backup: Option<String>,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub batch: BatchArgs,
    /// Report what would be fixed; write nothing (exit 1 if anything would change).
    #[arg(long)]
    pub dry_run: bool,
    /// Print a unified diff of each changed part (pretty-printed); with --dry-run, only the diff.
    #[arg(long)]
    pub diff: bool,
    /// Keep each original as FILE + SUFFIX (default suffix `.bak`).
    #[arg(long, value_name = "SUFFIX", num_args = 0..=1, default_missing_value = ".bak", require_equals = true)]
    pub backup: Option<String>,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A rule code (`INT001`) or name (`integral-float`).
    pub code: String,
}

/// Which embedded JSON document to work on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum PartArg {
    /// The model architecture: HDF5 `model_config`, or `config.json`.
    #[default]
    Config,
    /// `metadata.json` of a `.keras` archive.
    Metadata,
    /// HDF5 `training_config`, or `compile_config` inside `config.json`.
    Training,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The model: `.h5`, `.keras` (zip or HDF5), or an unzipped `.keras` directory.
    pub model: PathBuf,
    /// Print the embedded JSON, pretty-printed (numbers spelled as stored).
    #[arg(long, conflicts_with = "raw")]
    pub json: bool,
    /// Print the embedded JSON exactly as stored, byte for byte.
    #[arg(long)]
    pub raw: bool,
    /// Print only the subtree at this RFC 6901 JSON Pointer (e.g. `/config/layers/0`).
    #[arg(long, value_name = "POINTER")]
    pub pointer: Option<String>,
    /// Which embedded JSON document: config, metadata or training.
    #[arg(long, value_enum, default_value_t)]
    pub part: PartArg,
    /// List the weight datasets: names, shapes and dtypes (metadata only; no weight data is read).
    #[arg(long, conflicts_with_all = ["json", "raw", "pointer"])]
    pub weights: bool,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// The model to edit in place.
    pub model: PathBuf,
    /// RFC 6901 JSON Pointer of the value (e.g. `/config/layers/1/config/units`).
    pub pointer: String,
    /// The new value, as JSON (`64`, `"relu"`, `[3, 3]`, `null`, `NaN`). Omit with --remove.
    #[arg(required_unless_present = "remove", allow_hyphen_values = true)]
    pub value: Option<String>,
    /// Remove the value at POINTER instead of replacing it.
    #[arg(long, conflicts_with = "value")]
    pub remove: bool,
    /// Which embedded JSON document: config, metadata or training.
    #[arg(long, value_enum, default_value_t)]
    pub part: PartArg,
    /// Keep the original as MODEL + SUFFIX (default suffix `.bak`).
    #[arg(long, value_name = "SUFFIX", num_args = 0..=1, default_missing_value = ".bak", require_equals = true)]
    pub backup: Option<String>,
    /// Show what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}
