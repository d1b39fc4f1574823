"""Prints, as JSON, every base64 lambda blob in a saved model's config and its decoded size,
found independently of kerasfix (json + zipfile / h5py + base64). The blobs are base64-decoded
to count their bytes and nothing more: never unmarshalled, never run.

Usage: security_blob_sizes.py MODEL  ->  {"<json pointer>": <decoded bytes>, ...}
"""
import base64
import json
import sys
import zipfile

import h5py


def config(path):
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            return json.loads(zf.read("config.json"))
    with h5py.File(path, "r") as f:
        raw = f.attrs["model_config"]
        return json.loads(raw if isinstance(raw, str) else raw.decode("utf-8"))


def blobs(node, pointer, out):
    if isinstance(node, dict):
        if node.get("class_name") == "__lambda__" and isinstance(node.get("config"), dict):
            code = node["config"].get("code")
            if isinstance(code, str):
                out[pointer + "/config/code"] = len(base64.b64decode(code))
        if node.get("function_type") == "lambda" and isinstance(node.get("function"), list):
            out[pointer + "/function/0"] = len(base64.b64decode(node["function"][0]))
        for key, value in node.items():
            blobs(value, f"{pointer}/{key}", out)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            blobs(value, f"{pointer}/{i}", out)


found = {}
blobs(config(sys.argv[1]), "", found)
print(json.dumps(found))
