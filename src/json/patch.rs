//! RFC 6902 JSON Patch and its inverse, a structural diff, both as byte edits.
//!
//! `kerasfix patch` and `kerasfix edit` must change only the bytes of the values the user
//! changes, so neither re-serializes a document: a patch operation becomes one or two of the
//! [`Edit`]s in `edit.rs` (applied, then the text re-parsed, because later operations see
//! earlier results), and a diff of two parsed trees becomes edits against the old text.
//! New values are written in the document's own style ([`compact_python`], as Keras writes).

use std::collections::HashSet;
use std::fmt;

use super::edit::{
    Edit, apply_edits, insert_element, insert_member, remove_element, remove_member, replace_value,
};
use super::node::{Node, Number, Value};
use super::pointer::Pointer;
use super::render::{compact_python, quote_python};
use super::scan::parse;

/// One operation of a JSON Patch. Paths are relative to the part being patched.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    Add { path: Pointer, value: PatchValue },
    Remove { path: Pointer },
    Replace { path: Pointer, value: PatchValue },
    Move { from: Pointer, path: Pointer },
    Copy { from: Pointer, path: Pointer },
    Test { path: Pointer, value: PatchValue },
}

/// A value from the patch document: its text as Keras would write it, and that text parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchValue {
    pub text: String,
    pub node: Node,
}

impl Operation {
    /// The `op` member: `add`, `remove`, ...
    pub fn name(&self) -> &'static str {
        match self {
            Operation::Add { .. } => "add",
            Operation::Remove { .. } => "remove",
            Operation::Replace { .. } => "replace",
            Operation::Move { .. } => "move",
            Operation::Copy { .. } => "copy",
            Operation::Test { .. } => "test",
        }
    }

    /// The `path` member.
    pub fn path(&self) -> &Pointer {
        match self {
            Operation::Add { path, .. }
            | Operation::Remove { path }
            | Operation::Replace { path, .. }
            | Operation::Move { path, .. }
            | Operation::Copy { path, .. }
            | Operation::Test { path, .. } => path,
        }
    }
}

/// Why a patch document was refused before anything was applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PatchDocumentError(String);

/// Why applying operation `index` (0-based) failed; nothing of the patch applies then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationError {
    pub index: usize,
    pub op: &'static str,
    pub path: String,
    pub message: String,
}

impl fmt::Display for OperationError {
    /// Operations are counted from 1, as people count them in a file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "patch operation {} ({} {}): {}", self.index + 1, self.op, self.path, self.message)
    }
}

impl std::error::Error for OperationError {}

/// Reads a JSON Patch document: a JSON array of operation objects. Accepts Keras's `NaN` and
/// `Infinity` in values, and keeps every number's spelling. Unknown members are ignored, as
/// RFC 6902 says.
pub fn parse_patch(text: &[u8]) -> Result<Vec<Operation>, PatchDocumentError> {
    let root = parse(text).map_err(|e| PatchDocumentError(format!("not JSON: {e}")))?;
    let Value::Array(items) = &root.value else {
        return Err(PatchDocumentError(format!(
            "a JSON Patch is a JSON array of operations, not a JSON {}",
            root.value.type_name()
        )));
    };
    items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            parse_operation(text, item)
                .map_err(|e| PatchDocumentError(format!("operation {}: {e}", index + 1)))
        })
        .collect()
}

fn parse_operation(src: &[u8], item: &Node) -> Result<Operation, String> {
    if item.as_object().is_none() {
        return Err(format!("must be an object, not a {}", item.value.type_name()));
    }
    let pointer = |name: &str| -> Result<Pointer, String> {
        let node = item.get(name).ok_or_else(|| format!("missing `{name}`"))?;
        let text = node.as_str().ok_or_else(|| format!("`{name}` must be a string"))?;
        Pointer::parse(text).map_err(|e| format!("`{name}`: {e}"))
    };
    let value = || -> Result<PatchValue, String> {
        let node = item.get("value").ok_or("missing `value`")?;
        let text = compact_python(src, node);
        let node = parse(text.as_bytes()).map_err(|e| format!("`value`: {e}"))?;
        Ok(PatchValue { text, node })
    };
    let op = item.get("op").ok_or("missing `op`")?;
    let op = op.as_str().ok_or("`op` must be a string")?;
    Ok(match op {
        "add" => Operation::Add { path: pointer("path")?, value: value()? },
        "remove" => Operation::Remove { path: pointer("path")? },
        "replace" => Operation::Replace { path: pointer("path")?, value: value()? },
        "move" => Operation::Move { from: pointer("from")?, path: pointer("path")? },
        "copy" => Operation::Copy { from: pointer("from")?, path: pointer("path")? },
        "test" => Operation::Test { path: pointer("path")?, value: value()? },
        other => {
            return Err(format!(
                "unknown op {}; expected add, remove, replace, move, copy or test",
                quote_python(other)
            ));
        }
    })
}

/// Applies `ops` in order to `src`, with every path below `base` (the part's root inside the
/// text). All or nothing: the first failing operation is the error and no text is returned.
pub fn apply_patch(src: &[u8], base: &Pointer, ops: &[Operation]) -> Result<Vec<u8>, OperationError> {
    let mut text = src.to_vec();
    for (index, op) in ops.iter().enumerate() {
        text = apply_operation(&text, base, op).map_err(|message| OperationError {
            index,
            op: op.name(),
            path: op.path().to_string(),
            message,
        })?;
    }
    Ok(text)
}

/// Applies one operation and returns the new text; the message says what is wrong.
pub fn apply_operation(src: &[u8], base: &Pointer, op: &Operation) -> Result<Vec<u8>, String> {
    let root = parse(src).map_err(|e| format!("the document is not JSON: {e}"))?;
    let full = |relative: &Pointer| {
        let mut joined = base.clone();
        for token in relative.tokens() {
            joined.push(token.as_str());
        }
        joined
    };
    match op {
        Operation::Add { path, value } => add(src, &root, &full(path), &value.text),
        Operation::Remove { path } => {
            if path.is_root() {
                return Err("cannot remove the whole document".into());
            }
            remove(src, &full(path))
        }
        Operation::Replace { path, value } => {
            let node = root.pointer(&full(path)).ok_or("no value at this path")?;
            splice(src, replace_value(node, &value.text))
        }
        Operation::Test { path, value } => {
            let node = root.pointer(&full(path)).ok_or("no value at this path")?;
            if values_equal(node, &value.node) {
                Ok(src.to_vec())
            } else {
                Err(format!(
                    "test failed: the value is {}, not {}",
                    abbreviate(&compact_python(src, node)),
                    abbreviate(&value.text)
                ))
            }
        }
        Operation::Copy { from, path } => {
            let node = root.pointer(&full(from)).ok_or_else(|| format!("no value at `from` {from}"))?;
            let text = own_text(src, node);
            add(src, &root, &full(path), &text)
        }
        Operation::Move { from, path } => {
            let node = root.pointer(&full(from)).ok_or_else(|| format!("no value at `from` {from}"))?;
            if from == path {
                return Ok(src.to_vec());
            }
            if path.tokens().starts_with(from.tokens()) {
                return Err(format!("cannot move {from} into one of its own children"));
            }
            let text = own_text(src, node);
            let removed = remove(src, &full(from))?;
            let root = parse(&removed).map_err(|e| format!("removing `from` broke the JSON: {e}"))?;
            add(&removed, &root, &full(path), &text)
        }
    }
}

/// RFC 6902 equality for `test`: same type and value, numbers by value (`1` equals `1.0`),
/// strings decoded, objects as maps (the last of duplicate keys counts, as in Python).
pub fn values_equal(left: &Node, right: &Node) -> bool {
    match (&left.value, &right.value) {
        (Value::Number(a), Value::Number(b)) => numbers_equal(a, b),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| values_equal(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            let keys_a: HashSet<&str> = a.iter().map(|m| m.key.as_str()).collect();
            let keys_b: HashSet<&str> = b.iter().map(|m| m.key.as_str()).collect();
            keys_a == keys_b
                && keys_a.iter().all(|key| match (left.get(key), right.get(key)) {
                    (Some(x), Some(y)) => values_equal(x, y),
                    _ => false,
                })
        }
        (a, b) => a == b,
    }
}

/// Same spelling, or the same integer exactly, or the same `f64`.
fn numbers_equal(a: &Number, b: &Number) -> bool {
    if a.raw == b.raw {
        return true;
    }
    match (a.integral_value(), b.integral_value()) {
        (Some(x), Some(y)) => x == y,
        _ => a.as_f64() == b.as_f64(),
    }
}

/// A value's own bytes, re-used when it is copied or moved so its spelling survives; the
/// Keras rendering if those bytes are not UTF-8.
fn own_text(src: &[u8], node: &Node) -> String {
    match std::str::from_utf8(node.raw(src)) {
        Ok(text) => text.to_owned(),
        Err(_) => compact_python(src, node),
    }
}

/// RFC 6902 `add`: replaces an existing member, inserts a new one, inserts into an array at an
/// index or appends at `-`; the parent must exist.
fn add(src: &[u8], root: &Node, target: &Pointer, text: &str) -> Result<Vec<u8>, String> {
    let Some((parent_path, last)) = split(target) else {
        return splice(src, replace_value(root, text));
    };
    let parent = root.pointer(&parent_path).ok_or("the parent of this path does not exist")?;
    match &parent.value {
        Value::Object(_) => match parent.get(last) {
            Some(existing) => splice(src, replace_value(existing, text)),
            None => splice(src, insert_member(src, parent, last, text)),
        },
        Value::Array(items) => {
            let index = if last == "-" {
                items.len()
            } else {
                let index = array_index(last)?;
                if index > items.len() {
                    return Err(format!(
                        "array index {index} is past the end (the array has {})",
                        items.len()
                    ));
                }
                index
            };
            splice(src, insert_element(src, parent, index, text))
        }
        other => Err(format!("the parent is a {}, not an object or array", other.type_name())),
    }
}

/// RFC 6902 `remove`. Every member with the key goes, so that Python does not see an earlier
/// duplicate appear in its place.
fn remove(src: &[u8], target: &Pointer) -> Result<Vec<u8>, String> {
    let (parent_path, last) = split(target).ok_or("cannot remove the whole document")?;
    let mut text = src.to_vec();
    let mut removed_any = false;
    loop {
        let root = parse(&text).map_err(|e| format!("the document is not JSON: {e}"))?;
        let parent = root.pointer(&parent_path).ok_or("no value at this path")?;
        let edit = match &parent.value {
            Value::Object(members) => match members.iter().rposition(|m| m.key == last) {
                Some(index) => remove_member(&text, parent, index),
                None if removed_any => return Ok(text),
                None => return Err("no value at this path".into()),
            },
            Value::Array(items) => {
                let index = array_index(last)?;
                if index >= items.len() {
                    return Err("no value at this path".into());
                }
                return splice(&text, remove_element(&text, parent, index));
            }
            _ => return Err("no value at this path".into()),
        };
        text = splice(&text, edit)?;
        removed_any = true;
    }
}

/// The parent pointer and last token; `None` for the root.
fn split(target: &Pointer) -> Option<(Pointer, &str)> {
    let (last, _) = target.tokens().split_last()?;
    Some((target.parent()?, last.as_str()))
}

/// An RFC 6901 array index: `0` or digits without a leading zero. `-` only means "append"
/// to `add`, so elsewhere it names no element.
fn array_index(token: &str) -> Result<usize, String> {
    if token == "-" {
        return Err("`-` (past the end) names no element here".into());
    }
    let canonical = token == "0"
        || (!token.starts_with('0') && !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()));
    match token.parse() {
        Ok(index) if canonical => Ok(index),
        _ => Err(format!("{} is not an array index", quote_python(token))),
    }
}

fn splice(src: &[u8], edit: Edit) -> Result<Vec<u8>, String> {
    apply_edits(src, std::slice::from_ref(&edit)).map_err(|e| e.to_string())
}

/// Long values are cut in messages so an error stays one readable line.
fn abbreviate(text: &str) -> String {
    const LIMIT: usize = 80;
    match text.char_indices().nth(LIMIT) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(doc: &str, ops: &str) -> Result<String, String> {
        let ops = parse_patch(ops.as_bytes()).map_err(|e| e.to_string())?;
        let out = apply_patch(doc.as_bytes(), &Pointer::root(), &ops).map_err(|e| e.to_string())?;
        String::from_utf8(out).map_err(|e| e.to_string())
    }

    #[test]
    fn operations_are_byte_minimal() -> Result<(), String> {
        let doc = r#"{"a": 1e-07, "b": [1, 2], "c": {"d": NaN}}"#;
        assert_eq!(
            patch(doc, r#"[{"op": "replace", "path": "/a", "value": 2.50}]"#)?,
            r#"{"a": 2.50, "b": [1, 2], "c": {"d": NaN}}"#
        );
        assert_eq!(
            patch(doc, r#"[{"op": "add", "path": "/b/-", "value": "\u00e9"}]"#)?,
            r#"{"a": 1e-07, "b": [1, 2, "\u00e9"], "c": {"d": NaN}}"#
        );
        assert_eq!(
            patch(doc, r#"[{"op": "add", "path": "/b/0", "value": {"x":[]}}]"#)?,
            r#"{"a": 1e-07, "b": [{"x": []}, 1, 2], "c": {"d": NaN}}"#
        );
        assert_eq!(patch(doc, r#"[{"op": "remove", "path": "/c"}]"#)?, r#"{"a": 1e-07, "b": [1, 2]}"#);
        assert_eq!(
            patch(doc, r#"[{"op": "move", "from": "/a", "path": "/c/e"}]"#)?,
            r#"{"b": [1, 2], "c": {"d": NaN, "e": 1e-07}}"#
        );
        assert_eq!(
            patch(doc, r#"[{"op": "copy", "from": "/c/d", "path": "/b/1"}]"#)?,
            r#"{"a": 1e-07, "b": [1, NaN, 2], "c": {"d": NaN}}"#
        );
        assert_eq!(patch(doc, r#"[{"op": "test", "path": "/b", "value": [1.0, 2e0]}]"#)?, doc);
        Ok(())
    }

    #[test]
    fn failures_name_the_operation() {
        let doc = r#"{"a": 1, "b": [1]}"#;
        let failing = [
            (r#"[{"op": "test", "path": "/a", "value": 2}]"#, "patch operation 1 (test /a): test failed"),
            (r#"[{"op": "add", "path": "/x/y", "value": 2}]"#, "parent of this path does not exist"),
            (r#"[{"op": "add", "path": "/b/2", "value": 2}]"#, "past the end"),
            (r#"[{"op": "remove", "path": "/b/01"}]"#, "not an array index"),
            (r#"[{"op": "remove", "path": "/b/-"}]"#, "names no element"),
            (r#"[{"op": "replace", "path": "/zz", "value": 1}]"#, "no value at this path"),
            (r#"[{"op": "move", "from": "/b", "path": "/b/0"}]"#, "own children"),
            (
                r#"[{"op": "test", "path": "/a", "value": 1}, {"op": "copy", "from": "/q", "path": "/r"}]"#,
                "patch operation 2 (copy /r): no value at `from` /q",
            ),
        ];
        for (ops, expected) in failing {
            let message = patch(doc, ops).err().unwrap_or_default();
            assert!(message.contains(expected), "{ops}: {message}");
        }
    }

    #[test]
    fn bad_documents_are_refused() {
        for (ops, expected) in [
            ("{}", "JSON array"),
            ("[1]", "operation 1: must be an object"),
            (r#"[{"op": "nope", "path": ""}]"#, "unknown op"),
            (r#"[{"op": "add", "path": "x", "value": 1}]"#, "`path`"),
            (r#"[{"op": "add", "path": "/x"}]"#, "missing `value`"),
            (r#"[{"op": "move", "path": "/x"}]"#, "missing `from`"),
            ("[", "not JSON"),
        ] {
            let message = parse_patch(ops.as_bytes()).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(message.contains(expected), "{ops}: {message}");
        }
    }

    #[test]
    fn remove_takes_every_duplicate() -> Result<(), String> {
        assert_eq!(
            patch(r#"{"a": 1, "b": 2, "a": 3}"#, r#"[{"op": "remove", "path": "/a"}]"#)?,
            r#"{"b": 2}"#
        );
        Ok(())
    }

    fn diffed(old: &str, new: &str) -> Result<String, String> {
        let old_root = parse(old.as_bytes()).map_err(|e| e.to_string())?;
        let new_root = parse(new.as_bytes()).map_err(|e| e.to_string())?;
        let edits = super::super::diff::diff(old.as_bytes(), &old_root, new.as_bytes(), &new_root);
        let out = apply_edits(old.as_bytes(), &edits).map_err(|e| e.to_string())?;
        String::from_utf8(out).map_err(|e| e.to_string())
    }

    #[test]
    fn diff_keeps_unchanged_bytes() -> Result<(), String> {
        let old = r#"{"a": 1e-07, "b": [1, 2, 3], "c": {"d": "\u00e9", "e": 1}}"#;
        let same = "{\n  \"a\": 1e-07,\n  \"b\": [1, 2, 3],\n  \"c\": {\"d\": \"\u{e9}\", \"e\": 1}\n}";
        assert_eq!(diffed(old, same)?, old);
        let changed = r#"{"a": 1e-07, "b": [1, 3], "c": {"x": true, "d": "é", "f": []}}"#;
        assert_eq!(
            diffed(old, changed)?,
            r#"{"a": 1e-07, "b": [1, 3], "c": {"x": true, "d": "\u00e9", "f": []}}"#
        );
        assert_eq!(
            diffed(old, r#"{"b": [0, 1, 2, 3, 4], "c": {"e": 1}}"#)?,
            r#"{"b": [0, 1, 2, 3, 4], "c": {"e": 1}}"#
        );
        assert_eq!(diffed(old, r#"{"b": [], "a": 1}"#)?, r#"{"b": [], "a": 1}"#);
        Ok(())
    }
}
