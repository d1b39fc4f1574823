//! Unit tests for edits (kept apart so `edit.rs` stays short).

use super::*;
use crate::json::{Node, parse};

fn parsed(text: &str) -> Node {
    parse(text.as_bytes()).unwrap_or_else(|error| panic!("{text:?} should parse: {error}"))
}

fn applied(text: &str, edit: Edit) -> String {
    let out = apply_edits(text.as_bytes(), &[edit]).unwrap_or_else(|error| panic!("{error}"));
    let out = String::from_utf8(out).unwrap_or_else(|error| panic!("{error}"));
    let _ = parsed(&out);
    out
}

#[test]
fn apply_edits_sorts_and_splices() {
    let edits = [Edit::replace(7..8, "X"), Edit::insert(0, ">"), Edit::delete(2..4)];
    assert_eq!(apply_edits(b"abcdefghij", &edits).as_deref(), Ok(&b">abefgXij"[..]));
    assert_eq!(apply_edits(b"abc", &[Edit::insert(3, "!")]).as_deref(), Ok(&b"abc!"[..]));
}

#[test]
fn apply_edits_rejects_overlaps_and_bad_ranges() {
    let overlap = apply_edits(b"abcdef", &[Edit::replace(1..4, "x"), Edit::replace(3..5, "y")]);
    assert_eq!(overlap, Err(EditError::Overlap { first: 1..4, second: 3..5 }));
    let inside = apply_edits(b"abcdef", &[Edit::replace(1..4, "x"), Edit::insert(2, "y")]);
    assert!(matches!(inside, Err(EditError::Overlap { .. })));
    let past_end = apply_edits(b"abc", &[Edit::replace(2..4, "x")]);
    assert_eq!(past_end, Err(EditError::OutOfBounds { range: 2..4, len: 3 }));
    #[allow(clippy::reversed_empty_ranges)]
    let inverted = apply_edits(b"abc", &[Edit::replace(2..1, "x")]);
    assert!(matches!(inverted, Err(EditError::OutOfBounds { .. })));
}

#[test]
fn apply_edits_boundary_insertions_and_duplicates() {
    // Insertions touching a replaced range do not overlap it; same-offset insertions keep
    // their order; identical edits are applied once.
    let edits = [
        Edit::insert(1, "<"),
        Edit::replace(1..2, "B"),
        Edit::insert(2, ">"),
        Edit::insert(1, "("),
        Edit::replace(1..2, "B"),
    ];
    assert_eq!(apply_edits(b"abc", &edits).as_deref(), Ok(&b"a<(B>c"[..]));
}

#[test]
fn insert_member_follows_python_style() {
    let text = r#"{"a": 1, "b": [2]}"#;
    let root = parsed(text);
    assert_eq!(
        applied(text, insert_member(text.as_bytes(), &root, "c\u{e9}", "null")),
        r#"{"a": 1, "b": [2], "c\u00e9": null}"#
    );
    let text = r#"{"only": 1}"#;
    let root = parsed(text);
    assert_eq!(applied(text, insert_member(text.as_bytes(), &root, "x", "2")), r#"{"only": 1, "x": 2}"#);
    let text = r#"{"a": {}}"#;
    let inner = parsed(text).get("a").cloned().unwrap_or_else(|| panic!("no a"));
    assert_eq!(applied(text, insert_member(text.as_bytes(), &inner, "x", "2")), r#"{"a": {"x": 2}}"#);
}

#[test]
fn insert_member_follows_compact_and_indented_styles() {
    let text = r#"{"a":[1,2],"b":{}}"#;
    let root = parsed(text);
    let inner = root.get("b").cloned().unwrap_or_else(|| panic!("no b"));
    assert_eq!(applied(text, insert_member(text.as_bytes(), &inner, "x", "1")), r#"{"a":[1,2],"b":{"x":1}}"#);
    let text = "{\n  \"a\": {\n    \"k\": 1\n  }\n}";
    let inner = parsed(text).get("a").cloned().unwrap_or_else(|| panic!("no a"));
    assert_eq!(
        applied(text, insert_member(text.as_bytes(), &inner, "m", "2")),
        "{\n  \"a\": {\n    \"k\": 1,\n    \"m\": 2\n  }\n}"
    );
}

#[test]
fn remove_member_takes_one_separator() {
    let text = r#"{"a": 1, "b": 2, "c": 3}"#;
    let root = parsed(text);
    assert_eq!(applied(text, remove_member(text.as_bytes(), &root, 0)), r#"{"b": 2, "c": 3}"#);
    assert_eq!(applied(text, remove_member(text.as_bytes(), &root, 1)), r#"{"a": 1, "c": 3}"#);
    assert_eq!(applied(text, remove_member(text.as_bytes(), &root, 2)), r#"{"a": 1, "b": 2}"#);
    assert!(remove_member(text.as_bytes(), &root, 3).is_noop());
    let text = "{ \"a\": 1 }";
    assert_eq!(applied(text, remove_member(text.as_bytes(), &parsed(text), 0)), "{}");
    let text = "{\n  \"a\": 1,\n  \"b\": 2\n}";
    let root = parsed(text);
    assert_eq!(applied(text, remove_member(text.as_bytes(), &root, 1)), "{\n  \"a\": 1\n}");
    assert_eq!(applied(text, remove_member(text.as_bytes(), &root, 0)), "{\n  \"b\": 2\n}");
}

#[test]
fn insert_and_remove_elements() {
    let text = "[1, 2]";
    let root = parsed(text);
    assert_eq!(applied(text, insert_element(text.as_bytes(), &root, 0, "0")), "[0, 1, 2]");
    assert_eq!(applied(text, insert_element(text.as_bytes(), &root, 1, "9")), "[1, 9, 2]");
    assert_eq!(applied(text, insert_element(text.as_bytes(), &root, 2, "3")), "[1, 2, 3]");
    assert_eq!(applied(text, insert_element(text.as_bytes(), &root, 99, "3")), "[1, 2, 3]");
    assert_eq!(applied(text, remove_element(text.as_bytes(), &root, 0)), "[2]");
    assert_eq!(applied(text, remove_element(text.as_bytes(), &root, 1)), "[1]");
    let text = "[[], [7]]";
    let root = parsed(text);
    let empty = root.pointer(&"/0".parse().unwrap_or_default()).cloned().unwrap_or_else(|| panic!());
    assert_eq!(applied(text, insert_element(text.as_bytes(), &empty, 0, "\"x\"")), "[[\"x\"], [7]]");
    let single = root.pointer(&"/1".parse().unwrap_or_default()).cloned().unwrap_or_else(|| panic!());
    assert_eq!(applied(text, insert_element(text.as_bytes(), &single, 0, "6")), "[[], [6, 7]]");
    assert_eq!(applied(text, remove_element(text.as_bytes(), &single, 0)), "[[], []]");
    let text = "[\n  1\n]";
    assert_eq!(applied(text, insert_element(text.as_bytes(), &parsed(text), 1, "2")), "[\n  1,\n  2\n]");
}

#[test]
fn structural_helpers_on_wrong_types_do_nothing() {
    let text = "[1]";
    let root = parsed(text);
    assert!(insert_member(text.as_bytes(), &root, "k", "1").is_noop());
    assert!(remove_member(text.as_bytes(), &root, 0).is_noop());
    let text = "{}";
    let root = parsed(text);
    assert!(insert_element(text.as_bytes(), &root, 0, "1").is_noop());
    assert!(remove_element(text.as_bytes(), &root, 0).is_noop());
}
