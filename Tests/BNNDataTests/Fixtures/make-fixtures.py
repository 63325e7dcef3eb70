#!/usr/bin/env python3
"""Write the tiny IDX files the BNNData tests read (run from anywhere; standard library only).

valid-plain/ and valid-gz/ hold a complete MNIST-layout dataset of 3x4 images
(12 training, 6 test); pixel and label formulas are mirrored in Fixtures.swift:
  train image i, pixel k (row-major, k = row*4 + col): (29*i + 23*k) % 256
  test  image i, pixel k:                               (29*(i+100) + 23*k) % 256
  the last pixel of the last training image is 255 (so 0 and 255 both occur)
  train label i: (7*i) % 10          test label i: (3*i + 1) % 10
bad/ holds one file per failure the reader must report. gzip output is
deterministic (mtime 0, no file name), so rerunning gives identical bytes.
"""

import gzip
import io
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS, COLS = 3, 4
FEATURES = ROWS * COLS


def train_pixels(i):
    return bytes((29 * i + 23 * k) % 256 for k in range(FEATURES))


def test_pixels(i):
    return bytes((29 * (i + 100) + 23 * k) % 256 for k in range(FEATURES))


def images_file(count, pixels, rows=ROWS, cols=COLS, magic=0x00000803):
    return struct.pack(">IIII", magic, count, rows, cols) + pixels


def labels_file(count, labels, magic=0x00000801):
    return struct.pack(">II", magic, count) + bytes(labels)


def gz(data):
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as f:
        f.write(data)
    return out.getvalue()


def write(relative, data):
    path = os.path.join(HERE, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def main():
    train = b"".join(train_pixels(i) for i in range(12))
    train = train[:-1] + b"\xff"
    test = b"".join(test_pixels(i) for i in range(6))
    train_labels = [(7 * i) % 10 for i in range(12)]
    test_labels = [(3 * i + 1) % 10 for i in range(6)]
    dataset = {
        "train-images-idx3-ubyte": images_file(12, train),
        "train-labels-idx1-ubyte": labels_file(12, train_labels),
        "t10k-images-idx3-ubyte": images_file(6, test),
        "t10k-labels-idx1-ubyte": labels_file(6, test_labels),
    }
    for name, data in dataset.items():
        write(f"valid-plain/{name}", data)
        write(f"valid-gz/{name}.gz", gz(data))

    valid_images = dataset["train-images-idx3-ubyte"]
    # 5 whole images and half of the 6th, header still promising 12.
    truncated = valid_images[:16 + 5 * FEATURES + FEATURES // 2]
    write("bad/truncated-images-idx3-ubyte", truncated)
    write("bad/truncated-images-idx3-ubyte.gz", gz(truncated))

    # A gzip stream cut in half: 200 incompressible images, the file ends mid-deflate.
    noise = bytes((i * 2654435761 >> 13) & 0xFF for i in range(200 * FEATURES))
    whole = gz(images_file(200, noise))
    write("bad/cut-stream-images-idx3-ubyte.gz", whole[: len(whole) // 2])

    # The gzip CRC-32 trailer damaged (payload intact).
    damaged = bytearray(gz(valid_images))
    damaged[-8] ^= 0xFF
    write("bad/bad-crc-images-idx3-ubyte.gz", bytes(damaged))

    # Complete payload, gzip trailer (CRC + size) missing.
    write("bad/no-trailer-images-idx3-ubyte.gz", gz(valid_images)[:-8])

    # Starts with gzip's magic but is not gzip.
    write("bad/fake-gzip-images-idx3-ubyte.gz", b"\x1f\x8b" + b"not really deflate data at all")

    # A label file where an image file belongs (magic 0x00000801).
    write("bad/wrong-magic-images-idx3-ubyte", dataset["train-labels-idx1-ubyte"])
    # Garbage magic in a gzip file.
    write("bad/wrong-magic-images-idx3-ubyte.gz", gz(b"\x12\x34\x56\x78" + valid_images[4:]))

    write("bad/zero-rows-images-idx3-ubyte", images_file(12, b"", rows=0))
    write("bad/huge-side-images-idx3-ubyte", images_file(1, bytes(5000 * 4), rows=5000, cols=4))
    write("bad/zero-count-labels-idx1-ubyte", labels_file(0, []))

    # Absurd headers: far beyond the 256 MiB limit, and within it but with one image of data.
    write("bad/huge-count-images-idx3-ubyte", images_file(0x7FFFFFFF, bytes(28 * 28), 28, 28))
    write("bad/absurd-count-images-idx3-ubyte", images_file(300_000, bytes(28 * 28), 28, 28))
    write("bad/absurd-count-images-idx3-ubyte.gz", gz(images_file(300_000, bytes(28 * 28), 28, 28)))

    write("bad/trailing-images-idx3-ubyte", valid_images + b"\x00\x01\x02")
    write("bad/trailing-images-idx3-ubyte.gz", gz(valid_images + b"\x00\x01\x02"))

    write("bad/truncated-header-labels-idx1-ubyte", labels_file(12, train_labels)[:6])
    write("bad/empty-labels-idx1-ubyte", b"")

    # Labels that do not match the 12 valid images.
    write("bad/eleven-labels-idx1-ubyte", labels_file(11, train_labels[:11]))
    write("bad/out-of-range-labels-idx1-ubyte", labels_file(12, train_labels[:7] + [10] + train_labels[8:]))

    # Test images of another size than the training images (5x5), for the shape check.
    other = dataset.copy()
    other["t10k-images-idx3-ubyte"] = images_file(6, bytes(6 * 25), 5, 5)
    for name, data in other.items():
        write(f"shape-mismatch/{name}", data)

    # A directory whose training labels are one short.
    mismatch = dataset.copy()
    mismatch["train-labels-idx1-ubyte"] = labels_file(11, train_labels[:11])
    for name, data in mismatch.items():
        write(f"count-mismatch/{name}.gz", gz(data))


if __name__ == "__main__":
    main()
