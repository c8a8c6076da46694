"""dualad.scipy.stats distributions: gumbel_r, gumbel_l and pareto (at the end), and the methods ``median``, ``interval``,
``entropy``, ``stats(moments=...)`` and ``moment(order)``, plain and frozen.

Truths: SciPy's own values (rtol 1e-13) and Richardson-extrapolated central
differences of SciPy's methods (first order, forward and reverse mode;
second order for a few cases by differences of differences); where SciPy
integrates numerically (``invgamma.moment(5)``), an mpmath value pasted."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.stats as sst

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import stats

from ._derivatives import richardson, traced_value

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

SHAPES = {"norm": (), "t": (6.5,), "gamma": (2.5,), "beta": (2.3, 3.1), "expon": (),
          "uniform": (), "laplace": (), "cauchy": (), "logistic": (), "chi2": (5.5,),
          "lognorm": (0.4,), "invgamma": (9.5,), "halfnorm": (), "weibull_min": (1.7,),
          "gumbel_r": (), "gumbel_l": (), "pareto": (5.5,)}
LOC, SCALE = 0.3, 1.7


def _parts(dist, p, mod):
    """The methods' values as a list (those SciPy has finite), the parameters ``p``
    = (*shapes, loc, scale)."""
    d = getattr(mod, dist)
    sh, kw = p[:-2], {"loc": p[-2], "scale": p[-1]}
    out = [d.median(*sh, **kw), d.entropy(*sh, **kw), *d.interval(0.9, *sh, **kw)]
    if dist != "cauchy":
        out += list(d.stats(*sh, moments="mvsk", **kw))
        out += [d.moment(k, *sh, **kw) for k in (1, 2, 3, 4)]
    if dist in ("norm", "gamma", "weibull_min"):      # SciPy's closed forms (no quadrature)
        out.append(d.moment(5, *sh, **kw))
    return out


@pytest.mark.parametrize("dist", sorted(SHAPES))
def test_values_and_first_derivatives(dist):
    p0 = np.array(SHAPES[dist] + (LOC, SCALE))
    ref = np.array([float(v) for v in _parts(dist, list(p0), sst)])
    assert np.all(np.isfinite(ref))
    # plain calls are SciPy's
    np.testing.assert_array_equal([float(v) for v in _parts(dist, list(p0), stats)], ref)

    def f(p):
        return dnp.stack([dnp.asarray(v) for v in _parts(dist, [p[i] for i in range(len(p0))],
                                                         stats)])
    np.testing.assert_allclose(traced_value(f, p0), ref, rtol=1e-13)
    truth = np.empty((ref.size, p0.size))
    for i in range(p0.size):
        def g(v, i=i):
            q = list(p0)
            q[i] = v
            return np.array([float(u) for u in _parts(dist, q, sst)])
        truth[:, i] = richardson(g, p0[i], 1e-3)
    for jac in (ad.jacfwd, ad.jacrev):
        got = jac(f)(p0)
        np.testing.assert_allclose(got, truth, rtol=1e-7, atol=1e-9 * np.abs(truth).max())


def test_invgamma_moment5_mpmath():
    # SciPy integrates numerically here (4e-7 off); the closed form
    # sum_k C(5, k) loc^(5-k) scale^k Gamma(a-k)/Gamma(a) with mpmath (30 digits):
    # d/da at a = 9.5, loc = 0.3, scale = 1.7 is -0.012689407011156780341843644554
    g = ad.grad(lambda a: stats.invgamma.moment(5, a, loc=0.3, scale=1.7))(9.5)
    assert float(g) == pytest.approx(-0.012689407011156780341843644554, rel=1e-12)
    assert float(traced_value(lambda a: stats.invgamma.moment(5, a, loc=0.3, scale=1.7),
                              np.float64(9.5))) == \
        float(sst.invgamma.moment(5, 9.5, loc=0.3, scale=1.7))


@pytest.mark.parametrize("dist", ["expon", "lognorm", "halfnorm", "t", "logistic", "beta",
                                  "chi2", "uniform", "laplace"])
def test_moment5_scale(dist):
    # E[(s Y)^5] = s^5 E[Y^5]: d/ds = 5 moment / s at loc = 0 (SciPy integrates
    # these moments numerically: its differences are too slow and noisy a truth;
    # the odd moments of the symmetric ones are 0, SciPy's quadrature 1e-11)
    sh = SHAPES[dist]
    want = float(sst.__dict__[dist].moment(5, *sh, scale=1.3))
    f = lambda s: getattr(stats, dist).moment(5, *sh, scale=s)    # noqa: E731
    assert float(traced_value(f, np.float64(1.3))) == want
    assert float(ad.grad(f)(1.3)) == pytest.approx(5 * want / 1.3, rel=1e-6, abs=1e-10)
    assert float(ad.jacfwd(f)(1.3)) == pytest.approx(5 * want / 1.3, rel=1e-6, abs=1e-10)


SECOND = [
    ("gamma.entropy", lambda a: stats.gamma.entropy(a, scale=2.0),
     lambda a: sst.gamma.entropy(a, scale=2.0), 2.5),
    ("gamma.entropy_asymptotic", lambda a: stats.gamma.entropy(a), sst.gamma.entropy, 400.0),
    ("t.entropy_asymptotic", lambda d: stats.t.entropy(d), sst.t.entropy, 150.0),
    ("beta.skew", lambda a: stats.beta.stats(a, 3.1, moments="s"),
     lambda a: sst.beta.stats(a, 3.1, moments="s"), 2.3),
    ("gamma.moment3_scale", lambda s: stats.gamma.moment(3, 2.5, loc=0.3, scale=s),
     lambda s: sst.gamma.moment(3, 2.5, loc=0.3, scale=s), 1.7),
    ("norm.interval_confidence", lambda c: stats.norm.interval(c, 0.3, 1.7)[1],
     lambda c: sst.norm.interval(c, 0.3, 1.7)[1], 0.8),
    ("weibull_min.kurtosis", lambda c: stats.weibull_min.stats(c, moments="k"),
     lambda c: sst.weibull_min.stats(c, moments="k"), 1.7),
    ("poisson.skew", lambda m: stats.poisson.stats(m, moments="s"),
     lambda m: sst.poisson.stats(m, moments="s"), 3.5),
]


@pytest.mark.parametrize("name,f,ref,x", SECOND, ids=[c[0] for c in SECOND])
def test_second_derivatives(name, f, ref, x):
    h = 1e-2 * max(1.0, abs(x) / 10)
    r = lambda v: float(ref(v))                       # noqa: E731
    d1 = richardson(r, x, h)
    d2 = richardson(lambda v: richardson(r, v, h), x, h)
    assert float(ad.grad(f)(x)) == pytest.approx(d1, rel=1e-8, abs=1e-12)
    assert float(ad.hessian(f)(x)) == pytest.approx(d2, rel=1e-6, abs=1e-10)
    assert float(ad.jacfwd(ad.jacrev(f))(x)) == pytest.approx(d2, rel=1e-6, abs=1e-10)


def test_discrete_stats_and_moments():
    cases = [(stats.poisson, sst.poisson, (3.5,), 0), (stats.binom, sst.binom, (10, 0.3), 1),
             (stats.nbinom, sst.nbinom, (4.5, 0.35), 0), (stats.nbinom, sst.nbinom, (4.5, 0.35), 1)]
    for d, r, params, i in cases:
        def fd(v, k=None):
            q = list(params)
            q[i] = v
            return np.array([*map(float, r.stats(*q, moments="mvsk")),
                             *(float(r.moment(k, *q)) for k in (2, 3, 4))])

        def fa(v):
            q = list(params)
            q[i] = v
            return dnp.stack([dnp.asarray(u) for u in (*d.stats(*q, moments="mvsk"),
                                                       *(d.moment(k, *q) for k in (2, 3, 4)))])
        x = float(params[i])
        np.testing.assert_allclose(traced_value(fa, np.float64(x)), fd(x), rtol=1e-13)
        truth = richardson(fd, x, 1e-3 * x)
        for jac in (ad.jacfwd, ad.jacrev):
            np.testing.assert_allclose(jac(fa)(x), truth, rtol=1e-7)


def test_frozen():
    s0 = 2.0

    def parts(s, mod):
        fr = mod.gamma(2.5, loc=0.3, scale=s)
        return [fr.median(), fr.entropy(), *fr.interval(0.9), fr.moment(3),
                *fr.stats(moments="mvsk")]
    ref = np.array([float(v) for v in parts(s0, sst)])
    f = lambda s: dnp.stack([dnp.asarray(v) for v in parts(s, stats)])   # noqa: E731
    np.testing.assert_allclose(traced_value(f, np.float64(s0)), ref, rtol=1e-13)
    truth = richardson(lambda s: np.array([float(v) for v in parts(s, sst)]), s0, 1e-3)
    np.testing.assert_allclose(ad.jacrev(f)(s0), truth, rtol=1e-8)
    assert float(stats.norm(1.0, 2.0).stats(moments="v")) == 4.0
    with pytest.raises(AttributeError, match="has no method 'median'"):
        stats.dirichlet(np.array([1.0, 2.0])).median()


def test_infinite_and_undefined_are_constants():
    # SciPy's inf / nan where the moment does not exist, derivative 0
    g = ad.grad(lambda d: stats.t.stats(d, moments="k"))(3.5)
    assert float(g) == 0.0
    assert float(stats.t.stats(ad.stop_gradient(3.5), moments="k")) == \
        float(sst.t.stats(3.5, moments="k"))
    assert np.isnan(stats.cauchy.stats(ad.stop_gradient(0.0), moments="m"))
    assert float(ad.grad(lambda d: stats.t.moment(4, d))(3.5)) == 0.0
    # t with df = inf: the normal's entropy, derivative 0
    assert float(ad.grad(lambda d: stats.t.entropy(d))(np.inf)) == 0.0


def test_errors():
    with pytest.raises(ValueError, match="between 0 and 1"):
        ad.grad(lambda c: stats.norm.interval(c)[0])(1.5)
    with pytest.raises(NotImplementedError, match="order 5"):
        ad.grad(lambda m: stats.poisson.moment(5, m))(1.5)
    with pytest.raises(ValueError):
        ad.grad(lambda s: stats.gamma.moment(2.5, 2.0, scale=s))(1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.isnan(float(traced_value(lambda a: stats.gamma.entropy(a), np.float64(-1.0))))


# --- gumbel_r / gumbel_l -----------------------------------------------------------------

GX = np.array([-800.0, -60.0, -5.0, -1.0, 0.0, 0.5, 2.0, 6.0, 30.0, 300.0, 800.0])
GQ = np.array([0.0, 1e-12, 0.03, 0.3, 0.5, 0.7, 0.97, 1 - 1e-9, 1.0])


@pytest.mark.parametrize("name", ["gumbel_r", "gumbel_l"])
def test_gumbel_values(name):
    d, r = getattr(stats, name), getattr(sst, name)
    for meth in ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"):
        # float32 keeps float32 (SciPy computes in float64): where w fits in float32
        for x in (GX, GX[2:9].astype(np.float32), np.array([-np.inf, np.inf])):
            want = getattr(r, meth)(x, 0.3, 1.7)
            if meth in ("logpdf", "pdf"):
                # SciPy's -z - exp(-z) is inf - inf = NaN at the overflow end; the
                # limit there is -inf (pdf 0), which dualad returns
                want = np.where(np.isnan(want), -np.inf if meth == "logpdf" else 0.0, want)
            got = traced_value(lambda v: getattr(d, meth)(v, 0.3, 1.7), x)
            assert got.dtype == x.dtype
            np.testing.assert_allclose(got, want.astype(x.dtype),
                                       rtol=1e-13 if x.dtype == np.float64 else 1e-5)
            plain = getattr(d, meth)(x, 0.3, 1.7)        # untraced: the same values
            np.testing.assert_allclose(plain, want.astype(x.dtype),
                                       rtol=1e-13 if x.dtype == np.float64 else 1e-5)
    for meth in ("ppf", "isf"):
        want = getattr(r, meth)(GQ, 0.3, 1.7)
        np.testing.assert_allclose(traced_value(lambda q: getattr(d, meth)(q, 0.3, 1.7), GQ),
                                   want, rtol=1e-13)
    assert np.isnan(traced_value(lambda v: d.logpdf(v, 0.3, -1.0), GX)).all()


def _gumbel_truths(name, meth, x, loc, scale):
    """d/dx from SciPy's density: pdf, pdf/cdf, ... (the log forms as exp of
    differences of SciPy's logs, so they hold in the far tails)."""
    r = getattr(sst, name)
    lp, lc, ls = r.logpdf(x, loc, scale), r.logcdf(x, loc, scale), r.logsf(x, loc, scale)
    out = {"cdf": np.exp(lp), "sf": -np.exp(lp), "logcdf": np.exp(lp - lc),
           "logsf": -np.exp(lp - ls)}[meth]
    # the log of the thin tail is -w = -exp(-+z): lp - l(c|s)f cancels there, so the
    # closed form -+ w / scale (the derivative of SciPy's own formula) is the truth
    z = (np.asarray(x) - loc) / scale
    if name == "gumbel_r" and meth == "logcdf":
        out = np.exp(-z) / scale
    if name == "gumbel_l" and meth == "logsf":
        out = -np.exp(z) / scale
    return out


@pytest.mark.parametrize("name", ["gumbel_r", "gumbel_l"])
@pytest.mark.parametrize("meth", ["logpdf", "cdf", "logcdf", "sf", "logsf"])
def test_gumbel_first_derivatives(name, meth):
    d, r = getattr(stats, name), getattr(sst, name)
    x = np.array([-20.0, -5.0, -1.0, 0.0, 0.5, 2.0, 6.0, 30.0, 300.0])
    loc, scale = 0.3, 1.7
    if meth == "logpdf":
        dx = np.array([richardson(lambda v: float(r.logpdf(v, loc, scale)), xi, 1e-3)
                       for xi in x])
    else:
        dx = _gumbel_truths(name, meth, x, loc, scale)
    z = (x - loc) / scale
    dscale = -z * dx - (1 / scale if meth == "logpdf" else 0.0)
    f = lambda v, m, s: getattr(d, meth)(v, m, s)     # noqa: E731
    rt = {"logpdf": 1e-9, "logcdf": 1e-10, "logsf": 1e-10}.get(meth, 1e-12)
    for jac in (ad.jacfwd, ad.jacrev):
        np.testing.assert_allclose(np.diag(jac(f, argnums=0)(x, loc, scale)), dx, rtol=rt)
        np.testing.assert_allclose(jac(f, argnums=1)(x, loc, scale), -dx, rtol=rt)
        np.testing.assert_allclose(jac(f, argnums=2)(x, loc, scale), dscale, rtol=10 * rt,
                                   atol=1e-300)
    # outside the range where w = exp(-sign z) is finite: SciPy's limits, derivative 0
    far = np.array([-2000.0 if name == "gumbel_r" else 2000.0, -np.inf, np.inf])
    for jac in (ad.jacfwd, ad.jacrev):
        np.testing.assert_array_equal(jac(lambda v: f(v, loc, scale))(far), np.zeros((3, 3)))


@pytest.mark.parametrize("name", ["gumbel_r", "gumbel_l"])
def test_gumbel_quantile_derivatives(name):
    d, r = getattr(stats, name), getattr(sst, name)
    q = np.array([1e-12, 0.03, 0.3, 0.7, 0.97, 1 - 1e-9])
    for meth, sign in (("ppf", 1.0), ("isf", -1.0)):
        xq = getattr(r, meth)(q, 0.3, 1.7)
        dq = sign / r.pdf(xq, 0.3, 1.7)
        for jac in (ad.jacfwd, ad.jacrev):
            np.testing.assert_allclose(
                np.diag(jac(lambda v: getattr(d, meth)(v, 0.3, 1.7))(q)), dq, rtol=1e-9)
            np.testing.assert_allclose(
                jac(lambda s: getattr(d, meth)(q, 0.3, s))(1.7), (xq - 0.3) / 1.7, rtol=1e-12)


@pytest.mark.parametrize("name", ["gumbel_r", "gumbel_l"])
@pytest.mark.parametrize("meth", ["logpdf", "logcdf", "logsf", "cdf"])
def test_gumbel_second_derivatives(name, meth):
    # d2/dx2 and d2/dx dscale by Richardson of the SciPy-density truths above
    r = getattr(sst, name)
    d = getattr(stats, name)
    for x in (-3.0, 0.4, 5.0):
        if meth == "logpdf":
            first = lambda v, s: richardson(lambda u: float(r.logpdf(u, 0.3, s)), v, 1e-3)  # noqa
        else:
            first = lambda v, s: float(_gumbel_truths(name, meth, v, 0.3, s))             # noqa
        dxx = richardson(lambda v: first(v, 1.7), x, 1e-3)
        dxs = richardson(lambda s: first(x, s), 1.7, 1e-3)
        f = lambda v, s: getattr(d, meth)(v, 0.3, s)       # noqa: E731
        h = ad.hessian(f, argnums=(0, 1))(x, 1.7)
        assert float(h[0][0]) == pytest.approx(dxx, rel=1e-6)
        assert float(h[0][1]) == pytest.approx(dxs, rel=1e-6)
        assert float(ad.jacfwd(ad.jacrev(f))(x, 1.7)) == pytest.approx(dxx, rel=1e-6)


# --- pareto ------------------------------------------------------------------------------

PX = np.array([0.0, 2.0, 2.3, 3.0, 5.0, 20.0, 1e3, 1e6])      # loc 0.3, scale 2: y >= 1


def test_pareto_values():
    for meth in ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"):
        want = getattr(sst.pareto, meth)(PX, 2.5, 0.3, 2.0)
        got = traced_value(lambda v: getattr(stats.pareto, meth)(v, 2.5, 0.3, 2.0), PX)
        np.testing.assert_allclose(got, want, rtol=1e-13)
    for meth in ("ppf", "isf"):
        q = np.array([0.0, 1e-9, 0.3, 0.7, 0.999, 1.0])
        np.testing.assert_allclose(
            traced_value(lambda v: getattr(stats.pareto, meth)(v, 2.5, 0.3, 2.0), q),
            getattr(sst.pareto, meth)(q, 2.5, 0.3, 2.0), rtol=1e-13)
    assert np.isnan(traced_value(lambda v: stats.pareto.logpdf(v, -1.0), PX)).all()
    # near y = 1 SciPy's 1 - y**-b cancels: dualad's -expm1(-b log y) is exact to
    # rounding (mpmath: 1 - (1 + 1e-12)**-2.5 = 2.4999999999968750e-12)
    assert float(stats.pareto.cdf(1 + 1e-12, 2.5)) == pytest.approx(2.499999999996875e-12,
                                                                     rel=1e-4)


@pytest.mark.parametrize("meth", ["logpdf", "cdf", "logcdf", "sf", "logsf"])
def test_pareto_first_derivatives(meth):
    x = PX[3:]          # (2.3 - 0.3) / 2 rounds below 1: outside the support
    b, loc, scale = 2.5, 0.3, 2.0
    r = sst.pareto
    lp, lc, ls = r.logpdf(x, b, loc, scale), r.logcdf(x, b, loc, scale), r.logsf(x, b, loc, scale)
    if meth == "logpdf":
        dx = -(b + 1) / (x - loc)           # closed form of b / y**(b+1) / scale
    else:
        dx = {"cdf": np.exp(lp), "sf": -np.exp(lp), "logcdf": np.exp(lp - lc),
              "logsf": -np.exp(lp - ls)}[meth]
    db = np.array([richardson(lambda v: float(getattr(r, meth)(xi, v, loc, scale)), b, 1e-3)
                   for xi in x])
    f = lambda v, c, m, s: getattr(stats.pareto, meth)(v, c, m, s)     # noqa: E731
    z = (x - loc) / scale
    for jac in (ad.jacfwd, ad.jacrev):
        np.testing.assert_allclose(np.diag(jac(f, argnums=0)(x, b, loc, scale)), dx, rtol=1e-11)
        np.testing.assert_allclose(jac(f, argnums=2)(x, b, loc, scale), -dx, rtol=1e-11)
        np.testing.assert_allclose(jac(f, argnums=3)(x, b, loc, scale),
                                   -z * dx - (1 / scale if meth == "logpdf" else 0.0),
                                   rtol=1e-10)
        np.testing.assert_allclose(jac(f, argnums=1)(x, b, loc, scale), db, rtol=1e-7,
                                   atol=1e-12)
    # outside the support and at its end: SciPy's values, derivative 0 in x
    for jac in (ad.jacfwd, ad.jacrev):
        g = jac(lambda v: f(v, b, loc, scale))(np.array([0.0, 2.3, 2.0 * 1.0 + 0.3]))
        assert np.all(g[:2] == 0), g


def test_pareto_quantiles_and_second_order():
    q = np.array([1e-9, 0.3, 0.7, 0.999])
    xq = sst.pareto.ppf(q, 2.5, 0.3, 2.0)
    for jac in (ad.jacfwd, ad.jacrev):
        np.testing.assert_allclose(np.diag(jac(lambda v: stats.pareto.ppf(v, 2.5, 0.3, 2.0))(q)),
                                   1 / sst.pareto.pdf(xq, 2.5, 0.3, 2.0), rtol=1e-10)
    f = lambda c: float(sst.pareto.isf(0.2, c))                      # noqa: E731
    d2 = richardson(lambda c: richardson(f, c, 1e-3), 2.5, 1e-3)
    assert float(ad.hessian(lambda c: stats.pareto.isf(0.2, c))(2.5)) == pytest.approx(d2, rel=1e-6)
    g = lambda c: float(sst.pareto.logsf(7.0, c, 0.3, 2.0))           # noqa: E731
    d2 = richardson(lambda c: richardson(g, c, 1e-3), 2.5, 1e-3)
    assert float(ad.jacfwd(ad.jacrev(lambda c: stats.pareto.logsf(7.0, c, 0.3, 2.0)))(2.5)) == \
        pytest.approx(d2, abs=1e-8)          # logsf = -b log y: linear in b


def test_entropy_without_closed_form_refuses_traced_parameters(monkeypatch):
    """A distribution whose entropy has no closed form in dualad gives SciPy's value on
    plain parameters and refuses traced ones (never SciPy's value with derivative 0)."""
    import scipy.stats as ss

    from dualad.scipy import _stats_moments
    from dualad.scipy import stats as ds
    monkeypatch.delitem(_stats_moments.ENTROPY, "logistic")
    assert float(ds.logistic.entropy(scale=2.0)) == float(ss.logistic.entropy(scale=2.0))
    with pytest.raises(NotImplementedError, match="logistic.entropy"):
        ad.grad(lambda s: ds.logistic.entropy(scale=s))(2.0)
