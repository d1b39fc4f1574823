//! User-declared integer fields for custom classes (`extend-integer-fields`), parsed once into
//! a checked value so that a typo is reported when settings are read, not silently ignored.
//!
//! Syntax: `Class.field` or `*.field`, optionally with a nested path (`Class.block.width`) and
//! a kind suffix `:int`, `:ints` (int or nested list of ints, the default), `:shape` or
//! `:vocabulary`. `*` matches every class, built-in or not.

use super::kind::FieldKind;

/// One parsed `extend-integer-fields` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraField {
    /// `None` for `*`.
    pub class: Option<String>,
    /// The field and, for nested fields, the keys below it.
    pub path: Vec<String>,
    pub kind: FieldKind,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExtendError {
    #[error("invalid extend-integer-fields entry {entry:?}: expected `Class.field` or `*.field`")]
    Syntax { entry: String },
    #[error(
        "invalid extend-integer-fields entry {entry:?}: unknown kind {kind:?} (expected int, ints, shape or vocabulary)"
    )]
    Kind { entry: String, kind: String },
}

impl ExtraField {
    pub fn parse(entry: &str) -> Result<ExtraField, ExtendError> {
        let syntax = || ExtendError::Syntax { entry: entry.to_owned() };
        let (spec, kind) = match entry.rsplit_once(':') {
            Some((spec, kind)) => (
                spec,
                parse_kind(kind)
                    .ok_or_else(|| ExtendError::Kind { entry: entry.to_owned(), kind: kind.to_owned() })?,
            ),
            None => (entry, FieldKind::IntTuple),
        };
        let mut parts = spec.trim().split('.');
        let class = parts.next().filter(|c| !c.is_empty()).ok_or_else(syntax)?;
        let path: Vec<String> = parts.map(str::to_owned).collect();
        if path.is_empty() || path.iter().any(|p| p.is_empty()) {
            return Err(syntax());
        }
        let class = (class != "*").then(|| class.to_owned());
        Ok(ExtraField { class, path, kind })
    }

    /// Whether this entry names field `key` of `class` (top-level part of the path only).
    pub fn matches(&self, class: &str, key: &str) -> bool {
        self.class.as_deref().is_none_or(|c| c == class) && self.path.first().is_some_and(|p| p == key)
    }
}

fn parse_kind(kind: &str) -> Option<FieldKind> {
    Some(match kind.trim() {
        "int" => FieldKind::Int,
        "ints" => FieldKind::IntTuple,
        "shape" => FieldKind::Shape,
        "vocabulary" => FieldKind::IntVocabulary,
        _ => return None,
    })
}

/// Parse a whole settings list, failing on the first bad entry.
pub fn parse_all(entries: &[String]) -> Result<Vec<ExtraField>, ExtendError> {
    entries.iter().map(|e| ExtraField::parse(e)).collect()
}
