#!/usr/bin/env python3
"""The least any tool must do to replace every model under DIR atomically and durably.

    bench_floor.py DIR

For each file: read it, write its bytes unchanged to a new temporary beside it; then one
`syncfs` for the whole batch (as kerasfix does), rename every temporary over its original, and
fsync each directory. No parsing, no verification, nothing changed: `scripts/bench` times this
beside `kerasfix fix` to show how much of a fix's time is the disk's, on the machine measured.
"""

import os
import sys


def main():
    root = sys.argv[1]
    files = sorted(os.path.join(d, f) for d, _, names in os.walk(root) for f in names)
    temps = []
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        temp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + ".floor-tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        temps.append((temp, path))
    fd = os.open(root, os.O_RDONLY)
    try:
        os.syncfs(fd) if hasattr(os, "syncfs") else os.sync()
    finally:
        os.close(fd)
    for temp, path in temps:
        os.rename(temp, path)
    for directory in sorted({os.path.dirname(p) for p in files}):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    print("%d files replaced" % len(files))


if __name__ == "__main__":
    main()
