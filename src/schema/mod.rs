//! What Keras expects of each built-in layer: which config fields are integers, integer
//! tuples, shapes or integer vocabularies, for Keras 3 and Keras 2 / tf-keras.
//!
//! The knowledge is data (`tables/`), each entry citing the Keras source file it was read
//! from; [`walk`] is the one traversal of a config; [`integer_sites`] combines both into the
//! list of places that must hold integers, which the rules then judge.

mod extend;
mod kind;
mod lookup;
mod sites;
mod tables;
pub mod walk;

pub use extend::{ExtendError, ExtraField, parse_all as parse_extra_fields};
pub use kind::{ClassEntry, Family, FieldKind};
pub use lookup::{Role, builtin_kind, entries, is_known};
pub use sites::{Expect, FieldName, PartKind, Site, integer_sites, integer_sites_visiting};
pub use tables::{
    LAYER_COMMON, LAYERS, OBJECTS, OPTIMIZER_COMMON, STRUCTURAL, TRAINING_TOP_LEVEL, UNKNOWN_LAYER_COMMON,
};
pub use walk::{LayerVisit, PointerPath, PointerStep, Visit, walk, walk_layers};

/// The kind of `field` in a `class` config as the user's settings and the built-in tables
/// see it together: a user entry wins over the tables.
pub fn field_kind(class: &str, field: &str, role: Role, extra: &[ExtraField]) -> Option<FieldKind> {
    extra
        .iter()
        .find(|e| e.path.len() == 1 && e.matches(class, field))
        .map(|e| e.kind)
        .or_else(|| builtin_kind(class, field, role))
}
