//! TFK004 keras-tensor-nodes: Keras 3's `inbound_nodes` (`args` / `kwargs` holding
//! `__keras_tensor__` objects), which tf-keras cannot read.

use crate::cli::Target;
use crate::json;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::nodes::{Graph, legacy_node, node_shift};
use super::{Finding, active, make, raw};
use crate::schema::walk;

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "TFK004",
    name: "keras-tensor-nodes",
    summary: "Keras 3 call nodes in `inbound_nodes`, which tf-keras cannot read",
    doc: "## What it does
With `--target tf-keras`, finds layers of a Functional model whose `inbound_nodes` are written
the Keras 3 way: one `{\"args\": [...], \"kwargs\": {...}}` object per call, the inputs as
`__keras_tensor__` objects (keras/src/models/functional.py `serialize_node`).

## Why is this bad?
tf-keras reads each node as a list of `[layer_name, node_index, tensor_index, kwargs]`
entries (tf_keras/src/engine/functional.py `process_node`) and fails on the object:
`'str' object has no attribute 'as_list'`.

## Example
```json
\"inbound_nodes\": [{\"args\": [{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 8], \"dtype\": \"float32\", \"keras_history\": [\"features\", 0, 0]}}], \"kwargs\": {}}]
```
Use instead:
```json
\"inbound_nodes\": [[[\"features\", 0, 0, {}]]]
```

## Fix safety
Safe: each input becomes the entry tf-keras itself writes for it, a list input one entry per
tensor, keyword arguments (tensors among them as `[layer, node, tensor]`) on every entry.
References to a nested Functional or Sequential model get node index + 1, because tf-keras
counts the node such a model was built with and never saves it. Positional arguments after
the first are named from the layer's `call` signature (`MultiHeadAttention`: `value`, `key`);
a layer whose other positional arguments have no known name, or a node whose first argument
is not a tensor, is reported without a fix.",
    fix_availability: FixAvailability::Sometimes,
    severity: Severity::Error,
};

/// Positional `call` arguments after the first, by class
/// (tf_keras/src/layers/attention/multi_head_attention.py `call(query, value, key, ...)`).
const POSITIONAL: &[(&str, &[&str])] = &[("MultiHeadAttention", &["value", "key"])];

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    if !active(doc, Target::TfKeras) {
        return Vec::new();
    }
    let mut out = Vec::new();
    walk(doc.root, &mut |visit| {
        let Some(nodes) = visit.object.get("inbound_nodes") else { return };
        let Some(items) = nodes.as_array() else { return };
        if !items.iter().any(|n| n.as_object().is_some()) {
            return;
        }
        let graph = Graph {
            src: doc.src,
            node_shift: node_shift(doc.root, &visit.pointer.to_pointer()),
            positional: POSITIONAL,
        };
        let converted: Option<Vec<String>> = items
            .iter()
            .map(|n| match n.as_object() {
                Some(_) => legacy_node(&graph, visit.class_name, n),
                None => Some(raw(doc.src, n)),
            })
            .collect();
        let fix = converted.map(|c| {
            let new = format!("[{}]", c.join(", "));
            (vec![json::replace_value(nodes, &new)], new)
        });
        let message = "tf-keras reads nodes as `[layer, node, tensor, kwargs]` lists: \"'str' object has no attribute 'as_list'\"".to_owned();
        out.push(make(&INFO, &visit.pointer.child("inbound_nodes"), raw(doc.src, nodes), message, fix));
    });
    out
}
