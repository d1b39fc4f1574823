//! Judges one integer site: is the value fine, and if not, what exactly is wrong with it and
//! what Keras would have written instead. Each rule then only decides whether the verdict is
//! its own and how to word it.

use crate::json::Value;
use crate::schema::{Expect, Site};

use super::pyrepr::{self, Item, Parsed, Scalar};

/// What is wrong with a site's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A float literal with an integral value: `64.0`, `6.4e1`, `-0.0`.
    IntegralFloat(i64),
    /// A string holding one integer: `"64"`, `"64.0"`, `"np.int64(64)"`.
    NumericString(i64),
    /// A string holding a sequence of integers; the rendered JSON list.
    SequenceString(String),
    /// A string holding a sequence that cannot be fixed here: why.
    SequenceUnfixable(&'static str),
    /// A number (or numeric string) with a fractional part, or NaN / infinity.
    NonIntegral,
    /// An integral number outside i64.
    OutOfRange,
    /// A numpy summary with `...`.
    Elided,
}

/// `None` when the value is acceptable (an integer, null, a boolean left alone, or a string
/// that is not a damaged number).
pub fn judge(site: &Site<'_>) -> Option<Verdict> {
    match &site.node.value {
        Value::Number(n) => {
            if n.is_integer_literal() {
                return n.as_i64().is_none().then_some(Verdict::OutOfRange);
            }
            Some(match pyrepr::number_scalar(n) {
                Scalar::Int(v) => Verdict::IntegralFloat(v),
                Scalar::OutOfRange => Verdict::OutOfRange,
                Scalar::NonIntegral => Verdict::NonIntegral,
            })
        }
        Value::String(s) => judge_string(s, site.expect),
        _ => None,
    }
}

fn judge_string(s: &str, expect: Expect) -> Option<Verdict> {
    match (pyrepr::parse(s), expect) {
        (Parsed::Other, _) => None,
        // A lone number where a whole sequence is expected (a vocabulary file path such as
        // "2024") is not ours to reinterpret.
        (Parsed::Scalar(_), Expect::Seq) => None,
        (Parsed::Scalar(Scalar::Int(v)), _) => Some(Verdict::NumericString(v)),
        (Parsed::Scalar(Scalar::NonIntegral), _) => Some(Verdict::NonIntegral),
        (Parsed::Scalar(Scalar::OutOfRange), _) => Some(Verdict::OutOfRange),
        (Parsed::Elided, _) => Some(Verdict::Elided),
        (Parsed::Sequence(_), Expect::Int) => {
            Some(Verdict::SequenceUnfixable("the field takes a single integer, not a sequence"))
        }
        (Parsed::Sequence(items), _) => Some(if pyrepr::all_good(&items) {
            Verdict::SequenceString(pyrepr::render(&items))
        } else if contains(&items, &Scalar::OutOfRange) {
            Verdict::SequenceUnfixable("it holds a value outside the 64-bit integer range")
        } else {
            Verdict::SequenceUnfixable("it holds a value that is not an integer")
        }),
    }
}

fn contains(items: &[Item], bad: &Scalar) -> bool {
    items.iter().any(|i| match i {
        Item::Bad(b) => b == bad,
        Item::List(inner) => contains(inner, bad),
        _ => false,
    })
}
