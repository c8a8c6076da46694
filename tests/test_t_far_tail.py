"""Student's t in ``df`` where ``abs(t) >> sqrt(df)`` (``t^2 > 1e20 df``).

``stdtr``'s ``df``-derivative used ``dx/ddf = t^2 / (df + t^2)^2`` of
``x = df / (df + t^2)``; its square overflows from ``abs(t) = 1.2e77``, so the
``betainc``-derivative term was dropped and ``d/ddf t.logcdf`` was off by exactly
0.5 (its second derivative had the wrong sign), and ``t.ppf``'s ``df``-derivative
was NaN at ``q = 1e-300``.  There the tail is now its leading term
``x^(df/2) / (df/2 B(df/2, 1/2))`` in logs (no ``t^2``).

``stdtrit`` itself (and ``t.ppf`` / ``t.isf``) in the far tail ``t^2 > 1e16 df``:
the value is the inverted leading term where SciPy's root finder fails (``+inf`` at
``df = 5``, ``q = 1e-280``), and the rules are functions of ``log abs(t)`` (one
primitive), so every nesting of second derivatives is finite or the infinity of
its sign (outer reverse sweeps were NaN at ``df = 30``, ``q = 1e-300``).

Truths: mpmath at 60 digits, ``mp.diff`` (first, second and mixed) of
``log(betainc(df/2, 1/2, 0, df/(df+t^2), regularized=True) / 2)`` with ``t`` an
mpf; for the quantiles, implicit differentiation of that function at SciPy's
``stdtrit(df, q)``: ``t' = -L_df / L_t``, ``t'' = -(L_dfdf + 2 L_dft t' + L_tt t'^2) / L_t``,
``L_t = f / F`` with the closed-form density.
"""
import numpy as np
import pytest
from pytest import approx

import dualad as ad
from dualad.scipy import special as dsp
from dualad.scipy import stats

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

# (df, t, d/ddf log F, d2/ddf2 log F, d2/ddf dt log F, d/ddf F, d2/ddf2 F), F = stdtr(df, t)
LOG_TAIL = [
    (1.0, -1e80, -184.01366025896371, 0.67753296657588678, 1.0e-80,
     -5.8573367253293463e-79, 1.077851536741253e-76),
    (0.7, -1e150, -345.43677271407958, 0.96892167640803137, 1.0e-150,
     -1.0737176847441363e-103, 3.7090458351365739e-101),
    (2.0, -1e120, -275.65678474956545, 0.32246703342411322, 1.0e-120,
     -1.3782839237478273e-238, 3.7993492722750845e-236),
]


def _firsts(f, x):
    return [ad.grad(f)(x), ad.jvp(f, (x,), (1.0,))[1]]


def _seconds(f, x):
    return [ad.grad(ad.grad(f))(x), ad.jacfwd(ad.jacfwd(f))(x), ad.jacfwd(ad.grad(f))(x),
            ad.grad(ad.jacfwd(f))(x), ad.hessian(f)(x)]


def test_reproducer():
    # was -184.51366025895 (off by 0.5) and -91.58 (truth +0.6775)
    assert ad.grad(stats.t.logcdf, argnums=1)(-1e80, 1.0) == approx(-184.01366025896371, rel=1e-14)
    assert ad.grad(ad.grad(stats.t.logcdf, argnums=1), argnums=1)(-1e80, 1.0) == \
        approx(0.67753296657588678, rel=1e-12)


@pytest.mark.parametrize("df, t, d1, d2, dmix, c1, c2", LOG_TAIL)
def test_t_logcdf_logsf_far_tail(df, t, d1, d2, dmix, c1, c2):
    for f in (lambda d: stats.t.logcdf(t, d), lambda d: stats.t.logsf(-t, d)):
        for g in _firsts(f, df):
            assert g == approx(d1, rel=1e-14, abs=0)
        for g in _seconds(f, df):
            assert g == approx(d2, rel=1e-12, abs=0)
    for f in (lambda v: stats.t.logcdf(v[1], v[0]), lambda v: stats.t.logsf(-v[1], v[0])):
        x = np.array([df, t])
        for h in (ad.hessian(f)(x), ad.jacrev(ad.jacrev(f))(x), ad.jacfwd(ad.jacfwd(f))(x)):
            assert h[0, 1] == approx(dmix, rel=1e-12, abs=0)
            assert h[1, 0] == approx(dmix, rel=1e-12, abs=0)


@pytest.mark.parametrize("df, t, d1, d2, dmix, c1, c2", LOG_TAIL)
def test_stdtr_and_cdf_far_tail(df, t, d1, d2, dmix, c1, c2):
    for f in (lambda d: dsp.stdtr(d, t), lambda d: stats.t.cdf(t, d), lambda d: stats.t.sf(-t, d),
              lambda d: -dsp.stdtr(d, -t)):
        # F = exp(log F): relative error ~ eps abs(log F)
        for g in _firsts(f, df):
            assert g == approx(c1, rel=1e-13, abs=0)
        for g in _seconds(f, df):
            assert g == approx(c2, rel=1e-12, abs=0)


def test_stdtr_tiny_df_huge_t():
    # F = 0.4999965 at (1e-8, -1e300) (SciPy's value is 0: its t^2 overflows);
    # d/ddf F = -350.08705472614052, d2/ddf2 F = 25244948.851387774 (mpmath)
    assert ad.grad(dsp.stdtr)(1e-8, -1e300) == approx(-350.08705472614052, rel=1e-13)
    assert ad.grad(ad.grad(dsp.stdtr))(1e-8, -1e300) == approx(25244948.851387774, rel=1e-11)


# (df, q, SciPy's stdtrit(df, q), d/ddf, d2/ddf2)
PPF = [
    (1.0, 1e-100, -3.183098861837907e+99, 7.2867700391206116e+101, -1.6826871109143266e+104),
    (1.0, 1e-300, -3.183098861837907e+299, 2.1945482016709168e+302, -1.5173954098549143e+305),
    # SciPy's -5.608888469214781e+153 is off (its t^2 would overflow): the far-tail
    # inversion's -9.757004018102883e+284 (mpmath: -9.7570040181031425e+284)
    (0.7, 1e-200, -9.7570040181031425e+284, 9.1473468293434535e+287, -8.6019322767580681e+290),
    # not in the far tail, but the density (6e-310) underflows before q does
    (30.0, 1e-300, -50178575360.50508, 37558068771.820192, -30644415741.465792),
]


@pytest.mark.parametrize("df, q, t, d1, d2", PPF)
def test_t_ppf_isf_far_tail(df, q, t, d1, d2):
    assert stats.t.ppf(q, df) == approx(t, rel=1e-13, abs=0)
    for f, s in ((lambda d: stats.t.ppf(q, d), 1), (lambda d: stats.t.isf(q, d), -1),
                 (lambda d: dsp.stdtrit(d, q), 1)):
        for g in _firsts(f, df):
            assert g == approx(s * d1, rel=1e-13, abs=0)
        for g in _seconds(f, df):
            assert g == approx(s * d2, rel=1e-11, abs=0)


def test_batched_across_forms_no_nan():
    # every form of the df-derivative (far tail, betainc series, the large-df
    # integral, near 0) in one call: each form sees safe values at the others' points
    t = np.array([-1e300, -1e80, -3.0, 0.0, 0.3, 5.0, 1e80, 1e12])
    df = np.array([1.0, 0.7, 2.5, 3.0, 60.0, 1e3, 2.0, 1e-8])
    v = np.concatenate([df, t])
    f = lambda v: dsp.stdtr(v[:8], v[8:])           # noqa: E731
    h_rr = ad.jacrev(ad.jacrev(f))(v)
    h_ff = ad.jacfwd(ad.jacfwd(f))(v)
    assert not np.isnan(h_rr).any() and not np.isnan(h_ff).any()
    np.testing.assert_allclose(h_rr, h_ff, rtol=1e-13, atol=0)
    for i in range(8):
        h = ad.hessian(lambda w: dsp.stdtr(w[0], w[1]))(np.array([df[i], t[i]]))
        np.testing.assert_allclose(h_rr[i][[i, i + 8]][:, [i, i + 8]], h, rtol=1e-13, atol=0)


# --- stdtrit / t.ppf / t.isf in the far tail, x = df / (df + t^2) < 1e-16 ---------------
# SciPy's stdtrit fails there for some df: +inf at (5, 1e-280), (2.5, 1e-300) (lower
# tail!), -3.757e79 at (2.5, 1e-200) (truth -8.765e79), -4.74e153 at (0.5, 1e-100) (truth
# -1.03e199); dualad inverts the tail's leading term there.  Truths: mpmath 1.3.0,
# dps = 50: t solves log(betainc(df/2, 1/2, 0, df/(df+t^2), regularized=True)/2) = log q
# (mp.findroot in log(-t)); F_df, F_dfdf by mp.diff of that betainc at fixed t, F_t the
# closed-form density, F_tt, F_tdf its closed-form derivatives; then implicit
# differentiation t_q = 1/F_t, t_df = -F_df/F_t, t_qq = -F_tt t_q^2/F_t,
# t_qdf = -(F_tdf t_q + F_tt t_q t_df)/F_t, t_dfdf = -(F_dfdf + 2 F_tdf t_df + F_tt t_df^2)/F_t.
# Truths beyond the largest float must come out as the infinity of their sign.
# (df, q, t, t_df, t_q, t_dfdf, t_qdf, t_qq)
FAR_INV = [
    (5.0, 1e-280, -1.5683925590993378e+56, 4.0207400620415132e+57, 3.1367851181986758e+335,
     -1.0468785954315533e+59, -8.1042158264470003e+336, -3.7641421418384111e+615),
    (5.0, 1e-300, -1.5683925590993378e+60, 4.3096486481651066e+61, 3.1367851181986755e+359,
     -1.201485660679789e+63, -8.6820329986941865e+360, -3.7641421418384105e+659),
    (5.0, 1e-200, -1.5683925590993378e+40, 2.8651057175471394e+41, 3.1367851181986757e+239,
     -5.348881910219984e+42, -5.7929471374582525e+240, -3.7641421418384109e+439),
    (2.5, 1e-300, -8.7654378822799919e+119, 9.6554045074764047e+121, 3.5061751529119967e+419,
     -1.0713062117869342e+124, -3.8761865036022098e+421, -4.9086452140767952e+719),
    (2.5, 1e-200, -8.765437882279992e+79, 6.4260978512678919e+81, 3.5061751529119969e+279,
     -4.7625832479487614e+83, -2.5844638411188048e+281, -4.9086452140767957e+479),
    (0.5, 1e-100, -1.02849115631634e+199, 9.4316404052508639e+201, 2.0569823126326799e+299,
     -8.6869135633114418e+204, -1.8904420456754381e+302, -6.1709469378980396e+399),
    (1.0, 1e-300, -3.1830988618379066e+299, 2.1945482016709165e+302, 3.1830988618379066e+599,
     -1.5173954098549141e+305, -2.1977313005327544e+602, -6.366197723675813e+899),
    # not far (x = 1.2e-20 > 1e-20 before; now far), the density underflows: the outer
    # reverse sweeps were NaN here
    (30.0, 1e-300, -50178575360.505081, 37558068771.820192, 1.6726191786835026e+309,
     -30644415741.465792, -1.3076895983501231e+309, -1.728373151306286e+609),
    (30.0, 1e-280, -10810646345.305128, 7538475444.8094796, 3.6035487817683762e+288,
     -5765491059.4491497, -2.6329434409954392e+288, -3.7236670744939889e+568),
]


def _check(got, want, rtol, what):
    got = float(got)
    if abs(want) > np.finfo(float).max:
        assert got == np.copysign(np.inf, want), what
    else:
        assert got == approx(want, rel=rtol, abs=0), what


def _all_orders(f, z):
    gr, gf = ad.grad(f), ad.jacfwd(f)
    firsts = {"rev": gr(z), "fwd": gf(z)}
    for k in range(2):
        e = np.zeros(2)
        e[k] = 1.0
        firsts[f"jvp{k}"] = np.eye(2)[k] * ad.jvp(f, (z,), (e,))[1]
    seconds = {"fwd(rev)": ad.jacfwd(gr)(z), "rev(rev)": ad.jacrev(gr)(z),
               "fwd(fwd)": ad.jacfwd(gf)(z), "rev(fwd)": ad.jacrev(gf)(z),
               "hessian": ad.hessian(f)(z)}
    return firsts, seconds


@pytest.mark.parametrize("case", FAR_INV, ids=[f"df{c[0]:g}-q{c[1]:g}" for c in FAR_INV])
def test_stdtrit_ppf_isf_far_inverse(case):
    df, q, t, t_df, t_q, t_dfdf, t_qdf, t_qq = case
    hess = [[t_dfdf, t_qdf], [t_qdf, t_qq]]
    for name, f, s in (("stdtrit", lambda z: dsp.stdtrit(z[0], z[1]), 1),
                       ("ppf", lambda z: stats.t.ppf(z[1], z[0]), 1),
                       ("isf", lambda z: stats.t.isf(z[1], z[0]), -1)):
        z = np.array([df, q])
        _check(f(z), s * t, 1e-13, name)
        firsts, seconds = _all_orders(f, z)
        for mode, g in firsts.items():
            for k, w in enumerate((t_df, t_q)):
                if mode.startswith("jvp") and mode != f"jvp{k}":
                    continue
                _check(g[k], s * w, 1e-13, f"{name} {mode} {k}")
        for mode, h in seconds.items():
            for i in range(2):
                for j in range(2):
                    _check(h[i, j], s * hess[i][j], 1e-12, f"{name} {mode} {i}{j}")


def test_t_ppf_far_inverse_loc_scale():
    # t.ppf(q, df, loc, scale) = loc + scale t: d/dscale = t, d2/dscale ddf = t_df,
    # d2/dscale dq = t_q (inf here); (df, q) = (5, 1e-280) from FAR_INV
    t, t_df = -1.5683925590993378e+56, 4.0207400620415132e+57
    f = lambda v: stats.t.ppf(v[1], v[0], v[2], v[3])   # noqa: E731
    z = np.array([5.0, 1e-280, 0.3, 2.0])
    g = ad.grad(f)(z)
    assert g[0] == approx(2 * t_df, rel=1e-13) and g[1] == np.inf
    assert g[2] == 1.0 and g[3] == approx(t, rel=1e-13)
    # (d/dq of scale * t_q, with t_q = inf and scale traced, is NaN in forward-over-reverse:
    # times_finite_zero's documented price for derivatives of an infinite product)
    for h in (ad.hessian(f)(z), ad.jacrev(ad.jacrev(f))(z), ad.jacfwd(ad.jacfwd(f))(z)):
        assert h[0, 0] == approx(2 * -1.0468785954315533e+59, rel=1e-12)
        assert h[0, 3] == approx(t_df, rel=1e-13) and h[3, 0] == approx(t_df, rel=1e-13)
        assert h[1, 3] == np.inf and h[3, 1] == np.inf
        np.testing.assert_array_equal(h[2, [0, 2, 3]], 0.0)   # h[2, 1] (loc, q): see above


def test_t_ppf_far_values_vs_scipy_failures():
    # SciPy: +inf, and -3.67e153 (where its t^2 would overflow); mpmath:
    # -1.2148005685032819e+111 and beyond the largest float (-inf)
    assert stats.t.ppf(1e-300, 2.7) == approx(-1.2148005685032819e+111, rel=1e-13, abs=0)
    assert stats.t.isf(1e-300, 2.7) == approx(1.2148005685032819e+111, rel=1e-13, abs=0)
    assert stats.t.ppf(1e-300, 0.3) == -np.inf


def test_stdtrit_overflowing_quantile():
    # df = 0.5, q = 1e-200: t = -1.03e399 (mpmath) is beyond the largest float: -inf
    # (SciPy: -4.74e153), its first derivatives +inf (t_df = 1.9e402, t_q = 2.1e599)
    assert dsp.stdtrit(0.5, 1e-200) == -np.inf
    assert stats.t.isf(1e-200, 0.5) == np.inf
    g = ad.grad(lambda z: dsp.stdtrit(z[0], z[1]))(np.array([0.5, 1e-200]))
    np.testing.assert_array_equal(g, [np.inf, np.inf])
