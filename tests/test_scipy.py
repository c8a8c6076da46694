"""dualad.scipy against closed forms and SciPy itself: values, derivatives,
batched JVP/VJP for the non-element-wise rules, conventions at awkward
points, and errors for derivatives that have no closed form."""
from __future__ import annotations

import re

import numpy as np
import pytest
import scipy.linalg as sl
import scipy.signal as ssig
import scipy.special as ssp
import scipy.stats as sst

import dualad as ad
import dualad.numpy as dnp
from dualad.forward import jvp_flat
from dualad.reverse import vjp_flat
from dualad.scipy import integrate, linalg, signal, special, stats
from dualad.testing import check_grads

RNG = np.random.default_rng(1234)
X = np.array([0.3, 1.2, 2.5])


def d(f, x):
    """Element-wise derivative of ``f`` at ``x`` by forward mode."""
    return ad.jvp(f, (x,), (np.ones_like(x),))[1]


def assert_batched(f, x, k=3):
    """A batch of k tangents / cotangents in one pass equals k separate passes."""
    T = RNG.standard_normal((k,) + np.shape(x))
    _, (tb,) = jvp_flat(lambda xs: [f(xs[0])], [x], [T])
    sep = np.stack([ad.jvp(f, (x,), (T[i],))[1] for i in range(k)])
    np.testing.assert_allclose(tb, sep, rtol=1e-9, atol=1e-10)
    out = f(x)
    G = RNG.standard_normal((k,) + np.shape(out))
    _, back = vjp_flat(lambda xs: [f(xs[0])], [x])
    gb = back([G])[0]
    sep = np.stack([ad.vjp(f, x)[1](G[i])[0] for i in range(k)])
    np.testing.assert_allclose(gb, sep, rtol=1e-9, atol=1e-10)


# --- special: derivatives against closed forms ------------------------------------
@pytest.mark.parametrize("f, df, x", [
    (special.gammaln, ssp.digamma, X),
    (special.digamma, lambda x: ssp.polygamma(1, x), X),
    (special.gamma, lambda x: ssp.gamma(x) * ssp.digamma(x), X),
    (special.erf, lambda x: 2 / np.sqrt(np.pi) * np.exp(-x ** 2), X - 1),
    (special.erfc, lambda x: -2 / np.sqrt(np.pi) * np.exp(-x ** 2), X - 1),
    (special.ndtr, sst.norm.pdf, X - 1),
    (special.log_ndtr, lambda x: sst.norm.pdf(x) / sst.norm.cdf(x), X - 1),
    (special.ndtri, lambda p: 1 / sst.norm.pdf(sst.norm.ppf(p)), X / 3),
    (special.expit, lambda x: ssp.expit(x) * ssp.expit(-x), X),
    (special.logit, lambda p: 1 / (p * (1 - p)), X / 3),
    (special.i0, ssp.i1, X),
    (special.i1, lambda x: ssp.ivp(1, x), X),
    (special.i0e, lambda x: ssp.i1e(x) - ssp.i0e(x), X),
    (special.j0, lambda x: -ssp.j1(x), X),
    (special.j1, lambda x: ssp.jvp(1, x), X),
    (special.y0, lambda x: -ssp.y1(x), X),
    (special.y1, lambda x: ssp.yvp(1, x), X),
    (special.entr, lambda x: -np.log(x) - 1, X),
    (lambda x: special.gammainc(1.7, x), lambda x: sst.gamma.pdf(x, 1.7), X),
    (lambda x: special.gammaincc(1.7, x), lambda x: -sst.gamma.pdf(x, 1.7), X),
    (lambda x: special.betainc(1.5, 2.5, x), lambda x: sst.beta.pdf(x, 1.5, 2.5), X / 3),
    (lambda x: special.stdtr(3.0, x), lambda x: sst.t.pdf(x, 3.0), X - 1),
    (lambda q: special.zeta(3.0, q), lambda q: -3.0 * ssp.zeta(4.0, q), X + 0.5),
    (lambda x: special.polygamma(2, x), lambda x: ssp.polygamma(3, x), X),
])
def test_special_derivative_closed_form(f, df, x):
    np.testing.assert_allclose(d(f, x), df(x), rtol=1e-9, atol=1e-12)


def test_special_second_derivative():
    # d^2/dx^2 gammaln = trigamma; d^2/dx^2 erf = -2x erf'(x)
    np.testing.assert_allclose(ad.hessian(lambda x: special.gammaln(x).sum())(X),
                               np.diag(ssp.polygamma(1, X)), rtol=1e-10)
    h = ad.grad(ad.grad(special.erf))(0.7)
    np.testing.assert_allclose(h, -2 * 0.7 * 2 / np.sqrt(np.pi) * np.exp(-0.49), rtol=1e-10)


def test_special_values_match_scipy():
    a, b = X, X[::-1] + 0.1
    for ours, theirs in [(special.beta, ssp.beta), (special.betaln, ssp.betaln),
                         (special.xlogy, ssp.xlogy), (special.kl_div, ssp.kl_div),
                         (special.rel_entr, ssp.rel_entr)]:
        np.testing.assert_allclose(ours(a, b), theirs(a, b))
    np.testing.assert_allclose(special.multigammaln(3.3, 4), ssp.multigammaln(3.3, 4))


def test_beta_partials():
    a, b = 1.3, 2.4
    ga, gb = ad.grad(special.betaln, argnums=(0, 1))(a, b)
    assert np.isclose(ga, ssp.digamma(a) - ssp.digamma(a + b))
    assert np.isclose(gb, ssp.digamma(b) - ssp.digamma(a + b))


def test_xlogy_at_zero_has_no_nan():
    gx, gy = ad.grad(special.xlogy, argnums=(0, 1))(0.0, 2.0)
    assert np.isclose(gx, np.log(2.0)) and gy == 0.0
    assert ad.grad(special.xlogy, argnums=1)(0.0, 0.0) == 0.0
    assert ad.grad(special.xlog1py, argnums=1)(0.0, -1.0) == 0.0
    # the mixed second derivative at x == 0 is still 1/y
    assert np.isclose(ad.grad(ad.grad(special.xlogy, argnums=1))(0.0, 2.0), 0.5)


def test_logsumexp_matches_scipy_and_is_stable():
    a = RNG.standard_normal((3, 4))
    b = RNG.standard_normal((3, 4))
    for kw in [{}, {"axis": 0}, {"axis": -1, "keepdims": True}, {"axis": (0, 1)}]:
        np.testing.assert_allclose(special.logsumexp(a, **kw), ssp.logsumexp(a, **kw))
    r, s = special.logsumexp(a, axis=1, b=b, return_sign=True)
    r0, s0 = ssp.logsumexp(a, axis=1, b=b, return_sign=True)
    np.testing.assert_allclose(r, r0)
    np.testing.assert_array_equal(s, s0)
    big = np.array([1000.0, 1000.0])
    assert np.isclose(special.logsumexp(big), 1000 + np.log(2))
    np.testing.assert_allclose(ad.grad(special.logsumexp)(big), [0.5, 0.5])
    # gradient of logsumexp is softmax
    np.testing.assert_allclose(ad.grad(lambda x: special.logsumexp(x))(a), ssp.softmax(a))
    np.testing.assert_allclose(special.softmax(a, axis=1), ssp.softmax(a, axis=1))
    np.testing.assert_allclose(special.log_softmax(a, axis=0), ssp.log_softmax(a, axis=0))
    assert_batched(lambda x: special.logsumexp(x, axis=0, b=b), a)


def test_log_softmax_cross_entropy_closed_forms():
    # d/dz of -sum(y * log_softmax(z)) is softmax(z) * sum(y) - y (rows summing to 1:
    # softmax - y); the Hessian of logsumexp is diag(p) - p p^T
    rng = np.random.default_rng(3)
    z = rng.standard_normal((6, 4))
    y = np.eye(4)[rng.integers(0, 4, 6)]
    g = ad.grad(lambda z: -np.sum(special.log_softmax(z, axis=1) * y))(z)
    np.testing.assert_allclose(g, ssp.softmax(z, axis=1) - y, rtol=1e-12, atol=1e-14)
    p = ssp.softmax(z[0])
    H = ad.hessian(lambda v: -special.log_softmax(v)[2])(z[0])
    np.testing.assert_allclose(H, np.diag(p) - np.outer(p, p), rtol=1e-11, atol=1e-14)
    # values are SciPy's, bit for bit, also with infinities
    for x in (z, np.array([1.0, np.inf, 2.0]), np.array([-np.inf, 0.0])):
        with np.errstate(invalid="ignore"):
            np.testing.assert_array_equal(special.log_softmax(x, axis=-1),
                                          ssp.log_softmax(x, axis=-1))


def test_incomplete_beta_shape_derivatives_by_series():
    a = np.array([0.5, 1.5, 3.0, 7.0, 2.0])
    b = np.array([2.0, 0.7, 3.0, 1.5, 20.0])
    x = np.array([0.1, 0.4, 0.6, 0.95, 0.3])
    h = 1e-6
    fda = (ssp.betainc(a + h, b, x) - ssp.betainc(a - h, b, x)) / (2 * h)
    fdb = (ssp.betainc(a, b + h, x) - ssp.betainc(a, b - h, x)) / (2 * h)
    np.testing.assert_allclose(d(lambda a: special.betainc(a, b, x), a), fda, atol=1e-8)
    np.testing.assert_allclose(d(lambda b: special.betainc(a, b, x), b), fdb, atol=1e-8)
    # closed form for b = 1: I_x(a, 1) = x^a, so d/da = x^a log x
    np.testing.assert_allclose(d(lambda a: special.betainc(a, 1.0, x), a), x ** a * np.log(x),
                               rtol=1e-10)
    # at x = 0 and x = 1 the function is constant in a and b
    assert ad.grad(lambda a: special.betainc(a, 2.0, 1.0))(1.5) == 0.0
    # Student's t cdf in its degrees of freedom
    df = np.array([1.5, 3.0, 10.0, 4.0])
    t = np.array([-1.0, 0.5, 2.0, 0.0])
    fd = (ssp.stdtr(df + h, t) - ssp.stdtr(df - h, t)) / (2 * h)
    np.testing.assert_allclose(d(lambda v: special.stdtr(v, t), df), fd, atol=1e-8)


def test_gammainc_shape_derivative_by_series():
    a = np.array([0.5, 1.5, 3.0, 7.0])
    x = np.array([0.3, 2.0, 5.0, 40.0])
    h = 1e-5
    fd = (ssp.gammainc(a + h, x) - ssp.gammainc(a - h, x)) / (2 * h)
    np.testing.assert_allclose(d(lambda a: special.gammainc(a, x), a), fd, atol=1e-9)
    np.testing.assert_allclose(d(lambda a: special.gammaincc(a, x), a), -fd, atol=1e-9)
    # the last entry (a = 7, x = 40) is ~5e-11, below atol and below the difference's
    # rounding (fd gives -4.996e-11): mpmath's d/da P(7, 40)
    assert d(lambda a: special.gammainc(a, x), a)[3] == pytest.approx(-5.218952496832762e-11,
                                                                       rel=1e-12, abs=0)
    # a = 1/2: P = erf(sqrt(x)), whose x-derivative is exp(-x) / sqrt(pi x)
    np.testing.assert_allclose(d(lambda x: special.gammainc(0.5, x), x),
                               np.exp(-x) / np.sqrt(np.pi * x), rtol=1e-12)
    # the gamma distribution's cdf is now differentiable in its shape too
    g = ad.grad(stats.gamma.cdf, argnums=1)(1.3, 2.0)
    assert np.isclose(g, (ssp.gammainc(2.0 + h, 1.3) - ssp.gammainc(2.0 - h, 1.3)) / (2 * h))


def test_plain_scipy_special_on_traced_values():
    g = ad.grad(lambda x: ssp.gammaln(x).sum())(X)
    np.testing.assert_allclose(g, ssp.digamma(X))


_FRESH_SPECIAL = """
import sys
import numpy as np, scipy.special as ss, dualad as ad
assert "dualad.scipy.special" not in sys.modules
x = np.array([1.5, 2.5])
np.testing.assert_allclose(ad.grad(lambda x: np.sum(ss.gammaln(x)))(x), ss.digamma(x))
np.testing.assert_allclose(ad.jvp(ss.erf, (x,), (np.ones(2),))[1],
                           2 / np.sqrt(np.pi) * np.exp(-x ** 2))
"""


def test_plain_scipy_special_without_importing_dualad_scipy():
    # the first scipy.special ufunc that reaches dualad loads dualad.scipy.special
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-c", _FRESH_SPECIAL], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_import_dualad_does_not_import_scipy():
    import subprocess
    import sys
    code = "import sys, dualad; print(sorted(m for m in sys.modules if 'scipy' in m))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "[]", out.stdout + out.stderr


def test_scipy_special_ufunc_without_rule_is_named():
    with pytest.raises(NotImplementedError, match=r"^scipy\.special\.agm has no derivative"):
        ad.grad(lambda x: ssp.agm(x, 2.0).sum())(X)
    with pytest.raises(NotImplementedError, match=r"^scipy\.special\.agm\.outer has no"):
        ad.grad(lambda x: ssp.agm.outer(x, x).sum())(X)


# --- linalg ------------------------------------------------------------------------------
A = RNG.standard_normal((3, 3)) * 0.3 + 2 * np.eye(3)
B = RNG.standard_normal((3, 2))
S = A @ A.T + np.eye(3)


def test_linalg_values_match_scipy():
    np.testing.assert_allclose(linalg.solve(A, B), sl.solve(A, B))
    np.testing.assert_allclose(linalg.inv(A), sl.inv(A))
    np.testing.assert_allclose(linalg.det(A), sl.det(A))
    np.testing.assert_allclose(linalg.cholesky(S), sl.cholesky(S))
    np.testing.assert_allclose(linalg.cho_solve(linalg.cho_factor(S), B), sl.solve(S, B))
    np.testing.assert_allclose(linalg.lu_solve(linalg.lu_factor(A), B), sl.solve(A, B))
    np.testing.assert_allclose(linalg.expm(A * 0.3), sl.expm(A * 0.3))
    np.testing.assert_allclose(linalg.sqrtm(S), sl.sqrtm(S))
    np.testing.assert_allclose(linalg.logm(S), sl.logm(S), atol=1e-12)
    np.testing.assert_allclose(linalg.block_diag(A, B), sl.block_diag(A, B))


@pytest.mark.parametrize("trans", [0, 1, "T"])
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("unit", [True, False])
def test_solve_triangular_all_options(trans, lower, unit):
    f = lambda a, b: linalg.solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit)
    np.testing.assert_allclose(f(A, B), sl.solve_triangular(A, B, trans=trans, lower=lower,
                                                            unit_diagonal=unit))
    check_grads(f, (A, B), order=1)
    # only the referenced triangle gets a derivative
    g = ad.grad(lambda a: f(a, B).sum())(A)
    mask = np.tril(np.ones((3, 3)), -1 if unit else 0) if lower else np.triu(np.ones((3, 3)), 1 if unit else 0)
    assert np.all(g[mask == 0] == 0)


def test_expm_frechet_closed_forms():
    # nilpotent A: expm(A) = I + A, so the derivative along E is E + (AE + EA)/2 + ...
    a = np.array([[0.0, 1.0], [0.0, 0.0]])
    e = RNG.standard_normal((2, 2))
    _, t = ad.jvp(linalg.expm, (a,), (e,))
    np.testing.assert_allclose(t, sl.expm_frechet(a, e, compute_expm=False))
    # d/ds expm(s A) = A expm(sA)
    _, t = ad.jvp(lambda s: linalg.expm(s * A * 0.2), (1.0,), (1.0,))
    np.testing.assert_allclose(t, A * 0.2 @ sl.expm(A * 0.2), rtol=1e-10)
    # VJP = Fréchet derivative at A^T
    g = RNG.standard_normal((3, 3))
    _, back = ad.vjp(linalg.expm, A * 0.3)
    np.testing.assert_allclose(back(g)[0], sl.expm_frechet((A * 0.3).T, g, compute_expm=False),
                               rtol=1e-10)


def test_sqrtm_logm_derivatives():
    e = RNG.standard_normal((3, 3))
    x = sl.sqrtm(S)
    _, dx = ad.jvp(linalg.sqrtm, (S,), (e,))
    np.testing.assert_allclose(x @ dx + dx @ x, e, atol=1e-10)
    # logm(expm(X)) = X: derivatives compose to the identity
    m = A * 0.2
    _, t = ad.jvp(lambda a: linalg.logm(linalg.expm(a)), (m,), (e,))
    np.testing.assert_allclose(t, e, atol=1e-8)


def test_det_and_inv_derivatives():
    np.testing.assert_allclose(ad.grad(linalg.det_p)(A), sl.det(A) * sl.inv(A).T)
    np.testing.assert_allclose(ad.grad(lambda a: linalg.inv_p(a).sum())(A),
                               -(sl.inv(A).T @ np.ones((3, 3)) @ sl.inv(A).T))


def test_solve_sylvester_all_arguments():
    a, b = A, RNG.standard_normal((2, 2)) + 3 * np.eye(2)
    q = RNG.standard_normal((3, 2))
    np.testing.assert_allclose(linalg.solve_sylvester(a, b, q), sl.solve_sylvester(a, b, q))
    check_grads(linalg.solve_sylvester, (a, b, q), order=1)


def test_lu_solve_plain_factors_constant():
    lu = sl.lu_factor(A)
    for trans in (0, 1):
        g = ad.jacobian(lambda b: linalg.lu_solve(lu, b, trans=trans))(B[:, 0])
        np.testing.assert_allclose(g, sl.inv(A.T if trans else A), atol=1e-12)


@pytest.mark.parametrize("name", ["expm", "sqrtm", "logm", "cholesky", "inv", "det",
                                  "trisolve", "solve", "sylvester"])
def test_linalg_batched_rules(name):
    f = {"expm": lambda a: linalg.expm(0.3 * a), "sqrtm": linalg.sqrtm, "logm": linalg.logm,
         "cholesky": linalg.cholesky, "inv": linalg.inv_p, "det": linalg.det_p,
         "trisolve": lambda a: linalg.solve_triangular(a, B, lower=True, trans=1),
         "solve": lambda a: linalg.solve(a, B),
         "sylvester": lambda a: linalg.solve_sylvester(a, 2 * S, S)}[name]
    assert_batched(f, S if name in ("sqrtm", "logm", "cholesky") else A)


# --- stats -------------------------------------------------------------------------------
def test_stats_values_match_scipy():
    x = X - 0.5
    for m in ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"]:
        np.testing.assert_allclose(getattr(stats.norm, m)(x, 0.5, 1.3), getattr(sst.norm, m)(x, 0.5, 1.3))
        np.testing.assert_allclose(getattr(stats.t, m)(x, 3.5, 0.2, 1.3), getattr(sst.t, m)(x, 3.5, 0.2, 1.3))
        np.testing.assert_allclose(getattr(stats.gamma, m)(X, 2.5, 0.1, 1.3),
                                   getattr(sst.gamma, m)(X, 2.5, 0.1, 1.3))
        np.testing.assert_allclose(getattr(stats.beta, m)(X / 3, 2.5, 1.5), getattr(sst.beta, m)(X / 3, 2.5, 1.5))
    k = np.array([0.0, 1.0, 3.0, 7.0])
    for m in ["logpmf", "pmf", "cdf", "logcdf", "sf"]:
        np.testing.assert_allclose(getattr(stats.poisson, m)(k, 2.5), getattr(sst.poisson, m)(k, 2.5))
    alpha = np.array([1.5, 2.0, 3.0])
    xs = np.array([[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]]).T
    np.testing.assert_allclose(stats.dirichlet.logpdf(xs, alpha), sst.dirichlet.logpdf(xs, alpha))
    np.testing.assert_allclose(stats.dirichlet.logpdf(xs[:2], alpha), sst.dirichlet.logpdf(xs, alpha))
    mean = RNG.standard_normal(3)
    pts = RNG.standard_normal((4, 3))
    for cov in (S, np.diag(S), 2.0):
        np.testing.assert_allclose(stats.multivariate_normal.logpdf(pts, mean, cov),
                                   sst.multivariate_normal.logpdf(pts, mean, cov))
    np.testing.assert_allclose(stats.multivariate_normal.logpdf(pts[0], mean, S),
                               sst.multivariate_normal.logpdf(pts[0], mean, S))


def test_stats_parameter_derivatives_closed_form():
    x, loc, scale = 1.0, 0.5, 2.0
    z = (x - loc) / scale
    g = ad.grad(stats.norm.logpdf, argnums=(0, 1, 2))(x, loc, scale)
    np.testing.assert_allclose(g, [-z / scale, z / scale, (z * z - 1) / scale])
    assert np.isclose(ad.grad(stats.norm.cdf)(x, loc, scale), sst.norm.pdf(x, loc, scale))
    # Poisson: d/dmu logpmf = k/mu - 1; d/dmu cdf = -pmf(k, mu)
    assert np.isclose(ad.grad(stats.poisson.logpmf, argnums=1)(3.0, 2.0), 0.5)
    assert np.isclose(ad.grad(stats.poisson.cdf, argnums=1)(3.0, 2.0), -sst.poisson.pmf(3, 2.0))
    # gamma: d/da logpdf = log x - digamma(a)
    assert np.isclose(ad.grad(stats.gamma.logpdf, argnums=1)(1.7, 2.5), np.log(1.7) - ssp.digamma(2.5))
    # multivariate normal: d/dmean = cov^-1 (x - mean); d/dcov = (P d d^T P - P) / 2
    x = RNG.standard_normal(3)
    m = RNG.standard_normal(3)
    P = sl.inv(S)
    gm, gc = ad.grad(stats.multivariate_normal.logpdf, argnums=(1, 2))(x, m, S)
    np.testing.assert_allclose(gm, P @ (x - m))
    full = 0.5 * (P @ np.outer(x - m, x - m) @ P - P)
    # the covariance is read through its lower triangle: off-diagonal entries
    # collect both symmetric contributions there
    np.testing.assert_allclose(gc, np.tril(full + full.T, -1) + np.diag(np.diag(full)), atol=1e-12)
    # dirichlet: d/dalpha logpdf = log x - digamma(alpha) + digamma(sum alpha)
    xs = np.array([0.2, 0.3, 0.5])
    al = np.array([1.5, 2.0, 3.0])
    np.testing.assert_allclose(ad.grad(stats.dirichlet.logpdf, argnums=1)(xs, al),
                               np.log(xs) - ssp.digamma(al) + ssp.digamma(al.sum()))


def test_stats_outside_support():
    assert stats.gamma.logpdf(-1.0, 2.0) == -np.inf
    assert stats.beta.pdf(1.5, 2.0, 2.0) == 0.0
    assert stats.poisson.pmf(2.5, 1.0) == 0.0
    assert ad.grad(lambda s: stats.gamma.logpdf(np.array([-1.0, 1.0]), 2.0, 0.0, s)[1])(1.0) == \
        pytest.approx(1.0 - 2.0)


# --- signal -------------------------------------------------------------------------------
@pytest.mark.parametrize("s1, s2", [((5,), (3,)), ((3,), (5,)), ((4, 3), (2, 2)), ((2, 2), (4, 3))])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
def test_convolve_matches_scipy(s1, s2, mode):
    a, b = RNG.standard_normal(s1), RNG.standard_normal(s2)
    for ours, theirs in [(signal.convolve, ssig.convolve), (signal.correlate, ssig.correlate),
                         (signal.fftconvolve, ssig.fftconvolve)]:
        try:
            ref = theirs(a, b, mode=mode)
        except ValueError:
            continue
        got = ad.jvp(lambda x, y: ours(x, y, mode=mode), (a, b), (a, b))[0]
        np.testing.assert_allclose(got, ref, atol=1e-12)
    # bilinear: the Jacobian in in1 is convolution with in2
    if mode == "full" and len(s1) == 1:
        J = ad.jacobian(lambda x: signal.convolve(x, b))(a)
        np.testing.assert_allclose(J, np.stack([ssig.convolve(e, b) for e in np.eye(len(a))], -1))


_EMPTY_PAIRS = [((3,), (0,)), ((0,), (3,)), ((0,), (0,)), ((2, 3), (0, 3)), ((2, 0), (2, 3)),
                ((0, 3), (2, 0))]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # SciPy's choose_conv_method: log(0)
@pytest.mark.parametrize("s1, s2", _EMPTY_PAIRS)
@pytest.mark.parametrize("method", ["direct", "fft", "auto"])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("name", ["convolve", "correlate"])
def test_convolve_empty_operand_as_scipy(name, mode, method, s1, s2):
    # SciPy refuses most inputs with an empty operand ("v cannot be empty",
    # "second array argument cannot be empty", IndexError for method='fft', ...);
    # traced inputs get the same error.  Where SciPy returns (zeros or [], every
    # entry an empty sum), the value is SciPy's and every derivative is 0.
    a, b = np.arange(1.0, 1.0 + np.prod(s1)).reshape(s1), np.ones(s2)
    ours, theirs = getattr(signal, name), getattr(ssig, name)
    try:
        ref = theirs(a, b, mode=mode, method=method)
    except Exception as e:  # noqa: BLE001
        err = e
    else:
        err = None
    for k, arg in enumerate((a, b)):
        def f(t, k=k):
            return ours(*((t, b) if k == 0 else (a, t)), mode=mode, method=method)
        if err is not None:
            for run in (lambda: ad.jvp(f, (arg,), (arg,)),
                        lambda: ad.grad(lambda t: dnp.sum(f(t)))(arg),
                        lambda: ad.jacrev(f)(arg)):
                with pytest.raises(type(err), match=re.escape(str(err))):
                    run()
            continue
        val, tan = ad.jvp(f, (arg,), (arg,))
        np.testing.assert_array_equal(val, ref)
        assert np.shape(val) == ref.shape and np.shape(tan) == ref.shape
        np.testing.assert_array_equal(tan, 0.0)
        np.testing.assert_array_equal(ad.grad(lambda t: dnp.sum(f(t)))(arg), np.zeros(arg.shape))
        assert ad.jacrev(f)(arg).shape == ref.shape + arg.shape
        np.testing.assert_array_equal(ad.hessian(lambda t: dnp.sum(f(t) ** 2))(arg), 0.0)


def test_convolve_batched_rules():
    a, b = RNG.standard_normal((4, 3)), RNG.standard_normal((2, 2))
    assert_batched(lambda x: signal.convolve(x, b, mode="same"), a)
    assert_batched(lambda y: signal.correlate(a, y, mode="valid"), b)


# --- integrate -----------------------------------------------------------------------------
T = np.array([0.0, 0.5, 1.2, 2.0])


def _decay(y0, t, k):
    return integrate.odeint(lambda y, t, k: -k * y, y0, t, args=(k,), rtol=1e-11, atol=1e-11)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_odeint_exponential_decay_closed_form(mode):
    y0, k = np.array([1.5, 0.7]), 0.8
    np.testing.assert_allclose(_decay(y0, T, k), y0 * np.exp(-k * T[:, None]), rtol=1e-9)
    dk = ad.jacobian(lambda k: _decay(y0, T, k), mode=mode)(k)
    np.testing.assert_allclose(dk, -T[:, None] * y0 * np.exp(-k * T[:, None]), atol=1e-9)
    dy0 = ad.jacobian(lambda y: _decay(y, T, k), mode=mode)(y0)
    np.testing.assert_allclose(dy0, np.exp(-k * T)[:, None, None] * np.eye(2), atol=1e-9)
    dt = ad.jacobian(lambda t: _decay(y0, t, k), mode=mode)(T)
    ref = np.zeros((4, 2, 4))
    for j in range(1, 4):
        ref[j, :, j] = -k * y0 * np.exp(-k * (T[j] - T[0]))
        ref[j, :, 0] = k * y0 * np.exp(-k * (T[j] - T[0]))
    np.testing.assert_allclose(dt, ref, atol=1e-9)


def test_odeint_against_finite_differences():
    def pend(y, t, b, c):
        return dnp.stack([y[1], -b * y[1] - c * dnp.sin(y[0])])

    f = lambda y0, t, b, c: integrate.odeint(pend, y0, t, args=(b, c), rtol=1e-10, atol=1e-10)
    check_grads(f, (np.array([1.0, 0.2]), np.array([0.0, 0.4, 1.0]), 0.25, np.array(3.0)),
                order=1, atol=1e-5, rtol=1e-4)
    # tfirst and a list-valued right-hand side
    g = lambda y0, b: integrate.odeint(lambda t, y, b: [y[1], -b * y[0]], y0, np.array([0.0, 0.7]),
                                       args=(b,), rtol=1e-10, atol=1e-10, tfirst=True)
    check_grads(g, (np.array([1.0, 0.2]), 2.0), order=1, atol=1e-5, rtol=1e-4)


def test_odeint_second_order():
    # second order is supported since the rules call the primitive itself
    # (tests/test_integrate.py checks every nesting): d2/dk2 sum_j exp(-k T_j)
    h = ad.hessian(lambda k: _decay(np.array([1.0]), T, k).sum())(0.5)
    np.testing.assert_allclose(h, np.sum(T ** 2 * np.exp(-0.5 * T)), rtol=1e-8)


@pytest.mark.parametrize("kw", [{}, {"assume_a": "sym"}, {"assume_a": "pos", "lower": True},
                                {"assume_a": "diagonal"}, {"assume_a": "tridiagonal"},
                                {"assume_a": "upper triangular"},
                                {"assume_a": "lower triangular", "transposed": True},
                                {"transposed": True}])
def test_solve_reads_what_scipy_reads(kw):
    # finite differences run SciPy's own solve: the derivative is that of the
    # function of the entries SciPy reads
    f = lambda a, b: linalg.solve(a, b, **kw)
    np.testing.assert_allclose(ad.jvp(f, (A, B), (A, B))[0], sl.solve(A, B, **kw))
    check_grads(f, (A, B), order=1)


def test_zeta_x_derivative_by_euler_maclaurin():
    # zeta'(2) = pi^2/6 (gamma + log(2 pi) - 12 log A), A the Glaisher-Kinkelin constant
    glaisher = 1.2824271291006226
    ref = np.pi ** 2 / 6 * (np.euler_gamma + np.log(2 * np.pi) - 12 * np.log(glaisher))
    assert np.isclose(ad.grad(special.zeta)(2.0), ref, rtol=1e-13)
    x = np.array([1.5, 3.5, 8.0])
    q = np.array([0.3, 2.5, 0.7])
    h = 1e-6
    fd = (ssp.zeta(x + h, q) - ssp.zeta(x - h, q)) / (2 * h)
    np.testing.assert_allclose(d(lambda x: special.zeta(x, q), x), fd, rtol=1e-8)
    # second derivative: sum log(n+q)^2 / (n+q)^x, by direct summation for x = 8
    n = np.arange(200000.0)
    direct = np.sum(np.log(n + 0.7) ** 2 / (n + 0.7) ** 8.0)
    assert np.isclose(ad.grad(ad.grad(special.zeta))(8.0, 0.7), direct, rtol=1e-12)


def test_lu_factor_is_differentiable_with_pivoting():
    """The packed factors of a matrix that needs row swaps: Jacobians in both
    modes against central differences of SciPy's own lu_factor, and the
    log|det| idiom (log of the diagonal of U) against its closed form inv(a)^T,
    first and second order.  They were constants (derivative 0) before."""
    a = np.array([[0.1, 2.0, -1.0], [3.0, 0.5, 1.0], [-1.0, 1.0, 4.0]])
    assert not np.array_equal(sl.lu_factor(a)[1], np.arange(3))          # pivoting happens
    h = 1e-6
    fd = np.zeros((3, 3, 3, 3))
    for i in range(3):
        for j in range(3):
            e = np.zeros((3, 3))
            e[i, j] = h
            fd[..., i, j] = (sl.lu_factor(a + e)[0] - sl.lu_factor(a - e)[0]) / (2 * h)
    for jac in (ad.jacfwd, ad.jacrev):
        np.testing.assert_allclose(jac(lambda a: linalg.lu_factor(a)[0])(a), fd, atol=1e-8)
    logabsdet = lambda a: dnp.sum(dnp.log(dnp.abs(dnp.diagonal(linalg.lu_factor(a)[0]))))  # noqa: E731
    inv_t = np.linalg.inv(a).T
    np.testing.assert_allclose(ad.grad(logabsdet)(a), inv_t, rtol=1e-13)
    # d/da_kl of inv(a)^T_ij = -inv(a)_jk inv(a)_li
    ia = np.linalg.inv(a)
    want_h = -np.einsum("jk,li->ijkl", ia, ia)
    np.testing.assert_allclose(ad.hessian(logabsdet)(a), want_h, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ad.jacrev(ad.grad(logabsdet))(a), want_h, rtol=1e-12, atol=1e-14)
    check_grads(lambda a: linalg.lu_factor(a)[0], (a.astype(np.float32),), order=2)


def test_lu_factor_of_a_traced_non_square_matrix_is_refused():
    with pytest.raises(NotImplementedError, match="lu_factor.*square matrices"):
        # full rank (all-ones made SciPy warn 'singular matrix' on the primal)
        ad.grad(lambda a: dnp.sum(linalg.lu_factor(a)[0]))(np.array([[2.0, 1.0], [1.0, 3.0], [1.0, 1.0]]))
    assert ad.grad(lambda a: dnp.sum(linalg.lu_factor(a)[0]))(np.eye(2)).shape == (2, 2)
