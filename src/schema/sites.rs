//! Turns a config into the list of places that must hold integers ("sites"), each with what
//! the place expects. This is where the tables meet the document; rules only judge sites.

use crate::json::{Node, Pointer, Value};

use super::extend::ExtraField;
use super::kind::FieldKind;
use super::lookup::{Role, builtin_kind, find};
use super::tables::TRAINING_TOP_LEVEL;
use super::walk::{Visit, walk};

/// Which JSON document of a saved model is being read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartKind {
    /// `.h5` `model_config`, or `config.json` of a `.keras` archive (whose top-level
    /// `compile_config` is read as a training config).
    ModelConfig,
    /// `.h5` `training_config`.
    TrainingConfig,
    /// `metadata.json` of a `.keras` archive: `keras_version` and `date_saved`, both strings;
    /// nothing in it is an integer.
    Metadata,
}

/// What a site accepts, which decides how a string found there is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A single integer: `"64"` is a damaged 64, `"[1, 2]"` cannot be fixed.
    Int,
    /// An integer or a sequence of them (`kernel_size`, `axis`): both readings are fixable.
    IntOrSeq,
    /// A sequence only (a whole shape, a vocabulary): other strings are left alone, because an
    /// IntegerLookup vocabulary may legitimately be a file path.
    Seq,
}

/// One place in the document that should hold an integer (or null), or a list of them.
#[derive(Debug)]
pub struct Site<'a> {
    pub node: &'a Node,
    pub pointer: Pointer,
    pub expect: Expect,
    /// The field's kind as the schema lists it.
    pub kind: FieldKind,
    /// `Class.field` for messages (`Conv2D.kernel_size`, `__keras_tensor__.shape`).
    pub field: String,
}

/// Every integer site of a document.
pub fn integer_sites<'a>(part: PartKind, root: &'a Node, extra: &[ExtraField]) -> Vec<Site<'a>> {
    let mut out = Vec::new();
    if part == PartKind::Metadata {
        return out;
    }
    let push_top = |training: &'a Node, base: Pointer, out: &mut Vec<Site<'a>>| {
        for member in training.as_object().unwrap_or_default() {
            if let Some(kind) = find(TRAINING_TOP_LEVEL, &member.key) {
                let field = format!("training.{}", member.key);
                expand(&member.value, kind, base.child(member.key.clone()), &field, out);
            }
        }
    };
    match part {
        PartKind::TrainingConfig => push_top(root, Pointer::root(), &mut out),
        _ => {
            if let Some(compile) = root.get("compile_config") {
                push_top(compile, Pointer::root().child("compile_config"), &mut out);
            }
        }
    }
    walk(root, &mut |visit| visit_sites(visit, extra, &mut out));
    // A Keras 2 TensorShape inside a shape field is reached twice (as part of the field and as
    // an object of its own); keep one site per value.
    out.sort_by_key(|s| (s.node.span.start, s.node.span.end));
    out.dedup_by_key(|s| (s.node.span.start, s.node.span.end));
    out
}

fn visit_sites<'a>(visit: &Visit<'a, '_>, extra: &[ExtraField], out: &mut Vec<Site<'a>>) {
    let class = visit.class_name;
    if let Some(config) = visit.config {
        for member in config.as_object().unwrap_or_default() {
            let base = visit.pointer.child("config").child(member.key.clone());
            let field = format!("{class}.{}", member.key);
            let mut extended = false;
            for entry in extra.iter().filter(|e| e.matches(class, &member.key)) {
                extended = true;
                let (node, pointer) = descend_path(&member.value, base.clone(), &entry.path[1..]);
                if let Some(node) = node {
                    expand(node, entry.kind, pointer, &format!("{class}.{}", entry.path.join(".")), out);
                }
            }
            if extended {
                continue;
            }
            if let Some(kind) = builtin_kind(class, &member.key, visit.role) {
                expand(&member.value, kind, base, &field, out);
            }
        }
    }
    wrapper_sites(visit, out);
}

/// Fields Keras writes beside `config` rather than inside it.
fn wrapper_sites<'a>(visit: &Visit<'a, '_>, out: &mut Vec<Site<'a>>) {
    let object = visit.object;
    let at = |key: &str| visit.pointer.child(key);
    if visit.role == Role::Layer {
        // keras/src/layers/layer.py `get_build_config`: {"input_shape": ...} or
        // {"shapes_dict": {"<arg>_shape": ...}}.
        if let Some(build) = object.get("build_config") {
            if let Some(shape) = build.get("input_shape") {
                expand(
                    shape,
                    FieldKind::Shape,
                    at("build_config").child("input_shape"),
                    "build_config.input_shape",
                    out,
                );
            }
            if let Some(shapes) = build.get("shapes_dict") {
                expand(
                    shapes,
                    FieldKind::Shape,
                    at("build_config").child("shapes_dict"),
                    "build_config.shapes_dict",
                    out,
                );
            }
        }
        // tf_keras/engine/functional.py `get_network_config` (Keras 2 node data lists); the
        // Keras 3 dict form holds `__keras_tensor__` objects, which are visited on their own.
        if let Some(nodes) = object.get("inbound_nodes") {
            expand(nodes, FieldKind::InboundNodes, at("inbound_nodes"), "inbound_nodes", out);
        }
    }
    // tf_keras/saving/legacy/serialization.py (SharedObjectConfig: `shared_object_id`).
    if let Some(id) = object.get("shared_object_id") {
        expand(id, FieldKind::Int, at("shared_object_id"), "shared_object_id", out);
    }
    // tf_keras/saving/legacy/saved_model/json_utils.py: {"class_name": "TensorShape", "items": [...]}.
    if visit.class_name == "TensorShape"
        && let Some(items) = object.get("items")
    {
        expand(items, FieldKind::Shape, at("items"), "TensorShape.items", out);
    }
}

fn descend_path<'a>(
    mut node: &'a Node,
    mut pointer: Pointer,
    path: &[String],
) -> (Option<&'a Node>, Pointer) {
    for key in path {
        match node.get(key) {
            Some(child) => {
                node = child;
                pointer.push(key.clone());
            }
            None => return (None, pointer),
        }
    }
    (Some(node), pointer)
}

fn scalar<'a>(
    node: &'a Node,
    expect: Expect,
    pointer: Pointer,
    kind: FieldKind,
    field: &str,
    out: &mut Vec<Site<'a>>,
) {
    if matches!(node.value, Value::Number(_) | Value::String(_)) {
        out.push(Site { node, pointer, expect, kind, field: field.to_owned() });
    }
}

/// Push the sites of one field value according to its kind.
pub(crate) fn expand<'a>(
    node: &'a Node,
    kind: FieldKind,
    pointer: Pointer,
    field: &str,
    out: &mut Vec<Site<'a>>,
) {
    expand_as(node, kind, kind, pointer, field, out);
}

fn expand_as<'a>(
    node: &'a Node,
    kind: FieldKind,
    top: FieldKind,
    pointer: Pointer,
    field: &str,
    out: &mut Vec<Site<'a>>,
) {
    use FieldKind::*;
    let items = |out: &mut Vec<Site<'a>>, each: &mut dyn FnMut(&'a Node, Pointer, &mut Vec<Site<'a>>)| {
        for (i, item) in node.as_array().unwrap_or_default().iter().enumerate() {
            each(item, pointer.child(i.to_string()), out);
        }
    };
    match kind {
        NotInt { .. } => {}
        Int => scalar(node, Expect::Int, pointer, top, field, out),
        IntOrIntList => match node.value {
            Value::Array(_) => items(out, &mut |n, p, out| scalar(n, Expect::Int, p, top, field, out)),
            _ => scalar(node, Expect::IntOrSeq, pointer.clone(), top, field, out),
        },
        IntTuple => match node.value {
            // An element may itself be a tuple (ZeroPadding2D `((1, 1), (1, 1))`, Cropping3D),
            // so a stringified element like "[1 1]" is read as the sequence it was.
            Value::Array(_) => items(out, &mut |n, p, out| match n.value {
                Value::Array(_) => expand_as(n, IntTuple, top, p, field, out),
                _ => scalar(n, Expect::IntOrSeq, p, top, field, out),
            }),
            _ => scalar(node, Expect::IntOrSeq, pointer.clone(), top, field, out),
        },
        Shape => match &node.value {
            Value::Array(_) => items(out, &mut |n, p, out| match n.value {
                Value::Array(_) | Value::Object(_) => expand_as(n, Shape, top, p, field, out),
                _ => scalar(n, Expect::IntOrSeq, p, top, field, out),
            }),
            Value::Object(members) => {
                for m in members.iter().filter(|m| m.key != "class_name") {
                    expand_as(&m.value, Shape, top, pointer.child(m.key.clone()), field, out);
                }
            }
            Value::Number(_) => scalar(node, Expect::Int, pointer.clone(), top, field, out),
            _ => scalar(node, Expect::Seq, pointer.clone(), top, field, out),
        },
        IntVocabulary => match node.value {
            Value::Array(_) => items(out, &mut |n, p, out| scalar(n, Expect::Int, p, top, field, out)),
            _ => scalar(node, Expect::Seq, pointer.clone(), top, field, out),
        },
        TensorRef => {
            // Position 0 is a layer name and stays a string whatever it reads.
            items(out, &mut |n, p, out| {
                if p.tokens().last().is_some_and(|t| t == "1" || t == "2") {
                    scalar(n, Expect::Int, p, top, field, out);
                }
            });
        }
        TensorRefs => match &node.value {
            Value::Array(list) if list.first().is_some_and(|f| f.as_str().is_some()) => {
                expand_as(node, TensorRef, top, pointer.clone(), field, out);
            }
            Value::Array(_) => items(out, &mut |n, p, out| expand_as(n, TensorRefs, top, p, field, out)),
            Value::Object(members) => {
                for m in members {
                    expand_as(&m.value, TensorRefs, top, pointer.child(m.key.clone()), field, out);
                }
            }
            _ => {}
        },
        InboundNodes => items(out, &mut |node_data, p, out| {
            for (j, entry) in node_data.as_array().unwrap_or_default().iter().enumerate() {
                let Some(parts) = entry.as_array() else { continue };
                let p = p.child(j.to_string());
                expand_as(entry, TensorRef, top, p.clone(), field, out);
                // tf_keras/engine/node.py `serialize`: tensors passed as keyword arguments are
                // written as `[name, node_index, tensor_index]` inside the kwargs dict; other
                // kwargs (a TFOpLambda's `axis=1`) are call arguments and stay as written.
                if let Some(kwargs) = parts.get(3).and_then(Node::as_object) {
                    for m in kwargs {
                        kwarg_refs(&m.value, top, p.child("3").child(m.key.clone()), field, out);
                    }
                }
            }
        }),
    }
}

/// A keyword argument of a Keras 2 node: a tensor reference, or a list / dict of them.
fn kwarg_refs<'a>(node: &'a Node, top: FieldKind, pointer: Pointer, field: &str, out: &mut Vec<Site<'a>>) {
    match &node.value {
        Value::Array(list) if is_tensor_ref(list) => {
            expand_as(node, FieldKind::TensorRef, top, pointer, field, out)
        }
        Value::Array(list) => {
            for (i, item) in list.iter().enumerate() {
                kwarg_refs(item, top, pointer.child(i.to_string()), field, out);
            }
        }
        Value::Object(members) => {
            for m in members {
                kwarg_refs(&m.value, top, pointer.child(m.key.clone()), field, out);
            }
        }
        _ => {}
    }
}

/// `[name, node_index, tensor_index]` (or with a trailing kwargs dict).
fn is_tensor_ref(list: &[Node]) -> bool {
    (list.len() == 3 || (list.len() == 4 && list[3].as_object().is_some()))
        && list[0].as_str().is_some()
        && list[1..3].iter().all(|n| matches!(n.value, Value::Number(_) | Value::String(_)))
}
