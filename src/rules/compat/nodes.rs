//! Rewriting one Keras 3 call node (`{"args": [...], "kwargs": {...}}` holding
//! `__keras_tensor__` objects) as the legacy list tf-keras reads
//! (`[[layer, node, tensor, {kwargs}], ...]`), text only: every name, number and argument
//! keeps the bytes it was written with.

use std::collections::HashMap;

use crate::json::{Node, Pointer, Value};

/// How the rewrite sees the model around a node.
pub(super) struct Graph<'a> {
    pub src: &'a [u8],
    /// Layer name -> how much tf-keras's node indices exceed Keras 3's for it: 1 for nested
    /// models that tf-keras built on their own inputs (their first node is never saved,
    /// tf_keras/src/engine/functional.py `_should_skip_first_node`), else 0.
    pub node_shift: HashMap<String, i64>,
    /// Names of the positional call arguments after the first, by layer class
    /// (`MultiHeadAttention(query, value, key)`).
    pub positional: &'a [(&'a str, &'a [&'a str])],
}

/// The legacy text of one node of a layer of class `class`, or `None` when the node cannot be
/// expressed that way (a constant first argument, positional arguments of unknown name).
pub(super) fn legacy_node(graph: &Graph<'_>, class: &str, node: &Node) -> Option<String> {
    let args = node.get("args")?.as_array()?;
    let (first, rest) = args.split_first()?;
    let mut kwargs: Vec<(String, String)> = Vec::new();
    if let Some(members) = node.get("kwargs").map(|k| k.as_object()) {
        for member in members? {
            let key = String::from_utf8_lossy(graph.src.get(member.key_span.clone())?).into_owned();
            kwargs.push((key, value_text(graph, &member.value)?));
        }
    }
    if !rest.is_empty() {
        let names = graph.positional.iter().find(|(c, _)| *c == class)?.1;
        for (arg, name) in rest.iter().zip(names.iter().map(|n| crate::json::quote_python(n))) {
            if kwargs.iter().any(|(k, _)| *k == name) {
                return None;
            }
            kwargs.push((name, value_text(graph, arg)?));
        }
        if rest.len() > names.len() {
            return None;
        }
    }
    let kwargs =
        format!("{{{}}}", kwargs.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", "));
    let inputs: Vec<&Node> = match &first.value {
        Value::Array(items) => items.iter().collect(),
        _ => vec![first],
    };
    let entries = inputs
        .into_iter()
        .map(|t| history(graph, t).map(|h| format!("[{h}, {kwargs}]")))
        .collect::<Option<Vec<_>>>()?;
    Some(format!("[{}]", entries.join(", ")))
}

/// `name, node, tensor` of a `__keras_tensor__`, node index shifted for tf-keras.
fn history(graph: &Graph<'_>, tensor: &Node) -> Option<String> {
    if tensor.get("class_name")?.as_str()? != "__keras_tensor__" {
        return None;
    }
    let [name, node, index] = tensor.get("config")?.get("keras_history")?.as_array()? else { return None };
    let shift = graph.node_shift.get(name.as_str()?).copied().unwrap_or(0);
    let node = node.as_number()?.as_i64()?.checked_add(shift)?;
    let name = String::from_utf8_lossy(name.raw(graph.src));
    let index = String::from_utf8_lossy(index.raw(graph.src));
    Some(format!("{name}, {node}, {index}"))
}

/// A keyword argument's value: a keras tensor becomes its `[name, node, tensor]` history, a list
/// of them a list of histories; anything else keeps its bytes.
fn value_text(graph: &Graph<'_>, value: &Node) -> Option<String> {
    match &value.value {
        Value::Object(_) if value.get("class_name").and_then(Node::as_str) == Some("__keras_tensor__") => {
            history(graph, value).map(|h| format!("[{h}]"))
        }
        Value::Array(items) if items.iter().any(contains_tensor) => {
            let items = items.iter().map(|i| value_text(graph, i)).collect::<Option<Vec<_>>>()?;
            Some(format!("[{}]", items.join(", ")))
        }
        // A tensor deeper inside a dict has no legacy spelling.
        _ if contains_tensor(value) => None,
        _ => Some(String::from_utf8_lossy(value.raw(graph.src)).into_owned()),
    }
}

fn contains_tensor(node: &Node) -> bool {
    match &node.value {
        Value::Object(members) => {
            node.get("class_name").and_then(Node::as_str) == Some("__keras_tensor__")
                || members.iter().any(|m| contains_tensor(&m.value))
        }
        Value::Array(items) => items.iter().any(contains_tensor),
        _ => false,
    }
}

/// For the layers beside the one at `layer` (its model's `layers`), by name: 1 for nested
/// models whose first node tf-keras does not save, 0 for the rest.
pub(super) fn node_shift(root: &Node, layer: &Pointer) -> HashMap<String, i64> {
    let siblings = layer.parent().and_then(|p| root.pointer(&p)).and_then(Node::as_array).unwrap_or_default();
    siblings
        .iter()
        .filter_map(|s| {
            let name = s.get("name").or_else(|| s.get("config")?.get("name"))?.as_str()?;
            Some((name.to_owned(), i64::from(built_on_inputs(s))))
        })
        .collect()
}

/// A Functional model, or a Sequential one starting with an InputLayer: tf-keras builds it on
/// its inputs when it is created (tf_keras/src/engine/functional.py `_should_skip_first_node`).
pub(super) fn built_on_inputs(layer: &Node) -> bool {
    match layer.get("class_name").and_then(Node::as_str) {
        Some("Functional" | "Model") => true,
        Some("Sequential") => {
            let first = layer.get("config").and_then(|c| c.get("layers")).and_then(Node::as_array);
            first.and_then(|l| l.first()).and_then(|l| l.get("class_name")).and_then(Node::as_str)
                == Some("InputLayer")
        }
        _ => false,
    }
}
