#!/usr/bin/env python3
"""Make the inputs of scripts/bench (everything lands under target/bench/, never committed).

    bench_make_corpus.py sources OUT
        OUT/clean/   the small shipped models (testdata/keras{2,3}/NAME{.h5,.fixedlen.h5,.keras},
                     NAME in SMALL_MODELS; big_config and *.weights.h5 are left out)
        OUT/damaged/ the same files damaged once with `scripts/damage.py --mode floats`
                     (every int in the model config turned into a float: 64 -> 64.0)
        Skipped when OUT/.complete exists.

    bench_make_corpus.py corpus SRC DEST [--count N]
        DEST/ gets N model files (default 1000), half `.h5`, half `.keras`, copied round-robin
        from SRC (a clean/ or damaged/ directory made by `sources`), spread over
        subdirectories of 100 files like a real models/ tree. DEST must not exist.

    bench_make_corpus.py big OUT
        OUT/big.h5 and OUT/big.keras: one real Keras 3 model with ~270M float32 parameters
        (>= 1 GiB of weights), saved by Keras itself (`model.save`, legacy HDF5 and .keras
        zip), then damaged with damage.py like the small ones. Skipped when both exist.

Only the standard library is needed for `sources` and `corpus`; `big` needs keras.
"""

import argparse
import itertools
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DAMAGE = os.path.join(ROOT, "scripts", "damage.py")
FLAVOURS = ("keras3", "keras2")
SMALL_MODELS = ("dense_seq", "embedding_lstm", "conv", "functional_mha", "lookup", "nested", "unicode_names")
H5_SUFFIXES = (".h5", ".fixedlen.h5")
# Embedding(2_100_000, 128) is 268.8M float32 = 1.075 GB (> 1 GiB) of weights.
BIG_VOCAB = 2_100_000
BIG_DIM = 128


def damage(src, dst):
    out = subprocess.run([sys.executable, DAMAGE, "--mode", "floats", src, dst],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("damage.py %s failed: %s" % (src, out.stderr.strip()))


def cmd_sources(args):
    out = args.out
    if os.path.exists(os.path.join(out, ".complete")):
        return 0
    shutil.rmtree(out, ignore_errors=True)
    for sub in ("clean", "damaged"):
        os.makedirs(os.path.join(out, sub))
    n = 0
    for flavour in FLAVOURS:
        for name in SMALL_MODELS:
            for suffix in H5_SUFFIXES + (".keras",):
                src = os.path.join(ROOT, "testdata", flavour, name + suffix)
                if not os.path.isfile(src):
                    continue
                base = "%s_%s%s" % (flavour, name, suffix)
                shutil.copyfile(src, os.path.join(out, "clean", base))
                damage(src, os.path.join(out, "damaged", base))
                n += 1
    with open(os.path.join(out, ".complete"), "w") as f:
        f.write("%d\n" % n)
    print("bench sources: %d models, clean and damaged, in %s" % (n, out))
    return 0


def cmd_corpus(args):
    names = sorted(os.listdir(args.src))
    h5 = [n for n in names if n.endswith(".h5")]
    zips = [n for n in names if n.endswith(".keras")]
    if not h5 or not zips:
        raise SystemExit("%s: needs both .h5 and .keras models" % args.src)
    if os.path.exists(args.dest):
        raise SystemExit("%s exists" % args.dest)
    half = args.count // 2
    picks = list(itertools.islice(itertools.cycle(h5), half))
    picks += list(itertools.islice(itertools.cycle(zips), args.count - half))
    for i, name in enumerate(picks):
        sub = os.path.join(args.dest, "d%02d" % (i // 100))
        if i % 100 == 0:
            os.makedirs(sub)
        stem, dot, ext = name.partition(".")
        shutil.copyfile(os.path.join(args.src, name), os.path.join(sub, "m%04d_%s.%s" % (i, stem, ext)))
    return 0


def cmd_big(args):
    out = args.out
    h5, zipped = os.path.join(out, "big.h5"), os.path.join(out, "big.keras")
    if os.path.exists(h5) and os.path.exists(zipped):
        return 0
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    os.makedirs(out, exist_ok=True)
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(16,), dtype="int32", name="tokens"),
            keras.layers.Embedding(BIG_VOCAB, BIG_DIM, name="embedding"),
            keras.layers.GlobalAveragePooling1D(name="pool"),
            keras.layers.Dense(256, activation="relu", name="hidden"),
            keras.layers.Dropout(0.1, name="dropout"),
            keras.layers.Dense(10, activation="softmax", name="out"),
        ],
        name="big_embedding_classifier",
    )
    print("bench big model: %d parameters" % model.count_params())
    clean_h5, clean_zip = h5 + ".clean.h5", zipped + ".clean.keras"
    model.save(clean_h5)
    model.save(clean_zip)
    del model
    for clean, damaged in ((clean_h5, h5), (clean_zip, zipped)):
        if os.path.exists(damaged):
            os.remove(damaged)
        damage(clean, damaged + ".part")
        os.replace(damaged + ".part", damaged)
        os.remove(clean)
    for p in (h5, zipped):
        print("bench big model: %s %.3f GB" % (p, os.path.getsize(p) / 1e9))
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("sources")
    p.add_argument("out")
    p.set_defaults(fn=cmd_sources)
    p = sub.add_parser("corpus")
    p.add_argument("src")
    p.add_argument("dest")
    p.add_argument("--count", type=int, default=1000)
    p.set_defaults(fn=cmd_corpus)
    p = sub.add_parser("big")
    p.add_argument("out")
    p.set_defaults(fn=cmd_big)
    args = ap.parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
