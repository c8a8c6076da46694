"""Differentiable ``scipy.special``: the rule table.

Each function is a primitive named ``"special.<name>"`` with a JVP and a VJP
rule per argument, written with registry operations so that derivatives of any
order follow.  Element-wise functions broadcast like their SciPy namesakes.

Conventions at awkward points:

* ``xlogy(x, y)`` and ``xlog1py(x, y)``: where ``x == 0`` the derivative in
  ``y`` is 0 (the function is identically 0 there), so ``y == 0`` gives no NaN.
  The derivative in ``x`` is ``log(y)`` (``log1p(y)``), ``-inf`` at ``y == 0``.
* ``i0e``, ``i1e`` have a kink at 0; their derivative there uses ``sign(0) = 0``.
  For ``|x| >= max(20, v^2)`` the derivative of ``i0e``, ``i1e``, ``ive`` is the
  asymptotic series differentiated term by term (no cancellation); for orders
  ``|v| >= 10`` and ``max(20, |v|) <= |x| < v^2`` that of ``ive`` and ``kve`` is
  the value times the logarithmic derivative from the uniform (Debye) expansions.
* ``rel_entr(x, y)`` / ``kl_div(x, y)``: where ``x == 0`` the derivative in
  ``y`` is that of the zero branch (``0`` and ``1``).  The derivative in ``x``
  uses ``log(x) - log(y)`` where ``x / y`` over- or underflows.
* ``softmax`` computes ``exp(x - max) / sum`` as SciPy does (same values), the
  maximum held constant (exact derivative: softmax is shift-invariant).
* ``gammainc`` / ``gammaincc`` in ``a``: no closed form; the derivatives (of
  any order, :func:`gammainc_da`) are summed from the power series
  ``P(a, x) = exp(-x) sum_n x^(a+n) / Gamma(a+n+1)`` term by term, to about
  1e-15 absolute accuracy, at a cost growing like ``x``.  Above the median
  (``x > gammaincinv(a, 1/2)``, so ``x > a - 1``), where ``Q = gammaincc`` is
  small, ``gammaincc`` instead uses ``Q d/da log Q`` with ``d/da log Q = log x
  - digamma(a) + N / D`` from the tail integrals ``D = int_0^inf (1+s)^(a-1)
  e^(-x s) ds`` and ``N`` (the same with ``log1p(s)``), by Gauss-Legendre in
  ``t = log1p(s)`` on panels that follow both scales of the integrand: accurate
  relative to ``Q`` however small (``gammainc`` there uses ``-dQ/da`` too).
  Against mpmath for ``a`` in [1e-3, 50], ``x`` in [1e-8, 1e3]: relative error
  below 2e-13 (first order), 2e-12 (second).  The internal primitive
  ``special.log_gammaincc_tail`` (``log Q`` above the median, both derivatives
  from these integrals) serves ``dualad.scipy.stats.gamma.logsf``.
* ``stdtr(df, t)``: in ``t`` the density, from a log density without
  cancellation in ``df`` (an asymptotic series for the gamma-function ratio from
  ``df = 20``); in ``df``, for ``df >= 50``, the integral ``int_-inf^t f(s)
  d/ddf log f(s) ds`` by Gauss-Legendre (no cancellation, accurate relative to the
  derivative, also at ``df = inf``), below that the ``betainc`` series; near
  ``t = 0`` (``|t| < min(1, sqrt(df)/2)``), for every ``df``, ``int_0^t`` of the
  same integrand (the derivative is O(t) there, the other forms cancel).  The
  distributions in ``dualad.scipy.stats`` use this machinery; it lives here only.
* ``betainc(a, b, x)`` in ``a`` and ``b`` (and so ``stdtr`` in ``df`` below
  50): no closed form; the series ``sum_n Gamma(a+b+n) / (Gamma(a+n+1) Gamma(b))
  x^(a+n) (1-x)^b`` (used for ``x < (a+1)/(a+b+2)``, where its terms decrease
  from the first, with ``I_x(a, b) = 1 - I_(1-x)(b, a)`` above) is
  differentiated term by term with registry operations, so every order and
  mixed derivatives work.  It is summed until the next term is below 1e-18
  of the largest (at most 100000 terms).
* Inverses (``gammaincinv``, ``gammainccinv``, ``betaincinv``, ``betainccinv``,
  ``stdtrit``): ``dx/dy = +-1 / density``; in the parameters ``-(dF/dtheta) /
  density`` at ``x``, for the gamma and beta inverses summed from the series (or
  tail integrals) already divided by the density, so that no derivative of the
  rule forms an overflowing intermediate (finite, right second derivatives in
  every nesting down to ``y = 1e-300``).  Where ``x`` underflows to 0 (or rounds to
  1) the derivatives are 0.  See docs/scipy.md.
* ``log_ndtr``: the derivative ``phi(x) / Phi(x)`` comes from ``h(x) = x +
  phi(x) / Phi(x)`` (a continued fraction for ``x < -3``), so it and the second
  derivative ``-r (x + r) = -r h`` keep full precision as ``x -> -inf`` (complex
  ``x``: the same in complex arithmetic, split at ``Re x``).  The derivatives of
  ``h`` (third and higher of ``log_ndtr``) come from ``_log_ndtr_h_dk``, which
  differentiates the continued fraction as a power series (``h' = 1 - r h``
  cancels in the tail).
* Where a derivative is infinite or NaN (``entr``, ``logit``, ``xlogy`` at 0,
  ``erfinv`` at 1, poles of ``gammaln``, ...), a zero tangent or cotangent
  gives exactly 0 (``times_finite_zero``), so Jacobians have exact zeros off
  the diagonal, in both modes.
* ``zeta(x, q)``: in ``q`` the derivative is ``-x * zeta(x + 1, q)``; in ``x``
  there is no closed form, and the derivatives (of any order,
  :func:`zeta_dx`) are summed by Euler-Maclaurin (24 terms, the tail integral
  and seven Bernoulli corrections; for ``Re x >= -1/4``, ``q > 0``).  Further
  left the sum cancels (like ``N^(1 - Re x)``): the Riemann zeta (``q = 1``)
  takes the functional equation there (and for ``Re x < 1/4``, ``|x| >= 1/2``),
  differentiated by Leibniz without division (the trivial zeros are exact);
  the Hurwitz zeta (``q != 1``, NaN in SciPy for ``x < 1``) gives NaN.  Relative
  error against mpmath below 1e-13 (real ``x`` in [-60, 60], orders 1, 2),
  7e-13 (complex, ``|Re x| <= 30``, ``|Im x| <= 50``, orders 1, 2).
* Complex input (where SciPy takes it): ``digamma``'s derivatives are the
  complex polygammas (``polygamma_complex``, internal; SciPy's ``polygamma`` is
  real-only); ``ive`` is not holomorphic (``exp(-|Re z|)``) and has its own
  JVP / VJP; Riemann ``zeta`` sums Euler-Maclaurin (and the functional
  equation) in complex arithmetic.
  See docs/scipy.md.
* The distribution helpers (``gdtr``, ``pdtr``, ``bdtr``, ``nbdtr``, ``chdtr``,
  ``fdtr``, their complements and closed-form inverses, ``nrdtrimn``,
  ``nrdtrisd``) are compositions of ``gammainc`` / ``betainc`` / their
  complements and inverses (see ``_cdf``), so every floating argument is
  differentiable; their values are SciPy's own (the composition shifted onto it by
  a constant); the integer counts have derivative 0.  ``jvp`` ... ``h2vp`` are
  SciPy's recurrence of the differentiable Bessel functions (``_basic``).
* The integer order ``n`` of ``polygamma`` has derivative 0.  The real orders
  ``v`` of ``iv``, ``ive``, ``jv``, ``yv`` have no rule: a traced order raises
  ``NotImplementedError`` naming the function (never a silent 0).  ``scipy.special``'s ufuncs called on a traced value reach
  the functions here.

>>> import dualad as ad
>>> from dualad.scipy import special
>>> round(float(ad.grad(special.gammaln)(3.0)), 6)   # digamma(3)
0.922784
"""
from __future__ import annotations

import scipy.special as _sp

from ._basic import (cbrt, comb, exp2, exp10, expm1, factorial, factorial2, factorialk, h1vp,
                     h2vp, ivp, jn, jvp, kn, kvp, log1p, perm, sinc, softplus, yn, yvp)
from ._basic import round as _round
from ._bessel import (i0, i0e, i1, i1e, iv, ive, j0, j1, jv, k0, k0e, k1, k1e, kv, kve, y0, y1,
                      yv)
from ._bessel_extra import (airy, airye, hankel1, hankel1e, hankel2, hankel2e, modstruve,
                            spherical_in, spherical_jn, spherical_kn, spherical_yn, struve,
                            voigt_profile, wofz)
from ._boxcox import boxcox, boxcox1p, inv_boxcox, inv_boxcox1p
from ._common import _pv, _sub
from ._cdf import (bdtr, bdtrc, bdtri, betaincc, btdtria, btdtrib, chdtr, chdtrc, chdtri,
                   chdtriv, fdtr, fdtrc, fdtri, gdtr, gdtrc, gdtria, gdtrib, gdtrix, nbdtr,
                   nbdtrc, nbdtri, nrdtrimn, nrdtrisd, pdtr, pdtrc, pdtri, pdtrik, stdtridf)
from ._elliptic import (_ellipj_ph, ellipeinc, ellipj, ellipkinc, ellipkm1, elliprc, elliprd,
                        elliprf, elliprg, elliprj)
from ._error import (_log_ndtr_h, _log_ndtr_h_dk, dawsn, dawsn_dk, erf, erfc, erfcinv, erfcx, erfcx_dk, erfi,
                     erfinv, log_ndtr, ndtr, ndtri, owens_t)
from ._gamma import (beta, betaln, binom, digamma, gamma, gammaln, loggamma, multigammaln,
                     polygamma, polygamma_complex, psi)
from ._huber import huber, pseudo_huber
from ._incbeta import _betaincc, _log_betainc_low, betainc, betainccinv, betaincinv
from ._incgamma import (_log_gammainc_low, _log_gammaincc_tail, gammainc, gammainc_da,
                        gammaincc, gammainccinv, gammaincinv)
from ._logistic import entr, expit, kl_div, log_expit, logit, rel_entr, xlog1py, xlogy
from ._logsumexp import log_softmax, log_softmax_p, logsumexp, logsumexp_p, softmax
from ._misc import _lambertw_p, ellipe, ellipk, exp1, expi, expn, lambertw, spence
from ._orthopoly_misc import (cosdg, cosm1, cotdg, eval_chebyc, eval_chebys, eval_chebyt,
                              eval_chebyu, eval_gegenbauer, eval_genlaguerre, eval_hermite,
                              eval_hermitenorm, eval_jacobi, eval_laguerre, eval_legendre,
                              eval_sh_chebyt, eval_sh_chebyu, eval_sh_jacobi,
                              eval_sh_legendre, exprel, fresnel, gammasgn, hyp0f1, hyp1f1,
                              hyp2f1, poch, powm1, radian, rgamma, shichi, sici, sindg,
                              tandg)
from ._student_t import _log_stdtr, _t_logpdf_std, stdtr, stdtrit
from ._zeta import zeta, zeta_dx, zeta_p

__all__ = [
    "gammaln", "digamma", "psi", "polygamma", "gamma", "beta", "betaln", "erf", "erfc",
    "erfinv", "erfcinv", "expit", "logit", "log_expit", "log_ndtr", "ndtr", "ndtri",
    "xlogy", "xlog1py", "logsumexp", "softmax", "log_softmax", "i0", "i1", "i0e", "i1e",
    "iv", "ive", "j0", "j1", "jv", "y0", "y1", "yv", "gammainc", "gammaincc", "gammainc_da",
    "betainc", "stdtr", "zeta", "zeta_dx", "multigammaln", "entr", "rel_entr", "kl_div",
    "kv", "kve", "k0", "k1", "k0e", "k1e", "loggamma", "exp1", "expi", "expn",
    "binom", "erfcx", "dawsn", "erfi", "ellipk", "ellipe", "lambertw", "spence",
    "huber", "pseudo_huber", "boxcox", "boxcox1p", "inv_boxcox", "inv_boxcox1p",
    "owens_t", "gammaincinv", "gammainccinv", "betaincinv", "betainccinv", "stdtrit",
    "spherical_jn", "spherical_yn", "spherical_in", "spherical_kn", "hankel1", "hankel2",
    "hankel1e", "hankel2e", "airy", "airye", "wofz", "voigt_profile", "struve", "modstruve",
    "eval_legendre", "eval_chebyt", "eval_chebyu", "eval_chebyc", "eval_chebys",
    "eval_sh_legendre", "eval_sh_chebyt", "eval_sh_chebyu", "eval_hermite",
    "eval_hermitenorm", "eval_laguerre", "eval_genlaguerre", "eval_gegenbauer",
    "eval_jacobi", "eval_sh_jacobi", "hyp2f1", "hyp1f1", "hyp0f1", "fresnel", "sici",
    "shichi", "exprel", "powm1", "cosm1", "sindg", "cosdg", "tandg", "cotdg", "radian",
    "rgamma", "poch", "gammasgn",
    "softplus", "sinc", "expm1", "log1p", "exp2", "exp10", "cbrt", "round", "comb", "perm",
    "factorial", "factorial2", "factorialk", "jn", "yn", "kn", "jvp", "yvp", "ivp", "kvp",
    "h1vp", "h2vp", "betaincc", "gdtr", "gdtrc", "gdtrix", "gdtria", "pdtr", "pdtrc", "pdtri",
    "bdtr", "bdtrc", "bdtri", "nbdtr", "nbdtrc", "nbdtri", "chdtr", "chdtrc", "chdtri",
    "fdtr", "fdtrc", "fdtri", "nrdtrimn", "nrdtrisd", "gdtrib", "chdtriv", "pdtrik",
    "btdtria", "btdtrib", "stdtridf",
    "ellipkinc", "ellipeinc", "ellipkm1", "ellipj", "elliprf", "elliprd", "elliprj", "elliprc",
    "elliprg",
]


def _set_module():
    # the functions are defined in the family modules but belong to this one (their
    # reprs, docs and pickles name dualad.scipy.special, as before the split)
    for name, obj in list(globals().items()):
        if callable(obj) and (getattr(obj, "__module__", "") or "").startswith(__name__ + "._"):
            obj.__module__ = __name__


def __getattr__(name):
    # ``round`` is served here rather than bound in the module's namespace, where it
    # would shadow the builtin ``round`` for the code and doctests of this package
    if name == "round":
        return _round
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | {"round"})


def _register():
    # SciPy's special functions are NumPy ufuncs: plain ``scipy.special.gammaln``
    # called on a traced value reaches the function of that name here through __array_ufunc__
    import sys
    from ...numpy import _dispatch
    _dispatch.register_module(_sp, sys.modules[__name__])
    # scipy.special.lambertw is a Python function calling the private ufunc _lambertw
    _dispatch._UFUNCS[_sp._ufuncs._lambertw] = _lambertw_p
    _dispatch._UFUNCS[_sp.round] = _round


_set_module()
_register()
