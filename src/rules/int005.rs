//! INT005 integer-out-of-range: an integral value Keras cannot hold in a 64-bit integer.

use crate::schema::Site;

use super::analyze::Verdict;
use super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, finding};

pub(super) const INFO: RuleInfo = RuleInfo {
    code: "INT005",
    name: "integer-out-of-range",
    summary: "Integer field value outside the 64-bit range",
    doc: "## What it does
Finds an integral value in an integer field that does not fit in a signed 64-bit integer:
`1e300`, `99999999999999999999`, or such a number written as a string.

## Why is this bad?
No layer dimension, index or seed is that large; the value is corrupt, and rewriting it as an
integer literal would only hide that. TensorFlow and numpy also reject it as a shape or seed.

## Example
```json
{\"class_name\": \"Embedding\", \"config\": {\"input_dim\": 1e300}}
```

## Fix safety
No fix is offered.",
    fix_availability: FixAvailability::Never,
    severity: Severity::Error,
};

pub(super) fn check(verdict: &Verdict, site: &Site<'_>, src: &[u8]) -> Option<Finding> {
    if *verdict != Verdict::OutOfRange {
        return None;
    }
    Some(finding(
        &INFO,
        site,
        src,
        format!(
            "`{}` is an integer field; {} is outside the 64-bit integer range",
            site.field,
            String::from_utf8_lossy(site.node.raw(src))
        ),
        None,
    ))
}
