//! The one place fixes are applied: collect the safe fixes of a check, splice them into the
//! original bytes (skipping any that overlap one already taken), re-parse, and repeat until
//! nothing changes. A result that no longer parses is refused rather than returned.

use crate::json::{self, Edit, ParseError};

use super::{Finding, PartKind, Safety, Settings, check};

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
    let mut text = src.to_vec();
    let mut root = json::parse(&text)?;
    let mut applied = Vec::new();
    for _ in 0..MAX_PASSES {
        let findings = check(part, &text, &root, settings);
        let mut taken: Vec<Finding> = Vec::new();
        let mut edits: Vec<Edit> = Vec::new();
        for finding in findings {
            let Some(fix) = finding.fix.as_ref().filter(|f| f.safety == Safety::Safe) else { continue };
            let overlaps = fix
                .edits
                .iter()
                .any(|e| edits.iter().any(|t| e.range.start < t.range.end && t.range.start < e.range.end));
            if overlaps {
                continue;
            }
            edits.extend(fix.edits.iter().cloned());
            taken.push(finding);
        }
        if taken.is_empty() {
            return Ok(FixOutcome { remaining: check(part, &text, &root, settings), text, applied });
        }
        let next = json::apply_edits(&text, &edits)?;
        root = json::parse(&next).map_err(FixError::Broken)?;
        text = next;
        applied.extend(taken);
    }
    let remaining = check(part, &text, &root, settings);
    Ok(FixOutcome { text, applied, remaining })
}
