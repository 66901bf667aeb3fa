r"""Bounds of the augment family (``reference/augment.py``): images rotated and shifted, sampled bilinearly.

Every backend gets the same cosines, sines and shifts (computed once on the host, in float64),
so the backends differ only in the float64 arithmetic of the sampling position and of the
bilinear sum, and then in the one rounding to the dtype:

* the position :math:`r = c_y + a\cos\theta + b\sin\theta` (and :math:`q`) is two products and
  two sums after :math:`a = (i - c_y) - d_y`: with or without a fused multiply-add it is within
  :math:`\gamma_4 P` of the exact one, :math:`P = |c_y| + |c_x| + |a| + |b|` (float64 ``u``);
* the bilinear interpolant with zero padding is continuous, and along either axis its slope is
  a difference of two pixels, at most :math:`2M` with :math:`M = \max |x|` over the image's
  channel; so a position off by :math:`\delta` moves the value by at most
  :math:`2M(\delta_r + \delta_q)`, even where the floor of the position changes;
* the weights (one subtraction and one product each) and the four-term sum are within
  :math:`\gamma_6 \sum_k w_k |I_k| \le \gamma_6 M`;
* the result is rounded to the dtype once: :math:`u (|\mathrm{out}| + E_{64})`, with
  :math:`|\mathrm{out}|` bounded by the same interpolation of :math:`|x|`.
"""

from __future__ import annotations

import numpy as np

from .core import Approx, gamma, u_of

U64 = 2.0 ** -53


def transform_images(x, angles, shifts):
    """The bound of one output pixel: 2 M (2 gamma_4 P) + gamma_6 M in float64, then one rounding."""
    from reference.augment import transform_images as reference_transform

    x = np.asarray(x)
    dtype = x.dtype
    shifts = np.asarray(shifts, dtype=np.float64)
    N, C, H, W = x.shape
    cy, cx = (H - 1) / 2.0, (W - 1) / 2.0
    a = np.abs(np.arange(H)[None, :, None] - cy - shifts[:, 0, None, None])
    b = np.abs(np.arange(W)[None, None, :] - cx - shifts[:, 1, None, None])
    P = abs(cy) + abs(cx) + a + b                                      # (N, H, W)
    M = np.abs(x.astype(np.float64)).max(axis=(2, 3))[:, :, None, None]  # (N, C, 1, 1)
    e64 = 2.0 * M * (2.0 * gamma(4, U64) * P[:, None]) + gamma(6, U64) * M
    magnitude = reference_transform(np.abs(x.astype(np.float64)), np.asarray(angles, np.float64), shifts)
    v = reference_transform(x.astype(np.float64), np.asarray(angles, np.float64), shifts)
    return Approx(v, e64 + u_of(dtype) * (magnitude + e64), dtype)


#: The tolerance of every primitive of the augment family (reference.FAMILIES['augment']).
TOLERANCES = {
    "transform_images": ("2 (E + u (T|x| + E)), E = 4 M gamma_4 P + gamma_6 M (float64 u), M = max |x| of the "
                         "channel, P = |c_y| + |c_x| + |a| + |b|",
                         "the same cos / sin / shifts everywhere; the float64 position moves a 2M-Lipschitz "
                         "interpolant; a 4-term float64 sum; one rounding to the dtype"),
}
