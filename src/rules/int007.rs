//! INT007 vocabulary-asset-line: a line of an IntegerLookup's `vocabulary.txt` asset that
//! Python's `int()` refuses, so Keras cannot load the model.
//!
//! Unlike the other integer rules this one reads a text file, not JSON: which files are judged
//! is decided by [`super::vocabulary_owners`], how a line reads by [`super::pyint`].

use crate::json::Edit;

use super::codes::{FixAvailability, RuleInfo, Severity};
use super::pyint::{self, Reading};
use super::pyrepr::{Scalar, parse_scalar};
use super::{Finding, Fix, Safety};

pub(super) const INFO: RuleInfo = RuleInfo {
    code: "INT007",
    name: "vocabulary-asset-line",
    summary: "IntegerLookup vocabulary asset line that Python's int() refuses",
    doc: "## What it does
Reads the `vocabulary.txt` asset of every adapted IntegerLookup in a `.keras` archive (zip or
unzipped directory), e.g. `assets/layers/integer_lookup_1/vocabulary.txt`, and reports each
line that Python's `int()` refuses: integral floats (`10.0`, `1e1`, numpy `savetxt`'s
`1.000000000000000000e+01`, `-0.0`), non-integral numbers (`10.5`, `nan`), integers outside
the 64-bit range, and anything else (`abc`, an empty line between two entries).

A layer adapted with `adapt()` keeps its vocabulary in that file, one term a line, not in
`config.json`. The folder is named after the layer's class in the model's layer list
(`integer_lookup`, `integer_lookup_1`, ...; nested models below `layers/functional/...`), not
after the layer's `name`; kerasfix reproduces those names from `config.json` and judges only
the files of built-in IntegerLookup layers without an inline `vocabulary`. StringLookup and
TextVectorization vocabularies are strings and are never read, even when they hold `\"0\"`,
`\"1\"`; neither is an IntegerLookup held by a custom layer.

## Why is this bad?
Keras reads the file back with `int(line)` (keras/src/layers/preprocessing/index_lookup.py
`load_assets`), so `load_model` fails: Keras 3 with \"A total of 1 objects could not be
loaded\", tf-keras with \"invalid literal for int() with base 10: '10.0'\". The floats come from
rewriting the file with numpy (`np.savetxt`) or pandas, or from a vocabulary that was a float
array when it was adapted and was cast afterwards.

## Example
`assets/layers/integer_lookup/vocabulary.txt`:
```text
-1
10.0
1.000000000000000000e+01
```
Use instead:
```text
-1
10
10
```

## Fix safety
Safe, for integral floats only: the line gets the integer `str()` would have written, and only
the bytes of that number change (surrounding spaces, line endings and every other line stay as
they are). Other findings have no fix: the intended integer is unknown. What `int()` accepts is
never reported (`+10`, ` 10 `, `1_000`, `007`), nor are lines with non-ASCII characters (Python
accepts Unicode digits and spaces). Trailing empty lines are not reported: Keras 3 drops them,
although tf-keras, which splits on `\\n` and keeps them, fails on a final newline.",
    fix_availability: FixAvailability::Sometimes,
    severity: Severity::Error,
};

/// Every line of one integer vocabulary asset that `int()` refuses. A file that is not UTF-8
/// is not judged: Keras fails on it before reading any integer, and no line can be named.
pub(super) fn check(text: &[u8]) -> Vec<Finding> {
    let Ok(text) = std::str::from_utf8(text) else { return Vec::new() };
    let mut out = Vec::new();
    for line in pyint::lines(text) {
        let content = &text[line.range.clone()];
        if !pyint::judgeable(content) {
            continue;
        }
        let (offset, token) = pyint::strip(content);
        let start = line.range.start + offset;
        let problem = match pyint::read(token) {
            Reading::Int(Some(_)) => continue,
            Reading::Int(None) => Problem::OutOfRange,
            Reading::Float => match parse_scalar(token) {
                Some(Scalar::Int(value)) => Problem::IntegralFloat(value),
                Some(Scalar::OutOfRange) => Problem::OutOfRange,
                _ => Problem::NonIntegral,
            },
            Reading::Other => Problem::NotANumber,
        };
        out.push(finding(line.number, token, start..start + token.len(), problem));
    }
    out
}

enum Problem {
    IntegralFloat(i64),
    NonIntegral,
    OutOfRange,
    NotANumber,
}

fn finding(number: usize, token: &str, range: std::ops::Range<usize>, problem: Problem) -> Finding {
    let message = match problem {
        Problem::IntegralFloat(_) => {
            format!("IntegerLookup vocabulary holds the float `{token}`; Python's int() refuses it")
        }
        Problem::NonIntegral => format!("IntegerLookup vocabulary holds `{token}`, which is not an integer"),
        Problem::OutOfRange => {
            format!("IntegerLookup vocabulary holds `{token}`, outside the 64-bit integer range")
        }
        Problem::NotANumber if token.is_empty() => {
            "IntegerLookup vocabulary has an empty line; Python's int() refuses it".to_string()
        }
        Problem::NotANumber => {
            format!("IntegerLookup vocabulary holds `{token}`, which Python's int() refuses")
        }
    };
    let fix = match problem {
        Problem::IntegralFloat(value) => {
            let new = value.to_string();
            Some(Fix { edits: vec![Edit { range, replacement: new.clone() }], safety: Safety::Safe, new })
        }
        _ => None,
    };
    Finding {
        code: INFO.code,
        name: INFO.name,
        pointer: format!("line {number}"),
        message,
        old: token.to_string(),
        fix,
        severity: INFO.severity,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixes(text: &str) -> Vec<(String, String, Option<String>)> {
        check(text.as_bytes()).into_iter().map(|f| (f.pointer, f.old, f.fix.map(|x| x.new))).collect()
    }

    #[test]
    fn integral_floats_are_fixed_and_the_rest_reported() {
        let text =
            "-1\n10.0\n 1.000000000000000000e+01\r\n-0.0\n10.5\n1e30\n99999999999999999999\n\nabc\n+1_0\n";
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            fixes(text),
            [
                ("line 2".into(), "10.0".into(), some("10")),
                ("line 3".into(), "1.000000000000000000e+01".into(), some("10")),
                ("line 4".into(), "-0.0".into(), some("0")),
                ("line 5".into(), "10.5".into(), None),
                ("line 6".into(), "1e30".into(), None),
                ("line 7".into(), "99999999999999999999".into(), None),
                ("line 8".into(), "".into(), None),
                ("line 9".into(), "abc".into(), None),
            ]
        );
    }

    #[test]
    fn edits_cover_only_the_number() {
        let text = "-1\n 10.0\t\r\n20";
        let findings = check(text.as_bytes());
        let edits = &findings[0].fix.as_ref().expect("fix").edits;
        assert_eq!(edits[0].range, 4..8);
        assert_eq!(crate::json::apply_edits(text.as_bytes(), edits).ok(), Some(b"-1\n 10\t\r\n20".to_vec()));
    }

    #[test]
    fn what_keras_accepts_or_cannot_be_judged_is_not_reported() {
        for text in
            ["-1\n10\n20", "+10\n 10 \n1_000\n007\n", "10\n\n\n", "١٠\n", "10.0\u{a0}", "10\x0b.0", ""]
        {
            assert!(check(text.as_bytes()).is_empty(), "{text:?}");
        }
        assert!(check(b"\xff10.0").is_empty());
    }
}
