r"""Creating training images on the CPU: :mod:`reference.augment`, compiled with Numba.

What is fused, and why: the reference builds whole ``(N, H, W)`` arrays of positions, of
weights and of the four gathered neighbours (each ``(N, H, W, C)``), a dozen temporaries
the size of the batch. Here one loop per image computes each output pixel's position, its
four neighbours and their weights once and writes every channel's value, reading the
input where it lies and writing the output once. The images are independent, so they are
shared among the cores (``prange`` over the images); the arithmetic is the reference's,
in its order, in float64, rounded to the dtype once.

The checks, the cosines and sines (exact at the multiples of 90°) are the reference's
(:func:`reference.augment._transform_args`), so the positions are the same numbers.
"""

import numpy as np
from numba import njit, prange

from reference.augment import _transform_args


@njit(cache=True, parallel=True, error_model="numpy")
def _transform(x, cos, sin, shifts):
    """``out[n, c, i, j]``: the input of image ``n`` read bilinearly at the rotated and shifted position."""
    N, C, H, W = x.shape
    out = np.empty_like(x)
    cy = (H - 1) / 2.0
    cx = (W - 1) / 2.0
    for n in prange(N):
        co, si = cos[n], sin[n]
        dy, dx = shifts[n, 0], shifts[n, 1]
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
    return _transform(np.ascontiguousarray(x), cos, sin, shifts)
