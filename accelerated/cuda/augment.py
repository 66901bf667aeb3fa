r"""Creating training images on the GPU: rotation and shift with bilinear sampling.

The twin of :mod:`reference.augment` (kernel: :func:`~accelerated.cuda._kernels.build_augment`).
One kernel, one thread per output pixel: its position, neighbours and weights in float64, then
every channel. The checks and each image's cosine and sine are the reference's
(``reference.augment._transform_args``, on the host: the check that every value is finite
reads them there), uploaded with the images when those are on the host; the result is on the device
when any argument was.
"""

from reference.augment import _transform_args

from . import _ops
from ._launch import any_device, contiguous, dev, result, simulator_paced, to_device


@simulator_paced
def transform_images(x, angles, shifts):
    r"""Rotate each image about its centre, then shift it, sampling bilinearly (zero outside).

    .. math::

        r = c_y + a\cos\theta_n + b\sin\theta_n, \quad
        q = c_x + b\cos\theta_n - a\sin\theta_n, \quad
        a = i - c_y - d_{y,n}, \quad b = j - c_x - d_{x,n}

    Concept: data.augment. Slides: 003 "Panacea for Overfitting".

    Parameters
    ----------
    x : ndarray or device array (N, C, H, W), float32 or float64, finite
    angles : (N,) — degrees, counter-clockwise as displayed
    shifts : (N, 2) — ``(d_y, d_x)`` in pixels, down and right

    Returns
    -------
    out : (N, C, H, W) of ``x``'s dtype, on the device if any argument was
    """
    on_device = any_device(x, angles, shifts)
    x, cos, sin, shifts = _transform_args("transform_images", x, angles, shifts)
    out = _ops.transform_images(contiguous(dev(x)), to_device(cos), to_device(sin), to_device(shifts))
    return result(out, on_device)
