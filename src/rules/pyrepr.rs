//! Reads the text that Python's `str()` / `repr()` and numpy leave behind when an integer or a
//! sequence of integers went through `json.dumps(default=str)` or a string column:
//! `"64"`, `"64.0"`, `"np.int64(64)"`, `"(8, 64)"`, `"(None, 8, 64)"`, `"range(0, 64)"`,
//! `"[ 0  1  2  3]"`, `"[[1 2]\n [3 4]]"`, `"array([1, 2])"`, and renders the integers back the
//! way Keras's `json.dumps` would have written them (`[null, 8, 64]`).

use crate::json::Number;

/// A scalar read from a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scalar {
    Int(i64),
    /// A finite number with a fractional part, or NaN / infinity.
    NonIntegral,
    /// Integral but outside i64.
    OutOfRange,
}

/// One element of a parsed sequence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Int(i64),
    Null,
    List(Vec<Item>),
    Bad(Scalar),
}

/// What a string turned out to hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    Scalar(Scalar),
    Sequence(Vec<Item>),
    /// A numpy summary with `...`: the elided values are gone.
    Elided,
    /// Anything else (a path, a word): not ours to touch.
    Other,
}

/// Longest `range(...)` expanded; longer ones are reported without a fix.
const MAX_RANGE: i128 = 1_000_000;

/// Read a string that may hold a damaged integer or integer sequence.
pub fn parse(text: &str) -> Parsed {
    let trimmed = text.trim();
    if let Some(scalar) = parse_scalar(trimmed) {
        return Parsed::Scalar(scalar);
    }
    let mut p = Parser { s: trimmed.as_bytes(), pos: 0, elided: false };
    match p.value() {
        Some(Item::List(items)) if p.at_end() => {
            if p.elided {
                Parsed::Elided
            } else {
                Parsed::Sequence(items)
            }
        }
        _ => Parsed::Other,
    }
}

/// A Python / numpy number literal, optionally wrapped as `np.int64(..)` / `numpy.float32(..)`.
pub fn parse_scalar(text: &str) -> Option<Scalar> {
    let inner = unwrap_numpy_scalar(text).unwrap_or(text).trim();
    match inner {
        "nan" | "NaN" | "inf" | "-inf" | "Infinity" | "-Infinity" => return Some(Scalar::NonIntegral),
        _ => {}
    }
    Some(number_scalar(&Number::new(normalize_number(inner)?)))
}

/// What a JSON number literal is as an integer. JSON's number syntax is already Python's, so
/// a literal parsed from the document needs none of [`parse_scalar`]'s normalization (and its
/// allocations, once per float at an integer site): its exact value is read from its digits.
pub fn number_scalar(number: &Number) -> Scalar {
    if matches!(number.raw.as_str(), "NaN" | "Infinity" | "-Infinity") {
        return Scalar::NonIntegral;
    }
    if let Some(v) = number.integral_value() {
        return Scalar::Int(v);
    }
    let f = number.as_f64();
    if !f.is_finite() || f.fract() == 0.0 { Scalar::OutOfRange } else { Scalar::NonIntegral }
}

fn unwrap_numpy_scalar(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("np.").or_else(|| text.strip_prefix("numpy."))?;
    let open = rest.find('(')?;
    let name = &rest[..open];
    if !(name.starts_with("int") || name.starts_with("uint") || name.starts_with("float")) {
        return None;
    }
    rest[open + 1..].strip_suffix(')')
}

/// Python accepts `+5`, `5.`, `.5`, `1_000`; turn them into JSON number syntax or reject.
fn normalize_number(text: &str) -> Option<String> {
    let (sign, body) = match text.as_bytes().first()? {
        b'-' => ("-", &text[1..]),
        b'+' => ("", &text[1..]),
        _ => ("", text),
    };
    let body = body.replace('_', "");
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body.as_str(), None),
    };
    let (int_part, frac_part) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int_part)
        || !frac_part.is_none_or(digits)
        || (int_part.is_empty() && frac_part.is_none_or(str::is_empty))
    {
        return None;
    }
    let mut out = String::from(sign);
    out.push_str(if int_part.is_empty() { "0" } else { int_part });
    if let Some(f) = frac_part.filter(|f| !f.is_empty()) {
        out.push('.');
        out.push_str(f);
    }
    if let Some(e) = exponent {
        let e_digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        if e_digits.is_empty() || !digits(e_digits) {
            return None;
        }
        out.push('e');
        out.push_str(e);
    }
    Some(out)
}

struct Parser<'s> {
    s: &'s [u8],
    pos: usize,
    elided: bool,
}

impl Parser<'_> {
    fn at_end(&mut self) -> bool {
        self.skip_ws();
        self.pos == self.s.len()
    }

    fn skip_ws(&mut self) {
        while self.s.get(self.pos).is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip_ws();
        if self.s[self.pos..].starts_with(token.as_bytes()) {
            self.pos += token.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<Item> {
        self.skip_ws();
        if self.eat("[") {
            return self.items(b']');
        }
        if self.eat("(") {
            return self.items(b')');
        }
        if self.eat("range(") {
            return self.range();
        }
        for wrapper in ["np.array(", "numpy.array(", "array(", "TensorShape(", "tuple(", "list("] {
            if self.eat(wrapper) {
                let inner = self.value()?;
                // `array([1, 2], dtype=int64)`: the dtype adds nothing.
                if self.eat(",") {
                    self.eat("dtype=");
                    while self
                        .s
                        .get(self.pos)
                        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.' || *b == b'_')
                    {
                        self.pos += 1;
                    }
                }
                return self.eat(")").then_some(inner);
            }
        }
        if self.eat("None") || self.eat("null") {
            return Some(Item::Null);
        }
        if self.eat("...") {
            self.elided = true;
            return Some(Item::Null);
        }
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(&b) = self.s.get(self.pos) {
            match b {
                b'(' => depth += 1,
                b')' if depth > 0 => depth -= 1,
                b',' | b']' | b')' => break,
                _ if b.is_ascii_whitespace() && depth == 0 => break,
                _ => {}
            }
            self.pos += 1;
        }
        let token = std::str::from_utf8(&self.s[start..self.pos]).ok()?;
        match parse_scalar(token)? {
            Scalar::Int(v) => Some(Item::Int(v)),
            bad => Some(Item::Bad(bad)),
        }
    }

    fn items(&mut self, close: u8) -> Option<Item> {
        let mut items = Vec::new();
        loop {
            self.skip_ws();
            if self.s.get(self.pos) == Some(&close) {
                self.pos += 1;
                return Some(Item::List(items));
            }
            items.push(self.value()?);
            self.eat(",");
        }
    }

    fn range(&mut self) -> Option<Item> {
        let mut args = Vec::new();
        loop {
            match self.value()? {
                Item::Int(v) => args.push(v),
                _ => return None,
            }
            if self.eat(")") {
                break;
            }
            if !self.eat(",") {
                return None;
            }
        }
        let (start, stop, step) = match args[..] {
            [stop] => (0, stop, 1),
            [start, stop] => (start, stop, 1),
            [start, stop, step] if step != 0 => (start, stop, step),
            _ => return None,
        };
        // i128 so that `range(-2**63, 2**63 - 1)` cannot overflow while measuring it.
        let (start, stop, step) = (i128::from(start), i128::from(stop), i128::from(step));
        let span = if step > 0 { stop - start } else { start - stop };
        let len = if span <= 0 { 0 } else { (span + step.abs() - 1) / step.abs() };
        if len > MAX_RANGE {
            return Some(Item::List(vec![Item::Bad(Scalar::OutOfRange)]));
        }
        let items = (0..len)
            .map(|i| i64::try_from(start + i * step).map_or(Item::Bad(Scalar::OutOfRange), Item::Int));
        Some(Item::List(items.collect()))
    }
}

/// Whether every element could be read as an integer or null.
pub fn all_good(items: &[Item]) -> bool {
    items.iter().all(|i| match i {
        Item::List(inner) => all_good(inner),
        Item::Bad(_) => false,
        Item::Int(_) | Item::Null => true,
    })
}

/// `[null, 8, 64]` with Python's default `", "` separator, as Keras writes lists.
pub fn render(items: &[Item]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match item {
            Item::Int(v) => out.push_str(&v.to_string()),
            Item::Null | Item::Bad(_) => out.push_str("null"),
            Item::List(inner) => out.push_str(&render(inner)),
        }
    }
    out.push(']');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut for parsed JSON numbers agrees with the Python-literal path on every kind
    /// of JSON number literal.
    #[test]
    fn json_numbers_judge_alike_through_both_paths() {
        let literals = [
            "64.0",
            "6.4e1",
            "640e-1",
            "-0.0",
            "0.0",
            "1e-07",
            "64.5",
            "1E5",
            "1e+5",
            "-2.5E-3",
            "9007199254740993.0",
            "9223372036854775807.0",
            "9223372036854775808.0",
            "-9223372036854775808.0",
            "1e400",
            "-1e400",
            "1e-400",
            "0e10",
            "123456789012345678901234567890.0",
            "NaN",
            "Infinity",
            "-Infinity",
        ];
        for literal in literals {
            let parsed = crate::json::parse(literal.as_bytes()).expect("a JSON number");
            let number = parsed.as_number().expect("a number");
            assert_eq!(Some(number_scalar(number)), parse_scalar(literal), "{literal}");
        }
    }
}
