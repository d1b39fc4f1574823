#!/usr/bin/env python3
"""Load a saved Keras model with one library and check it against reference data.

    .venv/bin/python scripts/keras_verify.py --flavor keras3|tf-keras MODEL [--ref REF.npz] [--json]
    .venv/bin/python scripts/keras_verify.py --flavor keras3|tf-keras --many [--json] < pairs.txt

MODEL is a legacy `.h5`, a `.keras` archive or an unzipped Keras 3 model
directory. `--flavor keras3` uses `import keras` (Keras 3, TensorFlow backend),
`--flavor tf-keras` uses `import tf_keras` (Keras 2); only the requested library
is imported. The model is loaded with `load_model(MODEL, compile=False)`.

With `--ref`, the model is run with `predict()` on the arrays `input_0`,
`input_1`, ... of REF.npz (in the model's input order; a single input is passed
bare) and each output is compared with `output_0`, `output_1`, ... using

    np.allclose(got, want, rtol=1e-6, atol=1e-6)

after checking that the number of outputs and the shapes are equal (integer
outputs are thereby compared exactly). predict() runs with `run_eagerly=True`:
under tf.function, TensorFlow rejects non-ASCII layer names as scope names
("'嵌入' is not a valid scope name"), and eager mode also saves the tracing
time. String inputs (numpy `<U`/`S` arrays in the npz) are fed as
`tf.constant` strings, since predict() rejects numpy string/object arrays.

Output: one line per model,
    OK
    LOAD-ERROR: <exception class>: <first line of message>
    MISMATCH: <details>
(an exception during predict is reported as `MISMATCH: predict failed: <class>: <line>`).
With `--json`, the line is instead
`{"status": "OK"|"LOAD-ERROR"|"MISMATCH", "error": null|"...", "cause": null|"..."}` where
`error` is the text after `STATUS: ` above and `cause` the innermost error's first line
(Keras nests the real reason in "Exception encountered: ..." paragraphs), if any.
Exit status: 0 if every model is OK, 1 otherwise.

`--many` reads `MODEL REF` pairs from stdin, one per line, separated by a tab
(or, if there is no tab, by the last run of whitespace); REF may be omitted or
`-` for load-only. Blank lines and lines starting with `#` are skipped.
"""

import argparse
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

RTOL = 1e-6
ATOL = 1e-6


def first_line(e):
    s = str(e).strip()
    s = s.splitlines()[0] if s else ""
    # Keras wraps some messages in ANSI bold codes.
    return s.replace("\x1b[1m", "").replace("\x1b[0m", "").strip()


def err_text(e):
    return "%s: %s" % (type(e).__name__, first_line(e))


def root_cause(e):
    """Innermost cause: Keras wraps deserialization errors and appends
    "Exception encountered: <inner message>" paragraphs; otherwise follow
    __cause__/__context__ to the last exception."""
    text = str(e)
    marker = "Exception encountered: "
    i = text.rfind(marker)
    if i >= 0:
        s = text[i + len(marker):].strip()
        return s.splitlines()[0].strip() if s else None
    inner = e
    seen = set()
    while (inner.__cause__ or inner.__context__) and id(inner) not in seen:
        seen.add(id(inner))
        inner = inner.__cause__ or inner.__context__
    return err_text(inner) if inner is not e else None


class Verifier:
    def __init__(self, flavor):
        self.flavor = flavor
        self.np = __import__("numpy")
        if flavor == "keras3":
            import keras as K
        else:
            import tf_keras as K
        self.K = K
        self._tf = None

    def tf(self):
        if self._tf is None:
            import tensorflow

            self._tf = tensorflow
        return self._tf

    def feed(self, arrays):
        out = []
        for a in arrays:
            if a.dtype.kind in "US":
                out.append(self.tf().constant(a.astype(str).tolist(), dtype=self.tf().string))
            else:
                out.append(a)
        return out[0] if len(out) == 1 else out

    def verify(self, model_path, ref_path=None):
        """Returns (status, error, cause) with status in OK, LOAD-ERROR,
        MISMATCH; cause is the innermost error message or None."""
        np = self.np
        try:
            model = self.K.models.load_model(model_path, compile=False)
        except BaseException as e:  # noqa: BLE001 - report anything
            if isinstance(e, KeyboardInterrupt):
                raise
            return "LOAD-ERROR", err_text(e), root_cause(e)
        if not ref_path:
            return "OK", None, None
        try:
            with np.load(ref_path, allow_pickle=False) as z:
                ins = _ordered(z, "input_")
                want = _ordered(z, "output_")
        except Exception as e:
            return "MISMATCH", "cannot read reference %s: %s" % (ref_path, err_text(e)), None
        try:
            model.run_eagerly = True
            got = model.predict(self.feed(ins), batch_size=max(1, len(ins[0])), verbose=0)
        except Exception as e:
            return "MISMATCH", "predict failed: %s" % err_text(e), root_cause(e)
        if isinstance(got, dict):
            got = list(got.values())
        if not isinstance(got, (list, tuple)):
            got = [got]
        got = [np.asarray(g) for g in got]
        if len(got) != len(want):
            return "MISMATCH", "model has %d outputs, reference has %d" % (len(got), len(want)), None
        for i, (g, w) in enumerate(zip(got, want)):
            if g.shape != w.shape:
                return "MISMATCH", "output_%d shape %s != reference %s" % (i, g.shape, w.shape), None
            try:
                ok = np.allclose(g, w, rtol=RTOL, atol=ATOL)
            except TypeError:
                ok = np.array_equal(g, w)
            if not ok:
                diff = np.abs(g.astype("float64") - w.astype("float64"))
                return "MISMATCH", "output_%d max abs diff %.3g (rtol=%g, atol=%g)" % (
                    i, float(diff.max()), RTOL, ATOL), None
        return "OK", None, None


def _ordered(z, prefix):
    idx = sorted(int(k[len(prefix):]) for k in z.files if k.startswith(prefix))
    if idx != list(range(len(idx))):
        raise ValueError("reference %s* keys are not 0..n-1: %s" % (prefix, idx))
    return [z[prefix + str(i)] for i in idx]


def fmt(status, error, cause, as_json):
    if as_json:
        return json.dumps({"status": status, "error": error, "cause": cause}, ensure_ascii=False)
    return status if status == "OK" else "%s: %s" % (status, error)


def parse_pair(line):
    line = line.rstrip("\r\n")
    if "\t" in line:
        model, ref = line.split("\t", 1)
    else:
        parts = line.rsplit(None, 1)
        if len(parts) == 2 and (parts[1].endswith(".npz") or parts[1] == "-"):
            model, ref = parts
        else:
            model, ref = line, ""
    ref = ref.strip()
    return model.strip(), (None if ref in ("", "-") else ref)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Load a Keras model and compare with reference outputs.")
    ap.add_argument("--flavor", required=True, choices=["keras3", "tf-keras"])
    ap.add_argument("model", nargs="?")
    ap.add_argument("--ref")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--many", action="store_true", help="read MODEL REF pairs from stdin")
    args = ap.parse_args(argv)
    if not args.many and not args.model:
        ap.error("MODEL is required unless --many")
    if args.many and args.model:
        ap.error("MODEL is not allowed with --many")

    # Keep library chatter (warnings, absl) off stdout: results only there.
    real_stdout = sys.stdout
    sys.stdout = sys.stderr
    try:
        import warnings

        warnings.simplefilter("ignore")
        v = Verifier(args.flavor)
        try:
            import absl.logging

            absl.logging.set_verbosity(absl.logging.ERROR)
        except Exception:
            pass
        all_ok = True
        if args.many:
            for line in sys.stdin:
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                model, ref = parse_pair(line)
                sys.stdout = sys.stderr
                status, error, cause = v.verify(model, ref)
                all_ok &= status == "OK"
                print(fmt(status, error, cause, args.json), file=real_stdout, flush=True)
        else:
            status, error, cause = v.verify(args.model, args.ref)
            all_ok = status == "OK"
            print(fmt(status, error, cause, args.json), file=real_stdout, flush=True)
    finally:
        sys.stdout = real_stdout
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
