"""Creating training images: transform_images (``reference.augment``) and the host-side draw
random_transforms (``reference.data.noise``).

Concept: data.augment.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference.data import random_transforms

from . import strategies as S
from . import tolerance as T
from .helpers import assert_dtype, assert_same_error, call_pure, error_of
from .tolerance.core import gamma, u_of

U64 = 2.0 ** -53


@st.composite
def image_batch(draw, max_size, dtype=None, layout=None, square=False):
    """x (N, C, H, W) in a drawn layout: N, C in 1..3 and 1..2, H and W in 1..max_size (equal if square)."""
    dtype = draw(S.dtypes()) if dtype is None else np.dtype(dtype)
    N, C = draw(st.integers(1, 3)), draw(st.integers(1, 2))
    H = draw(S.dims(max_size))
    W = H if square else draw(S.dims(max_size))
    return draw(S.arrays(dtype, (N, C, H, W), 4.0, layout=layout))


def _angles(draw, N):
    """N angles in degrees: any in [-200, 200], or a multiple of 90 (the exact quarter turns)."""
    any_angle = st.floats(-200.0, 200.0, allow_nan=False, allow_infinity=False)
    quarter = st.integers(-4, 4).map(lambda k: 90.0 * k)
    return np.array([draw(st.one_of(any_angle, quarter)) for _ in range(N)])


@st.composite
def transform_case(draw, max_size):
    """(x, angles, shifts): shifts in [-(H+1), H+1] x [-(W+1), W+1], whole or fractional."""
    x = draw(image_batch(max_size))
    N, _, H, W = x.shape
    angles = _angles(draw, N)
    whole = draw(st.booleans())
    rows = [[draw(st.integers(-H - 1, H + 1) if whole else st.floats(-H - 1.0, H + 1.0)),
             draw(st.integers(-W - 1, W + 1) if whole else st.floats(-W - 1.0, W + 1.0))] for _ in range(N)]
    shifts = np.array(rows, dtype=np.float64)
    kind = draw(st.sampled_from([np.float64, np.float32]))
    return x, angles.astype(kind), shifts.astype(kind)


def _roll_zero(image, dy, dx):
    """numpy.roll of the last two axes by (dy, dx), with the pixels that wrapped around set to 0."""
    H, W = image.shape[-2:]
    out = np.roll(image, (dy, dx), axis=(-2, -1))
    rows, cols = np.arange(H), np.arange(W)
    out[..., (rows < dy) | (rows >= H + dy), :] = 0
    out[..., :, (cols < dx) | (cols >= W + dx)] = 0
    return out


def test_transform_images_matches_reference(A, R):
    """transform_images agrees with the reference within the derived bound: the float64 position's
    error (gamma_4 of |c| + |a| + |b|) through the interpolant's slope 2 max|x|, the four-term float64
    sum, one rounding to the dtype; angles of both float dtypes, quarter turns, whole and fractional
    shifts, images partly or wholly moved out."""
    @S.for_backend(A)
    @given(case=transform_case(S.max_dim(A, 6)))
    def check(case):
        x, angles, shifts = case
        got = A.transform_images(x, angles, shifts)
        want = R.transform_images(x, angles, shifts)
        T.assert_close(f"{A.name}.transform_images", got, want, T.transform_images(x, angles, shifts))
    check()


def test_transform_images_identity_is_exact(B):
    """Angle 0 (or a whole number of turns) and shift 0 give x back exactly, in both dtypes and any layout."""
    @S.for_backend(B)
    @given(x=image_batch(S.max_dim(B)), turns=st.integers(-2, 2))
    def check(x, turns):
        N = x.shape[0]
        out = B.transform_images(x, np.full(N, 360.0 * turns), np.zeros((N, 2)))
        np.testing.assert_array_equal(out, x)
        assert out.dtype == x.dtype
    check()


def test_transform_images_whole_pixel_shift_is_a_zero_filled_roll(B):
    """A whole-pixel shift (d_y, d_x) is numpy.roll by (d_y, d_x) with the wrapped pixels 0, exactly:
    positive d_y moves the image down, positive d_x right; a shift beyond the edge leaves zeros."""
    @S.for_backend(B)
    @given(x=image_batch(S.max_dim(B)), data=st.data())
    def check(x, data):
        N, _, H, W = x.shape
        shifts = np.array([[data.draw(st.integers(-H - 1, H + 1)), data.draw(st.integers(-W - 1, W + 1))]
                           for _ in range(N)])
        out = B.transform_images(x, np.zeros(N), shifts.astype(np.float64))
        for n, (dy, dx) in enumerate(shifts):
            np.testing.assert_array_equal(out[n], _roll_zero(x[n], dy, dx))
    check()


def test_transform_images_quarter_turns_are_rot90(B):
    """On square images, 90 degrees is numpy.rot90 (counter-clockwise as displayed, row 0 on top),
    180 is rot90 twice and -90 (or 270) three times, exactly; 180 degrees on any rectangle flips both
    axes exactly."""
    @S.for_backend(B)
    @given(x=image_batch(S.max_dim(B), square=True), k=st.integers(-3, 4))
    def check(x, k):
        N = x.shape[0]
        out = B.transform_images(x, np.full(N, 90.0 * k), np.zeros((N, 2)))
        np.testing.assert_array_equal(out, np.rot90(x, k, axes=(2, 3)))
    check()

    @S.for_backend(B)
    @given(x=image_batch(S.max_dim(B)))
    def half_turn(x):
        N = x.shape[0]
        out = B.transform_images(x, np.full(N, 180.0), np.zeros((N, 2)))
        np.testing.assert_array_equal(out, x[:, :, ::-1, ::-1])
    half_turn()


def test_transform_images_direction_by_hand(B):
    """A single lit pixel right of the centre of a 5x5 image: a positive angle below 90 degrees
    moves it up (counter-clockwise), a negative one down; a shift (1, 0) moves it down one row."""
    x = np.zeros((1, 1, 5, 5))
    x[0, 0, 2, 4] = 1.0
    up = B.transform_images(x, np.array([30.0]), np.zeros((1, 2)))[0, 0]
    down = B.transform_images(x, np.array([-30.0]), np.zeros((1, 2)))[0, 0]
    rows = np.arange(5)[:, None]
    assert (up * rows).sum() / up.sum() < 2 < (down * rows).sum() / down.sum()
    moved = B.transform_images(x, np.zeros(1), np.array([[1.0, 0.0]]))[0, 0]
    assert moved[3, 4] == 1.0 and moved.sum() == 1.0


def test_transform_images_bilinear_is_exact_on_an_affine_image(B):
    """On an image I[i, j] = alpha + beta i + gamma j (every value exact in the dtype), every output
    pixel whose position (r, q) lies inside the image (by 1e-9) equals alpha + beta r + gamma q: bilinear sampling
    reproduces an affine function. The position comes from the documented formula; the bound is the
    position's float64 error times the slope, the four-term float64 sum, and one rounding. Most draws
    keep many pixels inside (the test checks that it checked some)."""
    checked = []

    @S.for_backend(B)
    @given(dtype=S.dtypes(), H=st.integers(2, 7), W=st.integers(2, 7), coef=st.tuples(*[st.integers(-8, 8)] * 3),
           angle=st.floats(-180.0, 180.0), shift=st.tuples(st.floats(-2.0, 2.0), st.floats(-2.0, 2.0)))
    def check(dtype, H, W, coef, angle, shift):
        alpha, beta, gam = (c / 4.0 for c in coef)
        i, j = np.arange(H)[:, None], np.arange(W)[None, :]
        x = (alpha + beta * i + gam * j).astype(dtype)[None, None]
        out = B.transform_images(x, np.array([angle]), np.array([shift]))[0, 0]
        cy, cx = (H - 1) / 2.0, (W - 1) / 2.0
        th = np.deg2rad(angle)
        a, b = i - cy - shift[0], j - cx - shift[1]
        r = cy + a * np.cos(th) + b * np.sin(th)
        q = cx + b * np.cos(th) - a * np.sin(th)
        margin = 1e-9                 # away from the border, where the zero outside enters
        inside = (r >= margin) & (r <= H - 1 - margin) & (q >= margin) & (q <= W - 1 - margin)
        want = alpha + beta * r + gam * q
        P = abs(cy) + abs(cx) + np.abs(a) + np.abs(b)
        M = np.abs(x).max()
        # the position (and cos, sin: within 8 u of numpy's) off by (gamma_4 + 16 u) P, times the slope
        e64 = (abs(beta) + abs(gam)) * (gamma(4, U64) + 16 * U64) * P + gamma(6, U64) * M
        bound = e64 + u_of(dtype) * (np.abs(want) + e64)
        assert np.all(np.abs(out[inside] - want[inside]) <= bound[inside])
        checked.append(int(inside.sum()))
    check()
    assert sum(checked) >= len(checked), f"too few interior pixels checked: {checked}"


def test_transform_images_pure_dtype_and_shape(B):
    """transform_images keeps x's dtype and shape whatever the angles' dtype, and changes no input
    (strided views included)."""
    for dtype in S.DTYPES:
        x = np.linspace(-1, 1, 2 * 2 * 5 * 12, dtype=dtype).reshape(2, 2, 5, 12)[..., ::2]
        angles = np.array([15.0, -40.0, 7.0], dtype=np.float32)[::2]
        shifts = np.array([[0.5, -1.0], [1.0, 0.25]])
        out = call_pure(B, "transform_images", x, angles, shifts)
        assert_dtype("transform_images", out, dtype)
        assert out.shape == x.shape


def test_transform_images_device_arrays(A, R):
    """Given to_device arrays it returns what the host call returns (on the device for cuda), and a NaN or
    a wrong count in device arrays gets the reference's message."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 1, 4, 5))
    angles, shifts = np.array([15.0, -90.0]), np.array([[0.5, 1.0], [0.0, -1.0]])
    got = A.transform_images(A.to_device(x), A.to_device(angles), A.to_device(shifts))
    assert hasattr(got, "copy_to_host") == (A.name == "cuda"), "device in, device out (cuda only)"
    host = A.to_host(got)
    np.testing.assert_array_equal(host, A.transform_images(x, angles, shifts))
    T.assert_close(f"{A.name}.transform_images (device)", host, R.transform_images(x, angles, shifts),
                   T.transform_images(x, angles, shifts))
    bad = x.copy()
    bad[1, 0, 3, 2] = np.nan
    want = error_of(R.transform_images, bad, angles, shifts)
    assert error_of(A.transform_images, A.to_device(bad), A.to_device(angles), A.to_device(shifts)) == want
    assert error_of(A.transform_images, A.to_device(x), A.to_device(angles[:1]), A.to_device(shifts)) == \
        error_of(R.transform_images, x, angles[:1], shifts)


def test_transform_images_cpu_parallel_path_is_the_serial_one(A, monkeypatch):
    """On cpu, a batch shared among the cores (PARALLEL_MIN lowered to 1) gives the one-core result bit for bit."""
    if A.name != "cpu":
        pytest.skip("the cpu backend's two kernels")
    from accelerated.cpu import augment

    rng = np.random.default_rng(4)
    x = rng.normal(size=(5, 2, 6, 7))
    angles, shifts = rng.uniform(-30, 30, 5), rng.uniform(-2, 2, (5, 2))
    serial = A.transform_images(x, angles, shifts)
    monkeypatch.setattr(augment, "PARALLEL_MIN", 1)
    np.testing.assert_array_equal(A.transform_images(x, angles, shifts), serial)
    assert augment._transform_parallel.signatures, "the parallel kernel did not run"


X = np.zeros((2, 1, 3, 3))
ANG = np.array([15.0, 0.0])
SH = np.zeros((2, 2))


def _with(a, index, value):
    a = a.copy()
    a[index] = value
    return a


@pytest.mark.parametrize("args, prefix", [
    pytest.param(lambda B: (X[0], ANG, SH), "x must be (N, C, H, W); got (1, 3, 3)", id="x-rank"),
    pytest.param(lambda B: (np.zeros((2, 1, 0, 3)), ANG, SH), "x must not be empty; got (2, 1, 0, 3)", id="x-empty"),
    pytest.param(lambda B: (X.astype(np.int64), ANG, SH), "x must be a float32 or float64 array; got int64",
                 id="x-int"),
    pytest.param(lambda B: (None, ANG, SH), "x must be an array; got None", id="x-none"),
    pytest.param(lambda B: (X, ANG[:, None], SH), "angles must be (N,); got (2, 1)", id="angles-rank"),
    pytest.param(lambda B: (X, np.zeros(3), SH),
                 "angles must be (2,), one per image (N = 2 from x); got (3,)", id="angles-count"),
    pytest.param(lambda B: (X, np.zeros(2, np.int64), SH), "angles must be a float32 or float64 array; got int64",
                 id="angles-int"),
    pytest.param(lambda B: (X, ANG, np.zeros((2, 3))), "shifts must be (N, 2); got (2, 3)", id="shifts-width"),
    pytest.param(lambda B: (X, ANG, np.zeros(2)), "shifts must be (N, 2); got (2,)", id="shifts-rank"),
    pytest.param(lambda B: (X, ANG, np.zeros((1, 2))),
                 "shifts must be (2, 2), one per image (N = 2 from x); got (1, 2)", id="shifts-count"),
    pytest.param(lambda B: (_with(X, (1, 0, 2, 1), np.nan), ANG, SH), "x must be finite; got nan at index (1, 0, 2, 1)",
                 id="x-nan"),
    pytest.param(lambda B: (X, _with(ANG, 1, np.inf), SH), "angles must be finite; got inf at index (1,)",
                 id="angles-inf"),
    pytest.param(lambda B: (X, ANG, _with(SH, (0, 1), -np.inf)), "shifts must be finite; got -inf at index (0, 1)",
                 id="shifts-inf"),
])
def test_transform_images_bad_input(B, R, args, prefix):
    """transform_images rejects a wrong rank, an empty or integer x, angles or shifts of the wrong shape
    or count, and non-finite values, with the reference's message on every backend."""
    assert_same_error(B, R, "transform_images", args, {}, prefix)


# -- the host-side draw -----------------------------------------------------------------------------


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), max_angle=st.floats(0.0, 45.0),
       max_shift=st.floats(0.0, 3.0))
def test_random_transforms_ranges_and_seed(seed, n, max_angle, max_shift):
    """random_transforms gives float64 angles (n,) in [-max_angle, max_angle] and shifts (n, 2) in
    [-max_shift, max_shift], the same for the same seed."""
    angles, shifts = random_transforms(np.random.default_rng(seed), n, max_angle, max_shift)
    assert angles.shape == (n,) and shifts.shape == (n, 2)
    assert angles.dtype == shifts.dtype == np.float64
    assert np.all(np.abs(angles) <= max_angle) and np.all(np.abs(shifts) <= max_shift)
    again = random_transforms(np.random.default_rng(seed), n, max_angle, max_shift)
    np.testing.assert_array_equal(again[0], angles)
    np.testing.assert_array_equal(again[1], shifts)


def test_random_transforms_whole_pixels_cover_the_range():
    """whole_pixels=True draws integers -max_shift..max_shift, each value about equally often
    (4000 draws of 5 values: each count within 5 standard deviations of 800)."""
    _, shifts = random_transforms(np.random.default_rng(0), 2000, 15.0, 2, whole_pixels=True)
    assert np.array_equal(shifts, np.round(shifts))
    values, counts = np.unique(shifts, return_counts=True)
    assert values.tolist() == [-2.0, -1.0, 0.0, 1.0, 2.0]
    sd = np.sqrt(4000 * 0.2 * 0.8)
    assert np.all(np.abs(counts - 800) < 5 * sd)
    angles, none = random_transforms(np.random.default_rng(1), 10, 0.0, 0.0)
    assert not angles.any() and not none.any()


@pytest.mark.parametrize("kwargs, message", [
    (dict(rng=3, n=2), "rng must be a numpy.random.Generator"),
    (dict(n=0), "n must be an integer >= 1; got 0"),
    (dict(n=2.0), "n must be an integer >= 1; got 2.0"),
    (dict(n=2, max_angle=-1.0), "max_angle must be a number >= 0; got -1.0"),
    (dict(n=2, max_shift=float("nan")), "max_shift must be a number >= 0; got nan"),
    (dict(n=2, whole_pixels=1), "whole_pixels must be True or False; got 1"),
    (dict(n=2, max_shift=1.5, whole_pixels=True), "max_shift must be a whole number of pixels when whole_pixels=True"),
])
def test_random_transforms_bad_arguments(kwargs, message):
    """Each bad argument of random_transforms raises a ValueError naming it."""
    kwargs = {"rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(ValueError, match=f"^random_transforms: {message}".replace("(", r"\(").replace(")", r"\)")):
        random_transforms(**kwargs)
