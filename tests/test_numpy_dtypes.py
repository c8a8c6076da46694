"""dualad.numpy keeps NumPy's result dtypes, result types and arithmetic.

One test (or a few) per audited bug; every expected value comes from NumPy
itself or from a closed form, never from dualad.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp

A32 = np.array([[1., 2, 3, 4], [5, 6, 7, 8]], np.float32)
R32 = np.array([[0.3, -1.7, 2.9, 0.11, 5.3],
                [-0.2, 4.4, 1.03, np.nan, 2.2],
                [7.1, 0.6, -3.3, 1.9, 0.05]], np.float32)


def _same(out, ref):
    """Same Python type, dtype and bits (NaN equal to NaN)."""
    assert type(out) is type(ref), (type(out), type(ref))
    assert np.asarray(out).dtype == np.asarray(ref).dtype, (np.asarray(out).dtype,
                                                            np.asarray(ref).dtype)
    np.testing.assert_array_equal(np.asarray(out), np.asarray(ref))


def _jvp(f, x):
    return ad.jvp(f, (x,), (np.ones_like(x),))


def _fd(f, x, h=1e-6):
    x = np.asarray(x, np.float64)
    cols = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        e = e.reshape(x.shape)
        cols.append((np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h))
    return np.stack(cols, -1).reshape(np.shape(f(x)) + x.shape)


# --- 1. nextafter: derivative 1 in x, 0 in the direction ---------------------------
def test_nextafter_derivative():
    x = np.array([0.3, -1.2, 2.0])
    np.testing.assert_array_equal(ad.jacfwd(lambda z: dnp.nextafter(z, 5.0))(x), np.eye(3))
    np.testing.assert_array_equal(ad.jacrev(lambda z: dnp.nextafter(z, 5.0))(x), np.eye(3))
    y = np.array([5.0, -5.0, 0.0])
    np.testing.assert_array_equal(ad.jacrev(lambda z: np.nextafter(z, y))(x), np.eye(3))
    np.testing.assert_array_equal(ad.jacfwd(lambda z: np.nextafter(x, z))(y), np.zeros((3, 3)))
    x32 = x.astype(np.float32)
    out, t = ad.jvp(lambda z: np.nextafter(z, np.float32(5)), (x32,), (x32,))
    _same(out, np.nextafter(x32, np.float32(5)))
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t, x32)


# --- 2. float32 in, float32 out (and float32 tangents) ----------------------------
W = np.array([[True, False, True, True], [True, True, False, True]])
NAN32 = A32.copy()
NAN32[0, 1] = np.nan

F32_CASES = [
    ("median", lambda m, a: m.median(a, axis=1), A32, 1.0),
    ("nanmedian", lambda m, a: m.nanmedian(a, axis=1), NAN32, 1.0),
    ("nanmean", lambda m, a: m.nanmean(a, axis=1), NAN32, 1.0),
    ("nanvar", lambda m, a: m.nanvar(a, axis=1), NAN32, 0.0),
    ("nanstd", lambda m, a: m.nanstd(a, axis=1), NAN32, 0.0),
    ("mean where", lambda m, a: m.mean(a, axis=1, where=W), A32, 1.0),
    ("var where", lambda m, a: m.var(a, axis=1, where=W), A32, 0.0),
    ("std where", lambda m, a: m.std(a, axis=1, where=W), A32, 0.0),
    ("quantile scalar q", lambda m, a: m.quantile(a, 0.3, axis=1), A32, 1.0),
    ("quantile f32 q", lambda m, a: m.quantile(a, np.float32([0.3, 0.9]), axis=1), A32, 1.0),
    ("percentile scalar q", lambda m, a: m.percentile(a, 37, axis=1), A32, 1.0),
    ("nanquantile scalar q", lambda m, a: m.nanquantile(a, 0.3, axis=1), NAN32, 1.0),
    ("nanquantile f32 q", lambda m, a: m.nanquantile(a, np.float32([0.3, 0.9]), axis=1),
     NAN32, 1.0),
]


@pytest.mark.parametrize("name,call,arr,slope", F32_CASES, ids=[c[0] for c in F32_CASES])
def test_float32_stays_float32(name, call, arr, slope):
    ref = call(np, arr)
    assert np.asarray(ref).dtype == np.float32
    _same(call(dnp, arr), ref)
    out, t = _jvp(lambda z: call(dnp, z), arr)
    _same(out, ref)
    assert t.dtype == np.float32
    # shifting every entry by s moves a location statistic by s, a spread by 0
    np.testing.assert_allclose(t, slope * np.ones(np.shape(ref)), atol=2e-6)


def test_float32_quantile_derivative_matches_fd():
    x = R32[[0, 2]]
    f = lambda z: dnp.quantile(z, 0.37, axis=1)      # noqa: E731
    J = ad.jacfwd(f)(x)
    assert J.dtype == np.float32
    Jn = _fd(lambda z: np.quantile(z, 0.37, axis=1), x.astype(np.float64))
    np.testing.assert_allclose(J, Jn, atol=1e-5)
    np.testing.assert_array_equal(ad.jacrev(f)(x), J)


# --- 3. float64 where NumPy computes in float64 ------------------------------------
@pytest.mark.parametrize("kw", [{}, {"bias": True}, {"ddof": 0}, {"rowvar": False},
                                {"fweights": np.array([1, 2, 1, 1])},
                                {"aweights": np.array([1., 2, 1, 1])}])
def test_cov_float64(kw):
    x = np.array([[1.5, 2.25, 3.1, 4.7], [5.3, 6.1, 7.7, 8.05]], np.float32)
    ref = np.cov(x, **kw)
    assert ref.dtype == np.float64
    out, t = _jvp(lambda z: dnp.cov(z, **kw), x)
    assert out.dtype == np.float64 and t.dtype == np.float64
    np.testing.assert_array_max_ulp(out, ref, maxulp=1)


def test_corrcoef_float64():
    x = np.array([[1.5, 2.25, 3.1, 4.7], [5.3, 6.1, 2.7, 8.05]], np.float32)
    ref = np.corrcoef(x)
    out, t = _jvp(dnp.corrcoef, x)
    assert out.dtype == np.float64 == ref.dtype and t.dtype == np.float64
    np.testing.assert_array_max_ulp(out, ref, maxulp=1)


@pytest.mark.parametrize("fn", ["quantile", "nanquantile", "percentile", "nanpercentile"])
@pytest.mark.parametrize("method", ["linear", "midpoint"])
def test_quantile_list_q_float64(fn, method):
    s = 100 if "per" in fn else 1
    q = [0.2 * s, 0.7 * s]
    x = R32 if fn.startswith("nan") else np.nan_to_num(R32)
    ref = getattr(np, fn)(x, q, axis=1, method=method)
    assert ref.dtype == np.float64
    out, t = _jvp(lambda z: getattr(dnp, fn)(z, q, axis=1, method=method), x)
    _same(out, ref)                      # NumPy's float64 arithmetic, bit for bit
    assert t.dtype == np.float64


def test_nanquantile_float32_list_bitwise():
    _same(dnp.nanquantile(R32, [0.2, 0.7]), np.nanquantile(R32, [0.2, 0.7]))
    _same(dnp.nanquantile(R32, [0.2, 0.7], axis=1), np.nanquantile(R32, [0.2, 0.7], axis=1))


# --- 4. ediff1d keeps the input's dtype -------------------------------------------------
def test_ediff1d_extras_cast_to_input_dtype():
    x = np.array([1.0, 3.5, 2.25], np.float32)
    ref = np.ediff1d(x, to_begin=1.5, to_end=[2.0, 3.0])
    assert ref.dtype == np.float32
    out, t = _jvp(lambda z: dnp.ediff1d(z, to_begin=1.5, to_end=[2.0, 3.0]), x)
    _same(out, ref)
    assert t.dtype == np.float32
    np.testing.assert_array_equal(t, np.zeros(5, np.float32))
    with pytest.raises(TypeError, match="to_begin"):
        dnp.ediff1d(ad.stop_gradient(np.array([1, 3])), to_begin=[1.5])


# --- 5. interp(period=) wraps in float64 --------------------------------------------
def test_interp_period_float32_values():
    xp = np.array([0.1, 1.3, 2.7, 3.9], np.float32)
    fp = np.array([1., 3., -2., 0.5], np.float32)
    xs = np.array([-7.3, 0.4, 5.55, 12.9], np.float32)
    ref = np.interp(xs, xp, fp, period=4.2)
    out, t = _jvp(lambda z: dnp.interp(z, xp, fp, period=4.2), xs)
    assert out.dtype == ref.dtype
    np.testing.assert_array_max_ulp(out, ref, maxulp=1)
    out, _ = _jvp(lambda z: dnp.interp(xs, xp, z, period=4.2), fp)
    np.testing.assert_array_max_ulp(out, ref, maxulp=1)
    # slope of the piece each point falls on (x wrapped into [0, 4.2) in float64)
    xw = np.mod(xs.astype(np.float64), 4.2)
    kx = np.concatenate([[xp[-1] - 4.2], xp, [xp[0] + 4.2]]).astype(np.float64)
    kf = np.concatenate([[fp[-1]], fp, [fp[0]]]).astype(np.float64)
    i = np.searchsorted(kx, xw) - 1
    np.testing.assert_allclose(t, (kf[i + 1] - kf[i]) / (kx[i + 1] - kx[i]), rtol=1e-12)


# --- 6. full reductions give NumPy scalars ---------------------------------------------
@pytest.mark.parametrize("fn,args", [("median", ()), ("nanmedian", ()), ("percentile", (30,)),
                                     ("quantile", (0.3,)), ("nanpercentile", (30,))])
def test_full_reduction_is_scalar(fn, args):
    x = R32 if fn.startswith("nan") else np.nan_to_num(R32)
    ref = getattr(np, fn)(x, *args)
    assert type(ref) is np.float32
    _same(getattr(dnp, fn)(x, *args), ref)
    out, t = _jvp(lambda z: getattr(dnp, fn)(z, *args), x)
    _same(out, ref)
    assert type(t) is np.float32 and t == 1.0


# --- 7. trapezoid takes lists and tuples -------------------------------------------------
@pytest.mark.parametrize("x", [[0., 1., 3., 4.], (0., 1., 3., 4.)])
def test_trapezoid_list_x(x):
    expected = np.array([0.5, 1.5, 1.5, 0.5])          # (x[i+1] - x[i-1]) / 2 at the ends
    g = ad.grad(lambda z: dnp.sum(dnp.trapezoid(z, x=x)))(np.ones((2, 4)))
    np.testing.assert_array_equal(g, np.broadcast_to(expected, (2, 4)))
    g = ad.grad(lambda z: np.sum(np.trapezoid(z, x=x)))(np.ones((2, 4)))
    np.testing.assert_array_equal(g, np.broadcast_to(expected, (2, 4)))
    y = np.array([1.0, 2.0, 4.0, 3.0])
    assert dnp.trapezoid(y, x=x) == np.trapezoid(y, x=x)


# --- 8. pad with traced (before, after) constant values ----------------------------------
def _pad_masks(shape, widths, nd_pairs):
    """NumPy's own placement of each constant value: pad with one-hot values."""
    out = []
    for k in range(nd_pairs):
        vals = np.zeros(nd_pairs)
        vals[k] = 1.0
        cv = vals.reshape(-1, 2) if nd_pairs > 2 else tuple(vals)
        out.append(np.pad(np.zeros(shape), widths, constant_values=cv))
    return np.stack(out, -1)


def test_pad_traced_pair():
    f = lambda c: dnp.pad(np.ones((2, 2)), 1, constant_values=(c[0], c[1]))  # noqa: E731
    c = np.array([2., 3.])
    np.testing.assert_array_equal(f(c), np.pad(np.ones((2, 2)), 1, constant_values=(2., 3.)))
    expected = _pad_masks((2, 2), 1, 2)
    np.testing.assert_array_equal(ad.jacfwd(f)(c), expected)
    np.testing.assert_array_equal(ad.jacrev(f)(c), expected)


def test_pad_traced_per_axis_pairs():
    base = np.arange(6.).reshape(2, 3)
    widths = ((1, 2), (2, 1))
    f = lambda c: dnp.pad(base, widths, constant_values=((c[0], c[1]), (c[2], c[3])))  # noqa
    c = np.array([2., 3., 5., 7.])
    np.testing.assert_array_equal(
        f(c), np.pad(base, widths, constant_values=((2., 3.), (5., 7.))))
    expected = _pad_masks((2, 3), widths, 4)
    np.testing.assert_array_equal(ad.jacfwd(f)(c), expected)
    np.testing.assert_array_equal(ad.jacrev(f)(c), expected)
    # float32 array: the constants are written in float32
    x32 = np.ones((2, 2), np.float32)
    out, t = ad.jvp(lambda z: dnp.pad(z, 1, constant_values=(z[0, 0], 4.0)), (x32,), (x32,))
    _same(out, np.pad(x32, 1, constant_values=(1.0, 4.0)))
    assert t.dtype == np.float32


# --- 9. error messages name the function called --------------------------------------------
@pytest.mark.parametrize("fn", ["percentile", "nanpercentile", "quantile", "nanquantile"])
def test_unsupported_argument_names_function(fn):
    with pytest.raises(NotImplementedError, match=rf"\b{fn}\b"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ad.jvp(lambda z: getattr(dnp, fn)(z, 0.3, out=np.empty((), np.float32)),
                   (A32,), (A32,))
    with pytest.raises(ValueError, match=rf"\b{fn}\b.*not a valid method"):
        ad.jvp(lambda z: getattr(dnp, fn)(z, 0.3, method="no_such"), (A32,), (A32,))


def test_nanvar_without_degrees_of_freedom_is_nan_as_numpy():
    x = np.array([[1.0, np.nan, 3.0], [2.0, 5.0, 7.0]])
    # NumPy warns for the row without degrees of freedom (warnings.warn, which
    # errstate does not silence): its reference value, expected
    with pytest.warns(RuntimeWarning, match="Degrees of freedom <= 0"):
        want = np.nanvar(x, axis=1, ddof=2)            # [nan, 12.67]: numpy sets NaN
    with np.errstate(all="ignore"):
        got = ad.jvp(lambda a: dnp.nanvar(a, axis=1, ddof=2), (x,), (np.ones_like(x),))[0]
        g = ad.grad(lambda a: dnp.nanvar(a, axis=1, ddof=2)[1])(x)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got[1], want[1], rtol=1e-15)
    # row 1 (2, 5, 7): d/dx var = 2 (x - mean) / (n - ddof), mean 14/3
    np.testing.assert_allclose(g[1], 2 * (x[1] - 14 / 3) / 1, rtol=1e-12)
    assert (g[0] == 0).all()


# --- cov / corrcoef dtype= -------------------------------------------------------------------
_C = np.random.default_rng(3).standard_normal((3, 5))
_AW = np.array([0.3, 1.2, 0.8, 2.0, 0.5])


_COV_KW = {"plain": {}, "y": dict(y=_C[:2] ** 2), "rowvar": dict(rowvar=False),
           "fweights": dict(fweights=[1, 2, 1, 3, 1]), "aweights": dict(aweights=_AW, ddof=0)}


@pytest.mark.parametrize("name, kw", [pytest.param(n, kw, id=f"{n}-{k}")
                                      for n in ("cov", "corrcoef") for k, kw in _COV_KW.items()
                                      if n == "cov" or "weights" not in k])   # corrcoef: no weights
@pytest.mark.parametrize("x", [_C, _C.astype(np.float32)], ids=["f64", "f32"])
@pytest.mark.parametrize("dtype", [None, np.float32, np.float64])
def test_cov_corrcoef_dtype(name, x, dtype, kw):
    """dtype= is the dtype of the result (float weights, which NumPy takes as
    float64, make it float64), plain and traced, in value and tangent."""
    want = getattr(np, name)(x, dtype=dtype, **kw)
    f = lambda z: getattr(dnp, name)(z, dtype=dtype, **kw)  # noqa: E731
    out, tan = ad.jvp(f, (x,), (x,))
    for got in (f(x), out, tan):
        assert got.dtype == want.dtype, (got.dtype, want.dtype)
    rtol = 1e-6 if want.dtype == np.float32 else 1e-13
    np.testing.assert_allclose(f(x), want, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(out, want, rtol=rtol, atol=rtol)
