"""Prints a JSON fingerprint of everything in a saved model except what an edit may change, so
a test can prove an edit touched nothing else.

HDF5: every object's attributes in h5py's order, with value and storage kind (variable or
fixed length, size, padding, charset), and every dataset's shape, dtype, layout and a hash of
its data. Zip: every entry's header fields and a hash of its raw (compressed) bytes, in order,
plus the archive comment. Directory: a hash of every file.

Usage: fingerprint.py MODEL [--skip NAME ...]   (NAME: attribute or entry whose value may change)
"""
import hashlib, json, os, struct, sys, zipfile

import h5py


def attr_info(obj, name):
    aid = h5py.h5a.open(obj.id, name.encode())
    t = aid.get_type()
    info = {"class": t.get_class()}
    if isinstance(t, h5py.h5t.TypeStringID):
        info.update(vlen=t.is_variable_str(), cset=t.get_cset(), pad=t.get_strpad())
        if not t.is_variable_str():
            info["size"] = t.get_size()
    info["shape"] = list(aid.shape)
    return info


def h5_fingerprint(path, skip):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            entry = {"attrs": list(obj.attrs.keys())}
            for key in obj.attrs.keys():
                info = attr_info(obj, key)
                if key in skip and name == "/":
                    info = {"skipped": True, "vlen": info.get("vlen"), "cset": info.get("cset"), "pad": info.get("pad")}
                else:
                    info["value"] = repr(obj.attrs[key])
                entry["attr:" + key] = info
            if isinstance(obj, h5py.Dataset):
                entry["shape"] = list(obj.shape)
                entry["dtype"] = str(obj.dtype)
                entry["sha256"] = hashlib.sha256(obj[()].tobytes() if obj.shape is not None else b"").hexdigest()
            out[name] = entry
        visit("/", f)
        f.visititems(lambda n, o: visit(n, o))
    return out


def zip_fingerprint(path, skip):
    out = {"entries": []}
    with zipfile.ZipFile(path) as zf, open(path, "rb") as raw:
        out["comment"] = zf.comment.hex()
        for info in zf.infolist():
            e = {"name": info.filename}
            if info.filename not in skip:
                raw.seek(info.header_offset)
                header = raw.read(30)
                name_len, extra_len = struct.unpack("<HH", header[26:30])
                raw.seek(info.header_offset + 30 + name_len + extra_len)
                data = raw.read(info.compress_size)
                e.update(date_time=list(info.date_time), compress_type=info.compress_type,
                         external_attr=info.external_attr, create_system=info.create_system,
                         crc=info.CRC, compress_size=info.compress_size, file_size=info.file_size,
                         extra=info.extra.hex(), raw_sha256=hashlib.sha256(data).hexdigest())
            else:
                e.update(date_time=list(info.date_time), compress_type=info.compress_type,
                         external_attr=info.external_attr)
            out["entries"].append(e)
    return out


def dir_fingerprint(path, skip):
    out = {}
    for base, _, files in os.walk(path):
        for name in sorted(files):
            rel = os.path.relpath(os.path.join(base, name), path)
            if rel not in skip:
                out[rel] = hashlib.sha256(open(os.path.join(base, name), "rb").read()).hexdigest()
            else:
                out[rel] = "skipped"
    return out


if __name__ == "__main__":
    path, skip = sys.argv[1], set(sys.argv[3:]) if len(sys.argv) > 2 and sys.argv[2] == "--skip" else set()
    if os.path.isdir(path):
        fp = dir_fingerprint(path, skip)
    elif zipfile.is_zipfile(path):
        fp = zip_fingerprint(path, skip)
    else:
        fp = h5_fingerprint(path, skip)
    print(json.dumps(fp, sort_keys=True, default=str))
