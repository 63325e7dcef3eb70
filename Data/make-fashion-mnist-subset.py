#!/usr/bin/env python3
"""Cut the embedded Fashion-MNIST subset that bnn-tui uses when no full copy is found.

Reads the full Fashion-MNIST IDX files (plain or gzip) and writes a stratified subset:

  train (6,000 images): the first 500 images of each class in file order, then the
                        next 100 of each class; so the first 5,000 (500 per class)
                        become bnn-tui's training split and the last 1,000 (100 per
                        class) its validation split (validation = last 1/6).
  t10k  (1,000 images): the first 100 images of each class in file order.

Within each part the images keep their order in the original file. The output is
gzip-compressed IDX with a deterministic header (mtime 0, no file name, level 9),
so the same input and zlib give byte-identical files. Each file is written to a
temporary file in the output directory and renamed into place.

Usage:
  python3 Data/make-fashion-mnist-subset.py \
      [--source /usr/share/datasets/fashion-mnist] \
      [--output Data/BNNEmbeddedData/fashion-mnist-subset]

Standard library only.
"""

import argparse
import collections
import gzip
import hashlib
import os
import struct
import sys
import tempfile

IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801
CLASS_COUNT = 10
TRAIN_PER_CLASS = 500   # training split of the subset, per class
VALID_PER_CLASS = 100   # validation split of the subset, per class
TEST_PER_CLASS = 100    # test set of the subset, per class

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCE = "/usr/share/datasets/fashion-mnist"
DEFAULT_OUTPUT = os.path.join(HERE, "BNNEmbeddedData", "fashion-mnist-subset")


def fail(message):
    print(f"make-fashion-mnist-subset: {message}", file=sys.stderr)
    sys.exit(1)


def find(directory, base):
    """The plain or .gz file called `base` in `directory`."""
    for name in (base, base + ".gz"):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    fail(f"{os.path.join(directory, base)}[.gz]: not found")


def read_bytes(path):
    with open(path, "rb") as f:
        head = f.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        return f.read()


def read_idx(path, magic):
    data = read_bytes(path)
    if len(data) < 8:
        fail(f"{path}: too short for an IDX header")
    (found,) = struct.unpack(">I", data[:4])
    if found != magic:
        fail(f"{path}: magic 0x{found:08x}, expected 0x{magic:08x}")
    ndims = magic & 0xFF
    header = 4 + 4 * ndims
    dims = struct.unpack(">" + "I" * ndims, data[4:header])
    record = 1
    for d in dims[1:]:
        record *= d
    if len(data) != header + dims[0] * record:
        fail(f"{path}: {len(data) - header} data bytes, header says {dims[0] * record}")
    return dims, record, data[header:]


def stratified(labels, quotas):
    """Indices for each quota in turn: quota k takes, per class, the next quotas[k]
    occurrences after those taken by earlier quotas, in file order."""
    taken = collections.Counter()
    parts = []
    for quota in quotas:
        limit = {c: taken[c] + quota for c in range(CLASS_COUNT)}
        seen = collections.Counter()
        part = []
        for index, label in enumerate(labels):
            seen[label] += 1
            if taken[label] < seen[label] <= limit[label]:
                part.append(index)
        for c in range(CLASS_COUNT):
            got = sum(1 for i in part if labels[i] == c)
            if got != quota:
                fail(f"class {c}: only {got} images left for a quota of {quota}")
        taken.update({c: quota for c in range(CLASS_COUNT)})
        parts.append(part)
    return [i for part in parts for i in part]


def write_gz_atomically(path, payload):
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
                gz.write(payload)
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def cut(source, output, prefix, quotas):
    images_path = find(source, f"{prefix}-images-idx3-ubyte")
    labels_path = find(source, f"{prefix}-labels-idx1-ubyte")
    (count, rows, cols), record, pixels = read_idx(images_path, IMAGES_MAGIC)
    (label_count,), _, labels = read_idx(labels_path, LABELS_MAGIC)
    if label_count != count:
        fail(f"{images_path} has {count} images but {labels_path} has {label_count} labels")
    chosen = stratified(labels, quotas)
    n = len(chosen)
    image_payload = struct.pack(">IIII", IMAGES_MAGIC, n, rows, cols) + b"".join(
        pixels[i * record:(i + 1) * record] for i in chosen)
    label_payload = struct.pack(">II", LABELS_MAGIC, n) + bytes(labels[i] for i in chosen)
    for name, payload in ((f"{prefix}-images-idx3-ubyte.gz", image_payload),
                          (f"{prefix}-labels-idx1-ubyte.gz", label_payload)):
        path = os.path.join(output, name)
        write_gz_atomically(path, payload)
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        print(f"{path}: {n} records, {os.path.getsize(path)} bytes, sha256 {digest}")
    start = 0
    for quota in quotas:
        size = quota * CLASS_COUNT
        histogram = collections.Counter(labels[i] for i in chosen[start:start + size])
        print(f"  records {start}..<{start + size}: "
              + " ".join(f"{c}:{histogram[c]}" for c in range(CLASS_COUNT)))
        start += size


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", default=DEFAULT_SOURCE,
                        help=f"directory with the full Fashion-MNIST (default {DEFAULT_SOURCE})")
    parser.add_argument("--output", default=DEFAULT_OUTPUT,
                        help="directory for the subset (default: the BNNEmbeddedData resource folder)")
    args = parser.parse_args()
    os.makedirs(args.output, exist_ok=True)
    cut(args.source, args.output, "train", [TRAIN_PER_CLASS, VALID_PER_CLASS])
    cut(args.source, args.output, "t10k", [TEST_PER_CLASS])


if __name__ == "__main__":
    main()
