//! Writing values back out the way Python's `json.dumps` would.
//!
//! `compact_python` produces exactly the bytes Keras itself writes, so inserted values blend
//! in; `pretty` is the human view for `show --json` and diffs. Numbers are copied as spelled
//! and strings are decoded from their source text, so nothing is rounded or normalized and a
//! lone surrogate escape survives as `\udXXX` instead of becoming U+FFFD.

use std::fmt::Write as _;

use super::node::{Node, Value};
use super::scan::{StringUnit, decode_escapes};

/// 2-space indented like `json.dumps(indent=2, ensure_ascii=False)`: one item per line,
/// `[]`/`{}` when empty, non-ASCII written as UTF-8.
pub fn pretty(src: &[u8], node: &Node) -> String {
    let mut out = String::with_capacity(node.span.len() + node.span.len() / 2);
    write_value(&mut out, src, node, Layout::Indented { level: 0 });
    out
}

/// Exactly what `json.dumps(value)` writes with default settings: `", "` and `": "`,
/// ASCII-only output with `\uXXXX` escapes (surrogate pairs above U+FFFF).
pub fn compact_python(src: &[u8], node: &Node) -> String {
    let mut out = String::with_capacity(node.span.len());
    write_value(&mut out, src, node, Layout::Compact);
    out
}

/// A string literal as `json.dumps` writes it (ASCII-only, Python's escapes).
pub fn quote_python(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    write_quoted(&mut out, text.chars().map(StringUnit::Char), Escaping::AsciiOnly);
    out
}

#[derive(Clone, Copy)]
enum Layout {
    Compact,
    Indented { level: usize },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Escaping {
    /// `ensure_ascii=True`: everything outside `' '..='~'` becomes an escape.
    AsciiOnly,
    /// `ensure_ascii=False`: only quotes, backslashes and control characters.
    Minimal,
}

fn write_value(out: &mut String, src: &[u8], node: &Node, layout: Layout) {
    let escaping = match layout {
        Layout::Compact => Escaping::AsciiOnly,
        Layout::Indented { .. } => Escaping::Minimal,
    };
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => out.push_str(&number.raw),
        Value::String(text) => write_string(out, src, &node.span, text, escaping),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                let inner = open_item(out, layout, index);
                write_value(out, src, item, inner);
            }
            close(out, layout, ']');
        }
        Value::Object(members) => {
            if members.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (index, member) in members.iter().enumerate() {
                let inner = open_item(out, layout, index);
                write_string(out, src, &member.key_span, &member.key, escaping);
                out.push_str(": ");
                write_value(out, src, &member.value, inner);
            }
            close(out, layout, '}');
        }
    }
}

/// Writes what goes before item `index` of a container and returns the item's layout.
fn open_item(out: &mut String, layout: Layout, index: usize) -> Layout {
    match layout {
        Layout::Compact => {
            if index > 0 {
                out.push_str(", ");
            }
            Layout::Compact
        }
        Layout::Indented { level } => {
            if index > 0 {
                out.push(',');
            }
            newline_indent(out, level + 1);
            Layout::Indented { level: level + 1 }
        }
    }
}

fn close(out: &mut String, layout: Layout, bracket: char) {
    if let Layout::Indented { level } = layout {
        newline_indent(out, level);
    }
    out.push(bracket);
}

fn newline_indent(out: &mut String, level: usize) {
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', 2 * level));
}

/// Decodes the literal from the source when `span` holds one, so lone surrogates are kept;
/// falls back to the decoded `text` for nodes that were not parsed from `src`.
fn write_string(out: &mut String, src: &[u8], span: &std::ops::Range<usize>, text: &str, escaping: Escaping) {
    let literal = src
        .get(span.clone())
        .and_then(|raw| std::str::from_utf8(raw).ok())
        .filter(|raw| raw.len() >= 2 && raw.starts_with('"') && raw.ends_with('"'))
        .map(|raw| &raw[1..raw.len() - 1]);
    match literal {
        Some(inner) => {
            let mut units = Vec::with_capacity(inner.len());
            decode_escapes(inner, |unit| units.push(unit));
            write_quoted(out, units.into_iter(), escaping);
        }
        None => write_quoted(out, text.chars().map(StringUnit::Char), escaping),
    }
}

fn write_quoted(out: &mut String, units: impl Iterator<Item = StringUnit>, escaping: Escaping) {
    out.push('"');
    for unit in units {
        match unit {
            StringUnit::LoneSurrogate(code) => push_u_escape(out, code),
            StringUnit::Char(c) => match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c if c < ' ' => push_u_escape(out, c as u16),
                ' '..='~' => out.push(c),
                c if escaping == Escaping::Minimal => out.push(c),
                c => {
                    let mut pair = [0u16; 2];
                    for code in c.encode_utf16(&mut pair) {
                        push_u_escape(out, *code);
                    }
                }
            },
        }
    }
    out.push('"');
}

/// Python writes these escapes with lowercase hex digits.
fn push_u_escape(out: &mut String, code: u16) {
    let _ = write!(out, "\\u{code:04x}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse;

    fn round(text: &str) -> Result<(String, String), crate::json::ParseError> {
        let node = parse(text.as_bytes())?;
        Ok((compact_python(text.as_bytes(), &node), pretty(text.as_bytes(), &node)))
    }

    #[test]
    fn quote_python_matches_json_dumps() {
        assert_eq!(quote_python("re_lu"), r#""re_lu""#);
        assert_eq!(quote_python("\u{5d4c}\u{5165}"), r#""\u5d4c\u5165""#);
        assert_eq!(quote_python("\u{1F600}"), r#""\ud83d\ude00""#);
        assert_eq!(quote_python("a\"b\\c/d"), r#""a\"b\\c/d""#);
        assert_eq!(quote_python("\n\r\t\u{8}\u{c}\u{0}\u{1f}\u{7f}"), r#""\n\r\t\b\f\u0000\u001f\u007f""#);
        assert_eq!(quote_python("é"), r#""\u00e9""#);
    }

    #[test]
    fn compact_python_normalizes_to_python_style() -> Result<(), crate::json::ParseError> {
        let (compact, _) =
            round("{\"a\":[1,2.50,1e-07,NaN,-Infinity],\"b\" : {},\"c\":[],\"\\/\":\"\u{e9}\"}")?;
        assert_eq!(compact, r#"{"a": [1, 2.50, 1e-07, NaN, -Infinity], "b": {}, "c": [], "/": "\u00e9"}"#);
        Ok(())
    }

    #[test]
    fn compact_python_keeps_lone_surrogates_and_pairs() -> Result<(), crate::json::ParseError> {
        let text = r#"["\ud800", "\udc00x", "\ud83d\ude00", "\uD83D\uDE00", "\ud800\u0041"]"#;
        let (compact, _) = round(text)?;
        assert_eq!(compact, r#"["\ud800", "\udc00x", "\ud83d\ude00", "\ud83d\ude00", "\ud800A"]"#);
        Ok(())
    }

    #[test]
    fn pretty_matches_python_indent_2() -> Result<(), crate::json::ParseError> {
        let text = r#"{"class_name": "ReLU", "config": {"name": "\u5d4c\u5165", "max_value": Infinity, "shape": [null, 64.0], "empty": {}, "list": []}}"#;
        let (_, pretty) = round(text)?;
        let expected = "{\n  \"class_name\": \"ReLU\",\n  \"config\": {\n    \"name\": \"\u{5d4c}\u{5165}\",\n    \"max_value\": Infinity,\n    \"shape\": [\n      null,\n      64.0\n    ],\n    \"empty\": {},\n    \"list\": []\n  }\n}";
        assert_eq!(pretty, expected);
        Ok(())
    }

    #[test]
    fn pretty_escapes_minimally() -> Result<(), crate::json::ParseError> {
        let (_, pretty) = round(r#""\u00e9\n\u0001\u007f\ud800""#)?;
        assert_eq!(pretty, "\"\u{e9}\\n\\u0001\u{7f}\\ud800\"");
        Ok(())
    }

    #[test]
    fn falls_back_to_decoded_text_for_foreign_nodes() {
        let node = Node { span: 0..0, value: Value::String("\u{e9}".into()) };
        assert_eq!(compact_python(b"", &node), r#""\u00e9""#);
    }
}
