//! K305 layer-batch-input-shape: Keras 2's `batch_input_shape` on a layer that is not an
//! InputLayer, which Keras 3 refuses or misreads.

use crate::cli::Target;
use crate::json::{self, Edit, Node, Pointer};
use crate::schema::{PointerPath, PointerStep};

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{ConfigPointer, Finding, active, drop_member, each_config, make, member_text};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "K305",
    name: "layer-batch-input-shape",
    summary: "`batch_input_shape` on a layer other than InputLayer (Keras 2), which Keras 3 refuses",
    doc: "## What it does
With `--target keras3`, finds `batch_input_shape` in the config of a layer that is not an
`InputLayer`. Keras 2 writes it on the layer a model was started with
(`Dense(4, input_shape=(8,))`, `Embedding(..., input_length=5)`).

## Why is this bad?
Keras 3 layers take `input_shape` but not `batch_input_shape` (keras/src/layers/layer.py):
in a `.keras` archive the model is refused with
`Unrecognized keyword arguments passed to Embedding: {'batch_input_shape': [None, 5]}`. In a
legacy `.h5`, Keras 3 passes the whole batch shape on as `input_shape`
(keras/src/legacy/saving/saving_utils.py), so a Sequential model without an InputLayer gets
one extra dimension and fails to build, e.g. `Kernel shape must have the same length as input`.

## Example
```json
{\"class_name\": \"Sequential\", \"config\": {\"layers\": [
  {\"class_name\": \"Conv2D\", \"config\": {\"filters\": 4, \"batch_input_shape\": [null, 8, 8, 3]}}]}}
```
Use instead:
```json
{\"class_name\": \"Sequential\", \"config\": {\"layers\": [
  {\"class_name\": \"Conv2D\", \"config\": {\"filters\": 4, \"input_shape\": [8, 8, 3]}}]}}
```

## Fix safety
Safe. On the first layer of a Sequential model with no InputLayer, the member becomes
`input_shape` without the batch dimension, which is how Keras 3 creates that model's input.
Anywhere else the model's inputs already fix the shape (an InputLayer precedes the layer, or
the graph of a Functional model feeds it), and the member is removed.",
    fix_availability: FixAvailability::Always,
    severity: Severity::Error,
};

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    if !active(doc, Target::Keras3) {
        return Vec::new();
    }
    each_config(doc, |visit, config, pointer, out| {
        if visit.class_name == "InputLayer" {
            return;
        }
        let Some(shape) = config.get("batch_input_shape") else { return };
        let message = format!(
            "Keras 3 has no `batch_input_shape` on {}: \"Unrecognized keyword arguments passed to {}: {{'batch_input_shape': ...}}\"",
            visit.class_name, visit.class_name
        );
        if starts_sequential(doc.root, visit.pointer) {
            out.extend(to_input_shape(doc.src, config, pointer, shape, message));
        } else {
            out.extend(drop_member(&INFO, doc.src, config, pointer, "batch_input_shape", message, true));
        }
    })
}

/// True if the layer at `pointer` is the first layer of a Sequential model (so nothing but
/// this member tells Keras 3 the model's input shape).
fn starts_sequential(root: &Node, pointer: &PointerPath<'_>) -> bool {
    let tokens = pointer.tokens();
    let [model @ .., config, layers, index] = tokens else { return false };
    if !config.is("config") || !layers.is("layers") || !index.is("0") {
        return false;
    }
    let model = Pointer::from_tokens(model.iter().map(PointerStep::to_token));
    root.pointer(&model).and_then(|m| m.get("class_name")).and_then(Node::as_str) == Some("Sequential")
}

/// `"batch_input_shape": [null, 8]` -> `"input_shape": [8]`, the value's items spelled as found.
fn to_input_shape(
    src: &[u8],
    config: &Node,
    pointer: &ConfigPointer<'_, '_>,
    shape: &Node,
    message: String,
) -> Option<Finding> {
    let items = shape.as_array().filter(|items| !items.is_empty())?;
    let member = config.get_member("batch_input_shape")?;
    let rest: Vec<String> = items[1..].iter().map(|item| json::compact_python(src, item)).collect();
    let value = format!("[{}]", rest.join(", "));
    let key = json::quote_python("input_shape");
    let edits = vec![Edit::replace(member.key_span.clone(), key.clone()), json::replace_value(shape, &value)];
    let old = member_text(src, config, "batch_input_shape")?;
    Some(make(
        &INFO,
        &pointer.child("batch_input_shape"),
        old,
        message,
        Some((edits, format!("{key}: {value}"))),
    ))
}
