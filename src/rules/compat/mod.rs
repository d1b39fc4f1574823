//! Cross-version rules: what a model saved by one Keras needs before another Keras loads it.
//!
//! `K3xx` rules make configs written by Keras 2 / tf-keras load in Keras 3 (active with
//! `--target keras3`); `TFKxxx` rules make configs written by Keras 3 load in tf-keras (active
//! with `--target tf-keras`). Without a target none of them reports anything: an argument that
//! is foreign to one library is native to the other. Every rule finds its objects through
//! [`crate::schema::walk`] and scopes each edit to the layer classes the error is about.

pub(super) mod axis_list;
pub(super) mod batch_shape;
pub(super) mod depthwise_groups;
pub(super) mod dtype_policy;
pub(super) mod embedding_input_length;
pub(super) mod functional_class_name;
pub(super) mod initializer_axes;
pub(super) mod keras3_only_args;
pub(super) mod layer_batch_input_shape;
pub(super) mod lookup_int_dtype;
pub(super) mod mha_build_config;
pub(super) mod mha_build_shapes;
pub(super) mod mha_shapes_for_tf_keras;
pub(super) mod mixed_precision_policy;
pub(super) mod module_for_keras3;
pub(super) mod module_for_tf_keras;
pub(super) mod nested_node_index;
mod nodes;
pub(super) mod quantization_config;
pub(super) mod rnn_time_major;
pub(super) mod tensor_kwargs;
pub(super) mod tensor_nodes;
pub(super) mod tf_op_lambda;

use crate::cli::Target;
use crate::json::{self, Edit, Node, Pointer};
use crate::schema::PointerPath;
use crate::schema::{PartKind, Visit, walk};

use super::codes::RuleInfo;
use super::{Document, Finding, Fix, Safety};

/// What a removed member reads as in a report: the value is gone, not replaced.
const REMOVED: &str = "(removed)";

/// True when `doc` is a model config that must load in `target`. Training configs and
/// metadata hold no layer arguments, so the compatibility rules never look at them.
pub(super) fn active(doc: &Document<'_>, target: Target) -> bool {
    doc.part == PartKind::ModelConfig && doc.settings.target == Some(target)
}

/// Calls `f` on every serialized object of `doc` whose `config` is an object, with that
/// config and its pointer, and collects what `f` returns.
pub(super) fn each_config<'a>(
    doc: &Document<'a>,
    mut f: impl FnMut(&Visit<'a, '_>, &'a Node, &ConfigPointer<'_, 'a>, &mut Vec<Finding>),
) -> Vec<Finding> {
    let mut out = Vec::new();
    walk(doc.root, &mut |visit| {
        if let Some(config) = visit.config.filter(|c| c.as_object().is_some()) {
            f(visit, config, &ConfigPointer(visit.pointer), &mut out);
        }
    });
    out
}

/// The pointer to a visited object's `config`, given by the object's walk pointer so that it
/// is built only for the configs a finding is about.
pub(super) struct ConfigPointer<'p, 'a>(&'p PointerPath<'a>);

impl ConfigPointer<'_, '_> {
    /// The pointer to member `key` of the config.
    pub(super) fn child(&self, key: &str) -> Pointer {
        let mut pointer = self.0.child("config");
        pointer.push(key);
        pointer
    }

    /// The pointer to the object that holds the config.
    pub(super) fn parent(&self) -> Option<Pointer> {
        Some(self.0.to_pointer())
    }
}

/// Where an object is, for building the pointer to one of its members: an owned pointer, a
/// walk's borrowed one, or a visited object's config.
pub(super) trait Base {
    fn member_pointer(&self, key: &str) -> Pointer;
}

impl Base for Pointer {
    fn member_pointer(&self, key: &str) -> Pointer {
        self.child(key)
    }
}

impl Base for PointerPath<'_> {
    fn member_pointer(&self, key: &str) -> Pointer {
        self.child(key)
    }
}

impl Base for ConfigPointer<'_, '_> {
    fn member_pointer(&self, key: &str) -> Pointer {
        self.child(key)
    }
}

/// A finding of `info` at `pointer`; `fix` is the safe edits and the new text.
pub(super) fn make(
    info: &'static RuleInfo,
    pointer: &Pointer,
    old: String,
    message: String,
    fix: Option<(Vec<Edit>, String)>,
) -> Finding {
    Finding {
        code: info.code,
        name: info.name,
        pointer: pointer.to_string(),
        message,
        old,
        fix: fix.map(|(edits, new)| Fix { edits, safety: Safety::Safe, new }),
        severity: info.severity,
    }
}

/// The source text of a node.
pub(super) fn raw(src: &[u8], node: &Node) -> String {
    String::from_utf8_lossy(node.raw(src)).into_owned()
}

/// `"key": value` as written, for reports about a whole member.
pub(super) fn member_text(src: &[u8], object: &Node, key: &str) -> Option<String> {
    let member = object.get_member(key)?;
    let bytes = src.get(member.key_span.start..member.value.span.end)?;
    Some(String::from_utf8_lossy(bytes).into_owned())
}

/// A finding about member `key` of `object` (at `pointer`); with `fixable`, its fix removes
/// exactly that member and one separator.
pub(super) fn drop_member(
    info: &'static RuleInfo,
    src: &[u8],
    object: &Node,
    pointer: &dyn Base,
    key: &str,
    message: String,
    fixable: bool,
) -> Option<Finding> {
    let index = object.as_object()?.iter().position(|m| m.key == key)?;
    let old = member_text(src, object, key)?;
    let fix = fixable.then(|| (vec![json::remove_member(src, object, index)], REMOVED.to_owned()));
    Some(make(info, &pointer.member_pointer(key), old, message, fix))
}

/// A finding that renames member `key` of `object` to `new_key`, keeping its value's bytes.
pub(super) fn rename_member(
    info: &'static RuleInfo,
    src: &[u8],
    object: &Node,
    pointer: &dyn Base,
    key: &str,
    new_key: &str,
    message: String,
) -> Option<Finding> {
    let member = object.get_member(key)?;
    let new_name = json::quote_python(new_key);
    let edit = Edit::replace(member.key_span.clone(), new_name.clone());
    let new = format!("{new_name}: {}", raw(src, &member.value));
    Some(make(
        info,
        &pointer.member_pointer(key),
        member_text(src, object, key)?,
        message,
        Some((vec![edit], new)),
    ))
}

/// True if `pointer`'s last token is `key` (the object sits under that member).
pub(super) fn under_key(pointer: &PointerPath<'_>, key: &str) -> bool {
    pointer.tokens().last().is_some_and(|t| t.is(key))
}

/// Findings for each argument in `keys` found in the config of a class in `classes` (any
/// class when empty), in a document that must load in `target`. The member is removed when
/// `safe(key, value)` holds; otherwise it is reported without a fix. `message` gets the class,
/// the key and the value's text.
pub(super) fn foreign_arguments(
    doc: &Document<'_>,
    info: &'static RuleInfo,
    target: Target,
    classes: &[&str],
    keys: &[&str],
    safe: fn(&str, &Node) -> bool,
    message: &dyn Fn(&str, &str, &str) -> String,
) -> Vec<Finding> {
    if !active(doc, target) {
        return Vec::new();
    }
    each_config(doc, |visit, config, pointer, out| {
        if !classes.is_empty() && !classes.contains(&visit.class_name) {
            return;
        }
        for key in keys {
            let Some(value) = config.get(key) else { continue };
            let text = message(visit.class_name, key, &raw(doc.src, value));
            out.extend(drop_member(info, doc.src, config, pointer, key, text, safe(key, value)));
        }
    })
}

/// `value` is JSON `null`.
pub(super) fn is_null(_key: &str, value: &Node) -> bool {
    value.is_null()
}

/// `value` is JSON `false`.
pub(super) fn is_false(_key: &str, value: &Node) -> bool {
    value.as_bool() == Some(false)
}

/// Findings for each `module` of an object of class `class` that `wrong(module)` judges
/// foreign to the target; the fix writes `right` instead.
pub(super) fn rewrite_module(
    doc: &Document<'_>,
    info: &'static RuleInfo,
    target: Target,
    class: &str,
    right: &str,
    wrong: fn(&str) -> bool,
    message: &dyn Fn(&str) -> String,
) -> Vec<Finding> {
    if !active(doc, target) {
        return Vec::new();
    }
    let mut out = Vec::new();
    walk(doc.root, &mut |visit| {
        if visit.class_name != class {
            return;
        }
        let Some(module) = visit.object.get("module") else { return };
        let Some(name) = module.as_str().filter(|m| wrong(m)) else { return };
        let new = json::quote_python(right);
        let edit = json::replace_value(module, &new);
        out.push(make(
            info,
            &visit.pointer.child("module"),
            raw(doc.src, module),
            message(name),
            Some((vec![edit], new)),
        ));
    });
    out
}

/// Findings for each serialized object of a class in `classes` that is the value of a
/// `dtype` member: with `fixable`, the fix puts its `config.name` string in its place.
pub(super) fn policy_to_name(
    doc: &Document<'_>,
    info: &'static RuleInfo,
    target: Target,
    classes: &[&str],
    fixable: fn(&str) -> bool,
    message: &dyn Fn(&str) -> String,
) -> Vec<Finding> {
    if !active(doc, target) {
        return Vec::new();
    }
    let mut out = Vec::new();
    walk(doc.root, &mut |visit| {
        if !classes.contains(&visit.class_name) || !under_key(visit.pointer, "dtype") {
            return;
        }
        let name = visit.config.and_then(|c| c.get("name")).and_then(Node::as_str);
        let fix = name.filter(|_| fixable(visit.class_name)).map(|name| {
            let new = json::quote_python(name);
            (vec![json::replace_value(visit.object, &new)], new)
        });
        out.push(make(
            info,
            &visit.pointer.to_pointer(),
            raw(doc.src, visit.object),
            message(visit.class_name),
            fix,
        ));
    });
    out
}

/// Every compatibility rule's check, in code order.
const CHECKS: &[fn(&Document<'_>) -> Vec<Finding>] = &[
    depthwise_groups::check,
    rnn_time_major::check,
    embedding_input_length::check,
    mha_build_shapes::check,
    layer_batch_input_shape::check,
    axis_list::check,
    module_for_keras3::check,
    mixed_precision_policy::check,
    tf_op_lambda::check,
    nested_node_index::check,
    tensor_kwargs::check,
    mha_build_config::check,
    batch_shape::check,
    dtype_policy::check,
    module_for_tf_keras::check,
    tensor_nodes::check,
    initializer_axes::check,
    quantization_config::check,
    keras3_only_args::check,
    functional_class_name::check,
    mha_shapes_for_tf_keras::check,
    lookup_int_dtype::check,
];

/// The findings of every compatibility rule in one document (the engine's one entry for
/// this family; each rule still reports under its own code).
pub(super) fn check(doc: &Document<'_>) -> Vec<Finding> {
    CHECKS.iter().flat_map(|check| check(doc)).collect()
}
