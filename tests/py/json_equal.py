"""Exit 0 when kerasfix's pretty-printed JSON (file ARG3) equals, as parsed JSON, the part ARG2
of model ARG1 as h5py / zipfile read it. NaN compares equal to NaN.

Usage: json_equal.py MODEL PART PRETTY_FILE
       json_equal.py --many < lines of "MODEL<TAB>PART<TAB>PRETTY_FILE"  (prints the differing ones)
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


def equal(model, part, pretty):
    stored = json.loads(parts(model)[part])
    shown = json.loads(open(pretty, "rb").read())
    return same(stored, shown)


if sys.argv[1] == "--many":
    bad = [line for line in sys.stdin.read().splitlines() if line and not equal(*line.split("\t"))]
    for line in bad:
        print("differs:", line)
    sys.exit(1 if bad else 0)
if not equal(*sys.argv[1:4]):
    print("differs")
    sys.exit(1)
