//! TFK006 quantization-config: Keras 3's `quantization_config` on Dense, EinsumDense and
//! Embedding, which tf-keras refuses.

use crate::cli::Target;

use super::super::Document;
use super::super::codes::{FixAvailability, RuleInfo, Severity};
use super::{Finding, foreign_arguments, is_null};

pub(in crate::rules) const INFO: RuleInfo = RuleInfo {
    code: "TFK006",
    name: "quantization-config",
    summary: "`quantization_config` on a layer (Keras >= 3.13), which tf-keras refuses",
    doc: "## What it does
With `--target tf-keras`, finds `quantization_config` in the config of a `Dense`,
`EinsumDense` or `Embedding` layer.

## Why is this bad?
Keras 3.13 saves the layer's quantization settings (keras/src/layers/core/dense.py,
einsum_dense.py, embedding.py `get_config`), `null` when the layer is not quantized. tf-keras
validates every layer argument (tf_keras/src/engine/base_layer.py) and refuses the model:
`Keyword argument not understood: 'quantization_config'`.

## Example
```json
{\"class_name\": \"Dense\", \"config\": {\"units\": 2, \"quantization_config\": null}}
```
Use instead:
```json
{\"class_name\": \"Dense\", \"config\": {\"units\": 2}}
```

## Fix safety
Safe when `null`. A quantized layer is reported without a fix: tf-keras has no quantized
layers, and its weights are stored quantized.",
    fix_availability: FixAvailability::Sometimes,
    severity: Severity::Error,
};

const CLASSES: &[&str] = &["Dense", "EinsumDense", "Embedding"];

pub(in crate::rules) fn check(doc: &Document<'_>) -> Vec<Finding> {
    foreign_arguments(
        doc,
        &INFO,
        Target::TfKeras,
        CLASSES,
        &["quantization_config"],
        is_null,
        &|_, key, _| format!("tf-keras refuses it: \"Keyword argument not understood: '{key}'\""),
    )
}
