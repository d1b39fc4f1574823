"""Exit 0 when kerasfix's pretty-printed JSON (file ARG3) equals, as parsed JSON, the part ARG2
of model ARG1 as h5py / zipfile read it. NaN compares equal to NaN.

Usage: json_equal.py MODEL PART PRETTY_FILE
"""
import json, math, sys

from parts import parts


def same(a, b):
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a.keys()) == list(b.keys()) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


model, part, pretty = sys.argv[1:4]
stored = json.loads(parts(model)[part])
shown = json.loads(open(pretty, "rb").read())
if not same(stored, shown):
    print("differs")
    sys.exit(1)
