"""``pad`` with modes linear_ramp, maximum, minimum, mean and median on traced
values: NumPy's values bit for bit (axis by axis, a later axis's statistic or
edge including the earlier axes' padding), its errors, and derivatives against
finite differences to second order in both modes."""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp
from dualad.testing import check_grads

from ._derivatives import same, traced_value

RNG = np.random.default_rng(11)
STAT_MODES = ("mean", "maximum", "minimum", "median")


def same_or_raises(f, a):
    """``f`` on plain ``a`` (NumPy) and on traced ``a``: equal values, or the same error."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)     # mean of an empty slice
        try:
            want = f(a)
        except ValueError as e:
            with pytest.raises(ValueError, match=str(e)):
                traced_value(f, a)
            return
        same(traced_value(f, a), want)


def distinct(shape, dtype=np.float64):
    """Entries pairwise at least 0.1 apart (no ties: max / min / median smooth)."""
    n = int(np.prod(shape))
    return (RNG.permutation(n) * 0.1 - 0.05 * n + RNG.uniform(0, 0.02, n)).reshape(shape).astype(dtype)


SHAPES = [(1,), (5,), (1, 1), (3, 4), (1, 3), (2, 3, 4), (3, 1, 2)]


def pad_widths(nd):
    return [0, 2, (2, 0), (0, 3), [(1, 2)] + [(0, 1)] * (nd - 1),
            [(0, 0)] * (nd - 1) + [(3, 1)], [(i % 3, (i + 1) % 4) for i in range(nd)]]


def stat_lengths(nd):
    return [None, 1, 2, 10, (1, 3), (0, 2), [(i + 1, 2) for i in range(nd)]]


@pytest.mark.filterwarnings("ignore:Mean of empty slice", "ignore:invalid value encountered")
@pytest.mark.parametrize("mode", STAT_MODES)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_stat_values_match_numpy(mode, shape, dtype):
    x = RNG.standard_normal(shape).astype(dtype)
    xt = np.round(2 * x).astype(dtype)                 # with ties
    for a, pw, sl in itertools.product((x, xt), pad_widths(len(shape)), stat_lengths(len(shape))):
        same_or_raises(lambda a: np.pad(a, pw, mode=mode, stat_length=sl), a)
        if mode != "median":
            continue
        want = np.pad(a, pw, mode=mode, stat_length=sl)
        same(traced_value(lambda a: dnp.pad(a, pw, mode=mode, stat_length=sl), a), want)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_linear_ramp_values_match_numpy(shape, dtype):
    nd = len(shape)
    x = RNG.standard_normal(shape).astype(dtype)
    end_values = [0, 1.5, 1 / 3, (2.0, -1), [(i + 0.3, -i) for i in range(nd)],
                  np.float32(0.7), np.array([1, 2]), np.array(1 / 3)]
    for a, pw, ev in itertools.product((x, np.zeros_like(x)), pad_widths(nd), end_values):
        want = np.pad(a, pw, mode="linear_ramp", end_values=ev)
        same(traced_value(lambda a: dnp.pad(a, pw, mode="linear_ramp", end_values=ev), a), want)
    same(traced_value(lambda a: np.pad(a, 3, mode="linear_ramp"), x), np.pad(x, 3, mode="linear_ramp"))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("ev", [np.array(0.7), np.array([0.3, -0.9]), np.array([[0.5, -1.0], [2.0, 0.3]]),
                                np.array([[0.5], [2.0]])], ids=lambda e: str(e.shape))
def test_traced_end_values(dtype, ev):
    x = RNG.standard_normal((3, 4)).astype(dtype)
    pw = [(1, 2), (2, 1)]
    want = np.pad(x, pw, mode="linear_ramp", end_values=ev)
    same(traced_value(lambda a, e: dnp.pad(a, pw, mode="linear_ramp", end_values=e), x, ev), want)
    same(traced_value(lambda e: dnp.pad(x, pw, mode="linear_ramp", end_values=e), ev), want)
    if dtype == np.float64:
        check_grads(lambda a, e: dnp.pad(a, pw, mode="linear_ramp", end_values=e) ** 2, (x, ev), order=2)


def test_linear_ramp_closed_form():
    # one entry, ramps of width 2 towards it from c: c, c + (1 - c) / 2
    g = ad.grad(lambda c: dnp.sum(dnp.pad(np.ones(1), 2, mode="linear_ramp", end_values=c)))(0.25)
    assert g == 3.0
    g = ad.grad(lambda x: dnp.sum(dnp.pad(x, (3, 0), mode="linear_ramp")))(np.array([2.0, 5.0]))
    np.testing.assert_array_equal(g, [1.0 + (0 + 1 + 2) / 3, 1.0])


@pytest.mark.parametrize("mode", STAT_MODES + ("linear_ramp",))
@pytest.mark.parametrize("shape,pw", [((4,), (2, 3)), ((3, 4), [(1, 2), (2, 1)]), ((2, 3, 2), 1)],
                         ids=str)
def test_derivatives_second_order(mode, shape, pw):
    x = distinct(shape)
    kws = [{"end_values": (0.5, -1.0)}, {}] if mode == "linear_ramp" else \
        [{"stat_length": 2}, {"stat_length": (1, 3)}, {}]
    for kw in kws:
        check_grads(lambda x: dnp.sin(dnp.pad(x, pw, mode=mode, **kw)), (x,), order=2)


def test_later_axis_sees_earlier_padding():
    x = np.array([[1.0, 2.0], [3.0, 5.0]])
    # the corner is the mean over axis 1 of the axis-0 padding (mean of column means)
    g = ad.grad(lambda x: dnp.pad(x, 1, mode="mean")[0, 0])(x)
    np.testing.assert_array_equal(g, np.full((2, 2), 0.25))
    g = ad.grad(lambda x: dnp.pad(x, 1, mode="maximum")[0, 0])(x)
    np.testing.assert_array_equal(g, [[0.0, 0.0], [0.0, 1.0]])


def test_max_ties_split():
    # docs/conventions.md: tied entries of max / min share the derivative equally
    g = ad.grad(lambda x: dnp.pad(x, (1, 0), mode="maximum")[0])(np.array([3.0, 1.0, 3.0]))
    np.testing.assert_array_equal(g, [0.5, 0.0, 0.5])
    g = ad.grad(lambda x: dnp.pad(x, (0, 1), mode="minimum", stat_length=2)[-1])(np.array([0.0, 1.0, 1.0]))
    np.testing.assert_array_equal(g, [0.0, 0.5, 0.5])


def test_float32_kept():
    x = distinct((3, 3), np.float32)
    for mode in STAT_MODES + ("linear_ramp",):
        g = ad.grad(lambda x: dnp.sum(dnp.pad(x, 2, mode=mode) ** 2))(x)
        assert g.dtype == np.float32


def test_errors_match_numpy():
    x = np.ones((2, 3))
    for f in (lambda a: np.pad(a, 1, mode="maximum", stat_length=0),
              lambda a: np.pad(a, [(0, 0), (1, 1)], mode="minimum", stat_length=((1, 1), (0, 2)))):
        with pytest.raises(ValueError, match="stat_length of 0"):
            f(x)
        with pytest.raises(ValueError, match="stat_length of 0"):
            traced_value(f, x)
    for f in (lambda a: np.pad(a, 1, mode="mean", end_values=1.0),
              lambda a: np.pad(a, 1, mode="linear_ramp", stat_length=1),
              lambda a: np.pad(a, 1, mode="median", stat_length=-1),
              lambda a: np.pad(np.ones((0, 2)) * a[0, 0], 1, mode="mean")):
        with pytest.raises(ValueError):
            f(x)
        with pytest.raises(ValueError):
            traced_value(f, x)


def test_zero_stat_length_mean_is_nan():
    x = np.arange(3.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = np.pad(x, 1, mode="mean", stat_length=0)
        same(traced_value(lambda a: dnp.pad(a, 1, mode="mean", stat_length=0), x), want)


def test_empty_array():
    x = np.ones((0, 3))
    for mode in STAT_MODES + ("linear_ramp",):
        want = np.pad(x, [(0, 0), (1, 2)], mode=mode)
        same(traced_value(lambda a: dnp.pad(a, [(0, 0), (1, 2)], mode=mode), x), want)



# --- reflect_type='odd' ------------------------------------------------------------
@pytest.mark.parametrize("mode", ["reflect", "symmetric"])
@pytest.mark.parametrize("n", [1, 2, 3, 5])
@pytest.mark.parametrize("pw", [(0, 3), (2, 0), (4, 1), (13, 6), (7, 11)])
def test_odd_reflection_values_and_jacobian_match_numpy(mode, n, pw):
    """Values bit for bit NumPy's (its own loop, pads larger than the array
    included); the map is linear, so the Jacobian's columns are NumPy's pad of
    the unit vectors (integer entries, exact).  This raised NotImplementedError."""
    x = RNG.standard_normal(n)
    f = lambda v: dnp.pad(v, pw, mode=mode, reflect_type="odd")
    want_j = np.stack([np.pad(u, pw, mode=mode, reflect_type="odd") for u in np.eye(n)], -1)
    np.testing.assert_array_equal(ad.jvp(f, (x,), (x,))[0],
                                  np.pad(x, pw, mode=mode, reflect_type="odd"))
    np.testing.assert_array_equal(ad.jacfwd(f)(x), want_j)
    np.testing.assert_array_equal(ad.jacrev(f)(x), want_j)
    # through plain numpy.pad on a traced value too
    np.testing.assert_array_equal(
        ad.jacrev(lambda v: np.pad(v, pw, mode=mode, reflect_type="odd"))(x), want_j)


@pytest.mark.parametrize("mode", ["reflect", "symmetric"])
def test_odd_reflection_several_axes_float32_second_order(mode):
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    w = ((2, 5), (7, 1))
    f = lambda v: dnp.pad(v, w, mode=mode, reflect_type="odd")
    want = np.pad(x, w, mode=mode, reflect_type="odd")
    val = ad.jvp(f, (x,), (x,))[0]
    assert val.dtype == np.float32
    np.testing.assert_array_equal(val, want)
    want_j = np.stack([np.pad(u.reshape(3, 4), w, mode=mode, reflect_type="odd")
                       for u in np.eye(12, dtype=np.float32)], -1).reshape(want.shape + (3, 4))
    np.testing.assert_array_equal(ad.jacrev(f)(x), want_j)
    # second order: sum(pad(x)^2) has Hessian 2 J^T J
    jm = want_j.reshape(-1, 12).astype(np.float64)
    h = ad.hessian(lambda v: dnp.sum(f(v).astype(np.float64) ** 2))(x.astype(np.float64))
    np.testing.assert_allclose(h.reshape(12, 12), 2 * jm.T @ jm, rtol=1e-14)
    # any other reflect_type reflects evenly, as in NumPy
    np.testing.assert_array_equal(
        ad.jvp(lambda v: dnp.pad(v, w, mode=mode, reflect_type="other"), (x,), (x,))[0],
        np.pad(x, w, mode=mode, reflect_type="other"))
