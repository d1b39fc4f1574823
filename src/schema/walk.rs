//! The one traversal of a Keras config: every serialized object (`{"class_name", "config"}` in
//! Keras 2 form, plus `module` / `registered_name` / `build_config` in Keras 3 form) is visited
//! once, with its class, its config, its JSON pointer and the names of the layers around it.
//!
//! It descends through everything, not just `layers`: Sequential and Functional `layers`,
//! nested models, `layer` / `forward_layer` / `backward_layer` of wrappers, `cell` / `cells` of
//! RNNs, and also initializers, constraints, optimizers, metrics and the `__keras_tensor__`
//! objects of Keras 3 `inbound_nodes`. Rules and the site finder use this walker so that no one
//! re-implements the traversal.

use std::fmt;

use crate::json::{Node, Pointer, Value};

use super::lookup::Role;

/// Keys whose value is a layer (or a list of layers): the objects found there get
/// [`Role::Layer`]. keras/src/models/{sequential,functional}.py (`layers`),
/// keras/src/layers/core/wrapper.py (`layer`), keras/src/layers/rnn/bidirectional.py
/// (`backward_layer`), keras/src/layers/rnn/rnn.py (`cell`),
/// keras/src/layers/rnn/stacked_rnn_cells.py (`cells`); tf-keras uses the same keys.
/// A `match` on the key rather than a search of a list: it runs for every member of every
/// object, and a match compares the length before any byte.
fn is_layer_key(key: &str) -> bool {
    matches!(key, "layers" | "layer" | "forward_layer" | "backward_layer" | "cell" | "cells")
}

/// One serialized object, as handed to a visitor.
#[derive(Debug)]
pub struct Visit<'a, 'p> {
    /// `class_name` as written (`"Conv2D"`, `"Custom>Adam"`, `"__keras_tensor__"`).
    pub class_name: &'a str,
    /// The whole serialized object (holds `build_config`, Keras 2 `inbound_nodes`, ...).
    pub object: &'a Node,
    /// Its `config` member, when there is one (it is a string for some Keras 3 functions).
    pub config: Option<&'a Node>,
    /// Pointer to [`Visit::object`], borrowed from the walk: build an owned
    /// [`crate::json::Pointer`] from it only for what is reported.
    pub pointer: &'p PointerPath<'a>,
    /// Names of the enclosing layers and models, outermost first, ending with this object's
    /// own name when it is a layer (class name when it has none).
    pub path: &'p [&'a str],
    pub role: Role,
}

/// Visit every serialized object under `root`, parents before children.
pub fn walk<'a>(root: &'a Node, visitor: &mut dyn FnMut(&Visit<'a, '_>)) {
    let mut pointer = PointerPath::root();
    let mut path = Vec::new();
    descend(root, &mut pointer, &mut path, Role::Layer, visitor);
}

fn descend<'a>(
    node: &'a Node,
    pointer: &mut PointerPath<'a>,
    path: &mut Vec<&'a str>,
    role: Role,
    visitor: &mut dyn FnMut(&Visit<'a, '_>),
) {
    match &node.value {
        Value::Array(items) => {
            // Only containers can hold serialized objects: scalars (most of the leaves) are
            // passed over without a step pushed or a call made.
            for (index, item) in items.iter().enumerate().filter(|(_, item)| is_container(item)) {
                pointer.push(PointerStep::Index(index));
                descend(item, pointer, path, role, visitor);
                pointer.pop();
            }
        }
        Value::Object(members) => {
            let class_name = node.get("class_name").and_then(Node::as_str);
            // Only objects with a class are layers; a bare dict under `layers` keeps nothing.
            let role = if class_name.is_some() { role } else { Role::Object };
            let pushed = match class_name {
                Some(class_name) => {
                    let config = node.get("config");
                    if role == Role::Layer {
                        path.push(layer_name(node, config).unwrap_or(class_name));
                    }
                    visitor(&Visit { class_name, object: node, config, pointer, path, role });
                    role == Role::Layer
                }
                None => false,
            };
            for member in members.iter().filter(|member| is_container(&member.value)) {
                let child_role = if is_layer_key(&member.key) { Role::Layer } else { Role::Object };
                pointer.push(PointerStep::Key(&member.key));
                descend(&member.value, pointer, path, child_role, visitor);
                pointer.pop();
            }
            if pushed {
                path.pop();
            }
        }
        _ => {}
    }
}

fn is_container(node: &Node) -> bool {
    matches!(node.value, Value::Array(_) | Value::Object(_))
}

fn layer_name<'a>(object: &'a Node, config: Option<&'a Node>) -> Option<&'a str> {
    config.and_then(|c| c.get("name")).or_else(|| object.get("name")).and_then(Node::as_str)
}

/// One layer or model, for callers that only care about layers (`kerasfix show`).
#[derive(Debug)]
pub struct LayerVisit<'a, 'p> {
    pub class_name: &'a str,
    /// The layer's `config` object.
    pub config: &'a Node,
    /// The whole serialized layer.
    pub object: &'a Node,
    pub pointer: &'p PointerPath<'a>,
    /// Enclosing layer names, outermost first, ending with this layer's.
    pub path: &'p [&'a str],
    /// 0 for the top-level model, 1 for its layers, 2 for a nested model's layers or a
    /// wrapper's inner layer, and so on.
    pub depth: usize,
}

/// Visit every layer and model (objects in a layer position whose `config` is an object).
pub fn walk_layers<'a>(root: &'a Node, visitor: &mut dyn FnMut(&LayerVisit<'a, '_>)) {
    walk(root, &mut |visit| {
        if visit.role != Role::Layer {
            return;
        }
        let Some(config) = visit.config.filter(|c| c.as_object().is_some()) else { return };
        visitor(&LayerVisit {
            class_name: visit.class_name,
            config,
            object: visit.object,
            pointer: visit.pointer,
            path: visit.path,
            depth: visit.path.len().saturating_sub(1),
        });
    });
}

/// One step of a [`PointerPath`]: a member key borrowed from the tree, or an array index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointerStep<'a> {
    Key(&'a str),
    Index(usize),
}

impl PointerStep<'_> {
    /// The token as text (an index in decimal), as [`Pointer`] stores it.
    pub fn to_token(&self) -> String {
        match self {
            PointerStep::Key(key) => (*key).to_owned(),
            PointerStep::Index(index) => index.to_string(),
        }
    }

    /// Whether the token text is `token` (an index compares as its decimal text).
    pub fn is(&self, token: &str) -> bool {
        match self {
            PointerStep::Key(key) => *key == token,
            PointerStep::Index(index) => {
                let canonical = token == "0" || !token.starts_with('0');
                canonical
                    && token.bytes().all(|b| b.is_ascii_digit())
                    && token.parse::<usize>().ok() == Some(*index)
            }
        }
    }
}

/// A pointer under construction during a walk: the steps borrow keys from the tree and keep
/// indices as numbers, so descending and returning allocate nothing. Walks visit every node
/// but report few of them, so the owned [`Pointer`] (one `String` per token) is only built,
/// with [`PointerPath::to_pointer`] or [`PointerPath::child`], for the nodes a finding names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PointerPath<'a> {
    steps: Vec<PointerStep<'a>>,
}

impl<'a> PointerPath<'a> {
    pub fn root() -> PointerPath<'a> {
        PointerPath { steps: Vec::new() }
    }

    pub fn push(&mut self, step: PointerStep<'a>) {
        self.steps.push(step);
    }

    pub fn pop(&mut self) -> Option<PointerStep<'a>> {
        self.steps.pop()
    }

    /// The steps, root first.
    pub fn tokens(&self) -> &[PointerStep<'a>] {
        &self.steps
    }

    pub fn is_root(&self) -> bool {
        self.steps.is_empty()
    }

    /// The owned pointer to the same place.
    pub fn to_pointer(&self) -> Pointer {
        Pointer::from_tokens(self.steps.iter().map(PointerStep::to_token))
    }

    /// The owned pointer one level deeper.
    pub fn child(&self, token: impl Into<String>) -> Pointer {
        let mut pointer = self.to_pointer();
        pointer.push(token);
        pointer
    }

    /// The owned pointer one level up; `None` for the root.
    pub fn parent(&self) -> Option<Pointer> {
        let (_, init) = self.steps.split_last()?;
        Some(Pointer::from_tokens(init.iter().map(PointerStep::to_token)))
    }
}

impl fmt::Display for PointerPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_pointer().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointer_path_matches_the_owned_pointer() -> Result<(), crate::json::PointerError> {
        let mut path = PointerPath::root();
        assert!(path.is_root() && path.parent().is_none());
        path.push(PointerStep::Key("a/b"));
        path.push(PointerStep::Index(12));
        path.push(PointerStep::Key("~"));
        assert_eq!(path.to_pointer(), Pointer::parse("/a~1b/12/~0")?);
        assert_eq!(path.to_string(), "/a~1b/12/~0");
        assert_eq!(path.child("x"), Pointer::parse("/a~1b/12/~0/x")?);
        assert_eq!(path.parent(), Some(Pointer::parse("/a~1b/12")?));
        let index = PointerStep::Index(12);
        assert!(index.is("12") && !index.is("012") && !index.is("+12") && !index.is("1"));
        assert!(PointerStep::Index(0).is("0") && PointerStep::Key("12").is("12"));
        Ok(())
    }
}
