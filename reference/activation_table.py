r"""The activation table: every activation a layer takes, by name and by kernel code.

One definition, imported by the reference networks, the model layer and both
accelerated backends, so that a name, its integer code and the leaky ReLU's slope
cannot drift apart between them.

* **Names** are what a user writes: ``dense_forward(x, W, b, activation="relu")``.
  :data:`ACTIVATIONS` are the hidden layers' activations, :data:`OUTPUTS` the output
  layer's (:func:`~reference.network.mlp_forward`).
* **Codes** are what the compiled kernels take instead of a string (Numba and
  numba-cuda compare integers, not text). A kernel tests ``kind == RELU`` with the
  named constant: Numba freezes a module-level integer into the compiled code as a
  constant, so the name costs nothing at run time.
* :data:`LEAKY_RELU_ALPHA` is the slope of the leaky ReLU for :math:`z \le 0` wherever
  the activation is chosen by name (a dense layer, a network, a Keras ``Activation``),
  and the default ``alpha`` of ``leaky_relu_forward``.

Because the compiled kernels hold these values as constants, and Numba's on-disk
cache (``cache=True``) checks only the kernel's own source file, a change to a value
here also needs the cache cleared (delete the ``__pycache__`` folders of
``accelerated/``).

>>> from reference.activation_table import ACT_CODE, RELU, LEAKY_RELU_ALPHA
>>> ACT_CODE["relu"] == RELU
True
>>> LEAKY_RELU_ALPHA
0.01

Slides: 003 "ReLU - variant" (the leaky ReLU's :math:`a = 0.01 z` for :math:`z \le 0`).
"""

#: The kernel codes of the elementwise activations.
SIGMOID, RELU, HARD_SIGMOID, LINEAR, LEAKY_RELU, TANH = 0, 1, 2, 3, 4, 5
#: The code of the row-wise softmax: an output layer only, never an elementwise ``act`` kind.
SOFTMAX = 6

#: Hidden-layer activation name -> kernel code.
ACT_CODE = {
    "sigmoid": SIGMOID,
    "relu": RELU,
    "hard_sigmoid": HARD_SIGMOID,
    "linear": LINEAR,              # the identity
    "leaky_relu": LEAKY_RELU,      # slope LEAKY_RELU_ALPHA for z <= 0
    "tanh": TANH,
}
#: Output-layer activation name -> kernel code.
OUTPUT_CODE = {
    "softmax": SOFTMAX,
    "sigmoid": SIGMOID,
    "linear": LINEAR,
}

#: The activation names that the dense layers, the networks and their training epochs accept.
ACTIVATIONS = tuple(ACT_CODE)
#: The output-layer activations :func:`~reference.network.mlp_forward` accepts.
OUTPUTS = tuple(OUTPUT_CODE)

#: The codes whose backward pass is written with the forward's *output* :math:`a`
#: (:math:`\sigma' = a(1 - a)`, :math:`\tanh' = 1 - a^2`), as the reference's caches
#: keep it; the others keep the pre-activation :math:`z`.
CACHES_OUTPUT = (SIGMOID, TANH)

#: The leaky ReLU's slope for :math:`z \le 0`: the slide's 0.01 (003 "ReLU - variant").
LEAKY_RELU_ALPHA = 0.01

__all__ = ["SIGMOID", "RELU", "HARD_SIGMOID", "LINEAR", "LEAKY_RELU", "TANH", "SOFTMAX",
           "ACT_CODE", "OUTPUT_CODE", "ACTIVATIONS", "OUTPUTS", "CACHES_OUTPUT", "LEAKY_RELU_ALPHA"]
