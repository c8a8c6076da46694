"""Reductions, cumulative functions and statistics against NumPy / SciPy values,
closed-form derivatives, the documented conventions, and batched tangents."""
import numpy as np
import pytest
import scipy.special

import dualad as ad
import dualad.numpy as dnp
from dualad.forward.dual import jvp_flat
from dualad.reverse.tape import vjp_flat
from dualad.testing import check_grads

RNG = np.random.default_rng(1)
X = RNG.standard_normal((3, 4))


@pytest.mark.parametrize("ours, theirs, kw", [
    (dnp.var, np.var, dict(axis=(0, 1), ddof=1)),
    (dnp.std, np.std, dict(axis=0, keepdims=True)),
    (dnp.ptp, np.ptp, dict(axis=1)),
    (dnp.cumsum, np.cumsum, dict(axis=0)),
    (dnp.cumprod, np.cumprod, dict(axis=1)),
    (dnp.diff, np.diff, dict(n=2, axis=0, prepend=0.5)),
    (dnp.median, np.median, dict(axis=1)),
    (dnp.quantile, np.quantile, dict(q=[0.1, 0.5, 0.8], axis=0, keepdims=True)),
    (dnp.percentile, np.percentile, dict(q=35, method="nearest")),
    (dnp.cov, np.cov, dict(rowvar=False, ddof=0)),
    (dnp.corrcoef, np.corrcoef, {}),
    (dnp.average, np.average, dict(axis=1, weights=np.array([1.0, 2.0, 0.5, 1.0]))),
    (dnp.trapezoid, np.trapezoid, dict(x=np.array([0.0, 0.5, 2.0, 2.5]))),
])
def test_values_match_numpy(ours, theirs, kw):
    np.testing.assert_allclose(ours(X, **kw), theirs(X, **kw), rtol=1e-12, atol=1e-12)


def test_nan_family_values_and_zero_derivative_at_nan():
    x = X.copy()
    x[0, 1] = np.nan
    for ours, theirs in [(dnp.nansum, np.nansum), (dnp.nanmean, np.nanmean),
                         (dnp.nanvar, np.nanvar), (dnp.nanstd, np.nanstd),
                         (dnp.nanmax, np.nanmax), (dnp.nanmin, np.nanmin),
                         (dnp.nanprod, np.nanprod), (dnp.nanmedian, np.nanmedian),
                         (dnp.nancumsum, np.nancumsum)]:
        np.testing.assert_allclose(ours(x, axis=1), theirs(x, axis=1))
        g = ad.grad(lambda a: dnp.sum(ours(a, axis=1)))(x)
        assert np.all(np.isfinite(g)) and g[0, 1] == 0.0


def test_var_gradient_closed_form():
    x = X[0]
    g = ad.grad(lambda a: dnp.var(a, ddof=1))(x)
    np.testing.assert_allclose(g, 2 * (x - x.mean()) / (x.size - 1))


def test_std_at_zero_variance_is_zero_not_nan():
    g = ad.grad(lambda a: dnp.std(a))(np.full(3, 2.0))
    np.testing.assert_array_equal(g, 0.0)
    assert np.all(np.isfinite(ad.hessian(lambda a: dnp.std(a))(np.full(3, 2.0))))


def _all_modes(f, x):
    """f's Jacobian and Hessian-like second derivatives in every mode combination."""
    firsts = [ad.jacfwd(f)(x), ad.jacrev(f)(x)]
    seconds = [ad.jacfwd(ad.jacfwd(f))(x), ad.jacfwd(ad.jacrev(f))(x),
               ad.jacrev(ad.jacfwd(f))(x), ad.jacrev(ad.jacrev(f))(x)]
    return firsts, seconds


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("f, x", [
    (dnp.nanstd, np.array([np.nan, np.nan])),                        # all NaN
    (lambda a: dnp.nanstd(a, ddof=1), np.array([np.nan, 2.0])),      # no dof left
    (lambda a: dnp.nanstd(a, axis=1),
     np.array([[np.nan] * 3, [1.0, 2.0, 4.0], [np.nan, 3.0, 3.0]])),  # mixed rows
    (dnp.std, np.full(3, 2.0)),                                      # zero variance
    (lambda a: dnp.std(a, axis=1), np.array([[2.0, 2.0], [1.0, 3.0]])),
])
def test_std_zero_and_nan_variance_same_in_every_mode(f, x):
    """Forward mode agrees with reverse mode (derivative 0, no NaN) where the
    variance is 0 or NaN, to second order; the finite slices are unaffected."""
    (jf, jr), seconds = _all_modes(f, x)
    np.testing.assert_allclose(jf, jr, rtol=1e-14, atol=0)
    np.testing.assert_array_equal(jf == 0, jr == 0)
    assert np.all(np.isfinite(jf)) and np.all(np.isfinite(jr))
    for h in seconds:
        assert np.all(np.isfinite(h))
        np.testing.assert_allclose(h, seconds[-1], rtol=1e-12, atol=1e-15)
    _, t = ad.jvp(f, (x,), (np.ones_like(x),))
    np.testing.assert_allclose(t, np.sum(jr.reshape(np.shape(t) + (-1,)), axis=-1),
                               atol=1e-15)
    assert np.all(np.isfinite(ad.hessian(lambda a: dnp.sum(f(a)))(x)))


def test_nanstd_finite_slice_derivative_unchanged():
    x = np.array([[np.nan] * 3, [1.0, 2.0, 4.0]])
    jac = ad.jacfwd(lambda a: dnp.nanstd(a, axis=1))(x)
    r = x[1]
    np.testing.assert_allclose(jac[1, 1], (r - r.mean()) / (r.size * r.std()), rtol=1e-14)
    np.testing.assert_array_equal(jac[0], 0.0)
    np.testing.assert_array_equal(jac[1, 0], 0.0)


def test_cumprod_exact_at_zeros():
    x = np.array([2.0, 0.0, 3.0, 0.0, 5.0])
    jac = ad.jacobian(lambda a: dnp.cumprod(a))(x)
    # d cumprod_i / d x_j = prod_{k <= i, k != j} x_k
    expected = np.array([[np.prod([x[k] for k in range(i + 1) if k != j]) if j <= i else 0.0
                          for j in range(5)] for i in range(5)])
    np.testing.assert_array_equal(jac, expected)
    check_grads(lambda a: dnp.cumprod(a), (x,), order=2)


def test_median_ties_and_even_count():
    g = ad.grad(dnp.median)(np.array([4.0, 1.0, 3.0, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.5, 0.5])
    g = ad.grad(dnp.median)(np.array([1.0, 2.0, 2.0, 5.0, 0.0]))
    assert g.sum() == 1.0 and np.all(np.isfinite(g))


def test_quantile_derivative_in_q():
    x = np.array([0.0, 1.0, 4.0, 9.0])
    # position q (n - 1) = 3q: between 1 and 4 for q in (1/3, 2/3), slope 3 * (4 - 1)
    assert float(ad.grad(lambda q: dnp.quantile(x, q))(0.5)) == pytest.approx(9.0)


@pytest.mark.parametrize("name", ["quantile", "percentile", "nanquantile", "nanpercentile"])
@pytest.mark.parametrize("method", ["linear", "lower", "higher", "nearest", "midpoint"])
def test_quantile_nd_q_matches_numpy_and_differentiates(name, method):
    """q of up to 2 dimensions, as NumPy: the result has shape q.shape + the reduced
    shape; a 3-d q raises NumPy's ValueError, traced or not."""
    ours, theirs = getattr(dnp, name), getattr(np, name)
    q = np.array([[0.1, 0.5, 0.9], [0.25, 0.3, 1.0]]) * (100 if "per" in name else 1)
    for kw in [{}, dict(axis=1), dict(axis=0, keepdims=True)]:
        got, want = ours(X, q, method=method, **kw), theirs(X, q, method=method, **kw)
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    jac = ad.jacobian(lambda a: ours(a, q, axis=1, method=method))(X)
    assert jac.shape == (2, 3, 3) + X.shape
    np.testing.assert_array_equal(jac.sum(axis=(-2, -1)), 1.0)     # weights sum to 1
    check_grads(lambda a: ours(a, q, axis=1, method=method), (X,), order=1)
    if method == "linear":
        check_grads(lambda qq: ours(X, qq, axis=0), (q * 0.9 + 0.013,), order=1)
    with pytest.raises(ValueError, match="q must be a scalar or 1d"):
        theirs(X, q[None])
    with pytest.raises(ValueError, match="q must be a scalar or 1d"):
        ad.grad(lambda a: dnp.sum(ours(a, q[None], method=method)))(X)


ALL_METHODS = ["inverted_cdf", "averaged_inverted_cdf", "closest_observation",
               "interpolated_inverted_cdf", "hazen", "weibull", "linear", "median_unbiased",
               "normal_unbiased", "lower", "higher", "midpoint", "nearest"]
CONTINUOUS = ["interpolated_inverted_cdf", "hazen", "weibull", "linear", "median_unbiased",
              "normal_unbiased"]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("name", ["quantile", "percentile", "nanquantile", "nanpercentile"])
@pytest.mark.parametrize("method", ALL_METHODS)
def test_quantile_every_numpy_method(name, method):
    """Every NumPy method: plain input is NumPy's own result; traced input gives the
    same values and dtypes, a gather (weights summing to 1) in a, and for the
    continuous methods the slope n + 1 - alpha - beta of the virtual index in q."""
    ours, theirs = getattr(dnp, name), getattr(np, name)
    s = 100 if "per" in name else 1
    x = np.array([[0.3, -1.2, 2.5, 0.7, 1.1], [4.0, np.nan, -2.0, 0.5, 3.0]])
    if not name.startswith("nan"):
        x = x[:, [0, 2, 3, 4]]
    q = np.array([0.0, 0.04, 0.3, 0.5, 0.77, 1.0]) * s
    for qq in (q, 0.3 * s, np.float32(0.6) * s):
        for kw in ({}, dict(axis=1), dict(axis=0, keepdims=True)):
            want = theirs(x, qq, method=method, **kw)
            plain = ours(x, qq, method=method, **kw)
            traced = ad.jvp(lambda a: ours(a, qq, method=method, **kw), (x,), (x,))
            for got in (plain, traced[0]):
                assert np.shape(got) == np.shape(want)
                assert np.result_type(got) == np.result_type(want)
                np.testing.assert_array_equal(got, want)
    jac = ad.jacobian(lambda a: ours(a, q, axis=1, method=method))(x)
    np.testing.assert_allclose(jac.sum(axis=(-2, -1)), 1.0, rtol=1e-14)
    check_grads(lambda a: ours(a, q[1:-1], axis=1, method=method), (x,), order=1)
    qi = np.array([0.13, 0.41, 0.66, 0.91]) * s
    if method in CONTINUOUS:
        check_grads(lambda qq: ours(x, qq, axis=1, method=method), (qi,), order=1)
        check_grads(lambda a, qq: ours(a, qq, axis=1, method=method), (x, qi), order=2)
    else:
        np.testing.assert_array_equal(
            ad.jacobian(lambda qq: ours(x, qq, axis=1, method=method))(qi), 0.0)


@pytest.mark.parametrize("name", ["quantile", "percentile", "nanquantile", "nanpercentile"])
def test_quantile_weights(name):
    """weights= (NumPy: method='inverted_cdf' only): the weighted order statistic, a
    gather in a and constant in the weights; NumPy's errors otherwise."""
    ours, theirs = getattr(dnp, name), getattr(np, name)
    s = 100 if "per" in name else 1
    x = RNG.permutation(np.arange(24.0)).reshape(2, 3, 4) * 0.3
    q = np.array([0.1, 0.45, 0.8]) * s
    cases = [dict(axis=-1, weights=np.abs(x) + 0.1), dict(weights=np.abs(x))]
    if not name.startswith("nan"):      # NumPy's nanquantile fails on weights along axis
        cases += [dict(axis=1, weights=np.array([1.0, 0.0, 2.0])),
                  dict(axis=(2, 0), weights=RNG.random((4, 2)))]
    for kw in cases:
        want = theirs(x, q, method="inverted_cdf", **kw)
        f = lambda a: ours(a, q, method="inverted_cdf", **kw)  # noqa: E731
        val, tan = ad.jvp(f, (x,), (x,))
        np.testing.assert_array_equal(val, want)
        np.testing.assert_array_equal(tan, want)      # tangent x: the picked entries
        check_grads(f, (x,), order=1)
        w = kw["weights"]
        kw2 = {k: v for k, v in kw.items() if k != "weights"}
        np.testing.assert_array_equal(ad.jacobian(
            lambda ww: ours(x, q, method="inverted_cdf", weights=ww, **kw2))(w), 0.0)
    for bad, err in [(dict(method="hazen", weights=np.ones(4)), "Only method"),
                     (dict(method="inverted_cdf", weights=-np.ones(4)), "non-negative")]:
        with pytest.raises(ValueError, match=err):
            theirs(x, q, axis=-1, **bad)
        with pytest.raises(ValueError, match=err):
            ad.grad(lambda a: dnp.sum(ours(a, q, axis=-1, **bad)))(x)


def test_logsumexp_matches_scipy_and_softmax():
    for kw in [dict(axis=1), dict(axis=None), dict(axis=0, keepdims=True),
               dict(axis=1, b=np.array([1.0, -0.5, 2.0, 0.1]), return_sign=True)]:
        ours, theirs = dnp.logsumexp(X, **kw), scipy.special.logsumexp(X, **kw)
        np.testing.assert_allclose(ours, theirs)
    g = ad.grad(lambda a: dnp.logsumexp(a))(X[0])
    np.testing.assert_allclose(g, scipy.special.softmax(X[0]))
    assert float(dnp.logsumexp(np.array([1000.0, 1000.0]))) == pytest.approx(1000 + np.log(2))


def test_average_weights_differentiable():
    w = np.array([1.0, 2.0, 3.0, 4.0])
    x = X[0]
    gw = ad.grad(lambda ww: dnp.average(x, weights=ww))(w)
    np.testing.assert_allclose(gw, (x - np.average(x, weights=w)) / w.sum())


def test_value_only_functions_trace():
    def f(a):
        i = dnp.argmax(a, axis=1)
        assert isinstance(i, np.ndarray) and dnp.all(a > -10) and not dnp.any(a > 10)
        return dnp.sum(a[np.arange(3), i]) + dnp.count_nonzero(a > 0) * 0.0
    g = ad.grad(f)(X)
    np.testing.assert_array_equal(g, np.eye(4)[np.argmax(X, axis=1)])


@pytest.mark.parametrize("f", [
    lambda a: dnp.cumsum(a, axis=0), lambda a: dnp.cumprod(a, axis=1),
    lambda a: dnp.std(a, axis=1, ddof=1), lambda a: dnp.logsumexp(a, axis=0),
    lambda a: dnp.median(a, axis=1), lambda a: dnp.var(a, axis=(0, 1)),
])
@pytest.mark.parametrize("zeros", [False, True])
def test_batched_tangents_and_cotangents(f, zeros):
    x = np.where(np.abs(X) < 0.5, 0.0, X) if zeros else X
    k = 3
    T = RNG.standard_normal((k,) + x.shape)
    _, (tb,) = jvp_flat(lambda xs: [f(xs[0])], [x], [T])
    for i in range(k):
        _, (ti,) = jvp_flat(lambda xs: [f(xs[0])], [x], [T[i]])
        np.testing.assert_allclose(tb[i], ti, atol=1e-12)
    (out,), back = vjp_flat(lambda xs: [f(xs[0])], [x])
    G = RNG.standard_normal((k,) + np.shape(out))
    (gb,) = back([G])
    for i in range(k):
        (out,), back1 = vjp_flat(lambda xs: [f(xs[0])], [x])
        (gi,) = back1([G[i]])
        np.testing.assert_allclose(gb[i], gi, atol=1e-12)


def test_numpy_dispatch_reaches_our_functions():
    g = ad.grad(lambda a: np.sum(np.cumsum(a)) + np.std(a) + np.median(a) + np.ptp(a))(X[0])
    assert np.all(np.isfinite(g))


# --- prod / cumprod: higher derivatives at small entries --------------------------
def _others(x, skip):
    return np.prod([x[k] for k in range(len(x)) if k not in skip])


_SMALL = np.array([2.0, 1e-12, 3.0, -0.5])
_DIR = np.array([0.13, -0.13, 0.64, 0.3])
_C = np.array([1.0, -2.0, 3.0, 0.7])


def _second_orders(f):
    return {"hvp": lambda x, v: ad.hvp(f, (x,), (v,)),
            "jacfwd(grad)": lambda x, v: ad.jacfwd(ad.grad(f))(x) @ v,
            "jacrev(jacfwd)": lambda x, v: ad.jacrev(ad.jacfwd(f))(x) @ v,
            "jacrev(grad)": lambda x, v: ad.jacrev(ad.grad(f))(x) @ v}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_prod_and_cumprod_second_derivatives_exact_at_small_entries(dtype):
    """Closed forms: d2 prod / dx_a dx_b is the product of the entries other
    than a and b; for sum(c * cumprod(x)) it is sum over i >= max(a, b) of
    c_i times the product of x_k, k <= i, k not a or b.  A quotient form of
    the rules loses 1e-5 relative here in float64 (1 in float32)."""
    x, v, c = (_SMALL.astype(dtype), _DIR.astype(dtype), _C.astype(dtype))
    if dtype is np.float32:
        x = np.array([1.0, 5.9604645e-08, 3.0, -0.5], dtype)
    n = len(x)
    xd = x.astype(np.float64)
    h_prod = np.array([[0.0 if a == b else _others(xd, (a, b)) for b in range(n)] for a in range(n)])
    h_cum = np.array([[0.0 if a == b else sum(c[i] * np.prod([xd[k] for k in range(i + 1)
                                                              if k not in (a, b)])
                                              for i in range(max(a, b), n))
                       for b in range(n)] for a in range(n)])
    rtol = 1e-14 if dtype is np.float64 else 1e-6
    for f, h in ((dnp.prod, h_prod), (lambda x: dnp.sum(dnp.cumprod(x) * c), h_cum)):
        want = h @ v.astype(np.float64)
        for name, how in _second_orders(f).items():
            got = how(x, v)
            assert got.dtype == dtype, name
            np.testing.assert_allclose(got, want, rtol=rtol, atol=0, err_msg=name)


def test_prod_third_derivative_exact_at_small_and_zero_entries():
    """d3 prod / dx_a dx_b dx_c = product of the other entries (a, b, c distinct)."""
    for x in (np.array([2.0, 1e-12, 3.0, -0.5, 1e-9]), np.array([2.0, 0.0, 3.0, 0.0, 0.0])):
        t3 = ad.jacfwd(ad.jacrev(ad.grad(dnp.prod)))(x)
        n = len(x)
        for a in range(n):
            for b in range(n):
                for c in range(n):
                    want = _others(x, (a, b, c)) if len({a, b, c}) == 3 else 0.0
                    assert t3[a, b, c] == pytest.approx(want, rel=1e-14, abs=0), (x, a, b, c)


def test_cumprod_with_zeros_has_exact_first_and_second_derivatives_on_long_axes():
    """The zero path is a product scan, O(n log n): n = 2000 with zeros works and
    matches the closed form d cumprod_i / dx_j = prod_{k <= i, k != j} x_k."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0.9, 1.1, 2000)
    x[[10, 700]] = 0.0
    g = ad.grad(lambda x: dnp.sum(dnp.cumprod(x)))(x)
    # closed form with prefix/suffix products: the zeros leave few nonzero terms
    want = np.array([sum(np.prod(np.delete(x[:i + 1], j)) for i in range(j, min(len(x), 701)))
                     for j in range(0, 11)])
    np.testing.assert_allclose(g[:11], want, rtol=1e-12)
    assert np.all(g[11:700] == 0) and np.all(g[701:] == 0)


# --- prod / cumprod: a product that underflows while its partial products do not ---
_TINY = np.array([1e-200, 3.0, 1e-150, 2.0, 0.5])


def _first_orders(f):
    n = 5
    eye = np.eye(n)
    return {"grad": lambda x: ad.grad(f)(x),
            "jvp": lambda x: np.array([ad.jvp(f, (x,), (eye[i],))[1] for i in range(n)]),
            "jacfwd": lambda x: ad.jacfwd(f)(x)}


def test_prod_and_cumprod_derivatives_where_the_product_underflows():
    """prod(x) = 3e-350 underflows to 0, but d prod / dx_0 (the product of the
    other entries) is 3e-150 and d prod / dx_2 is 3e-200; the O(n) quotient
    form (the product over x_j) gave 0 for all, and cumprod's quotient form
    lost every term past its first underflowing entry.  Closed forms, each
    product taken in Python floats with the large factors first, so that it
    underflows only where the result itself does."""
    x = _TINY
    n = len(x)

    def others(skip):
        # the product of the kept entries, the large ones first: no underflow
        # on the way to a representable result
        kept = sorted((x[k] for k in range(n) if k not in skip), key=abs, reverse=True)
        r = 1.0
        for v in kept:
            r *= v
        return r

    g_prod = np.array([others((j,)) for j in range(n)])
    assert g_prod[0] == pytest.approx(3e-150, abs=0) and g_prod[2] == pytest.approx(3e-200, abs=0)
    assert g_prod[1] == g_prod[3] == g_prod[4] == 0.0      # 1e-350 and less: underflow
    h_prod = np.array([[0.0 if a == b else others((a, b)) for b in range(n)] for a in range(n)])
    assert h_prod[0, 2] == 3.0 and h_prod[0, 1] == 1e-150 and h_prod[1, 3] == 0.0
    # sum(cumprod(x)): d/dx_j = sum over i >= j of prod_{k <= i, k != j} x_k
    g_cum = np.array([sum(others((j,) + tuple(range(i + 1, n))) for i in range(j, n))
                      for j in range(n)])
    h_cum = np.array([[0.0 if a == b else
                       sum(others((a, b) + tuple(range(i + 1, n))) for i in range(max(a, b), n))
                       for b in range(n)] for a in range(n)])
    # x0 + x0 x2 + ..., and x0 x1 (1 + x3 + x3 x4): past cumprod's first zero
    assert g_cum[1] == pytest.approx(1e-200, abs=0) and g_cum[2] == pytest.approx(1.2e-199, abs=0)
    for f, g, h in ((dnp.prod, g_prod, h_prod),
                    (lambda v: dnp.sum(dnp.cumprod(v)), g_cum, h_cum)):
        for name, how in _first_orders(f).items():
            np.testing.assert_allclose(how(x), g, rtol=1e-14, atol=0, err_msg=name)
        for name, how in _second_orders(f).items():
            for i in range(n):
                e = np.eye(n)[i]
                np.testing.assert_allclose(how(x, e), h @ e, rtol=1e-14, atol=0,
                                           err_msg=f"{name} column {i}")
        np.testing.assert_allclose(ad.hessian(f)(x), h, rtol=1e-14, atol=0)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_cumprod_and_prod_where_a_later_product_overflows():
    """cumprod([2, 3, 1e200, 1e200]) ends in inf, but a loss that reads only
    the first two entries has the finite gradient (x1 + 1, x0, 0, 0); a zero
    cotangent times an infinite partial product gave NaN.  Likewise prod's
    JVP along e_0 at (1e200, 1e200, 0.5, 3) is x1 x2 x3 = 1.5e200 although
    the products of the others at x2, x3 are inf (a zero tangent times inf
    gave NaN for every direction).  Closed forms."""
    x = np.array([2.0, 3.0, 1e200, 1e200])
    head = lambda v: dnp.sum(dnp.cumprod(v)[:2])          # noqa: E731
    np.testing.assert_array_equal(ad.grad(head)(x), [4.0, 2.0, 0.0, 0.0])
    # rows of the Jacobian: d cumprod_i / dx_j = prod_{k <= i, k != j} x_k (0 for j > i)
    want = np.array([[1.0, 0, 0, 0], [3.0, 2.0, 0, 0], [3e200, 2e200, 6.0, 0],
                     [np.inf, np.inf, 6e200, 6e200]])
    for jac in (ad.jacrev, ad.jacfwd):
        got = jac(dnp.cumprod)(x)
        assert not np.isnan(got).any()
        np.testing.assert_allclose(got, want, rtol=1e-15, atol=0)
    y = np.array([1e200, 1e200, 0.5, 3.0])
    for i, truth in enumerate([1.5e200, 1.5e200, np.inf, np.inf]):
        e = np.eye(4)[i]
        np.testing.assert_allclose(ad.jvp(dnp.prod, (y,), (e,))[1], truth, rtol=1e-15)
    np.testing.assert_allclose(ad.jacfwd(dnp.prod)(y), [1.5e200, 1.5e200, np.inf, np.inf],
                               rtol=1e-15)


def test_cumprod_and_prod_with_tiny_cotangents_and_tangents():
    """The quotient forms of cumprod's rules scaled first (g * cumprod(x),
    t / x) and divided or multiplied after: with a cotangent of 1e-200 and
    x = (1e-150, 2), g * cumprod(x) underflows to 0, but the gradient of
    1e-200 * sum(cumprod(x)) is 1e-200 (1 + x1) = 3e-200 in x0.  Also the
    reverse-over-reverse Hessian of prod at (1e-300, 1e300, 1e-300, 4),
    whose entry (1, 0) is x2 x3 = 4e-300 (it was 0, and the Hessian
    asymmetric).  Closed forms."""
    x = np.array([1e-150, 2.0])
    g = ad.grad(lambda v: dnp.sum(1e-200 * dnp.cumprod(v)))(x)
    np.testing.assert_allclose(g, [3e-200, 0.0], rtol=1e-15, atol=0)
    # forward: d/ds cumprod(x + s t) with t = (1e-300, 0) at x = (1e100, 2) is
    # (1e-300, 2e-300); t / x = 1e-400 underflows in the quotient form
    _, dy = ad.jvp(dnp.cumprod, (np.array([1e100, 2.0]),), (np.array([1e-300, 0.0]),))
    np.testing.assert_allclose(dy, [1e-300, 2e-300], rtol=1e-15, atol=0)
    y = np.array([1e-300, 1e300, 1e-300, 4.0])
    h = np.array([[0.0, 4e-300, 4e300, 1.0],
                  [4e-300, 0.0, 4e-300, 0.0],        # x0 x2 = 1e-600 underflows
                  [4e300, 4e-300, 0.0, 1.0],
                  [1.0, 0.0, 1.0, 0.0]])
    for name, hess in (("rev-over-rev", ad.jacrev(ad.grad(dnp.prod))),
                       ("fwd-over-rev", ad.hessian(dnp.prod)),
                       ("fwd-over-fwd", ad.jacfwd(ad.jacfwd(dnp.prod)))):
        np.testing.assert_allclose(hess(y), h, rtol=1e-14, atol=0, err_msg=name)
