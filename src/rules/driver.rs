//! The one place fixes are applied: collect the safe fixes of a check, splice them into the
//! original bytes (skipping any that overlap one already taken), re-check, and repeat until
//! nothing changes. A JSON result that no longer parses is refused rather than returned.

use crate::json::{self, Edit, Node, ParseError};

use super::{Finding, PartKind, Safety, Settings, check, check_vocabulary};

/// Passes before giving up on convergence; each pass fixes every non-overlapping finding, and
/// integer fixes never create new findings, so more than two passes means a bug.
const MAX_PASSES: usize = 10;

/// The result of [`fix`].
#[derive(Debug)]
pub struct FixOutcome {
    /// The document after all applied fixes (identical to the input when nothing applied).
    pub text: Vec<u8>,
    /// Findings whose fix was applied, in the order applied.
    pub applied: Vec<Finding>,
    /// Findings left in the fixed text (no fix, an unsafe fix, or disabled by nothing).
    pub remaining: Vec<Finding>,
}

#[derive(Debug, thiserror::Error)]
pub enum FixError {
    #[error("the JSON could not be parsed: {0}")]
    Parse(#[from] ParseError),
    #[error("could not apply fixes: {0}")]
    Edit(#[from] json::EditError),
    #[error("applying fixes produced invalid JSON ({0}); nothing was changed")]
    Broken(ParseError),
}

/// Apply every safe fix of the enabled rules until the document is stable.
pub fn fix(part: PartKind, src: &[u8], settings: &Settings) -> Result<FixOutcome, FixError> {
    fix_parsed(part, src, &json::parse(src)?, settings)
}

/// [`fix`] for a document the caller has parsed already (`root` is `src` parsed): the first
/// pass uses it, so a batch parses each part once to check it and once per fixing pass.
pub fn fix_parsed(
    part: PartKind,
    src: &[u8],
    root: &Node,
    settings: &Settings,
) -> Result<FixOutcome, FixError> {
    converge(src, |text, original| {
        if original {
            return Ok(check(part, text, root, settings));
        }
        let root = json::parse(text).map_err(FixError::Broken)?;
        Ok(check(part, text, &root, settings))
    })
}

/// The same for an IntegerLookup vocabulary asset (plain text: nothing to re-parse).
pub fn fix_vocabulary(src: &[u8], settings: &Settings) -> Result<FixOutcome, FixError> {
    converge(src, |text, _| Ok(check_vocabulary(text, settings)))
}

/// The fix loop every kind of part shares: `findings_of(text, original)` checks a text (the
/// original first, then each fixed version); safe, non-overlapping fixes are spliced in until
/// none is left.
fn converge(
    src: &[u8],
    mut findings_of: impl FnMut(&[u8], bool) -> Result<Vec<Finding>, FixError>,
) -> Result<FixOutcome, FixError> {
    let mut text = src.to_vec();
    let mut findings = findings_of(&text, true)?;
    let mut applied = Vec::new();
    for _ in 0..MAX_PASSES {
        let mut taken: Vec<Finding> = Vec::new();
        let mut left: Vec<Finding> = Vec::new();
        let mut edits: Vec<Edit> = Vec::new();
        for finding in findings {
            let Some(fix) = finding.fix.as_ref().filter(|f| f.safety == Safety::Safe) else {
                left.push(finding);
                continue;
            };
            let overlaps = fix
                .edits
                .iter()
                .any(|e| edits.iter().any(|t| e.range.start < t.range.end && t.range.start < e.range.end));
            if overlaps {
                left.push(finding);
                continue;
            }
            edits.extend(fix.edits.iter().cloned());
            taken.push(finding);
        }
        if taken.is_empty() {
            return Ok(FixOutcome { remaining: left, text, applied });
        }
        text = json::apply_edits(&text, &edits)?;
        applied.extend(taken);
        findings = findings_of(&text, false)?;
    }
    Ok(FixOutcome { text, applied, remaining: findings })
}
