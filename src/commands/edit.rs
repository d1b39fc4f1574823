//! `kerasfix edit`: the embedded JSON in the user's editor, written back only where it changed.
//!
//! A stored config is one long line of compact JSON, which no one can edit by hand. The editor
//! gets it pretty-printed instead, and what comes back is diffed against the stored tree
//! (`json::diff`), so only the values the user changed are rewritten, in Keras's own compact
//! style: the editor's layout never reaches the file. Invalid JSON re-opens the editor with
//! the error on top, as `kubectl edit` does; JSON has no comments, so leading `#` lines are
//! ours and are stripped before parsing.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Result, anyhow};

use super::open_part;
use crate::cli::EditArgs;
use crate::container::{self, WriteOptions};
use crate::exit::ExitStatus;
use crate::json::{self, Node, Value};
use crate::paths;

const CANCELLED: &str = "edit cancelled, nothing written";

pub fn run(args: &EditArgs) -> Result<ExitStatus> {
    let shown = paths::display(&args.model);
    let opened = open_part(&args.model, args.part)?;
    let text = opened.text();
    let part = opened.part_name();
    let old = opened.root.pointer(&opened.base).ok_or_else(|| anyhow!("{shown}: {part}: nothing to edit"))?;
    let original = json::pretty(text, old);
    let editor = Editor::from_env();
    let temp =
        TempFile::create(&args.model).map_err(|e| anyhow!("{shown}: cannot create a temporary file: {e}"))?;

    let header = format!(
        "# kerasfix edit: {shown} ({part}). Lines starting with '#' at the top are ignored.\n\
         # Only the values you change are written back; save an empty file to cancel.\n"
    );
    let mut buffer = format!("{header}{original}\n");
    let mut last_invalid: Option<String> = None;
    let (body, new_root) = loop {
        let edited =
            editor.edit(&temp.path, &buffer).map_err(|e| anyhow!("{shown}: {e}; nothing written"))?;
        let body = strip_comments(&edited);
        if body.trim().is_empty() {
            println!("{shown}: {CANCELLED}");
            return Ok(ExitStatus::Success);
        }
        if last_invalid.as_deref() == Some(body) {
            return Err(anyhow!("{shown}: the JSON is still not valid; {CANCELLED}"));
        }
        // Errors point at lines of the file the user saw, comments included.
        let skipped_lines = edited[..edited.len() - body.len()].matches('\n').count();
        match check(body, old, skipped_lines) {
            Ok(new_root) => break (body.to_owned(), new_root),
            Err(problem) => {
                buffer = format!(
                    "# kerasfix: the edited JSON cannot be used: {problem}\n\
                     # Fix it and save, or save an empty file to cancel.\n#\n{header}{body}"
                );
                last_invalid = Some(body.to_owned());
            }
        }
    };
    if old.eq_ignoring_spans(&new_root) {
        println!("{shown}: no changes; {CANCELLED}");
        return Ok(ExitStatus::Success);
    }
    let (new_text, changes) = splice(text, old, body.as_bytes(), &new_root, &opened.base)
        .map_err(|e| anyhow!("{shown}: {part}: {e}; nothing written"))?;
    let options = WriteOptions { backup_suffix: args.backup.clone() };
    // No lock is held while the editor is open (that could stall a batch for minutes); the
    // write takes it, and the stamp check refuses the write if the file changed meanwhile.
    let _lock = container::lock_model(&args.model).map_err(|e| anyhow!("{shown}: {e}"))?;
    container::write_back(&opened.model, &[(opened.index, new_text)], &options)
        .map_err(|e| anyhow!("{shown}: {e}; the file is unchanged"))?;
    let noun = if changes == 1 { "change" } else { "changes" };
    println!("{shown}: {part}: {changes} {noun} written");
    Ok(ExitStatus::Success)
}

/// Parses the edited text; the message goes back to the user as a comment.
fn check(body: &str, old: &Node, skipped_lines: usize) -> Result<Node, String> {
    let new_root = json::parse(body.as_bytes()).map_err(|e| {
        format!("JSON syntax error at line {} column {}: {}", e.line + skipped_lines, e.column, e.message)
    })?;
    // Keras cannot load a config that stopped being an object.
    if matches!(old.value, Value::Object(_)) && !matches!(new_root.value, Value::Object(_)) {
        return Err(format!("the document must stay a JSON object, not a {}", new_root.value.type_name()));
    }
    Ok(new_root)
}

/// Applies the diff and proves the stored tree now equals what the user saved; should the
/// diff ever miss, the whole part is replaced instead (still in Keras's style).
fn splice(
    text: &[u8],
    old: &Node,
    new_src: &[u8],
    new_root: &Node,
    base: &json::Pointer,
) -> Result<(Vec<u8>, usize)> {
    let matches = |candidate: &[u8]| {
        json::parse(candidate)
            .ok()
            .and_then(|root| root.pointer(base).map(|node| node.eq_ignoring_spans(new_root)))
            .unwrap_or(false)
    };
    let edits = json::diff(text, old, new_src, new_root);
    let new_text = json::apply_edits(text, &edits)?;
    if matches(&new_text) {
        return Ok((new_text, edits.len()));
    }
    let whole = json::replace_value(old, &json::compact_python(new_src, new_root));
    let new_text = json::apply_edits(text, std::slice::from_ref(&whole))?;
    if matches(&new_text) {
        return Ok((new_text, 1));
    }
    Err(anyhow!("the edited JSON could not be written back faithfully"))
}

/// Drops our leading `#` comment lines (and blank lines among them).
fn strip_comments(text: &str) -> &str {
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        if !trimmed.starts_with('#') {
            return rest;
        }
        rest = trimmed.split_once('\n').map_or("", |(_, after)| after);
    }
}

/// The user's editor: `$VISUAL`, else `$EDITOR`, else `vi`, split on whitespace into a
/// program and its arguments, as git treats `core.editor` without quotes.
struct Editor {
    program: String,
    args: Vec<String>,
}

impl Editor {
    fn from_env() -> Editor {
        let chosen = ["VISUAL", "EDITOR"]
            .iter()
            .filter_map(|name| std::env::var(name).ok())
            .find(|value| !value.trim().is_empty())
            .unwrap_or_else(|| "vi".to_owned());
        let mut words = chosen.split_whitespace().map(str::to_owned);
        let program = words.next().unwrap_or_else(|| "vi".to_owned());
        Editor { program, args: words.collect() }
    }

    /// Writes `buffer` to `path`, runs the editor on it and returns what was saved.
    fn edit(&self, path: &Path, buffer: &str) -> Result<String> {
        std::fs::write(path, buffer)?;
        let status = Command::new(&self.program)
            .args(&self.args)
            .arg(path)
            .status()
            .map_err(|e| anyhow!("cannot run the editor `{}`: {e}", self.program))?;
        if !status.success() {
            let how = status
                .code()
                .map_or_else(|| "was killed".to_owned(), |code| format!("exited with status {code}"));
            return Err(anyhow!("the editor `{}` {how}", self.program));
        }
        let bytes = std::fs::read(path)?;
        String::from_utf8(bytes).map_err(|_| anyhow!("the edited file is not UTF-8"))
    }
}

/// A private temporary file (mode 0600, a new name) that is removed when dropped.
struct TempFile {
    path: PathBuf,
}

impl TempFile {
    fn create(model: &Path) -> std::io::Result<TempFile> {
        let stem: String = model
            .file_name()
            .map(|n| n.to_string_lossy().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect())
            .unwrap_or_default();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let mut last_error = None;
        for attempt in 0..100u32 {
            let name = format!("kerasfix-edit-{}-{nanos}-{attempt}-{stem}.json", std::process::id());
            let path = std::env::temp_dir().join(name);
            match OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path) {
                Ok(_) => return Ok(TempFile { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last_error = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last_error.unwrap_or_else(|| std::io::Error::other("no free temporary name")))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_only_leading_comments() {
        assert_eq!(strip_comments("# a\n#b\n\n  # c\n{\"x\": \"#\"}\n"), "{\"x\": \"#\"}\n");
        assert_eq!(strip_comments("{}"), "{}");
        assert_eq!(strip_comments("# only\n"), "");
    }
}
