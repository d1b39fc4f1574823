//! TFK007 keras3-only-args: arguments Keras 3 added to layers tf-keras also has, saved at their
//! defaults, which tf-keras refuses.

use crate::cli::Target;
use crate::json::Node;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, foreign_arguments, is_false, is_null};

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

(keras/src/layers/attention/multi_head_attention.py, keras/src/layers/normalization/
layer_normalization.py `get_config`, against tf_keras/src/layers/attention/
multi_head_attention.py and tf_keras/src/layers/normalization/layer_normalization.py.)

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
Safe at the default values listed: they select the behaviour tf-keras always has. Any other
value is reported without a fix, since tf-keras cannot reproduce it (a gated attention, a
sliding window, RMS scaling).",
    fix_availability: FixAvailability::Sometimes,
    severity: Severity::Error,
};

/// `(class, argument, its default in Keras 3)`.
const ARGUMENTS: &[(&str, &str, fn(&str, &Node) -> bool)] = &[
    ("MultiHeadAttention", "use_gate", is_false),
    ("MultiHeadAttention", "sliding_window", is_null),
    ("MultiHeadAttention", "seed", is_null),
    ("LayerNormalization", "rms_scaling", is_false),
];

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (class, key, safe) in ARGUMENTS {
        out.extend(foreign_arguments(doc, &INFO, Target::TfKeras, &[class], &[key], *safe, &|_, key, _| {
            format!("tf-keras refuses it: \"Keyword argument not understood: '{key}'\"")
        }));
    }
    out
}
