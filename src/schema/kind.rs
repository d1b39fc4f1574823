//! The vocabulary of the schema: what shape of integer a config field holds, and the table
//! entry type. Kept apart from the tables so that rules can match on kinds without pulling in
//! hundreds of lines of data.

/// What a config field is expected to hold, as far as integers are concerned.
///
/// Every kind accepts `null` wherever Keras allows `None`; the rules only look at numbers and
/// strings, so nullability does not need its own kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// One integer: `units`, `filters`, `seed`.
    Int,
    /// An integer or a flat list of integers: `axis`, `attention_axes`, `shared_axes`.
    IntOrIntList,
    /// An integer or a (possibly nested) tuple of integers, written as a JSON list:
    /// `kernel_size`, `strides`, `cropping`, ZeroPadding `padding`, EinsumDense `output_shape`.
    IntTuple,
    /// A tensor shape: a list of integers or nulls, or nested lists / dicts of such shapes
    /// (`build_config.input_shape` of a multi-input layer).
    Shape,
    /// IntegerLookup `vocabulary`: a list of integers, or a file path (a string left alone).
    IntVocabulary,
    /// `[layer_name, node_index, tensor_index]` (Keras 3 `keras_history`); position 0 is a
    /// name and is never an integer even when it reads `"64"`.
    TensorRef,
    /// Keras 3 `input_layers` / `output_layers`: a `TensorRef` or a nested list / dict of them.
    TensorRefs,
    /// Keras 2 `inbound_nodes`: `[[[name, node_index, tensor_index, kwargs], ...], ...]`.
    InboundNodes,
    /// A field known to hold something other than an integer even when the value Keras wrote
    /// happens to be integral (`rate: 0`, MaxNorm `max_value: 2`) or numeric-looking
    /// (StringLookup `vocabulary: ["0", "1"]`). Listed so that completeness tests and docs can
    /// tell "known, not an integer" from "unknown".
    NotInt {
        /// Why the field must not be changed into an integer.
        reason: &'static str,
    },
}

impl FieldKind {
    /// Whether the field holds integers at all (everything except `NotInt`).
    pub fn is_integer(self) -> bool {
        !matches!(self, FieldKind::NotInt { .. })
    }
}

/// Which kind of Keras object a class is; decides which shared fields apply to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// A layer: the fields common to all layers apply too.
    Layer,
    /// A model (Sequential, Functional): layer fields plus graph fields.
    Model,
    Initializer,
    Constraint,
    Regularizer,
    /// An optimizer: the fields common to all optimizers apply too.
    Optimizer,
    Schedule,
    Metric,
    Loss,
    /// A serialized tensor or tensor shape inside a graph (`__keras_tensor__`, `TensorShape`).
    Tensor,
}

/// One class's fields, with where they were read.
#[derive(Debug)]
pub struct ClassEntry {
    pub class: &'static str,
    pub family: Family,
    /// The Keras 3 source file (keras-team/keras), or "" when the class is Keras 2 only.
    pub keras3: &'static str,
    /// The tf-keras source file (keras-team/tf-keras, repository path; the pip wheel puts the
    /// same file under `tf_keras/src/`), or "" when the class is Keras 3 only.
    pub keras2: &'static str,
    pub fields: &'static [(&'static str, FieldKind)],
}

/// Shorthand used by the tables: a non-integer field with its reason.
pub const fn not_int(reason: &'static str) -> FieldKind {
    FieldKind::NotInt { reason }
}
