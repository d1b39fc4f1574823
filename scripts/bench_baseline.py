#!/usr/bin/env python3
"""The baseline kerasfix is benchmarked against: the straightforward h5py + zipfile script a
user writes today to repair damaged integer fields in saved Keras models.

    bench_baseline.py [--check] PATH...

Walks each PATH (a directory or a model file). For each `.h5`, reads the root attribute
`model_config` with h5py; for each `.keras`, reads `config.json` with zipfile. Parses it with
`json.loads`, walks it, and turns integral floats (64.0) and numeric strings ("64") held by a
fixed list of known integer field names back into ints. With `--check` it only reports; without
it writes the config back the usual way: h5py `f.attrs["model_config"] = json.dumps(cfg).encode()`
on the file itself, or the whole zip rewritten in place with zipfile, copying the other entries.
Like the scripts people actually use: no temporary file, no fsync, no verification.

Exit status: 0 nothing to do, 1 findings (with --check) , 2 a file could not be read.
"""

import json
import os
import sys
import zipfile

import h5py

INT_FIELDS = {
    "units", "filters", "kernel_size", "strides", "pool_size", "dilation_rate", "padding",
    "cropping", "size", "input_dim", "output_dim", "input_length", "batch_shape",
    "batch_input_shape", "input_shape", "target_shape", "dims", "axis", "num_heads", "key_dim",
    "value_dim", "depth_multiplier", "groups", "max_tokens", "num_oov_indices", "num_tokens",
    "output_sequence_length", "ngrams", "seed", "n", "max_value_len", "rank", "shape",
}


def to_int(v):
    """The int a damaged value stands for, or None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        try:
            return int(v.strip())
        except ValueError:
            return None
    return None


def repair(value):
    """(new value, changes) for the value of a known integer field: a scalar or a list."""
    if isinstance(value, list):
        out, n = [], 0
        for item in value:
            new, k = repair(item)
            out.append(new)
            n += k
        return out, n
    fixed = to_int(value)
    if fixed is None:
        return value, 0
    return fixed, 1


def walk(obj):
    """Fixes obj in place; returns how many values changed."""
    n = 0
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key in INT_FIELDS:
                new, k = repair(value)
                if k:
                    obj[key] = new
                    n += k
            else:
                n += walk(value)
    elif isinstance(obj, list):
        for item in obj:
            n += walk(item)
    return n


def do_h5(path, check):
    with h5py.File(path, "r" if check else "r+") as f:
        if "model_config" not in f.attrs:
            return 0
        raw = f.attrs["model_config"]
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8")
        cfg = json.loads(raw)
        n = walk(cfg)
        if n and not check:
            f.attrs["model_config"] = json.dumps(cfg).encode()
        return n


def do_keras(path, check):
    with zipfile.ZipFile(path) as z:
        cfg = json.loads(z.read("config.json"))
        n = walk(cfg)
        if not n or check:
            return n
        entries = [(info, z.read(info)) for info in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for info, data in entries:
            if info.filename == "config.json":
                data = json.dumps(cfg).encode()
            z.writestr(info, data)
    return n


def models(paths):
    for p in paths:
        if os.path.isdir(p):
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames.sort()
                for name in sorted(filenames):
                    if name.endswith((".h5", ".keras")):
                        yield os.path.join(dirpath, name)
        else:
            yield p


def main(argv):
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"] or ["."]
    found = errors = files = 0
    for path in models(paths):
        try:
            n = do_h5(path, check) if path.endswith(".h5") else do_keras(path, check)
        except Exception as e:  # noqa: BLE001 - a user script reports and goes on
            print("%s: error: %s" % (path, e), file=sys.stderr)
            errors += 1
            continue
        files += 1
        if n:
            found += n
            print("%s: %s %d values" % (path, "would fix" if check else "fixed", n))
    print("%d files, %d values %s, %d errors" % (files, found, "to fix" if check else "fixed", errors))
    if errors:
        return 2
    return 1 if (check and found) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
