"""Training and inference speed of the guide's MLPs, beside PyTorch eager on the CPU.

Workloads (issue 2): E13's MLP 20-64-64-10 with SGD(nesterov), and a
784-512-512-10 MLP with RMSprop, both at batch 128. Also prints NumPy's own
float32 matmul rate on the same shapes, the ceiling for this GEMM-bound work.

Run: python benchmarks/mlp.py
"""
import numpy

import kerasbook as keras
from kerasbook.layers import Dense, Dropout
from harness import alternate, matmul_gflops, print_table, torch_or_none

BATCH = 128


def kerasbook_model(sizes, dropout, optimizer):
    layers = []
    for index, units in enumerate(sizes[1:-1]):
        layers.append(Dense(units, activation="relu", input_dim=sizes[0]) if index == 0 else
                      Dense(units, activation="relu"))
        if dropout:
            layers.append(Dropout(dropout))
    layers.append(Dense(sizes[-1], activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer=optimizer, loss="categorical_crossentropy")
    return model


def torch_model(torch, sizes, dropout, optimizer_name):
    nn = torch.nn
    layers = []
    for fan_in, fan_out in zip(sizes[:-2], sizes[1:-1]):
        layers += [nn.Linear(fan_in, fan_out), nn.ReLU()] + ([nn.Dropout(dropout)] if dropout else [])
    layers.append(nn.Linear(sizes[-2], sizes[-1]))
    model = nn.Sequential(*layers)
    if optimizer_name == "sgd":
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True)
    else:
        optimizer = torch.optim.RMSprop(model.parameters(), lr=0.001, alpha=0.9, eps=1e-7)
    return model, optimizer


def workload(name, sizes, dropout, optimizer, steps):
    keras.utils.set_random_seed(0)
    n = BATCH * steps
    x = numpy.random.rand(n, sizes[0]).astype("float32")
    labels = numpy.random.randint(sizes[-1], size=n)
    y = keras.utils.to_categorical(labels, sizes[-1])
    model = kerasbook_model(sizes, dropout, optimizer)
    contenders_train = {"kerasbook": lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0, shuffle=False)}
    contenders_infer = {"kerasbook": lambda: model.predict(x, batch_size=BATCH, verbose=0)}
    torch = torch_or_none()
    if torch is not None:
        torch_net, torch_optimizer = torch_model(torch, sizes, dropout, optimizer)
        tx, ty = torch.from_numpy(x), torch.from_numpy(labels)
        loss_fn = torch.nn.CrossEntropyLoss()

        def torch_train():
            torch_net.train()
            for start in range(0, n, BATCH):
                torch_optimizer.zero_grad()
                loss = loss_fn(torch_net(tx[start:start + BATCH]), ty[start:start + BATCH])
                loss.backward()
                torch_optimizer.step()

        def torch_infer():
            torch_net.eval()
            with torch.no_grad():
                for start in range(0, n, BATCH):
                    torch.softmax(torch_net(tx[start:start + BATCH]), dim=-1)

        contenders_train["pytorch"] = torch_train
        contenders_infer["pytorch"] = torch_infer
    train = alternate(contenders_train, n)
    infer = alternate(contenders_infer, n)
    rows = []
    for phase, rates in (("train", train), ("inference", infer)):
        ratio = f"{rates['kerasbook'] / rates['pytorch']:.2f}" if "pytorch" in rates else "-"
        rows.append((name, phase, f"{rates['kerasbook']:,.0f}",
                     f"{rates['pytorch']:,.0f}" if "pytorch" in rates else "not installed", ratio))
    return rows


def main():
    rows = workload("E13 MLP 20-64-64-10, SGD nesterov", [20, 64, 64, 10], 0.5, "sgd", steps=100)
    rows += workload("MLP 784-512-512-10, RMSprop", [784, 512, 512, 10], 0.0, "rmsprop", steps=40)
    print_table(rows, ["workload (batch 128)", "phase", "kerasbook samples/s", "PyTorch samples/s",
                       "kerasbook / PyTorch"])
    print()
    print("NumPy float32 matmul on the MLP shapes (GFLOP/s): "
          f"(128x784)@(784x512): {matmul_gflops(128, 784, 512):.0f}, "
          f"(128x512)@(512x512): {matmul_gflops(128, 512, 512):.0f}, "
          f"1024^3: {matmul_gflops(1024, 1024, 1024):.0f}")


if __name__ == "__main__":
    main()
