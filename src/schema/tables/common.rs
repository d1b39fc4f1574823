//! Fields shared by whole families rather than one class: every layer, every optimizer, the
//! graph structure Keras writes around layers, and the top level of a training config.

use super::{BOOL, DTYPE, FLOAT, NAME};
use crate::schema::kind::FieldKind::{self, *};
use crate::schema::kind::not_int;

/// Written by the base layer for every built-in layer.
/// keras/src/layers/layer.py (`Layer.get_config`, `batch_shape` / `input_shape` kwargs);
/// tf_keras/engine/base_layer.py (`allowed_kwargs`: `input_dim`, `input_shape`,
/// `batch_input_shape`, `batch_size`, `implementation`).
pub static LAYER_COMMON: &[(&str, FieldKind)] = &[
    ("name", NAME),
    ("trainable", BOOL),
    ("dtype", DTYPE),
    ("autocast", BOOL),
    ("sparse", BOOL),
    ("ragged", BOOL),
    ("batch_input_shape", Shape),
    ("batch_shape", Shape),
    ("input_shape", Shape),
    ("batch_size", Int),
    ("input_dim", Int),
    ("implementation", Int),
];

/// The part of [`LAYER_COMMON`] that Keras's base `Layer.get_config` writes even into a custom
/// layer's config, so it applies to unknown classes found in a layer position.
pub static UNKNOWN_LAYER_COMMON: &[(&str, FieldKind)] = &[
    ("name", NAME),
    ("trainable", BOOL),
    ("dtype", DTYPE),
    ("batch_input_shape", Shape),
    ("batch_shape", Shape),
];

/// Written by the base optimizer of both versions.
/// keras/src/optimizers/base_optimizer.py (`get_config`);
/// tf_keras/optimizers/optimizer.py (`get_config`), tf_keras/optimizers/legacy/optimizer_v2.py.
pub static OPTIMIZER_COMMON: &[(&str, FieldKind)] = &[
    ("name", NAME),
    ("learning_rate", FLOAT),
    ("lr", FLOAT),
    ("decay", FLOAT),
    ("weight_decay", FLOAT),
    ("clipnorm", FLOAT),
    ("global_clipnorm", FLOAT),
    ("clipvalue", FLOAT),
    ("use_ema", BOOL),
    ("ema_momentum", FLOAT),
    ("ema_overwrite_frequency", Int),
    ("loss_scale_factor", FLOAT),
    ("gradient_accumulation_steps", Int),
    ("jit_compile", BOOL),
    ("is_legacy_optimizer", BOOL),
    ("epsilon", FLOAT),
    ("beta_1", FLOAT),
    ("beta_2", FLOAT),
    ("momentum", FLOAT),
    ("rho", FLOAT),
];

/// Graph structure Keras itself writes around (and inside) model configs, whatever the class:
/// a custom subclass of Functional still gets these from `Functional.get_config`.
/// keras/src/models/functional.py (`get_config`: `input_layers`, `output_layers`, per-layer
/// `inbound_nodes`), keras/src/models/sequential.py (`build_input_shape`);
/// tf_keras/engine/functional.py (`get_network_config`), tf_keras/engine/sequential.py.
pub static STRUCTURAL: &[(&str, FieldKind)] =
    &[("input_layers", TensorRefs), ("output_layers", TensorRefs), ("build_input_shape", Shape)];

/// Top level of a training config: Keras 3 `compile_config` in config.json
/// (keras/src/trainers/trainer.py `get_compile_config`, keras/src/trainers/compile_utils.py) and
/// the legacy `.h5` `training_config` (keras/src/legacy/saving/saving_utils.py
/// `model_metadata`; tf_keras/saving/legacy/saving_utils.py `model_metadata`).
pub static TRAINING_TOP_LEVEL: &[(&str, FieldKind)] = &[
    ("steps_per_execution", Int),
    ("loss_weights", not_int("loss weights are floats")),
    ("run_eagerly", BOOL),
    ("jit_compile", not_int("a boolean or \"auto\"")),
    ("sample_weight_mode", not_int("a string or null")),
];
