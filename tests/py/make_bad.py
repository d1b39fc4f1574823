"""Writes deliberately broken model files for the bad-input tests.

Usage: make_bad.py KIND PATH
  zip-no-config   a zip holding metadata.json only
  h5-bad-json     an HDF5 file whose model_config is not JSON
  zip-bad-json    a .keras zip whose config.json is not JSON
"""
import sys, zipfile

import h5py

kind, path = sys.argv[1], sys.argv[2]
if kind == "zip-no-config":
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", '{"keras_version": "3.15.1"}')
elif kind == "h5-bad-json":
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = b'{"class_name": "Sequential", "config": {"name": '
        f.attrs["keras_version"] = "3.15.1"
elif kind == "zip-bad-json":
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", '{"keras_version": "3.15.1"}')
        zf.writestr("config.json", '{"class_name": "Sequential", "config": [1, 2,,]}')
else:
    sys.exit(f"unknown kind {kind}")
