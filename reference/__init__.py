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

from ._families import export_families
from .network import ACTIVATIONS, OUTPUTS
from .optimize import MLP_LOSSES
from .data.noise import annealed_dropout_rate
from .regularize import dropout_mask
from .optimizers import (SCHEDULES, AdadeltaState, AdagradState, AdamState, MomentumState,
                         RMSpropState)

#: The primitives every backend implements, with these names and signatures, by lecture family:
#: family -> the primitives that ``reference/<family>.py``, ``accelerated/cpu/<family>.py`` and
#: ``accelerated/cuda/<family>.py`` each define. The one list of them: the packages' exports,
#: the completeness test, the tolerance registry and the docs' twin tables are derived from it.
#: A new primitive is one name here (and its definition in each backend's family module); a new
#: family, one entry here (and its module in each backend, and in ``spec_tests/tolerance/``).
FAMILIES = {
    "activations": ("sigmoid_forward", "sigmoid_backward", "relu_forward", "relu_backward",
                    "hard_sigmoid_forward", "hard_sigmoid_backward", "tanh_forward", "tanh_backward",
                    "leaky_relu_forward", "leaky_relu_backward", "prelu_forward", "prelu_backward",
                    "maxout_forward", "maxout_backward", "softmax_forward", "softmax_backward"),
    "linear": ("linear_forward", "linear_backward"),
    "losses": ("mse", "mae", "loss_surface", "cross_entropy", "softmax_cross_entropy",
               "sigmoid_cross_entropy"),
    "network": ("dense_forward", "dense_backward", "network_forward", "network_backward",
                "neuron_forward", "neuron_backward", "mlp_forward", "mlp_backward"),
    "optimize": ("closed_form", "gd_step", "linear_gd", "network_epoch", "mlp_epoch"),
    "optimizers": ("sgd_init", "sgd_update", "momentum_init", "momentum_update",
                   "adagrad_init", "adagrad_update", "rmsprop_init", "rmsprop_update",
                   "adadelta_init", "adadelta_update", "adam_init", "adam_update",
                   "nadam_init", "nadam_update", "lr_schedule", "clip_global_norm"),
    "polynomial": ("polynomial_forward", "polynomial_backward"),
    "regularize": ("dropout_forward", "dropout_backward", "l2_penalty", "l1_penalty",
                   "dropconnect_forward", "dropconnect_backward", "standout_forward", "standout_backward"),
    "augment": ("transform_images",),
}

#: Every primitive in one tuple (the names of :data:`FAMILIES`, family by family).
PRIMITIVES = tuple(name for names in FAMILIES.values() for name in names)

#: The optimizer rules: ``<rule>_init(param)`` and ``<rule>_update(param, grad, state, **hyper)``.
OPTIMIZERS = ("sgd", "momentum", "adagrad", "rmsprop", "adadelta", "adam", "nadam")

__all__ = export_families(globals(), "reference", FAMILIES) + [
    "ACTIVATIONS", "OUTPUTS", "MLP_LOSSES", "FAMILIES", "PRIMITIVES", "OPTIMIZERS", "SCHEDULES",
    "MomentumState", "AdagradState", "RMSpropState", "AdadeltaState", "AdamState", "dropout_mask",
    "annealed_dropout_rate"]
