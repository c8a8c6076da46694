"""dualad.scipy.stats: truncnorm, rayleigh, f, weibull_max, genextreme, genpareto,
lomax, chi, maxwell, loggamma, truncexpon, powerlaw, betaprime, triang.

Truths: SciPy's own values; Richardson-extrapolated central differences of
SciPy's methods (not of dualad's) for the derivatives in every argument, in
forward and reverse mode; mpmath values (pasted, with the mpmath expression)
in the far tails of truncnorm, where SciPy's differences cannot resolve the
derivatives; closed forms at the c -> 0 limits of genpareto / genextreme."""
import warnings

import numpy as np
import pytest
import scipy.stats as sst

import dualad as ad
from dualad.scipy import stats

# (name, shape parameters) covering each distribution's regimes
CASES = [
    ("truncnorm", (-1.0, 2.0)), ("truncnorm", (0.5, 3.0)), ("truncnorm", (-2.5, -0.5)),
    ("truncnorm", (-3.0, 0.2)), ("truncnorm", (1.0, np.inf)), ("truncnorm", (-np.inf, -1.0)),
    ("rayleigh", ()),
    ("f", (3.0, 5.0)), ("f", (0.7, 12.0)),
    ("weibull_max", (0.7,)), ("weibull_max", (2.5,)),
    ("genpareto", (0.3,)), ("genpareto", (-0.4,)), ("genpareto", (0.01,)), ("genpareto", (-0.02,)),
    ("genextreme", (0.3,)), ("genextreme", (-0.4,)), ("genextreme", (0.01,)),
    ("genextreme", (-0.02,)),
    ("lomax", (0.7,)), ("lomax", (3.5,)), ("chi", (1.0,)), ("chi", (7.0,)), ("maxwell", ()),
    ("loggamma", (0.5,)), ("loggamma", (4.0,)), ("truncexpon", (0.5,)), ("truncexpon", (3.0,)),
    ("powerlaw", (0.6,)), ("powerlaw", (2.5,)), ("betaprime", (2.0, 3.0)), ("betaprime", (0.7, 5.5)),
    ("triang", (0.35,)), ("triang", (0.8,)),
]
POINT_METHODS = ["logpdf", "pdf", "cdf", "sf", "logcdf", "logsf"]
LOC, SCALE = 0.3, 1.7


def _ids(c):
    return f"{c[0]}{c[1]}"


def _richardson(f, args, i, h):
    """d f / d args[i] (elementwise) by central differences, 3 Richardson levels."""
    def d(h):
        lo, hi = list(args), list(args)
        lo[i], hi[i] = args[i] - h, args[i] + h
        return (f(*hi) - f(*lo)) / (2 * h)
    table = [[d(h / 2 ** k)] for k in range(4)]
    for j in range(1, 4):
        for k in range(j, 4):
            table[k].append(table[k][j - 1] + (table[k][j - 1] - table[k - 1][j - 1]) / (4 ** j - 1))
    return table[3][3]


def _elementwise_derivs(fn, args, i):
    """(forward, reverse) elementwise derivatives of ``fn`` in argument ``i``: the
    arguments are broadcast to one shape first, so both are plain diagonals."""
    args = list(np.broadcast_arrays(*[np.asarray(a, dtype=float) for a in args]))
    ones = np.ones_like(args[i])

    def g(v):
        return fn(*(args[:i] + [v] + args[i + 1:]))
    _, fwd = ad.jvp(g, (args[i],), (ones,))
    out, pull = ad.vjp(g, args[i])
    return np.asarray(fwd), np.asarray(pull(np.ones_like(out))[0])


def _check_derivs(name, method, pts, shapes, h, rtol, atol_rel=1e-9):
    mine = getattr(getattr(stats, name), method)
    ref = getattr(getattr(sst, name), method)
    args = [pts, *shapes, LOC, SCALE]
    for i in range(len(args)):
        if not np.all(np.isfinite(args[i])):
            continue
        b = [np.broadcast_to(np.asarray(a, float), np.shape(pts)).copy() for a in args]
        with np.errstate(all="ignore"):
            want = _richardson(lambda *a: ref(*a), b, i, h)
        fwd, rev = _elementwise_derivs(mine, b, i)
        tol = rtol * np.abs(want) + atol_rel * np.max(np.abs(want))
        for got in (fwd, rev):
            assert np.all(np.abs(got - want) <= tol), (name, method, i, got, want)


# --- values against SciPy -----------------------------------------------------------------

@pytest.mark.parametrize("case", CASES + [("triang", (0.0,)), ("triang", (1.0,))], ids=_ids)
def test_values_match_scipy(case):
    name, sh = case
    d, ref = getattr(stats, name), getattr(sst, name)
    lo, hi = ref.support(*sh)
    lo, hi = max(lo, -6.0), min(hi, 9.0)
    y = np.r_[np.linspace(lo, hi, 9), lo - 1.0, hi + 1.0, 30.0, -30.0, np.inf, -np.inf, np.nan]
    x = LOC + SCALE * y
    # (x - loc) / scale rounds: keep the points at the ends of the support exactly there
    # (SciPy's truncnorm is inaccurate 1 ulp inside: see test_truncnorm_narrow_masses)
    x = np.where(np.isin(y, [lo, hi]), y, x)
    x = np.where(np.isin(y, [lo, hi]), y * SCALE + LOC, x)
    yy = (x - LOC) / SCALE
    x = np.where(np.isin(y, [lo, hi]) & (yy != y), np.nan, x)
    with np.errstate(all="ignore"):
        for m in POINT_METHODS:
            want = getattr(ref, m)(x, *sh, LOC, SCALE)
            # at x = +-inf SciPy's f / weibull_max densities are NaN (inf - inf in the
            # log); the limit is -inf (0 for pdf)
            want = np.where(np.isinf(x) & np.isnan(want), {"logpdf": -np.inf, "pdf": 0.0}.get(m, np.nan), want)
            np.testing.assert_allclose(getattr(d, m)(x, *sh, LOC, SCALE), want, rtol=1e-12, atol=0)
        q = np.array([0.0, 1e-6, 0.2, 0.5, 0.9, 1 - 1e-6, 1.0, -0.1, 1.1, np.nan])
        for m in ("ppf", "isf"):
            # SciPy's f / weibull_max / betaprime isf is ppf(1 - q), off by ~eps/q (1e-11
            # at q = 1e-6): see test_f_and_weibull_max_isf_accurate_for_small_q
            rtol = 1e-9 if m == "isf" and name in ("f", "weibull_max", "betaprime") else 1e-11
            np.testing.assert_allclose(getattr(d, m)(q, *sh, LOC, SCALE),
                                       getattr(ref, m)(q, *sh, LOC, SCALE), rtol=rtol, atol=0)
        for m in ("mean", "var", "std", "median", "entropy"):
            if m == "entropy" and not np.all(np.isfinite(sh)):
                continue      # SciPy's is NaN (inf * 0): see test_truncnorm_support_ends...
            np.testing.assert_allclose(getattr(d, m)(*sh, LOC, SCALE),
                                       getattr(ref, m)(*sh, LOC, SCALE), rtol=1e-12)


@pytest.mark.parametrize("name, sh", [("truncnorm", (2.0, 1.0)), ("truncnorm", (1.0, 1.0)),
                                      ("f", (-1.0, 2.0)), ("weibull_max", (0.0,)),
                                      ("genpareto", (np.inf,)), ("genextreme", (np.nan,)),
                                      ("rayleigh", ()), ("lomax", (0.0,)), ("chi", (-1.0,)),
                                      ("loggamma", (0.0,)), ("truncexpon", (-1.0,)),
                                      ("powerlaw", (0.0,)), ("betaprime", (1.0, -2.0)),
                                      ("triang", (1.5,))])
def test_invalid_parameters_give_nan(name, sh):
    d = getattr(stats, name)
    with np.errstate(all="ignore"):
        for m in POINT_METHODS:
            assert np.isnan(getattr(d, m)(0.5, *sh, 0.0, -1.0))
            if name != "rayleigh":
                assert np.isnan(getattr(d, m)(0.5, *sh))
        assert np.isnan(d.ppf(0.3, *sh, 0.0, 0.0))


# --- derivatives against Richardson differences of SciPy -----------------------------------

@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_point_method_derivatives(case):
    name, sh = case
    ref = getattr(sst, name)
    pts = ref.ppf(np.array([0.1, 0.5, 0.9]), *sh, LOC, SCALE)
    for m in POINT_METHODS:
        _check_derivs(name, m, pts, sh, h=1e-3, rtol=2e-6)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_quantile_derivatives(case):
    name, sh = case
    for m in ("ppf", "isf"):
        _check_derivs(name, m, np.array([0.05, 0.3, 0.9]), sh, h=1e-4, rtol=2e-6)


@pytest.mark.parametrize("case", [c for c in CASES if np.all(np.isfinite(c[1]))], ids=_ids)
def test_moment_derivatives(case):
    name, sh = case
    d, ref = getattr(stats, name), getattr(sst, name)
    args = [*sh, LOC, SCALE]
    for m in ("mean", "var", "std", "median", "entropy"):
        if not np.isfinite(getattr(ref, m)(*args)):
            assert ad.grad(getattr(d, m))(*args) == 0.0    # SciPy's inf, derivative 0
            continue
        for i in range(len(args)):
            want = _richardson(lambda *a: getattr(ref, m)(*a), args, i, 1e-3)
            got = ad.grad(getattr(d, m), argnums=i)(*args)
            assert abs(got - want) <= 1e-6 * abs(want) + 1e-9, (m, i, got, want)


@pytest.mark.parametrize("name, sh, moments", [
    ("truncnorm", (-1.0, 2.0), "mvsk"), ("rayleigh", (), "mvsk"), ("f", (3.0, 11.0), "mvsk"),
    ("weibull_max", (2.5,), "mvsk"), ("genpareto", (0.1,), "mvsk"), ("genextreme", (0.2,), "mv"),
    ("lomax", (5.0,), "mvsk"), ("chi", (2.5,), "mvsk"), ("maxwell", (), "mvsk"),
    ("loggamma", (2.0,), "mvsk"), ("truncexpon", (2.0,), "mv"), ("powerlaw", (2.5,), "mvsk"),
    ("betaprime", (2.0, 9.0), "mvsk"), ("triang", (0.35,), "mvsk")])
def test_stats_and_moment(name, sh, moments):
    d, ref = getattr(stats, name), getattr(sst, name)
    np.testing.assert_allclose(d.stats(*sh, moments=moments), ref.stats(*sh, moments=moments),
                               rtol=1e-12)
    for k, ch in enumerate(moments):
        for i in range(len(sh)):
            want = _richardson(lambda *a: ref.stats(*a, moments=ch), list(sh), i, 1e-3)
            got = ad.grad(lambda *a: d.stats(*a, moments=ch), argnums=i)(*sh)
            assert abs(got - want) <= 1e-6 * abs(want) + 1e-9, (ch, i, got, want)
    if name != "genextreme":
        for n in ((1,) if name == "truncexpon" else (1, 3)):
            args = [*sh, LOC, SCALE]
            want = _richardson(lambda *a: ref.moment(n, *a), args, len(args) - 1, 1e-3)
            got = ad.grad(lambda s: d.moment(n, *sh, LOC, s))(SCALE)
            assert abs(got - want) <= 1e-6 * abs(want), (n, got, want)


@pytest.mark.parametrize("name, sh, method, x", [
    ("truncnorm", (-1.0, 2.0), "logcdf", 0.7), ("truncnorm", (-1.0, 2.0), "ppf", 0.3),
    ("truncnorm", (0.5, 3.0), "isf", 0.8), ("truncnorm", (-1.0, 2.0), "logpdf", 1.1),
    ("genpareto", (0.2,), "logpdf", 1.3), ("genextreme", (-0.3,), "logsf", 0.6),
    ("f", (3.0, 5.0), "logsf", 1.4), ("rayleigh", (), "logcdf", 0.8),
    ("weibull_max", (1.5,), "cdf", -0.6)])
def test_hessians_against_second_differences_of_scipy(name, sh, method, x):
    d, ref = getattr(stats, name), getattr(sst, name)
    v = np.array([x, *sh, LOC, SCALE])

    def f(u):
        return getattr(d, method)(u[0], *[u[k] for k in range(1, len(u))])

    h_fr = ad.hessian(f)(v)
    np.testing.assert_allclose(ad.jacfwd(ad.jacfwd(f))(v), h_fr, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ad.jacrev(ad.jacrev(f))(v), h_fr, rtol=1e-10, atol=1e-12)
    n, h = len(v), 1e-3
    g = np.vectorize(lambda *u: getattr(ref, method)(*u))
    want = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * h, np.eye(n)[j] * h
            quad = [v + ei + ej, v + ei - ej, v - ei + ej, v - ei - ej]
            fv = [float(g(*u)) for u in quad]
            # one Richardson step on the step size
            quad2 = [v + 2 * ei + 2 * ej, v + 2 * ei - 2 * ej, v - 2 * ei + 2 * ej, v - 2 * ei - 2 * ej]
            fv2 = [float(g(*u)) for u in quad2]
            d1 = (fv[0] - fv[1] - fv[2] + fv[3]) / (4 * h * h)
            d2 = (fv2[0] - fv2[1] - fv2[2] + fv2[3]) / (16 * h * h)
            want[i, j] = d1 + (d1 - d2) / 3
    np.testing.assert_allclose(h_fr, want, rtol=1e-5, atol=1e-6 * np.max(np.abs(want)))


# --- truncnorm far in the tails, against mpmath -------------------------------------------

# mpmath, mp.dps = 50, Z(a, b) = ncdf(b) - ncdf(a) (ncdf(-a) - ncdf(-b) for b > 0):
# logpdf = -x^2/2 - log sqrt(2 pi) - log Z(a, b), logcdf = log Z(a, x) - log Z(a, b),
# logsf = log Z(x, b) - log Z(a, b); the derivatives in (x, a, b) by mp.diff.
# ppf / isf: findroot of Z(a, x) / Z(a, b) = q (Z(x, b) / Z(a, b) = q), derivatives by
# implicit differentiation, mp.diff for the partials.
TAIL_TRUTH = [
    ('logpdf', 10.25, 10.0, 12.0, -0.21890338245906354, [-10.25, 10.098093236316767, -2.816830888152112e-09]),
    ('logcdf', 10.25, 10.0, 12.0, -0.0808356546510404, [0.8710396961386787, -0.8501857333737146, -2.816830888152112e-09]),
    ('logsf', 10.25, 10.0, 12.0, -2.5554827157081235, [-10.345786478017777, 10.098093236316767, 3.345694925580885e-08]),
    ('logpdf', 11.5, 10.0, 12.0, -13.812653382459063, [-11.5, 10.098093236316767, -2.816830888152112e-09]),
    ('logcdf', 11.5, 10.0, 12.0, -8.632721509981724e-08, [1.0028613476955488e-06, -8.71740304536983e-07, -2.816830888152112e-09]),
    ('logsf', 11.5, 10.0, 12.0, -16.2651209771595, [-11.616977372070453, 10.098093236316767, 0.03262969578377485]),
    ('logpdf', -39.75, -40.0, -38.0, -64.39297251438454, [39.75, 5.0712409675055003e-33, -38.02627946657587]),
    ('logcdf', -39.75, -40.0, -38.0, -68.07626079336266, [39.77697705573506, -0.0018631964941544922, -38.02627946657587]),
    ('logsf', -39.75, -40.0, -38.0, -2.7217961086851445e-30, [-1.0826482136555797e-28, 5.0712409675055003e-33, 1.0349977947990001e-28]),
    ('logpdf', -38.5, -40.0, -38.0, -15.486722514384542, [38.5, 5.0712409675055003e-33, -38.02627946657587]),
    ('logcdf', -38.5, -40.0, -38.0, -19.138054271590953, [38.52593909685449, -1.0391197745798674e-24, -38.02627946657587]),
    ('logsf', -38.5, -40.0, -38.0, -4.880323788642396e-09, [-1.8801905751296409e-07, 5.0712409675055003e-33, 1.855805567271407e-07]),
    ('ppf', 0.3, 10.0, 12.0, 10.03526003958893, [0.1409817842796424, 0.9965530415946885, 1.1913655338770838e-10]),
    ('isf', 0.3, 10.0, 12.0, 10.118538515603849, [-0.3263007517050885, 0.9885046241394693, 6.433938253611024e-10]),
    ('ppf', 0.97, 10.0, 12.0, 10.341527510570945, [3.193920018814836, 0.9675750641799253, 8.726830586386455e-09]),
    ('isf', 0.97, 10.0, 12.0, 10.003015886458336, [-0.10206114289206808, 0.9997042486272772, 8.62466939335452e-12]),
    ('ppf', 0.3, -40.0, -38.0, -38.031648437727846, [0.08758583104777248, 3.109181982077353e-34, 0.999168986620468]),
    ('isf', 0.3, -40.0, -38.0, -38.009378540334666, [-0.0375587474044022, 5.71408375576186e-35, 0.9997535976500304]),
    ('ppf', 0.97, -40.0, -38.0, -38.00080099571497, [0.02711036023524597, 4.124495084064346e-36, 0.9999789507026584]),
    ('isf', 0.97, -40.0, -38.0, -38.092102604357834, [-0.8744701882526329, 4.301609572223129e-33, 0.9975854329105158]),
]


@pytest.mark.parametrize("row", TAIL_TRUTH, ids=lambda r: f"{r[0]}-{r[1]}-{r[2]}")
def test_truncnorm_far_tails_against_mpmath(row):
    method, x, a, b, value, derivs = row
    fn = getattr(stats.truncnorm, method)
    # the log masses near -800 carry an absolute error of a few ulps of 800 (~2e-13)
    assert abs(fn(x, a, b) - value) <= 5e-13 * max(1.0, abs(value)), fn(x, a, b)
    args = (x, a, b)
    rev = ad.grad(fn, argnums=(0, 1, 2))(*args)
    for i in range(3):
        _, fwd = ad.jvp(lambda v: fn(*(args[:i] + (v,) + args[i + 1:])), (args[i],), (1.0,))
        for got in (rev[i], fwd):
            assert abs(got - derivs[i]) <= 5e-12 * abs(derivs[i]), (i, got, derivs[i])


def test_truncnorm_far_tail_second_derivative():
    # d^2/dx^2 logcdf at x = -39.75, a = -40, b = -38: mpmath (dps 50) mp.diff(logcdf, x, 2)
    # of log(ncdf(x) - ncdf(a)) = -0.018631964945... (the a-derivative's negative,
    # by the identity d/dx logcdf = phi(x)/(Phi(x)-Phi(a)): d2/dx2 = -x r - r^2)
    r = 39.77697705573506           # d/dx logcdf (mpmath, above)
    want = -(-39.75) * r - r * r
    got = ad.grad(ad.grad(stats.truncnorm.logcdf))(-39.75, -40.0, -38.0)
    assert abs(got - want) <= 1e-9 * abs(want)


def test_truncnorm_isf_more_accurate_than_scipy():
    # isf(1e-10, -inf, inf) is the normal's: norm.isf(1e-10) = 6.361340902404056 (mpmath:
    # sqrt(2) erfinv(1 - 2e-10) = 6.3613409024040557...); SciPy's truncnorm gives 6.36134089
    # (its complex logsumexp loses ~1e-9 there)
    assert abs(stats.truncnorm.isf(1e-10, -np.inf, np.inf) - 6.361340902404056) < 1e-14 * 6.4


# --- c -> 0 limits, accuracy deliberately better than SciPy -------------------------------

def test_genpareto_c_zero_limit():
    # at c = 0: logpdf = -(c + 1) log1p(c y) / c -> -y, d/dc = y^2/2 - y, d2/dc2 = -2 y^3/3 + y^2
    y = 1.3
    lp = stats.genpareto.logpdf
    assert lp(y, 0.0) == -y
    assert abs(ad.grad(lp, argnums=1)(y, 0.0) - (y * y / 2 - y)) < 1e-15
    assert abs(ad.grad(ad.grad(lp, argnums=1), argnums=1)(y, 0.0) - (-2 * y ** 3 / 3 + y * y)) < 1e-14
    # logsf = -log1p(c y) / c: d/dc at 0 = y^2 / 2; ppf = expm1(c t) / c, t = -log1p(-q):
    # d/dc at 0 = t^2 / 2
    assert abs(ad.grad(stats.genpareto.logsf, argnums=1)(y, 0.0) - y * y / 2) < 1e-15
    t = -np.log1p(-0.3)
    assert abs(ad.grad(stats.genpareto.ppf, argnums=1)(0.3, 0.0) - t * t / 2) < 1e-15
    # either side of 0 (the series, |c y| < 0.05) they match Richardson of SciPy's logpdf
    for c in (1e-3, -1e-3, 0.03, -0.03):
        want = _richardson(lambda cc: sst.genpareto.logpdf(y, cc), [c], 0, 1e-4)
        assert abs(ad.grad(lp, argnums=1)(y, c) - want) < 1e-9


def test_genextreme_c_zero_limit():
    # at c = 0, u = -log1p(-c y) / c -> y (Gumbel); logpdf = -u - exp(-u) - log1p(-c y):
    # d/dc at 0 = (1 - exp(-y)) (-y^2/2) + y, by du/dc = -y^2/2 at c = 0
    y = 0.8
    got = ad.grad(stats.genextreme.logpdf, argnums=1)(y, 0.0)
    want = (1 - np.exp(-y)) * (-y * y / 2) + y
    assert abs(got - want) < 1e-15
    assert stats.genextreme.logpdf(y, 0.0) == sst.gumbel_r.logpdf(y)
    # mean at c: (1 - Gamma(1 + c)) / c -> Euler's gamma, d/dc at 0 = -(gamma^2 + pi^2/6) / 2
    eg = 0.5772156649015329
    assert abs(stats.genextreme.mean(0.0) - eg) < 1e-16
    assert abs(ad.grad(stats.genextreme.mean)(0.0) + (eg * eg + np.pi ** 2 / 6) / 2) < 1e-14
    # variance -> pi^2 / 6
    assert abs(stats.genextreme.var(0.0) - np.pi ** 2 / 6) < 1e-15
    # near 0 SciPy's mean cancels (1.2812667115 at c = 1e-9, loc .3, scale 1.7); the
    # series gives 0.3 + 1.7 (gamma - c (gamma^2 + pi^2/6) / 2)
    c = 1e-9
    assert abs(stats.genextreme.mean(c, 0.3, 1.7) - (0.3 + 1.7 * (eg - c * (eg * eg + np.pi ** 2 / 6) / 2))) < 1e-15


def test_f_and_weibull_max_isf_accurate_for_small_q():
    # f.isf(1e-12, 3, 5): mpmath betainc(5/2, 3/2, 0, 5/(5 + 3 y), regularized) = 1e-12 at
    # y = 139783.175..., i.e. 1 - 4.6e-14 of q; SciPy's fdtri(3, 5, 1 - q) gives 139784.40
    y = stats.f.isf(1e-12, 3.0, 5.0)
    assert abs(sst.f.sf(y, 3.0, 5.0) / 1e-12 - 1) < 1e-12
    assert stats.f.isf(1e-20, 3.0, 5.0) < np.inf and sst.f.isf(1e-20, 3.0, 5.0) == np.inf
    # weibull_max.isf(q, c) = -(-log1p(-q))^(1/c); SciPy's ppf(1 - q) loses eps / q
    q, c = 1e-12, 2.5
    assert stats.weibull_max.isf(q, c) == -(-np.log1p(-q)) ** (1 / c)
    # lomax.isf(q, c) near q = 1: expm1(-log(q) / c) = (1 - q) / c + ...; SciPy's
    # q**(-1/c) - 1 keeps ~4 digits at q = 1 - 1e-12
    q = 1 - 1e-12
    want = -np.log(q) / 2.5      # expm1(t) = t (1 + t/2 + ...), t ~ 4e-13: the rest < 1e-12 rel
    assert abs(stats.lomax.isf(q, 2.5) / want - 1) < 1e-12


# --- edges, infinite parameters, frozen, dtypes, shapes, errors ----------------------------

def test_truncnorm_support_ends_and_infinite_parameters():
    tn = stats.truncnorm
    # at x = a the cdfs are constant (their outside values, derivative 0)
    assert ad.grad(tn.cdf)(-1.0, -1.0, 2.0) == 0.0
    assert ad.grad(tn.logsf)(2.0, -1.0, 2.0) == 0.0
    # the density at the ends is its one-sided value, differentiable
    np.testing.assert_allclose(tn.logpdf(-1.0, -1.0, 2.0), sst.truncnorm.logpdf(-1.0, -1.0, 2.0))
    # an infinite truncation point has derivative 0, never NaN
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for m in POINT_METHODS + ["ppf", "isf"]:
            g = ad.grad(getattr(tn, m), argnums=(1, 2))(0.3, -np.inf, 1.0)
            assert g[0] == 0.0 and np.isfinite(g[1]), (m, g)
            g = ad.grad(getattr(tn, m), argnums=(1, 2))(0.7, 0.2, np.inf)
            assert g[1] == 0.0 and np.isfinite(g[0]), (m, g)
        # the entropy with an infinite end: SciPy's is NaN (inf * 0); the closed form
        # (mpmath quad of -p log p over (-inf, 0.5]: 0.92270200945675797726)
        assert abs(tn.entropy(-np.inf, 0.5) - 0.922702009456758) < 1e-15
        # d/db by mpmath diff of that quad: 0.38303635799442496711
        assert abs(ad.grad(tn.entropy, argnums=1)(-np.inf, 0.5) - 0.383036357994425) < 1e-14
    # quantile ends: q = 0 is a, with the one-sided derivatives 1 in a, Z/phi(a) in q
    assert tn.ppf(0.0, -1.0, 2.0) == -1.0
    ga, gq = ad.grad(tn.ppf, argnums=(1, 0))(0.0, -1.0, 2.0)
    assert ga == 1.0
    z = sst.norm.cdf(2.0) - sst.norm.cdf(-1.0)
    assert abs(gq - z / sst.norm.pdf(-1.0)) < 1e-14


def test_genpareto_upper_end():
    # c < 0: support [0, -1/c]; the density at the end is SciPy's (0 in log at c = -1)
    gp = stats.genpareto
    assert gp.logpdf(1.0, -1.0) == sst.genpareto.logpdf(1.0, -1.0) == 0.0
    assert gp.logpdf(2.0, -0.5) == -np.inf and gp.cdf(3.0, -0.5) == 1.0
    assert ad.grad(gp.cdf)(3.0, -0.5) == 0.0
    # ppf(1, c) = -1/c, d/dc = 1/c^2 (one-sided), d/dscale = -1/c
    assert gp.ppf(1.0, -0.5) == 2.0
    g = ad.grad(gp.ppf, argnums=(1, 3))(1.0, -0.5, 0.0, 1.0)
    assert abs(g[0] - 4.0) < 1e-15 and g[1] == 2.0


def test_frozen_float32_broadcasting_and_empty():
    tn = stats.truncnorm
    fr = tn(-1.0, 2.0, loc=0.5, scale=2.0)
    assert fr.logpdf(1.0) == sst.truncnorm(-1.0, 2.0, loc=0.5, scale=2.0).logpdf(1.0)
    # d/dscale of the frozen logpdf: Richardson of SciPy
    want = _richardson(lambda s: sst.truncnorm.logpdf(1.0, -1.0, 2.0, 0.5, s), [2.0], 0, 1e-3)
    assert abs(ad.grad(lambda s: tn(-1.0, 2.0, 0.5, s).logpdf(1.0))(2.0) - want) < 1e-9
    x32 = np.array([0.2, 0.5], dtype=np.float32)
    for name, sh in [("truncnorm", (-1.0, 2.0)), ("rayleigh", ()), ("f", (3.0, 5.0)),
                     ("weibull_max", (2.0,)), ("genpareto", (0.2,)), ("genextreme", (0.2,)),
                     ("lomax", (2.0,)), ("chi", (3.0,)), ("maxwell", ()),
                     ("loggamma", (2.0,)), ("truncexpon", (2.0,)), ("powerlaw", (2.5,)),
                     ("betaprime", (2.0, 3.0)), ("triang", (0.35,))]:
        d = getattr(stats, name)
        x = -x32 if name == "weibull_max" else x32
        for m in POINT_METHODS:
            assert getattr(d, m)(x, *sh).dtype == np.float32, (name, m)
        assert ad.grad(lambda v: d.logpdf(v, *sh).sum())(x).dtype == np.float32
        assert ad.jacfwd(lambda v: d.ppf(v, *sh))(np.float32(0.3)).dtype == np.float32
        assert d.logpdf(np.zeros((0, 3)), *sh).shape == (0, 3)
    # broadcasting parameters against x, Jacobian shape
    a = np.array([[-1.0], [0.5]])
    out = tn.logcdf(np.array([0.6, 0.9, 1.2]), a, 2.0)
    np.testing.assert_allclose(out, sst.truncnorm.logcdf(np.array([0.6, 0.9, 1.2]), a, 2.0),
                               rtol=1e-13)
    jac = ad.jacrev(lambda aa: tn.logcdf(np.array([0.6, 0.9, 1.2]), aa, 2.0))(a)
    assert jac.shape == (2, 3, 2, 1)


def test_errors():
    with pytest.raises(TypeError, match="truncnorm"):
        stats.truncnorm.logpdf(0.5, 1.0)                  # b missing
    with pytest.raises(TypeError, match="truncnorm"):
        stats.truncnorm(1.0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        stats.genpareto.interval(1.5, 0.2)
    with pytest.raises(NotImplementedError, match="genextreme.*skewness"):
        ad.grad(lambda c: stats.genextreme.stats(c, moments="s"))(0.2)
    with pytest.raises(NotImplementedError, match="truncexpon.*skewness"):
        ad.grad(lambda b: stats.truncexpon.stats(b, moments="k"))(2.0)
    with pytest.raises(AttributeError, match="no method 'fit'"):
        stats.rayleigh.fit


def test_truncnorm_narrow_masses():
    # log(Phi(b) - Phi(a)) for b - a small is a series in b - a (log_ndtr differences
    # lose every digit there); mpmath (dps 50) log(ncdf(b) - ncdf(a)) and its mp.diff:
    #   a = -0.5000000000000001, b = -0.5: -37.780739102881775 (SciPy's logsf: -37.81)
    #   a = 10, b = 10.001:                -57.83168981177429
    #   a = -40, b = -39.9996:             -808.7349739041928
    tn = stats.truncnorm
    y = -0.5000000000000001
    # logsf(y; a, b) = log Z(y, b) - log Z(a, b), mpmath: -36.584495925867861954
    assert abs(tn.logsf(y, -2.5, -0.5) - (-36.58449592586786)) < 1e-13
    # the density of a narrow truncation: 1 / (b - a) to first order
    for a, b, logz in [(10.0, 10.001, -57.83168981177429), (-40.0, -39.9996, -808.7349739041928)]:
        x = 0.5 * (a + b)
        want = -0.5 * x * x - 0.9189385332046728 - logz     # log sqrt(2 pi) = 0.91893853320467274
        assert abs(tn.logpdf(x, a, b) - want) < 1e-13 * max(1, abs(x * x))
        # d/da logpdf = -d/da log Z = phi(a) / Z: at the midpoint of a narrow interval ~ 1/(b - a)
        g = ad.grad(tn.logpdf, argnums=1)(x, a, b)
        assert abs(g * (b - a) - 1) < 0.05


def test_loggamma_and_truncexpon_tails():
    # loggamma below log(tiny): the one-term series exp(c y - gammaln(c + 1)) in log form;
    # SciPy's log(cdf) underflows to -inf at y = -800 (cdf = e^-1600 / 2)
    assert stats.loggamma.logcdf(-800.0, 2.0) == -1600.0 - np.log(2.0)
    assert sst.loggamma.logcdf(-800.0, 2.0) == -np.inf
    assert ad.grad(stats.loggamma.logcdf, argnums=1)(-800.0, 2.0) == -800.0 - 1.5 + 0.5772156649015329
    # truncexpon next to its ends: logsf(y) ~ -y pdf(0) and logcdf(b - d) ~ -d pdf(b),
    # pdf(0) = 1 / (1 - e^-b), pdf(b) = e^-b / (1 - e^-b)
    b = 0.5
    pdf0, pdfb = 1 / -np.expm1(-b), np.exp(-b) / -np.expm1(-b)
    assert abs(stats.truncexpon.logsf(1e-200, b) / (-1e-200 * pdf0) - 1) < 1e-15
    x = b - 1e-12
    d = b - x                 # exact (Sterbenz): the distance the float x really has
    got = stats.truncexpon.logcdf(x, b)
    # sf(b - d) = pdf(b) (e^d - 1), log cdf = log1p(-sf) = -sf - sf^2/2: rel 1e-12 here
    assert abs(got / (-d * pdfb) - 1) < 2e-12


def test_betaprime_tails():
    # logcdf far below: beta's series, finite where SciPy's log(cdf) underflows;
    # mpmath log(betainc(2, 3, 0, y/(1+y), regularized=True)) at y = 1e-200:
    # -919.242277728390218642
    assert abs(stats.betaprime.logcdf(1e-200, 2.0, 3.0) - (-919.2422777283902)) < 1e-12
    assert sst.betaprime.logcdf(1e-200, 2.0, 3.0) == -np.inf
    # isf from the survival function directly: mpmath betainc(b, a, 0, 1/(1+x)) at
    # x = isf(1e-12, 2, 3) is 1e-12 (1 - 6e-17); SciPy's ppf(1 - q) gives 26984.19
    x = stats.betaprime.isf(1e-12, 2.0, 3.0)
    assert abs(sst.betaprime.sf(x, 2.0, 3.0) / 1e-12 - 1) < 1e-12


def test_triang_tails_and_modes():
    tr = stats.triang
    # each side in its own closed form: logcdf(y) = 2 log y - log c (SciPy's log(cdf)
    # underflows to -inf at y = 1e-200), sf at c = 1 is (1 - y)(1 + y)
    assert tr.logcdf(1e-200, 0.3) == 2 * np.log(1e-200) - np.log(0.3)
    y = 1 - 2.0 ** -40
    assert tr.sf(y, 1.0) == (1 - y) * (1 + y)
    # the derivative in c of the cdf at y > c: d/dc (y (2 - y) - c) / (1 - c) = -sf / (1 - c)
    c, y = 0.3, 0.6
    want = -((1 - y) ** 2 / (1 - c)) / (1 - c)
    assert abs(ad.grad(tr.cdf, argnums=1)(y, c) - want) < 1e-15
    # at c = 0 and 1 the shape derivative is one-sided (the formula of the side used)
    assert np.isfinite(ad.grad(tr.logpdf, argnums=1)(0.5, 0.0))
    assert np.isfinite(ad.grad(tr.logpdf, argnums=1)(0.5, 1.0))


def test_vonmises_density():
    vm = stats.vonmises
    x = np.linspace(-7.0, 7.0, 9)
    for k in (0.0, 0.5, 2.0, 50.0):
        np.testing.assert_allclose(vm.logpdf(x, k, LOC, SCALE), sst.vonmises.logpdf(x, k, LOC, SCALE),
                                   rtol=1e-14)
        np.testing.assert_allclose(vm.pdf(x, k), sst.vonmises.pdf(x, k), rtol=1e-14)
        np.testing.assert_allclose(vm.entropy(k, LOC, SCALE), sst.vonmises.entropy(k, LOC, SCALE),
                                   rtol=1e-14)
    with np.errstate(invalid="ignore"):
        assert np.isnan(vm.logpdf(np.inf, 2.0)) and np.isnan(vm.logpdf(0.5, -1.0))
    for k in (0.5, 0.99, 1.0, 2.0, 50.0):
        for m in ("logpdf", "pdf"):
            _check_derivs("vonmises", m, np.array([-2.0, 0.7, 3.0]), (k,), h=1e-3, rtol=1e-7)
        for i in (0, 2):
            want = _richardson(lambda *a: sst.vonmises.entropy(*a), [k, LOC, SCALE], i, 1e-3)
            assert abs(ad.grad(vm.entropy, argnums=i)(k, LOC, SCALE) - want) < 1e-8 * abs(want)
    # kappa = 0 (the edge): the one-sided d/dkappa logpdf = cosm1(y) - d/dk log i0e(k) =
    # cos(y) - 1 - (I1/I0 - 1) = cos(y)
    assert abs(ad.grad(vm.logpdf, argnums=1)(0.7, 0.0) - np.cos(0.7)) < 1e-15
    h = ad.hessian(lambda v: vm.logpdf(v[0], v[1], v[2], v[3]))(np.array([0.7, 2.0, LOC, SCALE]))
    np.testing.assert_allclose(h, h.T, rtol=1e-12)
    with pytest.raises(AttributeError, match="no method 'cdf'"):
        vm.cdf(0.3, 2.0)
    with pytest.raises(NotImplementedError, match="vonmises.mean"):
        vm.mean(2.0)
    with pytest.raises(NotImplementedError, match="vonmises.logsf"):
        vm.logsf(0.3, 2.0)


def test_truncnorm_isf_far_upper_tail():
    """isf in the upper tail from Phi(-x) = Phi(-b) + q Z (no cancellation): the
    subtraction form returned inf below q ~ 1e-16 and lost digits from 1e-13.
    Truths: mpmath findroot of (erfc(x/sqrt2) - erfc(b/sqrt2)) / 2 = q Z at 40 digits."""
    from dualad.scipy import stats as dst
    for q, a, b, want in ((1e-17, 0.5, 20.0, 8.629339069945956671),
                          (1e-200, 0.5, np.inf, 30.24445696817660192),
                          (1e-15, 3.0, np.inf, 8.723396187082156660)):
        assert float(dst.truncnorm.isf(q, a, b)) == pytest.approx(want, rel=1e-14)
    # and its derivative in q: -1 / (Z pdf-part) = -Z / phi(x) with the Z of a, b
    import scipy.special as ssp
    a, b, q = 3.0, np.inf, 1e-15
    x = 8.723396187082156660
    Z = ssp.ndtr(-a)
    g = float(ad.grad(lambda q: dst.truncnorm.isf(q, a, b))(q))
    assert g == pytest.approx(-Z / (np.exp(-x * x / 2) / np.sqrt(2 * np.pi)), rel=1e-12)


def test_moments_with_python_number_shapes_where_the_variance_is_infinite():
    """mean(0.6, 2.0) of betaprime and mean(3, 4) of f exist while the variance is
    infinite: with Python numbers as shapes, SciPy's values (was ZeroDivisionError).
    Closed forms: betaprime mean a / (b - 1), f mean d / (d - 2)."""
    from dualad.scipy import stats as dst
    assert float(dst.betaprime.mean(0.6, 2.0)) == pytest.approx(0.6, rel=1e-15)
    assert float(dst.f.mean(3, 4)) == pytest.approx(2.0, rel=1e-15)
    assert float(ad.grad(lambda d: dst.f.mean(3, d))(4.0)) == pytest.approx(-0.5, rel=1e-15)
    assert float(dst.f.moment(1, 3, 4)) == pytest.approx(2.0, rel=1e-15)
