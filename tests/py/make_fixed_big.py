"""Writes an h5py-2-style model file whose model_config is a ~60 KB fixed-length attribute, near
the 64 KB object-header limit of default-format HDF5 files.

Usage: make_fixed_big.py PATH
"""
import json, sys

import h5py
import numpy as np

config = {"class_name": "Sequential", "config": {"name": "big", "layers": [], "padding": "p" * 59000}}
text = json.dumps(config).encode()
with h5py.File(sys.argv[1], "w") as f:
    f.attrs.create("model_config", np.array(text, dtype=f"S{len(text)}"))
    f.attrs.create("keras_version", np.array(b"2.4.0", dtype="S5"))
    f.attrs.create("backend", np.array(b"tensorflow", dtype="S10"))
