"""Builds the large models for tests/faults.rs: a testdata model with >= 200 MB of weights added,
as legacy HDF5 and as a .keras zip, then damaged with scripts/damage.py --mode floats.

Usage: hostile_big.py OUTDIR [MEGABYTES]
  writes OUTDIR/big.h5 and OUTDIR/big.keras (damaged) and prints, as JSON, for each: the
  SHA-256 of its config JSON and of its weights (every dataset's bytes / every non-JSON entry).

Usage: hostile_big.py --state FILE...
  prints the same fingerprint of each FILE (one JSON object keyed by path).
"""
import hashlib, json, os, shutil, subprocess, sys, zipfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def ballast(megabytes):
    rng = np.random.default_rng(4)
    return rng.integers(0, 256, size=megabytes << 20, dtype=np.uint8)


def state(path):
    with open(path, "rb") as f:
        magic = f.read(4)
    config, weights = hashlib.sha256(), hashlib.sha256()
    if magic == b"PK\x03\x04":
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                data = zf.read(info)  # checks each entry's CRC
                if info.filename == "config.json":
                    config.update(data)
                elif info.filename != "metadata.json":
                    weights.update(info.filename.encode() + b"\0" + data)
    else:
        with h5py.File(path, "r") as f:
            config.update(f.attrs["model_config"].encode() if isinstance(f.attrs["model_config"], str) else f.attrs["model_config"])

            def visit(name, obj):
                if isinstance(obj, h5py.Dataset):
                    weights.update(name.encode() + b"\0")
                    for start in range(0, max(obj.shape[0], 1) if obj.shape else 1, 1 << 24):
                        chunk = obj[start:start + (1 << 24)] if obj.shape else obj[()]
                        weights.update(np.ascontiguousarray(chunk).tobytes())

            f.visititems(visit)
    return {"config": config.hexdigest(), "weights": weights.hexdigest()}


def build(outdir, megabytes):
    blob = ballast(megabytes)
    plain_h5 = os.path.join(outdir, "plain.h5")
    shutil.copyfile(os.path.join(ROOT, "testdata/keras3/conv.h5"), plain_h5)
    with h5py.File(plain_h5, "a") as f:
        f.create_dataset("kerasfix_ballast", data=blob)
    plain_zip = os.path.join(outdir, "plain.keras")
    with zipfile.ZipFile(os.path.join(ROOT, "testdata/keras3/conv.keras")) as src, zipfile.ZipFile(
        plain_zip, "w"
    ) as dst:
        # The ballast first: config.json then sits past 200 MB, so offsets move a long way.
        dst.writestr(zipfile.ZipInfo("assets/ballast.bin", (2025, 1, 1, 0, 0, 0)), blob.tobytes(), zipfile.ZIP_STORED)
        for info in src.infolist():
            dst.writestr(info, src.read(info))
    out = {}
    for ext, plain in (("h5", plain_h5), ("keras", plain_zip)):
        damaged = os.path.join(outdir, f"big.{ext}")
        subprocess.run(
            [sys.executable, os.path.join(ROOT, "scripts/damage.py"), "--mode", "floats", plain, damaged],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        os.remove(plain)
        out[damaged] = state(damaged)
    print(json.dumps(out))


if sys.argv[1] == "--state":
    print(json.dumps({p: state(p) for p in sys.argv[2:]}))
else:
    build(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200)
