"""The slides' Keras experiments (003, lecture II), small enough to run while the docs build.

The slides train on MNIST (60,000 images of 28×28, hidden layers of 500, batch size 100,
20 epochs). Here: scikit-learn's 8×8 digits (1,347 training images), hidden layers of 64,
batch size 10 (so that an epoch still makes 135 updates), the slide's learning rate 0.1,
10 epochs, on the NumPy reference. Every run is computed once per docs build and shared
by the figures that draw it (the plot directive imports this module from the figures'
folder). The tutorials rerun the same comparisons at larger sizes, on any backend.
"""

from functools import lru_cache

import numpy as np

from reference import mlp_epoch, mlp_forward, softmax_cross_entropy
from reference.data import load_digits, onehot

HIDDEN = 64
BATCH = 10
ETA = 0.1
EPOCHS = 10

#: name -> (activation, hidden layers, loss, batch size); "3 layers" = 2 hidden + the softmax layer.
RUNS = {
    "base": ("sigmoid", 2, "cross_entropy", BATCH),
    "mse": ("sigmoid", 2, "mse", BATCH),
    "no_batch": ("sigmoid", 2, "cross_entropy", None),
    "deep_sigmoid": ("sigmoid", 8, "cross_entropy", BATCH),
    "deep_relu": ("relu", 8, "cross_entropy", BATCH),
}


@lru_cache(maxsize=1)
def digits():
    (x, labels), (x_test, labels_test) = load_digits()
    return x, labels, onehot(labels, 10), x_test, labels_test


def init(sizes, rng, gain=1.0):
    """W ~ N(0, gain / fan-in), b = 0, for mlp_forward's (W1, b1, ..., WL, bL)."""
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params += [rng.normal(0, np.sqrt(gain / fan_in), size=(fan_out, fan_in)), np.zeros(fan_out)]
    return tuple(params)


def accuracy(params, x, labels, activation):
    y, _ = mlp_forward(x, *params, activation=activation, output="softmax")
    return float(np.mean(y.argmax(axis=1) == labels))


@lru_cache(maxsize=None)
def run(name):
    """Train one configuration; per epoch: training loss (cross entropy), training and test accuracy."""
    activation, hidden, loss, batch = RUNS[name]
    x, labels, y_hat, x_test, labels_test = digits()
    rng = np.random.default_rng(0)
    sizes = (64,) + (HIDDEN,) * hidden + (10,)
    params = init(sizes, rng, gain=2.0 if activation == "relu" else 1.0)
    hist = {"loss": [], "accuracy": [], "test_accuracy": []}

    def record(p):
        z, _ = mlp_forward(x, *p, activation=activation, output="linear")
        hist["loss"].append(float(softmax_cross_entropy(z, y_hat)[0]))
        hist["accuracy"].append(accuracy(p, x, labels, activation))
        hist["test_accuracy"].append(accuracy(p, x_test, labels_test, activation))

    record(params)
    for _ in range(EPOCHS):
        params, _ = mlp_epoch(x, y_hat, *params, order=rng.permutation(len(x)),
                              batch_size=batch or len(x), eta=ETA, activation=activation, loss=loss)
        record(params)
    return hist
