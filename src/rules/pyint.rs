//! Lines of a vocabulary file as Keras reads them, and Python's `int()` / `float()` grammar
//! for one line, so that INT007 flags exactly the lines `int(line)` refuses and nothing else.
//!
//! Keras opens the file in text mode (universal newlines: `\r\n` and `\r` read as `\n`).
//! Keras 3 then takes `f.read().splitlines()` and drops trailing empty lines
//! (keras/src/layers/preprocessing/index_lookup.py `load_assets`); tf-keras takes
//! `f.read().split("\n")` and keeps them (tf_keras/src/layers/preprocessing/index_lookup.py).
//! Lines are therefore split here on `\n`, `\r\n` and `\r`, which both agree on; a line holding
//! another separator `splitlines` knows (`\v`, `\f`, `\x1c`-`\x1e`) or any non-ASCII character
//! (`int()` accepts Unicode digits and spaces) is not judged at all, and trailing empty lines are
//! not lines (as in Keras 3).
//!
//! `int(text)` in base 10 (CPython `PyLong_FromUnicodeObject`) strips ASCII whitespace, takes an
//! optional sign, then decimal digits where single underscores may separate digits; leading
//! zeros are allowed (`int("007") == 7`). Checked against CPython 3.11:
//! `int(" +1_000 ")` is 1000; `int("1__0")`, `int("_1")`, `int("1_")`, `int("10.0")`,
//! `int("1e1")`, `int("")` and `int("\x1f5")` raise ValueError.

use std::ops::Range;

/// One line: its 1-based number and the byte range of its text (terminator excluded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub number: usize,
    pub range: Range<usize>,
}

/// The lines of `text`, trailing empty lines left out.
pub fn lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'\n' | b'\r' => {
                out.push(Line { number: out.len() + 1, range: start..at });
                at += if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') { 2 } else { 1 };
                start = at;
            }
            _ => at += 1,
        }
    }
    out.push(Line { number: out.len() + 1, range: start..bytes.len() });
    while out.last().is_some_and(|l| l.range.is_empty()) {
        out.pop();
    }
    out
}

/// Whether both Keras versions see `line` as one line and `int()` reads it the way the ASCII
/// grammar below does.
pub fn judgeable(line: &str) -> bool {
    line.is_ascii() && !line.bytes().any(|b| matches!(b, 0x0b | 0x0c | 0x1c..=0x1e))
}

/// The text `int()` and `float()` read, without the whitespace they strip that can be inside a
/// judgeable line, and its offset in `line`.
pub fn strip(line: &str) -> (usize, &str) {
    let start = line.trim_start_matches([' ', '\t']);
    (line.len() - start.len(), start.trim_end_matches([' ', '\t']))
}

/// What Python makes of a judgeable line's stripped text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reading {
    /// `int()` accepts it; the value when it fits in 64 bits.
    Int(Option<i64>),
    /// `int()` refuses it, `float()` reads it (`10.0`, `1e1`, `inf`).
    Float,
    /// Neither (`abc`, `1__0`, an empty line).
    Other,
}

pub fn read(text: &str) -> Reading {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digit_run(unsigned) {
        return Reading::Int(text.replace('_', "").parse::<i64>().ok());
    }
    let special = unsigned.to_ascii_lowercase();
    if matches!(special.as_str(), "inf" | "infinity" | "nan") || float_body(unsigned) {
        Reading::Float
    } else {
        Reading::Other
    }
}

/// Digits, single underscores only between two digits; not empty.
fn digit_run(text: &str) -> bool {
    !text.is_empty()
        && text.split('_').all(|group| !group.is_empty() && group.bytes().all(|b| b.is_ascii_digit()))
}

/// Python's float literal without its sign: `10.0`, `10.`, `.5`, `1e1`, `1.0E+01`, `1_0.0`.
fn float_body(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => match (whole.is_empty(), fraction.is_empty()) {
            (true, true) => false,
            (true, false) => digit_run(fraction),
            (false, true) => digit_run(whole),
            (false, false) => digit_run(whole) && digit_run(fraction),
        },
        None => digit_run(mantissa),
    };
    mantissa_ok && exponent.is_none_or(|e| digit_run(e.strip_prefix(['+', '-']).unwrap_or(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_like_universal_newlines_and_drop_trailing_empty_lines() {
        let ranges = |text: &str| lines(text).into_iter().map(|l| (l.number, l.range)).collect::<Vec<_>>();
        assert_eq!(ranges("-1\n10\n20"), [(1, 0..2), (2, 3..5), (3, 6..8)]);
        assert_eq!(ranges("1\r\n2\r3\n\n"), [(1, 0..1), (2, 3..4), (3, 5..6)]);
        assert_eq!(ranges("1\n\n2"), [(1, 0..1), (2, 2..2), (3, 3..4)]);
        assert_eq!(ranges(""), []);
    }

    #[test]
    fn int_accepts_what_python_accepts() {
        for text in ["10", "+10", "-10", "1_000", "007", "0_0", "99999999999999999999"] {
            assert!(matches!(read(text), Reading::Int(_)), "{text}");
        }
        assert_eq!(read("-1_0"), Reading::Int(Some(-10)));
        assert_eq!(read("99999999999999999999"), Reading::Int(None));
        for text in ["10.0", "1e1", "1.000000000000000000e+01", "-0.0", "10.", ".5", "1_0.0", "inf", "-NaN"] {
            assert_eq!(read(text), Reading::Float, "{text}");
        }
        for text in ["", "_1", "1_", "1__0", "+_1", "+-1", "0x10", "1 0", "abc", ".", "1e", "e1", "1.0.0"] {
            assert_eq!(read(text), Reading::Other, "{text}");
        }
    }

    #[test]
    fn only_plain_ascii_lines_are_judged() {
        assert!(judgeable(" 10\t") && judgeable("10.0") && judgeable(""));
        assert!(!judgeable("١٢") && !judgeable("5\u{a0}") && !judgeable("5\x0b") && !judgeable("\x1c5"));
        assert_eq!(strip(" \t10 "), (2, "10"));
    }
}
