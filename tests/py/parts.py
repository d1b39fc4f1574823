"""Reads a saved model's embedded JSON parts the way Keras does (h5py / zipfile), independently
of kerasfix, and prints {part_name: base64 of the exact bytes} as JSON.

Usage: parts.py MODEL...   (with several models: {model: {part: base64}})
"""
import base64, json, os, sys, zipfile

import h5py


def parts(path):
    out = {}
    if os.path.isdir(path):
        for name in ("config.json", "metadata.json"):
            p = os.path.join(path, name)
            if os.path.exists(p):
                out[name] = open(p, "rb").read()
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            for name in ("config.json", "metadata.json"):
                if name in zf.namelist():
                    out[name] = zf.read(name)
    else:
        with h5py.File(path, "r") as f:
            for name in ("model_config", "training_config"):
                if name in f.attrs:
                    value = f.attrs[name]
                    if isinstance(value, str):
                        value = value.encode("utf-8")
                    elif hasattr(value, "tobytes"):
                        value = value.tobytes().rstrip(b"\0")
                    out[name] = bytes(value)
    return out


def encoded(path):
    return {k: base64.b64encode(v).decode() for k, v in parts(path).items()}


if __name__ == "__main__":
    if len(sys.argv) == 2:
        print(json.dumps(encoded(sys.argv[1])))
    else:
        print(json.dumps({m: encoded(m) for m in sys.argv[1:]}))
