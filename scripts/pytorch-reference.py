#!/usr/bin/env python3
"""PyTorch reference timings for docs/benchmarks.md (issues 12 and 16).

Times the training pass of one epoch of the same BinaryNet networks bnn-tui trains:
a sign function with the gated straight-through estimator, BatchNorm, square hinge
loss, Adam, latent weights clipped to [-1, 1], batch 100, the first 50,000 training
images of Fashion-MNIST, on the threads you give (default 2).

    python3 scripts/pytorch-reference.py --arch mlp   # 784-1024-10
    python3 scripts/pytorch-reference.py --arch cnn   # 32C3-MP2-64C3-MP2-256FC-10

Needs `pip install torch` (not needed to build, test or run bnn-tui). Prints one line
per epoch: seconds of the training pass (no evaluation), images per second.
"""
import argparse
import gzip
import os
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def find(data_dir, stem):
    for name in (stem + ".gz", stem):
        path = os.path.join(data_dir, name)
        if os.path.exists(path):
            return path
    sys.exit(f"pytorch-reference: no {stem}[.gz] in {data_dir}")


class SignSTE(torch.autograd.Function):
    """sign(x) forward; gradient passed where |x| <= 1 (BinaryNet's gated STE)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x.abs() <= 1).to(grad.dtype)


def binarize(w):
    """Binary weights in the product, gradient to the latent weights (identity STE)."""
    return w + (torch.where(w >= 0, 1.0, -1.0) - w).detach()


class BinaryLinear(nn.Linear):
    def forward(self, x):
        return F.linear(x, binarize(self.weight))


class BinaryConv(nn.Conv2d):
    def forward(self, x):
        return F.conv2d(x, binarize(self.weight), None, 1, 1)


def mlp():
    return nn.Sequential(
        nn.Flatten(),
        BinaryLinear(784, 1024, bias=False), nn.BatchNorm1d(1024), Sign(),
        BinaryLinear(1024, 10, bias=False), nn.BatchNorm1d(10),
    )


def cnn():
    return nn.Sequential(
        BinaryConv(1, 32, 3, padding=1, bias=False), nn.MaxPool2d(2), nn.BatchNorm2d(32), Sign(),
        BinaryConv(32, 64, 3, padding=1, bias=False), nn.MaxPool2d(2), nn.BatchNorm2d(64), Sign(),
        nn.Flatten(),
        BinaryLinear(3136, 256, bias=False), nn.BatchNorm1d(256), Sign(),
        BinaryLinear(256, 10, bias=False), nn.BatchNorm1d(10),
    )


class Sign(nn.Module):
    def forward(self, x):
        return SignSTE.apply(x)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", choices=["mlp", "cnn"], default="cnn")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--train-limit", type=int, default=50000)
    parser.add_argument("--data", default=os.environ.get("BNN_DATA", "/usr/share/datasets/fashion-mnist"))
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    images = read_idx(find(args.data, "train-images-idx3-ubyte"))[: args.train_limit]
    labels = read_idx(find(args.data, "train-labels-idx1-ubyte"))[: args.train_limit].long()
    x_all = (images.float() / 255.0).unsqueeze(1)
    targets = -torch.ones(len(labels), 10)
    targets[torch.arange(len(labels)), labels] = 1.0

    model = cnn() if args.arch == "cnn" else mlp()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.003)
    latent = [m.weight for m in model.modules() if isinstance(m, (BinaryLinear, BinaryConv))]
    print(f"torch {torch.__version__} · {args.arch} · {args.threads} threads · {len(labels)} images · batch 100",
          flush=True)
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(len(labels))
        start = time.perf_counter()
        for first in range(0, len(labels), 100):
            index = order[first:first + 100]
            out = model(x_all[index])
            loss = torch.clamp(1.0 - out * targets[index], min=0).pow(2).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                for w in latent:
                    w.clamp_(-1.0, 1.0)
        seconds = time.perf_counter() - start
        print(f"epoch {epoch}: training pass {seconds:.2f} s · {len(labels) / seconds:.0f} img/s · "
              f"last loss {loss.item():.4f}", flush=True)


if __name__ == "__main__":
    main()
