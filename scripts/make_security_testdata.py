#!/usr/bin/env python3
"""Generate the security-rule test models under testdata/security/ (the SEC rules).

Usage (from the repository root):

    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python scripts/make_security_testdata.py

Every model is saved by the real library (Keras 3 via ``import keras``, Keras 2 via
``import tf_keras``), each flavour in its own subprocess so the libraries never share one.
The two CVE-2025-1550-shaped models are made afterwards by editing the JSON of a clean saved
model with zipfile / h5py only: they are never loaded, by this script or by anything else.

Writes testdata/security/README.md from what it observed (config excerpts, sizes).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import zipfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "testdata", "security")
SEED = 1234
# The payload the edited models carry. Relative on purpose: a test runs kerasfix in an empty
# scratch directory and asserts this file never appears there.
CANARY = "kerasfix_pwned"
PAYLOAD = f"touch {CANARY}"


def find_objects(node, pred, pointer=""):
    """(pointer, object) for every dict under `node` for which pred(dict) holds."""
    if isinstance(node, dict):
        if pred(node):
            yield pointer, node
        for k, v in node.items():
            yield from find_objects(v, pred, f"{pointer}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from find_objects(v, pred, f"{pointer}/{i}")


def keras_config(path):
    if path.endswith(".keras"):
        with zipfile.ZipFile(path) as zf:
            return json.loads(zf.read("config.json"))
    import h5py

    with h5py.File(path, "r") as f:
        raw = f.attrs["model_config"]
        return json.loads(raw if isinstance(raw, str) else raw.decode("utf-8"))


# --------------------------------------------------------------------------
# Keras 3
# --------------------------------------------------------------------------

def make_keras3():
    import keras

    keras.utils.set_random_seed(SEED)

    # A Lambda two models deep: Functional > Sequential "mid" > Sequential "inner" > Lambda.
    inner = keras.Sequential(
        [keras.Input((2,)), keras.layers.Lambda(lambda x: x * 2, name="double")], name="inner"
    )
    mid = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="d0"), inner], name="mid")
    inp = keras.Input((3,), name="inp")
    model = keras.Model(inp, mid(inp), name="outer")
    model.save(os.path.join(OUT, "lambda_nested.keras"))
    model.save(os.path.join(OUT, "lambda_nested.h5"))

    # A Lambda over a named (not lambda) function: serialized by name, no bytecode.
    def add_one(x):
        return x + 1

    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Lambda(add_one, name="add_one")], name="lambda_named"
    )
    model.save(os.path.join(OUT, "lambda_named.keras"))

    # A registered custom layer and a registered custom activation function.
    @keras.saving.register_keras_serializable(package="MyPackage")
    class Scale(keras.layers.Layer):
        def __init__(self, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, x):
            return x * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}

    @keras.saving.register_keras_serializable(package="mw")
    def scaled_relu(x):
        return keras.activations.relu(x) * 2

    inp = keras.Input((3,), name="inp")
    x = Scale(name="scale")(inp)
    out = keras.layers.Dense(2, activation=scaled_relu, name="dense")(x)
    model = keras.Model(inp, out, name="custom")
    model.save(os.path.join(OUT, "custom_layer.keras"))
    model.save(os.path.join(OUT, "custom_layer.h5"))

    # The clean base the CVE-shaped models are edited from (deleted afterwards).
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(2, name="dense")], name="victim"
    )
    model.save(os.path.join(OUT, "_base.keras"))
    model.save(os.path.join(OUT, "_base.h5"))
    inner = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, name="inner_dense")], name="inner")
    inp = keras.Input((3,), name="inp")
    model = keras.Model(inp, inner(inp), name="outer")
    model.save(os.path.join(OUT, "_base_nested.keras"))

    # Keras refuses the lambda models in safe mode: proof that what the rule flags is real.
    try:
        keras.saving.load_model(os.path.join(OUT, "lambda_nested.keras"))
        raise SystemExit("keras3: lambda_nested.keras loaded in safe mode?")
    except ValueError as e:
        assert "lambda" in str(e).lower(), e
    print("keras3: ok", flush=True)


# --------------------------------------------------------------------------
# tf-keras (Keras 2)
# --------------------------------------------------------------------------

def make_tf_keras():
    import tensorflow as tf
    import tf_keras

    tf_keras.utils.set_random_seed(SEED)
    # A TensorFlow op applied to a Keras tensor in a functional model becomes a TFOpLambda layer.
    inp = tf_keras.Input((3,), name="inp")
    x = tf_keras.layers.Dense(3, name="dense")(inp)
    out = tf.math.add(x, 1.0)
    model = tf_keras.Model(inp, out, name="tfop")
    model.save(os.path.join(OUT, "tfop.h5"))
    model.save(os.path.join(OUT, "tfop.keras"))
    for name in ("tfop.h5", "tfop.keras"):
        found = list(find_objects(keras_config(os.path.join(OUT, name)),
                                  lambda o: o.get("class_name") == "TFOpLambda"))
        assert found, f"tf-keras wrote no TFOpLambda in {name}"

    # Keras 2 serializes a lambda as a [base64, defaults, closure] triple, function_type "lambda".
    model = tf_keras.Sequential(
        [tf_keras.Input((3,)), tf_keras.layers.Lambda(lambda x: x * 2, name="double")], name="k2_lambda"
    )
    model.save(os.path.join(OUT, "k2_lambda.h5"))
    print("tf-keras: ok", flush=True)


# --------------------------------------------------------------------------
# CVE-2025-1550-shaped edits (JSON only; never loaded)
# --------------------------------------------------------------------------

# A serialized object naming a module and class outside Keras, as in CVE-2025-1550: Keras 3
# before 3.9 (and tf-keras, for any name not registered) imports `module` and takes
# `class_name` from it while loading.
OS_SYSTEM = {"module": "os", "class_name": "system", "config": {"command": PAYLOAD}, "registered_name": None}


def rewrite_zip(src, dst, edit):
    """Copy the .keras zip `src` to `dst` with config.json passed through `edit`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "config.json":
                config = json.loads(data)
                edit(config)
                data = json.dumps(config).encode("utf-8")
            zout.writestr(item, data)


def dense_of(config, name):
    found = [o for _, o in find_objects(config, lambda o: o.get("class_name") == "Dense"
                                        and o.get("config", {}).get("name") == name)]
    assert len(found) == 1, name
    return found[0]["config"]


def make_cve():
    def put_os_system(config):
        dense_of(config, "dense")["kernel_initializer"] = dict(OS_SYSTEM)

    rewrite_zip(os.path.join(OUT, "_base.keras"), os.path.join(OUT, "cve_initializer.keras"), put_os_system)

    import h5py

    shutil.copyfile(os.path.join(OUT, "_base.h5"), os.path.join(OUT, "cve_initializer.h5"))
    with h5py.File(os.path.join(OUT, "cve_initializer.h5"), "r+") as f:
        raw = f.attrs["model_config"]
        config = json.loads(raw if isinstance(raw, str) else raw.decode("utf-8"))
        put_os_system(config)
        f.attrs["model_config"] = json.dumps(config)

    # Foreign references one model deep, in a regularizer and an activation.
    def put_nested(config):
        dense = dense_of(config, "inner_dense")
        dense["kernel_regularizer"] = {
            "module": "subprocess", "class_name": "Popen",
            "config": {"args": ["sh", "-c", PAYLOAD]}, "registered_name": None,
        }
        # Keras writes "builtins" for every function it serializes by name; the name is what
        # makes this one foreign: `exec` is a Python builtin, not a Keras function.
        dense["activation"] = {
            "module": "builtins", "class_name": "function", "config": "exec", "registered_name": "function",
        }

    rewrite_zip(os.path.join(OUT, "_base_nested.keras"), os.path.join(OUT, "foreign_nested.keras"), put_nested)
    for name in ("_base.keras", "_base.h5", "_base_nested.keras"):
        os.remove(os.path.join(OUT, name))
    print("cve: ok", flush=True)


# --------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------

DESCRIPTIONS = [
    ("lambda_nested.keras", "Keras 3", "Functional `outer` > Sequential `mid` > Sequential `inner` > `Lambda(lambda x: x * 2)` named `double`: the lambda's bytecode is at `config.function` as `{\"class_name\": \"__lambda__\", \"config\": {\"code\": <base64 marshal>, ...}}`, two models deep. Keras 3 refuses to load it in safe mode (checked by the generator).", "SEC001"),
    ("lambda_nested.h5", "Keras 3", "the same model saved as legacy HDF5 (`model_config`).", "SEC001"),
    ("lambda_named.keras", "Keras 3", "Sequential with `Lambda(add_one)` over a named `def` function: serialized by name (`{\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"add_one\"}`), no bytecode.", "SEC002, SEC005"),
    ("custom_layer.keras", "Keras 3", "Functional with a custom layer registered as `MyPackage>Scale` (defined in `__main__`, so `module` is null) and a Dense whose activation is the registered function `mw>scaled_relu`.", "SEC005"),
    ("custom_layer.h5", "Keras 3", "the same model saved as legacy HDF5.", "SEC005"),
    ("tfop.h5", "tf-keras", "Functional: Dense, then `tf.math.add(x, 1.0)` on the Keras tensor, which tf-keras records as a `TFOpLambda` layer (`\"function\": \"math.add\"`).", "SEC004"),
    ("tfop.keras", "tf-keras", "the same model in the `.keras` format (tf-keras writes `module` keys there).", "SEC004"),
    ("k2_lambda.h5", "tf-keras", "Sequential with `Lambda(lambda x: x * 2)`: Keras 2 form, `function` is `[<base64 marshal>, null, null]` with `function_type: \"lambda\"`.", "SEC001"),
    ("cve_initializer.keras", "Keras 3, edited", f"Sequential with one Dense whose `kernel_initializer` was replaced (zipfile, JSON only) by `{json.dumps(OS_SYSTEM)}`: the CVE-2025-1550 shape. **Never load it.**", "SEC003"),
    ("cve_initializer.h5", "Keras 3, edited", "the same edit in legacy HDF5 (`model_config` rewritten with h5py). **Never load it.**", "SEC003"),
    ("foreign_nested.keras", "Keras 3, edited", "Functional `outer` > Sequential `inner` > Dense `inner_dense` with `kernel_regularizer` `{\"module\": \"subprocess\", \"class_name\": \"Popen\", ...}` and activation `{\"module\": \"builtins\", \"class_name\": \"function\", \"config\": \"exec\"}`. **Never load it.**", "SEC003 (twice)"),
]


def write_readme():
    versions = subprocess.run(
        [sys.executable, "-c", "import keras, tf_keras, tensorflow as tf; print(keras.__version__, tf_keras.__version__, tf.__version__)"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    lines = [
        "# Security-rule test models (SEC rules)",
        "",
        "Small real models, generated by `scripts/make_security_testdata.py`; **do not edit by hand**.",
        "Regenerate with",
        "",
        "    TF_CPP_MIN_LOG_LEVEL=3 .venv/bin/python scripts/make_security_testdata.py",
        "",
        f"Saved with Keras {versions[0]} and tf-keras {versions[1]} (TensorFlow {versions[2]}).",
        "The `cve_*` and `foreign_*` models are a clean saved model whose JSON the script edited with",
        f"zipfile / h5py. Their payload is `{PAYLOAD}` (relative: `tests/security_e2e.rs` runs kerasfix",
        f"in an empty directory and asserts `{CANARY}` never appears). **Never load them with Keras.**",
        "",
        "| file | saved by | what | expected findings |",
        "| --- | --- | --- | --- |",
    ]
    total = 0
    for name, by, what, expect in DESCRIPTIONS:
        size = os.path.getsize(os.path.join(OUT, name))
        total += size
        lines.append(f"| `{name}` ({size // 1024 + 1} KB) | {by} | {what} | {expect} |")
    lines += ["", f"Total: {total / 1024:.0f} KB.", ""]
    with open(os.path.join(OUT, "README.md"), "w") as f:
        f.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--flavor", choices=["keras3", "tf-keras"])
    args = parser.parse_args()
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if args.flavor == "keras3":
        return make_keras3()
    if args.flavor == "tf-keras":
        return make_tf_keras()
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    for flavor in ("keras3", "tf-keras"):
        subprocess.run([sys.executable, os.path.abspath(__file__), "--flavor", flavor], check=True)
    make_cve()
    written = sorted(os.listdir(OUT))
    expected = sorted(name for name, *_ in DESCRIPTIONS)
    assert written == expected, (written, expected)
    write_readme()


if __name__ == "__main__":
    main()
