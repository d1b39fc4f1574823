//! Turns a config into the list of places that must hold integers ("sites"), each with what
//! the place expects. This is where the tables meet the document; rules only judge sites.

use std::fmt;

use crate::json::{Node, Pointer, Value};

use super::extend::ExtraField;
use super::kind::FieldKind;
use super::lookup::{ClassKinds, Role, find};
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
    pub expect: Expect,
    /// The field's kind as the schema lists it.
    pub kind: FieldKind,
    /// `Class.field` for messages (`Conv2D.kernel_size`, `__keras_tensor__.shape`).
    pub field: FieldName<'a>,
    /// The document the site is in, from which [`Site::pointer`] is found.
    root: &'a Node,
}

impl Site<'_> {
    /// JSON pointer to [`Site::node`]. Found from the node's place in the tree rather than kept
    /// for every site, because only the few sites that make findings need one.
    pub fn pointer(&self) -> Pointer {
        // A site's node always lies inside its document, so the root pointer is never used.
        self.root.pointer_to(self.node).unwrap_or_default()
    }

    /// [`Site::pointer`] as RFC 6901 text, built without the token list.
    pub fn pointer_text(&self) -> String {
        self.root.pointer_text_to(self.node).unwrap_or_default()
    }
}

/// The name of the field a site belongs to, formatted only when a message needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldName<'a>(Label<'a>);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label<'a> {
    /// `owner.key`: a config member of a class, or `training.key`.
    Member(&'a str, &'a str),
    /// `owner.a.b.c`: a user's nested `extend-integer-fields` entry.
    Path(&'a str, &'a [String]),
    /// A fixed name (`build_config.input_shape`).
    Fixed(&'static str),
}

impl fmt::Display for FieldName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Label::Member(owner, key) => write!(f, "{owner}.{key}"),
            Label::Path(owner, path) => {
                f.write_str(owner)?;
                for key in path {
                    write!(f, ".{key}")?;
                }
                Ok(())
            }
            Label::Fixed(name) => f.write_str(name),
        }
    }
}

/// What every site of one field value shares while it is being expanded.
#[derive(Clone, Copy)]
struct Ctx<'a> {
    root: &'a Node,
    /// The field's kind as listed (the kind of the whole value, not of the part expanded).
    top: FieldKind,
    field: FieldName<'a>,
}

/// Every integer site of a document.
pub fn integer_sites<'a>(part: PartKind, root: &'a Node, extra: &'a [ExtraField]) -> Vec<Site<'a>> {
    integer_sites_visiting(part, root, extra, &mut |_| {})
}

/// [`integer_sites`], also handing every serialized object the walk meets to `also`, so that a
/// caller with its own per-object checks (the security rules) shares the one traversal. Like
/// the sites, `also` sees nothing of `metadata.json`.
pub fn integer_sites_visiting<'a>(
    part: PartKind,
    root: &'a Node,
    extra: &'a [ExtraField],
    also: &mut dyn FnMut(&Visit<'a, '_>),
) -> Vec<Site<'a>> {
    let mut out = Vec::new();
    if part == PartKind::Metadata {
        return out;
    }
    let push_top = |training: &'a Node, out: &mut Vec<Site<'a>>| {
        for member in training.as_object().unwrap_or_default() {
            if let Some(kind) = find(TRAINING_TOP_LEVEL, &member.key) {
                let field = FieldName(Label::Member("training", &member.key));
                expand(&member.value, kind, Ctx { root, top: kind, field }, out);
            }
        }
    };
    match part {
        PartKind::TrainingConfig => push_top(root, &mut out),
        _ => {
            if let Some(compile) = root.get("compile_config") {
                push_top(compile, &mut out);
            }
        }
    }
    walk(root, &mut |visit| {
        visit_sites(root, visit, extra, &mut out);
        also(visit);
    });
    // A Keras 2 TensorShape inside a shape field is reached twice (as part of the field and as
    // an object of its own); keep one site per value.
    out.sort_by_key(|s| (s.node.span.start, s.node.span.end));
    out.dedup_by_key(|s| (s.node.span.start, s.node.span.end));
    out
}

fn visit_sites<'a>(root: &'a Node, visit: &Visit<'a, '_>, extra: &'a [ExtraField], out: &mut Vec<Site<'a>>) {
    let class = visit.class_name;
    if let Some(config) = visit.config {
        let kinds = ClassKinds::of(class, visit.role);
        for member in config.as_object().unwrap_or_default() {
            let mut extended = false;
            for entry in extra.iter().filter(|e| e.matches(class, &member.key)) {
                extended = true;
                let nested = entry.path.get(1..).unwrap_or_default();
                if let Some(node) = descend_path(&member.value, nested) {
                    let field = FieldName(Label::Path(class, &entry.path));
                    expand(node, entry.kind, Ctx { root, top: entry.kind, field }, out);
                }
            }
            if extended {
                continue;
            }
            if let Some(kind) = kinds.kind(&member.key) {
                let field = FieldName(Label::Member(class, &member.key));
                expand(&member.value, kind, Ctx { root, top: kind, field }, out);
            }
        }
    }
    wrapper_sites(root, visit, out);
}

/// Fields Keras writes beside `config` rather than inside it.
fn wrapper_sites<'a>(root: &'a Node, visit: &Visit<'a, '_>, out: &mut Vec<Site<'a>>) {
    let object = visit.object;
    let mut field = |node: &'a Node, kind: FieldKind, name: &'static str| {
        expand(node, kind, Ctx { root, top: kind, field: FieldName(Label::Fixed(name)) }, out);
    };
    if visit.role == Role::Layer {
        // keras/src/layers/layer.py `get_build_config`: {"input_shape": ...} or
        // {"shapes_dict": {"<arg>_shape": ...}}.
        if let Some(build) = object.get("build_config") {
            if let Some(shape) = build.get("input_shape") {
                field(shape, FieldKind::Shape, "build_config.input_shape");
            }
            if let Some(shapes) = build.get("shapes_dict") {
                field(shapes, FieldKind::Shape, "build_config.shapes_dict");
            }
        }
        // tf_keras/engine/functional.py `get_network_config` (Keras 2 node data lists); the
        // Keras 3 dict form holds `__keras_tensor__` objects, which are visited on their own.
        if let Some(nodes) = object.get("inbound_nodes") {
            field(nodes, FieldKind::InboundNodes, "inbound_nodes");
        }
    }
    // tf_keras/saving/legacy/serialization.py (SharedObjectConfig: `shared_object_id`).
    if let Some(id) = object.get("shared_object_id") {
        field(id, FieldKind::Int, "shared_object_id");
    }
    // tf_keras/saving/legacy/saved_model/json_utils.py: {"class_name": "TensorShape", "items": [...]}.
    if visit.class_name == "TensorShape"
        && let Some(items) = object.get("items")
    {
        field(items, FieldKind::Shape, "TensorShape.items");
    }
}

fn descend_path<'a>(mut node: &'a Node, path: &[String]) -> Option<&'a Node> {
    for key in path {
        node = node.get(key)?;
    }
    Some(node)
}

fn scalar<'a>(node: &'a Node, expect: Expect, ctx: Ctx<'a>, out: &mut Vec<Site<'a>>) {
    if matches!(node.value, Value::Number(_) | Value::String(_)) {
        out.push(Site { node, expect, kind: ctx.top, field: ctx.field, root: ctx.root });
    }
}

/// Push the sites of one field value according to its kind.
fn expand<'a>(node: &'a Node, kind: FieldKind, ctx: Ctx<'a>, out: &mut Vec<Site<'a>>) {
    use FieldKind::*;
    let items = node.as_array().unwrap_or_default();
    match kind {
        NotInt { .. } => {}
        Int => scalar(node, Expect::Int, ctx, out),
        IntOrIntList => match node.value {
            Value::Array(_) => items.iter().for_each(|n| scalar(n, Expect::Int, ctx, out)),
            _ => scalar(node, Expect::IntOrSeq, ctx, out),
        },
        IntTuple => match node.value {
            // An element may itself be a tuple (ZeroPadding2D `((1, 1), (1, 1))`, Cropping3D),
            // so a stringified element like "[1 1]" is read as the sequence it was.
            Value::Array(_) => items.iter().for_each(|n| match n.value {
                Value::Array(_) => expand(n, IntTuple, ctx, out),
                _ => scalar(n, Expect::IntOrSeq, ctx, out),
            }),
            _ => scalar(node, Expect::IntOrSeq, ctx, out),
        },
        Shape => match &node.value {
            Value::Array(_) => items.iter().for_each(|n| match n.value {
                Value::Array(_) | Value::Object(_) => expand(n, Shape, ctx, out),
                _ => scalar(n, Expect::IntOrSeq, ctx, out),
            }),
            Value::Object(members) => {
                for m in members.iter().filter(|m| m.key != "class_name") {
                    expand(&m.value, Shape, ctx, out);
                }
            }
            Value::Number(_) => scalar(node, Expect::Int, ctx, out),
            _ => scalar(node, Expect::Seq, ctx, out),
        },
        IntVocabulary => match node.value {
            Value::Array(_) => items.iter().for_each(|n| scalar(n, Expect::Int, ctx, out)),
            _ => scalar(node, Expect::Seq, ctx, out),
        },
        TensorRef => {
            // Position 0 is a layer name and stays a string whatever it reads.
            for n in items.iter().skip(1).take(2) {
                scalar(n, Expect::Int, ctx, out);
            }
        }
        TensorRefs => match &node.value {
            Value::Array(list) if list.first().is_some_and(|f| f.as_str().is_some()) => {
                expand(node, TensorRef, ctx, out);
            }
            Value::Array(_) => items.iter().for_each(|n| expand(n, TensorRefs, ctx, out)),
            Value::Object(members) => {
                for m in members {
                    expand(&m.value, TensorRefs, ctx, out);
                }
            }
            _ => {}
        },
        InboundNodes => {
            for node_data in items {
                for entry in node_data.as_array().unwrap_or_default() {
                    let Some(parts) = entry.as_array() else { continue };
                    expand(entry, TensorRef, ctx, out);
                    // tf_keras/engine/node.py `serialize`: tensors passed as keyword arguments
                    // are written as `[name, node_index, tensor_index]` inside the kwargs dict;
                    // other kwargs (a TFOpLambda's `axis=1`) are call arguments and stay as
                    // written.
                    if let Some(kwargs) = parts.get(3).and_then(Node::as_object) {
                        for m in kwargs {
                            kwarg_refs(&m.value, ctx, out);
                        }
                    }
                }
            }
        }
    }
}

/// A keyword argument of a Keras 2 node: a tensor reference, or a list / dict of them.
fn kwarg_refs<'a>(node: &'a Node, ctx: Ctx<'a>, out: &mut Vec<Site<'a>>) {
    match &node.value {
        Value::Array(list) if is_tensor_ref(list) => expand(node, FieldKind::TensorRef, ctx, out),
        Value::Array(list) => {
            for item in list {
                kwarg_refs(item, ctx, out);
            }
        }
        Value::Object(members) => {
            for m in members {
                kwarg_refs(&m.value, ctx, out);
            }
        }
        _ => {}
    }
}

/// `[name, node_index, tensor_index]` (or with a trailing kwargs dict).
fn is_tensor_ref(list: &[Node]) -> bool {
    match list {
        [name, node, index] | [name, node, index, _] => {
            (list.len() == 3 || list.get(3).and_then(Node::as_object).is_some())
                && name.as_str().is_some()
                && [node, index].iter().all(|n| matches!(n.value, Value::Number(_) | Value::String(_)))
        }
        _ => false,
    }
}
