//! Property tests for `kerasfix::json`: random documents in varied styles parse to the tree
//! they were generated from, edits change exactly their spans, structural edits give the
//! expected tree, and Python-style text survives `compact_python` byte for byte.

use std::ops::Range;

use kerasfix::json::{self, Edit, Node, Value};
use proptest::prelude::*;

/// One character of a generated string, with how to spell it.
#[derive(Debug, Clone)]
enum Piece {
    Char(char, Spelling),
    /// A `\uXXXX` escape of a surrogate that may not be paired.
    Surrogate(u16),
}

#[derive(Debug, Clone, Copy)]
enum Spelling {
    Raw,
    Short,
    LowerHex,
    UpperHex,
}

/// A generated document: strings as pieces so the text can be spelled many ways.
#[derive(Debug, Clone)]
enum Doc {
    Null,
    Bool(bool),
    Num(String),
    Str(Vec<Piece>),
    Arr(Vec<Doc>),
    Obj(Vec<(Vec<Piece>, Doc)>),
}

/// The value a document means, to compare with what the parser produced.
#[derive(Debug, Clone, PartialEq)]
enum Plain {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<Plain>),
    Obj(Vec<(String, Plain)>),
}

fn piece() -> impl Strategy<Value = Piece> {
    let spelling = prop_oneof![
        4 => Just(Spelling::Raw),
        1 => Just(Spelling::Short),
        1 => Just(Spelling::LowerHex),
        1 => Just(Spelling::UpperHex)
    ];
    let character = prop_oneof![
        6 => proptest::char::range('a', 'z'),
        2 => proptest::sample::select(vec!['"', '\\', '/', '\n', '\t', '\r', '\u{8}', '\u{c}', '\0', '\u{1f}', '\u{7f}', ' ']),
        2 => proptest::sample::select(vec!['\u{e9}', '\u{5d4c}', '\u{5165}', '\u{fffd}', '\u{1F600}', '\u{10FFFF}']),
        1 => any::<char>()
    ];
    prop_oneof![
        12 => (character, spelling).prop_map(|(c, s)| Piece::Char(c, s)),
        1 => prop_oneof![0xD800u16..0xDC00, 0xDC00u16..0xE000].prop_map(Piece::Surrogate)
    ]
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "-?(0|[1-9][0-9]{0,20})(\\.[0-9]{1,5})?([eE][+-]?[0-9]{1,3})?",
        1 => proptest::sample::select(vec!["NaN", "Infinity", "-Infinity", "1e-07", "64.0", "-0.0"]).prop_map(str::to_owned)
    ]
}

fn key() -> impl Strategy<Value = Vec<Piece>> {
    prop_oneof![
        // Few distinct keys, so duplicate keys show up.
        2 => proptest::sample::select(vec!["a", "name", "config", "\u{5d4c}"])
            .prop_map(|k| k.chars().map(|c| Piece::Char(c, Spelling::Raw)).collect()),
        1 => proptest::collection::vec(piece(), 0..6)
    ]
}

fn doc() -> impl Strategy<Value = Doc> {
    let leaf = prop_oneof![
        Just(Doc::Null),
        any::<bool>().prop_map(Doc::Bool),
        number().prop_map(Doc::Num),
        proptest::collection::vec(piece(), 0..8).prop_map(Doc::Str)
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Doc::Arr),
            proptest::collection::vec((key(), inner), 0..6).prop_map(Doc::Obj)
        ]
    })
}

/// Whitespace and separators for one rendering; whitespace slots cycle through `blanks`.
#[derive(Debug, Clone)]
struct Style {
    blanks: Vec<&'static str>,
    python: bool,
}

fn style() -> impl Strategy<Value = Style> {
    let blank = proptest::sample::select(vec!["", "", " ", "\n", "\t", "\r\n", "  ", "\n    "]);
    prop_oneof![
        1 => Just(Style { blanks: vec![], python: true }),
        3 => proptest::collection::vec(blank, 1..8).prop_map(|blanks| Style { blanks, python: false })
    ]
}

struct Writer<'s> {
    style: &'s Style,
    slot: usize,
    out: String,
}

impl Writer<'_> {
    fn blank(&mut self) {
        if !self.style.python {
            let blank = self.style.blanks[self.slot % self.style.blanks.len()];
            self.slot += 1;
            self.out.push_str(blank);
        }
    }

    fn separator(&mut self, token: char) {
        self.blank();
        self.out.push(token);
        if self.style.python { self.out.push(' ') } else { self.blank() }
    }

    fn string(&mut self, pieces: &[Piece]) {
        self.out.push('"');
        for piece in pieces {
            let (c, spelling) = match piece {
                Piece::Surrogate(unit) => {
                    self.out.push_str(&format!("\\u{unit:04x}"));
                    continue;
                }
                Piece::Char(c, spelling) if self.style.python => (*c, python_spelling(*c, *spelling)),
                Piece::Char(c, spelling) => (*c, *spelling),
            };
            let short = match c {
                '"' => Some("\\\""),
                '\\' => Some("\\\\"),
                '/' => Some("\\/"),
                '\n' => Some("\\n"),
                '\r' => Some("\\r"),
                '\t' => Some("\\t"),
                '\u{8}' => Some("\\b"),
                '\u{c}' => Some("\\f"),
                _ => None,
            };
            let must_escape = c < ' ' || c == '"' || c == '\\';
            match (spelling, short) {
                (Spelling::Short, Some(short)) => self.out.push_str(short),
                (Spelling::Raw, _) if !must_escape => self.out.push(c),
                (Spelling::UpperHex, _) => hex_escape(&mut self.out, c, true),
                _ => hex_escape(&mut self.out, c, false),
            }
        }
        self.out.push('"');
    }

    fn doc(&mut self, doc: &Doc) {
        match doc {
            Doc::Null => self.out.push_str("null"),
            Doc::Bool(flag) => self.out.push_str(if *flag { "true" } else { "false" }),
            Doc::Num(raw) => self.out.push_str(raw),
            Doc::Str(pieces) => self.string(pieces),
            Doc::Arr(items) => {
                self.out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        self.separator(',')
                    } else {
                        self.blank()
                    }
                    self.doc(item);
                }
                self.blank();
                self.out.push(']');
            }
            Doc::Obj(members) => {
                self.out.push('{');
                for (index, (key, value)) in members.iter().enumerate() {
                    if index > 0 {
                        self.separator(',')
                    } else {
                        self.blank()
                    }
                    self.string(key);
                    self.separator(':');
                    self.doc(value);
                }
                self.blank();
                self.out.push('}');
            }
        }
    }
}

/// What Python's `ensure_ascii` encoder writes for `c`.
fn python_spelling(c: char, _wanted: Spelling) -> Spelling {
    let short = matches!(c, '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}');
    if short {
        Spelling::Short
    } else if (' '..='~').contains(&c) {
        Spelling::Raw
    } else {
        Spelling::LowerHex
    }
}

fn hex_escape(out: &mut String, c: char, upper: bool) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        out.push_str(&if upper { format!("\\u{unit:04X}") } else { format!("\\u{unit:04x}") });
    }
}

fn render(doc: &Doc, style: &Style) -> String {
    let mut writer = Writer { style, slot: 0, out: String::new() };
    writer.blank();
    writer.doc(doc);
    writer.blank();
    writer.out
}

fn decode(pieces: &[Piece]) -> String {
    let mut out = String::new();
    let mut index = 0;
    while let Some(piece) = pieces.get(index) {
        index += 1;
        match piece {
            Piece::Char(c, _) => out.push(*c),
            Piece::Surrogate(high @ 0xD800..=0xDBFF) => match pieces.get(index) {
                Some(Piece::Surrogate(low @ 0xDC00..=0xDFFF)) => {
                    index += 1;
                    let code = 0x10000 + ((u32::from(*high) - 0xD800) << 10) + (u32::from(*low) - 0xDC00);
                    out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
                _ => out.push('\u{fffd}'),
            },
            Piece::Surrogate(_) => out.push('\u{fffd}'),
        }
    }
    out
}

fn meaning(doc: &Doc) -> Plain {
    match doc {
        Doc::Null => Plain::Null,
        Doc::Bool(flag) => Plain::Bool(*flag),
        Doc::Num(raw) => Plain::Num(raw.clone()),
        Doc::Str(pieces) => Plain::Str(decode(pieces)),
        Doc::Arr(items) => Plain::Arr(items.iter().map(meaning).collect()),
        Doc::Obj(members) => Plain::Obj(members.iter().map(|(k, v)| (decode(k), meaning(v))).collect()),
    }
}

fn plain(node: &Node) -> Plain {
    match &node.value {
        Value::Null => Plain::Null,
        Value::Bool(flag) => Plain::Bool(*flag),
        Value::Number(number) => Plain::Num(number.raw.to_string()),
        Value::String(text) => Plain::Str(text.to_string()),
        Value::Array(items) => Plain::Arr(items.iter().map(plain).collect()),
        Value::Object(members) => {
            Plain::Obj(members.iter().map(|m| (m.key.to_string(), plain(&m.value))).collect())
        }
    }
}

/// Every node with its path of child indices (member index for objects), parents first.
fn nodes_with_paths(node: &Node) -> Vec<(Vec<usize>, &Node)> {
    let mut found = vec![(Vec::new(), node)];
    let mut next = 0;
    while let Some((path, node)) = found.get(next).cloned() {
        next += 1;
        let children: Vec<&Node> = match &node.value {
            Value::Array(items) => items.iter().collect(),
            Value::Object(members) => members.iter().map(|m| &m.value).collect(),
            _ => Vec::new(),
        };
        for (index, child) in children.into_iter().enumerate() {
            let mut child_path = path.clone();
            child_path.push(index);
            found.push((child_path, child));
        }
    }
    found
}

fn at_path<'p>(tree: &'p mut Plain, path: &[usize]) -> Option<&'p mut Plain> {
    let Some((first, rest)) = path.split_first() else { return Some(tree) };
    let child = match tree {
        Plain::Arr(items) => items.get_mut(*first)?,
        Plain::Obj(members) => &mut members.get_mut(*first)?.1,
        _ => return None,
    };
    at_path(child, rest)
}

fn parse_ok(text: &[u8]) -> Result<Node, TestCaseError> {
    json::parse(text).map_err(|e| TestCaseError::fail(format!("{e} in {:?}", String::from_utf8_lossy(text))))
}

/// Checks that `out` is `src` with exactly `edits` (sorted, disjoint) spliced in.
fn assert_only_spans_changed(src: &[u8], out: &[u8], edits: &[Edit]) -> Result<(), TestCaseError> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let (mut in_src, mut in_out) = (0, 0);
    for edit in sorted {
        let kept = edit.range.start - in_src;
        prop_assert_eq!(&out[in_out..in_out + kept], &src[in_src..edit.range.start]);
        in_out += kept;
        prop_assert_eq!(&out[in_out..in_out + edit.replacement.len()], edit.replacement.as_bytes());
        in_out += edit.replacement.len();
        in_src = edit.range.end;
    }
    prop_assert_eq!(&out[in_out..], &src[in_src..]);
    Ok(())
}

fn disjoint(chosen: &[Range<usize>], span: &Range<usize>) -> bool {
    chosen.iter().all(|c| span.end <= c.start || c.end <= span.start)
}

fn python_text(doc: &Doc) -> String {
    render(doc, &Style { blanks: vec![], python: true })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parses_to_the_generated_tree_with_exact_spans(doc in doc(), style in style()) {
        let text = render(&doc, &style);
        let root = parse_ok(text.as_bytes())?;
        prop_assert_eq!(plain(&root), meaning(&doc));
        prop_assert_eq!(json::apply_edits(text.as_bytes(), &[]).ok(), Some(text.as_bytes().to_vec()));
        // Every span holds exactly its own value, and every key span its key.
        for (_, node) in nodes_with_paths(&root) {
            prop_assert_eq!(plain(&parse_ok(node.raw(text.as_bytes()))?), plain(node));
            for member in node.as_object().unwrap_or_default() {
                let key = parse_ok(&text.as_bytes()[member.key_span.clone()])?;
                prop_assert_eq!(key.as_str(), Some(member.key.as_str()));
            }
        }
        // The pretty view means the same thing.
        let pretty = json::pretty(text.as_bytes(), &root);
        prop_assert_eq!(plain(&parse_ok(pretty.as_bytes())?), plain(&root));
    }

    #[test]
    fn replacing_values_changes_only_their_spans(
        doc in doc(), style in style(), picks in proptest::collection::vec((any::<prop::sample::Index>(), doc()), 1..4),
    ) {
        let text = render(&doc, &style);
        let root = parse_ok(text.as_bytes())?;
        let nodes = nodes_with_paths(&root);
        let mut expected = meaning(&doc);
        let (mut edits, mut spans) = (Vec::new(), Vec::new());
        for (pick, replacement) in &picks {
            let (path, node) = &nodes[pick.index(nodes.len())];
            if !disjoint(&spans, &node.span) {
                continue;
            }
            spans.push(node.span.clone());
            edits.push(json::replace_value(node, &python_text(replacement)));
            if let Some(slot) = at_path(&mut expected, path) {
                *slot = meaning(replacement);
            }
        }
        let out = json::apply_edits(text.as_bytes(), &edits).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(plain(&parse_ok(&out)?), expected);
        assert_only_spans_changed(text.as_bytes(), &out, &edits)?;
    }

    #[test]
    fn structural_edits_give_the_expected_tree(
        doc in doc(), style in style(), pick in any::<prop::sample::Index>(),
        index in 0usize..8, remove in any::<bool>(), key in key(), value in doc(),
    ) {
        let text = render(&doc, &style);
        let src = text.as_bytes();
        let root = parse_ok(src)?;
        let containers: Vec<_> = nodes_with_paths(&root)
            .into_iter()
            .filter(|(_, n)| n.as_array().is_some() || n.as_object().is_some())
            .collect();
        prop_assume!(!containers.is_empty());
        let (path, node) = &containers[pick.index(containers.len())];
        let value_text = python_text(&value);
        let mut expected = meaning(&doc);
        let slot = at_path(&mut expected, path).ok_or_else(|| TestCaseError::fail("path"))?;
        let edit = match (slot, remove) {
            (Plain::Arr(items), true) => {
                if index < items.len() { items.remove(index); }
                json::remove_element(src, node, index)
            }
            (Plain::Arr(items), false) => {
                items.insert(index.min(items.len()), meaning(&value));
                json::insert_element(src, node, index, &value_text)
            }
            (Plain::Obj(members), true) => {
                if index < members.len() { members.remove(index); }
                json::remove_member(src, node, index)
            }
            (Plain::Obj(members), false) => {
                members.push((decode(&key), meaning(&value)));
                json::insert_member(src, node, &decode(&key), &value_text)
            }
            _ => return Err(TestCaseError::fail("not a container")),
        };
        let out = json::apply_edits(src, std::slice::from_ref(&edit)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(plain(&parse_ok(&out)?), expected);
        assert_only_spans_changed(src, &out, &[edit])?;
    }

    #[test]
    fn compact_python_reproduces_python_style_text(doc in doc()) {
        let text = python_text(&doc);
        let root = parse_ok(text.as_bytes())?;
        prop_assert_eq!(json::compact_python(text.as_bytes(), &root), text.clone());
        for (_, node) in nodes_with_paths(&root) {
            let raw = String::from_utf8_lossy(node.raw(text.as_bytes())).into_owned();
            prop_assert_eq!(json::compact_python(text.as_bytes(), node), raw);
        }
    }

    #[test]
    fn quote_python_round_trips(text in ".*") {
        let quoted = json::quote_python(&text);
        prop_assert!(quoted.bytes().all(|b| (b' '..=b'~').contains(&b)));
        let parsed = parse_ok(quoted.as_bytes())?;
        prop_assert_eq!(parsed.as_str(), Some(text.as_str()));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let _ = json::parse(&bytes);
    }

    #[test]
    fn damaged_documents_never_panic(doc in doc(), style in style(), cut in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut text = render(&doc, &style).into_bytes();
        if !text.is_empty() {
            let at = cut.index(text.len());
            text[at] = byte;
            let _ = json::parse(&text);
            let _ = json::parse(&text[..at]);
        }
    }
}
