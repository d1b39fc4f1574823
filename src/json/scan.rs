//! The scanner: turns Python-`json.dumps` text into [`Node`]s with byte spans.
//!
//! It accepts what Python's `json.loads` accepts (including `NaN`, `Infinity`, `-Infinity`)
//! and nothing more: no trailing commas, no comments, no unescaped control characters. It is
//! iterative with an explicit stack so that hostile nesting is an error, never a stack
//! overflow, and it runs in time linear in the text.

use std::ops::Range;

use compact_str::CompactString;

use super::node::{Member, Node, Number, Value, has_duplicate_key};

/// Deeper nesting of arrays and objects is rejected.
pub const MAX_DEPTH: usize = 1000;

/// Where and why the text is not valid JSON. `line` and `column` are 1-based; the column
/// counts characters, like Python's `json.JSONDecodeError`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("JSON syntax error at line {line} column {column}: {message}")]
pub struct ParseError {
    /// Byte offset into the text.
    pub offset: usize,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl ParseError {
    fn at(text: &[u8], offset: usize, message: impl Into<String>) -> ParseError {
        let before = text.get(..offset).unwrap_or(text);
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |at| at + 1);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        // Count characters, not bytes: skip UTF-8 continuation bytes.
        let column = 1 + before[line_start..].iter().filter(|&&b| b & 0xC0 != 0x80).count();
        ParseError { offset, line, column, message: message.into() }
    }
}

/// Parses exactly one JSON value, with optional whitespace around it.
pub fn parse(text: &[u8]) -> Result<Node, ParseError> {
    parse_noting_duplicates(text).map(|(root, _)| root)
}

/// [`parse`], also telling whether some object repeats a key (then [`Node::duplicate_keys`]
/// says where). Each object is looked at as it closes, which spares callers that must refuse
/// such documents a second traversal of every one they accept.
pub fn parse_noting_duplicates(text: &[u8]) -> Result<(Node, bool), ParseError> {
    let source = match std::str::from_utf8(text) {
        Ok(source) => source,
        Err(invalid) => {
            let offset = invalid.valid_up_to();
            return Err(ParseError::at(text, offset, format!("invalid UTF-8 at byte offset {offset}")));
        }
    };
    let mut scanner = Scanner { text, source, pos: 0, duplicates: false };
    let root = scanner.document()?;
    Ok((root, scanner.duplicates))
}

/// Initial capacity of the scanner's child stacks (a few tens of kilobytes).
const SCRATCH: usize = 256;

/// An array or object whose closing bracket has not been seen yet. Its children so far sit at
/// the end of the scanner's shared `items` / `members` stacks, from `first` on: collecting
/// them there and moving them into an exact-size `Vec` at the closing bracket costs one
/// allocation per container instead of one per doubling. An object's member goes on the stack
/// as soon as its key is read, its value filled in when complete, so the key moves once.
enum Open {
    Array { start: usize, first: usize },
    Object { start: usize, first: usize },
}

/// The children of a closing container, `stack[first..]`, in a `Vec` of their own, with one
/// copy of the tail (a drain moved them one by one) and no spare capacity.
fn take_from<T>(stack: &mut Vec<T>, first: usize) -> Vec<T> {
    let mut children = stack.split_off(first.min(stack.len()));
    // `split_off(0)` hands over the scratch buffer itself (and gives the stack a new one).
    children.shrink_to_fit();
    children
}

/// The value of a member whose key is read and whose value is not complete yet.
const PENDING: Node = Node { span: 0..0, value: Value::Null };

struct Scanner<'t> {
    text: &'t [u8],
    /// The same text, validated once, so that slicing strings and numbers out of it needs
    /// no further UTF-8 checks.
    source: &'t str,
    pos: usize,
    /// Whether an object closed so far repeats a key.
    duplicates: bool,
}

impl<'t> Scanner<'t> {
    fn error(&self, offset: usize, message: impl Into<String>) -> ParseError {
        ParseError::at(self.text, offset, message)
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn document(&mut self) -> Result<Node, ParseError> {
        let mut open: Vec<Open> = Vec::new();
        // Room for the children of the open containers of a typical config, so that the
        // stacks rarely grow (each growth copies every pending child); every child takes at
        // least two bytes of text, which bounds it for tiny documents.
        let scratch = SCRATCH.min(self.text.len() / 2);
        let mut items: Vec<Node> = Vec::with_capacity(scratch);
        let mut members: Vec<Member> = Vec::with_capacity(scratch);
        'value: loop {
            self.skip_whitespace();
            let start = self.pos;
            let mut done = match self.peek() {
                Some(bracket @ (b'[' | b'{')) => {
                    if open.len() >= MAX_DEPTH {
                        return Err(self.error(start, format!("nesting deeper than {MAX_DEPTH} levels")));
                    }
                    self.pos += 1;
                    self.skip_whitespace();
                    if bracket == b'[' {
                        if self.peek() != Some(b']') {
                            open.push(Open::Array { start, first: items.len() });
                            continue 'value;
                        }
                        self.pos += 1;
                        Node { span: start..self.pos, value: Value::Array(Vec::new()) }
                    } else {
                        if self.peek() != Some(b'}') {
                            let (key, key_span) = self.key()?;
                            open.push(Open::Object { start, first: members.len() });
                            members.push(Member { key, key_span, value: PENDING });
                            continue 'value;
                        }
                        self.pos += 1;
                        Node { span: start..self.pos, value: Value::Object(Vec::new()) }
                    }
                }
                _ => self.scalar()?,
            };
            // A value is complete: attach it to its container, then close every container
            // that ends right after it, until a ',' asks for the next value.
            loop {
                let Some(container) = open.last_mut() else {
                    self.skip_whitespace();
                    if self.pos < self.text.len() {
                        return Err(self.error(self.pos, "extra data after the JSON value"));
                    }
                    return Ok(done);
                };
                self.skip_whitespace();
                let next = self.peek();
                match container {
                    Open::Array { .. } => {
                        items.push(done);
                        match next {
                            Some(b',') => {
                                self.pos += 1;
                                self.reject_trailing_comma(b']')?;
                                continue 'value;
                            }
                            Some(b']') => {}
                            _ => return Err(self.error(self.pos, "expecting ',' or ']'")),
                        }
                    }
                    Open::Object { .. } => {
                        if let Some(pending) = members.last_mut() {
                            pending.value = done;
                        }
                        match next {
                            Some(b',') => {
                                self.pos += 1;
                                self.reject_trailing_comma(b'}')?;
                                let (key, key_span) = self.key()?;
                                members.push(Member { key, key_span, value: PENDING });
                                continue 'value;
                            }
                            Some(b'}') => {}
                            _ => return Err(self.error(self.pos, "expecting ',' or '}'")),
                        }
                    }
                }
                self.pos += 1;
                done = match open.pop() {
                    Some(Open::Array { start, first }) => {
                        let children = take_from(&mut items, first);
                        Node { span: start..self.pos, value: Value::Array(children) }
                    }
                    Some(Open::Object { start, first, .. }) => {
                        let children = take_from(&mut members, first);
                        self.duplicates = self.duplicates || has_duplicate_key(&children);
                        Node { span: start..self.pos, value: Value::Object(children) }
                    }
                    None => return Err(self.error(self.pos, "internal error: no open container")),
                };
            }
        }
    }

    fn reject_trailing_comma(&mut self, closing: u8) -> Result<(), ParseError> {
        self.skip_whitespace();
        if self.peek() == Some(closing) {
            return Err(self.error(self.pos, "trailing comma is not allowed"));
        }
        Ok(())
    }

    /// `"key"` then `:`, leaving the position at the value.
    fn key(&mut self) -> Result<(CompactString, Range<usize>), ParseError> {
        self.skip_whitespace();
        if self.peek() != Some(b'"') {
            return Err(self.error(self.pos, "expecting property name enclosed in double quotes"));
        }
        let start = self.pos;
        let key = self.string()?;
        let key_span = start..self.pos;
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(self.error(self.pos, "expecting ':' delimiter"));
        }
        self.pos += 1;
        Ok((key, key_span))
    }

    fn scalar(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        let rest = &self.text[start..];
        let keyword = |word: &[u8]| rest.starts_with(word);
        let value = match self.peek() {
            Some(b'"') => Value::String(self.string()?),
            Some(b'-' | b'0'..=b'9') if !keyword(b"-Infinity") => Value::Number(self.number()?),
            _ => {
                let (word, value): (&[u8], Value) = if keyword(b"null") {
                    (b"null", Value::Null)
                } else if keyword(b"true") {
                    (b"true", Value::Bool(true))
                } else if keyword(b"false") {
                    (b"false", Value::Bool(false))
                } else if keyword(b"NaN") {
                    (b"NaN", Value::Number(Number::new("NaN")))
                } else if keyword(b"Infinity") {
                    (b"Infinity", Value::Number(Number::new("Infinity")))
                } else if keyword(b"-Infinity") {
                    (b"-Infinity", Value::Number(Number::new("-Infinity")))
                } else if rest.is_empty() {
                    return Err(self.error(start, "expecting value, found end of text"));
                } else {
                    return Err(self.error(start, "expecting value"));
                };
                self.pos += word.len();
                value
            }
        };
        Ok(Node { span: start..self.pos, value })
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, the grammar Python's scanner uses.
    fn number(&mut self) -> Result<Number, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error(start, "expecting value")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error(self.pos, "expecting digits after the decimal point"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error(self.pos, "expecting digits in the exponent"));
            }
            self.digits();
        }
        Ok(Number { raw: CompactString::from(self.slice(start, self.pos)) })
    }

    /// Source text between two offsets that sit next to ASCII bytes (quotes, digits, signs),
    /// hence on character boundaries; empty if that were ever not so.
    fn slice(&self, start: usize, end: usize) -> &'t str {
        self.source.get(start..end).unwrap_or_default()
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    /// A string literal starting at the opening quote; returns the decoded text.
    fn string(&mut self) -> Result<CompactString, ParseError> {
        let start = self.pos;
        self.pos += 1;
        let mut has_escapes = false;
        loop {
            // Jump over the plain bytes in one tight loop; only the bytes that end the run
            // (quote, backslash, control character) need a decision.
            self.pos += plain_run(self.text.get(self.pos..).unwrap_or_default());
            match self.peek() {
                None => return Err(self.error(start, "unterminated string")),
                Some(b'"') => break,
                Some(b'\\') => {
                    has_escapes = true;
                    let escape_at = self.pos;
                    self.pos += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.pos += 1,
                        Some(b'u') => {
                            let hex = self.text.get(self.pos + 1..self.pos + 5);
                            if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
                                return Err(self.error(escape_at, "invalid \\uXXXX escape"));
                            }
                            self.pos += 5;
                        }
                        _ => return Err(self.error(escape_at, "invalid \\escape")),
                    }
                }
                Some(byte) if byte < 0x20 => {
                    return Err(self.error(self.pos, "invalid control character in string"));
                }
                Some(_) => self.pos += 1,
            }
        }
        let inner = self.slice(start + 1, self.pos);
        self.pos += 1;
        if !has_escapes {
            return Ok(CompactString::from(inner));
        }
        let mut decoded = CompactString::with_capacity(inner.len());
        decode_escapes(inner, |unit| match unit {
            StringUnit::Char(c) => decoded.push(c),
            StringUnit::LoneSurrogate(_) => decoded.push(char::REPLACEMENT_CHARACTER),
        });
        Ok(decoded)
    }
}

/// The length of the run of bytes at the start of `bytes` that a string literal takes as they
/// are: everything but `"`, `\` and control characters. Eight bytes at a time (SWAR): string
/// scanning is most of parsing a config, and a byte-by-byte loop was its largest single cost.
fn plain_run(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in chunks.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        // A byte's high bit is set in `zero_of(v)` if that byte of `v` is zero; a borrow can
        // only mark bytes above a true zero, so the lowest mark is exact. Bytes >= 0x80 are
        // excluded by `!word`, so UTF-8 never matches `< 0x20`.
        let zero_of = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
        let found = zero_of(word ^ (ONES * u64::from(b'"')))
            | zero_of(word ^ (ONES * u64::from(b'\\')))
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGH);
        if found != 0 {
            return offset + (found.trailing_zeros() / 8) as usize;
        }
        offset += 8;
    }
    let rest = chunks.remainder();
    offset + rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(rest.len())
}

/// One decoded piece of a string literal. Lone surrogates are kept apart so that renderers
/// can write them back as `\udXXX`, exactly as Python would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StringUnit {
    Char(char),
    LoneSurrogate(u16),
}

/// Decodes the text between the quotes of a literal the scanner has validated. Malformed
/// escapes (only possible for text that did not come from the scanner) pass through as-is.
pub(crate) fn decode_escapes(inner: &str, mut emit: impl FnMut(StringUnit)) {
    let mut chars = inner.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '\\' {
            emit(StringUnit::Char(c));
            continue;
        }
        let simple = match chars.peek().map(|&(_, next)| next) {
            Some('"') => Some('"'),
            Some('\\') => Some('\\'),
            Some('/') => Some('/'),
            Some('b') => Some('\u{8}'),
            Some('f') => Some('\u{c}'),
            Some('n') => Some('\n'),
            Some('r') => Some('\r'),
            Some('t') => Some('\t'),
            _ => None,
        };
        if let Some(decoded) = simple {
            chars.next();
            emit(StringUnit::Char(decoded));
            continue;
        }
        let Some(unit) = hex4(inner, at + 2).filter(|_| inner[at + 1..].starts_with('u')) else {
            emit(StringUnit::Char('\\'));
            continue;
        };
        // Consume 'u' and the four hex digits.
        for _ in 0..5 {
            chars.next();
        }
        if (0xD800..0xDC00).contains(&unit) {
            let low = inner[at + 6..]
                .starts_with("\\u")
                .then(|| hex4(inner, at + 8))
                .flatten()
                .filter(|low| (0xDC00..0xE000).contains(low));
            if let Some(low) = low {
                for _ in 0..6 {
                    chars.next();
                }
                let combined = 0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                emit(StringUnit::Char(char::from_u32(combined).unwrap_or(char::REPLACEMENT_CHARACTER)));
                continue;
            }
            emit(StringUnit::LoneSurrogate(unit));
        } else if (0xDC00..0xE000).contains(&unit) {
            emit(StringUnit::LoneSurrogate(unit));
        } else {
            emit(StringUnit::Char(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)));
        }
    }
}

/// Four hex digits at byte offset `at`, if present.
fn hex4(text: &str, at: usize) -> Option<u16> {
    let digits = text.get(at..at + 4)?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
#[path = "scan_tests.rs"]
mod tests;
