"""Record what Keras 3 reports for a two-output model compiled with `loss_weights`.

Run it in an environment that has Keras 3 and PyTorch (not kerasbook's own), e.g.

    python -m venv /tmp/kerasref3 && /tmp/kerasref3/bin/pip install keras torch==2.13.0
    /tmp/kerasref3/bin/python tools/record_keras_reference_loss_weights.py

The model is the Keras guide's "auxiliary input and output" model (notebook 5, E20), smaller
(20 words of a 50-word vocabulary, an 8-dimensional embedding, LSTM(4), Dense(6) three times)
so that the file stays small, compiled as the guide's dict form does: rmsprop,
binary_crossentropy for each output, loss_weights {main_output: 1.0, aux_output: 0.2}. (Keras
3.15.1 refuses the guide's first form, one loss string with loss_weights=[1., 0.2]: "`loss_weights`
must match the number of losses, got 1 losses and 2 weights".) From the same starting weights it records `evaluate`,
`test_on_batch`, `train_on_batch` (and the weights after it) and two epochs of `fit`
(shuffle=False), each as Keras names and orders them. Keras reports each output's loss
unweighted and the total as the weighted sum.
tests/test_trainer.py reads tests/data/keras_reference/loss_weights.npz.
"""
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "keras_reference" / "loss_weights.npz"
LOSS_WEIGHTS = [1.0, 0.2]

rng = np.random.default_rng(12)
headline = rng.integers(1, 50, size=(40, 20)).astype("int32")
additional = rng.random((40, 5)).astype("float32")
labels = rng.integers(0, 2, size=(40, 1)).astype("float32")
x, y = [headline, additional], [labels, labels]


def guide_model():
    keras.utils.set_random_seed(3)
    main_input = keras.Input(shape=(20,), dtype="int32", name="main_input")
    lstm_out = keras.layers.LSTM(4)(keras.layers.Embedding(output_dim=8, input_dim=50)(main_input))
    auxiliary_output = keras.layers.Dense(1, activation="sigmoid", name="aux_output")(lstm_out)
    auxiliary_input = keras.Input(shape=(5,), name="aux_input")
    hidden = keras.layers.concatenate([lstm_out, auxiliary_input])
    for _ in range(3):
        hidden = keras.layers.Dense(6, activation="relu")(hidden)
    main_output = keras.layers.Dense(1, activation="sigmoid", name="main_output")(hidden)
    return keras.Model(inputs=[main_input, auxiliary_input], outputs=[main_output, auxiliary_output])


initial = guide_model().get_weights()


def compiled():
    model = guide_model()
    model.set_weights(initial)
    model.compile(optimizer="rmsprop",
                  loss={"main_output": "binary_crossentropy", "aux_output": "binary_crossentropy"},
                  loss_weights={"main_output": LOSS_WEIGHTS[0], "aux_output": LOSS_WEIGHTS[1]})
    return model


record = {f"initial{index}": w for index, w in enumerate(initial)}
record.update(headline=headline, additional=additional, labels=labels)

logs = compiled().evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
record["evaluate.names"] = np.array(list(logs))
record["evaluate"] = np.array(list(logs.values()), dtype="float64")
record["evaluate.list"] = np.array(compiled().evaluate(x, y, batch_size=16, verbose=0), dtype="float64")

first = [headline[:16], additional[:16]], [labels[:16], labels[:16]]
logs = compiled().test_on_batch(*first, return_dict=True)
record["test_on_batch.names"] = np.array(list(logs))
record["test_on_batch"] = np.array(list(logs.values()), dtype="float64")

model = compiled()
logs = model.train_on_batch(*first, return_dict=True)
record["train_on_batch.names"] = np.array(list(logs))
record["train_on_batch"] = np.array(list(logs.values()), dtype="float64")
record.update({f"after_train_on_batch{index}": w for index, w in enumerate(model.get_weights())})

history = compiled().fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
record["fit.names"] = np.array(list(history))
record["fit"] = np.array(list(history.values()), dtype="float64")  # (metric, epoch)

for name in ("evaluate", "test_on_batch", "train_on_batch"):
    values = dict(zip(record[f"{name}.names"], record[name]))
    total = values["main_output_loss"] * LOSS_WEIGHTS[0] + values["aux_output_loss"] * LOSS_WEIGHTS[1]
    print(f"{name:15} {values}  (main + 0.2 * aux = {total:.6f})")
print("fit", dict(zip(record["fit.names"], record["fit"].tolist())))

OUT.parent.mkdir(parents=True, exist_ok=True)
np.savez_compressed(OUT, keras_version=np.array(keras.__version__), torch_version=np.array(torch.__version__),
                    **record)
print(f"wrote {len(record)} arrays to {OUT} (Keras {keras.__version__}, torch {torch.__version__})")
