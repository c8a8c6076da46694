"""Student's t in ``df`` where ``abs(t) >> sqrt(df)`` (``t^2 > 1e20 df``).

``stdtr``'s ``df``-derivative used ``dx/ddf = t^2 / (df + t^2)^2`` of
``x = df / (df + t^2)``; its square overflows from ``abs(t) = 1.2e77``, so the
``betainc``-derivative term was dropped and ``d/ddf t.logcdf`` was off by exactly
0.5 (its second derivative had the wrong sign), and ``t.ppf``'s ``df``-derivative
was NaN at ``q = 1e-300``.  There the tail is now its leading term
``x^(df/2) / (df/2 B(df/2, 1/2))`` in logs (no ``t^2``).

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
    (0.7, 1e-200, -5.608888469214781e+153, 2.8370469449656004e+156, -1.4431279490874784e+159),
    # not in the far tail, but the density (6e-310) underflows before q does
    (30.0, 1e-300, -50178575360.50508, 37558068771.820192, -30644415741.465792),
]


@pytest.mark.parametrize("df, q, t, d1, d2", PPF)
def test_t_ppf_isf_far_tail(df, q, t, d1, d2):
    assert stats.t.ppf(q, df) == t
    for f, s in ((lambda d: stats.t.ppf(q, d), 1), (lambda d: stats.t.isf(q, d), -1),
                 (lambda d: dsp.stdtrit(d, q), 1)):
        for g in _firsts(f, df):
            assert g == approx(s * d1, rel=1e-13, abs=0)
        seconds = _seconds(f, df)
        if df == 30.0:
            # an outer reverse sweep needs d/d(d/ddf stdtr) = 1 / f = inf (NaN): left
            seconds = [seconds[1], seconds[2], seconds[4]]
        for g in seconds:
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
