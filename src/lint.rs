//! The per-model work of `check` and `fix`: open, run the rules on every embedded JSON part and
//! on the IntegerLookup vocabulary assets that `config.json` says Keras reads as integers, and
//! (for `fix`) write the fixed parts back in one atomic replacement.
//!
//! Rules never write; this is the one place their fixes reach a file, and only through
//! [`container::prepare`] (the batch then commits many models at once). Errors come back as
//! one-line messages for the batch to report.

use std::path::Path;
use std::sync::Arc;

use similar::TextDiff;

use crate::container::{self, ModelKind, Part, PartKind, WriteOptions};
use crate::json;
use crate::paths;
use crate::report::Record;
use crate::rules::{self, Finding, FixError, FixOutcome, Settings};
use crate::schema;

/// What to do with findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixMode {
    /// Report only; never write.
    Check,
    /// Apply safe fixes; with `dry_run` write nothing, with `diff` also show what changes.
    Apply { dry_run: bool, diff: bool, options: WriteOptions },
}

/// The outcome for one model.
#[derive(Debug, Default)]
pub struct ModelReport {
    /// The model's path as printed.
    pub path: String,
    pub records: Vec<Record>,
    /// Fixes applied (or, under `--dry-run`, that would be).
    pub fixed: usize,
    /// Findings with no fix applied.
    pub remaining: usize,
    pub weights_only: bool,
    /// A unified diff of each changed part, pretty-printed, when asked for.
    pub diff: String,
    /// The fixed model, written and verified beside the original, waiting for
    /// [`container::commit`] (empty when nothing changes or under `--dry-run`).
    pub prepared: container::Prepared,
}

/// Why a model could not be checked or fixed.
#[derive(Debug)]
pub struct ModelError {
    /// One line: `PATH: what is wrong`.
    pub message: String,
    /// The file system ran out of space (or quota) while the replacement was written. A copy
    /// that failed beside the other copies of a parallel batch may fit once they are done, so
    /// the batch tries such a model again on its own.
    pub out_of_space: bool,
}

impl From<String> for ModelError {
    fn from(message: String) -> ModelError {
        ModelError { message, out_of_space: false }
    }
}

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The schema's name for a JSON part; `None` for a text asset.
fn schema_part(kind: PartKind) -> Option<schema::PartKind> {
    match kind {
        PartKind::Config => Some(schema::PartKind::ModelConfig),
        PartKind::Training => Some(schema::PartKind::TrainingConfig),
        PartKind::Metadata => Some(schema::PartKind::Metadata),
        PartKind::Vocabulary => None,
    }
}

/// The finding as reported; it is moved, not copied (a damaged model has tens of findings).
fn record(path: &Arc<str>, part: &Part, finding: Finding, applied: Option<bool>) -> Record {
    Record {
        path: Arc::clone(path),
        part: part.name.clone(),
        pointer: finding.pointer,
        code: finding.code,
        name: finding.name,
        severity: finding.severity,
        message: finding.message,
        fixable: finding.fix.is_some(),
        old: finding.old,
        new: finding.fix.map(|f| f.new),
        applied,
    }
}

/// Checks (and, in `Apply` mode, fixes) one model; the caller holds the model's directory
/// lock when fixes are written. `Err` is the one-line reason it could not.
/// `listed`: the walk found the path as a regular file in a directory it read (see
/// [`container::open_listed`]).
pub fn process(
    path: &Path,
    listed: bool,
    settings: &Settings,
    mode: &FixMode,
) -> Result<ModelReport, ModelError> {
    let shown = paths::display(path);

    let model = if listed { container::open_listed(path) } else { container::open(path) };
    let model = model.map_err(|e| format!("{shown}: {e}"))?;
    let mut report = ModelReport {
        path: shown.clone(),
        weights_only: model.kind == ModelKind::WeightsOnly,
        ..Default::default()
    };
    let mut updates = Vec::new();
    // The vocabulary assets Keras reads as integers, from config.json (read only when the
    // archive has candidate assets at all).
    let has_assets = model.parts.iter().any(|p| p.kind == PartKind::Vocabulary);
    let mut integer_assets: Vec<String> = Vec::new();
    for (index, part) in model.parts.iter().enumerate() {
        let Some(kind) = schema_part(part.kind) else { continue };
        let (root, duplicates) =
            json::parse_noting_duplicates(&part.text).map_err(|e| format!("{shown}: {}: {e}", part.name))?;
        if duplicates {
            refuse_duplicate_keys(&root).map_err(|e| format!("{shown}: {}: {e}", part.name))?;
        }
        if has_assets && part.kind == PartKind::Config {
            integer_assets = rules::integer_vocabulary_assets(&root);
        }
        let check = || rules::check(kind, &part.text, &root, settings);
        let fix = || rules::fix_parsed(kind, &part.text, &root, settings);
        run_rules(&mut report, &mut updates, mode, (index, part), &check, &fix)?;
    }
    for (index, part) in model.parts.iter().enumerate() {
        if part.kind != PartKind::Vocabulary || !integer_assets.iter().any(|a| **a == *part.name) {
            continue;
        }
        let check = || rules::check_vocabulary(&part.text, settings);
        let fix = || rules::fix_vocabulary(&part.text, settings);
        run_rules(&mut report, &mut updates, mode, (index, part), &check, &fix)?;
    }
    if let FixMode::Apply { dry_run: false, options, .. } = mode
        && !updates.is_empty()
    {
        report.prepared = container::prepare(&model, &updates, options).map_err(|e| ModelError {
            out_of_space: e.is_out_of_space(),
            message: format!("{shown}: {e}; the file is unchanged"),
        })?;
    }
    Ok(report)
}

/// Checks one part, or fixes it and queues its new text in `updates`, recording the findings.
fn run_rules(
    report: &mut ModelReport,
    updates: &mut Vec<(usize, Vec<u8>)>,
    mode: &FixMode,
    (index, part): (usize, &Part),
    check: &dyn Fn() -> Vec<Finding>,
    fix: &dyn Fn() -> Result<FixOutcome, FixError>,
) -> Result<(), String> {
    let shown: Arc<str> = Arc::from(report.path.as_str());
    match mode {
        FixMode::Check => {
            for finding in check() {
                report.remaining += 1;
                report.records.push(record(&shown, part, finding, None));
            }
        }
        FixMode::Apply { dry_run, diff, .. } => {
            let FixOutcome { text, applied, remaining } =
                fix().map_err(|e| format!("{shown}: {}: {e}", part.name))?;
            report.fixed += applied.len();
            report.remaining += remaining.len();
            for finding in applied {
                report.records.push(record(&shown, part, finding, Some(!dry_run)));
            }
            for finding in remaining {
                report.records.push(record(&shown, part, finding, Some(false)));
            }
            if text != part.text {
                if *diff {
                    report.diff.push_str(&unified_diff(&shown, part, &text));
                }
                updates.push((index, text));
            }
        }
    }
    Ok(())
}

/// Refuses a document that repeats a key in one object. Keras never writes one (it serializes
/// Python dicts), Python's `json` silently keeps the last value, and a fix aimed at the first
/// would change bytes Keras never reads: such text has been edited by something else, and a
/// person should decide which value is meant.
fn refuse_duplicate_keys(root: &json::Node) -> Result<(), String> {
    match root.duplicate_keys().first() {
        None => Ok(()),
        Some(duplicate) => {
            let object =
                if duplicate.object.is_root() { "/".to_string() } else { duplicate.object.to_string() };
            Err(format!(
                "duplicate key `{}` in the object at {object} (Python keeps the last one); not checked \
                 or fixed: remove one of them first",
                duplicate.key
            ))
        }
    }
}

/// A unified diff of the part before and after, JSON pretty-printed so that a one-value change
/// in a one-line JSON document reads as one changed line; a text asset as it is.
fn unified_diff(shown: &str, part: &Part, after: &[u8]) -> String {
    let (before, name) = (&part.text, &part.name);
    let pretty = |text: &[u8]| match json::parse(text) {
        Ok(root) if part.kind.is_json() => json::pretty(text, &root) + "\n",
        _ => String::from_utf8_lossy(text).into_owned(),
    };
    let (old, new) = (pretty(before), pretty(after));
    TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{shown}:{name}"), &format!("b/{shown}:{name}"))
        .to_string()
}
