r"""Creating more training data: images shifted and rotated, sampled bilinearly.

``003`` "Panacea for Overfitting": the surest cure for overfitting is more training data,
and where none can be collected it can be *created*: the slide turns each handwritten
digit into new ones by shifting it and rotating it by 15°. :func:`transform_images` does
that to a batch of images, each with its own angle and shift, given as data, so that every
backend produces the same images from the same draw (the draw itself,
:func:`reference.data.noise.random_transforms`, is made on the host, like the noise that
:func:`~reference.data.noise.add_gaussian_noise` adds to test inputs).

The geometry, for an image of ``H`` rows and ``W`` columns with its centre at
:math:`(c_y, c_x) = ((H-1)/2, (W-1)/2)`: the image is first rotated about its centre by
:math:`\theta` degrees, counter-clockwise as the image is displayed (row 0 at the top; at
:math:`\theta = 90°` this is ``numpy.rot90``), then moved down by :math:`d_y` and right by
:math:`d_x` pixels (an integer shift is ``numpy.roll`` with the wrapped pixels set to 0).
Each output pixel :math:`(i, j)` looks back to where it came from,

.. math::

    a = i - c_y - d_y, \qquad b = j - c_x - d_x, \qquad
    r = c_y + a\cos\theta + b\sin\theta, \qquad q = c_x + b\cos\theta - a\sin\theta,

and reads the input at the real position :math:`(r, q)` by bilinear interpolation of its
four neighbouring pixels, where a pixel outside the image counts as 0.
"""

import numpy as np

from . import _check


def _finite(fn, name, value):
    """Raise unless every entry of the checked float array ``value`` is finite (a device array is
    brought to the host for the check, so the message is the same on every backend); return the
    host array."""
    host = value.copy_to_host() if _check._is_device_array(value) else np.asarray(value)
    bad = ~np.isfinite(host)
    if np.any(bad):
        where = np.unravel_index(np.argmax(bad), host.shape)
        raise ValueError(f"{fn}: {name} must be finite; got {float(host[where])!r} at index "
                         f"{tuple(int(k) for k in where)}")
    return host


def _cos_sin_degrees(angles):
    """cos and sin of angles in degrees, in float64; exactly 0 and +-1 at the multiples of 90°
    (so that a quarter turn moves whole pixels, as ``numpy.rot90`` does)."""
    angles = np.asarray(angles, dtype=np.float64)
    theta = np.deg2rad(angles)
    cos, sin = np.cos(theta), np.sin(theta)
    quarter = np.mod(angles, 90.0) == 0.0
    k = np.mod(np.round(angles / 90.0), 4.0).astype(np.int64)
    cos = np.where(quarter, np.array([1.0, 0.0, -1.0, 0.0])[k], cos)
    sin = np.where(quarter, np.array([0.0, 1.0, 0.0, -1.0])[k], sin)
    return cos, sin


def _transform_args(fn, x, angles, shifts):
    """Check the arguments of :func:`transform_images` (every backend calls this, so every backend
    says the same). Returns ``(x, cos, sin, shifts)``: ``x`` as given (checked, on the device if it
    was), the angles' cosines and sines and the shifts as float64 host arrays (N,), (N,), (N, 2)."""
    x = _check.arrays(fn, x=(x, "N, C, H, W"))
    N = x.shape[0]
    angles = _check.arrays(fn, angles=(angles, "N"))
    shifts = _check.arrays(fn, shifts=(shifts, "N, 2"))
    for name, value, want in (("angles", angles, f"({N},)"), ("shifts", shifts, f"({N}, 2)")):
        if value.shape[0] != N:
            got = _check._fmt_shape(tuple(value.shape))
            raise ValueError(f"{fn}: {name} must be {want}, one per image (N = {N} from x); got {got}")
    _finite(fn, "x", x)
    angles = _finite(fn, "angles", angles).astype(np.float64)
    shifts = _finite(fn, "shifts", shifts).astype(np.float64)
    cos, sin = _cos_sin_degrees(angles)
    return x, cos, sin, np.ascontiguousarray(shifts)


def transform_images(x, angles, shifts):
    r"""Rotate each image about its centre, then shift it, sampling bilinearly (zero outside).

    Output pixel :math:`(i, j)` of image :math:`n` (every channel alike) is the input read at

    .. math::

        r = c_y + a\cos\theta_n + b\sin\theta_n, \quad
        q = c_x + b\cos\theta_n - a\sin\theta_n, \quad
        a = i - c_y - d_{y,n}, \quad b = j - c_x - d_{x,n},

    with :math:`(c_y, c_x) = ((H-1)/2, (W-1)/2)`, interpolated between its four neighbours:

    .. math::

        \mathrm{out}_{ij} = (1-f_y)(1-f_x)\,I_{y_0 x_0} + (1-f_y) f_x\, I_{y_0, x_0+1}
        + f_y (1-f_x)\, I_{y_0+1, x_0} + f_y f_x\, I_{y_0+1, x_0+1},

    :math:`y_0 = \lfloor r \rfloor`, :math:`f_y = r - y_0` (and the same for :math:`q`), a pixel
    outside the image being 0. A positive angle turns the picture counter-clockwise as displayed
    (90° is ``numpy.rot90(image)``; a multiple of 90° uses cos and sin exactly 0 or ±1); a positive
    :math:`d_y` moves it down, a positive :math:`d_x` right (whole pixels give ``numpy.roll`` with
    the wrapped-around pixels set to 0). Angle 0 and shift 0 give ``x`` back exactly.

    The positions, the weights and the four-term sum are computed in float64 and the result is
    rounded to ``x``'s dtype once. Not differentiated: augmentation prepares data.

    Concept: data.augment

    Slides: 003 "Panacea for Overfitting" (created training data: shift, rotate 15°).

    Parameters
    ----------
    x : ndarray (N, C, H, W), float32 or float64 — a batch of images (C channels), finite
    angles : ndarray (N,), float32 or float64 — each image's rotation in degrees, finite
    shifts : ndarray (N, 2), float32 or float64 — each image's shift ``(d_y, d_x)`` in pixels
        (down, right), finite; whole or fractional

    Returns
    -------
    out : ndarray (N, C, H, W) of ``x``'s dtype — the transformed images
    """
    x, cos, sin, shifts = _transform_args("transform_images", x, angles, shifts)
    N, C, H, W = x.shape
    cy, cx = (H - 1) / 2.0, (W - 1) / 2.0
    cos, sin = cos[:, None, None], sin[:, None, None]
    dy, dx = shifts[:, 0, None, None], shifts[:, 1, None, None]
    i = np.arange(H, dtype=np.float64)[None, :, None]
    j = np.arange(W, dtype=np.float64)[None, None, :]
    a = i - cy - dy                                  # (N, H, 1): offsets from the centre, shift undone
    b = j - cx - dx                                  # (N, 1, W)
    r = cy + a * cos + b * sin                       # (N, H, W): where each output pixel comes from
    q = cx + b * cos - a * sin
    # Positions beyond one pixel outside read only zeros; clipping them there changes no value and
    # keeps the integer parts small.
    r, q = np.clip(r, -1.0, H), np.clip(q, -1.0, W)
    y0, x0 = np.floor(r), np.floor(q)
    fy, fx = r - y0, q - x0
    y0, x0 = y0.astype(np.int64), x0.astype(np.int64)

    pixels = x.astype(np.float64).transpose(0, 2, 3, 1)     # (N, H, W, C): channels last for the gather
    n = np.arange(N)[:, None, None]

    def image_at(yy, xx):
        """The input at integer positions (N, H, W) -> (N, H, W, C), 0 outside the image."""
        inside = (yy >= 0) & (yy < H) & (xx >= 0) & (xx < W)
        values = pixels[n, np.clip(yy, 0, H - 1), np.clip(xx, 0, W - 1)]
        return np.where(inside[..., None], values, 0.0)

    w00 = ((1.0 - fy) * (1.0 - fx))[..., None]
    w01 = ((1.0 - fy) * fx)[..., None]
    w10 = (fy * (1.0 - fx))[..., None]
    w11 = (fy * fx)[..., None]
    out = (w00 * image_at(y0, x0) + w01 * image_at(y0, x0 + 1)
           + w10 * image_at(y0 + 1, x0) + w11 * image_at(y0 + 1, x0 + 1))
    return out.transpose(0, 3, 1, 2).astype(x.dtype)
