//! Unit tests for the scanner (kept apart so `scan.rs` stays short).

use super::*;
use crate::json::{apply_edits, replace_value};

fn parsed(text: &str) -> Node {
    match parse(text.as_bytes()) {
        Ok(node) => node,
        Err(error) => panic!("{text:?} should parse: {error}"),
    }
}

fn error_of(text: &[u8]) -> ParseError {
    match parse(text) {
        Ok(node) => panic!("{:?} should not parse, got {node:?}", String::from_utf8_lossy(text)),
        Err(error) => error,
    }
}

const RELU: &str = r#"{"class_name": "ReLU", "config": {"name": "re_lu", "max_value": Infinity, "negative_slope": 0.0, "threshold": 0.0}}"#;

#[test]
fn keras_relu_fixture_has_exact_spans() {
    let root = parsed(RELU);
    assert_eq!(root.span, 0..RELU.len());
    let config = root.get("config").map(|c| &c.value);
    assert!(matches!(config, Some(Value::Object(members)) if members.len() == 4));
    let max_value = root.pointer(&"/config/max_value".parse().unwrap_or_default());
    let max_value = max_value.and_then(Node::as_number);
    assert_eq!(max_value.map(|n| n.raw.as_str()), Some("Infinity"));
    assert_eq!(max_value.map(Number::as_f64), Some(f64::INFINITY));
    let slope = root.get("config").and_then(|c| c.get("negative_slope"));
    assert_eq!(slope.map(|n| n.raw(RELU.as_bytes())), Some(&b"0.0"[..]));
    let members = root.as_object().unwrap_or_default();
    assert_eq!(&RELU[members[0].key_span.clone()], "\"class_name\"");
    assert_eq!(root.get("class_name").and_then(Node::as_str), Some("ReLU"));
}

#[test]
fn round_trip_without_edits_is_identical() {
    for text in [RELU, "  [1 ,2,\n\t3.50e+3 ]\r\n", r#"{"\u5d4c\u5165": "\ud800"}"#, "-0.0"] {
        let _ = parsed(text);
        assert_eq!(apply_edits(text.as_bytes(), &[]).as_deref(), Ok(text.as_bytes()));
    }
}

#[test]
fn editing_one_value_changes_only_its_span() {
    let root = parsed(RELU);
    let Some(node) = root.get("config").and_then(|c| c.get("max_value")) else {
        panic!("max_value missing");
    };
    let edited = apply_edits(RELU.as_bytes(), &[replace_value(node, "6.0")]).unwrap_or_default();
    let (before, after) = (&RELU.as_bytes()[..node.span.start], &RELU.as_bytes()[node.span.end..]);
    assert!(edited.starts_with(before));
    assert!(edited.ends_with(after));
    assert_eq!(&edited[before.len()..edited.len() - after.len()], b"6.0");
    let reparsed = parse(&edited).unwrap_or_else(|e| panic!("{e}"));
    let value = reparsed.get("config").and_then(|c| c.get("max_value"));
    assert_eq!(value.and_then(Node::as_number).map(|n| n.raw.as_str()), Some("6.0"));
}

#[test]
fn strings_decode_escapes_and_surrogates() {
    assert_eq!(parsed(r#""\u5d4c\u5165""#).as_str(), Some("\u{5d4c}\u{5165}"));
    assert_eq!(parsed(r#""\ud83d\ude00""#).as_str(), Some("\u{1F600}"));
    assert_eq!(parsed(r#""\ud800""#).as_str(), Some("\u{FFFD}"));
    assert_eq!(parsed(r#""\udc00\ud800x""#).as_str(), Some("\u{FFFD}\u{FFFD}x"));
    assert_eq!(parsed(r#""a\"\\\/\b\f\n\r\t""#).as_str(), Some("a\"\\/\u{8}\u{c}\n\r\t"));
    assert_eq!(parsed("\"caf\u{e9} \u{7f}\"").as_str(), Some("caf\u{e9} \u{7f}"));
}

#[test]
fn numbers_keep_their_spelling() {
    for raw in ["0", "-0", "64", "64.0", "6.4e1", "-0.0", "1e-07", "1E+5", "NaN", "Infinity", "-Infinity"] {
        assert_eq!(parsed(raw).as_number().map(|n| n.raw.as_str()), Some(raw));
    }
}

#[test]
fn duplicate_keys_resolve_to_the_last_and_are_reported() {
    let root = parsed(r#"{"a": 1, "b": {"x": 1, "x": 2, "x": 3}, "a": 2}"#);
    assert_eq!(root.get("a").and_then(Node::as_number).map(|n| n.raw.as_str()), Some("2"));
    let duplicates = root.duplicate_keys();
    assert_eq!(duplicates.len(), 2);
    assert_eq!(duplicates[0].object.to_string(), "");
    assert_eq!(duplicates[0].key, "a");
    assert_eq!(duplicates[0].key_spans, vec![1..4, 40..43]);
    assert_eq!(duplicates[1].object.to_string(), "/b");
    assert_eq!(duplicates[1].key_spans.len(), 3);
}

#[test]
fn rejects_what_python_rejects() {
    let cases: &[(&str, &str)] = &[
        ("[1, 2,]", "trailing comma"),
        ("{\"a\": 1,}", "trailing comma"),
        ("[1] // c", "extra data"),
        ("/* c */ 1", "expecting value"),
        ("\"a\u{1}b\"", "control character"),
        ("\"a\nb\"", "control character"),
        ("\"\\x\"", "escape"),
        ("\"\\u12\"", "escape"),
        ("\"abc", "unterminated"),
        ("{1: 2}", "property name"),
        ("{'a': 2}", "property name"),
        ("{\"a\" 2}", "':'"),
        ("[1 2]", "','"),
        ("01", "extra data"),
        ("1.", "decimal point"),
        ("1e", "exponent"),
        ("-NaN", "expecting value"),
        ("nan", "expecting value"),
        ("+1", "expecting value"),
        ("", "end of text"),
        ("  ", "end of text"),
        ("[", "end of text"),
        ("1 2", "extra data"),
    ];
    for (text, fragment) in cases {
        let error = error_of(text.as_bytes());
        assert!(error.message.contains(fragment), "{text:?}: {error}");
    }
}

#[test]
fn errors_report_offset_line_and_character_column() {
    let error = error_of("{\n  \"\u{5d4c}\": [1,]\n}".as_bytes());
    assert_eq!((error.line, error.column), (2, 11));
    assert_eq!(error.offset, 14);
    assert_eq!(error.to_string(), "JSON syntax error at line 2 column 11: trailing comma is not allowed");
}

#[test]
fn invalid_utf8_names_the_offset() {
    let error = error_of(b"[\"ab\xff\"]");
    assert_eq!(error.offset, 4);
    assert!(error.message.contains("UTF-8") && error.message.contains('4'), "{error}");
}

#[test]
fn depth_limit_is_an_error_not_a_stack_overflow() {
    let worker = std::thread::Builder::new().stack_size(2 << 20).spawn(|| {
        let hostile = vec![b'['; 100_000];
        let started = std::time::Instant::now();
        let error = error_of(&hostile);
        assert!(error.message.contains("nesting deeper than 1000 levels"), "{error}");
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        // Exactly MAX_DEPTH levels are fine, and so are dropping and rendering them.
        let deepest = format!("{}0{}", "[{\"k\": ".repeat(MAX_DEPTH / 2), "}]".repeat(MAX_DEPTH / 2));
        let root = parsed(&deepest);
        assert_eq!(crate::json::compact_python(deepest.as_bytes(), &root), deepest);
        assert!(!crate::json::pretty(deepest.as_bytes(), &root).is_empty());
        let too_deep = format!("{}1{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(error_of(too_deep.as_bytes()).message.contains("nesting"));
    });
    let joined = worker.map(|handle| handle.join());
    assert!(matches!(joined, Ok(Ok(()))), "depth test thread failed");
}

#[test]
fn large_documents_parse_in_linear_time() {
    let item = r#"{"name": "dense", "units": 64, "rate": 1e-07, "max": Infinity, "s": "\u5d4c"}, "#;
    let text = format!("[{}0]", item.repeat(40_000)); // about 3 MB
    let started = std::time::Instant::now();
    let root = parsed(&text);
    assert_eq!(root.as_array().map(<[Node]>::len), Some(40_001));
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}

/// The word-at-a-time scan of a string's plain bytes stops exactly where the byte-by-byte
/// definition does: every byte value at every position of a word, after every prefix.
#[test]
fn plain_run_stops_at_the_first_quote_backslash_or_control_byte() {
    let naive =
        |bytes: &[u8]| bytes.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(bytes.len());
    for filler in [b'a', 0x7F, 0x80, 0xC3, 0xFF, b' ', b'!', b'#', b'[', b']'] {
        for len in 0..20 {
            for at in 0..len {
                for stop in 0..=255u8 {
                    let mut bytes = vec![filler; len];
                    bytes[at] = stop;
                    // A second special byte later must not move the answer.
                    if at + 3 < len {
                        bytes[at + 3] = b'"';
                    }
                    assert_eq!(plain_run(&bytes), naive(&bytes), "{bytes:?}");
                }
            }
        }
    }
}

/// Repeated keys are noted as objects close, at any depth, and agree with the tree's own search.
#[test]
fn parse_notes_duplicate_keys_at_any_depth() {
    for (text, expected) in [
        (r#"{"a": 1, "b": 2}"#, false),
        (r#"{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}"#, false),
        (r#"{"a": 1, "a": 2}"#, true),
        (r#"{"x": [1, {"k": {"b": 0, "c": 1, "b": 2}}]}"#, true),
        (r#"{"\u0061": 1, "a": 2}"#, true),
        ("[1, 2, 3]", false),
    ] {
        let (root, duplicates) = parse_noting_duplicates(text.as_bytes()).expect("valid JSON");
        assert_eq!(duplicates, expected, "{text}");
        assert_eq!(!root.duplicate_keys().is_empty(), expected, "{text}");
    }
    // Small and large objects (the stack table holds 64 keys), the repeat first or last.
    for size in [2, 17, 63, 64, 65, 200] {
        let keys: Vec<String> = (0..size).map(|i| format!("\"k{i}\": {i}")).collect();
        let clean = format!("{{{}}}", keys.join(", "));
        assert!(!parse_noting_duplicates(clean.as_bytes()).expect("valid").1, "{size} distinct keys");
        for repeat in ["\"k0\": 1", &format!("\"k{}\": 1", size - 1)] {
            let text = format!("{{{}, {repeat}}}", keys.join(", "));
            assert!(parse_noting_duplicates(text.as_bytes()).expect("valid").1, "{size} keys and {repeat}");
        }
    }
    // Keys alike in length and in their first and last eight bytes share a hash: the table
    // must still compare them whole, also when all 64 of an object collide.
    let alike: Vec<String> = (0..64).map(|i| format!("\"abcdefgh_{i:02}_ijklmnop\": {i}")).collect();
    let clean = format!("{{{}}}", alike.join(", "));
    assert!(!parse_noting_duplicates(clean.as_bytes()).expect("valid").1, "64 colliding keys");
    let repeated = format!("{{{}, \"abcdefgh_37_ijklmnop\": 0}}", alike[..63].join(", "));
    assert!(parse_noting_duplicates(repeated.as_bytes()).expect("valid").1, "a colliding key repeated");
}
