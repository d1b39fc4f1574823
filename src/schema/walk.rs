//! The one traversal of a Keras config: every serialized object (`{"class_name", "config"}` in
//! Keras 2 form, plus `module` / `registered_name` / `build_config` in Keras 3 form) is visited
//! once, with its class, its config, its JSON pointer and the names of the layers around it.
//!
//! It descends through everything, not just `layers`: Sequential and Functional `layers`,
//! nested models, `layer` / `forward_layer` / `backward_layer` of wrappers, `cell` / `cells` of
//! RNNs, and also initializers, constraints, optimizers, metrics and the `__keras_tensor__`
//! objects of Keras 3 `inbound_nodes`. Rules and the site finder use this walker so that no one
//! re-implements the traversal.

use crate::json::{Node, Pointer, Value};

use super::lookup::Role;

/// Keys whose value is a layer (or a list of layers): the objects found there get
/// [`Role::Layer`]. keras/src/models/{sequential,functional}.py (`layers`),
/// keras/src/layers/core/wrapper.py (`layer`), keras/src/layers/rnn/bidirectional.py
/// (`backward_layer`), keras/src/layers/rnn/rnn.py (`cell`),
/// keras/src/layers/rnn/stacked_rnn_cells.py (`cells`); tf-keras uses the same keys.
const LAYER_KEYS: &[&str] = &["layers", "layer", "forward_layer", "backward_layer", "cell", "cells"];

/// One serialized object, as handed to a visitor.
#[derive(Debug)]
pub struct Visit<'a, 'p> {
    /// `class_name` as written (`"Conv2D"`, `"Custom>Adam"`, `"__keras_tensor__"`).
    pub class_name: &'a str,
    /// The whole serialized object (holds `build_config`, Keras 2 `inbound_nodes`, ...).
    pub object: &'a Node,
    /// Its `config` member, when there is one (it is a string for some Keras 3 functions).
    pub config: Option<&'a Node>,
    /// Pointer to [`Visit::object`].
    pub pointer: &'p Pointer,
    /// Names of the enclosing layers and models, outermost first, ending with this object's
    /// own name when it is a layer (class name when it has none).
    pub path: &'p [String],
    pub role: Role,
}

/// Visit every serialized object under `root`, parents before children.
pub fn walk<'a>(root: &'a Node, visitor: &mut dyn FnMut(&Visit<'a, '_>)) {
    let mut pointer = Pointer::root();
    let mut path = Vec::new();
    descend(root, &mut pointer, &mut path, Role::Layer, visitor);
}

fn descend<'a>(
    node: &'a Node,
    pointer: &mut Pointer,
    path: &mut Vec<String>,
    role: Role,
    visitor: &mut dyn FnMut(&Visit<'a, '_>),
) {
    match &node.value {
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                pointer.push(index.to_string());
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
                        path.push(layer_name(node, config).unwrap_or(class_name).to_owned());
                    }
                    visitor(&Visit { class_name, object: node, config, pointer, path, role });
                    role == Role::Layer
                }
                None => false,
            };
            for member in members {
                let child_role =
                    if LAYER_KEYS.contains(&member.key.as_str()) { Role::Layer } else { Role::Object };
                pointer.push(member.key.clone());
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
    pub pointer: &'p Pointer,
    /// Enclosing layer names, outermost first, ending with this layer's.
    pub path: &'p [String],
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
