//! Property tests for `kerasfix::json`'s JSON Patch and structural diff: on random documents
//! and random patches (valid and not), applying a patch as byte edits gives the same result as
//! a plain RFC 6902 reference implementation on value trees written here, byte for byte in
//! Python's `json.dumps` style; a single `replace` changes only the replaced value's bytes;
//! and a diff against any re-layout of a changed document reproduces it exactly.

use kerasfix::json::{self, Node, Pointer, Value};
use proptest::prelude::*;

/// A JSON value with unique object keys, numbers kept as spelled.
#[derive(Debug, Clone, PartialEq)]
enum J {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

const KEYS: [&str; 8] = ["a", "b", "name", "x/y", "t~1", "\u{e9}", "", "-"];

fn leaf() -> impl Strategy<Value = J> {
    prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        proptest::sample::select(vec![
            "0", "1", "1.0", "-2", "2.5", "1e-07", "64", "NaN", "-0.0", "Infinity"
        ])
        .prop_map(|n| J::Num(n.to_owned())),
        "[a-c\"\\\\\u{e9}\u{5d4c}]{0,4}".prop_map(J::Str),
    ]
}

fn doc() -> impl Strategy<Value = J> {
    leaf().prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(J::Arr),
            proptest::collection::vec((proptest::sample::select(KEYS.to_vec()), inner), 0..5).prop_map(
                |members| {
                    let mut unique: Vec<(String, J)> = Vec::new();
                    for (key, value) in members {
                        if !unique.iter().any(|(k, _)| k == key) {
                            unique.push((key.to_owned(), value));
                        }
                    }
                    J::Obj(unique)
                }
            ),
        ]
    })
}

/// Exactly what Python's `json.dumps` writes (as Keras saves configs).
fn render(value: &J) -> String {
    match value {
        J::Null => "null".into(),
        J::Bool(b) => b.to_string(),
        J::Num(n) => n.clone(),
        J::Str(s) => json::quote_python(s),
        J::Arr(items) => format!("[{}]", items.iter().map(render).collect::<Vec<_>>().join(", ")),
        J::Obj(members) => format!(
            "{{{}}}",
            members
                .iter()
                .map(|(k, v)| format!("{}: {}", json::quote_python(k), render(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn from_node(node: &Node) -> J {
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => J::Num(n.raw.to_string()),
        Value::String(s) => J::Str(s.to_string()),
        Value::Array(items) => J::Arr(items.iter().map(from_node).collect()),
        Value::Object(members) => {
            J::Obj(members.iter().map(|m| (m.key.to_string(), from_node(&m.value))).collect())
        }
    }
}

// ---- The reference: RFC 6902 on plain trees, as the RFC reads. ----

fn index(token: &str, len: usize, allow_end: bool) -> Result<usize, ()> {
    if allow_end && token == "-" {
        return Ok(len);
    }
    let canonical = token == "0"
        || (!token.is_empty() && !token.starts_with('0') && token.bytes().all(|b| b.is_ascii_digit()));
    let i: usize = if canonical { token.parse().map_err(|_| ())? } else { return Err(()) };
    if i < len || (allow_end && i == len) { Ok(i) } else { Err(()) }
}

fn get<'a>(doc: &'a J, path: &[String]) -> Option<&'a J> {
    let mut current = doc;
    for token in path {
        current = match current {
            J::Obj(members) => &members.iter().find(|(k, _)| k == token)?.1,
            J::Arr(items) => items.get(index(token, items.len(), false).ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

fn get_mut<'a>(doc: &'a mut J, path: &[String]) -> Option<&'a mut J> {
    let mut current = doc;
    for token in path {
        current = match current {
            J::Obj(members) => &mut members.iter_mut().find(|(k, _)| k == token)?.1,
            J::Arr(items) => {
                let i = index(token, items.len(), false).ok()?;
                items.get_mut(i)?
            }
            _ => return None,
        };
    }
    Some(current)
}

fn ref_add(doc: &mut J, path: &[String], value: J) -> Result<(), ()> {
    let Some((last, parent)) = path.split_last() else {
        *doc = value;
        return Ok(());
    };
    match get_mut(doc, parent).ok_or(())? {
        J::Obj(members) => match members.iter_mut().find(|(k, _)| k == last) {
            Some(member) => member.1 = value,
            None => members.push((last.clone(), value)),
        },
        J::Arr(items) => {
            let i = index(last, items.len(), true)?;
            items.insert(i, value);
        }
        _ => return Err(()),
    }
    Ok(())
}

fn ref_remove(doc: &mut J, path: &[String]) -> Result<J, ()> {
    let (last, parent) = path.split_last().ok_or(())?;
    match get_mut(doc, parent).ok_or(())? {
        J::Obj(members) => {
            let at = members.iter().position(|(k, _)| k == last).ok_or(())?;
            Ok(members.remove(at).1)
        }
        J::Arr(items) => {
            let i = index(last, items.len(), false)?;
            Ok(items.remove(i))
        }
        _ => Err(()),
    }
}

fn ref_equal(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Num(x), J::Num(y)) => {
            x == y || x.parse::<f64>().ok().zip(y.parse::<f64>().ok()).is_some_and(|(p, q)| p == q)
        }
        (J::Arr(x), J::Arr(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| ref_equal(p, q)),
        (J::Obj(x), J::Obj(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.iter().any(|(k2, v2)| k == k2 && ref_equal(v, v2)))
        }
        _ => a == b,
    }
}

#[derive(Debug, Clone)]
enum Op {
    Add(Vec<String>, J),
    Remove(Vec<String>),
    Replace(Vec<String>, J),
    Move(Vec<String>, Vec<String>),
    Copy(Vec<String>, Vec<String>),
    Test(Vec<String>, J),
}

fn ref_apply(doc: &mut J, op: &Op) -> Result<(), ()> {
    match op {
        Op::Add(path, value) => ref_add(doc, path, value.clone()),
        Op::Remove(path) => ref_remove(doc, path).map(|_| ()),
        Op::Replace(path, value) => {
            *get_mut(doc, path).ok_or(())? = value.clone();
            Ok(())
        }
        Op::Move(from, path) => {
            if from == path {
                return get(doc, from).map(|_| ()).ok_or(());
            }
            if path.starts_with(from) {
                return Err(());
            }
            let value = ref_remove(doc, from)?;
            ref_add(doc, path, value)
        }
        Op::Copy(from, path) => {
            let value = get(doc, from).ok_or(())?.clone();
            ref_add(doc, path, value)
        }
        Op::Test(path, value) => {
            if ref_equal(get(doc, path).ok_or(())?, value) {
                Ok(())
            } else {
                Err(())
            }
        }
    }
}

// ---- Generating operations that mostly hit real locations. ----

/// A random location: walk down by `choices`, then maybe add a key or index, maybe spoil it.
fn pick(doc: &J, choices: &[usize], extra: usize) -> Vec<String> {
    let mut path = Vec::new();
    let mut current = doc;
    for &choice in choices {
        current = match current {
            J::Obj(members) if !members.is_empty() => {
                let (key, value) = &members[choice % members.len()];
                path.push(key.clone());
                value
            }
            J::Arr(items) if !items.is_empty() => {
                let i = choice % items.len();
                path.push(i.to_string());
                &items[i]
            }
            _ => break,
        };
    }
    match (extra % 8, current) {
        (0, J::Obj(_)) => path.push(KEYS[extra % KEYS.len()].to_owned()),
        (1, J::Arr(items)) => path.push(items.len().to_string()),
        (2, J::Arr(_)) => path.push("-".into()),
        (3, _) => path.push("nope".into()),
        (4, J::Arr(_)) => path.push("01".into()),
        _ => {}
    }
    path
}

#[derive(Debug, Clone)]
struct Seed {
    kind: u8,
    path: (Vec<usize>, usize),
    from: (Vec<usize>, usize),
    value: J,
}

fn seed() -> impl Strategy<Value = Seed> {
    let location = (proptest::collection::vec(0usize..8, 0..4), 0usize..16);
    (0u8..6, location.clone(), location, leaf().boxed().prop_union(doc().boxed()))
        .prop_map(|(kind, path, from, value)| Seed { kind, path, from, value })
}

fn make_op(doc: &J, seed: &Seed) -> Op {
    let path = pick(doc, &seed.path.0, seed.path.1);
    let from = pick(doc, &seed.from.0, seed.from.1);
    match seed.kind {
        0 => Op::Add(path, seed.value.clone()),
        1 => Op::Remove(path),
        2 => Op::Replace(path, seed.value.clone()),
        3 => Op::Move(from, path),
        4 => Op::Copy(from, path),
        // A test that passes half the time: against the value that is there, or the seed's.
        _ => {
            let value = if seed.path.1.is_multiple_of(2) { get(doc, &path).cloned() } else { None };
            Op::Test(path, value.unwrap_or_else(|| seed.value.clone()))
        }
    }
}

fn pointer(path: &[String]) -> String {
    json::quote_python(&Pointer::from_tokens(path.iter().cloned()).to_string())
}

fn patch_text(ops: &[Op]) -> String {
    let one = |op: &Op| match op {
        Op::Add(p, v) => format!(r#"{{"op": "add", "path": {}, "value": {}}}"#, pointer(p), render(v)),
        Op::Remove(p) => format!(r#"{{"op": "remove", "path": {}}}"#, pointer(p)),
        Op::Replace(p, v) => {
            format!(r#"{{"value": {}, "path": {}, "op": "replace"}}"#, render(v), pointer(p))
        }
        Op::Move(f, p) => format!(r#"{{"op": "move", "from": {}, "path": {}}}"#, pointer(f), pointer(p)),
        Op::Copy(f, p) => format!(r#"{{"op": "copy", "from": {}, "path": {}}}"#, pointer(f), pointer(p)),
        Op::Test(p, v) => format!(r#"{{"op": "test", "path": {}, "value": {}}}"#, pointer(p), render(v)),
    };
    format!("[{}]", ops.iter().map(one).collect::<Vec<_>>().join(", "))
}

/// The concrete operations for `seeds` (each chosen against the reference's current state)
/// and the reference's outcome: the final document, or the index of the first failure.
fn plan(start: &J, seeds: &[Seed]) -> (Vec<Op>, Result<J, usize>) {
    let mut doc = start.clone();
    let mut ops = Vec::new();
    for (i, seed) in seeds.iter().enumerate() {
        let op = make_op(&doc, seed);
        let outcome = ref_apply(&mut doc, &op);
        ops.push(op);
        if outcome.is_err() {
            return (ops, Err(i));
        }
    }
    (ops, Ok(doc))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn byte_edits_agree_with_the_reference(start in doc(), seeds in proptest::collection::vec(seed(), 1..6)) {
        let text = render(&start);
        let (ops, expected) = plan(&start, &seeds);
        let patch = patch_text(&ops);
        let parsed = json::parse_patch(patch.as_bytes()).map_err(|e| TestCaseError::fail(format!("{patch}: {e}")))?;
        let got = json::apply_patch(text.as_bytes(), &Pointer::root(), &parsed);
        match (got, expected) {
            (Ok(bytes), Ok(doc)) => {
                let out = String::from_utf8(bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let tree = json::parse(out.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(from_node(&tree), doc.clone(), "{} | {}", text, patch);
                // Python-style in, Python-style out: exactly what json.dumps would write.
                prop_assert_eq!(out, render(&doc), "{} | {}", text, patch);
            }
            (Err(error), Err(index)) => prop_assert_eq!(error.index, index, "{} | {} | {}", text, patch, error),
            (got, expected) => prop_assert!(false, "{text} | {patch}: got {got:?}, reference {expected:?}"),
        }
    }

    #[test]
    fn a_replace_changes_only_the_replaced_bytes(start in doc(), choices in proptest::collection::vec(0usize..8, 1..4), value in doc()) {
        let path = pick(&start, &choices, 7);
        let text = render(&start);
        let patch = patch_text(&[Op::Replace(path.clone(), value.clone())]);
        let ops = json::parse_patch(patch.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let out = json::apply_patch(text.as_bytes(), &Pointer::root(), &ops).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let root = json::parse(text.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let node = root.pointer(&Pointer::from_tokens(path.iter().cloned())).ok_or_else(|| TestCaseError::fail("no node"))?;
        let expected = format!("{}{}{}", &text[..node.span.start], render(&value), &text[node.span.end..]);
        prop_assert_eq!(String::from_utf8_lossy(&out), expected);
    }

    #[test]
    fn a_diff_against_a_relayout_reproduces_the_new_document(start in doc(), seeds in proptest::collection::vec(seed(), 0..6)) {
        // Apply whichever operations succeed, so the new document differs in many ways.
        let mut changed = start.clone();
        for seed in &seeds {
            let op = make_op(&changed, seed);
            let mut attempt = changed.clone();
            if ref_apply(&mut attempt, &op).is_ok() {
                changed = attempt;
            }
        }
        let old_text = render(&start);
        let old = json::parse(old_text.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let compact = render(&changed);
        let pretty = json::pretty(compact.as_bytes(), &json::parse(compact.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?);
        let new = json::parse(pretty.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let edits = json::diff(old_text.as_bytes(), &old, pretty.as_bytes(), &new);
        let out = json::apply_edits(old_text.as_bytes(), &edits).map_err(|e| TestCaseError::fail(format!("{old_text} -> {pretty}: {e}")))?;
        prop_assert_eq!(String::from_utf8_lossy(&out), compact, "{} -> {}", old_text, pretty);
        if start == changed {
            prop_assert!(edits.is_empty());
        }
    }
}
