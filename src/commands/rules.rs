//! `kerasfix rules` and `kerasfix rule CODE`: the rule table and each rule's documentation.

use std::io::Write;

use anyhow::{Result, anyhow};

use crate::exit::ExitStatus;
use crate::rules;

pub fn list() -> Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    let width = rules::all_rules().iter().map(|r| r.name.len()).max().unwrap_or(0);
    writeln!(out, "{:7}  {:width$}  {:8}  {:9}  summary", "code", "name", "severity", "fix")?;
    for rule in rules::all_rules() {
        writeln!(
            out,
            "{:7}  {:width$}  {:8}  {:9}  {}",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.fix_availability.as_str(),
            rule.summary
        )?;
    }
    Ok(ExitStatus::Success)
}

pub fn explain(code: &str) -> Result<ExitStatus> {
    let rule = rules::rule(code).ok_or_else(|| anyhow!("unknown rule `{code}` (see `kerasfix rules`)"))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "# {} ({})\n", rule.name, rule.code)?;
    writeln!(
        out,
        "Severity: {}. Fix is {} available.\n",
        rule.severity.as_str(),
        rule.fix_availability.as_str()
    )?;
    writeln!(out, "{}", rule.doc.trim_end())?;
    Ok(ExitStatus::Success)
}
