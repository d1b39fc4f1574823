//! The data: one table per family of Keras objects, each entry citing the Keras 3 and
//! tf-keras source files its fields were read from (`__init__` and `get_config`).
//!
//! Sources: keras-team/keras at 3422977a (Keras 3.15 line) under `keras/src/`, and
//! keras-team/tf-keras at dd0a7237 (2.21 line) under `tf_keras/`. The field lists were
//! cross-checked against configs written by the installed Keras 3.15.1 and tf-keras 2.21
//! (see `tests/fixtures/configs/`).

mod common;
mod layers;
mod objects;

pub use common::{LAYER_COMMON, OPTIMIZER_COMMON, STRUCTURAL, TRAINING_TOP_LEVEL, UNKNOWN_LAYER_COMMON};
pub use layers::LAYERS;
pub use objects::OBJECTS;

use super::kind::{FieldKind, not_int};

// Reasons shared by many entries, so that messages stay consistent.
pub(crate) const FLOAT: FieldKind = not_int("a float; an integral value such as 0 or 2 is valid");
pub(crate) const STRING: FieldKind = not_int("a string option");
pub(crate) const BOOL: FieldKind = not_int("a boolean; 1 or 0 would break Keras");
pub(crate) const FACTOR: FieldKind = not_int("a float or a (low, high) range of floats");
pub(crate) const VALUE_RANGE: FieldKind = not_int("pixel value bounds; floats are valid");
pub(crate) const FILL: FieldKind = not_int("a fill value; any number");
pub(crate) const NAME: FieldKind = not_int("a name; names such as \"64\" stay strings");
pub(crate) const DTYPE: FieldKind = not_int("a dtype name or a DTypePolicy");
