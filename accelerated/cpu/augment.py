r"""Creating training images on the CPU: :mod:`reference.augment`, compiled with Numba.

What is fused, and why: the reference builds whole ``(N, H, W)`` arrays of positions, of
weights and of the four gathered neighbours (each ``(N, H, W, C)``), a dozen temporaries
the size of the batch. Here one loop per image computes each output pixel's position, its
four neighbours and their weights once and writes every channel's value, reading the
input where it lies and writing the output once. The images are independent, so a batch
of at least :data:`PARALLEL_MIN` output values is shared among the cores (``prange`` over
the images); a smaller one runs on one core. The arithmetic is the reference's, in its
order, in float64, rounded to the dtype once.

The checks, the cosines and sines (exact at the multiples of 90°) are the reference's
(``reference.augment._transform_args``), so the positions are the same numbers.
"""

import numpy as np
from numba import njit, prange

from reference.augment import _transform_args


#: Batches of at least this many output values (N C H W) are shared among the cores; smaller ones
#: run on one core, where waking the threads would cost more than it saves (the 1,347 digits,
#: 86,208 values, take about 2.5 ms on one core).
PARALLEL_MIN = 1 << 18


@njit(cache=True, error_model="numpy")
def _one_image(x, n, co, si, dy, dx, out):
    """``out[n]``: image ``n`` of ``x`` read bilinearly at the rotated and shifted positions."""
    _, C, H, W = x.shape
    cy = (H - 1) / 2.0
    cx = (W - 1) / 2.0
    for i in range(H):
        a = i - cy - dy
        for j in range(W):
            b = j - cx - dx
            r = min(max(cy + a * co + b * si, -1.0), float(H))
            q = min(max(cx + b * co - a * si, -1.0), float(W))
            fr, fq = np.floor(r), np.floor(q)
            fy, fx = r - fr, q - fq
            y0, x0 = int(fr), int(fq)
            w00 = (1.0 - fy) * (1.0 - fx)
            w01 = (1.0 - fy) * fx
            w10 = fy * (1.0 - fx)
            w11 = fy * fx
            in_y0 = 0 <= y0 < H
            in_y1 = 0 <= y0 + 1 < H
            in_x0 = 0 <= x0 < W
            in_x1 = 0 <= x0 + 1 < W
            for c in range(C):
                s = 0.0
                if in_y0 and in_x0:
                    s += w00 * np.float64(x[n, c, y0, x0])
                if in_y0 and in_x1:
                    s += w01 * np.float64(x[n, c, y0, x0 + 1])
                if in_y1 and in_x0:
                    s += w10 * np.float64(x[n, c, y0 + 1, x0])
                if in_y1 and in_x1:
                    s += w11 * np.float64(x[n, c, y0 + 1, x0 + 1])
                out[n, c, i, j] = s


@njit(cache=True, error_model="numpy")
def _transform(x, cos, sin, shifts):
    """Every image in turn, on one core."""
    out = np.empty_like(x)
    for n in range(x.shape[0]):
        _one_image(x, n, cos[n], sin[n], shifts[n, 0], shifts[n, 1], out)
    return out


@njit(cache=True, parallel=True, error_model="numpy")
def _transform_parallel(x, cos, sin, shifts):
    """The images shared among the cores."""
    out = np.empty_like(x)
    for n in prange(x.shape[0]):
        _one_image(x, n, cos[n], sin[n], shifts[n, 0], shifts[n, 1], out)
    return out


def transform_images(x, angles, shifts):
    r"""Rotate each image about its centre, then shift it, sampling bilinearly (zero outside):
    :func:`reference.augment.transform_images`.

    .. math::

        r = c_y + a\cos\theta_n + b\sin\theta_n, \quad
        q = c_x + b\cos\theta_n - a\sin\theta_n, \quad
        a = i - c_y - d_{y,n}, \quad b = j - c_x - d_{x,n}

    Concept: data.augment

    Parameters
    ----------
    x : ndarray (N, C, H, W), float32 or float64, finite
    angles : ndarray (N,) — degrees, counter-clockwise as displayed
    shifts : ndarray (N, 2) — ``(d_y, d_x)`` in pixels, down and right

    Returns
    -------
    out : ndarray (N, C, H, W) of ``x``'s dtype
    """
    x, cos, sin, shifts = _transform_args("transform_images", x, angles, shifts)
    x = np.ascontiguousarray(x)
    kernel = _transform_parallel if x.size >= PARALLEL_MIN else _transform
    return kernel(x, cos, sin, shifts)
