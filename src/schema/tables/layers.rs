//! Integer fields of every built-in layer of Keras 3 and tf-keras, one entry per class.
//!
//! Each entry names the file whose `__init__` / `get_config` it was read from: first the
//! keras-team/keras path, then the keras-team/tf-keras path ("" when the class does not exist in
//! that version). Fields both versions share are listed once; a field only one version writes is
//! harmless in the other because the rules only look at fields present in a config.

use super::{BOOL, FACTOR, FILL, FLOAT, STRING, VALUE_RANGE};
use crate::schema::kind::FieldKind::{self, *};
use crate::schema::kind::{ClassEntry, Family, not_int};

const fn layer(
    class: &'static str,
    keras3: &'static str,
    keras2: &'static str,
    fields: &'static [(&'static str, FieldKind)],
) -> ClassEntry {
    ClassEntry { class, family: Family::Layer, keras3, keras2, fields }
}

const fn model(
    class: &'static str,
    keras3: &'static str,
    keras2: &'static str,
    fields: &'static [(&'static str, FieldKind)],
) -> ClassEntry {
    ClassEntry { class, family: Family::Model, keras3, keras2, fields }
}

const PADDING_STR: FieldKind = not_int("conv / pooling padding is a string such as \"valid\"");

// keras/src/layers/convolutional/base_conv.py, base_conv_transpose.py, base_depthwise_conv.py,
// base_separable_conv.py; tf_keras/layers/convolutional/base_conv.py & co.
static CONV: &[(&str, FieldKind)] = &[
    ("filters", Int),
    ("kernel_size", IntTuple),
    ("strides", IntTuple),
    ("dilation_rate", IntTuple),
    ("groups", Int),
    ("output_padding", IntTuple),
    ("depth_multiplier", Int),
    ("padding", PADDING_STR),
    ("data_format", STRING),
    ("use_bias", BOOL),
];

// keras/src/layers/pooling/base_pooling.py; tf_keras/layers/pooling/base_pooling{1,2,3}d.py
static POOL: &[(&str, FieldKind)] =
    &[("pool_size", IntTuple), ("strides", IntTuple), ("padding", PADDING_STR), ("data_format", STRING)];

// keras/src/layers/pooling/base_global_pooling.py; tf_keras/layers/pooling/base_global_pooling*.py
static GLOBAL_POOL: &[(&str, FieldKind)] = &[("keepdims", BOOL), ("data_format", STRING)];

// keras/src/layers/rnn/{lstm,gru,simple_rnn}.py; tf_keras/layers/rnn/{lstm,gru,simple_rnn}.py.
// `implementation` is written by tf-keras LSTM/GRU; cells share the same fields.
static RNN: &[(&str, FieldKind)] = &[
    ("units", Int),
    ("seed", Int),
    ("implementation", Int),
    ("num_constants", Int),
    ("dropout", FLOAT),
    ("recurrent_dropout", FLOAT),
    ("return_sequences", BOOL),
    ("return_state", BOOL),
    ("go_backwards", BOOL),
    ("stateful", BOOL),
    ("unroll", BOOL),
];

// keras/src/layers/rnn/conv_lstm.py; tf_keras/layers/rnn/base_conv_lstm.py
static CONV_LSTM: &[(&str, FieldKind)] = &[
    ("filters", Int),
    ("kernel_size", IntTuple),
    ("strides", IntTuple),
    ("dilation_rate", IntTuple),
    ("padding", PADDING_STR),
    ("seed", Int),
    ("dropout", FLOAT),
    ("recurrent_dropout", FLOAT),
];

// keras/src/layers/reshaping/*.py; tf_keras/layers/reshaping/*.py
static CROPPING: &[(&str, FieldKind)] = &[("cropping", IntTuple)];
static ZERO_PADDING: &[(&str, FieldKind)] = &[("padding", IntTuple)];
static UP_SAMPLING: &[(&str, FieldKind)] = &[("size", IntTuple), ("interpolation", STRING)];

// Random image layers: seeds are integers, factors and ranges are floats.
// keras/src/layers/preprocessing/image_preprocessing/*.py;
// tf_keras/layers/preprocessing/image_preprocessing.py
static RANDOM_IMAGE: &[(&str, FieldKind)] = &[
    ("seed", Int),
    ("factor", FACTOR),
    ("height_factor", FACTOR),
    ("width_factor", FACTOR),
    ("x_factor", FACTOR),
    ("y_factor", FACTOR),
    ("value_range", VALUE_RANGE),
    ("fill_value", FILL),
    ("scale", FACTOR),
    ("sigma", FACTOR),
    ("alpha", FLOAT),
];

static DROPOUT: &[(&str, FieldKind)] = &[("rate", FLOAT), ("noise_shape", Shape), ("seed", Int)];
static SEED_ONLY: &[(&str, FieldKind)] = &[("rate", FLOAT), ("stddev", FLOAT), ("seed", Int)];
static AXIS: &[(&str, FieldKind)] = &[("axis", IntOrIntList), ("epsilon", FLOAT)];
static NONE: &[(&str, FieldKind)] = &[];

// keras/src/layers/preprocessing/index_lookup.py (shared by the lookups)
const VOCAB_SIZE: (&str, FieldKind) = ("vocabulary_size", Int);

pub static LAYERS: &[ClassEntry] = &[
    // --- core
    layer(
        "Dense",
        "keras/src/layers/core/dense.py",
        "tf_keras/layers/core/dense.py",
        &[("units", Int), ("lora_rank", Int), ("lora_alpha", FLOAT), ("use_bias", BOOL)],
    ),
    layer(
        "EinsumDense",
        "keras/src/layers/core/einsum_dense.py",
        "tf_keras/layers/core/einsum_dense.py",
        &[
            ("output_shape", IntTuple),
            ("lora_rank", Int),
            ("lora_alpha", FLOAT),
            ("gptq_unpacked_column_size", Int),
            ("equation", STRING),
            ("bias_axes", STRING),
        ],
    ),
    layer(
        "Embedding",
        "keras/src/layers/core/embedding.py",
        "tf_keras/layers/core/embedding.py",
        &[
            ("input_dim", Int),
            ("output_dim", Int),
            ("input_length", Int),
            ("lora_rank", Int),
            ("lora_alpha", FLOAT),
            ("mask_zero", BOOL),
        ],
    ),
    layer(
        "ReversibleEmbedding",
        "keras/src/layers/core/reversible_embedding.py",
        "",
        &[("input_dim", Int), ("output_dim", Int), ("logit_soft_cap", FLOAT)],
    ),
    layer(
        "InputLayer",
        "keras/src/layers/core/input_layer.py",
        "tf_keras/engine/input_layer.py",
        &[
            ("shape", Shape),
            ("batch_shape", Shape),
            ("batch_input_shape", Shape),
            ("batch_size", Int),
            ("optional", BOOL),
        ],
    ),
    layer(
        "Lambda",
        "keras/src/layers/core/lambda_layer.py",
        "tf_keras/layers/core/lambda_layer.py",
        &[
            ("output_shape", not_int("a shape or a serialized function; left to the user")),
            ("arguments", not_int("arbitrary user arguments")),
        ],
    ),
    layer(
        "Masking",
        "keras/src/layers/core/masking.py",
        "tf_keras/layers/core/masking.py",
        &[("mask_value", FLOAT)],
    ),
    layer("Identity", "keras/src/layers/core/identity.py", "tf_keras/layers/core/identity.py", NONE),
    layer(
        "Activation",
        "keras/src/layers/activations/activation.py",
        "tf_keras/layers/core/activation.py",
        NONE,
    ),
    layer("Flatten", "keras/src/layers/reshaping/flatten.py", "tf_keras/layers/reshaping/flatten.py", NONE),
    layer("TFSMLayer", "keras/src/export/tfsm_layer.py", "", NONE),
    // --- activations
    layer(
        "ReLU",
        "keras/src/layers/activations/relu.py",
        "tf_keras/layers/activation/relu.py",
        &[("max_value", FLOAT), ("negative_slope", FLOAT), ("threshold", FLOAT)],
    ),
    layer(
        "LeakyReLU",
        "keras/src/layers/activations/leaky_relu.py",
        "tf_keras/layers/activation/leaky_relu.py",
        &[("negative_slope", FLOAT), ("alpha", FLOAT)],
    ),
    layer(
        "ELU",
        "keras/src/layers/activations/elu.py",
        "tf_keras/layers/activation/elu.py",
        &[("alpha", FLOAT)],
    ),
    layer("ThresholdedReLU", "", "tf_keras/layers/activation/thresholded_relu.py", &[("theta", FLOAT)]),
    layer(
        "PReLU",
        "keras/src/layers/activations/prelu.py",
        "tf_keras/layers/activation/prelu.py",
        &[("shared_axes", IntOrIntList)],
    ),
    layer(
        "Softmax",
        "keras/src/layers/activations/softmax.py",
        "tf_keras/layers/activation/softmax.py",
        &[("axis", IntOrIntList)],
    ),
    // --- attention
    layer(
        "MultiHeadAttention",
        "keras/src/layers/attention/multi_head_attention.py",
        "tf_keras/layers/attention/multi_head_attention.py",
        &[
            ("num_heads", Int),
            ("key_dim", Int),
            ("value_dim", Int),
            ("output_shape", IntTuple),
            ("attention_axes", IntOrIntList),
            ("sliding_window", Int),
            ("seed", Int),
            ("dropout", FLOAT),
            ("query_shape", Shape),
            ("key_shape", Shape),
            ("value_shape", Shape),
            ("use_bias", BOOL),
        ],
    ),
    layer(
        "GroupedQueryAttention",
        "keras/src/layers/attention/grouped_query_attention.py",
        "",
        &[
            ("head_dim", Int),
            ("num_query_heads", Int),
            ("num_key_value_heads", Int),
            ("sliding_window", Int),
            ("seed", Int),
            ("dropout", FLOAT),
        ],
    ),
    layer(
        "Attention",
        "keras/src/layers/attention/attention.py",
        "tf_keras/layers/attention/attention.py",
        &[("seed", Int), ("dropout", FLOAT), ("score_mode", STRING)],
    ),
    layer(
        "AdditiveAttention",
        "keras/src/layers/attention/additive_attention.py",
        "tf_keras/layers/attention/additive_attention.py",
        &[("dropout", FLOAT)],
    ),
    // --- convolution
    layer(
        "Conv1D",
        "keras/src/layers/convolutional/conv1d.py",
        "tf_keras/layers/convolutional/conv1d.py",
        CONV,
    ),
    layer(
        "Conv2D",
        "keras/src/layers/convolutional/conv2d.py",
        "tf_keras/layers/convolutional/conv2d.py",
        CONV,
    ),
    layer(
        "Conv3D",
        "keras/src/layers/convolutional/conv3d.py",
        "tf_keras/layers/convolutional/conv3d.py",
        CONV,
    ),
    layer(
        "Conv1DTranspose",
        "keras/src/layers/convolutional/conv1d_transpose.py",
        "tf_keras/layers/convolutional/conv1d_transpose.py",
        CONV,
    ),
    layer(
        "Conv2DTranspose",
        "keras/src/layers/convolutional/conv2d_transpose.py",
        "tf_keras/layers/convolutional/conv2d_transpose.py",
        CONV,
    ),
    layer(
        "Conv3DTranspose",
        "keras/src/layers/convolutional/conv3d_transpose.py",
        "tf_keras/layers/convolutional/conv3d_transpose.py",
        CONV,
    ),
    layer(
        "DepthwiseConv1D",
        "keras/src/layers/convolutional/depthwise_conv1d.py",
        "tf_keras/layers/convolutional/depthwise_conv1d.py",
        CONV,
    ),
    layer(
        "DepthwiseConv2D",
        "keras/src/layers/convolutional/depthwise_conv2d.py",
        "tf_keras/layers/convolutional/depthwise_conv2d.py",
        CONV,
    ),
    layer(
        "SeparableConv1D",
        "keras/src/layers/convolutional/separable_conv1d.py",
        "tf_keras/layers/convolutional/separable_conv1d.py",
        CONV,
    ),
    layer(
        "SeparableConv2D",
        "keras/src/layers/convolutional/separable_conv2d.py",
        "tf_keras/layers/convolutional/separable_conv2d.py",
        CONV,
    ),
    layer("LocallyConnected1D", "", "tf_keras/layers/locally_connected/locally_connected1d.py", CONV),
    layer("LocallyConnected2D", "", "tf_keras/layers/locally_connected/locally_connected2d.py", CONV),
    // --- pooling
    layer(
        "MaxPooling1D",
        "keras/src/layers/pooling/max_pooling1d.py",
        "tf_keras/layers/pooling/max_pooling1d.py",
        POOL,
    ),
    layer(
        "MaxPooling2D",
        "keras/src/layers/pooling/max_pooling2d.py",
        "tf_keras/layers/pooling/max_pooling2d.py",
        POOL,
    ),
    layer(
        "MaxPooling3D",
        "keras/src/layers/pooling/max_pooling3d.py",
        "tf_keras/layers/pooling/max_pooling3d.py",
        POOL,
    ),
    layer(
        "AveragePooling1D",
        "keras/src/layers/pooling/average_pooling1d.py",
        "tf_keras/layers/pooling/average_pooling1d.py",
        POOL,
    ),
    layer(
        "AveragePooling2D",
        "keras/src/layers/pooling/average_pooling2d.py",
        "tf_keras/layers/pooling/average_pooling2d.py",
        POOL,
    ),
    layer(
        "AveragePooling3D",
        "keras/src/layers/pooling/average_pooling3d.py",
        "tf_keras/layers/pooling/average_pooling3d.py",
        POOL,
    ),
    layer(
        "GlobalMaxPooling1D",
        "keras/src/layers/pooling/global_max_pooling1d.py",
        "tf_keras/layers/pooling/global_max_pooling1d.py",
        GLOBAL_POOL,
    ),
    layer(
        "GlobalMaxPooling2D",
        "keras/src/layers/pooling/global_max_pooling2d.py",
        "tf_keras/layers/pooling/global_max_pooling2d.py",
        GLOBAL_POOL,
    ),
    layer(
        "GlobalMaxPooling3D",
        "keras/src/layers/pooling/global_max_pooling3d.py",
        "tf_keras/layers/pooling/global_max_pooling3d.py",
        GLOBAL_POOL,
    ),
    layer(
        "GlobalAveragePooling1D",
        "keras/src/layers/pooling/global_average_pooling1d.py",
        "tf_keras/layers/pooling/global_average_pooling1d.py",
        GLOBAL_POOL,
    ),
    layer(
        "GlobalAveragePooling2D",
        "keras/src/layers/pooling/global_average_pooling2d.py",
        "tf_keras/layers/pooling/global_average_pooling2d.py",
        GLOBAL_POOL,
    ),
    layer(
        "GlobalAveragePooling3D",
        "keras/src/layers/pooling/global_average_pooling3d.py",
        "tf_keras/layers/pooling/global_average_pooling3d.py",
        GLOBAL_POOL,
    ),
    layer(
        "AdaptiveAveragePooling1D",
        "keras/src/layers/pooling/adaptive_average_pooling1d.py",
        "",
        &[("output_size", IntTuple)],
    ),
    layer(
        "AdaptiveAveragePooling2D",
        "keras/src/layers/pooling/adaptive_average_pooling2d.py",
        "",
        &[("output_size", IntTuple)],
    ),
    layer(
        "AdaptiveAveragePooling3D",
        "keras/src/layers/pooling/adaptive_average_pooling3d.py",
        "",
        &[("output_size", IntTuple)],
    ),
    layer(
        "AdaptiveMaxPooling1D",
        "keras/src/layers/pooling/adaptive_max_pooling1d.py",
        "",
        &[("output_size", IntTuple)],
    ),
    layer(
        "AdaptiveMaxPooling2D",
        "keras/src/layers/pooling/adaptive_max_pooling2d.py",
        "",
        &[("output_size", IntTuple)],
    ),
    layer(
        "AdaptiveMaxPooling3D",
        "keras/src/layers/pooling/adaptive_max_pooling3d.py",
        "",
        &[("output_size", IntTuple)],
    ),
    // --- merging
    layer(
        "Concatenate",
        "keras/src/layers/merging/concatenate.py",
        "tf_keras/layers/merging/concatenate.py",
        &[("axis", Int)],
    ),
    layer(
        "Dot",
        "keras/src/layers/merging/dot.py",
        "tf_keras/layers/merging/dot.py",
        &[("axes", IntOrIntList), ("normalize", BOOL)],
    ),
    layer("Add", "keras/src/layers/merging/add.py", "tf_keras/layers/merging/add.py", NONE),
    layer("Subtract", "keras/src/layers/merging/subtract.py", "tf_keras/layers/merging/subtract.py", NONE),
    layer("Multiply", "keras/src/layers/merging/multiply.py", "tf_keras/layers/merging/multiply.py", NONE),
    layer("Average", "keras/src/layers/merging/average.py", "tf_keras/layers/merging/average.py", NONE),
    layer("Maximum", "keras/src/layers/merging/maximum.py", "tf_keras/layers/merging/maximum.py", NONE),
    layer("Minimum", "keras/src/layers/merging/minimum.py", "tf_keras/layers/merging/minimum.py", NONE),
    // --- normalization
    layer(
        "BatchNormalization",
        "keras/src/layers/normalization/batch_normalization.py",
        "tf_keras/layers/normalization/batch_normalization.py",
        &[
            ("axis", IntOrIntList),
            ("virtual_batch_size", Int),
            ("momentum", FLOAT),
            ("epsilon", FLOAT),
            ("renorm_momentum", FLOAT),
            ("renorm_clipping", not_int("clipping bounds are floats")),
        ],
    ),
    layer(
        "LayerNormalization",
        "keras/src/layers/normalization/layer_normalization.py",
        "tf_keras/layers/normalization/layer_normalization.py",
        AXIS,
    ),
    layer(
        "GroupNormalization",
        "keras/src/layers/normalization/group_normalization.py",
        "tf_keras/layers/normalization/group_normalization.py",
        &[("groups", Int), ("axis", IntOrIntList), ("epsilon", FLOAT)],
    ),
    layer(
        "UnitNormalization",
        "keras/src/layers/normalization/unit_normalization.py",
        "tf_keras/layers/normalization/unit_normalization.py",
        AXIS,
    ),
    layer("RMSNormalization", "keras/src/layers/normalization/rms_normalization.py", "", AXIS),
    layer(
        "SpectralNormalization",
        "keras/src/layers/normalization/spectral_normalization.py",
        "tf_keras/layers/normalization/spectral_normalization.py",
        &[("power_iterations", Int)],
    ),
    // --- regularization
    layer(
        "Dropout",
        "keras/src/layers/regularization/dropout.py",
        "tf_keras/layers/regularization/dropout.py",
        DROPOUT,
    ),
    layer(
        "AlphaDropout",
        "keras/src/layers/regularization/alpha_dropout.py",
        "tf_keras/layers/regularization/alpha_dropout.py",
        DROPOUT,
    ),
    layer(
        "SpatialDropout1D",
        "keras/src/layers/regularization/spatial_dropout.py",
        "tf_keras/layers/regularization/spatial_dropout1d.py",
        DROPOUT,
    ),
    layer(
        "SpatialDropout2D",
        "keras/src/layers/regularization/spatial_dropout.py",
        "tf_keras/layers/regularization/spatial_dropout2d.py",
        DROPOUT,
    ),
    layer(
        "SpatialDropout3D",
        "keras/src/layers/regularization/spatial_dropout.py",
        "tf_keras/layers/regularization/spatial_dropout3d.py",
        DROPOUT,
    ),
    layer(
        "GaussianDropout",
        "keras/src/layers/regularization/gaussian_dropout.py",
        "tf_keras/layers/regularization/gaussian_dropout.py",
        SEED_ONLY,
    ),
    layer(
        "GaussianNoise",
        "keras/src/layers/regularization/gaussian_noise.py",
        "tf_keras/layers/regularization/gaussian_noise.py",
        SEED_ONLY,
    ),
    layer(
        "ActivityRegularization",
        "keras/src/layers/regularization/activity_regularization.py",
        "tf_keras/layers/regularization/activity_regularization.py",
        &[("l1", FLOAT), ("l2", FLOAT)],
    ),
    // --- reshaping
    layer(
        "Reshape",
        "keras/src/layers/reshaping/reshape.py",
        "tf_keras/layers/reshaping/reshape.py",
        &[("target_shape", IntTuple)],
    ),
    layer(
        "Permute",
        "keras/src/layers/reshaping/permute.py",
        "tf_keras/layers/reshaping/permute.py",
        &[("dims", IntTuple)],
    ),
    layer(
        "RepeatVector",
        "keras/src/layers/reshaping/repeat_vector.py",
        "tf_keras/layers/reshaping/repeat_vector.py",
        &[("n", Int)],
    ),
    layer(
        "Cropping1D",
        "keras/src/layers/reshaping/cropping1d.py",
        "tf_keras/layers/reshaping/cropping1d.py",
        CROPPING,
    ),
    layer(
        "Cropping2D",
        "keras/src/layers/reshaping/cropping2d.py",
        "tf_keras/layers/reshaping/cropping2d.py",
        CROPPING,
    ),
    layer(
        "Cropping3D",
        "keras/src/layers/reshaping/cropping3d.py",
        "tf_keras/layers/reshaping/cropping3d.py",
        CROPPING,
    ),
    layer(
        "ZeroPadding1D",
        "keras/src/layers/reshaping/zero_padding1d.py",
        "tf_keras/layers/reshaping/zero_padding1d.py",
        ZERO_PADDING,
    ),
    layer(
        "ZeroPadding2D",
        "keras/src/layers/reshaping/zero_padding2d.py",
        "tf_keras/layers/reshaping/zero_padding2d.py",
        ZERO_PADDING,
    ),
    layer(
        "ZeroPadding3D",
        "keras/src/layers/reshaping/zero_padding3d.py",
        "tf_keras/layers/reshaping/zero_padding3d.py",
        ZERO_PADDING,
    ),
    layer(
        "UpSampling1D",
        "keras/src/layers/reshaping/up_sampling1d.py",
        "tf_keras/layers/reshaping/up_sampling1d.py",
        UP_SAMPLING,
    ),
    layer(
        "UpSampling2D",
        "keras/src/layers/reshaping/up_sampling2d.py",
        "tf_keras/layers/reshaping/up_sampling2d.py",
        UP_SAMPLING,
    ),
    layer(
        "UpSampling3D",
        "keras/src/layers/reshaping/up_sampling3d.py",
        "tf_keras/layers/reshaping/up_sampling3d.py",
        UP_SAMPLING,
    ),
    // --- recurrent
    layer("LSTM", "keras/src/layers/rnn/lstm.py", "tf_keras/layers/rnn/lstm.py", RNN),
    layer("GRU", "keras/src/layers/rnn/gru.py", "tf_keras/layers/rnn/gru.py", RNN),
    layer("SimpleRNN", "keras/src/layers/rnn/simple_rnn.py", "tf_keras/layers/rnn/simple_rnn.py", RNN),
    layer("LSTMCell", "keras/src/layers/rnn/lstm.py", "tf_keras/layers/rnn/lstm.py", RNN),
    layer("GRUCell", "keras/src/layers/rnn/gru.py", "tf_keras/layers/rnn/gru.py", RNN),
    layer("SimpleRNNCell", "keras/src/layers/rnn/simple_rnn.py", "tf_keras/layers/rnn/simple_rnn.py", RNN),
    layer("CuDNNLSTM", "", "tf_keras/layers/rnn/cudnn_lstm.py", RNN),
    layer("CuDNNGRU", "", "tf_keras/layers/rnn/cudnn_gru.py", RNN),
    layer("RNN", "keras/src/layers/rnn/rnn.py", "tf_keras/layers/rnn/base_rnn.py", RNN),
    layer(
        "StackedRNNCells",
        "keras/src/layers/rnn/stacked_rnn_cells.py",
        "tf_keras/layers/rnn/stacked_rnn_cells.py",
        NONE,
    ),
    layer(
        "ConvLSTM1D",
        "keras/src/layers/rnn/conv_lstm1d.py",
        "tf_keras/layers/rnn/conv_lstm1d.py",
        CONV_LSTM,
    ),
    layer(
        "ConvLSTM2D",
        "keras/src/layers/rnn/conv_lstm2d.py",
        "tf_keras/layers/rnn/conv_lstm2d.py",
        CONV_LSTM,
    ),
    layer(
        "ConvLSTM3D",
        "keras/src/layers/rnn/conv_lstm3d.py",
        "tf_keras/layers/rnn/conv_lstm3d.py",
        CONV_LSTM,
    ),
    layer(
        "Bidirectional",
        "keras/src/layers/rnn/bidirectional.py",
        "tf_keras/layers/rnn/bidirectional.py",
        &[("num_constants", Int), ("merge_mode", STRING)],
    ),
    layer(
        "TimeDistributed",
        "keras/src/layers/rnn/time_distributed.py",
        "tf_keras/layers/rnn/time_distributed.py",
        NONE,
    ),
    // --- preprocessing
    layer(
        "IntegerLookup",
        "keras/src/layers/preprocessing/integer_lookup.py",
        "tf_keras/layers/preprocessing/integer_lookup.py",
        &[
            ("max_tokens", Int),
            ("num_oov_indices", Int),
            ("mask_token", Int),
            ("oov_token", Int),
            ("vocabulary", IntVocabulary),
            VOCAB_SIZE,
            ("salt", IntOrIntList),
            ("idf_weights", not_int("TF-IDF weights are floats")),
            ("vocabulary_dtype", STRING),
        ],
    ),
    layer(
        "StringLookup",
        "keras/src/layers/preprocessing/string_lookup.py",
        "tf_keras/layers/preprocessing/string_lookup.py",
        &[
            ("max_tokens", Int),
            ("num_oov_indices", Int),
            VOCAB_SIZE,
            ("salt", IntOrIntList),
            ("mask_token", not_int("a string token")),
            ("oov_token", not_int("a string token")),
            ("vocabulary", not_int("a string vocabulary; \"0\" and \"1\" are words")),
            ("idf_weights", not_int("TF-IDF weights are floats")),
        ],
    ),
    layer(
        "TextVectorization",
        "keras/src/layers/preprocessing/text_vectorization.py",
        "tf_keras/layers/preprocessing/text_vectorization.py",
        &[
            ("max_tokens", Int),
            ("ngrams", IntOrIntList),
            ("output_sequence_length", Int),
            VOCAB_SIZE,
            ("vocabulary", not_int("a string vocabulary")),
            ("idf_weights", not_int("TF-IDF weights are floats")),
            ("pad_to_max_tokens", BOOL),
        ],
    ),
    layer(
        "Hashing",
        "keras/src/layers/preprocessing/hashing.py",
        "tf_keras/layers/preprocessing/hashing.py",
        &[
            ("num_bins", Int),
            ("salt", IntOrIntList),
            ("mask_value", not_int("matches the input: a string or a number")),
        ],
    ),
    layer(
        "HashedCrossing",
        "keras/src/layers/preprocessing/hashed_crossing.py",
        "tf_keras/layers/preprocessing/hashed_crossing.py",
        &[("num_bins", Int)],
    ),
    layer(
        "CategoryEncoding",
        "keras/src/layers/preprocessing/category_encoding.py",
        "tf_keras/layers/preprocessing/category_encoding.py",
        &[("num_tokens", Int)],
    ),
    layer(
        "Discretization",
        "keras/src/layers/preprocessing/discretization.py",
        "tf_keras/layers/preprocessing/discretization.py",
        &[("num_bins", Int), ("bin_boundaries", not_int("bin boundaries are floats")), ("epsilon", FLOAT)],
    ),
    layer(
        "Normalization",
        "keras/src/layers/preprocessing/normalization.py",
        "tf_keras/layers/preprocessing/normalization.py",
        &[
            ("axis", IntOrIntList),
            ("mean", not_int("statistics are floats")),
            ("variance", not_int("statistics are floats")),
            ("invert", BOOL),
        ],
    ),
    layer(
        "Rescaling",
        "keras/src/layers/preprocessing/rescaling.py",
        "tf_keras/layers/preprocessing/image_preprocessing.py",
        &[("scale", FLOAT), ("offset", FLOAT)],
    ),
    layer(
        "Resizing",
        "keras/src/layers/preprocessing/image_preprocessing/resizing.py",
        "tf_keras/layers/preprocessing/image_preprocessing.py",
        &[("height", Int), ("width", Int), ("fill_value", FILL)],
    ),
    layer(
        "CenterCrop",
        "keras/src/layers/preprocessing/image_preprocessing/center_crop.py",
        "tf_keras/layers/preprocessing/image_preprocessing.py",
        &[("height", Int), ("width", Int)],
    ),
    layer(
        "RandomCrop",
        "keras/src/layers/preprocessing/image_preprocessing/random_crop.py",
        "tf_keras/layers/preprocessing/image_preprocessing.py",
        &[("height", Int), ("width", Int), ("seed", Int)],
    ),
    layer(
        "RandomFlip",
        "keras/src/layers/preprocessing/image_preprocessing/random_flip.py",
        "tf_keras/layers/preprocessing/image_preprocessing.py",
        RANDOM_IMAGE,
    ),
    layer(
        "RandomRotation",
        "keras/src/layers/preprocessing/image_preprocessing/random_rotation.py",
        "tf_keras/layers/preprocessing/image_preprocessing.py",
        RANDOM_IMAGE,
    ),
    layer(
        "RandomZoom",
        "keras/src/layers/preprocessing/image_preprocessing/random_zoom.py",
        "tf_keras/layers/preprocessing/image_preprocessing.py",
        RANDOM_IMAGE,
    ),
    layer(
        "RandomTranslation",
        "keras/src/layers/preprocessing/image_preprocessing/random_translation.py",
        "tf_keras/layers/preprocessing/image_preprocessing.py",
        RANDOM_IMAGE,
    ),
    layer(
        "RandomContrast",
        "keras/src/layers/preprocessing/image_preprocessing/random_contrast.py",
        "tf_keras/layers/preprocessing/image_preprocessing.py",
        RANDOM_IMAGE,
    ),
    layer(
        "RandomBrightness",
        "keras/src/layers/preprocessing/image_preprocessing/random_brightness.py",
        "tf_keras/layers/preprocessing/image_preprocessing.py",
        RANDOM_IMAGE,
    ),
    layer("RandomHeight", "", "tf_keras/layers/preprocessing/image_preprocessing.py", RANDOM_IMAGE),
    layer("RandomWidth", "", "tf_keras/layers/preprocessing/image_preprocessing.py", RANDOM_IMAGE),
    layer(
        "RandomColorDegeneration",
        "keras/src/layers/preprocessing/image_preprocessing/random_color_degeneration.py",
        "",
        RANDOM_IMAGE,
    ),
    layer(
        "RandomColorJitter",
        "keras/src/layers/preprocessing/image_preprocessing/random_color_jitter.py",
        "",
        &[
            ("seed", Int),
            ("value_range", VALUE_RANGE),
            ("brightness_factor", FACTOR),
            ("contrast_factor", FACTOR),
            ("saturation_factor", FACTOR),
            ("hue_factor", FACTOR),
        ],
    ),
    layer(
        "RandomElasticTransform",
        "keras/src/layers/preprocessing/image_preprocessing/random_elastic_transform.py",
        "",
        RANDOM_IMAGE,
    ),
    layer(
        "RandomErasing",
        "keras/src/layers/preprocessing/image_preprocessing/random_erasing.py",
        "",
        RANDOM_IMAGE,
    ),
    layer(
        "RandomGaussianBlur",
        "keras/src/layers/preprocessing/image_preprocessing/random_gaussian_blur.py",
        "",
        &[
            ("kernel_size", IntTuple),
            ("seed", Int),
            ("factor", FACTOR),
            ("sigma", FACTOR),
            ("value_range", VALUE_RANGE),
        ],
    ),
    layer(
        "RandomGrayscale",
        "keras/src/layers/preprocessing/image_preprocessing/random_grayscale.py",
        "",
        RANDOM_IMAGE,
    ),
    layer("RandomHue", "keras/src/layers/preprocessing/image_preprocessing/random_hue.py", "", RANDOM_IMAGE),
    layer(
        "RandomInvert",
        "keras/src/layers/preprocessing/image_preprocessing/random_invert.py",
        "",
        RANDOM_IMAGE,
    ),
    layer(
        "RandomPerspective",
        "keras/src/layers/preprocessing/image_preprocessing/random_perspective.py",
        "",
        RANDOM_IMAGE,
    ),
    layer(
        "RandomPosterization",
        "keras/src/layers/preprocessing/image_preprocessing/random_posterization.py",
        "",
        RANDOM_IMAGE,
    ),
    layer(
        "RandomSaturation",
        "keras/src/layers/preprocessing/image_preprocessing/random_saturation.py",
        "",
        RANDOM_IMAGE,
    ),
    layer(
        "RandomSharpness",
        "keras/src/layers/preprocessing/image_preprocessing/random_sharpness.py",
        "",
        RANDOM_IMAGE,
    ),
    layer(
        "RandomShear",
        "keras/src/layers/preprocessing/image_preprocessing/random_shear.py",
        "",
        RANDOM_IMAGE,
    ),
    layer(
        "Solarization",
        "keras/src/layers/preprocessing/image_preprocessing/solarization.py",
        "",
        &[
            ("seed", Int),
            ("addition_factor", FACTOR),
            ("threshold_factor", FACTOR),
            ("value_range", VALUE_RANGE),
        ],
    ),
    layer("CutMix", "keras/src/layers/preprocessing/image_preprocessing/cut_mix.py", "", RANDOM_IMAGE),
    layer("MixUp", "keras/src/layers/preprocessing/image_preprocessing/mix_up.py", "", RANDOM_IMAGE),
    layer(
        "AutoContrast",
        "keras/src/layers/preprocessing/image_preprocessing/auto_contrast.py",
        "",
        &[("value_range", VALUE_RANGE)],
    ),
    layer(
        "AugMix",
        "keras/src/layers/preprocessing/image_preprocessing/aug_mix.py",
        "",
        &[
            ("num_chains", Int),
            ("chain_depth", IntOrIntList),
            ("seed", Int),
            ("factor", FACTOR),
            ("alpha", FLOAT),
            ("value_range", VALUE_RANGE),
        ],
    ),
    layer(
        "RandAugment",
        "keras/src/layers/preprocessing/image_preprocessing/rand_augment.py",
        "",
        &[("num_ops", Int), ("seed", Int), ("factor", FACTOR), ("value_range", VALUE_RANGE)],
    ),
    layer(
        "Equalization",
        "keras/src/layers/preprocessing/image_preprocessing/equalization.py",
        "",
        &[("bins", Int), ("value_range", VALUE_RANGE)],
    ),
    layer(
        "ContrastLimitedAdaptiveHistogramEqualization",
        "keras/src/layers/preprocessing/image_preprocessing/clahe.py",
        "",
        &[("tile_grid_size", IntTuple), ("clip_limit", FLOAT), ("value_range", VALUE_RANGE)],
    ),
    layer(
        "MaxNumBoundingBoxes",
        "keras/src/layers/preprocessing/image_preprocessing/max_num_bounding_box.py",
        "",
        &[("max_number", Int), ("fill_value", FILL)],
    ),
    layer(
        "MelSpectrogram",
        "keras/src/layers/preprocessing/mel_spectrogram.py",
        "",
        &[
            ("fft_length", Int),
            ("sequence_stride", Int),
            ("sequence_length", Int),
            ("sampling_rate", Int),
            ("num_mel_bins", Int),
            ("min_freq", FLOAT),
            ("max_freq", FLOAT),
            ("top_db", FLOAT),
            ("mag_exp", FLOAT),
            ("min_power", FLOAT),
            ("ref_power", FLOAT),
        ],
    ),
    layer(
        "STFTSpectrogram",
        "keras/src/layers/preprocessing/stft_spectrogram.py",
        "",
        &[("frame_length", Int), ("frame_step", Int), ("fft_length", Int), ("padding", STRING)],
    ),
    // --- wrappers and models: their sub-layers are visited by the walker
    layer("Wrapper", "keras/src/layers/core/wrapper.py", "tf_keras/layers/rnn/base_wrapper.py", NONE),
    layer("Pipeline", "keras/src/layers/preprocessing/pipeline.py", "", NONE),
    model("Sequential", "keras/src/models/sequential.py", "tf_keras/engine/sequential.py", NONE),
    model("Functional", "keras/src/models/functional.py", "tf_keras/engine/functional.py", NONE),
    model("Model", "keras/src/models/model.py", "tf_keras/engine/training.py", NONE),
];
