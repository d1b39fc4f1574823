//! TFK007 keras3-only-args: arguments Keras 3 added to layers tf-keras also has, saved at their
//! defaults, which tf-keras refuses.

use crate::cli::Target;
use crate::json::Node;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, active, drop_member, each_config};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "TFK007",
    name: "keras3-only-args",
    summary: "A Keras 3 layer argument that tf-keras does not know",
    doc: "## What it does
With `--target tf-keras`, finds layer arguments that only Keras 3 has, in the layers both
libraries share:

| class | arguments | fixed when |
| --- | --- | --- |
| `MultiHeadAttention` | `use_gate`, `sliding_window`, `seed` | `false` / `null` / `null` |
| `LayerNormalization` | `rms_scaling` | `false` |
| `IntegerLookup`, `StringLookup` | `oov_method` | `num_oov_indices` is 0 or 1 (no hashing) |
| `IntegerLookup`, `StringLookup` | `salt` | `null` |

(keras/src/layers/attention/multi_head_attention.py, keras/src/layers/normalization/
layer_normalization.py, keras/src/layers/preprocessing/index_lookup.py `get_config`, against
their tf_keras/src/layers/ counterparts.)

## Why is this bad?
tf-keras validates every layer argument (tf_keras/src/engine/base_layer.py) and refuses the
model: `Keyword argument not understood: 'use_gate'`.

## Example
```json
{\"class_name\": \"MultiHeadAttention\", \"config\": {\"num_heads\": 2, \"use_gate\": false, \"sliding_window\": null, \"seed\": null}}
```
Use instead:
```json
{\"class_name\": \"MultiHeadAttention\", \"config\": {\"num_heads\": 2}}
```

## Fix safety
Safe at the values listed: they select the behaviour tf-keras always has (`oov_method`
only chooses how to hash out-of-vocabulary tokens among several OOV indices). Any other value
is reported without a fix, since tf-keras cannot reproduce it (a gated attention, a sliding
window, RMS scaling, salted hashing).",
    fix_availability: FixAvailability::Sometimes,
    severity: Severity::Error,
};

/// When removing the argument keeps tf-keras's behaviour, given the layer config and the value.
type Safe = fn(&Node, &Node) -> bool;

/// `(class, argument, safe)`.
const ARGUMENTS: &[(&str, &str, Safe)] = &[
    ("MultiHeadAttention", "use_gate", is_false),
    ("MultiHeadAttention", "sliding_window", is_null),
    ("MultiHeadAttention", "seed", is_null),
    ("LayerNormalization", "rms_scaling", is_false),
    ("IntegerLookup", "oov_method", no_hashing),
    ("StringLookup", "oov_method", no_hashing),
    ("IntegerLookup", "salt", is_null),
    ("StringLookup", "salt", is_null),
];

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    if !active(doc, Target::TfKeras) {
        return Vec::new();
    }
    each_config(doc, |visit, config, pointer, out| {
        for (class, key, safe) in ARGUMENTS {
            let Some(value) = config.get(key).filter(|_| *class == visit.class_name) else { continue };
            let message = format!("tf-keras refuses it: \"Keyword argument not understood: '{key}'\"");
            out.extend(drop_member(&INFO, doc.src, config, pointer, key, message, safe(config, value)));
        }
    })
}

fn is_false(_config: &Node, value: &Node) -> bool {
    value.as_bool() == Some(false)
}

fn is_null(_config: &Node, value: &Node) -> bool {
    value.is_null()
}

/// With at most one out-of-vocabulary index nothing is hashed, whatever the method.
fn no_hashing(config: &Node, _value: &Node) -> bool {
    config.get("num_oov_indices").and_then(Node::as_number).and_then(|n| n.as_i64()).is_some_and(|n| n <= 1)
}
