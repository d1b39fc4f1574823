//! INT003 stringified-sequence: `"(8, 64)"`, `"range(0, 64)"` or numpy's `"[ 0  1  2]"` where
//! Keras wants a list of integers.

use crate::schema::Site;

use super::analyze::Verdict;
use super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, Safety, finding};

pub(super) const INFO: RuleInfo = RuleInfo {
    code: "INT003",
    name: "stringified-sequence",
    summary: "Integer tuple, shape or list written as a string",
    doc: "## What it does
Finds a string holding the Python or numpy text of a sequence of integers in a field that Keras
defines as an integer tuple, shape or integer list: `\"(8, 64)\"`, `\"(None, 8, 64)\"`,
`\"range(0, 64)\"`, `\"[ 0  1  2  3]\"`, `\"array([1, 2])\"`, `\"(np.int64(3), np.int64(3))\"`.

## Why is this bad?
`json.dumps(config, default=str)` turns tuples of numpy integers, ranges and arrays into these
strings; Keras then fails with \"Cannot convert '...' to a shape\" or treats an IntegerLookup
vocabulary as a file path.

## Example
```json
{\"class_name\": \"Reshape\", \"config\": {\"target_shape\": \"(8, 64)\"}}
```
Use instead:
```json
{\"class_name\": \"Reshape\", \"config\": {\"target_shape\": [8, 64]}}
```

## Fix safety
Safe when every element reads as an integer or `None`: the list is written as Keras writes it
(`[null, 8, 64]`, `\", \"` separators). No fix when an element is not an integer, when the field
takes a single integer, or for a `range` longer than a million elements.",
    fix_availability: FixAvailability::Sometimes,
    severity: Severity::Error,
};

pub(super) fn check(verdict: &Verdict, site: &Site<'_>, src: &[u8]) -> Option<Finding> {
    let (fix, why) = match verdict {
        Verdict::SequenceString(list) => (Some((list.clone(), Safety::Safe)), None),
        Verdict::SequenceUnfixable(why) => (None, Some(*why)),
        _ => return None,
    };
    let mut message = format!(
        "`{}` holds a stringified sequence {}",
        site.field,
        String::from_utf8_lossy(site.node.raw(src))
    );
    if let Some(why) = why {
        message.push_str("; not fixable: ");
        message.push_str(why);
    }
    Some(finding(&INFO, site, src, message, fix))
}
