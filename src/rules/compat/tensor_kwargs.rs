//! K311 legacy-tensor-kwargs: a tf-keras call node passing a tensor as a keyword argument
//! (`{"value": ["value", 0, 0]}`), which Keras 3's legacy reader passes on as a plain list.

use crate::cli::Target;
use crate::json::{self, Node};

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, active, make, raw};
use crate::schema::walk;

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "K311",
    name: "legacy-tensor-kwargs",
    summary: "A tensor passed by keyword in a tf-keras call node, which Keras 3 does not resolve",
    doc: "## What it does
With `--target keras3`, finds legacy `inbound_nodes` entries (`[layer, node_index,
tensor_index, kwargs]`) whose `kwargs` pass another layer's output as `[layer, node, tensor]`,
as tf-keras writes `MultiHeadAttention` called with `value=`.

## Why is this bad?
tf-keras turns those lists back into tensors (tf_keras/src/engine/functional.py
`_deserialize_keras_tensors`); Keras 3 reads legacy nodes without doing so
(keras/src/models/functional.py `deserialize_node`), the layer is called with a list instead of
a tensor and the load fails, e.g. `MultiHeadAttention.build() missing 1 required positional
argument: 'value_shape'`.

## Example
```json
\"inbound_nodes\": [[[\"query\", 0, 0, {\"value\": [\"value\", 0, 0]}]]]
```
Use instead (the node as Keras 3 writes it):
```json
\"inbound_nodes\": [{\"args\": [{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 4, 8], \"dtype\": \"float32\", \"keras_history\": [\"query\", 0, 0]}}], \"kwargs\": {\"value\": {\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 6, 8], \"dtype\": \"float32\", \"keras_history\": [\"value\", 0, 0]}}}}]
```

## Fix safety
Safe for `MultiHeadAttention`: each tensor keeps its layer, node and tensor index, and Keras 3
replaces the written tensor by that layer's real output when it rebuilds the graph; the shapes
written are the ones tf-keras saved in the layer's `query_shape` / `value_shape` / `key_shape`.
For other layers the shapes are not known and the node is reported without a fix.",
    fix_availability: FixAvailability::Sometimes,
    severity: Severity::Error,
};

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    if !active(doc, Target::Keras3) {
        return Vec::new();
    }
    let mut out = Vec::new();
    walk(doc.root, &mut |visit| {
        let Some(nodes) = visit.object.get("inbound_nodes") else { return };
        let Some(items) = nodes.as_array() else { return };
        if !items.iter().any(passes_tensor_by_keyword) {
            return;
        }
        let config = visit.config.filter(|_| visit.class_name == "MultiHeadAttention");
        let converted: Option<Vec<String>> = items
            .iter()
            .map(|n| {
                if passes_tensor_by_keyword(n) {
                    config.and_then(|c| keras3_node(doc.src, c, n))
                } else {
                    Some(raw(doc.src, n))
                }
            })
            .collect();
        let fix = converted.map(|c| {
            let new = format!("[{}]", c.join(", "));
            (vec![json::replace_value(nodes, &new)], new)
        });
        let message = format!(
            "Keras 3 does not turn `[layer, node, tensor]` keyword arguments into tensors; {} is called with a list",
            visit.class_name
        );
        out.push(make(&INFO, &visit.pointer.child("inbound_nodes"), raw(doc.src, nodes), message, fix));
    });
    out
}

/// A legacy node (a list of entries) one of whose entries has a `[str, int, int]` kwarg.
fn passes_tensor_by_keyword(node: &Node) -> bool {
    node.as_array().unwrap_or_default().iter().any(|entry| match entry.as_array() {
        Some([_, _, _, kwargs]) => {
            kwargs.as_object().unwrap_or_default().iter().any(|m| is_reference(&m.value))
        }
        _ => false,
    })
}

fn is_reference(value: &Node) -> bool {
    matches!(value.as_array(), Some([name, node, tensor])
        if name.as_str().is_some() && node.as_number().is_some() && tensor.as_number().is_some())
}

/// The Keras 3 form of a one-entry MultiHeadAttention node; `None` for anything else.
fn keras3_node(src: &[u8], config: &Node, node: &Node) -> Option<String> {
    let [entry] = node.as_array()? else { return None };
    let [name, index, tensor, kwargs] = entry.as_array()? else { return None };
    let dtype = config
        .get("dtype")
        .filter(|d| d.as_str().is_some())
        .map_or_else(|| "\"float32\"".to_owned(), |d| raw(src, d));
    let tensor_text = |shape: &Node, history: String| {
        format!(
            "{{\"class_name\": \"__keras_tensor__\", \"config\": {{\"shape\": {}, \"dtype\": {dtype}, \"keras_history\": {history}}}}}",
            json::compact_python(src, shape)
        )
    };
    let query_shape = config.get("query_shape").filter(|s| s.as_array().is_some())?;
    let query =
        tensor_text(query_shape, format!("[{}, {}, {}]", raw(src, name), raw(src, index), raw(src, tensor)));
    let mut members = Vec::new();
    for member in kwargs.as_object()? {
        let key = String::from_utf8_lossy(src.get(member.key_span.clone())?).into_owned();
        let text = if is_reference(&member.value) {
            let shape = config.get(&format!("{}_shape", member.key)).filter(|s| s.as_array().is_some())?;
            tensor_text(shape, json::compact_python(src, &member.value))
        } else {
            raw(src, &member.value)
        };
        members.push(format!("{key}: {text}"));
    }
    Some(format!("{{\"args\": [{query}], \"kwargs\": {{{}}}}}", members.join(", ")))
}
