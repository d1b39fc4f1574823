//! `--select` / `--ignore` resolved against the code table with ruff's semantics: a selector is
//! `ALL`, a code, or a code prefix (`INT`, `INT00`); for each rule the most specific matching
//! selector decides, and on a tie `ignore` wins. Unknown selectors are an error, not a no-op,
//! so that a typo cannot silently disable checking.

use super::codes::all_rules;

/// Which rules are enabled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    enabled: Vec<&'static str>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SelectionError {
    #[error(
        "unknown rule selector `{0}` (expected ALL, a rule code such as INT001, or a prefix such as INT)"
    )]
    Unknown(String),
}

impl Default for Selection {
    /// Every rule.
    fn default() -> Self {
        Selection { enabled: all_rules().iter().map(|r| r.code).collect() }
    }
}

impl Selection {
    /// `select` empty means `ALL`.
    pub fn new(select: &[String], ignore: &[String]) -> Result<Selection, SelectionError> {
        for selector in select.iter().chain(ignore) {
            specificity(selector, "INT000").map_err(|_| SelectionError::Unknown(selector.clone()))?;
            if selector != "ALL" && !all_rules().iter().any(|r| r.code.starts_with(selector.as_str())) {
                return Err(SelectionError::Unknown(selector.clone()));
            }
        }
        let all = [String::from("ALL")];
        let select = if select.is_empty() { &all[..] } else { select };
        let best = |selectors: &[String], code: &str| {
            selectors.iter().filter_map(|s| specificity(s, code).ok().flatten()).max()
        };
        let enabled = all_rules()
            .iter()
            .filter(|r| match (best(select, r.code), best(ignore, r.code)) {
                (Some(s), Some(i)) => s > i,
                (Some(_), None) => true,
                _ => false,
            })
            .map(|r| r.code)
            .collect();
        Ok(Selection { enabled })
    }

    pub fn is_enabled(&self, code: &str) -> bool {
        self.enabled.contains(&code)
    }

    /// Enabled codes, in code order.
    pub fn codes(&self) -> &[&'static str] {
        &self.enabled
    }
}

/// How specifically `selector` matches `code`: `None` if it does not; `ALL` counts as 0,
/// otherwise the prefix length. `Err` for a selector that is not well-formed.
fn specificity(selector: &str, code: &str) -> Result<Option<usize>, ()> {
    if selector == "ALL" {
        return Ok(Some(0));
    }
    if selector.is_empty() || !selector.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
        return Err(());
    }
    Ok(code.starts_with(selector).then_some(selector.len()))
}
