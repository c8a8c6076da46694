"""Reductions over a short last axis (dualad/numpy/_short_axis.py).

The fast routes must give NumPy's values exactly for max/min (values of
primitives) and NumPy's sums to rounding (cotangents only).  The thresholds
are the library's own here, not the lowered ones conftest.py sets, so the
arrays are large enough to take the routes as users' arrays do.
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import dualad as ad
import dualad.numpy as dnp
import dualad.scipy.special as dsp
from dualad.numpy import _short_axis


@pytest.fixture
def library_thresholds(monkeypatch):
    monkeypatch.setattr(_short_axis, "EXTREME_MIN_ROWS", 32)
    monkeypatch.setattr(_short_axis, "SUM_MIN_ROWS", 8)


# floats with the awkward members: NaN, infinities, signed zeros, ties
_special = st.sampled_from([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0])
_entries = st.one_of(st.floats(-1e300, 1e300, allow_subnormal=True), _special)


@st.composite
def _short_rows(draw, dtype=np.float64):
    rows = draw(st.sampled_from([32, 40, 200]))
    k = draw(st.integers(2, 16))
    shape = draw(st.sampled_from([(rows, k), (2, rows // 2, k)]))
    x = draw(hnp.arrays(np.float64, shape, elements=_entries))
    with np.errstate(over="ignore"):
        return x.astype(dtype)       # float32: large entries become infinities


@pytest.mark.usefixtures("library_thresholds")
@given(x=st.one_of(_short_rows(), _short_rows(np.float32)),
       keepdims=st.booleans(), axis=st.sampled_from([-1, "last", (-1,)]))
def test_extreme_is_numpys_reduction_bit_for_bit(x, keepdims, axis):
    axis = x.ndim - 1 if axis == "last" else axis
    for ufunc, ref in ((np.maximum, np.max), (np.minimum, np.min)):
        got = _short_axis.extreme(ufunc, x, axis, keepdims)
        want = ref(x, axis=axis, keepdims=keepdims)
        assert got.dtype == want.dtype and got.shape == want.shape
        # equal including NaN positions and the sign of zero where NumPy's is
        # determined (no tie between +0 and -0 in the row)
        np.testing.assert_array_equal(got, want)


def test_extreme_takes_the_fast_route_and_agrees_on_large_rows(library_thresholds):
    x = np.random.default_rng(0).standard_normal((100_000, 3))
    x[5, 1] = np.nan
    got = dnp.max(x, axis=-1)
    np.testing.assert_array_equal(got, np.max(x, axis=-1))
    assert np.isnan(got[5])
    np.testing.assert_array_equal(dnp.min(x, axis=1, keepdims=True),
                                  np.min(x, axis=1, keepdims=True))


def test_extreme_leaves_other_axes_and_layouts_to_numpy(library_thresholds):
    x = np.random.default_rng(1).standard_normal((64, 8))
    for args in ((x, 0, False), (x.T, -1, True), (x[:, ::2], -1, False), (x, None, False),
                 (x, (0, 1), True)):
        np.testing.assert_array_equal(_short_axis.extreme(np.maximum, *args),
                                      np.max(args[0], axis=args[1], keepdims=args[2]))


@pytest.mark.usefixtures("library_thresholds")
@given(g=hnp.arrays(np.float64, st.tuples(st.sampled_from([8, 33, 300]), st.integers(2, 128)),
                    elements=st.floats(-1e3, 1e3)),
       keepdims=st.booleans())
def test_sum_last_matches_numpy_to_rounding(g, keepdims):
    got = _short_axis.sum_last(g, keepdims)
    want = np.add.reduce(g, axis=-1, keepdims=keepdims)
    assert got.shape == want.shape and got.dtype == want.dtype
    bound = 4 * g.shape[-1] * np.finfo(np.float64).eps * np.abs(g).sum(axis=-1, keepdims=keepdims)
    assert np.all(np.abs(got - want) <= bound)


def test_sum_last_keeps_float32_and_complex(library_thresholds):
    rng = np.random.default_rng(2)
    g32 = rng.standard_normal((64, 10)).astype(np.float32)
    assert _short_axis.sum_last(g32, False).dtype == np.float32
    gc = rng.standard_normal((64, 10)) + 1j * rng.standard_normal((64, 10))
    np.testing.assert_allclose(_short_axis.sum_last(gc, True), gc.sum(-1, keepdims=True),
                               rtol=1e-13)


def test_log_softmax_value_and_gradient_on_a_large_batch(library_thresholds):
    """Closed forms: log_softmax is SciPy's value; the gradient of
    -sum(Y * log_softmax(z)) / n is (softmax(z) * rowsum(Y) - Y) / n."""
    import scipy.special as ss
    rng = np.random.default_rng(3)
    z = rng.standard_normal((512, 10)) * 3
    Y = np.eye(10)[rng.integers(0, 10, 512)]
    np.testing.assert_array_equal(dsp.log_softmax(z, axis=1), ss.log_softmax(z, axis=1))
    g = ad.grad(lambda z: -dnp.sum(dsp.log_softmax(z, axis=1) * Y) / 512)(z)
    want = (ss.softmax(z, axis=1) * Y.sum(1, keepdims=True) - Y) / 512
    np.testing.assert_allclose(g, want, rtol=1e-12, atol=1e-17)
    # and the broadcast x - max(x) form, whose cotangent sums over the short axis
    g2 = ad.grad(lambda z: -dnp.sum((z - dnp.max(z, axis=1, keepdims=True)
                                     - dnp.log(dnp.sum(dnp.exp(z - dnp.max(z, axis=1, keepdims=True)),
                                                       axis=1, keepdims=True))) * Y) / 512)(z)
    np.testing.assert_allclose(g2, want, rtol=1e-12, atol=1e-17)
