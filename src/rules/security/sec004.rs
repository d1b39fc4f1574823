//! SEC004 tf-op-layer: tf-keras op layers (`TFOpLambda` and its kin), which call a TensorFlow
//! function or tensor method named in the config.

use crate::json::Node;
use crate::schema::{Role, Visit};

use super::{Finding, config_member, finding, location, member};
use crate::rules::Document;
use crate::rules::{FixAvailability, RuleInfo, Severity};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "SEC004",
    name: "tf-op-layer",
    summary: "TFOpLambda-style layer calling a TensorFlow op by name",
    doc: "## What it does
Finds the layers tf-keras creates when a TensorFlow function or tensor method is applied to a
Keras tensor in a functional model (tf_keras/src/layers/core/tf_op_layer.py): `TFOpLambda`
and `SlicingOpLambda` (`\"function\": \"math.add\"`), `ClassMethod` (`cls_symbol`,
`method_name`), `InstanceMethod` and `InstanceProperty` (`attr_name`), in nested models too.
The finding points at the name that is called.

## Why is this bad?
On load, tf-keras resolves the name against the whole public TensorFlow API
(`get_symbol_from_name`) or with `getattr` on a tensor, and calls it on the model's tensors
with arguments stored in the file. That includes ops with side effects (`io.write_file`,
`io.read_file`, `print`, `py_function`'s relatives), so a gate should see which ops a model
calls. It is not arbitrary Python (only public TensorFlow symbols), hence `warning`, not
`error`. Keras 3 cannot load these layers at all.

## Example
```json
{\"class_name\": \"TFOpLambda\", \"config\": {\"name\": \"tf.math.add\", \"function\": \"math.add\"}}
```
Use instead: a Keras layer (`Add`, `Rescaling`) or `keras.ops` inside a custom layer.

## Fix safety
No automatic fix.",
    fix_availability: FixAvailability::Never,
    severity: Severity::Warning,
};

/// The op-layer classes of tf_keras/src/layers/core/tf_op_layer.py and the config field that
/// names what each calls.
pub(super) const OP_LAYERS: &[(&str, &str)] = &[
    ("TFOpLambda", "function"),
    ("SlicingOpLambda", "function"),
    ("ClassMethod", "method_name"),
    ("InstanceMethod", "attr_name"),
    ("InstanceProperty", "attr_name"),
];

pub(super) fn check(visit: &Visit<'_, '_>, document: &Document<'_>, out: &mut Vec<Finding>) {
    let src = document.src;
    if visit.role != Role::Layer {
        return;
    }
    let Some(&(class, field)) = OP_LAYERS.iter().find(|(class, _)| *class == visit.class_name) else {
        return;
    };
    let called = config_member(visit, field);
    let (node, pointer) = match called {
        Some(found) => found,
        None => match member(visit, "class_name") {
            Some(found) => found,
            None => return,
        },
    };
    let name = node.as_str().map_or_else(|| String::from("(not a string)"), str::to_owned);
    let qualified = match class {
        "TFOpLambda" | "SlicingOpLambda" => format!("tf.{name}"),
        "ClassMethod" => {
            let symbol = visit.config.and_then(|c| c.get("cls_symbol")).and_then(Node::as_str);
            format!("tf.{}.{name}", symbol.unwrap_or("?"))
        }
        _ => format!("<tensor>.{name}"),
    };
    let message = format!(
        "{} is a {class} calling `{qualified}` by name when the model is rebuilt and run",
        location(visit)
    );
    out.push(finding(&INFO, node, &pointer, src, message));
}
