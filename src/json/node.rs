//! The parsed tree: every value remembers the byte span it came from.
//!
//! Keeping spans (instead of re-serializing a `serde_json::Value`) is what lets kerasfix edit
//! one value while every other byte of the document stays exactly as Keras wrote it. Numbers
//! keep their spelling (`1e-07`, `64.0`, `Infinity`) for the same reason.

use std::ops::Range;

use compact_str::CompactString;

use super::pointer::Pointer;

/// A JSON value together with the byte range of its text in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The value's bytes in the source: from its first byte to one past its last byte.
    pub span: Range<usize>,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Number),
    /// Escapes decoded; a lone surrogate escape decodes to U+FFFD. Inline up to 24 bytes.
    String(CompactString),
    Array(Vec<Node>),
    /// Members in source order, duplicates kept (see [`Node::get`] for lookup semantics).
    Object(Vec<Member>),
}

impl Value {
    /// A short name for messages: "null", "boolean", "number", "string", "array", "object".
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
}

/// One `"key": value` pair of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The decoded key (inline up to 24 bytes, as nearly every Keras key is).
    pub key: CompactString,
    /// The quoted key's bytes in the source, quotes included.
    pub key_span: Range<usize>,
    pub value: Node,
}

/// A number exactly as spelled in the source, so that rewriting never changes its text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Number {
    /// The literal: `64`, `64.0`, `6.4e1`, `-0.0`, `1e-07`, `NaN`, `Infinity`, `-Infinity`.
    pub raw: CompactString,
}

impl Number {
    pub fn new(raw: impl Into<CompactString>) -> Number {
        Number { raw: raw.into() }
    }

    /// The nearest `f64` (Python's `float()` of the literal); huge literals become infinite.
    pub fn as_f64(&self) -> f64 {
        match self.raw.as_str() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            // Only reachable for hand-built numbers with malformed text.
            other => other.parse().unwrap_or(f64::NAN),
        }
    }

    /// True for `-?digits` only: no fraction, no exponent, not `NaN`/`Infinity`.
    /// Python's `json.loads` turns exactly these into `int`.
    pub fn is_integer_literal(&self) -> bool {
        let digits = self.raw.strip_prefix('-').unwrap_or(&self.raw);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    }

    /// The value of an integer literal that fits in `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        if self.is_integer_literal() { self.raw.parse().ok() } else { None }
    }

    /// The exact value if the literal is mathematically an integer within `i64`
    /// (`64.0`, `6.4e1`, `640e-1`, `-0.0` all count). Computed from the decimal digits, never
    /// through `f64`, so `9007199254740993.0` is not rounded and `1e400` is `None`.
    pub fn integral_value(&self) -> Option<i64> {
        let decimal = Decimal::parse(&self.raw)?;
        // Drop trailing zeros of the digit string into the exponent so that a negative
        // exponent afterwards means a genuine fractional part.
        let significant = decimal.digits.trim_start_matches('0');
        let trimmed = significant.trim_end_matches('0');
        if trimmed.is_empty() {
            return Some(0);
        }
        let exponent =
            decimal.exponent.checked_add(i64::try_from(significant.len() - trimmed.len()).ok()?)?;
        if exponent < 0 {
            return None;
        }
        // i64 has at most 19 digits; anything longer cannot fit.
        let total_digits = i64::try_from(trimmed.len()).ok()?.checked_add(exponent)?;
        if total_digits > 19 {
            return None;
        }
        let mut magnitude: i128 = 0;
        for digit in trimmed.bytes() {
            magnitude = magnitude * 10 + i128::from(digit - b'0');
        }
        for _ in 0..exponent {
            magnitude *= 10;
        }
        let signed = if decimal.negative { -magnitude } else { magnitude };
        i64::try_from(signed).ok()
    }
}

/// A finite JSON number split into sign, all mantissa digits, and the power of ten that
/// applies to the last digit.
struct Decimal {
    negative: bool,
    /// Integer and fraction digits concatenated; may be `"000"`. Inline for the usual short
    /// literal: this runs for every float at an integer site.
    digits: CompactString,
    exponent: i64,
}

impl Decimal {
    fn parse(raw: &str) -> Option<Decimal> {
        let (negative, unsigned) = match raw.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let (mantissa, exponent_text) = match unsigned.find(['e', 'E']) {
            Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
            None => (unsigned, None),
        };
        let (integer, fraction) = match mantissa.split_once('.') {
            Some((integer, fraction)) => (integer, fraction),
            None => (mantissa, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if integer.is_empty() || !all_digits(integer) || !all_digits(fraction) {
            return None;
        }
        let exponent = match exponent_text {
            Some(text) => parse_exponent(text)?,
            None => 0,
        };
        let exponent = exponent.checked_sub(i64::try_from(fraction.len()).ok()?)?;
        let mut digits = CompactString::with_capacity(integer.len() + fraction.len());
        digits.push_str(integer);
        digits.push_str(fraction);
        Some(Decimal { negative, digits, exponent })
    }
}

/// Parses `[+-]digits`, saturating absurdly long exponents (they can only mean "too large"
/// or "too small", and both answers are decided before the exact value would matter).
fn parse_exponent(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    const LIMIT: i64 = 1 << 40;
    let mut value: i64 = 0;
    for digit in digits.bytes() {
        value = (value * 10 + i64::from(digit - b'0')).min(LIMIT);
    }
    Some(if negative { -value } else { value })
}

/// An object that has the same key more than once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// Where the object is.
    pub object: Pointer,
    pub key: String,
    /// The quoted key spans of every occurrence, in source order (the last one wins on load).
    pub key_spans: Vec<Range<usize>>,
}

impl Node {
    /// The member value for `key`; with duplicate keys the LAST one, as Python's
    /// `json.loads` keeps the last.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_object()?.iter().rev().find(|member| member.key == key).map(|member| &member.value)
    }

    /// The member (with its key span) for `key`; the last one when duplicated.
    pub fn get_member(&self, key: &str) -> Option<&Member> {
        self.as_object()?.iter().rev().find(|member| member.key == key)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(flag) => Some(flag),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match &self.value {
            Value::Number(number) => Some(number),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// Follows an RFC 6901 pointer. Array tokens must be canonical indices (`0`, `17`, not
    /// `01` or `-`); object tokens use [`Node::get`], so duplicates resolve to the last one.
    pub fn pointer(&self, ptr: &Pointer) -> Option<&Node> {
        let mut current = self;
        for token in ptr.tokens() {
            current = match &current.value {
                Value::Object(_) => current.get(token)?,
                Value::Array(items) => items.get(array_index(token)?)?,
                _ => return None,
            };
        }
        Some(current)
    }

    /// This value's source bytes (empty if the span does not fit `src`).
    pub fn raw<'a>(&self, src: &'a [u8]) -> &'a [u8] {
        src.get(self.span.clone()).unwrap_or(&[])
    }

    /// Same values, ignoring where they are in the text: numbers compare by spelling,
    /// objects by members in order (duplicates included).
    pub fn eq_ignoring_spans(&self, other: &Node) -> bool {
        match (&self.value, &other.value) {
            (Value::Array(left), Value::Array(right)) => {
                left.len() == right.len() && left.iter().zip(right).all(|(l, r)| l.eq_ignoring_spans(r))
            }
            (Value::Object(left), Value::Object(right)) => {
                left.len() == right.len()
                    && left
                        .iter()
                        .zip(right)
                        .all(|(l, r)| l.key == r.key && l.value.eq_ignoring_spans(&r.value))
            }
            (left, right) => left == right,
        }
    }

    /// Calls `visit` for this node and every descendant, parents first, with each one's
    /// pointer. Iterative, so deep documents cannot overflow the stack.
    pub fn walk(&self, mut visit: impl FnMut(&Pointer, &Node)) {
        enum Step<'n> {
            Enter(&'n Node, Option<String>),
            Leave,
        }
        let mut path = Pointer::root();
        let mut steps = vec![Step::Enter(self, None)];
        while let Some(step) = steps.pop() {
            match step {
                Step::Leave => {
                    path.pop();
                }
                Step::Enter(node, token) => {
                    let has_token = token.is_some();
                    if let Some(token) = token {
                        path.push(token);
                    }
                    visit(&path, node);
                    if has_token {
                        steps.push(Step::Leave);
                    }
                    match &node.value {
                        Value::Array(items) => steps.extend(
                            items
                                .iter()
                                .enumerate()
                                .rev()
                                .map(|(index, item)| Step::Enter(item, Some(index.to_string()))),
                        ),
                        Value::Object(members) => steps.extend(
                            members
                                .iter()
                                .rev()
                                .map(|member| Step::Enter(&member.value, Some(member.key.to_string()))),
                        ),
                        _ => {}
                    }
                }
            }
        }
    }

    /// Every object (anywhere in the tree) that repeats a key, in document order.
    pub fn duplicate_keys(&self) -> Vec<DuplicateKey> {
        let mut found = Vec::new();
        // Parents first, in document order, like [`Node::walk`]; but no pointer is kept on the
        // way, because this runs on every document and almost never finds anything: the
        // pointer of an offending object is worked out from its place in the tree.
        let mut pending = vec![self];
        while let Some(node) = pending.pop() {
            match &node.value {
                Value::Array(items) => pending.extend(items.iter().rev()),
                Value::Object(members) => {
                    if has_duplicate_key(members) {
                        found.extend(duplicate_groups(self.pointer_to(node).unwrap_or_default(), members));
                    }
                    pending.extend(members.iter().rev().map(|member| &member.value));
                }
                _ => {}
            }
        }
        found
    }

    /// The pointer from this node to `target`, a node of this tree (the same node, compared by
    /// address, not an equal one); `None` when `target` is not in the tree.
    pub fn pointer_to(&self, target: &Node) -> Option<Pointer> {
        let mut tokens = Vec::new();
        if self.steps_to(target, |step| tokens.push(step.to_string())) {
            return Some(Pointer::from_tokens(tokens));
        }
        // Spans that do not nest as parsed text does (a tree built by hand): search by address.
        let mut found = None;
        self.walk(|path, node| {
            if found.is_none() && std::ptr::eq(node, target) {
                found = Some(path.clone());
            }
        });
        found
    }

    /// [`Node::pointer_to`] as RFC 6901 text, written straight from the tree: a finding only
    /// needs the text, and building the token list first cost more than finding the node.
    pub fn pointer_text_to(&self, target: &Node) -> Option<String> {
        let mut text = String::with_capacity(64);
        let found = self.steps_to(target, |step| {
            text.push('/');
            match step {
                Step::Key(key) => super::pointer::push_escaped(&mut text, key),
                Step::Index(index) => text.push_str(itoa_usize(index, &mut [0; 20])),
            }
        });
        if found { Some(text) } else { self.pointer_to(target).map(|p| p.to_string()) }
    }

    /// Descends from this node towards `target` (compared by address), calling `step` for each
    /// member key or array index on the way; false when the spans do not lead there. Children
    /// sit in source order with nested spans, so the child holding the target is found by
    /// binary search on spans: a handful of steps, whatever the document's size.
    fn steps_to<'s>(&'s self, target: &Node, mut step: impl FnMut(Step<'s>)) -> bool {
        let mut current = self;
        loop {
            if std::ptr::eq(current, target) {
                return true;
            }
            let holds =
                |node: &Node| node.span.start <= target.span.start && target.span.end <= node.span.end;
            let next = match &current.value {
                Value::Array(items) => {
                    let at = items.partition_point(|item| item.span.end <= target.span.start);
                    items.get(at).filter(|item| holds(item)).map(|item| (Step::Index(at), item))
                }
                Value::Object(members) => {
                    let at = members.partition_point(|member| member.value.span.end <= target.span.start);
                    members.get(at).filter(|m| holds(&m.value)).map(|m| (Step::Key(m.key.as_str()), &m.value))
                }
                _ => None,
            };
            let Some((token, child)) = next else { return false };
            step(token);
            current = child;
        }
    }
}

/// One step of [`Node::steps_to`].
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

impl std::fmt::Display for Step<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Key(key) => f.write_str(key),
            Step::Index(index) => write!(f, "{index}"),
        }
    }
}

/// `index` in decimal, written into `buffer` without going through `fmt`.
fn itoa_usize(mut index: usize, buffer: &mut [u8; 20]) -> &str {
    let mut at = buffer.len();
    loop {
        at -= 1;
        buffer[at] = b'0' + (index % 10) as u8;
        index /= 10;
        if index == 0 {
            break;
        }
    }
    std::str::from_utf8(&buffer[at..]).unwrap_or_default()
}

/// Whether some key appears twice. The parser asks this of every object it closes, so objects
/// of up to 64 members (all that Keras writes) use an open-addressing table on the stack with
/// [`key_hash`] (no allocation; keys compared only when slots collide, so a crafted object costs
/// at most 64 x 64 comparisons); larger ones a `HashSet`.
pub(super) fn has_duplicate_key(members: &[Member]) -> bool {
    const SLOTS: usize = 128;
    if members.len() < 2 {
        return false;
    }
    if members.len() > SLOTS / 2 {
        let mut seen = std::collections::HashSet::with_capacity(members.len());
        return !members.iter().all(|member| seen.insert(member.key.as_str()));
    }
    // Slot value: member index + 1 (0 = empty).
    let mut table = [0u8; SLOTS];
    for (index, member) in members.iter().enumerate() {
        let mut slot = (key_hash(member.key.as_bytes()) >> (64 - SLOTS.trailing_zeros())) as usize;
        loop {
            match table[slot] {
                0 => {
                    table[slot] = (index + 1) as u8;
                    break;
                }
                taken if members[usize::from(taken) - 1].key == member.key => return true,
                _ => slot = (slot + 1) % SLOTS,
            }
        }
    }
    false
}

/// A hash of a key from its length and its first and last eight bytes, where the keys of one
/// object nearly always differ: a few instructions whatever the key's length (a byte-at-a-time
/// FNV-1a here was 6% of a whole check). Equal keys hash equal, which is all the table needs.
fn key_hash(key: &[u8]) -> u64 {
    let (head, tail) = match (key.first_chunk::<8>(), key.last_chunk::<8>()) {
        (Some(head), Some(tail)) => (u64::from_le_bytes(*head), u64::from_le_bytes(*tail)),
        // Shorter than a word: its bytes one by one (a variable-length copy into a word would
        // call `memcpy` for every key).
        _ => (key.iter().fold(0, |word, &byte| word << 8 | u64::from(byte)), 0),
    };
    // Fibonacci hashing: the multiplication carries every input bit into the top bits.
    (head ^ tail.rotate_left(32) ^ key.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

/// The duplicate groups of one object at `object`, each reported once, ordered by the second
/// occurrence of its key.
fn duplicate_groups(object: Pointer, members: &[Member]) -> Vec<DuplicateKey> {
    let mut seen: std::collections::HashMap<&str, usize> = Default::default();
    let mut groups: Vec<DuplicateKey> = Vec::new();
    for member in members {
        let count = seen.entry(member.key.as_str()).or_insert(0);
        *count += 1;
        if *count == 2 {
            groups.push(DuplicateKey {
                object: object.clone(),
                key: member.key.to_string(),
                key_spans: members
                    .iter()
                    .filter(|other| other.key == member.key)
                    .map(|other| other.key_span.clone())
                    .collect(),
            });
        }
    }
    groups
}

/// A canonical RFC 6901 array index: `0` or a digit string without leading zero.
fn array_index(token: &str) -> Option<usize> {
    let canonical = token == "0"
        || (!token.is_empty() && !token.starts_with('0') && token.bytes().all(|b| b.is_ascii_digit()));
    if canonical { token.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(raw: &str) -> Number {
        Number::new(raw)
    }

    #[test]
    fn integer_literals() {
        assert!(number("64").is_integer_literal());
        assert!(number("-0").is_integer_literal());
        assert!(!number("64.0").is_integer_literal());
        assert!(!number("1e3").is_integer_literal());
        assert!(!number("NaN").is_integer_literal());
        assert!(!number("-Infinity").is_integer_literal());
        assert_eq!(number("-12").as_i64(), Some(-12));
        assert_eq!(number("9223372036854775807").as_i64(), Some(i64::MAX));
        assert_eq!(number("9223372036854775808").as_i64(), None);
        assert_eq!(number("64.0").as_i64(), None);
    }

    #[test]
    fn integral_values_are_exact() {
        assert_eq!(number("64.0").integral_value(), Some(64));
        assert_eq!(number("6.4e1").integral_value(), Some(64));
        assert_eq!(number("640e-1").integral_value(), Some(64));
        assert_eq!(number("640E-1").integral_value(), Some(64));
        assert_eq!(number("-0.0").integral_value(), Some(0));
        assert_eq!(number("0e999999999999999999999").integral_value(), Some(0));
        assert_eq!(number("64.5").integral_value(), None);
        assert_eq!(number("1e400").integral_value(), None);
        assert_eq!(number("1e-07").integral_value(), None);
        assert_eq!(number("NaN").integral_value(), None);
        assert_eq!(number("Infinity").integral_value(), None);
        assert_eq!(number("-9223372036854775808").integral_value(), Some(i64::MIN));
        assert_eq!(number("-9.223372036854775808e18").integral_value(), Some(i64::MIN));
        assert_eq!(number("9223372036854775808.0").integral_value(), None);
        // f64 would round this to ...992.
        assert_eq!(number("9007199254740993.0").integral_value(), Some(9007199254740993));
        assert_eq!(number("100000000000000000000e-2").integral_value(), Some(1_000_000_000_000_000_000));
        assert_eq!(number("1000000000000000000000e-2").integral_value(), None);
    }

    #[test]
    fn as_f64_handles_python_tokens() {
        assert!(number("NaN").as_f64().is_nan());
        assert_eq!(number("Infinity").as_f64(), f64::INFINITY);
        assert_eq!(number("-Infinity").as_f64(), f64::NEG_INFINITY);
        assert_eq!(number("1e-07").as_f64(), 1e-7);
        assert_eq!(number("1e400").as_f64(), f64::INFINITY);
    }

    #[test]
    fn pointer_to_finds_nodes_by_address() -> Result<(), Box<dyn std::error::Error>> {
        let root = crate::json::parse(
            br#"{"a": [1, {"b/c": [true, "x"], "~": 0}], "d": {"a": 2, "a": 3}, "e": [0,1,2,3,4,5,6,7,8,9,10,11]}"#,
        )?;
        for text in [
            "",
            "/a",
            "/a/0",
            "/a/1",
            "/a/1/b~1c",
            "/a/1/b~1c/1",
            "/a/1/~0",
            "/d",
            "/d/a",
            "/e/0",
            "/e/10",
            "/e/11",
        ] {
            let pointer = Pointer::parse(text)?;
            let node = root.pointer(&pointer).ok_or("no node")?;
            assert_eq!(root.pointer_to(node), Some(pointer));
            assert_eq!(root.pointer_text_to(node).as_deref(), Some(text));
        }
        // An equal node elsewhere is not the node.
        let other = crate::json::parse(b"1")?;
        assert_eq!(root.pointer_to(&other), None);
        // Spans that do not nest (built by hand) fall back to a search by address.
        let leaf = Node { span: 0..1, value: Value::Null };
        let hand = Node {
            span: 0..1,
            value: Value::Array(vec![Node { span: 5..6, value: Value::Null }, leaf.clone()]),
        };
        let target = hand.as_array().and_then(|items| items.get(1)).ok_or("no item")?;
        assert_eq!(hand.pointer_to(target), Some(Pointer::parse("/1")?));
        assert_eq!(hand.pointer_text_to(target).as_deref(), Some("/1"));
        assert_eq!(root.pointer_text_to(&other), None);
        let duplicates = root.duplicate_keys();
        assert_eq!(duplicates.len(), 1);
        assert_eq!(duplicates[0].object, Pointer::parse("/d")?);
        Ok(())
    }

    #[test]
    fn array_indices_must_be_canonical() {
        assert_eq!(array_index("0"), Some(0));
        assert_eq!(array_index("12"), Some(12));
        assert_eq!(array_index("01"), None);
        assert_eq!(array_index("-"), None);
        assert_eq!(array_index(""), None);
        assert_eq!(array_index("+1"), None);
    }
}
