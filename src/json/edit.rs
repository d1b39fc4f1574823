//! Byte-range edits spliced into the original text, modelled on ruff's `Edit`/`Fix`.
//!
//! A repair must change only the bytes of what it repairs, so edits are ranges of the
//! source plus replacement text; everything outside the ranges is copied verbatim. The
//! structural helpers (insert/remove member or element) copy separators from the document
//! itself, so a compact Python-style config stays Python-style and an indented one stays
//! indented.

use std::ops::Range;

use super::node::{Node, Value};
use super::render::quote_python;

/// Replace `range` of the source with `replacement`; an empty range is an insertion.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

impl Edit {
    pub fn replace(range: Range<usize>, replacement: impl Into<String>) -> Edit {
        Edit { range, replacement: replacement.into() }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit { range: at..at, replacement: text.into() }
    }

    pub fn delete(range: Range<usize>) -> Edit {
        Edit { range, replacement: String::new() }
    }

    /// True if applying this edit changes nothing (empty range, empty replacement).
    pub fn is_noop(&self) -> bool {
        self.range.is_empty() && self.replacement.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("edits overlap: bytes {first:?} and {second:?}")]
    Overlap { first: Range<usize>, second: Range<usize> },
    #[error("edit range {range:?} does not fit a text of {len} bytes")]
    OutOfBounds { range: Range<usize>, len: usize },
}

/// Applies `edits` (in any order) to `src`. Overlapping ranges are an error. Identical
/// edits are applied once, and insertions at the same offset go in the order given, as in
/// ruff. An insertion at the boundary of a replaced range does not overlap it.
pub fn apply_edits(src: &[u8], edits: &[Edit]) -> Result<Vec<u8>, EditError> {
    for edit in edits {
        if edit.range.start > edit.range.end || edit.range.end > src.len() {
            return Err(EditError::OutOfBounds { range: edit.range.clone(), len: src.len() });
        }
    }
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    // Stable, so equal ranges keep the caller's order; an insertion sorts before a
    // replacement that starts at the same offset.
    sorted.sort_by_key(|edit| (edit.range.start, edit.range.end));
    sorted.dedup_by(|later, earlier| later == earlier);

    let extra: usize = sorted.iter().map(|edit| edit.replacement.len()).sum();
    let mut out = Vec::with_capacity(src.len() + extra);
    let mut copied_to = 0;
    let mut previous: Option<&Range<usize>> = None;
    for edit in sorted {
        if let Some(previous) = previous
            && edit.range.start < previous.end
        {
            return Err(EditError::Overlap { first: previous.clone(), second: edit.range.clone() });
        }
        out.extend_from_slice(&src[copied_to..edit.range.start]);
        out.extend_from_slice(edit.replacement.as_bytes());
        copied_to = edit.range.end;
        previous = Some(&edit.range);
    }
    out.extend_from_slice(&src[copied_to..]);
    Ok(out)
}

/// Replaces the whole value (its span) with `new_text`.
pub fn replace_value(node: &Node, new_text: &str) -> Edit {
    Edit::replace(node.span.clone(), new_text)
}

/// Appends `"key": value_text` to an object, after its last member (or into `{}`), using
/// the separators the object or the document already uses. A non-object yields a no-op
/// edit. The key is quoted as Python's `json.dumps` would.
pub fn insert_member(src: &[u8], object: &Node, key: &str, value_text: &str) -> Edit {
    let Value::Object(members) = &object.value else {
        return noop_at(object);
    };
    let key = quote_python(key);
    let Some(last) = members.last() else {
        let key_separator = DocumentStyle::detect(src).key_separator;
        return fill_empty(object, format!("{key}{key_separator}{value_text}"));
    };
    let key_separator = text_between(src, last.key_span.end, last.value.span.start)
        .unwrap_or_else(|| DocumentStyle::detect(src).key_separator);
    let item_separator = match members.as_slice() {
        [.., before, last] => text_between(src, before.value.span.end, last.key_span.start),
        _ => None,
    }
    .map(str::to_owned)
    .unwrap_or_else(|| separator_from_indent(src, object, last.key_span.start));
    Edit::insert(last.value.span.end, format!("{item_separator}{key}{key_separator}{value_text}"))
}

/// Removes member `index` and exactly one adjacent separator (the following one, or the
/// preceding one for the last member), leaving the rest of the text untouched. Removing the
/// only member leaves `{}`. An index out of range yields a no-op edit.
pub fn remove_member(src: &[u8], object: &Node, index: usize) -> Edit {
    // `src` is in the signature for symmetry with the insert helpers; removal needs only
    // the spans.
    let _ = src;
    let Value::Object(members) = &object.value else {
        return noop_at(object);
    };
    let starts: Vec<usize> = members.iter().map(|member| member.key_span.start).collect();
    let ends: Vec<usize> = members.iter().map(|member| member.value.span.end).collect();
    remove_item(object, &starts, &ends, index)
}

/// Inserts `value_text` so that it becomes element `index`; `index >= len` appends.
/// Separators are copied from the array or the document. A non-array yields a no-op edit.
pub fn insert_element(src: &[u8], array: &Node, index: usize, value_text: &str) -> Edit {
    let Value::Array(items) = &array.value else {
        return noop_at(array);
    };
    let Some(first) = items.first() else {
        return fill_empty(array, value_text.to_owned());
    };
    let item_separator = match items.as_slice() {
        [first, second, ..] => text_between(src, first.span.end, second.span.start),
        _ => None,
    }
    .map(str::to_owned)
    .unwrap_or_else(|| separator_from_indent(src, array, first.span.start));
    match items.get(index) {
        Some(item) => Edit::insert(item.span.start, format!("{value_text}{item_separator}")),
        None => Edit::insert(
            items.last().map_or(first.span.end, |last| last.span.end),
            format!("{item_separator}{value_text}"),
        ),
    }
}

/// Removes element `index` and exactly one adjacent separator. Removing the only element
/// leaves `[]`. An index out of range yields a no-op edit.
pub fn remove_element(src: &[u8], array: &Node, index: usize) -> Edit {
    let _ = src; // Only the spans are needed, as in `remove_member`.
    let Value::Array(items) = &array.value else {
        return noop_at(array);
    };
    let starts: Vec<usize> = items.iter().map(|item| item.span.start).collect();
    let ends: Vec<usize> = items.iter().map(|item| item.span.end).collect();
    remove_item(array, &starts, &ends, index)
}

/// Shared by members and elements: `starts[i]..ends[i]` is item `i` (key through value).
fn remove_item(container: &Node, starts: &[usize], ends: &[usize], index: usize) -> Edit {
    let count = starts.len();
    if index >= count {
        return noop_at(container);
    }
    if count == 1 {
        // Whitespace inside the brackets belongs to this container; `[]`/`{}` is what
        // Python writes for an empty one.
        return fill_empty(container, String::new());
    }
    if index + 1 < count {
        // The item, its ',' and the whitespace up to the next item.
        Edit::delete(starts[index]..starts[index + 1])
    } else {
        // The last item goes with the ',' (and whitespace) that precedes it.
        Edit::delete(ends[index - 1]..ends[index])
    }
}

/// Replaces everything between the brackets of a container.
fn fill_empty(container: &Node, inner: String) -> Edit {
    let start = container.span.start + 1;
    let end = container.span.end.saturating_sub(1).max(start);
    Edit::replace(start..end, inner)
}

fn noop_at(node: &Node) -> Edit {
    Edit::insert(node.span.end, "")
}

/// The source text between two offsets, if valid.
fn text_between(src: &[u8], start: usize, end: usize) -> Option<&str> {
    std::str::from_utf8(src.get(start..end)?).ok()
}

/// For a one-item container: `,` plus the whitespace between the opening bracket and the
/// item, so an indented document stays indented; with no such whitespace, the document's
/// own `", "` or `","`. The document is scanned only here, when the container has no example.
fn separator_from_indent(src: &[u8], container: &Node, first_item: usize) -> String {
    match text_between(src, container.span.start + 1, first_item) {
        Some(indent) if !indent.is_empty() => format!(",{indent}"),
        _ => DocumentStyle::detect(src).item_separator.to_owned(),
    }
}

/// Which separators the document uses: Python's default `", "`/`": "` or compact `","`/`":"`.
struct DocumentStyle {
    item_separator: &'static str,
    key_separator: &'static str,
}

impl DocumentStyle {
    /// Looks at the first `,` and first `:` outside strings; Python's style if absent.
    fn detect(src: &[u8]) -> DocumentStyle {
        let mut item_separator = None;
        let mut key_separator = None;
        let mut in_string = false;
        let mut escaped = false;
        for (at, &byte) in src.iter().enumerate() {
            if in_string {
                match (escaped, byte) {
                    (true, _) => escaped = false,
                    (false, b'\\') => escaped = true,
                    (false, b'"') => in_string = false,
                    _ => {}
                }
                continue;
            }
            let spaced = src.get(at + 1) == Some(&b' ');
            match byte {
                b'"' => in_string = true,
                b',' if item_separator.is_none() => {
                    item_separator = Some(if spaced { ", " } else { "," });
                }
                b':' if key_separator.is_none() => {
                    key_separator = Some(if spaced { ": " } else { ":" });
                }
                _ => {}
            }
            if item_separator.is_some() && key_separator.is_some() {
                break;
            }
        }
        DocumentStyle {
            item_separator: item_separator.unwrap_or(", "),
            key_separator: key_separator.unwrap_or(": "),
        }
    }
}

#[cfg(test)]
#[path = "edit_tests.rs"]
mod tests;
