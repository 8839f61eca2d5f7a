"""Training and inference on an NVIDIA GPU: kerasbook on CuPy beside PyTorch on CUDA, in one run.

Workloads, samples per second:
- benchmarks/mlp.py's MLPs at batch 128: E13's 20-64-64-10 with SGD (Nesterov) and dropout,
  and 784-512-512-10 with RMSprop;
- E15, the Keras guide's VGG-like convnet (100x100x3 images, 10 classes, SGD Nesterov), at
  batch 32 and 128;
- E16, its sequence classifier: Embedding(10000, 256) + LSTM(128) + Dropout + Dense(1),
  100 tokens, RMSprop, at batch 16 and 64.

Both libraries start from the same NumPy arrays on the host and copy each batch to the GPU
(kerasbook inside `fit`; the PyTorch loop with ``.to('cuda')``), read each batch's loss back
(kerasbook's progress line does; the PyTorch loop calls ``loss.item()``), and bring
predictions back batch by batch. Both compute in float32: TF32 is off unless ``--tf32``
(then CUPY_TF32=1 and PyTorch's TF32 switches are on). Contenders run in turns, best of
several repeats (benchmarks/harness.py).

Without a usable CUDA device this says why and exits 0. ``--check`` runs every workload for
one small batch on the CPU instead (kerasbook on the 'strict' backend, which refuses the
NumPy-only code CuPy would refuse), to test this script and the code paths it uses.

Run: python benchmarks/gpu.py [--check] [--tf32]
"""
import argparse
import os
import sys

import numpy

import kerasbook as keras
from kerasbook.layers import LSTM, Conv2D, Dense, Dropout, Embedding, Flatten, MaxPooling2D
from harness import alternate, print_table
from mlp import kerasbook_model as kerasbook_mlp, torch_model as torch_mlp

VOCABULARY, EMBEDDING, UNITS, TOKENS = 10000, 256, 128, 100


def cuda_problem():
    """Why CuPy cannot use a CUDA device here, or None when it can."""
    try:
        import cupy
    except ImportError:
        return "CuPy is not installed (pip install 'kerasbook[gpu]')"
    try:
        if not cupy.cuda.is_available():
            return "CuPy finds no CUDA device"
        cupy.zeros(1).get()
    except Exception as error:  # CUDARuntimeError when there is no driver, …
        return f"CuPy cannot use the GPU ({type(error).__name__}: {error})"
    return None


class Device:
    """Where each library computes: the GPU, or the CPU for --check."""

    def __init__(self, check):
        self.check = check
        self.torch = self._torch()
        if check:
            keras.backend.set_backend("strict")
            self.sync = lambda: None
        else:
            import cupy
            keras.backend.set_backend("cupy")
            self.sync = cupy.cuda.Device().synchronize
            self.name = cupy.cuda.runtime.getDeviceProperties(0)["name"].decode()

    def _torch(self):
        try:
            import torch
        except ImportError:
            return None
        if self.check:
            torch.set_num_threads(2)
            self.torch_device = "cpu"
            return torch
        if not torch.cuda.is_available():
            return None
        self.torch_device = "cuda"
        return torch

    def torch_sync(self):
        if self.torch_device == "cuda":
            self.torch.cuda.synchronize()


# --- the models -------------------------------------------------------------------

def kerasbook_vgg():
    """E15 as the guide writes it."""
    model = keras.Sequential([
        Conv2D(32, (3, 3), activation="relu", input_shape=(100, 100, 3)),
        Conv2D(32, (3, 3), activation="relu"),
        MaxPooling2D(pool_size=(2, 2)),
        Dropout(0.25),
        Conv2D(64, (3, 3), activation="relu"),
        Conv2D(64, (3, 3), activation="relu"),
        MaxPooling2D(pool_size=(2, 2)),
        Dropout(0.25),
        Flatten(),
        Dense(256, activation="relu"),
        Dropout(0.5),
        Dense(10, activation="softmax"),
    ])
    model.compile(loss="categorical_crossentropy",
                  optimizer=keras.optimizers.SGD(learning_rate=0.01, decay=1e-6, momentum=0.9, nesterov=True))
    return model


def torch_vgg(torch):
    nn = torch.nn
    net = nn.Sequential(
        nn.Conv2d(3, 32, 3), nn.ReLU(), nn.Conv2d(32, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
        nn.Flatten(), nn.Linear(22 * 22 * 64, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 10))
    return net, torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, nesterov=True), nn.CrossEntropyLoss()


def kerasbook_lstm():
    """E16 as the guide writes it (without the accuracy metric, as in the PyTorch loop)."""
    model = keras.Sequential([Embedding(VOCABULARY, EMBEDDING), LSTM(UNITS), Dropout(0.5),
                              Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="rmsprop")
    return model


def torch_lstm(torch):
    nn = torch.nn

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed, self.rnn = nn.Embedding(VOCABULARY, EMBEDDING), nn.LSTM(EMBEDDING, UNITS, batch_first=True)
            self.head = nn.Sequential(nn.Dropout(0.5), nn.Linear(UNITS, 1))

        def forward(self, ids):
            _, (h, _) = self.rnn(self.embed(ids))
            return self.head(h[0])

    net = Classifier()
    optimizer = torch.optim.RMSprop(net.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    return net, optimizer, nn.BCEWithLogitsLoss()


# --- the data -----------------------------------------------------------------------

def mlp_data(rng, n, sizes):
    x = rng.random((n, sizes[0]), dtype=numpy.float32)
    labels = rng.integers(sizes[-1], size=n)
    return x, keras.utils.to_categorical(labels, sizes[-1]), x, labels


def image_data(rng, n):
    x = rng.random((n, 100, 100, 3), dtype=numpy.float32)
    labels = rng.integers(10, size=n)
    # PyTorch's layout is (batch, channels, height, width): transposed once, before timing.
    return x, keras.utils.to_categorical(labels, 10), numpy.ascontiguousarray(x.transpose(0, 3, 1, 2)), labels


def token_data(rng, n):
    """Word-like indices: a few frequent tokens, a long tail (Zipf's law), as benchmarks/recurrent_ops.py."""
    ids = numpy.minimum(rng.zipf(1.2, size=(n, TOKENS)) - 1, VOCABULARY - 1)
    labels = rng.integers(0, 2, size=(n, 1)).astype(numpy.float32)
    return ids, labels, ids, labels


# --- measuring ----------------------------------------------------------------------

def measure(device, name, batch, steps, data, build_kerasbook, build_torch, torch_output):
    """Rows of the table for one workload: training and inference, samples/s."""
    keras.utils.set_random_seed(0)
    n = batch * steps
    x, y, torch_x, torch_y = data(numpy.random.default_rng(0), n)
    model = build_kerasbook()

    def kerasbook_train():
        model.fit(x, y, batch_size=batch, epochs=1, verbose=0, shuffle=False)
        device.sync()

    def kerasbook_infer():
        model.predict(x, batch_size=batch, verbose=0)
        device.sync()

    train, infer = {"kerasbook": kerasbook_train}, {"kerasbook": kerasbook_infer}
    torch = device.torch
    if torch is not None:
        torch.manual_seed(0)
        net, optimizer, loss_fn = build_torch(torch)
        net.to(device.torch_device)
        tx, ty = torch.from_numpy(torch_x), torch.from_numpy(torch_y)
        batches = [slice(start, start + batch) for start in range(0, n, batch)]

        def torch_train():
            net.train()
            for part in batches:
                optimizer.zero_grad()
                loss = loss_fn(net(tx[part].to(device.torch_device)), ty[part].to(device.torch_device))
                loss.backward()
                optimizer.step()
                loss.item()
            device.torch_sync()

        def torch_infer():
            net.eval()
            with torch.no_grad():
                for part in batches:
                    torch_output(net(tx[part].to(device.torch_device))).cpu()
            device.torch_sync()

        train["pytorch"], infer["pytorch"] = torch_train, torch_infer
    rounds, repeats = (1, 1) if device.check else (3, 2)
    rows = []
    for phase, contenders in (("train", train), ("inference", infer)):
        rates = alternate(contenders, n, rounds, repeats)
        theirs = rates.get("pytorch")
        rows.append((name, phase, f"{rates['kerasbook']:,.0f}", "-" if theirs is None else f"{theirs:,.0f}",
                     "-" if theirs is None else f"{rates['kerasbook'] / theirs:.2f}"))
        print(" | ".join(rows[-1]), flush=True)
    return rows


def workloads(device):
    torch = device.torch
    softmax = (lambda out: torch.softmax(out, dim=-1)) if torch else None
    sigmoid = torch.sigmoid if torch else None
    mlp = [("E13 MLP 20-64-64-10, SGD nesterov", [20, 64, 64, 10], 0.5, "sgd", 128, 100),
           ("MLP 784-512-512-10, RMSprop", [784, 512, 512, 10], 0.0, "rmsprop", 128, 40)]
    for name, sizes, dropout, optimizer, batch, steps in mlp:
        yield (name, batch, steps, lambda rng, n, sizes=sizes: mlp_data(rng, n, sizes),
               lambda sizes=sizes, dropout=dropout, optimizer=optimizer: kerasbook_mlp(sizes, dropout, optimizer),
               lambda torch, sizes=sizes, dropout=dropout, optimizer=optimizer: (
                   *torch_mlp(torch, sizes, dropout, optimizer), torch.nn.CrossEntropyLoss()),
               softmax)
    for batch, steps in ((32, 20), (128, 8)):
        yield f"E15 VGG-like 100x100x3, SGD, batch {batch}", batch, steps, image_data, kerasbook_vgg, torch_vgg, softmax
    for batch, steps in ((16, 40), (64, 16)):
        yield (f"E16 Embedding+LSTM(128), 100 tokens, RMSprop, batch {batch}", batch, steps, token_data,
               kerasbook_lstm, torch_lstm, sigmoid)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="one small batch per workload on the CPU")
    parser.add_argument("--tf32", action="store_true", help="let both libraries use TF32 tensor cores")
    args = parser.parse_args()
    if args.tf32:
        os.environ["CUPY_TF32"] = "1"  # read when CuPy is imported, below
    problem = None if args.check else cuda_problem()
    if problem:
        print(f"No GPU benchmark: {problem}. kerasbook runs on NumPy here; on a machine with an NVIDIA GPU "
              f"install CuPy (pip install 'kerasbook[gpu]') and run this again. "
              f"(python benchmarks/gpu.py --check tries the workloads on the CPU.)")
        return 0
    device = Device(args.check)
    if device.torch is not None and device.torch_device == "cuda":
        device.torch.backends.cuda.matmul.allow_tf32 = args.tf32
        device.torch.backends.cudnn.allow_tf32 = args.tf32
    where = "CPU check: kerasbook on the strict backend" if args.check else f"GPU: {device.name}"
    torch_note = "PyTorch not installed or without CUDA" if device.torch is None else \
        f"PyTorch {device.torch.__version__} on {device.torch_device}"
    print(f"{where}; {torch_note}; TF32 {'on' if args.tf32 else 'off'}\n", flush=True)
    rows = []
    for name, batch, steps, data, build_kerasbook, build_torch, torch_output in workloads(device):
        if args.check:
            batch, steps = min(batch, 4), 1
        rows += measure(device, name, batch, steps, data, build_kerasbook, build_torch, torch_output)
    print()
    print_table(rows, ["workload", "phase", "kerasbook samples/s", "PyTorch samples/s", "kerasbook / PyTorch"])
    if args.check:
        print("\n--check: one batch of 4 per workload on the CPU; the rates test this script, they measure nothing.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
