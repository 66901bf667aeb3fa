r"""A Keras-like model layer, written once on the primitives and run on any backend.

The slides of the Deep Learning Tutorial (``003``, "Keras") write the three steps of
deep learning in Keras: define a set of functions (``Sequential`` and ``add``), the
goodness of a function (``compile``), and pick the best function (``fit``). Their
code runs here unchanged but for the imports; on the 8x8 digits (``input_dim=64``
instead of the slide's 28*28)::

    from reference.data import load_digits
    from reference.keras import Sequential, Dense, Activation, SGD

    (x_train, y_train), (x_test, y_test) = load_digits()

    model = Sequential()
    model.add(Dense(input_dim=64, output_dim=500)); model.add(Activation('sigmoid'))
    model.add(Dense(output_dim=500)); model.add(Activation('sigmoid'))
    model.add(Dense(output_dim=10)); model.add(Activation('softmax'))
    model.compile(loss='mse', optimizer=SGD(lr=0.1), metrics=['accuracy'])
    model.fit(x_train, y_train, batch_size=100, nb_epoch=20)
    score = model.evaluate(x_test, y_test); result = model.predict(x_test)
    print('Total loss on Testing Set:', score[0])
    print('Accuracy of Testing Set:', score[1])

``Sequential(backend="cpu")`` (or ``"cuda"``, or ``SLIDESPEC_BACKEND``) runs the same
model on the fast backends, and ``Sequential(seed=0)`` makes a run reproducible.
Keras 2's spellings work as well: ``Dense(500, activation='sigmoid', input_dim=64)``,
``SGD(learning_rate=0.1)``, ``fit(..., epochs=20)``. The slide "Let's try it" swaps
the optimizer in one line, ``model.compile(loss='categorical_crossentropy',
optimizer=Adam(), metrics=['accuracy'])``, and so can this code.

What is here: :class:`~reference.keras.models.Sequential` (``add``, ``compile``,
``fit`` with callbacks, returning a :class:`~reference.keras.callbacks.History`, ``evaluate``,
``predict``, ``get_weights``/``set_weights``, ``summary``, ``count_params``,
``save``) and :func:`~reference.keras.models.load_model`; the layers
:class:`~reference.keras.layers.core.Dense`, :class:`~reference.keras.layers.core.Activation`
(``'sigmoid'``, ``'relu'``, ``'softmax'``, ``'linear'``, ``'leaky_relu'``, ``'tanh'``),
:class:`~reference.keras.layers.advanced_activations.PReLU`,
:class:`~reference.keras.layers.advanced_activations.LeakyReLU` and
:class:`~reference.keras.layers.core.Maxout` (the protocol a new layer follows:
:mod:`reference.keras.layers.base`);
the optimizers :class:`~reference.keras.optimizers.SGD` (with ``momentum``, ``nesterov``
and ``decay``), :class:`~reference.keras.optimizers.Adagrad`,
:class:`~reference.keras.optimizers.RMSprop`, :class:`~reference.keras.optimizers.Adadelta`,
:class:`~reference.keras.optimizers.Adam` and :class:`~reference.keras.optimizers.Nadam`
(or their names, ``optimizer='adam'``); the losses of :mod:`reference.keras.losses`
(``'mse'``, ``'mae'``, ``'categorical_crossentropy'``, ``'sparse_categorical_crossentropy'``,
``'binary_crossentropy'``); the weight penalties of :mod:`reference.keras.regularizers`
(``Dense(..., kernel_regularizer=l2(0.01))``, Keras 1's ``W_regularizer=``); the metric ``'accuracy'`` (Keras 1's ``'acc'``). :mod:`reference.keras.models` says how ``fit`` maps onto
the primitives and where this model layer differs from Keras.
"""

# Keras 1's module paths: reference.keras.callbacks, .initializers (.initializations), .losses
# (.objectives), .regularizers, .utils (.utils.np_utils), .preprocessing (.sequence, .text), .backend.
from . import (backend, callbacks, initializations, initializers, layers, losses, models, objectives,
               optimizers, preprocessing, regularizers, utils)
from .callbacks import (Callback, CallbackList, EarlyStopping, History, LambdaCallback,
                        LearningRateScheduler, ModelCheckpoint, TerminateOnNaN)
from .layers import ACTIVATION_NAMES, Activation, Dense, Dropout, GaussianNoise, LeakyReLU, Maxout, PReLU, dropout
from .models import LOSS_NAMES, METRIC_NAMES, Sequential, load_model
from .optimizers import OPTIMIZER_NAMES, SGD, Adadelta, Adagrad, Adam, Nadam, RMSprop
from .utils import to_categorical

__all__ = ["Sequential", "History", "load_model", "Dense", "Activation", "PReLU", "LeakyReLU", "Maxout",
           "Dropout", "dropout", "GaussianNoise",
           "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "Nadam",
           "Callback", "CallbackList", "EarlyStopping", "ModelCheckpoint", "LearningRateScheduler",
           "TerminateOnNaN", "LambdaCallback", "to_categorical",
           "ACTIVATION_NAMES", "LOSS_NAMES", "METRIC_NAMES", "OPTIMIZER_NAMES"]
