"""Training and inference speed and peak memory of the guide's convnets and recurrent nets, beside PyTorch.

Workloads (issue 4), each on the CPU in float32 with 2 threads, kerasbook beside
PyTorch eager running the same network on the same random data:
- vgg (E15): the VGG-like convnet on 100x100x3 images, 10 classes, SGD with Nesterov
  momentum, batch 32. PyTorch runs it twice: in its default NCHW layout and with
  ``channels_last`` (NHWC, as kerasbook stores images), often much faster;
- lstm (E16): Embedding(10000, 256) + LSTM(128) + Dropout + Dense(1, sigmoid) on 100
  tokens, RMSprop, batch 16 and 64;
- conv1d (E17): the 1-D convnet on 100 steps x 100 features, RMSprop, batch 16 and 64;
- vqa (E26): visual question answering, the guide's vision model on 64x64x3 images
  and an Embedding + LSTM(256) question encoder, 1000 answers, RMSprop, batch 8;
- bilstm: Keras's imdb_bidirectional_lstm example, Embedding(20000, 128) +
  Bidirectional(LSTM(64)) + Dropout + Dense(1, sigmoid) on 100 tokens, Adam, batch 32;
  PyTorch runs ``nn.LSTM(bidirectional=True)``.

Speed: samples per second over a fixed number of batches, contenders measured in
turns within one process, best of the repeats (benchmarks/harness.py). Each workload
runs in a fresh process: how earlier work left the C memory allocator changes
kerasbook's speed by up to 2x (benchmarks/README.md). Memory: the peak resident size
(VmHWM) of a fresh child process that imports one library, builds the model and runs
a few batches of one phase; this includes the library's own import (measured alone
in a child too, printed under the table).

Run: python benchmarks/models.py [--quick] [vgg lstm conv1d vqa bilstm]
     python benchmarks/models.py --profile vgg      (cProfile of one kerasbook training epoch)
"""
import argparse
import cProfile
import json
import os
import pstats
import subprocess
import sys

import numpy

import kerasbook as keras
from kerasbook.layers import (
    LSTM, Bidirectional, Conv1D, Conv2D, Dense, Dropout, Embedding, Flatten, GlobalAveragePooling1D, Input, MaxPooling1D,
    MaxPooling2D, concatenate,
)
from gpu import EMBEDDING, TOKENS, VOCABULARY, image_data, kerasbook_lstm, kerasbook_vgg, token_data, torch_lstm, \
    torch_vgg
from harness import alternate, own_peak_rss_mib, print_table, subnormal_count, torch_or_none

MEMORY_STEPS = 3  # batches per run in a memory child: enough to reach the steady state
REPORT = "report: "  # how a child process starts the line that carries its result


# --- the models that benchmarks/gpu.py does not have ----------------------------------

def kerasbook_conv1d():
    """E17 as the guide writes it."""
    model = keras.Sequential([
        Conv1D(64, 3, activation="relu", input_shape=(100, 100)),
        Conv1D(64, 3, activation="relu"),
        MaxPooling1D(3),
        Conv1D(128, 3, activation="relu"),
        Conv1D(128, 3, activation="relu"),
        GlobalAveragePooling1D(),
        Dropout(0.5),
        Dense(1, activation="sigmoid"),
    ])
    model.compile(loss="binary_crossentropy", optimizer="rmsprop")
    return model


def torch_conv1d(torch):
    nn = torch.nn
    net = nn.Sequential(
        nn.Conv1d(100, 64, 3), nn.ReLU(), nn.Conv1d(64, 64, 3), nn.ReLU(), nn.MaxPool1d(3),
        nn.Conv1d(64, 128, 3), nn.ReLU(), nn.Conv1d(128, 128, 3), nn.ReLU(),
        nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Dropout(0.5), nn.Linear(128, 1))
    return net, torch.optim.RMSprop(net.parameters(), lr=0.001, alpha=0.9, eps=1e-7), nn.BCEWithLogitsLoss()


def kerasbook_vqa():
    """E26 as the guide writes it, on 64x64 images (the guide's 224x224 would take minutes a batch)."""
    vision_model = keras.Sequential()
    vision_model.add(Conv2D(64, (3, 3), activation="relu", padding="same", input_shape=(64, 64, 3)))
    vision_model.add(Conv2D(64, (3, 3), activation="relu"))
    vision_model.add(MaxPooling2D((2, 2)))
    vision_model.add(Conv2D(128, (3, 3), activation="relu", padding="same"))
    vision_model.add(Conv2D(128, (3, 3), activation="relu"))
    vision_model.add(MaxPooling2D((2, 2)))
    vision_model.add(Conv2D(256, (3, 3), activation="relu", padding="same"))
    vision_model.add(Conv2D(256, (3, 3), activation="relu"))
    vision_model.add(Conv2D(256, (3, 3), activation="relu"))
    vision_model.add(MaxPooling2D((2, 2)))
    vision_model.add(Flatten())
    image_input = Input(shape=(64, 64, 3))
    encoded_image = vision_model(image_input)
    question_input = Input(shape=(TOKENS,), dtype="int32")
    embedded_question = Embedding(input_dim=VOCABULARY, output_dim=EMBEDDING, input_length=TOKENS)(question_input)
    encoded_question = LSTM(256)(embedded_question)
    merged = concatenate([encoded_question, encoded_image])
    output = Dense(1000, activation="softmax")(merged)
    model = keras.Model(inputs=[image_input, question_input], outputs=output)
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop")
    return model


def torch_vqa(torch):
    nn = torch.nn

    class VQA(nn.Module):
        def __init__(self):
            super().__init__()
            self.vision = nn.Sequential(
                nn.Conv2d(3, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(64, 128, 3, padding=1), nn.ReLU(), nn.Conv2d(128, 128, 3), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(128, 256, 3, padding=1), nn.ReLU(), nn.Conv2d(256, 256, 3), nn.ReLU(),
                nn.Conv2d(256, 256, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten())
            self.embed, self.rnn = nn.Embedding(VOCABULARY, EMBEDDING), nn.LSTM(EMBEDDING, 256, batch_first=True)
            self.head = nn.Linear(256 + 5 * 5 * 256, 1000)

        def forward(self, image, question):
            _, (h, _) = self.rnn(self.embed(question))
            return self.head(torch.cat([h[0], self.vision(image)], dim=1))

    net = VQA()
    return net, torch.optim.RMSprop(net.parameters(), lr=0.001, alpha=0.9, eps=1e-7), nn.CrossEntropyLoss()


IMDB_WORDS, IMDB_TOKENS = 20000, 100  # the example's max_features and maxlen


def kerasbook_bidirectional():
    """Keras's imdb_bidirectional_lstm example as it writes the model."""
    model = keras.Sequential()
    model.add(Embedding(IMDB_WORDS, 128, input_length=IMDB_TOKENS))
    model.add(Bidirectional(LSTM(64)))
    model.add(Dropout(0.5))
    model.add(Dense(1, activation="sigmoid"))
    model.compile("adam", "binary_crossentropy")
    return model


def torch_bidirectional(torch):
    nn = torch.nn

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(IMDB_WORDS, 128)
            self.rnn = nn.LSTM(128, 64, batch_first=True, bidirectional=True)
            self.head = nn.Sequential(nn.Dropout(0.5), nn.Linear(128, 1))

        def forward(self, ids):
            _, (h, _) = self.rnn(self.embed(ids))  # h: (2, batch, 64), forward then backward
            return self.head(torch.cat([h[0], h[1]], dim=1))

    net = Classifier()
    return net, torch.optim.Adam(net.parameters(), lr=0.001, eps=1e-7), nn.BCEWithLogitsLoss()


# --- the data: (kerasbook inputs, kerasbook targets, PyTorch inputs, PyTorch targets) ------

def sequence_data(rng, n):
    x = rng.random((n, 100, 100), dtype=numpy.float32)
    labels = rng.integers(0, 2, size=(n, 1)).astype(numpy.float32)
    # PyTorch's Conv1d wants (batch, channels, steps): transposed once, before timing.
    return x, labels, numpy.ascontiguousarray(x.transpose(0, 2, 1)), labels


def vqa_data(rng, n):
    images = rng.random((n, 64, 64, 3), dtype=numpy.float32)
    questions = token_data(rng, n)[0].astype(numpy.int32)
    answers = rng.integers(1000, size=n)
    return ([images, questions], keras.utils.to_categorical(answers, 1000),
            [numpy.ascontiguousarray(images.transpose(0, 3, 1, 2)), questions], answers)


def imdb_data(rng, n):
    """Word-like indices below 20000 (Zipf's law), 2 classes."""
    ids = numpy.minimum(rng.zipf(1.2, size=(n, IMDB_TOKENS)) - 1, IMDB_WORDS - 1)
    labels = rng.integers(0, 2, size=(n, 1)).astype(numpy.float32)
    return ids, labels, ids, labels


class Workload:
    def __init__(self, title, steps, data, kerasbook_model, torch_model, output, images):
        self.title = title
        self.steps = steps  # {batch size: batches per timed run}, about 2 s each
        self.data, self.kerasbook_model, self.torch_model = data, kerasbook_model, torch_model
        self.output = output  # the final activation PyTorch's loss folds in, applied for inference
        self.contenders = ["kerasbook", "pytorch"] + (["pytorch channels_last"] if images else [])


WORKLOADS = {
    "vgg": Workload("E15 VGG-like 100x100x3, SGD nesterov", {32: 4}, image_data, kerasbook_vgg, torch_vgg,
                    "softmax", images=True),
    "lstm": Workload("E16 Embedding+LSTM(128), 100 tokens, RMSprop", {16: 100, 64: 30}, token_data,
                     kerasbook_lstm, torch_lstm, "sigmoid", images=False),
    "conv1d": Workload("E17 Conv1D net on 100x100, RMSprop", {16: 200, 64: 80}, sequence_data,
                       kerasbook_conv1d, torch_conv1d, "sigmoid", images=False),
    "vqa": Workload("E26 VQA, 64x64 images + 100-token questions, RMSprop", {8: 8}, vqa_data,
                    kerasbook_vqa, torch_vqa, "softmax", images=True),
    "bilstm": Workload("imdb_bidirectional_lstm, Embedding+Bidirectional(LSTM(64)), Adam", {32: 40}, imdb_data,
                       kerasbook_bidirectional, torch_bidirectional, "sigmoid", images=False),
}
ALIASES = {"e15": "vgg", "e16": "lstm", "e17": "conv1d", "e26": "vqa"}


# --- the contenders -------------------------------------------------------------------

class Runs:
    """One contender on one workload: a training epoch, an inference pass, its optimizer state."""

    def __init__(self, train, infer, optimizer_state):
        self.train, self.infer, self.optimizer_state = train, infer, optimizer_state


def kerasbook_runs(workload, batch, x, y):
    keras.utils.set_random_seed(0)
    model = workload.kerasbook_model()
    return Runs(lambda: model.fit(x, y, batch_size=batch, epochs=1, verbose=0, shuffle=False),
                lambda: model.predict(x, batch_size=batch, verbose=0),
                model.optimizer.variables)


def torch_runs(torch, workload, batch, x, y, channels_last):
    torch.manual_seed(0)
    net, optimizer, loss_fn = workload.torch_model(torch)
    inputs = [torch.from_numpy(array) for array in (x if isinstance(x, list) else [x])]
    if channels_last:
        net = net.to(memory_format=torch.channels_last)
        inputs = [a.contiguous(memory_format=torch.channels_last) if a.dim() == 4 else a for a in inputs]
    target = torch.from_numpy(y)
    batches = [slice(start, start + batch) for start in range(0, len(target), batch)]
    output = (lambda out: torch.softmax(out, dim=-1)) if workload.output == "softmax" else torch.sigmoid

    def train():
        net.train()
        for part in batches:
            optimizer.zero_grad()
            loss_fn(net(*(a[part] for a in inputs)), target[part]).backward()
            optimizer.step()

    def infer():
        net.eval()
        with torch.no_grad():
            for part in batches:
                output(net(*(a[part] for a in inputs)))

    def optimizer_state():
        return [value.numpy() for state in optimizer.state.values() for value in state.values()
                if torch.is_tensor(value)]

    return Runs(train, infer, optimizer_state)


def contender_runs(name, workload, batch, data, torch):
    x, y, torch_x, torch_y = data
    if name == "kerasbook":
        return kerasbook_runs(workload, batch, x, y)
    return torch_runs(torch, workload, batch, torch_x, torch_y, channels_last=name.endswith("channels_last"))


# --- measuring ------------------------------------------------------------------------

def child(arguments, quick):
    """Run this script again in a fresh process: echo what it prints, return what it reports."""
    command = [sys.executable, __file__, *arguments] + (["--quick"] if quick else [])
    report = None
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            if line.startswith(REPORT):
                report = json.loads(line[len(REPORT):])
            else:
                print(line, end="", flush=True)
    if process.returncode or report is None:
        raise RuntimeError(f"python {' '.join(command[1:])} failed (exit status {process.returncode}).")
    return report


def memory_child(name, batch, contender, phase, quick):
    """Peak RSS in MiB of a fresh process running one phase of one contender ('import' for the import alone)."""
    return child(["--one", name, str(batch), contender, phase], quick)


def one(name, batch, contender, phase, quick):
    """The memory child: import one library, run `phase` twice on a few batches, report the peak RSS."""
    torch = torch_or_none() if contender.startswith("pytorch") else None
    if phase != "import":
        workload = WORKLOADS[name]
        data = workload.data(numpy.random.default_rng(0), batch * (2 if quick else MEMORY_STEPS))
        # Keep only this contender's arrays, so neither carries the other's layout.
        data = (None, None, *data[2:]) if torch else (*data[:2], None, None)
        runs = contender_runs(contender, workload, batch, data, torch)
        del data
        for _ in range(2):
            (runs.train if phase == "train" else runs.infer)()
    print(REPORT + json.dumps(own_peak_rss_mib()))


def measure(name, quick):
    """Rows of the table for one workload: speed and peak memory, per batch size, phase and PyTorch layout."""
    workload = WORKLOADS[name]
    torch = torch_or_none()
    contenders = workload.contenders if torch else ["kerasbook"]
    rounds, repeats = (1, 1) if quick else (3, 1)
    rows = []
    for batch, steps in workload.steps.items():
        steps = 2 if quick else steps
        n = batch * steps
        data = workload.data(numpy.random.default_rng(0), n)
        runs = {contender: contender_runs(contender, workload, batch, data, torch) for contender in contenders}
        rates = {"train": alternate({c: r.train for c, r in runs.items()}, n, rounds, repeats),
                 "inference": alternate({c: r.infer for c, r in runs.items()}, n, rounds, repeats)}
        for contender, run in runs.items():
            state = run.optimizer_state()
            denormals = subnormal_count(state)
            if denormals:
                share = denormals / sum(array.size for array in state)
                print(f"note: {contender}'s optimizer state on {name} (batch {batch}) holds {denormals:,} denormal "
                      f"numbers ({share:.2%}) after timing; each op on one is slow", flush=True)
        del runs, data
        for phase in ("train", "inference"):
            memory = {contender: memory_child(name, batch, contender, phase, quick) for contender in contenders}
            for theirs in contenders[1:] or [None]:
                title = workload.title + (" (PyTorch channels_last)" if theirs == "pytorch channels_last" else "")
                rows.append([title, batch, phase,
                             *side_by_side(rates[phase]["kerasbook"], rates[phase].get(theirs), "{:,.1f}"),
                             *side_by_side(memory["kerasbook"], memory.get(theirs), "{:,.0f}")])
                print(" | ".join(str(cell) for cell in rows[-1]), flush=True)
    return rows


def side_by_side(ours, theirs, form):
    """Table cells: kerasbook's number, PyTorch's (None when it is not installed) and their ratio."""
    if theirs is None:
        return [form.format(ours), "-", "-"]
    return [form.format(ours), form.format(theirs), f"{ours / theirs:.2f}"]


def profile(name):
    """cProfile one kerasbook training epoch (after a warm-up epoch) of the workload's first batch size."""
    workload = WORKLOADS[name]
    batch, steps = next(iter(workload.steps.items()))
    data = workload.data(numpy.random.default_rng(0), batch * steps)
    runs = kerasbook_runs(workload, batch, data[0], data[1])
    runs.train()
    profiler = cProfile.Profile()
    profiler.runcall(runs.train)
    print(f"{workload.title}, batch {batch}: one training epoch of {steps} batches")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


def load_average():
    return ", ".join(f"{load:.2f}" for load in os.getloadavg()) + " (1, 5, 15 min)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workloads", nargs="*", metavar="workload",
                        help=f"any of {', '.join(WORKLOADS)} (or e15, e16, e17, e26); all by default")
    parser.add_argument("--quick", action="store_true", help="two batches per run, one round: a smoke test")
    parser.add_argument("--profile", action="store_true", help="cProfile one kerasbook training epoch instead")
    parser.add_argument("--one", nargs=4, metavar=("WORKLOAD", "BATCH", "CONTENDER", "PHASE"),
                        help="internal: the child process that measures one contender's peak memory")
    parser.add_argument("--rows", action="store_true", help="internal: the child process that measures a workload")
    args = parser.parse_args()
    if args.one:
        name, batch, contender, phase = args.one
        return one(name, int(batch), contender, phase, args.quick)
    if args.rows:
        print(REPORT + json.dumps(measure(ALIASES.get(args.workloads[0], args.workloads[0]), args.quick)))
        return 0
    names = [ALIASES.get(name.lower(), name.lower()) for name in args.workloads] or list(WORKLOADS)
    unknown = [name for name in names if name not in WORKLOADS]
    if unknown:
        parser.error(f"unknown workload(s) {unknown}: expected some of {list(WORKLOADS)} or {list(ALIASES)}")
    if args.profile:
        for name in names:
            profile(name)
        return 0
    torch = torch_or_none()
    print(f"kerasbook beside {'PyTorch ' + torch.__version__ if torch else 'nothing (PyTorch is not installed)'}, "
          f"CPU, float32, 2 threads{'; --quick: the rates test this script, they measure nothing' if args.quick else ''}."
          f"\nLoad average at the start: {load_average()}\n", flush=True)
    rows = []
    for name in names:
        # Each workload in a fresh process: what earlier workloads left in the memory allocator
        # changes kerasbook's speed by up to 2x (benchmarks/README.md, "Page faults").
        rows += child([name, "--rows"], args.quick)
    print()
    print_table(rows, ["workload", "batch", "phase", "kerasbook samples/s", "PyTorch samples/s", "kerasbook / PyTorch",
                       "peak MiB kerasbook", "peak MiB PyTorch", "kerasbook / PyTorch"])
    libraries = {contender: memory_child("", 0, contender, "import", args.quick)
                 for contender in (["kerasbook", "pytorch"] if torch else ["kerasbook"])}
    print("\nPeak memory includes the libraries: importing alone takes "
          + ", ".join(f"{contender} {mib:,.0f} MiB" for contender, mib in libraries.items())
          + (" (the PyTorch children import kerasbook too, for the shared model code: a few MiB)." if torch else "."))
    print(f"Load average at the end: {load_average()} (another busy process slows OpenMP-threaded PyTorch most).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
