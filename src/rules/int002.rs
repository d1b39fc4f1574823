//! INT002 numeric-string: `"64"` where Keras wants the integer 64.

use crate::schema::Site;

use super::analyze::Verdict;
use super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, Safety, finding};

pub(super) const INFO: RuleInfo = RuleInfo {
    code: "INT002",
    name: "numeric-string",
    summary: "Integer written as a string",
    doc: "## What it does
Finds a string holding one integral number (`\"64\"`, `\"64.0\"`, `\"np.int64(64)\"`) in a config
field that Keras defines as an integer.

## Why is this bad?
Keras raises on a string where it expects an integer (`units=\"64\"`). Such strings come from
`json.dumps(default=str)` applied to numpy scalars, or from editing configs in tools that
quote every value.

Strings that are meant to be strings are never reported: layer names such as `\"64\"`,
StringLookup vocabularies such as `[\"0\", \"1\"]`, `dtype`, Conv `padding`.

## Example
```json
{\"class_name\": \"RepeatVector\", \"config\": {\"n\": \"3\"}}
```
Use instead:
```json
{\"class_name\": \"RepeatVector\", \"config\": {\"n\": 3}}
```

## Fix safety
Safe: the number is the one the string spells, written as Keras writes integers.",
    fix_availability: FixAvailability::Always,
    severity: Severity::Error,
};

pub(super) fn check(verdict: &Verdict, site: &Site<'_>, src: &[u8]) -> Option<Finding> {
    let Verdict::NumericString(v) = verdict else { return None };
    Some(finding(
        &INFO,
        site,
        src,
        format!(
            "`{}` is an integer field; found the string {}",
            site.field,
            String::from_utf8_lossy(site.node.raw(src))
        ),
        Some((v.to_string(), Safety::Safe)),
    ))
}
