//! INT004 non-integral-number: `64.5` where Keras wants an integer; there is no right fix.

use crate::schema::Site;

use super::analyze::Verdict;
use super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, finding};

pub(super) const INFO: RuleInfo = RuleInfo {
    code: "INT004",
    name: "non-integral-number",
    summary: "Non-integral number in an integer field",
    doc: "## What it does
Finds a number with a fractional part, or `NaN` / `Infinity`, in a field that Keras defines as
an integer (also when written as a string, `\"64.5\"`).

## Why is this bad?
Keras cannot load it, and unlike `64.0` there is no value that is certainly the one intended:
`64.5` might have been 64, 65 or a corrupted byte.

## Example
```json
{\"class_name\": \"Dense\", \"config\": {\"units\": 64.5}}
```

## Fix safety
No fix is offered; edit the value by hand (`kerasfix set`).",
    fix_availability: FixAvailability::Never,
    severity: Severity::Error,
};

pub(super) fn check(verdict: &Verdict, site: &Site<'_>, src: &[u8]) -> Option<Finding> {
    if *verdict != Verdict::NonIntegral {
        return None;
    }
    Some(finding(
        &INFO,
        site,
        src,
        format!(
            "`{}` is an integer field; found {}, which is not an integer",
            site.field,
            String::from_utf8_lossy(site.node.raw(src))
        ),
        None,
    ))
}
