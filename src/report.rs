//! Rendering findings: one renderer per output format, all writing to `&mut dyn Write`, so the
//! commands never format anything themselves (ruff's `render/` shape).
//!
//! The JSON format is the machine contract documented in the README: an array of objects, one
//! per finding, with stable field names.

use std::io::{self, Write};

use serde::Serialize;

/// Output formats of `check` and `fix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// `path:part:pointer: CODE message`, with the old and new value, then a summary.
    #[default]
    Full,
    /// One line per finding: `path:part:pointer: CODE message`.
    Concise,
    /// A JSON array of findings (see the README for the fields).
    Json,
    /// GitHub Actions workflow commands (`::error file=...`), shown as annotations.
    Github,
}

/// One finding in one file, as every renderer sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Shared by every record of a model (a damaged model has tens).
    pub path: std::sync::Arc<str>,
    /// The embedded document: `model_config`, `training_config`, `config.json`, ...
    pub part: std::borrow::Cow<'static, str>,
    /// RFC 6901 pointer into that document.
    pub pointer: String,
    pub code: &'static str,
    pub name: &'static str,
    /// `info`, `warning` or `error`.
    pub severity: crate::rules::Severity,
    pub message: String,
    pub fixable: bool,
    /// The value's JSON text as stored.
    pub old: String,
    /// The value's JSON text after the fix; `null` when there is none.
    pub new: Option<String>,
    /// For `fix`: whether the edit was written (false under `--dry-run` or when unsafe).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied: Option<bool>,
}

/// Writes the findings in `format`; `verb` is "fixed" or "would fix" for fixable findings.
pub fn render(out: &mut dyn Write, format: Format, records: &[Record]) -> io::Result<()> {
    match format {
        Format::Full => {
            for r in records {
                writeln!(out, "{}:{}:{}: {} {}", r.path, r.part, r.pointer, r.code, r.message)?;
                match (&r.new, r.applied) {
                    (Some(new), Some(true)) => writeln!(out, "    fixed: {} -> {new}", r.old)?,
                    (Some(new), _) => writeln!(out, "    fix: {} -> {new}", r.old)?,
                    (None, _) => writeln!(out, "    value: {} (no automatic fix)", r.old)?,
                }
            }
        }
        Format::Concise => {
            for r in records {
                writeln!(out, "{}:{}:{}: {} {}", r.path, r.part, r.pointer, r.code, r.message)?;
            }
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, records).map_err(io::Error::other)?;
            writeln!(out)?;
        }
        Format::Github => {
            for r in records {
                let level = if r.fixable { "warning" } else { "error" };
                writeln!(
                    out,
                    "::{level} file={},title=kerasfix {} ({})::{}:{}: {}",
                    escape_property(&r.path),
                    escape_property(r.code),
                    escape_property(r.name),
                    escape_data(&r.part),
                    escape_data(&r.pointer),
                    escape_data(&r.message)
                )?;
            }
        }
    }
    Ok(())
}

// GitHub's workflow-command escaping (actions/toolkit `command.ts`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
