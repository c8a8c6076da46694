"""The scipy.special additions of _basic.py and _cdf.py: the elementary ufuncs
(expm1, log1p, exp2, exp10, cbrt, round, softplus, sinc), comb / perm /
factorial*, jn / yn / kn, the Bessel derivatives jvp ... h2vp, betaincc and the
distribution helpers (gdtr ... nrdtrisd); and the message of a missing method
of a dualad.scipy.stats distribution.

Truths: SciPy's own values (equal to the last bit, dtype and shape), SciPy's
``jvp(v, z, n + 1)`` for the derivative of ``jvp(v, z, n)`` (and likewise for
the other Bessel derivatives), and Richardson-extrapolated central differences
of SciPy's functions (first derivatives; second derivatives as differences of
differences, with looser tolerances)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.special as ss

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import special as dsp

from ._derivatives import richardson, same, traced_value

pytestmark = [pytest.mark.filterwarnings("ignore::RuntimeWarning"),
              # SciPy's own, for the non-integer counts n of bdtr (truncated as SciPy does)
              pytest.mark.filterwarnings("ignore:non-integer arg n:DeprecationWarning")]


def _in_arg(fn, args, i):
    """``fn`` as a function of its argument ``i`` alone, the others fixed at ``args``."""
    def g(v):
        a = list(args)
        a[i] = v
        return fn(*a)
    return g


def _fwd_rev(f, x):
    """(forward, reverse) derivative of the element-wise scalar function ``f`` at ``x``."""
    fwd = ad.jvp(f, (x,), (np.ones_like(x),))[1]
    rev = ad.grad(lambda v: dnp.sum(f(v)))(x)
    return fwd, rev


def _rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300))


# --- elementary ufuncs ---------------------------------------------------------------
ELEMENTARY = [("expm1", np.exp), ("log1p", lambda x: 1 / (1 + x)),
              ("exp2", lambda x: np.log(2) * 2 ** x), ("exp10", lambda x: np.log(10) * 10 ** x),
              ("cbrt", lambda x: 1 / (3 * np.cbrt(x) ** 2)),
              ("softplus", ss.expit)]


@pytest.mark.parametrize("name,deriv", ELEMENTARY)
def test_elementary_values_and_derivatives(name, deriv):
    f, ref = getattr(dsp, name), getattr(ss, name)
    x = np.array([-0.7, 0.3, 1.7, 2.9])
    same(traced_value(f, x), ref(x))
    same(f(x), ref(x))
    fwd, rev = _fwd_rev(f, x)
    fd = richardson(ref, x, 1e-3)
    assert _rel(fwd, fd) < 1e-10 and _rel(rev, fd) < 1e-10
    np.testing.assert_allclose(fwd, deriv(x), rtol=1e-14)
    # second derivative: jacfwd(jacrev) and hessian against differences of f'
    h = ad.hessian(lambda v: dnp.sum(f(v)))(x)
    d2 = richardson(deriv, x, 1e-3)
    np.testing.assert_allclose(np.diag(h), d2, rtol=1e-9)
    np.testing.assert_array_equal(h - np.diag(np.diag(h)), 0)
    h2 = ad.jacfwd(ad.jacrev(lambda v: dnp.sum(f(v))))(x)
    np.testing.assert_allclose(h2, h, rtol=1e-14)
    # float32 keeps float32; plain scipy.special ufuncs on traced values reach these
    x32 = x.astype(np.float32)
    same(traced_value(f, x32), ref(x32))
    assert ad.grad(lambda v: dnp.sum(f(v)))(x32).dtype == np.float32
    np.testing.assert_array_equal(ad.grad(lambda v: np.sum(ref(v)))(x), rev)


def test_softplus_tails_and_keywords():
    x = np.array([-40.0, -5.0, 0.0, 5.0, 40.0, 800.0])
    same(traced_value(dsp.softplus, x), ss.softplus(x))
    fwd, rev = _fwd_rev(dsp.softplus, x)
    np.testing.assert_allclose(fwd, ss.expit(x), rtol=1e-15)     # 4.25e-18 at -40
    np.testing.assert_allclose(rev, ss.expit(x), rtol=1e-15)
    out = np.empty(6)
    dsp.softplus(x, out=out)                                      # plain: SciPy's keywords
    same(out, ss.softplus(x))
    with pytest.raises(NotImplementedError, match="softplus.*'out'"):
        ad.grad(lambda v: dsp.softplus(v, out=np.empty(())))(1.0)


def test_round_sinc_cbrt_at_zero():
    x = np.array([0.5, 1.5, 2.5, -0.5, 2.6])
    same(dsp.round(x), ss.round(x))
    assert float(ad.grad(lambda v: v * dsp.round(v))(2.6)) == 3.0        # d/dx (x * 3)
    np.testing.assert_array_equal(_fwd_rev(dsp.round, x)[1], 0.0)
    assert dsp.sinc is dnp.sinc and ss.sinc is np.sinc
    # cbrt' is infinite at 0: a zero tangent stays zero off the diagonal
    J = ad.jacfwd(dsp.cbrt)(np.array([0.0, 8.0]))
    assert J[0, 0] == np.inf and J[1, 0] == 0 and J[0, 1] == 0 and J[1, 1] == 1 / 12


# --- comb, perm, factorial -----------------------------------------------------------
N = np.array([5.0, 7.5, 3.0, -1.0, 4.0, 2.0, 6.0])
K = np.array([2.0, 3.2, 4.0, 1.0, -1.0, 0.0, 6.0])
INSIDE = np.array([True, True, False, False, False, False, False])   # smooth around these


@pytest.mark.parametrize("fname,kw", [("comb", {}), ("comb", {"repetition": True}),
                                      ("perm", {})])
def test_comb_perm(fname, kw):
    f, ref = getattr(dsp, fname), getattr(ss, fname)
    want = ref(N, K, **kw)
    same(traced_value(lambda n: f(n, K, **kw), N), want)
    same(traced_value(lambda k: f(N, k, **kw), K), want)
    for argnum in (0, 1):
        def g(v):
            return f(v, K, **kw) if argnum == 0 else f(N, v, **kw)

        def r(v):
            return ref(v, K, **kw) if argnum == 0 else ref(N, v, **kw)
        fwd, rev = _fwd_rev(g, (N, K)[argnum])
        fd = richardson(r, (N, K)[argnum], 1e-3)
        m = INSIDE if fname != "comb" or not kw else np.array([1, 1, 1, 0, 0, 0, 1], bool)
        assert _rel(fwd[m], fd[m]) < 1e-9 and _rel(rev[m], fd[m]) < 1e-9
        # outside 0 <= k <= N: the constant 0 (with repetition=True SciPy's value there
        # is binom's, whose k-derivative at negative integer k is NaN in dualad: not
        # checked)
        zero = (want == 0) & ~np.isnan(want) & (not kw)
        np.testing.assert_array_equal(fwd[zero], 0.0)
        np.testing.assert_array_equal(rev[zero], 0.0)
    # second derivative in N inside the range
    n0 = 7.5
    h = ad.hessian(lambda n: f(n, 3.2, **kw))(n0)
    d2 = richardson(lambda n: richardson(lambda m: ref(m, 3.2, **kw), n, 1e-3), n0, 1e-2)
    np.testing.assert_allclose(h, d2, rtol=1e-6)


def test_comb_perm_exact_and_scalars():
    assert dsp.comb(10, 3, exact=True) == 120 and dsp.perm(10, 3, exact=True) == 720
    assert dsp.comb(10, 3, exact=True, repetition=True) == 220
    np.testing.assert_allclose(ad.grad(lambda n: dsp.perm(n, 2.0))(5.0), 9.0,  # (N (N-1))'
                               rtol=1e-14)
    with pytest.raises(TypeError, match="exact=True.*exact=False"):
        ad.grad(lambda n: dsp.comb(n, 2, exact=True))(5.0)
    with pytest.raises(TypeError, match="perm.*exact=True"):
        ad.grad(lambda n: dsp.perm(n, 2, exact=True))(5.0)


def test_factorials():
    n = np.array([0.0, 1.0, 2.5, -0.5, -1.0, 3.0, 200.0, np.nan])
    for ext in ("zero", "complex"):
        want = ss.factorial(n, extend=ext)
        got = traced_value(lambda v: dsp.factorial(v, extend=ext), n)
        np.testing.assert_array_equal(got, want)
        assert got.dtype == want.dtype
    fwd, rev = _fwd_rev(dsp.factorial, n)
    inner = np.array([0, 1, 1, 0, 0, 1, 0, 0], bool)   # 0: a jump to 0 at n < 0
    fd = richardson(ss.factorial, n[inner], 1e-3)
    assert _rel(fwd[inner], fd) < 1e-9 and _rel(rev[inner], fd) < 1e-9
    assert fwd[3] == 0 and fwd[4] == 0 and fwd[6] == np.inf          # n < 0: 0; 200! = inf
    # factorial2 / factorialk: SciPy's complex extension, differentiable in n
    m = np.array([0.5, 1.0, 2.5, 3.0, 7.0, -0.5])
    for f, ref in ((lambda v: dsp.factorial2(v, extend="complex"),
                    lambda v: ss.factorial2(v, extend="complex")),
                   (lambda v: dsp.factorialk(v, 3, extend="complex"),
                    lambda v: ss.factorialk(v, 3, extend="complex"))):
        np.testing.assert_array_equal(traced_value(f, m), ref(m))
        fwd, rev = _fwd_rev(f, m)
        fd = richardson(ref, m, 1e-3)
        assert _rel(fwd, fd) < 1e-9 and _rel(rev, fd) < 1e-9
    # extend='zero' takes integers only in SciPy, so a traced (floating) n raises its error
    with pytest.raises(ValueError, match="extend='complex'"):
        ad.grad(dsp.factorial2)(3.0)
    with pytest.raises(TypeError, match="exact=True"):
        ad.grad(lambda v: dsp.factorial(v, exact=True))(3.0)
    assert dsp.factorial(5, exact=True) == 120
    assert ad.grad(dsp.factorial)(np.float32(2.5)).dtype == np.float32


# --- Bessel functions -----------------------------------------------------------------
def test_jn_yn_kn():
    x = np.array([0.5, 1.7, 4.2, 9.0])
    n = np.array([[0], [1], [3]])
    assert dsp.jn is dsp.jv
    for f, ref in ((dsp.yn, ss.yn), (dsp.kn, ss.kn)):
        same(traced_value(lambda v: f(n, v), x), ref(n, x))
        fwd = ad.jvp(lambda v: f(n, v), (x,), (np.ones(4),))[1]
        rev = ad.jacrev(lambda v: f(n, v))(x)
        fd = richardson(lambda v: ref(n, v), x, 1e-3)
        assert _rel(fwd, fd) < 1e-9
        np.testing.assert_allclose(np.einsum("kii->ki", rev), fwd, rtol=1e-14)
    # the order is an integer: derivative 0 (the value is truncated as SciPy does)
    assert float(ad.grad(lambda v: dsp.yn(v, 2.0), argnums=0)(2.0)) == 0.0


BESSEL_P = [("jvp", [0.0, 1.5, 2.0]), ("yvp", [0.0, 1.5, 2.0]), ("ivp", [0.0, 1.5, 2.0]),
            ("kvp", [0.0, 1.5, 2.0]), ("h1vp", [0.0, 1.5]), ("h2vp", [0.0, 1.5])]


@pytest.mark.parametrize("name,orders", BESSEL_P)
def test_bessel_derivatives(name, orders):
    f, ref = getattr(dsp, name), getattr(ss, name)
    v = np.array(orders)[:, None]
    z = np.array([0.4, 1.7, 4.2, 11.0])
    for n in range(4):
        same(traced_value(lambda s: f(v, s, n), z), ref(v, z, n))
        fwd = ad.jvp(lambda s: f(v, s, n), (z,), (np.ones(4),))[1]
        np.testing.assert_allclose(fwd, ref(v, z, n + 1), rtol=1e-13, atol=1e-300)
        # second derivative, forward over forward
        d2 = ad.jvp(lambda s: ad.jvp(lambda t: f(v, t, n), (s,), (np.ones(4),))[1],
                    (z,), (np.ones(4),))[1]
        np.testing.assert_allclose(d2, ref(v, z, n + 2), rtol=1e-12)
    if name not in ("h1vp", "h2vp"):          # real: reverse mode and hessian
        g = ad.grad(lambda s: dnp.sum(f(1.5, s, 2)))(z)
        np.testing.assert_allclose(g, ref(1.5, z, 3), rtol=1e-13)
        h = ad.hessian(lambda s: f(1.5, s))(2.3)
        np.testing.assert_allclose(h, ref(1.5, 2.3, 3), rtol=1e-13)
        # an independent check of SciPy's recurrence itself
        np.testing.assert_allclose(ref(1.5, z, 1), richardson(lambda s: ref(1.5, s, 0), z, 1e-3),
                                   rtol=1e-9)
    else:                                      # complex z, holomorphic: f' t
        zc = np.array([0.7 + 0.4j, 2.0 - 1.0j])
        same(traced_value(lambda s: f(1.5, s, 1), zc), ref(1.5, zc, 1))
        fwd = ad.jvp(lambda s: f(1.5, s, 1), (zc,), (np.ones(2, complex),))[1]
        np.testing.assert_allclose(fwd, ref(1.5, zc, 2), rtol=1e-13)
    with pytest.raises(NotImplementedError, match=f"{name}.*'v'"):
        ad.jvp(lambda s: f(s, 2.0), (1.5,), (1.0,))
    with pytest.raises(ValueError, match="non-negative integer"):
        f(1.5, ad.jvp(lambda s: s, (2.0,), (1.0,))[0], -1)
    with pytest.raises(TypeError, match="non-negative integer"):
        ad.grad(lambda s: f(1.5, s, 1.0))(2.0)


def test_bessel_derivative_float32():
    z = np.array([0.5, 2.0], np.float32)
    same(traced_value(lambda s: dsp.jvp(1.0, s, 2), z), ss.jvp(1.0, z, 2))
    assert ad.grad(lambda s: dnp.sum(dsp.kvp(1.0, s)))(z).dtype == np.float32


# --- betaincc and the distribution helpers ----------------------------------------------
# name, point, the integer (count) arguments
CDF = [
    ("betaincc", (2.5, 1.5, 0.4), ()),
    ("gdtr", (1.3, 2.5, 1.7), ()), ("gdtrc", (1.3, 2.5, 1.7), ()),
    ("gdtrix", (1.3, 2.5, 0.3), ()), ("gdtria", (0.3, 2.5, 1.7), ()),
    ("pdtr", (3.0, 2.2), (0,)), ("pdtrc", (3.0, 2.2), (0,)), ("pdtri", (3.0, 0.4), (0,)),
    ("bdtr", (3.0, 8.0, 0.35), (0, 1)), ("bdtrc", (3.0, 8.0, 0.35), (0, 1)),
    ("bdtri", (3.0, 8.0, 0.35), (0, 1)),
    ("nbdtr", (3.0, 5.0, 0.35), (0, 1)), ("nbdtrc", (3.0, 5.0, 0.35), (0, 1)),
    ("nbdtri", (3.0, 5.0, 0.35), (0, 1)),
    ("chdtr", (3.5, 2.2), ()), ("chdtrc", (3.5, 2.2), ()), ("chdtri", (3.5, 0.3), ()),
    ("fdtr", (3.5, 6.2, 1.3), ()), ("fdtrc", (3.5, 6.2, 1.3), ()),
    ("fdtri", (3.5, 6.2, 0.3), ()),
    ("nrdtrimn", (0.3, 2.0, 1.5), ()), ("nrdtrisd", (0.5, 0.3, 1.5), ()),
]


@pytest.mark.parametrize("name,point,ints", CDF)
def test_cdf_helpers(name, point, ints):
    f, ref = getattr(dsp, name), getattr(ss, name)
    args = [np.float64(a) for a in point]
    nargs = len(args)
    # every float argument: value, forward, reverse, second derivative
    for i in range(nargs):
        g = _in_arg(f, args, i)
        r = _in_arg(ref, args, i)
        if i in ints:
            assert float(ad.grad(g)(args[i])) == 0.0
            continue
        same(np.asarray(traced_value(g, args[i])), np.asarray(ref(*args)))
        fwd = ad.jvp(g, (args[i],), (1.0,))[1]
        rev = ad.grad(g)(args[i])
        fd = richardson(r, args[i], 1e-3)
        np.testing.assert_allclose([fwd, rev], [fd, fd], rtol=1e-9)
        d2 = ad.hessian(g)(args[i])
        fd2 = richardson(lambda v: richardson(r, v, 1e-3), args[i], 1e-2)
        np.testing.assert_allclose(d2, fd2, rtol=2e-6, atol=1e-9)
        np.testing.assert_allclose(ad.jacfwd(ad.jacrev(g))(args[i]), d2, rtol=1e-12)
    # mixed second derivatives of the first two float arguments (jacfwd(jacrev))
    fl = [i for i in range(nargs) if i not in ints]
    if len(fl) >= 2:
        i, j = fl[0], fl[1]

        def gij(p):
            a = list(args)
            a[i], a[j] = p[0], p[1]
            return f(*a)

        def rij(vi, vj):
            a = list(args)
            a[i], a[j] = vi, vj
            return ref(*a)
        H = ad.jacfwd(ad.jacrev(gij))(np.array([args[i], args[j]]))
        cross = richardson(lambda vj: richardson(lambda vi: rij(vi, vj), args[i], 1e-3),
                           args[j], 1e-2)
        np.testing.assert_allclose(H[0, 1], cross, rtol=2e-6, atol=1e-9)
        np.testing.assert_allclose(H[1, 0], H[0, 1], rtol=1e-12)


def _grid(name, ints):
    """Arguments that broadcast, with points outside the domain, non-integer counts
    and edges."""
    sp_args = {
        "gdtr": ([[[1.3]], [[-1.0]], [[0.0]]], [[2.5], [0.0]], [0.0, 1.7, -1.0, np.inf]),
        "pdtr": ([3.0, 3.7, -0.5, -1.0, 0.0], [[2.2], [0.0], [-1.0]]),
        "pdtri": ([3.0, 3.7, -0.5, -1.0], [[0.4], [0.0], [1.0], [1.5]]),
        "bdtr": ([3.0, 3.7, -0.5, 8.0, 9.0, 0.0], [[8.0], [8.6]], [[[0.35]], [[0.0]], [[1.0]],
                                                                  [[1.2]]]),
        "nbdtr": ([3.0, 3.7, -0.5, 0.0], [[5.0], [5.5], [0.5]], [[[0.35]], [[0.0]], [[1.0]]]),
        "chdtr": ([3.5, 0.0, -1.0], [[2.2], [0.0], [-1.0], [np.inf]]),
        "fdtr": ([3.5, 0.0], [[6.2], [-1.0]], [[[1.3]], [[0.0]], [[np.inf]], [[-1.0]]]),
        "fdtri": ([3.5, 0.0], [[6.2]], [[[0.3]], [[0.0]], [[1.0]], [[2.0]]]),
        "nrdtrimn": ([0.3, 0.0, 1.0, 0.5], [[2.0], [-1.0]], [[[1.5]]]),
    }
    base = {"gdtrc": "gdtr", "gdtrix": "fdtri", "gdtria": "fdtri", "pdtrc": "pdtr",
            "bdtrc": "bdtr", "bdtri": "bdtr", "nbdtrc": "nbdtr", "nbdtri": "nbdtr",
            "chdtrc": "chdtr", "chdtri": "pdtri", "fdtrc": "fdtr", "nrdtrisd": "nrdtrimn",
            "betaincc": "nbdtr"}.get(name, name)
    return [np.asarray(a, float) for a in sp_args[base]]


@pytest.mark.parametrize("name,point,ints", CDF[1:])    # betaincc: a primitive, below
def test_cdf_helpers_domains_broadcasting(name, point, ints):
    f, ref = getattr(dsp, name), getattr(ss, name)
    args = _grid(name, ints)
    want = ref(*args)
    fl = [i for i in range(len(args)) if i not in ints]
    for i in fl:
        g = _in_arg(f, args, i)
        got = traced_value(g, args[i])
        np.testing.assert_array_equal(got, want)       # NaN where SciPy's is NaN
        assert got.dtype == want.dtype and got.shape == want.shape
        t = ad.jvp(g, (args[i],), (np.ones_like(args[i]),))[1]
        assert t.shape == want.shape
        # constant where SciPy's value is NaN or infinite: derivative 0, not NaN
        np.testing.assert_array_equal(t[~np.isfinite(want)], 0.0)
        assert ad.jacrev(g)(args[i]).shape == want.shape + args[i].shape
    # float32 in, float32 out (SciPy's loop), derivatives float32
    a32 = [np.asarray(a, np.float32) for a in point]
    i = fl[-1]

    def g32(v):
        a = list(a32)
        a[i] = v
        return f(*a)
    same(np.asarray(traced_value(g32, a32[i])), np.asarray(ref(*a32)))
    assert ad.grad(g32)(a32[i]).dtype == np.float32


def test_betaincc_broadcasting_float32():
    a, b, x = np.array([0.5, 2.5, 7.0]), np.array([[1.5], [3.0]]), np.array([0.1, 0.4, 0.9])
    same(traced_value(lambda v: dsp.betaincc(a, b, v), x), ss.betaincc(a, b, x))
    J = ad.jacrev(lambda v: dsp.betaincc(a, b, v))(x)
    fd = richardson(lambda v: ss.betaincc(a, b, v), x, 1e-4)
    np.testing.assert_allclose(np.einsum("kii->ki", J), fd, rtol=1e-9)
    x32 = x.astype(np.float32)
    same(traced_value(lambda v: dsp.betaincc(2.5, 1.5, v), x32), ss.betaincc(2.5, 1.5, x32))


def test_cdf_helpers_plain_calls_and_keywords():
    x = np.array([0.5, 1.5])
    same(dsp.gdtr(1.0, 2.0, x), ss.gdtr(1.0, 2.0, x))
    out = np.empty(2)
    dsp.chdtr(3.0, x, out=out)
    same(out, ss.chdtr(3.0, x))
    # plain scipy.special ufuncs called on traced values reach these
    g = ad.grad(lambda v: np.sum(ss.chdtr(3.0, v)))(x)
    np.testing.assert_array_equal(g, ad.grad(lambda v: dnp.sum(dsp.chdtr(3.0, v)))(x))
    with pytest.raises(NotImplementedError, match="chdtr.*'out'"):
        ad.grad(lambda v: dsp.chdtr(3.0, v, out=np.empty(())))(1.0)
    with pytest.raises(TypeError, match=r"gdtr\(a, b, x\) takes 3"):
        dsp.gdtr(1.0, 2.0)
    # the counts are floored / truncated as in SciPy (3.7 -> 3), derivative 0 in them
    v, t = ad.jvp(lambda k: dsp.pdtr(k, 2.2), (3.7,), (1.0,))
    assert v == ss.pdtr(3.0, 2.2) and t == 0.0


# --- dualad.scipy.stats: a method a distribution lacks ------------------------------------
def test_stats_missing_method_message():
    from dualad.scipy import stats
    with pytest.raises(AttributeError, match=r"stats\.norm has no method 'fit' "
                                             r"\(scipy\.stats\.norm\.fit\) yet.*"
                                             r"Its methods: cdf, .*logpdf"):
        stats.norm.fit
    with pytest.raises(AttributeError, match="multivariate_normal has no method 'fit'"):
        stats.multivariate_normal.fit(np.zeros((3, 2)))
    with pytest.raises(AttributeError, match="norm has no attribute 'nonsense'; its methods"):
        stats.norm.nonsense
    assert not hasattr(stats.gamma, "fit") and hasattr(stats.gamma, "entropy")
    with pytest.raises(AttributeError, match="has no attribute '_private'"):
        stats.norm._private


def test_cdf_helpers_tails_keep_relative_accuracy():
    # bdtr / nbdtrc go through the complement 1 - betainc(., ., p), never through 1 - p,
    # and fdtr / fdtrc through the smaller of u = m x / (n + m x) and 1 - u: their
    # derivatives (closed-form densities) keep full relative accuracy in both tails
    k, n = 3.0, 8.0
    p = np.array([1e-12, 1e-6, 0.3, 1 - 1e-6, 1 - 1e-12])
    dens = (n - k) * math.comb(8, 3) * p ** 3 * (1 - p) ** 4          # -d bdtr / dp
    nb = np.exp((n - 1) * np.log(p) + k * np.log1p(-p) - ss.betaln(n, k + 1))
    for f, want in ((lambda q: dsp.bdtr(k, n, q), -dens), (lambda q: dsp.bdtrc(k, n, q), dens),
                    (lambda q: dsp.nbdtr(k, n, q), nb), (lambda q: dsp.nbdtrc(k, n, q), -nb)):
        fwd, rev = _fwd_rev(f, p)
        np.testing.assert_allclose(fwd, want, rtol=1e-13)
        np.testing.assert_allclose(rev, want, rtol=1e-13)
    same(traced_value(lambda q: dsp.bdtr(k, n, q), p), ss.bdtr(k, n, p))
    m, d = 3.5, 6.2
    x = np.array([1e-8, 0.5, 1.7, 30.0, 1e6, 1e10])
    fden = np.exp(m / 2 * np.log(m * x) + d / 2 * np.log(d) - (m + d) / 2 * np.log(m * x + d)
                  - np.log(x) - ss.betaln(m / 2, d / 2))
    for f, want in ((lambda v: dsp.fdtr(m, d, v), fden), (lambda v: dsp.fdtrc(m, d, v), -fden)):
        fwd, rev = _fwd_rev(f, x)
        np.testing.assert_allclose(fwd, want, rtol=1e-13)
        np.testing.assert_allclose(rev, want, rtol=1e-13)
    same(traced_value(lambda v: dsp.fdtr(m, d, v), x), ss.fdtr(m, d, x))
    same(traced_value(lambda v: dsp.fdtrc(m, d, v), x), ss.fdtrc(m, d, x))


# --- inverses in a shape parameter (SciPy's root; implicit function theorem) -------------
IMPLICIT = [("gdtrib", (1.3, 0.4, 1.7)), ("chdtriv", (0.4, 2.2)), ("pdtrik", (0.4, 2.2)),
            ("btdtria", (0.4, 1.5, 0.4)), ("btdtrib", (2.5, 0.4, 0.4)),
            ("stdtridf", (0.8, 1.2))]


@pytest.mark.parametrize("name,point", IMPLICIT)
def test_shape_inverses(name, point):
    f, ref = getattr(dsp, name), getattr(ss, name)
    args = [np.float64(a) for a in point]
    for i in range(len(args)):
        g = _in_arg(f, args, i)
        r = _in_arg(ref, args, i)
        same(np.asarray(traced_value(g, args[i])), np.asarray(ref(*args)))
        fwd, rev = ad.jvp(g, (args[i],), (1.0,))[1], ad.grad(g)(args[i])
        d2 = ad.hessian(g)(args[i])
        np.testing.assert_allclose(ad.jacrev(ad.jacfwd(g))(args[i]), d2, rtol=1e-12)
        if name == "stdtridf" and i == 0:
            # SciPy's root is too coarse for differences in p here; mpmath (30 digits,
            # findroot on 1 - I_(df/(df+t^2))(df/2, 1/2)/2 = p, mp.diff):
            np.testing.assert_allclose([fwd, rev], 20.2890926544807311922672850304, rtol=1e-13)
            np.testing.assert_allclose(d2, 467.857620971820488677956168225, rtol=1e-13)
            continue
        fd = richardson(r, args[i], 1e-2)
        np.testing.assert_allclose([fwd, rev], [fd, fd], rtol=1e-10)
        fd2 = richardson(lambda v: richardson(r, v, 1e-2), args[i], 3e-2)
        np.testing.assert_allclose(d2, fd2, rtol=2e-6)


def test_shape_inverses_at_the_search_bounds():
    # where the target is out of reach SciPy returns a bound of its search interval
    # (pdtrik: k = 0, stdtridf: df = 1e10), a constant: derivative 0
    for f, ref, args in ((dsp.pdtrik, ss.pdtrik, (0.225, 1.25)),
                         (dsp.stdtridf, ss.stdtridf, (0.95, 1.2))):
        for i in range(2):
            g = _in_arg(f, args, i)
            v, t = ad.jvp(g, (args[i],), (1.0,))
            assert v == ref(*args) and t == 0.0 and ad.grad(g)(args[i]) == 0.0
    # broadcasting, float32
    p = np.array([0.3, 0.6, 0.9])
    same(traced_value(lambda q: dsp.chdtriv(q, np.array([[1.0], [3.0]])), p),
         ss.chdtriv(p, np.array([[1.0], [3.0]])))
    J = ad.jacrev(lambda q: dsp.gdtrib(1.3, q, 1.7))(p)
    fd = richardson(lambda q: ss.gdtrib(1.3, q, 1.7), p, 1e-3)
    np.testing.assert_allclose(np.diag(J), fd, rtol=1e-8)
