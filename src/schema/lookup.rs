//! Answers "what kind is field F of class C?" from the tables, the family-wide fields, and the
//! user's `extend-integer-fields` settings, so that callers never search the tables themselves.

use super::kind::{ClassEntry, Family, FieldKind};
use super::tables::{LAYER_COMMON, LAYERS, OBJECTS, OPTIMIZER_COMMON, STRUCTURAL, UNKNOWN_LAYER_COMMON};

/// Where a serialized object sits, as the walker saw it; decides which shared fields apply to
/// classes the tables do not know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A model or layer position: the root, an item of `layers`, a `layer` / `cell` ...
    Layer,
    /// Anything else with a `class_name`: an initializer, a metric, a tensor.
    Object,
}

/// All table entries for a class name. tf-keras writes some built-ins with a registration
/// prefix (`"Custom>Adam"` for its new optimizers); the prefix is ignored for optimizers only,
/// so a user's own `Custom>Dense` is not mistaken for the built-in.
pub fn entries(class: &str) -> impl Iterator<Item = &'static ClassEntry> + '_ {
    let plain = class.strip_prefix("Custom>");
    LAYERS
        .iter()
        .chain(OBJECTS.iter())
        .filter(move |e| e.class == class || (e.family == Family::Optimizer && plain == Some(e.class)))
}

/// Whether the tables know the class at all.
pub fn is_known(class: &str) -> bool {
    entries(class).next().is_some()
}

/// The kind of a built-in field: the class's own entry, then the fields of its family, then
/// the graph structure Keras writes for every model. `None` means "not an integer field as far
/// as kerasfix knows", which for an unknown class is the answer for every field.
pub fn builtin_kind(class: &str, field: &str, role: Role) -> Option<FieldKind> {
    let mut known = false;
    let mut layer_like = false;
    let mut optimizer = false;
    for entry in entries(class) {
        known = true;
        layer_like |= matches!(entry.family, Family::Layer | Family::Model);
        optimizer |= entry.family == Family::Optimizer;
        if let Some(kind) = find(entry.fields, field) {
            return Some(kind);
        }
    }
    // A class that is both a layer and something else (`Identity`) only gets layer fields in a
    // layer position.
    if layer_like
        && (role == Role::Layer || !known_non_layer(class))
        && let Some(kind) = find(LAYER_COMMON, field)
    {
        return Some(kind);
    }
    if optimizer && let Some(kind) = find(OPTIMIZER_COMMON, field) {
        return Some(kind);
    }
    if !known
        && role == Role::Layer
        && let Some(kind) = find(UNKNOWN_LAYER_COMMON, field)
    {
        return Some(kind);
    }
    if role == Role::Layer {
        return find(STRUCTURAL, field);
    }
    None
}

fn known_non_layer(class: &str) -> bool {
    entries(class).any(|e| !matches!(e.family, Family::Layer | Family::Model))
}

pub(crate) fn find(fields: &[(&str, FieldKind)], field: &str) -> Option<FieldKind> {
    fields.iter().find(|(name, _)| *name == field).map(|&(_, kind)| kind)
}
