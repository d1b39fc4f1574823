//! INT006 elided-numpy-repr: numpy printed `[0 1 2 ... 61 62 63]`; the middle is gone.

use crate::schema::Site;

use super::analyze::Verdict;
use super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, finding};

pub(super) const INFO: RuleInfo = RuleInfo {
    code: "INT006",
    name: "elided-numpy-repr",
    summary: "Integer sequence stored as an elided numpy summary",
    doc: "## What it does
Finds a string holding numpy's summarized text of a large array, with `...` in place of the
middle elements, in a field that Keras defines as integers.

## Why is this bad?
numpy prints arrays over 1000 elements as `[   0    1    2 ... 1997 1998 1999]`; after
`json.dumps(default=str)` the elided values are lost, so the field cannot be recovered from the
config alone (an IntegerLookup vocabulary, for example).

## Example
```json
{\"class_name\": \"IntegerLookup\", \"config\": {\"vocabulary\": \"[   0    1    2 ... 1997 1998 1999]\"}}
```

## Fix safety
No fix is offered: recreate the value from its source (for a vocabulary, the data it was
adapted on).",
    fix_availability: FixAvailability::Never,
    severity: Severity::Error,
};

pub(super) fn check(verdict: &Verdict, site: &Site<'_>, src: &[u8]) -> Option<Finding> {
    if *verdict != Verdict::Elided {
        return None;
    }
    Some(finding(
        &INFO,
        site,
        src,
        format!("`{}` holds an elided numpy summary; the values replaced by `...` are lost", site.field),
        None,
    ))
}
