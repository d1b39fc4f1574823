//! Answers "what kind is field F of class C?" from the tables, the family-wide fields, and the
//! user's `extend-integer-fields` settings, so that callers never search the tables themselves.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

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
pub fn entries(class: &str) -> impl Iterator<Item = &'static ClassEntry> + use<> {
    let index = index();
    let exact = index.get(class).map(Vec::as_slice).unwrap_or_default();
    let plain = class.strip_prefix("Custom>").and_then(|plain| index.get(plain)).map(Vec::as_slice);
    InTableOrder { exact, optimizers: plain.unwrap_or_default() }
}

/// A table entry and its position in `LAYERS` followed by `OBJECTS`.
type Indexed = (usize, &'static ClassEntry);

/// The class index hashes with FNV-1a ([`crate::fnv`]): hashing a short class name per
/// serialized object with SipHash showed in profiles.
type ClassIndex = HashMap<&'static str, Vec<Indexed>, BuildHasherDefault<crate::fnv::Fnv>>;

/// Table entries by class name, each list in table order. Built on first use: every serialized
/// object of every document asks for its class, and scanning hundreds of entries each time
/// was a large share of a check.
fn index() -> &'static ClassIndex {
    static INDEX: OnceLock<ClassIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = ClassIndex::default();
        for (position, entry) in LAYERS.iter().chain(OBJECTS.iter()).enumerate() {
            index.entry(entry.class).or_default().push((position, entry));
        }
        index
    })
}

/// The entries named exactly, merged in table order with the optimizer entries of the name
/// without its `Custom>` prefix, as one scan of the tables would list them.
struct InTableOrder {
    exact: &'static [Indexed],
    /// Entries of the unprefixed name; only optimizers among them count.
    optimizers: &'static [Indexed],
}

impl Iterator for InTableOrder {
    type Item = &'static ClassEntry;

    fn next(&mut self) -> Option<&'static ClassEntry> {
        while let Some((&(position, entry), rest)) = self.optimizers.split_first() {
            if entry.family != Family::Optimizer {
                self.optimizers = rest;
                continue;
            }
            if self.exact.first().is_some_and(|&(first, _)| first < position) {
                break;
            }
            self.optimizers = rest;
            return Some(entry);
        }
        let (&(_, entry), rest) = self.exact.split_first()?;
        self.exact = rest;
        Some(entry)
    }
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

/// [`builtin_kind`] for many fields of one class: the class's table entries are searched
/// once, not once per field (a config has tens of fields, the tables hundreds of classes).
pub(crate) struct ClassKinds<'c> {
    class: &'c str,
    role: Role,
    /// The class's entries, in table order; `None` past the end.
    entries: [Option<&'static ClassEntry>; MAX_ENTRIES],
    /// More entries than fit: answer through [`builtin_kind`] instead.
    overflow: bool,
    known: bool,
    layer_like: bool,
    optimizer: bool,
    non_layer: bool,
}

/// A class sits in at most two tables today (`Identity`); room to spare.
const MAX_ENTRIES: usize = 4;

impl<'c> ClassKinds<'c> {
    pub(crate) fn of(class: &'c str, role: Role) -> ClassKinds<'c> {
        let mut kinds = ClassKinds {
            class,
            role,
            entries: [None; MAX_ENTRIES],
            overflow: false,
            known: false,
            layer_like: false,
            optimizer: false,
            non_layer: false,
        };
        for (i, entry) in entries(class).enumerate() {
            match kinds.entries.get_mut(i) {
                Some(slot) => *slot = Some(entry),
                None => kinds.overflow = true,
            }
            kinds.known = true;
            let layer = matches!(entry.family, Family::Layer | Family::Model);
            kinds.layer_like |= layer;
            kinds.non_layer |= !layer;
            kinds.optimizer |= entry.family == Family::Optimizer;
        }
        kinds
    }

    /// Exactly [`builtin_kind`]`(class, field, role)`.
    pub(crate) fn kind(&self, field: &str) -> Option<FieldKind> {
        if self.overflow {
            return builtin_kind(self.class, field, self.role);
        }
        for entry in self.entries.iter().map_while(|e| *e) {
            if let Some(kind) = find(entry.fields, field) {
                return Some(kind);
            }
        }
        if self.layer_like
            && (self.role == Role::Layer || !self.non_layer)
            && let Some(kind) = find(LAYER_COMMON, field)
        {
            return Some(kind);
        }
        if self.optimizer
            && let Some(kind) = find(OPTIMIZER_COMMON, field)
        {
            return Some(kind);
        }
        if !self.known
            && self.role == Role::Layer
            && let Some(kind) = find(UNKNOWN_LAYER_COMMON, field)
        {
            return Some(kind);
        }
        if self.role == Role::Layer {
            return find(STRUCTURAL, field);
        }
        None
    }
}

fn known_non_layer(class: &str) -> bool {
    entries(class).any(|e| !matches!(e.family, Family::Layer | Family::Model))
}

pub(crate) fn find(fields: &[(&str, FieldKind)], field: &str) -> Option<FieldKind> {
    fields.iter().find(|(name, _)| *name == field).map(|&(_, kind)| kind)
}
