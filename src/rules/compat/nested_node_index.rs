//! K310 nested-node-index: tf-keras's node indices for calls of a nested model, one more than
//! Keras 3 counts.

use crate::cli::Target;
use crate::json::{Edit, Node};

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::nodes::node_shift;
use super::{Finding, active, make, raw};
use crate::schema::walk;

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "K310",
    name: "nested-node-index",
    summary: "A tf-keras node index into a nested model, which Keras 3 cannot resolve",
    doc: "## What it does
With `--target keras3`, finds legacy `inbound_nodes` entries (`[layer, node_index,
tensor_index, kwargs]`) that call on the output of a nested Functional model, or of a nested
Sequential model that starts with an InputLayer, with `node_index` >= 1.

## Why is this bad?
tf-keras counts the node such a model was built with when it was created, and never saves it
(tf_keras/src/engine/functional.py `_should_skip_first_node`): its first call in the outer model
is node 1. Keras 3 creates no such node (keras/src/models/functional.py `deserialize_node`), so
node 1 does not exist and the model is refused: `Invalid Functional model configuration. The
graph of the Functional model either has loops or disconnected nodes. The following nodes
failed to be resolved: {<Dense name=out, built=False>: [[['inner_seq', 1, 0, {}]]]}`.

## Example
```json
{\"class_name\": \"Dense\", \"name\": \"out\", \"inbound_nodes\": [[[\"inner_seq\", 1, 0, {}]]]}
```
Use instead:
```json
{\"class_name\": \"Dense\", \"name\": \"out\", \"inbound_nodes\": [[[\"inner_seq\", 0, 0, {}]]]}
```

## Fix safety
Safe: the same call of the nested model, numbered as Keras 3 numbers it. Only the index digits
change; references to other layers are left alone. A model that any entry already calls as node
0 is numbered the Keras 3 way and is not touched, so the fix applies once.",
    fix_availability: FixAvailability::Always,
    severity: Severity::Error,
};

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    if !active(doc, Target::Keras3) {
        return Vec::new();
    }
    let mut out = Vec::new();
    walk(doc.root, &mut |visit| {
        let Some(nodes) = visit.object.get("inbound_nodes").and_then(Node::as_array) else { return };
        let layer = visit.pointer.to_pointer();
        let mut shift = node_shift(doc.root, &layer);
        // tf-keras never refers to node 0 of such a model; a 0 anywhere means the indices are
        // already Keras 3's (fixed before, or written so), and must not move again.
        shift.retain(|name, s| *s > 0 && !refers_to_node_zero(doc.root, &layer, name));
        for (n, node) in nodes.iter().enumerate() {
            let Some(entries) = node.as_array() else { continue };
            for (e, entry) in entries.iter().enumerate() {
                let Some([name, index, ..]) = entry.as_array() else { continue };
                let Some(name) = name.as_str() else { continue };
                let Some(value) = index.as_number().and_then(|i| i.as_i64()) else { continue };
                if value < 1 || shift.get(name).copied().unwrap_or(0) == 0 {
                    continue;
                }
                let new = (value - 1).to_string();
                let pointer =
                    visit.pointer.child("inbound_nodes").child(n.to_string()).child(e.to_string()).child("1");
                let message = format!(
                    "Keras 3 numbers the calls of nested model `{name}` from 0: \"The following nodes failed to be resolved\""
                );
                let edit = Edit::replace(index.span.clone(), new.clone());
                out.push(make(&INFO, &pointer, raw(doc.src, index), message, Some((vec![edit], new))));
            }
        }
    });
    out
}

/// True if some legacy node entry beside the layer at `layer` calls `name`'s node 0.
fn refers_to_node_zero(root: &Node, layer: &crate::json::Pointer, name: &str) -> bool {
    let siblings = layer.parent().and_then(|p| root.pointer(&p)).and_then(Node::as_array).unwrap_or_default();
    siblings
        .iter()
        .filter_map(|s| s.get("inbound_nodes").and_then(Node::as_array))
        .flatten()
        .filter_map(Node::as_array)
        .flatten()
        .filter_map(Node::as_array)
        .any(|entry| match entry {
            [n, i, ..] => n.as_str() == Some(name) && i.as_number().and_then(|i| i.as_i64()) == Some(0),
            _ => false,
        })
}
