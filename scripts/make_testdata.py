#!/usr/bin/env python3
"""Generate kerasfix's test corpus of real Keras models under testdata/.

Usage (from the repository root):

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python scripts/make_testdata.py

This regenerates everything: it deletes and rewrites testdata/keras3 and
testdata/keras2, then writes testdata/VERSIONS.txt and testdata/README.md
(which includes the cross-library load results and the damage checks, both
obtained by actually running scripts/keras_verify.py and scripts/damage.py).

Each flavour is built in its own subprocess (``--flavor keras3`` uses
``import keras`` (Keras 3, TensorFlow backend); ``--flavor tf-keras`` uses
``import tf_keras`` (Keras 2)), so the two libraries never share a process.

Determinism: all seeds are fixed (``set_random_seed`` before each model,
TensorFlow op determinism, numpy ``default_rng`` for the reference inputs),
so re-running gives the same weights, configs and reference outputs.  The
files are not byte-identical between runs: Keras stamps ``date_saved`` into
``metadata.json`` and HDF5 has its own bookkeeping.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import zipfile

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTDATA = os.path.join(REPO, "testdata")
SEED = 1234
BATCH = 4
FIXEDLEN_LIMIT = 60 * 1024
FIXEDLEN_ATTRS = ("model_config", "training_config", "keras_version", "backend")
FLAVOR_DIRS = {"keras3": "keras3", "tf-keras": "keras2"}
MODEL_NAMES = [
    "dense_seq",
    "embedding_lstm",
    "conv",
    "functional_mha",
    "lookup",
    "nested",
    "unicode_names",
    "big_config",
    "vocab_assets",
]
WEIGHTS_ONLY = ["dense_seq", "conv"]


# --------------------------------------------------------------------------
# Model builders.  `K` is the `keras` (Keras 3) or `tf_keras` module.
# Each returns (model, inputs) where inputs is a list of numpy arrays in the
# model's input order.  `variant` is "h5" or "keras": only `lookup` differs
# (see build_lookup).
# --------------------------------------------------------------------------

def _rng(name):
    return np.random.default_rng(abs(hash_name(name)) % (2**32))


def hash_name(name):
    # Stable across processes (unlike hash()).
    h = 0
    for b in name.encode("utf-8"):
        h = (h * 131 + b) % (2**31)
    return h


def _train_one_batch(model, inputs, out_shape_fn):
    """Compile with Adam and run one batch so optimizer state exists."""
    y = out_shape_fn()
    model.compile(optimizer="adam", loss="mse")
    model.train_on_batch(inputs[0] if len(inputs) == 1 else inputs, y)


def build_dense_seq(K, flavor, variant):
    L = K.layers
    model = K.Sequential(
        [
            K.Input(shape=(8,), name="features"),
            L.Dense(16, activation="relu", name="hidden"),
            L.Dropout(0.25, seed=7, name="dropout"),
            L.Dense(4, name="out"),
        ],
        name="dense_seq",
    )
    rng = _rng("dense_seq")
    x = rng.standard_normal((BATCH, 8)).astype("float32")
    _train_one_batch(model, [x], lambda: rng.standard_normal((BATCH, 4)).astype("float32"))
    return model, [x]


def build_embedding_lstm(K, flavor, variant):
    L = K.layers
    emb_kwargs = {"input_length": 5} if flavor == "tf-keras" else {}
    model = K.Sequential(
        [
            K.Input(shape=(5,), dtype="int32", name="tokens"),
            L.Embedding(input_dim=64, output_dim=8, name="embedding", **emb_kwargs),
            L.LSTM(8, name="lstm"),
            L.Dense(2, activation="softmax", name="out"),
        ],
        name="embedding_lstm",
    )
    rng = _rng("embedding_lstm")
    x = rng.integers(0, 64, size=(BATCH, 5)).astype("int32")
    _train_one_batch(model, [x], lambda: rng.random((BATCH, 2)).astype("float32"))
    return model, [x]


def build_conv(K, flavor, variant):
    L = K.layers
    model = K.Sequential(
        [
            K.Input(shape=(8, 8, 3), name="image"),
            L.Conv2D(4, 3, padding="same", activation="relu", name="conv"),
            L.DepthwiseConv2D(3, depth_multiplier=2, name="depthwise"),
            L.BatchNormalization(name="bn"),
            L.MaxPooling2D(pool_size=(2, 2), name="pool"),
            L.ZeroPadding2D(padding=(1, 1), name="pad"),
            L.ReLU(max_value=float("inf"), name="relu_inf"),
            L.Flatten(name="flatten"),
            L.Dense(3, name="out"),
        ],
        name="conv",
    )
    rng = _rng("conv")
    x = rng.standard_normal((BATCH, 8, 8, 3)).astype("float32")
    _train_one_batch(model, [x], lambda: rng.standard_normal((BATCH, 3)).astype("float32"))
    return model, [x]


def build_functional_mha(K, flavor, variant):
    L = K.layers
    q_in = K.Input(shape=(4, 8), name="query")
    v_in = K.Input(shape=(6, 8), name="value")
    att = L.MultiHeadAttention(num_heads=2, key_dim=4, name="mha")(q_in, v_in)
    x = L.Add(name="add")([q_in, att])
    x = L.LayerNormalization(name="ln")(x)
    x = L.Concatenate(axis=1, name="concat")([x, v_in])  # (10, 8)
    x = L.Reshape((5, 16), name="reshape")(x)
    x = L.GlobalAveragePooling1D(name="gap")(x)
    out = L.Dense(3, name="out")(x)
    model = K.Model([q_in, v_in], out, name="functional_mha")
    rng = _rng("functional_mha")
    q = rng.standard_normal((BATCH, 4, 8)).astype("float32")
    v = rng.standard_normal((BATCH, 6, 8)).astype("float32")
    _train_one_batch(model, [q, v], lambda: rng.standard_normal((BATCH, 3)).astype("float32"))
    return model, [q, v]


ADAPT_DATA = [["cat", "dog", "cat"], ["bird", "cat", "dog"], ["fish", "cat", "dog"]]


def build_lookup(K, flavor, variant):
    """IntegerLookup + StringLookup with inline vocabularies, plus a third
    StringLookup on the same string input.

    In the `.keras` / `.unzipped` variant the third layer is *adapted*, so its
    vocabulary goes to assets/layers/<layer>/vocabulary.txt.  Legacy `.h5`
    cannot store an adapted vocabulary, so in the `.h5` variant the third
    layer gets the very same vocabulary inline: both variants compute the same
    function and share lookup.ref.npz.
    String inputs: predict() in both libraries rejects numpy `<U` arrays, so
    the reference stores them as `<U` and keras_verify.py feeds them as
    tf.constant strings.
    """
    L = K.layers
    adapted = L.StringLookup(name="adapted_lookup")
    adapted.adapt(np.array(ADAPT_DATA))
    vocab = [str(v) for v in adapted.get_vocabulary(include_special_tokens=False)]
    if variant == "h5":
        third = L.StringLookup(vocabulary=vocab, name="adapted_lookup")
    else:
        third = adapted

    ints = K.Input(shape=(3,), dtype="int64", name="ints")
    strs = K.Input(shape=(3,), dtype="string", name="strs")
    o1 = L.IntegerLookup(vocabulary=[10, 20, 30, 40, 50, 60], name="int_lookup")(ints)
    o2 = L.StringLookup(vocabulary=[str(i) for i in range(12)], name="str_lookup")(strs)
    o3 = third(strs)
    model = K.Model([ints, strs], [o1, o2, o3], name="lookup")
    rng = _rng("lookup")
    xi = rng.choice([10, 20, 30, 40, 50, 60, 70, 99], size=(BATCH, 3)).astype("int64")
    pool = [str(i) for i in range(14)] + ["cat", "dog", "bird", "fish", "cow"]
    xs = np.array(rng.choice(pool, size=(BATCH, 3)), dtype="U")
    return model, [xi, xs]


def _adapted(layer, data, variant, make_inline):
    """`layer` adapted to `data`; for the `.h5` variant a fresh layer made by
    `make_inline(vocabulary)` with the very same vocabulary inline instead
    (legacy HDF5 cannot store an adapted vocabulary), so both variants compute
    the same function."""
    layer.adapt(data)
    if variant != "h5":
        return layer
    vocab = [v.item() if hasattr(v, "item") else v
             for v in layer.get_vocabulary(include_special_tokens=False)]
    return make_inline(vocab)


def build_vocab_assets(K, flavor, variant):
    """Adapted IntegerLookup layers, whose vocabularies Keras writes to
    assets/.../vocabulary.txt one integer a line (`.keras` / `.unzipped`),
    beside an adapted StringLookup whose vocabulary is numeric strings (same
    file name, strings: must never be read as integers) and an IntegerLookup
    with an inline vocabulary (no asset, but it takes a place in the asset
    folder numbering).  Keras names the folders after each layer's class and
    position, not its `name`: `integer_lookup` (ids), `integer_lookup_1`
    (inline, no file), `integer_lookup_2` (masked_ids), `string_lookup`, and
    `functional/layers/integer_lookup` for the nested model's layer."""
    L = K.layers
    ints = K.Input(shape=(3,), dtype="int64", name="ints")
    strs = K.Input(shape=(3,), dtype="string", name="strs")
    ids = _adapted(L.IntegerLookup(name="ids"),
                   np.array([[10, 20, 20, 30], [10, 10, 40, 1000]], dtype="int64"), variant,
                   lambda v: L.IntegerLookup(vocabulary=v, name="ids"))
    inline = L.IntegerLookup(vocabulary=[7, 8, 9], name="inline_ids")
    masked = _adapted(L.IntegerLookup(mask_token=0, name="masked_ids"),
                      np.array([[5, 6, 6, 0], [7, 7, 7, 0]], dtype="int64"), variant,
                      lambda v: L.IntegerLookup(vocabulary=v, mask_token=0, name="masked_ids"))
    numeric = _adapted(L.StringLookup(name="numeric_strings"),
                       np.array([["0", "1", "1", "2"], ["10", "10", "10", "2"]]), variant,
                       lambda v: L.StringLookup(vocabulary=v, name="numeric_strings"))
    inner_in = K.Input(shape=(3,), dtype="int64", name="inner_ints")
    inner_lookup = _adapted(L.IntegerLookup(name="inner_ids"),
                            np.array([[3, 4, 4]], dtype="int64"), variant,
                            lambda v: L.IntegerLookup(vocabulary=v, name="inner_ids"))
    inner = K.Model(inner_in, inner_lookup(inner_in), name="inner")
    outs = [ids(ints), inline(ints), masked(ints), numeric(strs), inner(ints)]
    model = K.Model([ints, strs], outs, name="vocab_assets")
    rng = _rng("vocab_assets")
    xi = rng.choice([0, 3, 4, 5, 6, 7, 8, 10, 20, 30, 40, 99, 1000], size=(BATCH, 3)).astype("int64")
    xs = np.array(rng.choice(["0", "1", "2", "10", "3", "x"], size=(BATCH, 3)), dtype="U")
    return model, [xi, xs]


def build_nested(K, flavor, variant):
    L = K.layers
    inner = K.Sequential(
        [
            K.Input(shape=(5, 8), name="inner_in"),
            L.Flatten(name="inner_flatten"),
            L.Dense(6, activation="tanh", name="inner_dense"),
        ],
        name="inner_seq",
    )
    inp = K.Input(shape=(5, 4), name="seq_in")
    x = L.TimeDistributed(L.Dense(3, name="td_dense"), name="time_distributed")(inp)
    x = L.Bidirectional(L.LSTM(4, return_sequences=True, name="lstm"), name="bidirectional")(x)
    x = inner(x)
    out = L.Dense(2, name="out")(x)
    model = K.Model(inp, out, name="nested")
    rng = _rng("nested")
    x = rng.standard_normal((BATCH, 5, 4)).astype("float32")
    return model, [x]


UNICODE_VOCAB = ["猫", "狗", "鸟", "über", "ñandú", "😀"]


def unicode_layer_names(flavor):
    """Keras 3 stores and loads non-ASCII layer names (predict needs eager
    mode: TF rejects them as tf.function scope names).  tf-keras cannot even
    build such a model ("'嵌入/' is not a valid root scope name": it builds the
    graph at construction and at load), so its layers get ASCII names and its
    non-ASCII text is only in the StringLookup vocabulary."""
    if flavor == "keras3":
        return {"tok": "输入", "str": "文字", "emb": "嵌入", "gap": "平均池化",
                "dense": "密集层", "out": "выход_ü", "lookup": "查找"}
    return {"tok": "tokens", "str": "text", "emb": "embedding_qianru",
            "gap": "pooling_pingjun", "dense": "dense_miji", "out": "vykhod",
            "lookup": "lookup_chazhao"}


def build_unicode_names(K, flavor, variant):
    L = K.layers
    n = unicode_layer_names(flavor)
    tok = K.Input(shape=(6,), dtype="int32", name=n["tok"])
    txt = K.Input(shape=(2,), dtype="string", name=n["str"])
    x = L.Embedding(input_dim=20, output_dim=4, name=n["emb"])(tok)
    x = L.GlobalAveragePooling1D(name=n["gap"])(x)
    x = L.Dense(5, activation="relu", name=n["dense"])(x)
    out1 = L.Dense(2, name=n["out"])(x)
    out2 = L.StringLookup(vocabulary=UNICODE_VOCAB, name=n["lookup"])(txt)
    # TF root scopes must be ASCII, so the model name is.
    model = K.Model([tok, txt], [out1, out2], name="unicode_names")
    rng = _rng("unicode_names")
    xt = rng.integers(0, 20, size=(BATCH, 6)).astype("int32")
    xs = np.array(rng.choice(UNICODE_VOCAB + ["狐", "x"], size=(BATCH, 2)), dtype="U")
    return model, [xt, xs]


BIG_LAYERS = 96
BIG_NAME_LEN = 720  # 96 * 720 B > 64,512 B -> layer_names0, layer_names1, ...


def big_layer_name(i):
    stem = "block_%03d_" % i
    filler = "a_deliberately_very_long_layer_name_to_overflow_hdf5_attribute_headers_"
    return (stem + filler * 20)[:BIG_NAME_LEN]


def build_big_config(K, flavor, variant):
    L = K.layers
    layers = [K.Input(shape=(2,), name="big_in")]
    for i in range(BIG_LAYERS):
        layers.append(L.Dense(2, name=big_layer_name(i)))
    model = K.Sequential(layers, name="big_config")
    rng = _rng("big_config")
    x = rng.standard_normal((BATCH, 2)).astype("float32")
    return model, [x]


BUILDERS = {
    "dense_seq": build_dense_seq,
    "embedding_lstm": build_embedding_lstm,
    "conv": build_conv,
    "functional_mha": build_functional_mha,
    "lookup": build_lookup,
    "nested": build_nested,
    "unicode_names": build_unicode_names,
    "big_config": build_big_config,
    "vocab_assets": build_vocab_assets,
}


# --------------------------------------------------------------------------
# Per-flavour generation (runs in a subprocess)
# --------------------------------------------------------------------------

def feed(inputs):
    """numpy arrays -> what predict() accepts (strings as tf.constant)."""
    out = []
    for a in inputs:
        if a.dtype.kind in "US":
            import tensorflow as tf

            out.append(tf.constant(a.astype(str).tolist(), dtype=tf.string))
        else:
            out.append(a)
    return out


def predict(model, inputs):
    x = feed(inputs)
    # Eager: under tf.function TensorFlow rejects non-ASCII layer names as
    # scope names (unicode_names); keras_verify.py predicts eagerly too.
    model.run_eagerly = True
    res = model.predict(x[0] if len(x) == 1 else x, batch_size=BATCH, verbose=0)
    if not isinstance(res, (list, tuple)):
        res = [res]
    return [np.asarray(r) for r in res]


def set_seed(K, tf):
    K.utils.set_random_seed(SEED)
    try:
        tf.config.experimental.enable_op_determinism()
    except Exception:
        pass


def generate_flavor(flavor, outdir, names):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    if flavor == "keras3":
        import keras as K
    else:
        import tf_keras as K
    os.makedirs(outdir, exist_ok=True)

    for name in names:
        builder = BUILDERS[name]
        base = os.path.join(outdir, name)
        variants = {}
        for variant in ("keras", "h5"):
            set_seed(K, tf)
            if hasattr(K, "backend") and hasattr(K.backend, "clear_session"):
                K.backend.clear_session()
            set_seed(K, tf)
            model, inputs = builder(K, flavor, variant)
            variants[variant] = (model, inputs)
            if variant == "keras":
                model.save(base + ".keras")
                if flavor == "keras3":
                    udir = base + ".unzipped"
                    model.save(udir, zipped=False)
                    copy_assets_into_dir(base + ".keras", udir)
                if name in WEIGHTS_ONLY:
                    model.save_weights(base + ".weights.h5")
            else:
                model.save(base + ".h5")
        # Reference: from the saved-and-reloaded .keras model.
        model_k, inputs = variants["keras"]
        reloaded = K.models.load_model(base + ".keras", compile=False)
        outs = predict(reloaded, inputs)
        # Cross-check: in-memory model and the .h5 reload agree.
        for other in (predict(model_k, inputs),
                      predict(K.models.load_model(base + ".h5", compile=False), inputs)):
            for a, b in zip(outs, other):
                if not np.allclose(a, b, rtol=1e-6, atol=1e-6):
                    raise SystemExit(f"{flavor}/{name}: outputs disagree between formats")
        ref = {}
        for i, a in enumerate(inputs):
            ref["input_%d" % i] = a
        for i, a in enumerate(outs):
            ref["output_%d" % i] = a
        np.savez(base + ".ref.npz", **ref)
        print(f"[{flavor}] {name}: ok ({len(inputs)} inputs, {len(outs)} outputs)", flush=True)


def copy_assets_into_dir(keras_zip, udir):
    """Keras 3.15.1's save(zipped=False) drops assets/: its DiskIOStore("w")
    writes them into a temp dir that close() deletes.  The directory form is
    only useful as a faithful stand-in for the archive, so copy the assets
    the archive got (none for most models).  load_model(dir) reads assets/
    when the directory holds more than 3 entries."""
    with zipfile.ZipFile(keras_zip) as zf:
        for n in zf.namelist():
            if n.startswith("assets/"):
                dst = os.path.join(udir, *n.split("/"))
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                with open(dst, "wb") as f:
                    f.write(zf.read(n))


# --------------------------------------------------------------------------
# Post-processing with h5py only
# --------------------------------------------------------------------------

def attr_kind(attr_id):
    import h5py

    t = attr_id.get_type()
    if not isinstance(t, h5py.h5t.TypeStringID):
        return "non-string (%s)" % type(t).__name__
    cset = {h5py.h5t.CSET_ASCII: "ASCII", h5py.h5t.CSET_UTF8: "UTF-8"}[t.get_cset()]
    if t.is_variable_str():
        return "variable-length %s" % cset
    pad = {h5py.h5t.STR_NULLPAD: "NULLPAD", h5py.h5t.STR_NULLTERM: "NULLTERM",
           h5py.h5t.STR_SPACEPAD: "SPACEPAD"}[t.get_strpad()]
    return "fixed-length %s %s (size %d)" % (cset, pad, t.get_size())


def make_fixedlen(src, dst):
    """Copy src to dst, re-creating the root string attributes as fixed-length
    NULLPAD strings (numpy S<n>), like h5py 2 wrote them."""
    import h5py

    shutil.copyfile(src, dst)
    with h5py.File(dst, "r+") as f:
        for name in FIXEDLEN_ATTRS:
            if name not in f.attrs:
                continue
            val = f.attrs[name]
            if isinstance(val, str):
                val = val.encode("utf-8")
            val = bytes(val)
            del f.attrs[name]
            f.attrs.create(name, np.array(val, dtype="S%d" % max(1, len(val))))
    with h5py.File(dst, "r") as f:
        for name in FIXEDLEN_ATTRS:
            if name in f.attrs:
                t = f.attrs.get_id(name).get_type()
                assert not t.is_variable_str(), (dst, name)
                assert t.get_strpad() == h5py.h5t.STR_NULLPAD, (dst, name)


def root_attr_kinds(path):
    import h5py

    with h5py.File(path, "r") as f:
        return {n: attr_kind(f.attrs.get_id(n)) for n in f.attrs.keys()}


def postprocess(outdirs, names):
    """Makes the `.fixedlen.h5` copies of the models just generated (`names`)
    and reads the root attribute kinds of every `.h5` file."""
    import h5py

    kinds = {}
    for d in outdirs:
        for fn in sorted(os.listdir(d)):
            if not fn.endswith(".h5") or fn.endswith(".weights.h5") or fn.endswith(".fixedlen.h5"):
                continue
            path = os.path.join(d, fn)
            with h5py.File(path, "r") as f:
                mc = f.attrs["model_config"]
                size = len(mc)
            kinds[path] = root_attr_kinds(path)
            for n in FIXEDLEN_ATTRS:
                if n in kinds[path]:
                    assert kinds[path][n].startswith("variable-length"), (path, n, kinds[path][n])
            fdst = path[:-3] + ".fixedlen.h5"
            if size < FIXEDLEN_LIMIT and fn[:-3] in names:
                make_fixedlen(path, fdst)
            if os.path.exists(fdst):
                kinds[fdst] = root_attr_kinds(fdst)
    return kinds


# --------------------------------------------------------------------------
# Checks run against the generated corpus (results go into README.md)
# --------------------------------------------------------------------------

PY = sys.executable
VERIFY = os.path.join(REPO, "scripts", "keras_verify.py")
DAMAGE = os.path.join(REPO, "scripts", "damage.py")


def model_files(d):
    """All loadable model paths in d with their reference file."""
    out = []
    for fn in sorted(os.listdir(d)):
        p = os.path.join(d, fn)
        if fn.endswith(".ref.npz") or fn.endswith(".weights.h5"):
            continue
        name = fn.split(".")[0]
        ref = os.path.join(d, name + ".ref.npz")
        out.append((p, ref))
    return out


def run_many(flavor, pairs):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    stdin = "".join("%s\t%s\n" % (m, r) for m, r in pairs)
    p = subprocess.run([PY, VERIFY, "--flavor", flavor, "--many", "--json"], input=stdin,
                       capture_output=True, text=True, env=env)
    lines = [l for l in p.stdout.splitlines() if l.strip()]
    if len(lines) != len(pairs):
        raise SystemExit("keras_verify --many gave %d lines for %d pairs:\n%s\n%s"
                         % (len(lines), len(pairs), p.stdout, p.stderr[-3000:]))
    return [result_text(json.loads(l)) for l in lines]


def shorten(s, n=220):
    return s if len(s) <= n else s[:n] + "..."


def result_text(r):
    if r["status"] == "OK":
        return "OK"
    t = "%s: %s" % (r["status"], shorten(r["error"]))
    if r.get("cause") and r["cause"] not in r["error"]:
        t += " <br>cause: %s" % shorten(r["cause"])
    return t


def rel(p):
    return os.path.relpath(p, REPO)


def check_corpus(dirs):
    """Own-library verification must be all OK; cross-library results are
    recorded."""
    own, cross = [], []
    for flavor, d in (("keras3", dirs["keras3"]), ("tf-keras", dirs["tf-keras"])):
        pairs = model_files(d)
        res = run_many(flavor, pairs)
        for (m, _), line in zip(pairs, res):
            own.append((flavor, rel(m), line))
        other = "tf-keras" if flavor == "keras3" else "keras3"
        # unzipped dirs are Keras-3-only by nature; tf-keras treats a dir as
        # a SavedModel.  Still recorded.
        res = run_many(other, pairs)
        for (m, _), line in zip(pairs, res):
            cross.append((other, rel(m), line))
    bad = [o for o in own if o[2] != "OK"]
    return own, cross, bad


DAMAGE_CASES = [
    # (flavour dir, model file, mode, part)
    ("keras3", "dense_seq.keras", "floats", "model_config"),
    ("keras3", "dense_seq.h5", "floats", "model_config"),
    ("keras3", "embedding_lstm.keras", "floats", "model_config"),
    ("keras3", "conv.keras", "floats", "model_config"),
    ("keras3", "functional_mha.keras", "floats", "model_config"),
    ("keras3", "lookup.keras", "floats", "model_config"),
    ("keras3", "dense_seq.keras", "strings", "model_config"),
    ("keras3", "conv.h5", "strings", "model_config"),
    ("keras3", "lookup.keras", "strings", "model_config"),
    ("keras3", "conv.keras", "sequences", "model_config"),
    ("keras3", "conv.h5", "sequences", "model_config"),
    ("keras3", "functional_mha.unzipped", "sequences", "model_config"),
    ("keras3", "lookup.keras", "sequences", "model_config"),
    ("keras3", "nested.fixedlen.h5", "floats", "model_config"),
    ("keras3", "dense_seq.h5", "strings", "training_config"),
    ("keras3", "dense_seq.keras", "floats", "metadata"),
    ("keras3", "dense_seq.keras", "strings", "training_config"),
    ("keras3", "unicode_names.keras", "floats", "model_config"),
    ("keras3", "big_config.h5", "floats", "model_config"),
    ("keras3", "nested.keras", "strings", "model_config"),
    ("keras2", "lookup.h5", "sequences", "model_config"),
    ("keras2", "unicode_names.h5", "strings", "model_config"),
    ("keras2", "dense_seq.h5", "floats", "model_config"),
    ("keras2", "conv.h5", "sequences", "model_config"),
    ("keras2", "embedding_lstm.fixedlen.h5", "strings", "model_config"),
    ("keras3", "vocab_assets.keras", "floats", "vocabulary"),
    ("keras3", "vocab_assets.keras", "savetxt", "vocabulary"),
    ("keras3", "vocab_assets.unzipped", "savetxt", "vocabulary"),
    ("keras3", "vocab_assets.keras", "floats", "model_config"),
]


def check_damage(tmpdir):
    """Damage some models, verify each damaged copy with Keras 3 (the
    reference check is against the undamaged model's outputs)."""
    os.makedirs(tmpdir, exist_ok=True)
    rows, pairs = [], []
    for sub, fn, mode, part in DAMAGE_CASES:
        src = os.path.join(TESTDATA, sub, fn)
        name = fn.split(".")[0]
        dst = os.path.join(tmpdir, "%s_%s_%s_%s" % (sub, mode, part, fn))
        p = subprocess.run([PY, DAMAGE, "--mode", mode, "--part", part, src, dst],
                           capture_output=True, text=True)
        if p.returncode != 0:
            raise SystemExit("damage.py failed on %s: %s" % (src, p.stderr))
        rows.append([sub, fn, mode, part, p.stdout.strip()])
        pairs.append((dst, os.path.join(TESTDATA, sub, name + ".ref.npz")))
    res = run_many("keras3", pairs)
    for row, line in zip(rows, res):
        row.append(line)
    return rows


# --------------------------------------------------------------------------
# VERSIONS.txt and README.md
# --------------------------------------------------------------------------

def versions_text(cmd):
    code = (
        "import sys, platform, h5py, numpy, tensorflow, keras, tf_keras;"
        "print('python', platform.python_version());"
        "print('keras', keras.__version__);"
        "print('tf_keras', tf_keras.__version__);"
        "print('tensorflow', tensorflow.__version__);"
        "print('h5py', h5py.__version__);"
        "print('hdf5', h5py.version.hdf5_version);"
        "print('numpy', numpy.__version__)"
    )
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([PY, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    return out + "command TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python %s\n" % cmd


def md_escape(s):
    return s.replace("|", "\\|")


def write_readme(kinds, own, cross, damage_rows, sizes):
    L = []
    w = L.append
    w("# kerasfix test data")
    w("")
    w("Real models saved by Keras 3 (`keras3/`) and tf-keras / Keras 2 (`keras2/`).")
    w("Generated by `scripts/make_testdata.py`; **do not edit by hand**. Regenerate with")
    w("")
    w("    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python scripts/make_testdata.py")
    w("")
    w("(library versions in `VERSIONS.txt`). Seeds are fixed, so weights, configs and")
    w("reference outputs are reproducible; files are not byte-identical between runs")
    w("(`metadata.json` has `date_saved`, HDF5 has its own bookkeeping).")
    w("Everything in this file below, including the tables, is written by the generator")
    w("from what it observed while running.")
    w("")
    w("## Models (same names in `keras3/` and `keras2/`)")
    w("")
    w("| name | what | compiled (optimizer saved) |")
    w("| --- | --- | --- |")
    w("| `dense_seq` | Sequential: InputLayer, Dense, Dropout, Dense | yes (Adam, 1 train batch) |")
    w("| `embedding_lstm` | Sequential: Embedding(64, 8) -> LSTM -> Dense (tf-keras: `input_length=5`) | yes |")
    w("| `conv` | Conv2D, DepthwiseConv2D, BatchNormalization, MaxPooling2D, ZeroPadding2D, `ReLU(max_value=inf)` (config holds bare `Infinity`), Flatten, Dense | yes |")
    w("| `functional_mha` | Functional, two inputs: MultiHeadAttention, Add, LayerNormalization, Concatenate, Reshape, GlobalAveragePooling1D, Dense | yes |")
    w("| `lookup` | Functional, inputs int64 + string: IntegerLookup (inline int vocabulary), StringLookup (inline `[\"0\",...,\"11\"]`), and a third StringLookup `adapted_lookup`: **adapted** in `.keras` / `.unzipped` (vocabulary in `assets/`, see below; Keras names the asset folder after the layer's auto-generated object path, not its `name`), the same vocabulary inline in `.h5` (legacy HDF5 cannot store adapted vocabularies). Three int outputs. | no |")
    w("| `vocab_assets` | Functional, inputs int64 + string: **adapted** IntegerLookup `ids`, IntegerLookup `inline_ids` (inline vocabulary `[7, 8, 9]`), **adapted** IntegerLookup `masked_ids` (`mask_token=0`), **adapted** StringLookup `numeric_strings` (vocabulary of numeric strings `\"10\"`, `\"1\"`, ...), and a nested Functional `inner` with an **adapted** IntegerLookup. In `.keras` / `.unzipped` the adapted vocabularies are in `assets/` (one term a line; folders named after class and position: `integer_lookup`, `integer_lookup_2`, `string_lookup`, `functional/layers/integer_lookup`; `integer_lookup_1` is the inline layer, which writes no file); in `.h5` the same vocabularies are inline. Five int outputs. | no |")
    w("| `nested` | Functional with TimeDistributed(Dense), Bidirectional(LSTM), a nested Sequential sub-model, Dense | no |")
    w("| `unicode_names` | Functional, inputs int32 tokens + strings: Embedding, GlobalAveragePooling1D, Dense, Dense; and StringLookup with vocabulary `%s` (two outputs). **keras3**: layers named `输入`, `文字`, `嵌入`, `平均池化`, `密集层`, `выход_ü`, `查找` (Keras 3 predicts with them only eagerly: under tf.function TF rejects them as scope names). **keras2**: ASCII layer names, because tf-keras cannot build a model with non-ASCII layer names at all (`ValueError: '嵌入/' is not a valid root scope name`), neither when constructing nor when loading. The model name is ASCII in both (TF root scope). | no |" % json.dumps(UNICODE_VOCAB, ensure_ascii=False))
    w("| `big_config` | Sequential of %d Dense(2) layers with %d-character names: config JSON > 64 KB and `model_weights/layer_names` split into `layer_names0`, `layer_names1`, ... | no |" % (BIG_LAYERS, BIG_NAME_LEN))
    w("")
    w("## Files")
    w("")
    w("For each model `NAME` in each flavour directory:")
    w("")
    w("- `NAME.h5` - legacy HDF5 (`model.save(\"NAME.h5\")`), JSON in root attribute `model_config`")
    w("  (and `training_config` for compiled models).")
    w("- `NAME.fixedlen.h5` - only when `model_config` is under 60 KB (so not `big_config`): a copy of")
    w("  `NAME.h5` whose root attributes `model_config`, `training_config`, `keras_version`, `backend`")
    w("  are re-created as fixed-length NULLPAD strings (numpy `S<n>`), as h5py 2 wrote them;")
    w("  everything else identical.")
    w("- `NAME.keras` - Keras v3 zip archive (`metadata.json`, `config.json`, `model.weights.h5`, `assets/`).")
    w("- `NAME.unzipped/` - keras3 only: `model.save(\"NAME.unzipped\", zipped=False)`. Keras 3.15.1 drops")
    w("  `assets/` when saving unzipped (its asset store writes into a temp dir that is deleted), so the")
    w("  generator copies the archive's `assets/` into the directory (only `lookup` and `vocab_assets` have any).")
    w("- `NAME.weights.h5` - `model.save_weights(...)` (only %s)." % ", ".join("`%s`" % n for n in WEIGHTS_ONLY))
    w("- `NAME.ref.npz` - reference data shared by all of `NAME`'s files: deterministic inputs")
    w("  `input_0`, `input_1`, ... (model input order) and outputs `output_0`, ... computed by the")
    w("  flavour's own library from the saved-and-reloaded `NAME.keras` (the generator checks that the")
    w("  in-memory model and the `.h5` reload agree). String inputs are stored as numpy `<U` arrays;")
    w("  `keras_verify.py` feeds them as `tf.constant` strings because `predict()` rejects `<U`/object arrays.")
    w("")
    w("Assets found in the archives (entry names):")
    w("")
    for sub in ("keras3", "keras2"):
        d = os.path.join(TESTDATA, sub)
        for fn in sorted(os.listdir(d)):
            if fn.endswith(".keras"):
                with zipfile.ZipFile(os.path.join(d, fn)) as zf:
                    for n in zf.namelist():
                        if n.startswith("assets/"):
                            w("- `%s/%s`: `%s`" % (sub, fn, n))
    w("")
    w("Sizes: " + ", ".join("`%s` %s" % (k, v) for k, v in sizes))
    w("")
    w("## Root attribute storage kinds (h5py low-level API)")
    w("")
    summary = {}
    for path in kinds:
        group = "NAME.fixedlen.h5" if path.endswith(".fixedlen.h5") else "NAME.h5"
        for n, k in kinds[path].items():
            summary.setdefault((group, n), set()).add(k.split(" (size")[0])
    w("Summary over both flavours:")
    w("")
    for (group, n), ks in sorted(summary.items()):
        w("- `%s` `%s`: %s" % (group, n, " / ".join(sorted(ks))))
    w("")
    w("| file | attribute | kind |")
    w("| --- | --- | --- |")
    for path in sorted(kinds):
        for n in sorted(kinds[path]):
            w("| `%s` | `%s` | %s |" % (rel(path), n, kinds[path][n]))
    w("")
    w("## Scripts")
    w("")
    w("- `scripts/keras_verify.py --flavor keras3|tf-keras MODEL [--ref REF.npz] [--json]`, or `--many`")
    w("  reading `MODEL REF` pairs from stdin: loads with `compile=False`, predicts on the reference")
    w("  inputs, compares with `np.allclose(rtol=1e-6, atol=1e-6)`; prints `OK`, `LOAD-ERROR: ...` or")
    w("  `MISMATCH: ...`.")
    w("- `scripts/damage.py --mode floats|strings|sequences [--part model_config|training_config|metadata] SRC DST`;")
    w("  `--part vocabulary --mode floats|savetxt` rewrites the IntegerLookup vocabulary assets instead")
    w("  (`10` -> `10.0`, or numpy `savetxt`'s `1.000000000000000000e+01`).")
    w("")
    w("## Own-library verification (all must be OK)")
    w("")
    w("| flavour | model | result |")
    w("| --- | --- | --- |")
    for fl, m, line in own:
        w("| %s | `%s` | %s |" % (fl, m, md_escape(line)))
    w("")
    w("## Cross-library loads today (to be fixed by kerasfix)")
    w("")
    w("Keras 3 loading each `keras2/` file and tf-keras loading each `keras3/` file, `compile=False`,")
    w("compared with the reference. First line of the error (cut at 220 characters; `cause` is the")
    w("innermost \"Exception encountered\" message Keras appends, from `keras_verify.py --json`):")
    w("")
    w("| loaded by | model | result |")
    w("| --- | --- | --- |")
    for fl, m, line in cross:
        w("| %s | `%s` | %s |" % (fl, m, md_escape(line)))
    w("")
    w("## Damaged copies loaded by Keras 3")
    w("")
    w("Made by `scripts/damage.py` into a temporary directory (not kept), then verified by Keras 3")
    w("against the undamaged model's reference (error lines as in the table above):")
    w("(`training_config` and `metadata` damage is not seen by a `compile=False` load; the")
    w("`metadata.json` of these models holds no integers. `vocabulary` damages the")
    w("`assets/.../integer_lookup*/vocabulary.txt` files, not the JSON.)")
    w("")
    w("| dir | source | mode | part | damage.py | Keras 3 |")
    w("| --- | --- | --- | --- | --- | --- |")
    for r in damage_rows:
        w("| %s | `%s` | %s | %s | %s | %s |" % tuple(md_escape(x) for x in r))
    w("")
    with open(os.path.join(TESTDATA, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(L))


def du(path):
    total = 0
    for root, _, files in os.walk(path):
        for fn in files:
            total += os.path.getsize(os.path.join(root, fn))
    return "%.2f MB" % (total / 1e6)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flavor", choices=["keras3", "tf-keras"],
                    help="internal: generate one flavour in this process")
    ap.add_argument("--out", help="internal: output directory for --flavor")
    ap.add_argument("--skip-checks", action="store_true",
                    help="do not run the verification/damage checks (README gets no result tables)")
    ap.add_argument("--only", metavar="NAME[,NAME...]",
                    help="regenerate only these models and keep every other file as it is "
                         "(README.md is still rewritten from the whole corpus)")
    args = ap.parse_args()
    names = args.only.split(",") if args.only else MODEL_NAMES
    unknown = [n for n in names if n not in BUILDERS]
    if unknown:
        raise SystemExit("unknown model(s): %s" % ", ".join(unknown))
    if args.flavor:
        generate_flavor(args.flavor, args.out, names)
        return

    import tempfile

    os.makedirs(TESTDATA, exist_ok=True)
    dirs = {fl: os.path.join(TESTDATA, d) for fl, d in FLAVOR_DIRS.items()}
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONHASHSEED="0")
    for fl, d in dirs.items():
        if os.path.isdir(d) and not args.only:
            shutil.rmtree(d)
        for old in [os.path.join(d, f) for f in (os.listdir(d) if os.path.isdir(d) else [])]:
            if os.path.basename(old).split(".")[0] in names:
                (shutil.rmtree if os.path.isdir(old) else os.remove)(old)
        subprocess.run([PY, os.path.abspath(__file__), "--flavor", fl, "--out", d,
                        "--only", ",".join(names)], env=env, check=True)
    kinds = postprocess(list(dirs.values()), names)
    with open(os.path.join(TESTDATA, "VERSIONS.txt"), "w") as f:
        f.write(versions_text(rel(os.path.abspath(__file__))))
    own, cross, damage_rows = [], [], []
    if not args.skip_checks:
        own, cross, bad = check_corpus(dirs)
        if bad:
            for b in bad:
                print("NOT OK:", *b, file=sys.stderr)
            raise SystemExit(1)
        with tempfile.TemporaryDirectory() as tmp:
            damage_rows = check_damage(tmp)
    sizes = [("keras3/", du(dirs["keras3"])), ("keras2/", du(dirs["tf-keras"])), ("testdata/", du(TESTDATA))]
    write_readme(kinds, own, cross, damage_rows, sizes)
    print("done:", ", ".join("%s %s" % s for s in sizes))


if __name__ == "__main__":
    main()
