"""Makes many damaged copies in one process with scripts/damage.py (imported, not re-run, so
h5py and numpy are imported once).

Usage: e2e_damage_many.py < jobs.txt

Each input line is `MODE<TAB>SRC<TAB>DST`. The copy gets `--part model_config` damage; a legacy
HDF5 file that also holds a `training_config` attribute then gets the same damage there too
(chained through a temporary file beside DST), so both parts are damaged. Prints one line per
job, in order:

    ok<TAB>CHANGED<TAB>PARTS<TAB>damage.py's messages joined by "; "
    err<TAB>message

where CHANGED is the total number of values damage.py changed and PARTS the damaged parts
(comma-separated). Exit status 1 if any job failed.
"""

import contextlib
import importlib.util
import io
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DAMAGE = os.path.join(HERE, "..", "..", "scripts", "damage.py")


def load_damage():
    spec = importlib.util.spec_from_file_location("damage", DAMAGE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def has_training_attr(path):
    import h5py

    with open(path, "rb") as f:
        if not f.read(8).startswith(b"\x89HDF\r\n\x1a\n"):
            return False
    with h5py.File(path, "r") as f:
        return "training_config" in f.attrs


def run_damage(damage, args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = damage.main(args)
    if status != 0:
        raise RuntimeError("damage.py %s: exit %s: %s" % (" ".join(args), status, err.getvalue().strip()))
    message = out.getvalue().strip()
    m = re.match(r"changed (\d+) values in ", message)
    if not m:
        raise RuntimeError("damage.py %s: unexpected output %r" % (" ".join(args), message))
    return int(m.group(1)), message


def job(damage, mode, src, dst):
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.isfile(src) and has_training_attr(src):
        tmp = dst + ".model-config-only"
        n1, m1 = run_damage(damage, ["--mode", mode, "--part", "model_config", src, tmp])
        try:
            n2, m2 = run_damage(damage, ["--mode", mode, "--part", "training_config", tmp, dst])
        finally:
            os.remove(tmp)
        return n1 + n2, "model_config,training_config", m1 + "; " + m2
    n, m = run_damage(damage, ["--mode", mode, "--part", "model_config", src, dst])
    return n, "model_config", m


def main():
    damage = load_damage()
    failed = False
    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line:
            continue
        try:
            mode, src, dst = line.split("\t")
            n, parts, message = job(damage, mode, src, dst)
            print("ok\t%d\t%s\t%s" % (n, parts, message), flush=True)
        except Exception as e:  # report and go on: the test prints every failure
            failed = True
            print("err\t%s: %s" % (type(e).__name__, str(e).replace("\n", " ")), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
