"""slidespec's reference: the readable specification, in pure NumPy.

One module per lecture topic; every function carries its slide's equation and a
``Concept: <ID>`` tag from the concept catalogue. The same functions, with the same
names and signatures, run fast in ``accelerated.cpu`` and ``accelerated.cuda``;
``accelerated.backend(name)`` picks one.

>>> import numpy as np
>>> from reference import linear_forward
>>> x1 = np.array([[4772.0], [3847.0]])       # views on 2021-02-08 and 2021-02-09
>>> y, _ = linear_forward(x1, np.array([0.97]), 100.0)   # y = 0.1k + 0.97 x1
>>> y.round(2)                                # the next days' predicted views
array([4728.84, 3831.59])
"""

from .activations import (hard_sigmoid_backward, hard_sigmoid_forward, leaky_relu_backward,
                          leaky_relu_forward, maxout_backward, maxout_forward, prelu_backward,
                          prelu_forward, relu_backward, relu_forward, sigmoid_backward,
                          sigmoid_forward, softmax_backward, softmax_forward, tanh_backward,
                          tanh_forward)
from .linear import linear_backward, linear_forward
from .losses import (cross_entropy, loss_surface, mae, mse, sigmoid_cross_entropy,
                     softmax_cross_entropy)
from .network import (ACTIVATIONS, OUTPUTS, dense_backward, dense_forward, mlp_backward,
                      mlp_forward, network_backward, network_forward, neuron_backward,
                      neuron_forward)
from .optimize import MLP_LOSSES, closed_form, gd_step, linear_gd, mlp_epoch, network_epoch
from .optimizers import (SCHEDULES, AdadeltaState, AdagradState, AdamState, MomentumState,
                         RMSpropState, adadelta_init, adadelta_update, adagrad_init, adagrad_update,
                         adam_init, adam_update, clip_global_norm, lr_schedule, momentum_init,
                         momentum_update, nadam_init, nadam_update, rmsprop_init, rmsprop_update,
                         sgd_init, sgd_update)

#: The primitives every backend implements, with these names and signatures.
PRIMITIVES = (
    "sigmoid_forward", "sigmoid_backward", "relu_forward", "relu_backward",
    "hard_sigmoid_forward", "hard_sigmoid_backward",
    "linear_forward", "linear_backward",
    "mse", "mae", "loss_surface",
    "dense_forward", "dense_backward", "network_forward", "network_backward",
    "closed_form", "gd_step", "linear_gd", "network_epoch",
    # lectures 002 and 003 (I-II): classifiers, their activations, SGD
    "tanh_forward", "tanh_backward", "leaky_relu_forward", "leaky_relu_backward",
    "prelu_forward", "prelu_backward", "maxout_forward", "maxout_backward",
    "softmax_forward", "softmax_backward",
    "cross_entropy", "softmax_cross_entropy", "sigmoid_cross_entropy",
    "neuron_forward", "neuron_backward", "mlp_forward", "mlp_backward",
    "sgd_init", "sgd_update", "mlp_epoch",
    # lecture 003 (II): optimizers, learning-rate schedules, gradient clipping
    "momentum_init", "momentum_update", "adagrad_init", "adagrad_update",
    "rmsprop_init", "rmsprop_update", "adadelta_init", "adadelta_update",
    "adam_init", "adam_update", "nadam_init", "nadam_update",
    "lr_schedule", "clip_global_norm",
)

#: The optimizer rules: ``<rule>_init(param)`` and ``<rule>_update(param, grad, state, **hyper)``.
OPTIMIZERS = ("sgd", "momentum", "adagrad", "rmsprop", "adadelta", "adam", "nadam")

__all__ = list(PRIMITIVES) + ["ACTIVATIONS", "OUTPUTS", "MLP_LOSSES", "PRIMITIVES", "OPTIMIZERS",
                              "SCHEDULES", "MomentumState", "AdagradState", "RMSpropState",
                              "AdadeltaState", "AdamState"]
