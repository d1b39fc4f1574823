//! The rule engine: a code table, one small file per rule, and a driver that applies fixes.
//!
//! Rules never traverse the config and never write: the schema hands them the integer sites
//! of a document ([`crate::schema::integer_sites`]), [`analyze`] judges each site once, and each
//! rule turns the verdicts that are its own into findings carrying byte-range edits. The one
//! rule on a text asset (INT007, IntegerLookup vocabularies) gets its files from
//! [`integer_vocabulary_assets`] and is run by [`check_vocabulary`] / [`fix_vocabulary`].

mod analyze;
mod codes;
mod compat;
mod driver;
mod int001;
mod int002;
mod int003;
mod int004;
mod int005;
mod int006;
mod int007;
mod pyint;
mod pyrepr;
mod security;
mod selection;
mod vocabulary_owners;

pub use codes::{FixAvailability, RuleInfo, Severity, all_rules, rule};
pub use driver::{FixError, FixOutcome, fix, fix_parsed, fix_vocabulary};
pub use selection::{Selection, SelectionError};
pub use vocabulary_owners::integer_vocabulary_assets;

use crate::json::{Edit, Node};
pub use crate::schema::PartKind;
use crate::schema::{ExtendError, Site, integer_sites_visiting, parse_extra_fields};

/// What to check: the enabled rules and the user's extra integer fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    pub selection: Selection,
    /// `extend-integer-fields` entries (`"MyLayer.num_experts"`, `"*.class_ids"`); see
    /// [`crate::schema::ExtraField`]. Entries that do not parse are skipped by [`check`];
    /// build settings with [`Settings::new`] to have them reported.
    pub extend_integer_fields: Vec<String>,
    /// The library the models must load in (`--target`); cross-version rules apply only then.
    pub target: Option<crate::cli::Target>,
    /// Packages of the user's own code (`allowed-modules`): a `module` under one of them is a
    /// custom object (SEC005), not a foreign reference (SEC003).
    pub allowed_modules: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error(transparent)]
    Selection(#[from] SelectionError),
    #[error(transparent)]
    Extend(#[from] ExtendError),
}

impl Settings {
    /// Checked settings from select / ignore lists and extra integer fields.
    pub fn new(
        select: &[String],
        ignore: &[String],
        extend_integer_fields: Vec<String>,
    ) -> Result<Settings, SettingsError> {
        let selection = Selection::new(select, ignore)?;
        parse_extra_fields(&extend_integer_fields)?;
        Ok(Settings { selection, extend_integer_fields, target: None, allowed_modules: Vec::new() })
    }
}

/// Whether a fix may be applied without asking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Safety {
    Safe,
    Unsafe,
}

/// A fix: byte-range edits against the checked document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub edits: Vec<Edit>,
    pub safety: Safety,
    /// The value's JSON text after the fix (`64`, `[null, 8, 64]`).
    pub new: String,
}

/// One problem found in a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    /// JSON Pointer (RFC 6901) to the offending value.
    pub pointer: String,
    pub message: String,
    /// The value's JSON text as found.
    pub old: String,
    pub fix: Option<Fix>,
    pub severity: Severity,
}

/// A whole embedded document as a document-level rule sees it. Rules that judge structure
/// rather than integer sites (cross-version arguments, foreign modules) take this and use
/// [`crate::schema::walk`] to visit objects, so no rule re-implements traversal.
pub struct Document<'a> {
    pub part: PartKind,
    pub src: &'a [u8],
    pub root: &'a Node,
    pub settings: &'a Settings,
}

/// A document-level rule: all its findings in one document.
type DocumentCheck = fn(&Document<'_>) -> Vec<Finding>;

/// Every document-level rule, in code order. New rule families register here and in the code
/// table (`codes.rs`).
const DOCUMENT_CHECKS: &[DocumentCheck] = &[compat::check];

type RuleCheck = fn(&analyze::Verdict, &Site<'_>, &[u8]) -> Option<Finding>;

/// Every rule's check, in code order (the same order as the code table).
const CHECKS: &[RuleCheck] =
    &[int001::check, int002::check, int003::check, int004::check, int005::check, int006::check];

/// Findings of the enabled rules in one document, in document order.
pub fn check(part: PartKind, src: &[u8], root: &Node, settings: &Settings) -> Vec<Finding> {
    let extra: Vec<_> = settings
        .extend_integer_fields
        .iter()
        .filter_map(|e| crate::schema::ExtraField::parse(e).ok())
        .collect();
    let document = Document { part, src, root, settings };
    // The security rules look at each serialized object during the sites' walk (one traversal
    // instead of two); their findings still come last, as listed in the code table.
    let mut security = Vec::new();
    let sites = integer_sites_visiting(part, root, &extra, &mut |visit| {
        security::visit(visit, &document, &mut security);
    });
    let mut out = Vec::new();
    for site in sites {
        let Some(verdict) = analyze::judge(&site) else { continue };
        for check in CHECKS {
            if let Some(finding) = check(&verdict, &site, src)
                && settings.selection.is_enabled(finding.code)
            {
                out.push(finding);
            }
        }
    }
    for check in DOCUMENT_CHECKS {
        out.extend(check(&document).into_iter().filter(|f| settings.selection.is_enabled(f.code)));
    }
    out.extend(security.into_iter().filter(|f| settings.selection.is_enabled(f.code)));
    out
}

/// Findings of the enabled rules in one IntegerLookup vocabulary asset (one of
/// [`integer_vocabulary_assets`]), in line order.
pub fn check_vocabulary(text: &[u8], settings: &Settings) -> Vec<Finding> {
    if settings.selection.is_enabled(int007::INFO.code) { int007::check(text) } else { Vec::new() }
}

/// Build a finding for `site`; `fix` is the replacement text and its safety.
pub(crate) fn finding(
    info: &'static RuleInfo,
    site: &Site<'_>,
    src: &[u8],
    message: String,
    fix: Option<(String, Safety)>,
) -> Finding {
    Finding {
        code: info.code,
        name: info.name,
        pointer: site.pointer_text(),
        message,
        old: String::from_utf8_lossy(site.node.raw(src)).into_owned(),
        fix: fix.map(|(new, safety)| Fix {
            edits: vec![Edit { range: site.node.span.clone(), replacement: new.clone() }],
            safety,
            new,
        }),
        severity: info.severity,
    }
}
