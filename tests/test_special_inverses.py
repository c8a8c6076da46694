"""Inverse functions in ``dualad.scipy.special``: ``gammaincinv`` / ``gammainccinv``
(the far tails), against mpmath.

Every first derivative (forward and reverse) and every second derivative (all
four nestings: forward-over-reverse, reverse-over-reverse, forward-over-forward,
reverse-over-forward) is compared with truths computed once with mpmath 1.3.0
at ``mp.dps = 50`` (working precision 70) and pasted here (mpmath is not a
dependency): ``x`` solves ``F(theta, x) = y`` by Newton's method from SciPy's
value, and the derivatives of ``x`` in ``(theta, y)`` follow by implicit
differentiation, ``x_u = -G_u / G_x``, ``x_uv = -(G_uv + G_ux x_v + G_vx x_u +
G_xx x_u x_v) / G_x`` (``G = F - y``), with the ``x``-derivatives of ``F``
in closed form (the density and its derivatives) and the parameter derivatives
by ``mp.diff(..., relative=True)`` of ``mp.gammainc``.  Two points were
cross-checked by ``mp.diff`` of ``mp.findroot`` (the inverse itself).
Truths beyond the largest float (``d2x/dy2`` in the far tails, e.g. -8.7e332
at ``a = 3``, ``y = 1e-200``) must come out as the infinity of their sign.

Tolerances: the derivatives are those at SciPy's ``x``, whose own relative
error (up to 2e-14 in the far tails, 1e-13 at ``a = 1e-3``) carries over;
``dx/dy = 1/p(x)`` is ``exp`` of a sum of terms of size ``gammaln(a)`` (8e4
at ``a = 1e4``), so it is good to about 1e-11 there.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special as ss

import dualad as ad
from dualad.scipy import special as dsp


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _all_derivs(f, z):
    """``f`` of a vector ``z``: the gradient forward and reverse, the Hessian in all
    four nestings."""
    gr = ad.grad(f)
    gf = ad.jacfwd(f)
    firsts = {"reverse": gr(z), "forward": gf(z)}
    seconds = {"fwd(rev)": ad.jacfwd(gr)(z), "rev(rev)": ad.jacrev(gr)(z),
               "fwd(fwd)": ad.jacfwd(gf)(z), "rev(fwd)": ad.jacrev(gf)(z)}
    return firsts, seconds


def _close(got, want, rtol, what):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    big = np.abs(want) > np.finfo(float).max
    np.testing.assert_array_equal(got[big], np.where(want[big] > 0, np.inf, -np.inf),
                                  err_msg=what + " (overflowing truth)")
    np.testing.assert_allclose(got[~big], want[~big], rtol=rtol, atol=0, err_msg=what)


# (which, a, y, x, (dx/da, dx/dy), (d2x/da2, d2x/dady, d2x/dy2), rtol first, rtol second)
GAMMA = [
    ("P", 0.001, 0.9, 9.821659644066881e-47, (1.0348231948429885579e-41, 1.0912955160074312842e-43),
     (1.0696072544557728675e-36, 1.1388905946654684772e-38, 1.2113380227682486703e-40)),
    ("P", 0.1, 1e-10, 6.073048362407963e-101, (1.3988263560615451328e-97, 6.0730483624079618362e-90),
     (3.1939975852642807262e-94, 1.3927533076991370427e-86, 5.4657435261671651163e-79)),
    ("P", 1.0, 1e-300, 1e-300, (6.9119831223331218964e-298, 1.0),
     (4.7637335514377953923e-295, 690.19831223331217232, 1.0)),
    ("P", 3.0, 1e-300, 1.8171205928321398e-100, (1.3986823839848702201e-98, 6.0570686427737987618e+199),
     (1.0672928518116610712e-96, 4.6420843844736546211e+201, -4.0380457618491990733e+499)),
    ("P", 3.0, 1e-200, 3.914867641168864e-67, (2.0117791959934791057e-65, 1.304955880389621214e+133),
     (1.0204418731955755472e-63, 6.662432123965276432e+134, -8.6997058692641415827e+332)),
    ("P", 30.0, 1e-300, 1.2044497038599612e-09, (9.6175367142794599808e-10, 4.0148323463558595069e+289),
     (7.0516008127542746661e-10, 3.0720178267920408442e+289, -3.8810046014669314828e+589)),
    ("P", 1000.0, 1e-50, 598.742983464849, (0.76549365622952630194, 1.4866933668500759129e+50),
     (0.00011554302935966461267, 1.0312706773153010815e+47, -1.4775470675811391706e+100)),
    ("P", 10000.0, 1e-300, 6737.687191590329, (0.81553911359412453811, 2.0640053410974505945e+300),
     (9.1419016910771151846e-6, 1.3311470954680112114e+296, -2.062069247274929966e+600)),
    ("P", 10000.0, 0.3, 9947.319262019584, (0.99737794828425647359, 286.59994898283091419),
     (1.311075096307348768e-7, 0.014380764642912441645, -426.75131410460100602)),
    ("Q", 0.001, 1e-300, 677.3551998031188, (1005.6142854801979009, -9.9852947944584544396e+299),
     (-998525.96683971904076, -3.6465884437642787691e+297, 9.9853164086736628e+599)),
    ("Q", 0.1, 0.9999999999, 6.073053387272577e-101, (1.3988275084312255026e-97, -6.0730528847859279871e-90),
     (3.1940002049433121407e-94, -1.3927543398069420623e-86, 5.4657471440693883638e-79)),
    ("Q", 1.0, 1e-200, 460.51701859880916, (6.7117322541606135316, -1.0000000000000000179e+200),
     (-1.6158437317651439206, -2.1667774630881937442e+197, 1.0000000000000000358e+400)),
    ("Q", 3.0, 1e-300, 703.1964976004614, (5.650323669154920982, -1.0028481998446657696e+300),
     (-0.3800928322805784679, -1.4052319241479496512e+297, 1.0028441321790471891e+600)),
    ("Q", 30.0, 0.9, 23.22944415010172, (0.88243592275213427368, -26.29253829614573361),
     (0.0019784607128375720242, -0.5207679559876727529, -171.72908706383226929)),
    ("Q", 1000.0, 1e-50, 1548.8890796376038, (1.234876092163919487, -2.8075474171848887163e+50),
     (-0.0001162800049319899006, -1.0378150940733856851e+47, 2.7983947474171485916e+100)),
    ("Q", 10000.0, 1e-200, 13331.645867165933, (1.1506780804444407123, -3.9967291965154879624e+200),
     (-7.5003600140912864653e-6, -1.6422728763976580355e+196, 3.9931428287642836788e+400)),
]


def _gamma_tol(which, a, y):
    """(first, second order) rtol, about 3 times the error measured: dx/dy for large
    ``a`` (module docstring); gammainccinv below y ~ 1e-150, where d2x/dy2 overflows,
    differentiates -log p in ``a`` (a near-cancelling sum, about 2e-11 at ``a = 1e-3``)."""
    if a >= 1e3:
        return 3e-11, 1e-10
    return 6e-13, (5e-11 if which == "Q" and y < 1e-150 else 1e-12)


@pytest.mark.parametrize("case", GAMMA, ids=[f"{c[0]}-a{c[1]:g}-y{c[2]:g}" for c in GAMMA])
def test_gamma_inverses_far_tails(case):
    which, a, y, x, d1, d2 = case
    f = dsp.gammainccinv if which == "Q" else dsp.gammaincinv
    ref = ss.gammainccinv if which == "Q" else ss.gammaincinv
    assert f(a, y) == ref(a, y)
    np.testing.assert_allclose(f(a, y), x, rtol=5e-13)     # SciPy's own error
    tol1, tol2 = _gamma_tol(which, a, y)
    hess = np.array([[d2[0], d2[1]], [d2[1], d2[2]]])
    firsts, seconds = _all_derivs(lambda z: f(z[0], z[1]), np.array([a, y]))
    for mode, g in firsts.items():
        _close(g, d1, tol1, f"{which} a={a} y={y} first {mode}")
    for mode, h in seconds.items():
        _close(h, hess, tol2, f"{which} a={a} y={y} second {mode}")


def test_gamma_inverse_underflow_is_zero():
    # gammainccinv(1e-3, 0.6) = (0.4 Gamma(1.001))^1000 ~ 1e-398 underflows to 0: every
    # derivative is below the smallest float too, and must come out 0, never NaN
    firsts, seconds = _all_derivs(lambda z: dsp.gammainccinv(z[0], z[1]), np.array([1e-3, 0.6]))
    for mode, v in list(firsts.items()) + list(seconds.items()):
        np.testing.assert_array_equal(v, 0.0, err_msg=mode)
