//! Integer fields of the non-layer objects Keras serializes inside configs: initializers,
//! constraints, regularizers, optimizers, learning-rate schedules, metrics, losses, and the
//! serialized tensors of a Keras 3 functional graph.

use super::{FLOAT, STRING};
use crate::schema::kind::FieldKind::{self, *};
use crate::schema::kind::{ClassEntry, Family, not_int};

const fn obj(
    class: &'static str,
    family: Family,
    keras3: &'static str,
    keras2: &'static str,
    fields: &'static [(&'static str, FieldKind)],
) -> ClassEntry {
    ClassEntry { class, family, keras3, keras2, fields }
}

use Family::{
    Constraint as C, Initializer as I, Loss as L, Metric as M, Optimizer as O, Regularizer as R,
    Schedule as S, Tensor as T,
};

const K3_INIT: &str = "keras/src/initializers/random_initializers.py";
const K2_INIT: &str = "tf_keras/initializers/initializers.py";
const K3_CONST_INIT: &str = "keras/src/initializers/constant_initializers.py";
const K3_CONSTRAINT: &str = "keras/src/constraints/constraints.py";
const K2_CONSTRAINT: &str = "tf_keras/constraints.py";
const K3_REG: &str = "keras/src/regularizers/regularizers.py";
const K2_REG: &str = "tf_keras/regularizers.py";
const K3_SCHED: &str = "keras/src/optimizers/schedules/learning_rate_schedule.py";
const K2_SCHED: &str = "tf_keras/optimizers/schedules/learning_rate_schedule.py";
const K3_CONF: &str = "keras/src/metrics/confusion_metrics.py";
const K2_CONF: &str = "tf_keras/metrics/confusion_metrics.py";
const K3_IOU: &str = "keras/src/metrics/iou_metrics.py";
const K2_IOU: &str = "tf_keras/metrics/iou_metrics.py";

const K3_ACC: &str = "keras/src/metrics/accuracy_metrics.py";
const K2_ACC: &str = "tf_keras/metrics/accuracy_metrics.py";
const K3_LOSS: &str = "keras/src/losses/losses.py";
const K2_LOSS: &str = "tf_keras/losses.py";

// keras/src/initializers/random_initializers.py `RandomInitializer.get_config` writes `seed`
// (an int, null, or a serialized SeedGenerator object, which is left alone).
static SEEDED: &[(&str, FieldKind)] = &[
    ("seed", Int),
    ("input_axes", IntOrIntList),
    ("output_axes", IntOrIntList),
    ("gain", FLOAT),
    ("mean", FLOAT),
    ("stddev", FLOAT),
    ("minval", FLOAT),
    ("maxval", FLOAT),
    ("scale", FLOAT),
    ("mode", STRING),
    ("distribution", STRING),
];
static NORM_CONSTRAINT: &[(&str, FieldKind)] =
    &[("axis", IntOrIntList), ("max_value", FLOAT), ("min_value", FLOAT), ("rate", FLOAT)];
static DECAY: &[(&str, FieldKind)] = &[
    ("decay_steps", Int),
    ("first_decay_steps", Int),
    ("warmup_steps", Int),
    ("initial_learning_rate", FLOAT),
    ("decay_rate", FLOAT),
    ("end_learning_rate", FLOAT),
    ("warmup_target", FLOAT),
    ("alpha", FLOAT),
    ("power", FLOAT),
    ("t_mul", FLOAT),
    ("m_mul", FLOAT),
];
static THRESHOLDS: &[(&str, FieldKind)] = &[
    ("num_thresholds", Int),
    ("num_labels", Int),
    ("top_k", Int),
    ("class_id", Int),
    ("thresholds", not_int("thresholds are floats in [0, 1]")),
    ("label_weights", not_int("weights are floats")),
    ("recall", FLOAT),
    ("precision", FLOAT),
    ("sensitivity", FLOAT),
    ("specificity", FLOAT),
];
static IOU: &[(&str, FieldKind)] = &[
    ("num_classes", Int),
    ("target_class_ids", IntOrIntList),
    ("ignore_class", Int),
    ("axis", Int),
    ("threshold", FLOAT),
];
static CROSSENTROPY: &[(&str, FieldKind)] = &[
    ("axis", IntOrIntList),
    ("ignore_class", Int),
    ("label_smoothing", not_int("a float; Keras 3 metrics default it to the int 0")),
    ("alpha", FLOAT),
    ("gamma", FLOAT),
    ("reduction", STRING),
];
static TOP_K: &[(&str, FieldKind)] = &[("k", Int)];
static AXIS: &[(&str, FieldKind)] = &[("axis", IntOrIntList), ("reduction", STRING)];

pub static OBJECTS: &[ClassEntry] = &[
    // --- initializers
    obj("GlorotNormal", I, K3_INIT, K2_INIT, SEEDED),
    obj("GlorotUniform", I, K3_INIT, K2_INIT, SEEDED),
    obj("HeNormal", I, K3_INIT, K2_INIT, SEEDED),
    obj("HeUniform", I, K3_INIT, K2_INIT, SEEDED),
    obj("LecunNormal", I, K3_INIT, K2_INIT, SEEDED),
    obj("LecunUniform", I, K3_INIT, K2_INIT, SEEDED),
    obj("Orthogonal", I, K3_INIT, K2_INIT, SEEDED),
    obj("RandomNormal", I, K3_INIT, K2_INIT, SEEDED),
    obj("RandomUniform", I, K3_INIT, K2_INIT, SEEDED),
    obj("TruncatedNormal", I, K3_INIT, K2_INIT, SEEDED),
    obj("VarianceScaling", I, K3_INIT, K2_INIT, SEEDED),
    obj("Constant", I, K3_CONST_INIT, K2_INIT, &[("value", not_int("any number or array"))]),
    obj("Identity", I, K3_CONST_INIT, K2_INIT, &[("gain", FLOAT)]),
    // --- constraints
    obj("MaxNorm", C, K3_CONSTRAINT, K2_CONSTRAINT, NORM_CONSTRAINT),
    obj("MinMaxNorm", C, K3_CONSTRAINT, K2_CONSTRAINT, NORM_CONSTRAINT),
    obj("UnitNorm", C, K3_CONSTRAINT, K2_CONSTRAINT, NORM_CONSTRAINT),
    // --- regularizers
    obj("L1", R, K3_REG, K2_REG, &[("l1", FLOAT)]),
    obj("L2", R, K3_REG, K2_REG, &[("l2", FLOAT)]),
    obj("L1L2", R, K3_REG, K2_REG, &[("l1", FLOAT), ("l2", FLOAT)]),
    obj("OrthogonalRegularizer", R, K3_REG, K2_REG, &[("factor", FLOAT), ("mode", STRING)]),
    // --- optimizers (plus OPTIMIZER_COMMON)
    obj("Adam", O, "keras/src/optimizers/adam.py", "tf_keras/optimizers/adam.py", &[]),
    obj("AdamW", O, "keras/src/optimizers/adamw.py", "tf_keras/optimizers/adamw.py", &[]),
    obj("Adamax", O, "keras/src/optimizers/adamax.py", "tf_keras/optimizers/adamax.py", &[]),
    obj("Nadam", O, "keras/src/optimizers/nadam.py", "tf_keras/optimizers/nadam.py", &[]),
    obj("Adadelta", O, "keras/src/optimizers/adadelta.py", "tf_keras/optimizers/adadelta.py", &[]),
    obj(
        "Adagrad",
        O,
        "keras/src/optimizers/adagrad.py",
        "tf_keras/optimizers/adagrad.py",
        &[("initial_accumulator_value", FLOAT)],
    ),
    obj(
        "Adafactor",
        O,
        "keras/src/optimizers/adafactor.py",
        "tf_keras/optimizers/adafactor.py",
        &[("beta_2_decay", FLOAT), ("epsilon_1", FLOAT), ("epsilon_2", FLOAT), ("clip_threshold", FLOAT)],
    ),
    obj(
        "Ftrl",
        O,
        "keras/src/optimizers/ftrl.py",
        "tf_keras/optimizers/ftrl.py",
        &[
            ("learning_rate_power", FLOAT),
            ("initial_accumulator_value", FLOAT),
            ("l1_regularization_strength", FLOAT),
            ("l2_regularization_strength", FLOAT),
            ("l2_shrinkage_regularization_strength", FLOAT),
            ("beta", FLOAT),
        ],
    ),
    obj("Lion", O, "keras/src/optimizers/lion.py", "tf_keras/optimizers/lion.py", &[]),
    obj("Lamb", O, "keras/src/optimizers/lamb.py", "", &[]),
    obj("Muon", O, "keras/src/optimizers/muon.py", "", &[]),
    obj("RMSprop", O, "keras/src/optimizers/rmsprop.py", "tf_keras/optimizers/rmsprop.py", &[]),
    obj("SGD", O, "keras/src/optimizers/sgd.py", "tf_keras/optimizers/sgd.py", &[]),
    obj("ScheduleFreeAdamW", O, "keras/src/optimizers/schedule_free_adamw.py", "", &[("warmup_steps", Int)]),
    obj(
        "LossScaleOptimizer",
        O,
        "keras/src/optimizers/loss_scale_optimizer.py",
        "tf_keras/mixed_precision/loss_scale_optimizer.py",
        &[("dynamic_growth_steps", Int), ("initial_scale", FLOAT)],
    ),
    // --- learning-rate schedules
    obj("ExponentialDecay", S, K3_SCHED, K2_SCHED, DECAY),
    obj("InverseTimeDecay", S, K3_SCHED, K2_SCHED, DECAY),
    obj("PolynomialDecay", S, K3_SCHED, K2_SCHED, DECAY),
    obj("CosineDecay", S, K3_SCHED, K2_SCHED, DECAY),
    obj("CosineDecayRestarts", S, K3_SCHED, K2_SCHED, DECAY),
    obj(
        "PiecewiseConstantDecay",
        S,
        K3_SCHED,
        K2_SCHED,
        &[
            ("boundaries", not_int("step boundaries compare against a float step; floats are valid")),
            ("values", not_int("learning rates are floats")),
        ],
    ),
    // --- metrics
    obj("AUC", M, K3_CONF, K2_CONF, THRESHOLDS),
    obj("Precision", M, K3_CONF, K2_CONF, THRESHOLDS),
    obj("Recall", M, K3_CONF, K2_CONF, THRESHOLDS),
    obj("PrecisionAtRecall", M, K3_CONF, K2_CONF, THRESHOLDS),
    obj("RecallAtPrecision", M, K3_CONF, K2_CONF, THRESHOLDS),
    obj("SensitivityAtSpecificity", M, K3_CONF, K2_CONF, THRESHOLDS),
    obj("SpecificityAtSensitivity", M, K3_CONF, K2_CONF, THRESHOLDS),
    obj("TruePositives", M, K3_CONF, K2_CONF, THRESHOLDS),
    obj("TrueNegatives", M, K3_CONF, K2_CONF, THRESHOLDS),
    obj("FalsePositives", M, K3_CONF, K2_CONF, THRESHOLDS),
    obj("FalseNegatives", M, K3_CONF, K2_CONF, THRESHOLDS),
    obj("IoU", M, K3_IOU, K2_IOU, IOU),
    obj("MeanIoU", M, K3_IOU, K2_IOU, IOU),
    obj("BinaryIoU", M, K3_IOU, K2_IOU, IOU),
    obj("OneHotIoU", M, K3_IOU, K2_IOU, IOU),
    obj("OneHotMeanIoU", M, K3_IOU, K2_IOU, IOU),
    obj("TopKCategoricalAccuracy", M, K3_ACC, K2_ACC, TOP_K),
    obj("SparseTopKCategoricalAccuracy", M, K3_ACC, K2_ACC, TOP_K),
    obj("BinaryAccuracy", M, K3_ACC, K2_ACC, &[("threshold", FLOAT)]),
    obj(
        "R2Score",
        M,
        "keras/src/metrics/regression_metrics.py",
        "tf_keras/metrics/regression_metrics.py",
        &[("num_regressors", Int), ("class_aggregation", STRING)],
    ),
    obj(
        "F1Score",
        M,
        "keras/src/metrics/f_score_metrics.py",
        "tf_keras/metrics/f_score_metrics.py",
        &[("threshold", FLOAT), ("average", STRING)],
    ),
    obj(
        "FBetaScore",
        M,
        "keras/src/metrics/f_score_metrics.py",
        "tf_keras/metrics/f_score_metrics.py",
        &[("threshold", FLOAT), ("beta", FLOAT), ("average", STRING)],
    ),
    obj("PearsonCorrelation", M, "keras/src/metrics/correlation_metrics.py", "", AXIS),
    obj("ConcordanceCorrelation", M, "keras/src/metrics/correlation_metrics.py", "", AXIS),
    // Metric and loss classes of the same name share these fields.
    obj(
        "BinaryCrossentropy",
        L,
        "keras/src/losses/losses.py; keras/src/metrics/probabilistic_metrics.py",
        "tf_keras/losses.py; tf_keras/metrics/probabilistic_metrics.py",
        CROSSENTROPY,
    ),
    obj("CategoricalCrossentropy", L, K3_LOSS, K2_LOSS, CROSSENTROPY),
    obj("SparseCategoricalCrossentropy", L, K3_LOSS, K2_LOSS, CROSSENTROPY),
    obj("BinaryFocalCrossentropy", L, K3_LOSS, K2_LOSS, CROSSENTROPY),
    obj("CategoricalFocalCrossentropy", L, K3_LOSS, K2_LOSS, CROSSENTROPY),
    obj(
        "CosineSimilarity",
        L,
        "keras/src/losses/losses.py; keras/src/metrics/regression_metrics.py",
        "tf_keras/losses.py; tf_keras/metrics/regression_metrics.py",
        AXIS,
    ),
    obj("Dice", L, K3_LOSS, "", AXIS),
    obj("Tversky", L, K3_LOSS, "", &[("axis", IntOrIntList), ("alpha", FLOAT), ("beta", FLOAT)]),
    obj("Huber", L, K3_LOSS, K2_LOSS, &[("delta", FLOAT)]),
    obj("Circle", L, K3_LOSS, "", &[("gamma", FLOAT), ("margin", FLOAT)]),
    obj("CategoricalGeneralizedCrossEntropy", L, K3_LOSS, "", &[("q", FLOAT)]),
    // --- serialized tensors inside a graph
    // keras/src/saving/serialization_lib.py (`serialize_keras_object` of a KerasTensor:
    // `{"class_name": "__keras_tensor__", "config": {"shape", "dtype", "keras_history"}}`)
    obj(
        "__keras_tensor__",
        T,
        "keras/src/saving/serialization_lib.py",
        "",
        &[("shape", Shape), ("keras_history", TensorRef), ("dtype", STRING)],
    ),
];
