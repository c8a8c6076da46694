"""dualad.scipy.stats: geom, bernoulli, betabinom, zipf, logser, boltzmann,
skellam, randint, hypergeom, multivariate_t, multinomial, dirichlet_multinomial,
wishart, invwishart, matrix_normal, multivariate_normal / dirichlet entropy and
cov, gaussian_kde.

Values are compared with SciPy's own; first derivatives, forward and reverse,
with Richardson-extrapolated central differences of the SciPy function; second
derivatives with closed forms or Richardson differences of SciPy.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.stats as sst

import dualad as ad
from dualad.scipy import stats

from ._derivatives import richardson, richardson_jacobian

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    assert a.shape == b.shape, (a.shape, b.shape)
    fin = np.isfinite(b)
    assert np.array_equal(np.isfinite(a), fin) or np.array_equal(a[~fin], b[~fin])
    with np.errstate(all="ignore"):
        d = np.abs(a[fin] - b[fin]) / np.maximum(np.abs(b[fin]), 1e-300)
    return float(d.max()) if d.size else 0.0


def both_modes(g, v):
    v = float(v)
    return float(ad.jacfwd(g)(v)), float(ad.jacrev(g)(v))


# name: (parameters (the float one differentiated marked by index), k points, loc)
DISCRETE = {
    "bernoulli": ((0.3,), 0, [0, 1]),
    "geom": ((0.3,), 0, [1, 2, 5, 20]),
    "betabinom": ((12, 2.3, 1.7), 1, [0, 3, 6, 11, 12]),
    "betabinom_b": ((12, 2.3, 1.7), 2, [0, 3, 6, 11]),
    "zipf": ((2.7,), 0, [1, 2, 5, 30]),
    "logser": ((0.6,), 0, [1, 2, 5, 12]),
    "boltzmann": ((0.7, 9), 0, [0, 1, 4, 7]),
    "skellam": ((2.5, 1.2), 0, [-4, -1, 0, 2, 7]),
    "skellam_mu2": ((2.5, 1.2), 1, [-4, -1, 0, 2, 7]),
}
METHODS = ("logpmf", "pmf", "cdf", "sf", "logcdf", "logsf")


def _name(key):
    return key.split("_")[0] if key not in ("bernoulli",) else key


@pytest.mark.parametrize("key", list(DISCRETE))
def test_discrete_values_and_first_derivatives(key):
    name = _name(key)
    params, idx, ks = DISCRETE[key]
    ours, ref = getattr(stats, name), getattr(sst, name)
    ks = np.array(ks, dtype=float)
    worst_v = worst_d = 0.0
    for m in METHODS:
        if name == "skellam" and m not in ("logpmf", "pmf"):
            continue
        # values: plain and traced
        want = getattr(ref, m)(ks, *params)
        worst_v = max(worst_v, rel(getattr(ours, m)(ks, *params), want))
        for k in ks:
            def g(v, k=k, m=m):
                p = list(params)
                p[idx] = v
                return getattr(ours, m)(k, *p)

            def f(v, k=k, m=m):
                p = list(params)
                p[idx] = v
                return getattr(ref, m)(k, *p)
            truth = richardson(f, params[idx], 1e-3 * params[idx])
            fwd, rev = both_modes(g, params[idx])
            if m in ("sf", "logsf") and name in ("zipf", "logser") and abs(truth) > 0:
                # SciPy's sf = 1 - cdf loses relative accuracy: compare with the cdf
                truth = richardson(lambda v: getattr(ref, "cdf")(k, *([v] + list(params[1:]))),
                                   params[idx], 1e-3 * params[idx])
                if m == "sf":
                    truth = -truth
                else:
                    truth = -truth / ref.sf(k, *params)
            if not np.isfinite(truth):      # log of 0 at a support end: constant
                assert fwd == rev == 0.0, (m, k, fwd, rev)
                continue
            for got in (fwd, rev):
                err = abs(got - truth) / max(abs(truth), 1e-8)
                worst_d = max(worst_d, err)
                assert err < 2e-7, (m, k, got, truth)
    assert worst_v < 1e-12, worst_v


def test_discrete_tail_accuracy():
    # zipf.sf far out: zeta(a, k+1)/zeta(a) (SciPy's 1 - cdf cancels); mpmath, 30 digits:
    # mp.zeta(2.7, 1001) / mp.zeta(2.7) = 3.66372024383716218790899800548e-06
    assert abs(stats.zipf.sf(1000, 2.7) / 3.66372024383716218790899800548e-06 - 1) < 1e-12
    assert abs(stats.zipf.logsf(1000, 2.7) - np.log(3.66372024383716218790899800548e-06)) \
        < 1e-14
    # boltzmann with small lambda: (1 - e^{-l(k+1)})/(1 - e^{-lN}) in closed form
    lam, N, k = 1e-9, 10, 3
    assert abs(stats.boltzmann.cdf(k, lam, N) / (np.expm1(-lam * (k + 1)) / np.expm1(-lam * N))
               - 1) < 1e-14
    # betabinom.sf in the upper tail: the exact last term pmf(n)
    assert abs(stats.betabinom.sf(29, 30, 0.5, 20.0) / sst.betabinom.pmf(30, 30, 0.5, 20.0)
               - 1) < 1e-12


@pytest.mark.parametrize("name,params", [("geom", (0.3,)), ("bernoulli", (0.3,)),
                                         ("betabinom", (12, 2.3, 1.7)), ("zipf", (4.5,)),
                                         ("logser", (0.6,)), ("boltzmann", (0.7, 9)),
                                         ("skellam", (2.5, 1.2))])
def test_discrete_moments(name, params):
    ours, ref = getattr(stats, name), getattr(sst, name)
    i = 1 if name == "betabinom" else 0
    for m in ("mean", "var"):
        assert rel(getattr(ours, m)(*params), getattr(ref, m)(*params)) < 1e-12

        def g(v, m=m):
            p = list(params)
            p[i] = v
            return getattr(ours, m)(*p)
        truth = richardson(lambda v: getattr(ref, m)(*(params[:i] + (v,) + params[i + 1:])),
                           params[i], 1e-3 * params[i])
        for got in both_modes(g, params[i]):
            assert abs(got - truth) < 1e-7 * max(1, abs(truth))


def test_discrete_second_order_and_frozen():
    # d^2/dp^2 geom.logpmf(k, p) = -1/p^2 - (k-1)/(1-p)^2
    p, k = 0.3, 4
    h = ad.hessian(lambda v: stats.geom.logpmf(k, v))(p)
    assert abs(h - (-1 / p**2 - (k - 1) / (1 - p) ** 2)) < 1e-12 * abs(h)
    # jacfwd(jacrev) of betabinom.cdf in (a, b) vs Richardson of SciPy's gradient
    ab = np.array([2.3, 1.7])
    H = ad.jacfwd(ad.jacrev(lambda v: stats.betabinom.cdf(5, 12, v[0], v[1])))(ab)

    def grad_ref(v):
        return richardson_jacobian(lambda u: sst.betabinom.cdf(5, 12, u[0], u[1]), [v], 0, 1e-3)
    Hr = richardson_jacobian(grad_ref, [ab], 0, 1e-2)
    assert np.allclose(H, Hr, rtol=1e-5, atol=1e-8)
    # frozen, traced parameter
    g = ad.grad(lambda v: stats.logser(v).logpmf(3))(0.6)
    assert abs(g - richardson(lambda v: sst.logser.logpmf(3, v), 0.6, 1e-3)) < 1e-9
    assert float(stats.geom(0.3).ppf(0.5)) == sst.geom.ppf(0.5, 0.3)
    assert ad.grad(lambda v: stats.geom.ppf(0.5, v) + 0 * v)(0.3) == 0.0
    # broadcasting: k and p arrays
    ks, ps = np.array([[1.0], [3.0]]), np.array([0.2, 0.5, 0.7])
    assert rel(stats.geom.cdf(ks, ps), sst.geom.cdf(ks, ps)) < 1e-14
    J = ad.jacrev(lambda v: stats.geom.logpmf(ks, v))(ps)
    assert J.shape == (2, 3, 3)


def test_discrete_invalid_and_integer_params():
    assert np.isnan(stats.geom.logpmf(2, 1.5)) and np.isnan(sst.geom.logpmf(2, 1.5))
    assert np.isnan(stats.zipf.pmf(2, 0.5))
    assert stats.betabinom.logpmf(13, 12, 2.0, 1.0) == -np.inf
    with pytest.raises(NotImplementedError, match="'n'"):
        ad.grad(lambda n: stats.betabinom.logpmf(3, n, 2.0, 1.0))(12.0)
    with pytest.raises(NotImplementedError, match="'N'"):
        ad.grad(lambda n: stats.boltzmann.logpmf(3, 1.0, n))(12.0)
    with pytest.raises(NotImplementedError, match="skellam.cdf"):
        ad.grad(lambda m: stats.skellam.cdf(3, m, 1.0))(2.0)
    assert stats.skellam.cdf(3, 2.0, 1.0) == sst.skellam.cdf(3, 2.0, 1.0)
    # integer-parameter distributions: SciPy's values, traced k gets derivative 0
    assert stats.randint.pmf(3, 1, 7) == sst.randint.pmf(3, 1, 7)
    assert stats.hypergeom.logcdf(2, 20, 7, 12) == sst.hypergeom.logcdf(2, 20, 7, 12)
    assert stats.hypergeom.mean(20, 7, 12) == sst.hypergeom.mean(20, 7, 12)
    assert stats.randint(1, 7).sf(3) == sst.randint.sf(3, 1, 7)
    with pytest.raises(NotImplementedError, match="'M'"):
        ad.grad(lambda M: stats.hypergeom.pmf(2, M, 7, 12))(20.0)


# --------------------------------------------------------------------- multivariate

RNG = np.random.default_rng(0)
S3 = np.array([[2.0, 0.3, 0.1], [0.3, 1.0, -0.2], [0.1, -0.2, 1.5]])
X3 = RNG.normal(size=(4, 3))
LOC3 = np.array([0.2, -0.1, 0.4])


def _check_jac(ours, theirs, args, argnum, tol=1e-7, h=1e-3):
    want = richardson_jacobian(theirs, args, argnum, h)
    for jac in (ad.jacfwd, ad.jacrev):
        got = np.asarray(jac(ours, argnums=argnum)(*args))
        assert got.shape == want.shape
        assert np.allclose(got, want, rtol=tol, atol=tol * np.abs(want).max()), \
            (jac.__name__, np.abs(got - want).max())


def test_multivariate_t():
    for df in (3.5, 30.0):
        assert rel(stats.multivariate_t.logpdf(X3, LOC3, S3, df),
                   sst.multivariate_t.logpdf(X3, LOC3, S3, df)) < 1e-13
    f_o, f_s = stats.multivariate_t.logpdf, sst.multivariate_t.logpdf
    args = [X3, LOC3, S3, 3.5]
    for i in range(3):
        _check_jac(f_o, f_s, args, i)
    _check_jac(lambda df: f_o(X3, LOC3, S3, df), lambda df: f_s(X3, LOC3, S3, df), [3.5], 0)
    _check_jac(stats.multivariate_t.pdf, sst.multivariate_t.pdf, [X3[0], LOC3, S3, 3.5], 0)
    # Hessian in loc, closed form: grad = 2t Si u / (df + q)
    x, df, t = X3[0], 3.5, (3.5 + 3) / 2
    Si = np.linalg.inv(S3)
    u = x - LOC3
    q = u @ Si @ u
    H_true = -2 * t * (Si / (df + q) - 2 * np.outer(Si @ u, Si @ u) / (df + q) ** 2)
    H = ad.hessian(lambda m: f_o(x, m, S3, df))(LOC3)
    assert np.allclose(H, H_true, rtol=1e-12, atol=1e-14)
    H2 = ad.jacfwd(ad.jacrev(lambda m: f_o(x, m, S3, df)))(LOC3)
    assert np.allclose(H2, H_true, rtol=1e-12, atol=1e-14)
    # 1-d, scalar shape, frozen, df = inf
    xs = np.array([0.3, -1.0, 2.0])
    assert rel(stats.multivariate_t.logpdf(xs, 0.5, 2.0, 4.0),
               sst.multivariate_t.logpdf(xs, 0.5, 2.0, 4.0)) < 1e-13
    g = ad.grad(lambda s: stats.multivariate_t(0.5, s, 4.0).logpdf(0.3))(2.0)
    assert abs(g - richardson(lambda s: sst.multivariate_t.logpdf(0.3, 0.5, s, 4.0), 2.0,
                              1e-3)) < 1e-10
    assert rel(ad.jacrev(lambda m: f_o(X3[0], m, S3, np.inf))(LOC3),
               richardson_jacobian(lambda m: f_s(X3[0], m, S3, np.inf), [LOC3], 0)) < 1e-8


def test_multinomial_and_dirichlet_multinomial():
    p = np.array([0.2, 0.5, 0.3])
    x = np.array([[1, 4, 2], [3, 3, 1], [2, 2, 3]])
    assert rel(stats.multinomial.logpmf(x, 7, p), sst.multinomial.logpmf(x, 7, p)) < 1e-13
    g = ad.jacrev(lambda v: stats.multinomial.logpmf(x, 7, v))(p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        # SciPy replaces a row's last entry by 1 - sum(others) when the row is off
        # the simplex: its differences see that; ours (the same rule) must agree
        want = richardson_jacobian(lambda v: sst.multinomial.logpmf(x, 7, v), [p], 0, 1e-4)
        got = np.asarray(ad.jacfwd(lambda v: stats.multinomial.logpmf(x, 7, v))(p))
    assert np.allclose(got, want, rtol=1e-7, atol=1e-9)
    # SciPy's p: (p0, p1, 1 - p0 - p1) off the simplex: d/dp_i = x_i/p_i - x_K/p_K, 0 in p_K
    want = np.concatenate([x[:, :2] / p[:2] - x[:, 2:] / p[2], np.zeros((3, 1))], axis=1)
    assert np.allclose(g, want, rtol=1e-14, atol=1e-14)
    assert stats.multinomial.logpmf([1, 4, 1], 7, p) == -np.inf
    assert np.allclose(stats.multinomial.cov(7, p), sst.multinomial.cov(7, p), rtol=1e-14)
    a = np.array([1.3, 0.7, 2.2])
    assert rel(stats.dirichlet_multinomial.logpmf(x, a, 7),
               sst.dirichlet_multinomial.logpmf(x, a, 7)) < 1e-13
    _check_jac(lambda v: stats.dirichlet_multinomial.logpmf(x, v, 7),
               lambda v: sst.dirichlet_multinomial.logpmf(x, v, 7), [a], 0)
    for m in ("mean", "var", "cov"):
        assert rel(getattr(stats.dirichlet_multinomial, m)(a, 7),
                   getattr(sst.dirichlet_multinomial, m)(a, 7)) < 1e-13
        _check_jac(lambda v, m=m: getattr(stats.dirichlet_multinomial, m)(v, 7),
                   lambda v, m=m: getattr(sst.dirichlet_multinomial, m)(v, 7), [a], 0)
    with pytest.raises(NotImplementedError, match="'n'"):
        ad.grad(lambda n: stats.multinomial.logpmf(x[0], n, p))(7.0)


def _spd(n, seed):
    a = np.random.default_rng(seed).normal(size=(n, n))
    return a @ a.T + n * np.eye(n)


def test_wishart_invwishart():
    scale = S3
    xs = np.stack([_spd(3, 1), _spd(3, 2)], axis=-1) / 3
    for name in ("wishart", "invwishart"):
        ours, theirs = getattr(stats, name).logpdf, getattr(sst, name).logpdf
        assert rel(ours(xs, 5.5, scale), theirs(xs, 5.5, scale)) < 1e-12
        assert rel(ours(xs[..., 0], 5.5, scale), theirs(xs[..., 0], 5.5, scale)) < 1e-12
        args = [xs[..., 0], 5.5, scale]
        for i in (0, 1, 2):
            _check_jac(ours, theirs, args, i, tol=1e-6)
        # second order in df: 2nd derivative = -(1/4) sum_j polygamma(1, (df - j)/2)
        from scipy.special import polygamma
        h = ad.hessian(lambda d: ours(xs[..., 0], d, scale))(5.5)
        assert abs(h + 0.25 * sum(polygamma(1, (5.5 - j) / 2) for j in range(3))) < 1e-12
        # 1-d: scalars stacked
        assert rel(getattr(stats, name).pdf(np.array([0.5, 2.0]), 3.0, 1.5),
                   getattr(sst, name).pdf(np.array([0.5, 2.0]), 3.0, 1.5)) < 1e-12


def test_matrix_normal():
    U, V = _spd(3, 3), _spd(2, 4)
    M = RNG.normal(size=(3, 2))
    X = RNG.normal(size=(2, 3, 2))
    f_o, f_s = stats.matrix_normal.logpdf, sst.matrix_normal.logpdf
    assert rel(f_o(X, M, U, V), f_s(X, M, U, V)) < 1e-13
    for i in range(4):
        _check_jac(f_o, f_s, [X[0], M, U, V], i)
    # Hessian in X: -kron(V^-1, U^-1) arranged (m, n, m, n)
    H = ad.hessian(lambda x: f_o(x, M, U, V))(X[0])
    Ui, Vi = np.linalg.inv(U), np.linalg.inv(V)
    assert np.allclose(H, -np.einsum("ac,bd->abcd", Ui, Vi), rtol=1e-12, atol=1e-15)


def test_entropies_and_dirichlet_cov():
    for cov in (S3, 2.5, np.array([1.0, 2.0])):
        mean = None if np.ndim(cov) != 1 else np.zeros(2)
        assert rel(stats.multivariate_normal.entropy(mean, cov),
                   sst.multivariate_normal.entropy(mean, cov)) < 1e-14
    _check_jac(lambda c: stats.multivariate_normal.entropy(cov=c),
               lambda c: sst.multivariate_normal.entropy(cov=c), [S3], 0)
    a = np.array([1.3, 0.7, 2.2])
    assert rel(stats.dirichlet.entropy(a), sst.dirichlet.entropy(a)) < 1e-13
    assert rel(stats.dirichlet.cov(a), sst.dirichlet.cov(a)) < 1e-14
    _check_jac(stats.dirichlet.entropy, sst.dirichlet.entropy, [a], 0)
    _check_jac(stats.dirichlet.cov, sst.dirichlet.cov, [a], 0)
    # Hessian of the normal entropy in a diagonal covariance: -1/(2 s^2)
    H = ad.hessian(lambda s: stats.multivariate_normal.entropy(np.zeros(2), s))(
        np.array([1.0, 2.0]))
    assert np.allclose(H, np.diag([-0.5, -0.125]), rtol=1e-14)


KDE_CASES = [
    (np.array([-1.0, 0.3, 0.5, 2.0, 2.2]), None, None),
    (np.array([-1.0, 0.3, 0.5, 2.0, 2.2]), "silverman", np.array([1.0, 2.0, 0.5, 1.0, 3.0])),
    (RNG.normal(size=(2, 7)), 0.4, None),
    (RNG.normal(size=(2, 7)), "scott", np.linspace(1, 2, 7)),
]


@pytest.mark.parametrize("case", range(len(KDE_CASES)))
def test_gaussian_kde(case):
    data, bw, w = KDE_CASES[case]
    pts = np.array([-0.5, 0.4, 1.7]) if data.ndim == 1 else RNG.normal(size=(2, 3))
    ref = sst.gaussian_kde(data, bw, w)
    kde = stats.gaussian_kde(data, bw, w)
    assert rel(kde(pts), ref(pts)) < 1e-13
    assert rel(kde.logpdf(pts), ref.logpdf(pts)) < 1e-13
    for meth in ("evaluate", "logpdf"):
        def ours(p, d, ww):
            return getattr(stats.gaussian_kde(d, bw, ww), meth)(p)

        def theirs(p, d, ww):
            return getattr(sst.gaussian_kde(d, bw, ww), meth)(p)
        ww = np.ones(data.shape[-1]) if w is None else w
        for i in range(3):
            _check_jac(ours, theirs, [pts, data, ww], i, tol=1e-6)
    # second order in the data (bandwidth from traced data): Richardson of SciPy's gradient
    if data.ndim == 1:
        def g_ref(d):
            return richardson_jacobian(lambda u: sst.gaussian_kde(u, bw, w).logpdf(0.4)[0],
                                       [d], 0, 1e-4)
        Hr = richardson_jacobian(g_ref, [data], 0, 1e-3)
        H = ad.hessian(lambda d: stats.gaussian_kde(d, bw, w).logpdf(0.4)[0])(data)
        assert np.allclose(H, Hr, rtol=1e-5, atol=1e-7)


def test_gaussian_kde_errors_and_float32():
    with pytest.raises(ValueError, match="multiple elements"):
        stats.gaussian_kde([1.0])
    with pytest.raises(ValueError, match="bw_method"):
        stats.gaussian_kde([1.0, 2.0, 4.0], bw_method="foo")
    with pytest.raises(AttributeError, match="resample"):
        stats.gaussian_kde([1.0, 2.0, 4.0]).resample
    k = stats.gaussian_kde(np.array([1.0, 2.0, 4.0]), bw_method=lambda s: 0.5)
    assert rel(k(3.0), sst.gaussian_kde([1.0, 2.0, 4.0], bw_method=lambda s: 0.5)(3.0)) < 1e-13


def test_dtypes_empty_frozen_multivariate():
    p32 = np.float32(0.3)
    for m in ("logpmf", "cdf", "sf"):
        assert getattr(stats.geom, m)(3, p32).dtype == getattr(sst.geom, m)(3, p32).dtype
    assert ad.grad(lambda v: stats.geom.logpmf(3, v))(p32).dtype == np.float32
    assert stats.geom.logpmf(np.array([]), 0.3).shape == (0,)
    assert stats.betabinom.cdf(np.array([]), 5, 1.0, 2.0).shape == (0,)
    # frozen multivariate distributions, traced parameters
    g = ad.grad(lambda d: stats.multivariate_t(LOC3, S3, d).logpdf(X3[0]))(3.5)
    assert abs(g - richardson(lambda d: sst.multivariate_t.logpdf(X3[0], LOC3, S3, d), 3.5,
                              1e-2)) < 1e-9
    a = np.array([1.3, 0.7, 2.2])
    assert rel(stats.dirichlet_multinomial(a, 7).mean(),
               sst.dirichlet_multinomial(a, 7).mean()) < 1e-14
    # the kde's bandwidth factor traced: d/dbw of the density
    data = np.array([-1.0, 0.3, 0.5, 2.0, 2.2])
    g = ad.grad(lambda b: stats.gaussian_kde(data, b).logpdf(0.4)[0])(0.7)
    truth = richardson(lambda b: sst.gaussian_kde(data, b).logpdf(0.4)[0], 0.7, 1e-2)
    assert abs(g - truth) < 1e-9 * abs(truth)


def test_module_names():
    for n in ("geom", "multivariate_t", "gaussian_kde", "wishart"):
        assert n in stats.__all__
    assert stats.multivariate_normal.logpdf(np.zeros(2), cov=np.eye(2)) == \
        sst.multivariate_normal.logpdf(np.zeros(2), cov=np.eye(2))
    with pytest.raises(AttributeError, match="resample|rvs"):
        stats.multivariate_t.rvs


def _d2(f, v, h):
    """Second derivative of a plain scalar function by nested Richardson differences."""
    return richardson(lambda u: richardson(f, u, h / 4), v, h)


@pytest.mark.parametrize("name,m,k,params", [
    ("logser", "sf", 3, (0.6,)), ("logser", "logpmf", 3, (0.6,)),
    ("zipf", "logpmf", 3, (2.7,)), ("zipf", "sf", 3, (2.7,)),
    ("skellam", "logpmf", -2, (2.5, 1.2)), ("boltzmann", "cdf", 3, (0.7, 9)),
    ("bernoulli", "logpmf", 1, (0.3,)), ("betabinom", "logpmf", 4, (12, 2.3, 1.7))])
def test_discrete_second_order(name, m, k, params):
    i = 1 if name == "betabinom" else 0

    def ours(v):
        p = list(params)
        p[i] = v
        return getattr(getattr(stats, name), m)(k, *p)

    def ref(v):
        p = list(params)
        p[i] = v
        return getattr(getattr(sst, name), m)(k, *p)
    truth = _d2(ref, params[i], 0.02 * params[i])
    for h in (ad.hessian(ours), ad.jacfwd(ad.jacrev(ours)), ad.jacrev(ad.jacfwd(ours))):
        assert abs(float(h(params[i])) - truth) < 2e-8 * abs(truth)


def _nested(f, v, h):
    return richardson_jacobian(lambda u: richardson_jacobian(f, [u], 0, h / 10), [v], 0, h)


@pytest.mark.parametrize("name", ["wishart", "invwishart"])
def test_wishart_second_order(name):
    X = np.array([[1.5, 0.2, 0.0], [0.2, 0.9, 0.1], [0.0, 0.1, 1.2]])
    H = np.asarray(ad.hessian(lambda s: getattr(stats, name).logpdf(X, 5.5, s))(S3))
    Hr = _nested(lambda s: getattr(sst, name).logpdf(X, 5.5, s), S3, 1e-2)
    assert np.abs(H - Hr).max() < 1e-7 * np.abs(Hr).max()
