r"""Optimizers of :meth:`reference.keras.models.Sequential.compile`: Keras's names, slidespec's update rules.

An optimizer object is a name and its hyperparameters, nothing else: ``Adam()``
says "update every parameter with :func:`~reference.optimizers.adam_update`,
:math:`\alpha = 0.001`, :math:`\beta_1 = 0.9`, ...". The update itself is the
backend's primitive ``B.<rule>_update(param, grad, state, eta=..., ...)``, and the
state it needs (a velocity, running means, a step count) belongs to the model being
trained: one state per parameter array, kept by the model from one ``fit`` to the
next and written by :meth:`~reference.keras.models.Sequential.save`. So one optimizer object
may be given to several models, and ``compile`` always starts from a fresh state.

Each maps to one rule of :mod:`reference.optimizers` (Keras 1's defaults, the slides' Keras):

* ``SGD(lr=0.01)``: :func:`~reference.optimizers.sgd_update`; with ``momentum`` > 0,
  :func:`~reference.optimizers.momentum_update` (``nesterov`` as given);
* ``Adagrad(lr=0.01, epsilon=1e-8)``: :func:`~reference.optimizers.adagrad_update` (``eps=epsilon``);
* ``RMSprop(lr=0.001, rho=0.9, epsilon=1e-8)``: :func:`~reference.optimizers.rmsprop_update`
  (``alpha=rho``);
* ``Adadelta(lr=1.0, rho=0.95, epsilon=1e-8)``: :func:`~reference.optimizers.adadelta_update`;
* ``Adam(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8)``: :func:`~reference.optimizers.adam_update`
  (``beta1=beta_1``, ``beta2=beta_2``);
* ``Nadam(lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-8)``: :func:`~reference.optimizers.nadam_update`.

The learning rate is the rule's ``eta``, and each rule's ``weight_decay`` stays 0.

Every optimizer but ``Nadam`` also takes Keras 1's ``decay`` :math:`d \ge 0`: the
learning rate of the :math:`k`-th update (:math:`k = 0, 1, \dots`, counted over the
model's whole training since ``compile``) is then
:math:`\eta_k = \eta / (1 + d\,k)`, the ``inverse_time`` schedule of
:func:`~reference.optimizers.lr_schedule`.

Every optimizer takes the learning rate as Keras 1's ``lr=`` (the slides' spelling)
or Keras 2's ``learning_rate=`` (or as the first positional argument); the other
arguments are keywords. Bad values are refused at once, with the class and the
argument named: ``Adam(beta_1=1)`` is
``ValueError: Adam: beta_1 must be a number in [0, 1); got 1``.
"""

from __future__ import annotations

from .. import _check

#: The optimizer names ``compile(optimizer=...)`` accepts as a string (in any case), Keras's names.
OPTIMIZER_NAMES = ("sgd", "adagrad", "rmsprop", "adadelta", "adam", "nadam")


class Optimizer:
    r"""What every optimizer shares: the learning rate :math:`\eta`, its ``decay``, the config.

    Not used directly: pick one of :class:`SGD`, :class:`Adagrad`, :class:`RMSprop`,
    :class:`Adadelta`, :class:`Adam`, :class:`Nadam`.

    Concept: optim.sgd, lr.schedule

    Slides: 003 "Keras" (Step 3.1: Configuration, ``optimizer=...``); 003 "Learning Rates".

    Attributes
    ----------
    learning_rate : float — :math:`\eta` (also readable as ``lr``, Keras 1's name)
    decay : float — :math:`d` of the schedule :math:`\eta / (1 + d\,k)`
    name : str — the name ``compile`` accepts for this optimizer (``"adam"``, ...)
    rule : str — the rule of :mod:`reference.optimizers` it runs (``"adam"``, ...)
    """

    #: The lowercase name ``compile(optimizer=...)`` accepts (an entry of :data:`OPTIMIZER_NAMES`).
    name = ""
    #: The learning rate when none is given (Keras's default).
    default_learning_rate = 0.01

    def __init__(self, learning_rate=None, lr=None, decay=0.0):
        where = type(self).__name__
        if learning_rate is not None and lr is not None:
            raise TypeError(f"{where}: give learning_rate (Keras 2) or lr (Keras 1), not both; got "
                            f"learning_rate={learning_rate!r}, lr={lr!r}")
        arg = "lr" if lr is not None else "learning_rate"
        value = lr if lr is not None else learning_rate
        self._learning_rate = (self.default_learning_rate if value is None
                               else _check.positive(where, arg, value))
        self.decay = _check.nonnegative(where, "decay", decay)

    @property
    def learning_rate(self):
        r""":math:`\eta`. Settable (a positive number), also while ``fit`` runs: each epoch reads it at its start,
        which is how :class:`~reference.keras.callbacks.LearningRateScheduler` works."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = _check.positive(f"{type(self).__name__}.learning_rate", "learning_rate", value)

    @property
    def lr(self):
        """Keras 1's name for ``learning_rate`` (settable too)."""
        return self._learning_rate

    @lr.setter
    def lr(self, value):
        self._learning_rate = _check.positive(f"{type(self).__name__}.lr", "lr", value)

    @property
    def rule(self):
        """The rule of :mod:`reference.optimizers` this optimizer runs: ``B.<rule>_update``."""
        return self.name

    def _hyper(self):
        """The rule's keyword arguments other than ``eta`` (the rule's names)."""
        return {}

    def _settings(self):
        """The constructor's arguments other than the learning rate, in order (Keras's names)."""
        return {"decay": self.decay}

    def get_config(self):
        """The optimizer as plain data: ``{"name": ..., "learning_rate": ..., ...}`` (JSON-ready).

        ``type(opt).from_config(opt.get_config())`` gives an equal optimizer; so does
        ``compile(optimizer=...)`` of the model :func:`~reference.keras.models.load_model` reads.
        """
        return {"name": self.name, "learning_rate": self.learning_rate, **self._settings()}

    @classmethod
    def from_config(cls, config):
        """The optimizer :meth:`get_config` described (the ``name`` entry, if there, must be this class's).

        Raises
        ------
        ValueError
            If ``config`` is not a dict, or names another optimizer.
        TypeError, ValueError
            For an argument the class does not take, or a bad value (as the constructor).
        """
        if not isinstance(config, dict):
            raise ValueError(f"{cls.__name__}.from_config: config must be a dict from get_config(); "
                             f"got {type(config).__name__}")
        config = dict(config)
        name = config.pop("name", cls.name)
        if name != cls.name:
            raise ValueError(f"{cls.__name__}.from_config: the config is of optimizer {name!r}, not {cls.name!r}")
        return cls(**config)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in {"learning_rate": self.learning_rate, **self._settings()}.items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    r"""Stochastic gradient descent: plain, with momentum, or with Nesterov's momentum.

    .. math::

        w \leftarrow w - \eta\, \partial L / \partial w
        \qquad\text{or, with momentum } \lambda > 0:\qquad
        v \leftarrow \lambda v - \eta\, \partial L / \partial w, \quad w \leftarrow w + v

    ``SGD(lr=0.1)`` is the slide's (Keras 1) spelling; ``SGD(learning_rate=0.1)`` is
    Keras 2's. With ``momentum=0`` (the default) each update is
    :func:`~reference.optimizers.sgd_update`; with ``momentum`` > 0 it is
    :func:`~reference.optimizers.momentum_update` (``nesterov=True``: Nesterov's
    form). Plain SGD without decay is the one optimizer that ``fit``'s fused fast path
    (one ``mlp_epoch`` per epoch) can run.

    Concept: optim.sgd, optim.momentum, gd.step, lr.schedule

    Slides: 003 "Keras" (Step 3.1: Configuration, ``optimizer=SGD(lr=0.1)``); 003 "Momentum".

    Parameters
    ----------
    learning_rate : float > 0 — :math:`\eta` (default 0.01, Keras's)
    lr : float > 0 — the same, Keras 1's name (give one of the two)
    momentum : float in [0, 1) — :math:`\lambda` (default 0)
    nesterov : bool — Nesterov's momentum (default False)
    decay : float >= 0 — the learning rate of the :math:`k`-th update is :math:`\eta / (1 + d\,k)` (default 0)
    """

    name = "sgd"
    default_learning_rate = 0.01

    def __init__(self, learning_rate=None, *, lr=None, momentum=0.0, nesterov=False, decay=0.0):
        super().__init__(learning_rate, lr, decay)
        self.momentum = _check.fraction("SGD", "momentum", momentum)
        self.nesterov = _check.flag("SGD", "nesterov", nesterov)

    @property
    def rule(self):
        """``"momentum"`` when ``momentum`` > 0, else ``"sgd"``."""
        return "momentum" if self.momentum > 0 else "sgd"

    def _hyper(self):
        return {"momentum": self.momentum, "nesterov": self.nesterov} if self.momentum > 0 else {}

    def _settings(self):
        return {"momentum": self.momentum, "nesterov": self.nesterov, "decay": self.decay}


class Adagrad(Optimizer):
    r"""Adagrad: each parameter's learning rate divided by the root of the sum of its squared gradients.

    .. math::

        w \leftarrow w - \frac{\eta}{\sqrt{\sum_{i=0}^{t} (g^i)^2} + \epsilon}\, g^t

    Runs :func:`~reference.optimizers.adagrad_update` with ``eps=epsilon``.
    ``epsilon=0`` is the slide's form exactly (Keras insists on :math:`\epsilon > 0`;
    slidespec's rule handles the 0/0 of a parameter that never had a gradient).

    Concept: optim.adagrad

    Slides: 003 "Adagrad".

    Parameters
    ----------
    learning_rate, lr : float > 0 — :math:`\eta` (default 0.01); give one of the two
    epsilon : float >= 0 — :math:`\epsilon` (default 1e-8)
    decay : float >= 0 — as for :class:`SGD`
    """

    name = "adagrad"
    default_learning_rate = 0.01

    def __init__(self, learning_rate=None, *, lr=None, epsilon=1e-8, decay=0.0):
        super().__init__(learning_rate, lr, decay)
        self.epsilon = _check.nonnegative("Adagrad", "epsilon", epsilon)

    def _hyper(self):
        return {"eps": self.epsilon}

    def _settings(self):
        return {"epsilon": self.epsilon, "decay": self.decay}


class RMSprop(Optimizer):
    r"""RMSprop: the learning rate divided by a decaying root mean square of the gradients.

    .. math::

        (\sigma^t)^2 = \rho\,(\sigma^{t-1})^2 + (1 - \rho)\,(g^t)^2, \qquad
        w \leftarrow w - \frac{\eta}{\sigma^t + \epsilon}\, g^t

    Runs :func:`~reference.optimizers.rmsprop_update` with ``alpha=rho``,
    ``eps=epsilon`` (the slide calls :math:`\rho` :math:`\alpha`).

    Concept: optim.rmsprop

    Slides: 003 "Not the whole story ....." (RMSprop).

    Parameters
    ----------
    learning_rate, lr : float > 0 — :math:`\eta` (default 0.001); give one of the two
    rho : float in [0, 1) — the decay of the mean square (default 0.9)
    epsilon : float > 0 — (default 1e-8)
    decay : float >= 0 — as for :class:`SGD`
    """

    name = "rmsprop"
    default_learning_rate = 0.001

    def __init__(self, learning_rate=None, *, lr=None, rho=0.9, epsilon=1e-8, decay=0.0):
        super().__init__(learning_rate, lr, decay)
        self.rho = _check.fraction("RMSprop", "rho", rho)
        self.epsilon = _check.positive("RMSprop", "epsilon", epsilon)

    def _hyper(self):
        return {"alpha": self.rho, "eps": self.epsilon}

    def _settings(self):
        return {"rho": self.rho, "epsilon": self.epsilon, "decay": self.decay}


class Adadelta(Optimizer):
    r"""Adadelta: steps scaled by the root mean square of the recent steps over that of the gradients.

    .. math::

        \Delta w = -\frac{\sqrt{E[\Delta w^2] + \epsilon}}{\sqrt{E[g^2] + \epsilon}}\; g,
        \qquad w \leftarrow w + \eta\, \Delta w

    Runs :func:`~reference.optimizers.adadelta_update` with ``rho=rho``,
    ``eps=epsilon``. Keras's defaults: :math:`\eta = 1` (the paper's rule, which has no
    learning rate), :math:`\rho = 0.95`, :math:`\epsilon = 10^{-8}` (the paper's is
    :math:`10^{-6}`, the rule's own default).

    Concept: optim.adadelta

    Slides: 003 "Not the whole story ....." (Adadelta).

    Parameters
    ----------
    learning_rate, lr : float > 0 — :math:`\eta` (default 1.0); give one of the two
    rho : float in [0, 1) — the decay of both averages (default 0.95)
    epsilon : float > 0 — (default 1e-8)
    decay : float >= 0 — as for :class:`SGD`
    """

    name = "adadelta"
    default_learning_rate = 1.0

    def __init__(self, learning_rate=None, *, lr=None, rho=0.95, epsilon=1e-8, decay=0.0):
        super().__init__(learning_rate, lr, decay)
        self.rho = _check.fraction("Adadelta", "rho", rho)
        self.epsilon = _check.positive("Adadelta", "epsilon", epsilon)

    def _hyper(self):
        return {"rho": self.rho, "eps": self.epsilon}

    def _settings(self):
        return {"rho": self.rho, "epsilon": self.epsilon, "decay": self.decay}


class _Moments(Optimizer):
    """Adam's and Nadam's shared arguments: ``beta_1``, ``beta_2``, ``epsilon``."""

    def __init__(self, learning_rate, lr, beta_1, beta_2, epsilon, decay):
        super().__init__(learning_rate, lr, decay)
        self.beta_1 = _check.fraction(type(self).__name__, "beta_1", beta_1)
        self.beta_2 = _check.fraction(type(self).__name__, "beta_2", beta_2)
        self.epsilon = _check.positive(type(self).__name__, "epsilon", epsilon)

    def _hyper(self):
        return {"beta1": self.beta_1, "beta2": self.beta_2, "eps": self.epsilon}


class Adam(_Moments):
    r"""Adam: momentum and RMSprop together, with bias correction (Kingma and Ba, Algorithm 1).

    .. math::

        m \leftarrow \beta_1 m + (1 - \beta_1) g, \quad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2, \quad
        \theta \leftarrow \theta - \eta\, \frac{m / (1 - \beta_1^t)}{\sqrt{v / (1 - \beta_2^t)} + \epsilon}

    Runs :func:`~reference.optimizers.adam_update` with ``beta1=beta_1``,
    ``beta2=beta_2``, ``eps=epsilon``: the paper's algorithm, line for line. Keras
    adds :math:`\epsilon` to :math:`\sqrt{v}` before the bias correction instead of
    after it; the two differ only while :math:`\sqrt{v}` is as small as
    :math:`\epsilon`.

    Concept: optim.adam

    Slides: 003 "Adam"; 003 "Let's try it" (``optimizer=Adam()``: original 0.96, Adam 0.97).

    Parameters
    ----------
    learning_rate, lr : float > 0 — :math:`\eta`, the paper's :math:`\alpha` (default 0.001); give one of the two
    beta_1, beta_2 : float in [0, 1) — (defaults 0.9, 0.999)
    epsilon : float > 0 — (default 1e-8)
    decay : float >= 0 — as for :class:`SGD`
    """

    name = "adam"
    default_learning_rate = 0.001

    def __init__(self, learning_rate=None, *, lr=None, beta_1=0.9, beta_2=0.999, epsilon=1e-8, decay=0.0):
        super().__init__(learning_rate, lr, beta_1, beta_2, epsilon, decay)

    def _settings(self):
        return {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon, "decay": self.decay}


class Nadam(_Moments):
    r"""Nadam: Adam whose momentum looks one step ahead, as Nesterov's does (Dozat 2016).

    .. math::

        \hat m = \frac{\beta_1 m_t}{1 - \beta_1^{t+1}} + \frac{(1 - \beta_1)\, g_t}{1 - \beta_1^t}, \qquad
        \theta \leftarrow \theta - \eta\, \frac{\hat m}{\sqrt{v_t / (1 - \beta_2^t)} + \epsilon}

    Runs :func:`~reference.optimizers.nadam_update` with ``beta1=beta_1``,
    ``beta2=beta_2``, ``eps=epsilon``. The rule keeps :math:`\beta_1` constant. Keras's
    ``Nadam`` also warms :math:`\beta_1` up over the first few thousand updates (its
    ``schedule_decay=0.004``); that momentum schedule is left out here, so slidespec's
    ``Nadam()`` is Keras's ``Nadam(schedule_decay=0)``, and it takes no ``decay``.

    Concept: optim.nadam

    Slides: 003 "Not the whole story ....." (Nadam).

    Parameters
    ----------
    learning_rate, lr : float > 0 — :math:`\eta` (default 0.002); give one of the two
    beta_1, beta_2 : float in [0, 1) — (defaults 0.9, 0.999)
    epsilon : float > 0 — (default 1e-8)
    """

    name = "nadam"
    default_learning_rate = 0.002

    def __init__(self, learning_rate=None, *, lr=None, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        super().__init__(learning_rate, lr, beta_1, beta_2, epsilon, 0.0)

    def _settings(self):
        return {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


#: The optimizer classes by their name in :data:`OPTIMIZER_NAMES`.
_CLASSES = {cls.name: cls for cls in (SGD, Adagrad, RMSprop, Adadelta, Adam, Nadam)}


def _valid():
    return ", ".join(repr(o) for o in OPTIMIZER_NAMES)


def _get(value, where="Sequential.compile"):
    """An optimizer from ``compile``'s argument: an optimizer object, or a name of :data:`OPTIMIZER_NAMES`
    (any case; the optimizer with Keras's defaults)."""
    if isinstance(value, Optimizer) and type(value) in _CLASSES.values():
        return value
    if isinstance(value, type) and issubclass(value, Optimizer):
        raise TypeError(f"{where}: optimizer must be an optimizer object such as {value.__name__}(); got the "
                        f"class {value.__name__} itself (call it: optimizer={value.__name__}())")
    if isinstance(value, str):
        cls = _CLASSES.get(value.lower())
        if cls is not None:
            return cls()
        raise ValueError(f"{where}: optimizer must be an optimizer such as SGD(lr=0.1) or one of {_valid()}; "
                         f"got {value!r}")
    raise TypeError(f"{where}: optimizer must be an optimizer such as SGD(lr=0.1) or one of {_valid()}; "
                    f"got {type(value).__name__}")


def _from_config(config):
    """The optimizer a :meth:`Optimizer.get_config` described (any of the classes, by its ``name``)."""
    cls = _CLASSES.get(config.get("name")) if isinstance(config, dict) else None
    if cls is None:
        raise ValueError(f"unknown optimizer config {config!r} (its name must be one of {_valid()})")
    return cls.from_config(config)


__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adadelta", "Adam", "Nadam", "OPTIMIZER_NAMES"]
