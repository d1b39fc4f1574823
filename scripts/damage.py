#!/usr/bin/env python3
"""Make a damaged copy of a saved Keras model, the way real tools damage them.

    python scripts/damage.py --mode floats|strings|sequences \
        [--part model_config|training_config|metadata] SRC DST
    python scripts/damage.py --mode floats|savetxt --part vocabulary SRC DST

The embedded JSON is read, parsed with `json.loads`, transformed, re-serialized
with `json.dumps` (default settings, as Keras does: `", "` / `": "` separators,
`ensure_ascii=True`, bare `NaN`/`Infinity` tokens) and written back:

- legacy HDF5 (`.h5`, detected by magic bytes): the root attribute is replaced
  keeping its storage kind: a variable-length string stays variable-length
  (same character set), a fixed-length string stays fixed-length (same
  padding and character set; the size becomes the new length).
  `--part model_config` -> attribute `model_config`; `training_config` ->
  attribute `training_config`; `metadata` is not available for HDF5.
- Keras v3 zip (`.keras`): the zip is rewritten entry by entry in the same
  order with the same ZipInfo (name, timestamp, compression); only the target
  entry's bytes change. `--part model_config` -> `config.json` (the whole file,
  including `compile_config`); `training_config` -> only the `compile_config`
  subtree of `config.json`; `metadata` -> `metadata.json`.
- unzipped Keras 3 directory: copied with `shutil.copytree`, then the target
  file is rewritten as for the zip.

Modes:
- `floats`: every int (not bool) becomes a float: 64 -> 64.0.
- `strings`: every int (not bool) becomes a numeric string: 64 -> "64".
- `sequences`: every list of length >= 2 whose items are all ints (not bools)
  becomes its numpy repr string `str(np.array(lst))`, e.g. "[ 0  1  2 10]";
  other ints are left alone.

`--part vocabulary` damages the integer vocabularies of adapted IntegerLookup
layers instead: every `assets/.../integer_lookup[_N]/vocabulary.txt` of a
`.keras` zip or unzipped directory (Keras names the folder after the class;
StringLookup's `string_lookup/` files are left alone), one line per term,
lines joined with "\n" as Keras writes them:
- `floats`: `str(float(v))`: 10 -> 10.0, -1 -> -1.0.
- `savetxt`: numpy `savetxt`'s number format (`fmt="%.18e"`):
  10 -> 1.000000000000000000e+01. (savetxt itself would also end the file
  with a newline; Keras 3 ignores that one, tf-keras refuses it, so it is not
  added here.)
Legacy HDF5 has no assets (exit 2).

Writes only DST (SRC is never modified) and prints
`changed N values in <where>` (for `sequences`, N counts the lists replaced).
Exit status 2 on bad usage or if the part does not exist.
"""

import argparse
import json
import os
import re
import shutil
import sys
import zipfile

H5_MAGIC = b"\x89HDF\r\n\x1a\n"
ZIP_MAGIC = b"PK\x03\x04"


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def transform(obj, mode):
    """Return (new_obj, count)."""
    count = 0

    def walk(o):
        nonlocal count
        if isinstance(o, dict):
            return {k: walk(v) for k, v in o.items()}
        if isinstance(o, list):
            if mode == "sequences" and len(o) >= 2 and all(is_int(x) for x in o):
                import numpy as np

                count += 1
                return str(np.array(o))
            return [walk(v) for v in o]
        if is_int(o) and mode in ("floats", "strings"):
            count += 1
            return float(o) if mode == "floats" else str(o)
        return o

    return walk(obj), count


def damage_json_text(text, mode, subtree=None):
    obj = json.loads(text)
    if subtree is not None:
        if not isinstance(obj, dict) or subtree not in obj:
            raise LookupError("no %r in config" % subtree)
        obj[subtree], n = transform(obj[subtree], mode)
    else:
        obj, n = transform(obj, mode)
    return json.dumps(obj), n


def sniff(path):
    if os.path.isdir(path):
        return "dir"
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(H5_MAGIC):
        return "h5"
    if head.startswith(ZIP_MAGIC):
        return "zip"
    raise ValueError("%s: neither HDF5, zip nor a directory" % path)


def archive_target(part):
    if part == "metadata":
        return "metadata.json", None
    if part == "training_config":
        return "config.json", "compile_config"
    return "config.json", None


def damage_h5(src, dst, mode, part):
    import h5py
    import numpy as np

    if part == "metadata":
        raise LookupError("--part metadata does not exist in legacy HDF5")
    shutil.copyfile(src, dst)
    try:
        with h5py.File(dst, "r+") as f:
            if part not in f.attrs:
                raise LookupError("no root attribute %r" % part)
            aid = f.attrs.get_id(part)
            t = aid.get_type()
            if not isinstance(t, h5py.h5t.TypeStringID):
                raise LookupError("root attribute %r is not a string" % part)
            cset = t.get_cset()
            variable = t.is_variable_str()
            strpad = None if variable else t.get_strpad()
            raw = f.attrs[part]
            text = raw.decode("utf-8") if isinstance(raw, (bytes, np.bytes_)) else str(raw)
            new_text, n = damage_json_text(text, mode)
            data = new_text.encode("utf-8")
            del f.attrs[part]
            if variable:
                if cset == h5py.h5t.CSET_UTF8:
                    f.attrs.create(part, new_text, dtype=h5py.string_dtype("utf-8"))
                else:
                    f.attrs.create(part, data, dtype=h5py.string_dtype("ascii"))
            else:
                nt = h5py.h5t.C_S1.copy()
                nt.set_size(max(1, len(data)))
                nt.set_strpad(strpad)
                nt.set_cset(cset)
                space = h5py.h5s.create(h5py.h5s.SCALAR)
                attr = h5py.h5a.create(f.id, part.encode(), nt, space)
                attr.write(np.array(data, dtype="S%d" % max(1, len(data))))
                attr.close()
        # Check the storage kind survived.
        with h5py.File(dst, "r") as f:
            t2 = f.attrs.get_id(part).get_type()
            assert t2.is_variable_str() == variable and t2.get_cset() == cset
            if not variable:
                assert t2.get_strpad() == strpad
    except BaseException:
        os.remove(dst)
        raise
    return n, "HDF5 root attribute %s (%s)" % (part, "variable-length" if variable else "fixed-length")


def damage_zip(src, dst, mode, part):
    entry, subtree = archive_target(part)
    with zipfile.ZipFile(src) as zin:
        names = zin.namelist()
        if entry not in names:
            raise LookupError("no %s in %s" % (entry, src))
        new_text, n = damage_json_text(zin.read(entry).decode("utf-8"), mode, subtree)
        try:
            with zipfile.ZipFile(dst, "w") as zout:
                for info in zin.infolist():
                    data = new_text.encode("utf-8") if info.filename == entry else zin.read(info)
                    zout.writestr(info, data)
        except BaseException:
            os.remove(dst)
            raise
    return n, "zip entry %s%s" % (entry, (" [" + subtree + "]") if subtree else "")


def damage_dir(src, dst, mode, part):
    entry, subtree = archive_target(part)
    path = os.path.join(src, entry)
    if not os.path.isfile(path):
        raise LookupError("no %s in %s" % (entry, src))
    with open(path, "r", encoding="utf-8") as f:
        new_text, n = damage_json_text(f.read(), mode, subtree)
    shutil.copytree(src, dst)
    with open(os.path.join(dst, entry), "w", encoding="utf-8") as f:
        f.write(new_text)
    return n, "file %s%s" % (entry, (" [" + subtree + "]") if subtree else "")


VOCABULARY = re.compile(r"^assets/(?:[^/]+/)*layers/integer_lookup(?:_[1-9][0-9]*)?/vocabulary\.txt$")


def damage_vocabulary_text(data, mode):
    """Return (new bytes, number of lines changed)."""
    lines = data.decode("utf-8").split("\n")
    out, n = [], 0
    for line in lines:
        if line.strip() == "":
            out.append(line)
            continue
        v = int(line)
        out.append(str(float(v)) if mode == "floats" else "%.18e" % v)
        n += 1
    return "\n".join(out).encode("utf-8"), n


def damage_vocabulary(src, dst, mode, kind):
    if mode not in ("floats", "savetxt"):
        raise LookupError("--part vocabulary takes --mode floats or savetxt")
    if kind == "h5":
        raise LookupError("legacy HDF5 has no assets")
    total, where = 0, []
    if kind == "zip":
        with zipfile.ZipFile(src) as zin:
            try:
                with zipfile.ZipFile(dst, "w") as zout:
                    for info in zin.infolist():
                        data = zin.read(info)
                        if VOCABULARY.match(info.filename):
                            data, n = damage_vocabulary_text(data, mode)
                            total += n
                            where.append(info.filename)
                        zout.writestr(info, data)
            except BaseException:
                os.remove(dst)
                raise
    else:
        shutil.copytree(src, dst)
        for root, _, files in sorted(os.walk(dst)):
            for fn in sorted(files):
                path = os.path.join(root, fn)
                rel = os.path.relpath(path, dst).replace(os.sep, "/")
                if VOCABULARY.match(rel):
                    with open(path, "rb") as f:
                        data, n = damage_vocabulary_text(f.read(), mode)
                    with open(path, "wb") as f:
                        f.write(data)
                    total += n
                    where.append(rel)
    if not where:
        if os.path.isdir(dst):
            shutil.rmtree(dst)
        elif os.path.exists(dst):
            os.remove(dst)
        raise LookupError("no IntegerLookup vocabulary assets in %s" % src)
    return total, "vocabulary assets %s" % ", ".join(where)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Make a damaged copy of a saved Keras model.")
    ap.add_argument("--mode", required=True, choices=["floats", "strings", "sequences", "savetxt"])
    ap.add_argument("--part", default="model_config",
                    choices=["model_config", "training_config", "metadata", "vocabulary"])
    ap.add_argument("src")
    ap.add_argument("dst")
    args = ap.parse_args(argv)
    if os.path.exists(args.dst):
        print("damage.py: %s exists; refusing to overwrite" % args.dst, file=sys.stderr)
        return 2
    try:
        kind = sniff(args.src)
        if args.part == "vocabulary":
            n, where = damage_vocabulary(args.src, args.dst, args.mode, kind)
        elif args.mode == "savetxt":
            raise LookupError("--mode savetxt is for --part vocabulary")
        else:
            fn = {"h5": damage_h5, "zip": damage_zip, "dir": damage_dir}[kind]
            n, where = fn(args.src, args.dst, args.mode, args.part)
    except (LookupError, ValueError) as e:
        print("damage.py: %s" % e, file=sys.stderr)
        return 2
    print("changed %d values in %s" % (n, where))
    return 0


if __name__ == "__main__":
    sys.exit(main())
