"""Time the fused recurrent ops and the embedding gradient at the E16 shapes.

E16 is Keras's sequence classifier: Embedding(10000, 256) + LSTM(128) +
Dense(1, sigmoid) on sequences of 100 tokens, batches of 16 and 64. Printed:
each op's forward + backward time; the embedding gradient against NumPy's
``add.at``; and whole training steps (plain SGD, so the optimizer does not
dominate) against PyTorch eager when it is installed, measured in turns.

    python benchmarks/recurrent_ops.py
"""
import time

import numpy as np

from kerasbook.ops import dense, mean, sigmoid
from kerasbook.ops.embedding import embedding
from kerasbook.ops.indexed_slices import sum_duplicates
from kerasbook.optimizers import SGD
from kerasbook.ops.losses import binary_crossentropy
from kerasbook.ops.recurrent import GRU, LSTM, SimpleRNN, lstm
from kerasbook.ops.tape import GradientTape
from kerasbook.ops.tensor import Tensor

VOCABULARY, EMBEDDING, UNITS, STEPS = 10000, 256, 128, 100


def best_of(repeats, run):
    """The fastest of a few runs, in milliseconds: other processes only ever add time."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def token_ids(rng, batch):
    """Word-like indices: a few frequent tokens, a long tail (Zipf's law)."""
    return np.minimum(rng.zipf(1.2, size=(batch, STEPS)) - 1, VOCABULARY - 1)


def time_ops(rng):
    print("op (batch)            forward+backward")
    for batch in (16, 64):
        x = rng.standard_normal((batch, STEPS, EMBEDDING), dtype=np.float32)
        for op, gates in ((LSTM(), 4), (GRU(), 3), (SimpleRNN(), 1)):
            kernel = rng.standard_normal((EMBEDDING, gates * UNITS), dtype=np.float32) * 0.05
            recurrent_kernel = rng.standard_normal((UNITS, gates * UNITS), dtype=np.float32) * 0.05
            bias = np.zeros((2, gates * UNITS) if gates == 3 else gates * UNITS, np.float32)
            grad = np.ones_like(op.forward(x, kernel, recurrent_kernel, bias))
            op.needs_input_grad = (True, True, True, True)  # as for an LSTM after an Embedding
            ms = best_of(5, lambda: (op.forward(x, kernel, recurrent_kernel, bias), op.backward(grad)))
            print(f"{type(op).__name__:10} ({batch:2})        {ms:7.1f} ms")


def time_embedding_gradient(rng):
    print("embedding gradient (batch, indices)   sum_duplicates     np.add.at (dense)")
    for name, draw in (("text-like", token_ids), ("uniform", lambda r, b: r.integers(0, VOCABULARY, (b, STEPS)))):
        for batch in (16, 64):
            indices = draw(rng, batch).reshape(-1)
            rows = rng.standard_normal((indices.size, EMBEDDING), dtype=np.float32)

            def add_at():
                grad = np.zeros((VOCABULARY, EMBEDDING), np.float32)
                np.add.at(grad, indices, rows)

            ours = best_of(5, lambda: sum_duplicates(indices, rows))
            numpy_add_at = best_of(5, add_at)
            print(f"{name:10} ({batch:2})                 {ours:8.2f} ms {numpy_add_at:10.2f} ms"
                  f"   ({numpy_add_at / ours:.1f}x)")


def kerasbook_step(rng, batch):
    """One SGD step of E16 written with kerasbook ops."""
    params = [Tensor(rng.uniform(-0.05, 0.05, size).astype(np.float32), requires_grad=True) for size in
              [(VOCABULARY, EMBEDDING), (EMBEDDING, 4 * UNITS), (UNITS, 4 * UNITS), (4 * UNITS,), (UNITS, 1), (1,)]]
    ids, labels = token_ids(rng, batch), rng.integers(0, 2, (batch, 1)).astype(np.float32)
    optimizer = SGD(learning_rate=0.01)

    def step():
        table, kernel, recurrent_kernel, bias, dense_kernel, dense_bias = params
        with GradientTape() as tape:
            h = lstm(embedding(ids, table), kernel, recurrent_kernel, bias)
            loss = mean(binary_crossentropy(labels, sigmoid(dense(h, dense_kernel, dense_bias))))
        optimizer.apply(tape.gradient(loss, params), params)
    return step


def torch_step(rng, batch):
    import torch

    torch.set_num_threads(2)
    embed, rnn, head = torch.nn.Embedding(VOCABULARY, EMBEDDING), torch.nn.LSTM(EMBEDDING, UNITS, batch_first=True), \
        torch.nn.Linear(UNITS, 1)
    params = [*embed.parameters(), *rnn.parameters(), *head.parameters()]
    optimizer = torch.optim.SGD(params, lr=0.01)
    ids = torch.as_tensor(token_ids(rng, batch))
    labels = torch.as_tensor(rng.integers(0, 2, (batch, 1)).astype(np.float32))

    def step():
        optimizer.zero_grad()
        _, (h, _) = rnn(embed(ids))
        loss = torch.nn.functional.binary_cross_entropy_with_logits(head(h[0]), labels)
        loss.backward()
        optimizer.step()
    return step


def time_training(rng):
    try:
        import torch  # noqa: F401
        contenders = {"kerasbook": kerasbook_step, "PyTorch": torch_step}
    except ImportError:
        contenders = {"kerasbook": kerasbook_step}
    print("E16 training step, SGD (batch)   " + "   ".join(f"{name:>10}" for name in contenders))
    for batch in (16, 64):
        steps = {name: make(rng, batch) for name, make in contenders.items()}
        best = {name: float("inf") for name in steps}
        for _ in range(3):  # in turns, so a busy neighbour slows both alike
            for name, step in steps.items():
                best[name] = min(best[name], best_of(3, step))
        print(f"samples/s ({batch:2})                   "
              + "   ".join(f"{1000 * batch / best[name]:10.0f}" for name in steps))


def main():
    rng = np.random.default_rng(0)
    time_ops(rng)
    time_embedding_gradient(rng)
    time_training(rng)


if __name__ == "__main__":
    main()
