r"""The intuitive derivative :math:`\Delta l / \Delta w`, used to check backpropagation.

``003`` ("Vanishing Gradient Problem") explains the gradient as: nudge a weight by
:math:`\Delta w`, watch the loss move by :math:`\Delta l`. The central difference
below is that idea made accurate enough to check every backward pass in this
project against its forward pass. It calls the function it is given, so it works
with every backend and needs no accelerated twin.
"""

import numpy as np


def numeric_gradient(f, theta, h=1e-6):
    r"""Central-difference gradient of a scalar function.

    .. math::

        \frac{\partial l}{\partial \theta_k} \approx
        \frac{l(\theta + h\,\mathbf{e}_k) - l(\theta - h\,\mathbf{e}_k)}{2h}

    The error of the central difference is :math:`O(h^2)` from the curvature plus
    :math:`O(\epsilon\,|l| / h)` from rounding the two values of :math:`l`; with
    float64 and ``h = 1e-6`` that is about :math:`10^{-9}`–:math:`10^{-8}` relative
    for the smooth functions of this project (a network with an MSE loss measures
    about 7e-9), so a test can ask for 1e-7. Use float64: in float32 the rounding
    term alone is near :math:`10^{-2}`.

    Concept: backprop.numeric


    Slides: 003 "Vanishing Gradient Problem"
    (:math:`\partial l/\partial w \approx \Delta l/\Delta w`).

    Parameters
    ----------
    f : callable taking an array of ``theta``'s shape and returning a scalar
    theta : ndarray, any shape, float64 (a copy is perturbed; ``theta`` is not changed)
    h : float > 0 — the step

    Returns
    -------
    g : ndarray, ``theta``'s shape — the estimate of :math:`\nabla l(\theta)`
    """
    theta = np.array(theta, dtype=np.float64, order="C")  # a C-ordered copy: the caller's array stays untouched
    if not (np.isfinite(h) and h > 0):
        raise ValueError(f"numeric_gradient: h must be a positive number; got {h!r}")
    g = np.empty_like(theta)
    flat, g_flat = theta.reshape(-1), g.reshape(-1)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + h
        l_plus = float(f(theta))
        flat[k] = old - h
        l_minus = float(f(theta))
        flat[k] = old
        g_flat[k] = (l_plus - l_minus) / (2 * h)
    return g
