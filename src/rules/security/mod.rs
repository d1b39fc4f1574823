//! Security rules (`SEC001`...) for deploy gates: what in a saved model makes Keras run code,
//! import modules or call functions that the model file chose.
//!
//! The walk that finds integer sites ([`crate::schema::integer_sites_visiting`], built on
//! [`crate::schema::walk`], which reaches layers in nested models and wrappers as well as
//! initializers, regularizers, constraints, activations, losses and metrics) hands every
//! serialized object to each rule, so a check traverses a document once. The rules only read JSON: nothing is
//! base64-decoded beyond a length count, unmarshalled, imported or executed.

mod bytecode;
mod modules;
mod names;
mod sec001;
mod sec002;
mod sec003;
mod sec004;
mod sec005;

pub(super) use modules::is_core_keras_module;
pub(super) use sec001::INFO as SEC001;
pub(super) use sec002::INFO as SEC002;
pub(super) use sec003::INFO as SEC003;
pub(super) use sec004::INFO as SEC004;
pub(super) use sec005::INFO as SEC005;

use crate::json::{Node, Pointer};
use crate::schema::Visit;
use crate::schema::{PointerPath, PointerStep};

use super::RuleInfo;
use super::{Document, Finding};

/// A rule's look at one serialized object; findings go to `out`.
type VisitCheck = fn(&Visit<'_, '_>, &Document<'_>, &mut Vec<Finding>);

/// Every security rule, in code order.
const CHECKS: &[VisitCheck] = &[sec001::check, sec002::check, sec003::check, sec004::check, sec005::check];

/// The security findings about one serialized object of `document`, as the integer-site walk
/// meets it (which skips `metadata.json`: it holds only `keras_version` and `date_saved`); the
/// caller filters by selection.
pub(super) fn visit(visit: &Visit<'_, '_>, document: &Document<'_>, out: &mut Vec<Finding>) {
    for check in CHECKS {
        check(visit, document, out);
    }
}

/// A finding at `node` (reached by `pointer`); security rules have no fixes.
fn finding(info: &'static RuleInfo, node: &Node, pointer: &Pointer, src: &[u8], message: String) -> Finding {
    Finding {
        code: info.code,
        name: info.name,
        pointer: pointer.to_string(),
        message,
        old: String::from_utf8_lossy(node.raw(src)).into_owned(),
        fix: None,
        severity: info.severity,
    }
}

/// `node` and its pointer, when the visited object has a member `key`.
fn member<'a>(visit: &Visit<'a, '_>, key: &str) -> Option<(&'a Node, Pointer)> {
    visit.object.get(key).map(|node| (node, visit.pointer.child(key)))
}

/// `node` and its pointer, when the visited object's config has a member `key`.
fn config_member<'a>(visit: &Visit<'a, '_>, key: &str) -> Option<(&'a Node, Pointer)> {
    let node = visit.config?.get(key)?;
    let mut pointer = visit.pointer.child("config");
    pointer.push(key);
    Some((node, pointer))
}

/// Where an object sits, for messages: "in `kernel_initializer` of layer `outer > mid > dense`",
/// or "layer `outer > mid > dense`" for a layer itself.
fn location(visit: &Visit<'_, '_>) -> String {
    let layers = if visit.path.is_empty() { String::from("(top level)") } else { visit.path.join(" > ") };
    match visit.role {
        crate::schema::Role::Layer => format!("layer `{layers}`"),
        crate::schema::Role::Object => {
            let key = field_name(visit.pointer);
            format!("`{key}` of `{layers}`")
        }
    }
}

/// The config field an object is stored under: the last non-index token of its pointer
/// (`kernel_initializer`, `metrics` for `/compile_config/metrics/1`).
fn field_name<'a>(pointer: &PointerPath<'a>) -> &'a str {
    pointer
        .tokens()
        .iter()
        .rev()
        .find_map(|t| match t {
            PointerStep::Key(key) if !key.bytes().all(|b| b.is_ascii_digit()) => Some(*key),
            _ => None,
        })
        .unwrap_or("(root)")
}
