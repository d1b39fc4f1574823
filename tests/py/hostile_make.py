"""Writes hostile model files for tests/hostile.rs: HDF5 and zip files that a hand-written
writer would get wrong, built with h5py and zipfile (or raw bytes where those refuse).

Usage: hostile_make.py KIND PATH [KIND PATH ...]

  h5-weights-only    HDF5 with a dataset and no model_config (not an error)
  h5-not-utf8        model_config holding bytes that are not UTF-8
  h5-deep            model_config nested 100,000 arrays deep
  h5-huge            model_config of 200 MB (a variable-length string)
  h5-huge-fixed      model_config of 200 MB as a fixed-length string (dense attribute storage)
  h5-dup-keys        model_config with a duplicated key in a layer config
  h5-two-strings     model_config stored as an array of two strings
  h5-int-attr        model_config stored as an integer, not a string
  h5-heap-free-0     model_config (variable-length) in a global heap whose free-space object
                     claims size 0, on which libhdf5 loops forever
  zip-bad-crc        a .keras zip whose config.json CRC is wrong
  zip-two-configs    a .keras zip holding config.json twice
  zip-bomb           a .keras zip whose config.json inflates to 100 MiB (past the 64 MiB cap)
  zip-dotdot         a .keras zip whose entries are named ../config.json and ../../x
  zip-deep           a .keras zip whose config.json is nested 100,000 levels deep
  zip-huge           a .keras zip whose config.json is 200 MB, stored (not compressed)
  zip-lying-sizes    a .keras zip with 12 IntegerLookup vocabulary assets whose headers claim
                     60 MiB each; each holds a few bytes
  zip-many-assets    a .keras zip (~400 KB) with 8 IntegerLookup vocabulary assets of 50 MiB
                     each once inflated: each under the per-part cap, 400 MiB together
"""
import json, struct, sys, zipfile, zlib

import h5py
import numpy as np

GOOD = {
    "class_name": "Sequential",
    "config": {
        "name": "seq",
        "layers": [
            {"class_name": "InputLayer", "config": {"batch_shape": [None, 4], "name": "in"}},
            {"class_name": "Dense", "config": {"name": "d", "units": 3, "activation": "relu"}},
        ],
    },
}
META = json.dumps({"keras_version": "3.15.1", "date_saved": "2025-01-01@00:00:00"})


def h5_with_config(path, value):
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = value
        f.attrs["keras_version"] = "3.15.1"


def zero_global_heap_free_space(path):
    """Sets the size of the free-space object (index 0) of the file's global heap collection
    to 0. Layout (HDF5 format spec, "Global Heap"): "GCOL", version, 3 reserved bytes, the
    collection size (8 bytes); then objects of index (2), reference count (2), reserved (4),
    size (8) and data padded to 8 bytes."""
    data = bytearray(open(path, "rb").read())
    at = data.find(b"GCOL")
    assert at >= 0, "no global heap collection"
    (size,) = struct.unpack_from("<Q", data, at + 8)
    pos = at + 16
    while pos + 16 <= at + size:
        (index,) = struct.unpack_from("<H", data, pos)
        (length,) = struct.unpack_from("<Q", data, pos + 8)
        if index == 0:
            struct.pack_into("<Q", data, pos + 8, 0)
            open(path, "wb").write(data)
            return
        pos += 16 + (length + 7) // 8 * 8
    sys.exit("no free-space object in the global heap collection")


def make(kind, path):
    if kind == "h5-weights-only":
        with h5py.File(path, "w") as f:
            f.create_dataset("layer/kernel", data=np.arange(12, dtype="float32").reshape(3, 4))
    elif kind == "h5-not-utf8":
        with h5py.File(path, "w") as f:
            raw = b'{"class_name": "Seq\xff\xfeuential", "config": {}}'
            f.attrs.create("model_config", np.array(raw, dtype=f"S{len(raw)}"))
    elif kind == "h5-deep":
        h5_with_config(path, "[" * 100_000 + "]" * 100_000)
    elif kind == "h5-huge":
        pad = "x" * (200 * 1024 * 1024)
        h5_with_config(path, '{"class_name": "Sequential", "config": {"name": "' + pad + '"}}')
    elif kind == "h5-huge-fixed":
        raw = b'{"class_name": "Sequential", "config": {"name": "' + b"x" * (200 << 20) + b'"}}'
        with h5py.File(path, "w", libver="latest") as f:
            f.attrs.create("model_config", np.array(raw, dtype=f"S{len(raw)}"))
    elif kind == "h5-dup-keys":
        text = json.dumps(GOOD).replace('"units": 3', '"units": 3.0, "units": 3')
        h5_with_config(path, text)
    elif kind == "h5-two-strings":
        with h5py.File(path, "w") as f:
            f.attrs.create("model_config", [b"{}", b"{}"], dtype=h5py.string_dtype("ascii"))
    elif kind == "h5-int-attr":
        with h5py.File(path, "w") as f:
            f.attrs["model_config"] = np.int64(7)
    elif kind == "h5-heap-free-0":
        h5_with_config(path, json.dumps(GOOD))
        zero_global_heap_free_space(path)
    elif kind.startswith("zip-"):
        make_zip(kind, path)
    else:
        sys.exit(f"unknown kind {kind}")


def make_zip(kind, path):
    config = json.dumps(GOOD)
    if kind == "zip-bad-crc":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr("metadata.json", META)
            zf.writestr("config.json", config)
        data = bytearray(open(path, "rb").read())
        at = data.find(config.encode())
        data[at + 20] ^= 0x01  # flip one bit inside the stored config.json: CRC no longer matches
        open(path, "wb").write(bytes(data))
    elif kind == "zip-two-configs":
        import warnings

        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("metadata.json", META)
            zf.writestr("config.json", config)
            zf.writestr("config.json", config.replace('"units": 3', '"units": 3.0'))
    elif kind == "zip-bomb":
        # 100 MiB of spaces after a valid document; deflate shrinks it to ~100 KB.
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            zf.writestr("metadata.json", META)
            with zf.open("config.json", "w", force_zip64=True) as entry:
                entry.write(config.encode())
                chunk = b" " * (1 << 20)
                for _ in range(100):
                    entry.write(chunk)
    elif kind == "zip-dotdot":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("metadata.json", META)
            zf.writestr("../config.json", config)
            zf.writestr("../../x", b"payload")
    elif kind == "zip-deep":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("metadata.json", META)
            zf.writestr("config.json", "[" * 100_000 + "]" * 100_000)
    elif kind == "zip-huge":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
            zf.writestr("metadata.json", META)
            with zf.open("config.json", "w", force_zip64=True) as entry:
                entry.write(b'{"class_name": "Sequential", "config": {"name": "')
                chunk = b"x" * (1 << 20)
                for _ in range(200):
                    entry.write(chunk)
                entry.write(b'"}}')
    elif kind == "zip-lying-sizes":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("metadata.json", META)
            zf.writestr("config.json", config)
            for i in range(12):
                suffix = f"_{i}" if i else ""
                zf.writestr(f"assets/layers/integer_lookup{suffix}/vocabulary.txt", "1\n2\n3\n")
        data = bytearray(open(path, "rb").read())
        # Every vocabulary entry's uncompressed size, in its local header and in its central
        # directory record: (signature, offset of the name length, of the name, of the size).
        for signature, name_len_at, name_at, size_at in ((b"PK\x03\x04", 26, 30, 22), (b"PK\x01\x02", 28, 46, 24)):
            at = 0
            while (at := data.find(signature, at)) != -1:
                name_len = struct.unpack_from("<H", data, at + name_len_at)[0]
                if b"vocabulary" in data[at + name_at : at + name_at + name_len]:
                    data[at + size_at : at + size_at + 4] = struct.pack("<I", 60 << 20)
                at += 4
        open(path, "wb").write(bytes(data))
    elif kind == "zip-many-assets":
        body = b"1\n" * (25 << 20)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("metadata.json", META)
            zf.writestr("config.json", config)
            for i in range(8):
                suffix = f"_{i}" if i else ""
                zf.writestr(f"assets/layers/integer_lookup{suffix}/vocabulary.txt", body)
    else:
        sys.exit(f"unknown kind {kind}")


args = sys.argv[1:]
if not args or len(args) % 2:
    sys.exit(__doc__)
for i in range(0, len(args), 2):
    make(args[i], args[i + 1])
