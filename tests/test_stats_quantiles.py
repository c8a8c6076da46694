"""dualad.scipy.stats quantiles: ``ppf`` and ``isf`` of every continuous
distribution, plain and frozen.

Values are compared with SciPy's own (dtype and shape too), at ``q = 0`` and
``q = 1`` (the ends of the support), outside ``[0, 1]`` (NaN) and in both tails.
Derivatives, forward and reverse, are compared with independent truths: in
``q`` the inverse-function rule ``+-scale / pdf(x)`` with SciPy's density; in
``loc`` and ``scale`` 1 and ``(x - loc) / scale`` from SciPy's value; in the
shape parameters Richardson-extrapolated central differences of SciPy's own
``ppf`` / ``isf``, and mpmath values (40 digits, tabulated) for the gamma family in its far tails
and at small and large shapes.  Second derivatives: ``d2x/dq2 = -(log p)'(x) /
p(x)^2`` from SciPy, and second differences of SciPy's quantile in the shape
(the finite-difference specs in tests/specs/scipy_stats.py cover every nesting).
"""
from __future__ import annotations

from decimal import Decimal as _D
from decimal import localcontext as _localcontext
import numpy as np
import pytest
import scipy.stats as sst

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import stats

from ._derivatives import richardson


pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def richardson2(f, v, h):
    """d2 f / dv2 at ``v`` by second differences, extrapolated twice."""
    def d(h):
        return (f(v + h) - 2 * f(v) + f(v - h)) / (h * h)
    d1, d2, d3 = d(h), d(h / 2), d(h / 4)
    r1, r2 = (4 * d2 - d1) / 3, (4 * d3 - d2) / 3
    return (16 * r2 - r1) / 15


def both_modes(g, v):
    """(forward, reverse) derivative of the elementwise-in-``v`` (array) or
    scalar-``v`` function ``g``, with the output's shape."""
    v = np.asarray(v, dtype=float)
    if v.ndim:
        fwd = ad.jvp(g, (v,), (np.ones_like(v),))[1]
        rev = ad.grad(lambda u: dnp.sum(g(u)))(v)
    else:
        fwd, rev = ad.jacfwd(g)(float(v)), ad.jacrev(g)(float(v))
    return np.asarray(fwd), np.asarray(rev)


# name: shape parameters to test (the first one is used for derivatives)
DISTS = {
    "norm": [()], "expon": [()], "uniform": [()], "laplace": [()], "cauchy": [()],
    "logistic": [()], "halfnorm": [()],
    "lognorm": [(0.8,), (2.0,)], "weibull_min": [(1.6,), (0.5,), (1.0,)],
    "gamma": [(2.3,), (0.05,), (0.5,), (1.0,), (1e3,)],
    "chi2": [(2.7,), (0.3,), (1.0,), (2.0,), (50.0,)],
    "invgamma": [(2.3,), (0.5,), (30.0,)],
    "t": [(2.7,), (0.3,), (1.0,), (30.0,), (1e4,), (np.inf,)],
    "beta": [(2.0, 3.0), (0.5, 0.5), (1e-3, 5.0), (100.0, 0.2), (1.0, 1.0), (1.0, 3.0),
             (0.3, 1.0)],
}
NAMES = sorted(DISTS)
METHODS = ("ppf", "isf")
LOC, SCALE = 0.3, 1.7
Q_VALUES = np.array([-0.1, 0.0, 1e-300, 1e-12, 1e-10, 0.1, 0.25, 0.5, 0.75, 0.9, 1 - 1e-10,
                     1 - 1e-12, 1.0, 1.1, np.nan, -np.inf, np.inf])
Q_TAILS = np.array([1e-12, 1e-5, 0.03, 0.3, 0.7, 0.97, 1 - 1e-5, 1 - 1e-12])


def _sst(name, m):
    return getattr(getattr(sst, name), m)


def _ours(name, m):
    return getattr(getattr(stats, name), m)


# --- values ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("m", METHODS)
def test_values_match_scipy(name, m):
    k = len(DISTS[name][0])
    shapes = DISTS[name] + [(v,) * k for v in (-1.0, 0.0, np.nan)] if k else DISTS[name]
    for shp in shapes:
        for loc, scale in ((0.0, 1.0), (0.5, 2.0), (0.0, -1.0), (0.0, 0.0), (np.nan, 1.0),
                           (-3.0, np.inf)):
            ref = _sst(name, m)(Q_VALUES, *shp, loc=loc, scale=scale)
            got = _ours(name, m)(Q_VALUES, *shp, loc, scale)
            if name == "t" and m in ("ppf", "isf") and shp in ((2.7,), (0.3,)):
                # q = 1e-300: SciPy's stdtrit fails in the far tail (+inf at df = 2.7, truth
                # -1.2148005685032819e+111 by mpmath; -3.67e153 at df = 0.3, truth
                # beyond the largest float); dualad's value there: test_t_far_tail.py
                keep = Q_VALUES != 1e-300
                ref, got = ref[keep], got[keep]
            assert isinstance(got, np.ndarray) and got.dtype == ref.dtype
            assert got.shape == ref.shape
            np.testing.assert_allclose(got, ref, rtol=1e-14, atol=0,
                                       err_msg=f"{name}{shp} {m} loc={loc} scale={scale}")


@pytest.mark.parametrize("name", NAMES)
def test_scalars_broadcasting_and_keywords(name):
    shp = DISTS[name][0]
    for m in METHODS:
        got, ref = _ours(name, m)(0.3, *shp), _sst(name, m)(0.3, *shp)
        assert type(got) is type(ref) and got == pytest.approx(ref, rel=1e-14)   # np.float64
        q = np.linspace(0.05, 0.95, 6).reshape(3, 2, 1)
        loc, scale = np.array([0.0, 0.1]), np.array([[1.0], [2.0]])
        args = [np.array([s, 1.5 * s]).reshape(2, 1, 1, 1) for s in shp]
        got = _ours(name, m)(q, *args, loc, scale)
        ref = _sst(name, m)(q, *args, loc=loc, scale=scale)
        assert got.shape == ref.shape
        np.testing.assert_allclose(got, ref, rtol=1e-14)
        got = _ours(name, m)([0.2, 0.6], *shp, loc=[0.0, 1.0], scale=2.0)     # lists, keywords
        np.testing.assert_allclose(got, _sst(name, m)([0.2, 0.6], *shp, loc=[0.0, 1.0], scale=2.0),
                                   rtol=1e-14)


def test_float32_stays_float32():
    q = np.array([0.2, 0.5, 0.9], np.float32)
    for name in NAMES:
        sh = [np.float32(s) for s in DISTS[name][0]]
        for m in METHODS:
            f = _ours(name, m)
            assert f(q, *sh, np.float32(0.3), np.float32(1.7)).dtype == np.float32, (name, m)
            assert ad.grad(lambda v: dnp.sum(f(v, *sh, 0.3, 1.7)))(q).dtype == np.float32
            np.testing.assert_allclose(f(q, *sh, 0.3, 1.7), _sst(name, m)(q, *sh, loc=0.3, scale=1.7),
                                       rtol=2e-5)


# --- first derivatives, forward and reverse -------------------------------------------------
def _varying(f, args, i):
    def g(v):
        a = list(args)
        a[i] = v
        return f(*a)
    return g


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("m", METHODS)
def test_first_derivatives(name, m):
    for shp in DISTS[name][:2]:
        q = Q_TAILS
        args = [q, *shp, LOC, SCALE]
        y = _sst(name, m)(q, *shp)                 # the standard quantile (x = loc + scale y)
        pdf = _sst(name, "pdf")(y, *shp)
        keep = np.isfinite(y) & (pdf > 0)         # far tails where SciPy's pdf underflows
        exact = {0: (1 if m == "ppf" else -1) * SCALE / pdf, len(args) - 2: np.ones_like(y),
                 len(args) - 1: y}
        if name == "beta":
            # near y = 1 from 1 - y = (isf if ppf else ppf)(q; b, a), which SciPy resolves
            # fully (y itself carries the rounding of 1 - y: 4e-7 relative error at
            # beta(1/2, 1/2), q = 1 - 1e-5, that the derivatives need not share)
            other = "isf" if m == "ppf" else "ppf"
            near1 = y > 0.5
            yc = _sst(name, other)(q, shp[1], shp[0])
            keep &= (y > 0) & (y < 1)     # y rounded to an end: special.betaincinv's rule gives 0
            exact[0] = np.where(near1, exact[0] * pdf / _sst(name, "pdf")(yc, shp[1], shp[0]),
                                exact[0])
        for i in range(len(args)):
            if i in exact:
                ref, rtol = exact[i], 1e-11
            else:       # scale * dy/dshape (loc left out: it would round y's digits away)
                plain = _varying(lambda *a: _sst(name, m)(*a[:-2], scale=a[-1]), args, i)
                ref, rtol = richardson(plain, args[i], 1e-3 * args[i]), 1e-7
                if name == "beta":
                    refl = _varying(lambda v, a, b, lo, sc: -_sst(name, other)(v, b, a, scale=sc),
                                    args, i)
                    ref = np.where(near1, richardson(refl, args[i], 1e-3 * args[i]), ref)
            if name == "gamma" and shp[0] >= 100 and i == 0:
                rtol = 1e-10             # gammaln(a) - ... of the density loses digits at a = 1e3
            atol = 1e-300
            for got in both_modes(_varying(_ours(name, m), args, i), args[i]):
                got = np.broadcast_to(got, y.shape)
                assert np.isfinite(got).all(), (name, shp, m, i, got)
                ok = np.abs(got - ref) <= rtol * np.abs(ref) + atol
                assert ok[keep].all(), (name, shp, m, i, got, ref)


# The truths below were computed once with mpmath (not a dependency of the
# tests) at 40 digits: x by Newton's method on the regularized incomplete gamma
# function P(a, x) (Q(a, x) when upper) started from SciPy's quantile, iterated
# to a relative step below 1e-32; dx/dq = 1/p(x) (-1/p(x) when upper) with the
# density p(x) = exp((a-1) log x - x - loggamma(a)); dx/da = -(dP/da)(a, x) / p(x)
# (dQ/da when upper), dP/da by mpmath.diff.  Derived quantities are formed in
# Decimal arithmetic (40 digits, exponents beyond float64's), as they were in mpmath.
_GAMMA_TRUTH = {
    (0.05, 1e-12, False): (5.8446320572866764e-241, 1.1689264114573354e-227, 6.460184483132754e-237),
    (0.05, 1e-12, True): (21.697659250396555, -959696205024.5283, 22.66566299971051),
    (0.05, 0.001, False): (5.844632057286547e-61, 1.1689264114573092e-56, 1.6153899294410873e-57),
    (0.05, 0.001, True): (2.7364585987286763, -781.8548987661726, 16.999165139229564),
    (0.05, 0.5, False): (5.573878440746248e-07, 2.2295525598462823e-05, 0.00015497798257488768),
    (0.05, 0.5, True): (5.573878440746248e-07, -2.2295525598462823e-05, 0.00015497798257488768),
    (0.05, 0.999, False): (2.736458598728676, 781.8548987661718, 16.999165139229564),
    (0.05, 0.999, True): (5.8446320572866486e-61, -1.1689264114573285e-56, 1.615389929441115e-57),
    (0.05, 0.999999999999, False): (21.69768048076263, 959717472037.7437, 22.665664761749863),
    (0.05, 0.999999999999, True): (5.8420467343590646e-241, -1.1684351946681694e-227, 6.457332045364252e-237),
    (0.5, 1e-12, False): (7.853981633974483e-25, 1.5707963267948965e-12, 8.724217985651499e-23),
    (0.5, 1e-12, True): (25.422063955909078, -981391821587.5244, 5.13892791973877),
    (0.5, 0.001, False): (7.85398574631245e-07, 0.001570797971730643, 2.213814305362865e-05),
    (0.5, 0.001, True): (5.413783085331366, -925.7665441356409, 3.5198829608416577),
    (0.5, 0.5, False): (0.2274682115597864, 1.061264121044212, 0.8583674447437152),
    (0.5, 0.5, True): (0.2274682115597864, -1.061264121044212, 0.8583674447437152),
    (0.5, 0.999, False): (5.4137830853313655, 925.76654413564, 3.5198829608416577),
    (0.5, 0.999, True): (7.853985746312464e-07, -0.0015707979717306444, 2.2138143053628683e-05),
    (0.5, 0.999999999999, False): (25.422085666224586, 981413547205.757, 5.138928807096255),
    (0.5, 0.999999999999, True): (7.853634150650897e-25, -1.5707615780781874e-12, 8.723838950016492e-23),
    (3.5, 1e-12, False): (0.0007515725174813806, 214770874.10236233, 0.0018432175276704601),
    (3.5, 1e-12, True): (35.41921412791304, -1073613972917.815, 2.6770403448937192),
    (3.5, 0.001, False): (0.29924687618768797, 91.50891617255874, 0.2388951506172357),
    (3.5, 0.001, True): (12.160943173928427, -1231.9372179473091, 1.8310734727115026),
    (3.5, 0.5, False): (3.1729055977607588, 4.424953628795021, 0.998048047991365),
    (3.5, 0.5, True): (3.1729055977607588, -4.424953628795021, 0.998048047991365),
    (3.5, 0.999, False): (12.160943173928427, 1231.937217947308, 1.8310734727115026),
    (3.5, 0.999, True): (0.299246876187688, -91.50891617255868, 0.23889515061723576),
    (3.5, 0.999999999999, False): (35.419237878363, 1073637672208.0344, 2.677040914633072),
    (3.5, 0.999999999999, True): (0.0007515677663426813, -214774267.35686466, 0.0018432072312857335),
    (150.0, 1e-12, False): (79.2627418336243, 1103770938181.3005, 0.7155288083316914),
    (150.0, 1e-12, True): (252.93391768929104, -2401891213020.33, 1.2853084022424792),
    (150.0, 0.001, False): (114.9817175890224, 3041.1485843854566, 0.873920438913156),
    (150.0, 0.001, True): (190.71262426020576, -4262.904549247554, 1.1261152732333295),
    (150.0, 0.5, False): (149.66679867460903, 30.659990022302186, 0.9999991178077976),
    (150.0, 0.5, True): (149.66679867460903, -30.659990022302186, 0.9999991178077976),
    (150.0, 0.999, False): (190.71262426020576, 4262.904549247552, 1.1261152732333295),
    (150.0, 0.999, True): (114.9817175890224, -3041.1485843854543, 0.873920438913156),
    (150.0, 0.999999999999, False): (252.93397082383626, 2401943655755.5547, 1.2853085255331833),
    (150.0, 0.999999999999, True): (79.26271741605025, -1103794650938.4578, 0.7155286864709298),
    (10000.0, 1e-12, False): (9312.628969854226, 13295888532979.584, 0.964831827297781),
    (10000.0, 1e-12, True): (10719.69177661663, -14603618252773.602, 1.0351683622263623),
    (10000.0, 0.001, False): (9693.824385823726, 29089.1855380387, 0.9845489519341957),
    (10000.0, 0.001, True): (10311.875224539537, -30312.85687611189, 1.015451056076737),
    (10000.0, 0.5, False): (9999.666668642047, 250.65795343576175, 0.9999999998024547),
    (10000.0, 0.5, True): (9999.666668642047, -250.65795343576175, 0.9999999998024547),
    (10000.0, 0.999, False): (10311.875224539537, 30312.856876111866, 1.015451056076737),
    (10000.0, 0.999, True): (9693.824385823726, -29089.185538038677, 0.9845489519341957),
    (10000.0, 0.999999999999, False): (10719.692099677293, 14603935440686.084, 1.0351683776441967),
    (10000.0, 0.999999999999, True): (9312.628675723114, -13296176770015.94, 0.9648318118802724),
}


def _gamma_truth(q, a, upper):
    """``(x, dx/dq, dx/da)`` for ``P(a, x) = q`` (``Q(a, x) = q`` if ``upper``), as Decimals."""
    return tuple(_D(repr(v)) for v in _GAMMA_TRUTH[(a, q, upper)])


@pytest.mark.parametrize("a", [0.05, 0.5, 3.5, 150.0, 1e4])
def test_gamma_family_against_mpmath(a):
    # far tails (1e-12 and 1 - 1e-12, where ppf runs into the upper tail) and extreme shapes
    for q in (1e-12, 1e-3, 0.5, 0.999, 1 - 1e-12):
        for m in METHODS:
            x, dq, da = _gamma_truth(q, a, m == "isf")
            xi, dqi, dai = _gamma_truth(q, a, m == "ppf")
            # d2x/dq2 = -(log p)'(x) / p(x)^2 = -((a - 1) / x - 1) (dx/dq)^2, ppf and isf
            with _localcontext() as ctx:
                ctx.prec = 40
                d2, d2i = (-((_D(repr(a)) - 1) / v - 1) * w ** 2 for v, w in ((x, dq), (xi, dqi)))
                inv = (1 / xi, -dqi / xi ** 2, -dai / xi ** 2, -d2i / xi ** 2 + 2 * dqi ** 2 / xi ** 3)
            cases = [("gamma", a, x, dq, da, d2),
                     ("chi2", 2 * a, 2 * x, 2 * dq, da, 2 * d2),                  # 2 x(q, df / 2)
                     ("invgamma", a) + inv]                                          # 1 / x_upper
            for name, shp, *truth in cases:
                val, d_q, d_a, d_qq = (float(v) for v in truth)
                if not np.isfinite([val, d_q, d_a, d_qq]).all() or 0 in (val, d_q, d_a) or \
                        (name == "invgamma" and xi < 1e-150):
                    # beyond float64, or invgamma = 1 / x with 1 / x^2 overflowing in the
                    # rule of 1 / x (invgamma.isf(1e-12, 0.05) ~ 1e240): not covered
                    continue
                f = _ours(name, m)
                assert f(q, shp) == pytest.approx(val, rel=5e-14, abs=0), (name, m, a, q)
                qtol = 1e-10 if a >= 100 else 1e-12
                for g in both_modes(lambda v: f(v, shp), q):
                    assert g == pytest.approx(d_q, rel=qtol, abs=0), (name, m, a, q)
                for g in both_modes(lambda v: f(q, v), shp):
                    assert g == pytest.approx(d_a, rel=1e-12, abs=0), (name, m, a, q)
                g = lambda v: f(v, shp)
                for h in (ad.grad(ad.grad(g))(q), ad.jacfwd(ad.jacrev(g))(q)):
                    assert h == pytest.approx(d_qq, rel=100 * qtol, abs=0), (name, m, a, q)


# computed once with mpmath at 40 digits: t by Newton's method on stdtr(df, t)
# (betainc(df/2, 1/2, df/(df+t^2))/2 in the lower tail, 1 minus it above), from
# SciPy's quantile; dt/dq = 1/f(t) with the t density f; dt/ddf = -(dF/ddf)(t)/f(t),
# dF/ddf by mpmath.diff.
_T_TRUTH = {
    (0.3, 1e-12): (-3.007185808790979e+38, 1.002395269596993e+51, 8.94229161923801e+40),
    (0.3, 0.001): (-300718580.8790971, 1002395269596.9904, 20179904040.526512),
    (0.3, 0.3): (-1.6126582577896125, 19.056987585992665, 6.586146068680956),
    (0.3, 0.999): (300718580.87909627, 1002395269596.9866, -20179904040.52645),
    (0.3, 0.999999999999): (3.007407566495873e+38, 1.0024913656653733e+51, -8.942958439281898e+40),
    (2.7, 1e-12): (-26172.084821932815, 9693364778943154.0, 90425.8051707847),
    (2.7, 0.001): (-12.060324543102423, 4531.8818646195505, 7.530392277660148),
    (2.7, 0.3): (-0.5915312643694218, 3.438773453953473, 0.02661330509090486),
    (2.7, 0.999): (12.060324543102418, 4531.881864619545, -7.530392277660145),
    (2.7, 0.999999999999): (26172.299259085823, 9693658640514088.0, -90426.6254828956),
    (30.0, 1e-12): (-11.397217523311411, 464339480297.94476, 0.20605150610669093),
    (30.0, 0.001): (-3.385184866829305, 380.6256648319384, 0.010656639597777089),
    (30.0, 0.3): (-0.5300190039065045, 2.920448081757546, 0.0001888260911082699),
    (30.0, 0.999): (3.385184866829305, 380.62566483193814, -0.010656639597777087),
    (30.0, 0.999999999999): (11.397227795416011, 464350019827.87054, -0.20605190303381807),
    (10000.0, 1e-12): (-7.0433716020557755, 139964662781.45377, 8.897345570313372e-07),
    (10000.0, 0.001): (-3.091047516030612, 297.2125716534433, 8.154068604106678e-08),
    (10000.0, 0.3): (-0.5244172283454668, 2.8762348860286733, 1.67160622781586e-09),
    (10000.0, 0.999): (3.0910475160306117, 297.2125716534431, -8.154068604106675e-08),
    (10000.0, 0.999999999999): (7.0433746983484715, 139967700447.86, -8.897357136785506e-07),
}


def _t_truth(q, df):
    """``(t, dt/dq, dt/ddf)`` with ``stdtr(df, t) = q``."""
    return _T_TRUTH[(df, q)]


@pytest.mark.parametrize("df", [0.3, 2.7, 30.0, 1e4])
def test_t_against_mpmath(df):
    # isf(q) = -ppf(q) (symmetry): one truth for both, in both tails and at large df
    for q in (1e-12, 1e-3, 0.3, 0.999, 1 - 1e-12):
        x, dq, ddf = (float(v) for v in _t_truth(q, df))
        for m, sign in (("ppf", 1.0), ("isf", -1.0)):
            f = _ours("t", m)
            assert f(q, df) == pytest.approx(sign * x, rel=1e-14), (m, df, q)
            for g in both_modes(lambda v: f(v, df), q):
                assert g == pytest.approx(sign * dq, rel=1e-12), (m, df, q)
            for g in both_modes(lambda v: f(q, v), df):
                assert g == pytest.approx(sign * ddf, rel=1e-12, abs=0), (m, df, q)


# --- second derivatives ---------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("m", METHODS)
def test_second_derivatives(name, m):
    shp = DISTS[name][0]
    lo, hi = getattr(stats, name)._support or (-np.inf, np.inf)
    for q in (0.01, 0.2, 0.65, 0.99):
        args = [q, *shp, LOC, SCALE]
        f = _ours(name, m)
        x = _sst(name, m)(q, *shp, loc=LOC, scale=SCALE)
        y = _sst(name, m)(q, *shp)
        p = _sst(name, "pdf")(x, *shp, loc=LOC, scale=SCALE)
        h = SCALE * min(1e-3, 0.25 * (y - lo), 0.25 * (hi - y))      # inside the support
        dlogp = richardson(lambda v: _sst(name, "logpdf")(v, *shp, loc=LOC, scale=SCALE), x, h)
        ref = -dlogp / (p * p)                 # d2x/dq2 = -(log p)'(x) / p(x)^2, ppf and isf
        g = lambda v: f(v, *shp, LOC, SCALE)
        for got in (ad.grad(ad.grad(g))(q), ad.hessian(g)(q), ad.jacfwd(ad.jacfwd(g))(q)):
            assert got == pytest.approx(ref, rel=1e-6, abs=1e-9 / p), (name, m, q, got, ref)
        # in the shape parameter, and mixed with q and scale
        if shp:
            s = shp[0]
            ref_f = lambda *a: _sst(name, m)(*a[:-2], loc=a[-2], scale=a[-1])
            plain = _varying(ref_f, args, 1)
            ref_ss = richardson2(plain, s, 1e-2 * s)
            rest = shp[1:]
            ref_qs = richardson(lambda v: (1 if m == "ppf" else -1) / _sst(name, "pdf")(
                ref_f(q, v, *rest, LOC, SCALE), v, *rest, loc=LOC, scale=SCALE), s, 1e-3 * s)
            fv = lambda v: f(v[0], v[1], *rest, LOC, v[2])
            h = ad.hessian(fv)(np.array([q, s, SCALE]))
            h2 = ad.jacrev(ad.jacfwd(fv))(np.array([q, s, SCALE]))
            for H in (h, h2):
                assert H[1, 1] == pytest.approx(ref_ss, rel=1e-5, abs=1e-9 * abs(x)), (name, m, q)
                assert H[0, 1] == pytest.approx(ref_qs, rel=1e-6), (name, m, q)
                assert H[0, 2] == pytest.approx((1 if m == "ppf" else -1) / (p * SCALE),
                                                rel=1e-10), (name, m, q)
                assert H[2, 2] == 0.0


# --- the ends of the support and invalid q ---------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("m", METHODS)
def test_ends_of_support(name, m):
    # q = 0 and 1: SciPy's end of the support; at a finite end the one-sided derivatives
    # (1 in loc, the standard end in scale, 0 in the shapes, +-scale / pdf(end) in q);
    # an infinite end is a constant (derivative 0)
    for shp in DISTS[name]:
        qs = np.array([0.0, 0.4, 1.0])
        args = [qs, *shp, LOC, SCALE]
        f = _ours(name, m)
        val = f(*args)
        np.testing.assert_allclose(val, _sst(name, m)(qs, *shp, loc=LOC, scale=SCALE), rtol=1e-14)
        sign = 1.0 if m == "ppf" else -1.0
        for k in (0, 2):
            end = (val[k] - LOC) / SCALE
            with np.errstate(all="ignore"):
                slope = sign / _sst(name, "pdf")(val[k], *shp, loc=LOC, scale=SCALE)
            finite = np.isfinite(val[k])
            want = {0: slope if finite else 0.0, len(args) - 2: 1.0 if finite else 0.0,
                    len(args) - 1: end if finite else 0.0}
            for i in range(len(args)):
                g = _varying(f, args, i)
                v0 = qs if i == 0 else float(args[i])
                for jac in (ad.jacfwd(g)(v0), ad.jacrev(g)(v0)):
                    assert not np.isnan(jac).any(), (name, shp, m, i, jac)
                    d = np.diag(jac) if i == 0 else jac
                    assert d[k] == pytest.approx(want.get(i, 0.0), rel=1e-14, abs=0), \
                        (name, shp, m, i, k, d[k], want.get(i, 0.0))
                    if i == 0:
                        assert (jac[~np.eye(3, dtype=bool)] == 0).all()


def test_outside_zero_one_is_nan_and_isolated():
    q = np.array([-0.5, 0.3, 1.5, np.nan])
    for name in NAMES:
        shp = DISTS[name][0]
        for m in METHODS:
            f = _ours(name, m)
            v = f(q, *shp, LOC, SCALE)
            assert np.isnan(v[[0, 2, 3]]).all() and np.isfinite(v[1])
            for jac in (ad.jacfwd(lambda u: f(u, *shp, LOC, SCALE))(q),
                        ad.jacrev(lambda u: f(u, *shp, LOC, SCALE))(q)):
                assert np.isfinite(jac[1, 1]) and (jac[1, [0, 2, 3]] == 0).all()
            if shp:       # a shared shape parameter: its derivative at the valid point is clean
                for g in both_modes(lambda a: f(q, a, LOC, SCALE), shp[0]):
                    assert np.isfinite(g[1])


def test_ppf_inverts_cdf_and_isf_inverts_sf():
    # derivatives of the round trips (dualad on both sides: a consistency check)
    for name in ("gamma", "chi2", "invgamma"):
        a = DISTS[name][0][0]
        for m, c in (("ppf", "cdf"), ("isf", "sf")):
            q = np.array([1e-9, 0.2, 0.9, 1 - 1e-9])
            rt = lambda v: _ours(name, c)(_ours(name, m)(q, v, LOC, SCALE), v, LOC, SCALE)
            for g in both_modes(rt, a):
                np.testing.assert_allclose(g, 0.0, atol=1e-10)


# --- frozen ---------------------------------------------------------------------------------
def test_frozen_quantiles():
    q = np.array([1e-8, 0.3, 0.99])
    for name in NAMES:
        shp = DISTS[name][0]
        fz = getattr(stats, name)(*shp, loc=LOC, scale=SCALE)
        assert "isf" in dir(fz) and "ppf" in dir(fz)
        for m in METHODS:
            np.testing.assert_allclose(getattr(fz, m)(q), _sst(name, m)(q, *shp, loc=LOC, scale=SCALE),
                                       rtol=1e-14)
    # differentiable in the frozen parameters
    a = 2.3
    for m in METHODS:
        ref = richardson(lambda v: _sst("gamma", m)(0.3, v, loc=LOC, scale=SCALE), a, 1e-3)
        for g in both_modes(lambda v: getattr(stats.gamma(v, LOC, SCALE), m)(0.3), a):
            assert g == pytest.approx(ref, rel=1e-8)
