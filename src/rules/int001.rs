//! INT001 integral-float: `64.0` where Keras wants the integer 64.

use crate::schema::Site;

use super::analyze::Verdict;
use super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, Safety, finding};

pub(super) const INFO: RuleInfo = RuleInfo {
    code: "INT001",
    name: "integral-float",
    summary: "Integral float in an integer field",
    doc: "## What it does
Finds a float literal with an integral value (`64.0`, `6.4e1`, `-0.0`) in a config field that
Keras defines as an integer, integer tuple, shape or graph index.

## Why is this bad?
Keras 3 refuses such configs: `Dense(units=64.0)` raises \"expected a positive integer\", and
`Conv2D(kernel_size=[3.0, 3.0])` fails at build with \"Cannot convert '(3.0, 3.0)' to a shape\".
The floats usually come from a JSON round trip through a tool that has only one number type, or
from numpy casts.

## Example
```json
{\"class_name\": \"Dense\", \"config\": {\"units\": 64.0}}
```
Use instead:
```json
{\"class_name\": \"Dense\", \"config\": {\"units\": 64}}
```

## Fix safety
Safe: the value is unchanged, only its spelling is, and it is spelled as Keras writes it.
Fields where a float is meant (`rate`, `epsilon`, `momentum`, Discretization `bin_boundaries`)
are never touched.",
    fix_availability: FixAvailability::Always,
    severity: Severity::Error,
};

pub(super) fn check(verdict: &Verdict, site: &Site<'_>, src: &[u8]) -> Option<Finding> {
    let Verdict::IntegralFloat(v) = verdict else { return None };
    Some(finding(
        &INFO,
        site,
        src,
        format!("`{}` is an integer field; found the float `{}`", site.field, old(site, src)),
        Some((v.to_string(), Safety::Safe)),
    ))
}

fn old(site: &Site<'_>, src: &[u8]) -> String {
    String::from_utf8_lossy(site.node.raw(src)).into_owned()
}
