"""The central-difference checker (``reference.gradcheck``) that the backward tests rely on."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference.gradcheck import numeric_gradient

from . import strategies as S


def _cubic(t):
    return np.sum(t ** 3 - 2 * t)


def test_numeric_gradient_matches_known_derivative():
    """numeric_gradient of sum(t^3 - 2t) is 3t^2 - 2 to relative error < 1e-7.

    Truncation h^2 f'''/6 = h^2 plus rounding ~eps |f| / h, for |t| <= 3.

    Concept: backprop.numeric.
    """
    @given(shape=st.tuples(S.dims(4), S.dims(3)), data=st.data())
    def check(shape, data):
        t = data.draw(S.arrays(np.float64, shape, 3.0, layout="C"))
        g = numeric_gradient(_cubic, t)
        exact = 3 * t ** 2 - 2
        assert g.shape == t.shape and g.dtype == np.float64
        assert np.abs(g - exact).max() / max(np.abs(exact).max(), 1.0) < 1e-7
    check()


def test_numeric_gradient_error_is_second_order_in_h():
    """numeric_gradient's error shrinks like h^2 (central difference): h / 10 gives ~1/100 of the error."""
    t = np.array([0.3, -1.2, 2.0])
    exact = np.cos(t)
    errors = [np.abs(numeric_gradient(lambda v: np.sum(np.sin(v)), t, h=h) - exact).max() for h in (1e-2, 1e-3)]
    assert 50 < errors[0] / errors[1] < 200


def test_numeric_gradient_scalar_theta():
    """numeric_gradient works for a 0-d theta (a scalar parameter such as b)."""
    g = numeric_gradient(lambda b: (3.0 * b - 1.0) ** 2, np.asarray(2.0))
    assert g.shape == () and abs(float(g) - 2 * 3 * 5) < 1e-7 * 30


def test_numeric_gradient_does_not_mutate():
    """numeric_gradient perturbs a copy: the caller's theta is unchanged, whatever f does with it."""
    t = np.array([[1.0, 2.0], [3.0, 4.0]])
    before = t.copy()
    numeric_gradient(_cubic, t)
    np.testing.assert_array_equal(t, before)


def test_numeric_gradient_non_contiguous_theta():
    """numeric_gradient of a transposed or strided view equals that of a contiguous copy."""
    base = np.arange(6.0).reshape(2, 3) / 4
    for view in (base.T, base[:, ::2], base[::-1]):
        got = numeric_gradient(_cubic, view)
        want = numeric_gradient(_cubic, np.ascontiguousarray(view))
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
        np.testing.assert_allclose(got, 3 * view ** 2 - 2, rtol=1e-7, atol=1e-7)


def test_numeric_gradient_float32_theta_in_float64():
    """numeric_gradient computes in float64 even for a float32 theta (float32 cannot resolve h = 1e-6)."""
    g = numeric_gradient(_cubic, np.array([1.0, -0.5], dtype=np.float32))
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, [1.0, -1.25], rtol=1e-7)


@pytest.mark.parametrize("h", [0.0, -1e-6, float("nan"), float("inf")])
def test_numeric_gradient_rejects_bad_h(h):
    """numeric_gradient raises ValueError naming h for a step that is not a positive finite number."""
    with pytest.raises(ValueError, match=r"^numeric_gradient: h must be a positive number"):
        numeric_gradient(_cubic, np.ones(2), h=h)
