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
