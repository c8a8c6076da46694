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
  asymptotic series differentiated term by term (no cancellation).
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
  derivative ``-r (x + r) = -r h`` keep full precision as ``x -> -inf``.
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

import numpy as _np
import scipy.special as _sp

from .. import numpy as dnp
from ..numpy._broadcast import bcast_tangent, norm_axes, unbroadcast
from ..numpy._reductions import expand_reduced
from ..numpy._short_axis import extreme, sum_last
from ..numpy._stats import _softmax
from ..numpy._ufuncs import _is_complex, times_finite_zero
from ..registry import defjvp, defvjp_direct, primitive, vjp_reads, vjp_residuals
from ..tracer import ndim_of, primal_of, shape_of

__all__ = [
    "gammaln", "digamma", "psi", "polygamma", "gamma", "beta", "betaln", "erf", "erfc",
    "erfinv", "erfcinv", "expit", "logit", "log_expit", "log_ndtr", "ndtr", "ndtri",
    "xlogy", "xlog1py", "logsumexp", "softmax", "log_softmax", "i0", "i1", "i0e", "i1e",
    "iv", "ive", "j0", "j1", "jv", "y0", "y1", "yv", "gammainc", "gammaincc", "gammainc_da",
    "betainc", "stdtr", "zeta", "zeta_dx", "multigammaln", "entr", "rel_entr", "kl_div",
]

_SQRT_PI = _np.sqrt(_np.pi)
_LOG_SQRT_2PI = 0.5 * _np.log(2 * _np.pi)


def _unary(npfunc, name, deriv):
    """Element-wise ``name(x)`` with derivative factor ``deriv(ans, x)``."""
    p = primitive(lambda x: npfunc(x), name="special." + name)
    p.__doc__ = f"``scipy.special.{name}``, differentiable."
    # times_finite_zero: a zero tangent / cotangent stays 0 where the derivative is
    # infinite (entr, logit, erfinv, ndtri at the ends, gammaln at poles, y0 at 0, ...)
    defjvp(p, lambda t, ans, x: times_finite_zero(t, deriv(ans, x)))
    defvjp_direct(p, lambda g, ans, x: times_finite_zero(g, deriv(ans, x)))
    return p


def _no_rule(fname, argname):
    def rule(*args, **kwargs):
        raise NotImplementedError(
            f"special.{fname}: the derivative with respect to argument '{argname}' "
            f"has no closed form and is not implemented; pass '{argname}' as a constant "
            f"(or wrap it in dualad.stop_gradient if its derivative is not wanted)")
    return rule


def _nary(npfunc, name, derivs, argnames):
    """Element-wise function of broadcasting arguments; ``derivs[k](ans, *args)``
    is the partial derivative factor in argument k (``None``: not differentiable,
    a string: raise NotImplementedError naming that argument)."""
    p = primitive(lambda *a: npfunc(*a), name="special." + name)
    p.__doc__ = f"``scipy.special.{name}``, differentiable."
    jvps, vjps = [], []
    for k, d in enumerate(derivs):
        if d is None:
            jvps.append(None)
            vjps.append(None)
        elif isinstance(d, str):
            jvps.append(_no_rule(name, d))
            vjps.append(_no_rule(name, d))
        else:
            jvps.append(_nary_jvp(d, k))
            vjps.append(_nary_vjp(d, k))
    defjvp(p, *jvps)
    defvjp_direct(p, *vjps)
    return p


def _nary_jvp(d, k):
    def rule(t, ans, *args):
        return times_finite_zero(bcast_tangent(t, args[k], ans), d(ans, *args))
    return rule


def _nary_vjp(d, k):
    def rule(g, ans, *args):
        return unbroadcast(times_finite_zero(g, d(ans, *args)), ans, args[k])
    return rule


# --- gamma family ----------------------------------------------------------------
polygamma = _nary(_sp.polygamma, "polygamma",
                  [None, lambda ans, n, x: polygamma(primal_of(n) + 1, x)], ["n", "x"])

# Bernoulli numbers B_2, B_4, ..., B_20 (the asymptotic series of the polygammas)
_B2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
        43867 / 798, -174611 / 330)
_PSI_SHIFT = 20.0     # the series is summed at Re w >= 20 (terms fall like (k / (2 pi w))^2)


def _stirling2(n, k):
    """Stirling number of the second kind ``S(n, k)``."""
    from math import comb, factorial
    return sum((-1) ** (k - j) * comb(k, j) * j ** n for j in range(k + 1)) // factorial(k)


def _cot_derivative(n, z):
    """``d^n/dz^n pi cot(pi z)`` (``n >= 1``) for complex ``z``, without cancellation
    where it is exponentially small (large ``|Im z|``): for ``Im z >= 0``, with
    ``q = exp(2 pi i z)``, ``pi cot(pi z) = -i pi - 2 pi i q / (1 - q)`` and
    ``(q d/dq)^n q / (1 - q) = Li_(-n)(q) = sum_k k! S(n+1, k+1) v^(k+1)``,
    ``v = q / (1 - q)`` (positive coefficients); ``Im z < 0`` by conjugation.
    ``Re z`` is reduced mod 1 exactly first."""
    from math import factorial
    lower = z.imag < 0
    zz = _np.where(lower, _np.conj(z), z)
    r = zz.real - _np.round(zz.real)
    q = _np.exp(2j * _np.pi * r - 2 * _np.pi * zz.imag)
    v = q / (1.0 - q)
    li = _np.zeros_like(v)
    for k in range(n, -1, -1):
        li = (li + factorial(k) * _stirling2(n + 1, k + 1)) * v
    out = -2j * _np.pi * (2j * _np.pi) ** n * li
    return _np.where(lower, _np.conj(out), out)


_PSI_REFLECT = -20.0  # Re z below which psi^(n) reflects (above: the recurrence, at most 40 terms)


def _polygamma_complex_impl(n, z):
    """``psi^(n)(z)`` (``n >= 1``) for complex ``z``, which ``scipy.special.polygamma``
    does not take: the reflection ``psi^(n)(z) = (-1)^(n+1) ((-1)^n pi d^n/dz^n
    cot(pi z) - psi^(n)(1 - z))`` for ``Re z < -20``, then the recurrence
    ``psi^(n)(w) = psi^(n)(w + 1) + (-1)^(n+1) n! / w^(n+1)`` up to ``Re w >= 20``,
    then the asymptotic series ``(-1)^(n+1) ((n-1)!/w^n + n!/(2 w^(n+1)) + sum_k
    B_2k (2k+n-1)! / ((2k)! w^(2k+n)))``.  Relative error about 1e-15 against
    mpmath (larger only next to the zeros of the function).  Poles give inf/NaN."""
    from math import factorial
    n = int(_np.asarray(n).reshape(-1)[0]) if _np.ndim(n) else int(n)
    if n < 1:
        raise ValueError("_polygamma_complex: n must be >= 1")
    z0 = _np.asarray(z)
    dt = z0.dtype if z0.dtype.kind == "c" else _np.dtype(complex)
    z = z0.astype(complex)
    sgn = -1.0 if n % 2 == 0 else 1.0            # (-1)^(n+1)
    with _np.errstate(all="ignore"):
        refl = z.real < _PSI_REFLECT
        w = _np.where(refl, 1.0 - z, z)
        m = _np.maximum(_np.ceil(_PSI_SHIFT - w.real), 0.0)
        shift = _np.zeros_like(w)
        for k in range(int(_np.max(m, initial=0.0))):
            shift = shift + _np.where(k < m, (w + k) ** -(n + 1), 0.0)
        w = w + m
        inv = 1.0 / w
        inv2 = inv * inv
        ser = _np.zeros_like(w)
        for k in range(len(_B2K), 0, -1):
            ser = (ser + _B2K[k - 1] * factorial(2 * k + n - 1) / factorial(2 * k)) * inv2
        ser = inv ** n * (factorial(n - 1) + 0.5 * factorial(n) * inv + ser)
        psi = sgn * (ser + factorial(n) * shift)
        if refl.any():
            psi = _np.where(refl, sgn * ((-1.0) ** n * _cot_derivative(n, z) - psi), psi)
    out = psi.astype(dt, copy=False)
    return out[()] if out.ndim == 0 else out


polygamma_complex = _nary(_polygamma_complex_impl, "polygamma_complex",
                          [None, lambda ans, n, x: polygamma_complex(primal_of(n) + 1, x)],
                          ["n", "x"])
polygamma_complex.__doc__ = (
    "``polygamma(n, z)`` for complex ``z`` (``n >= 1``; internal: the derivatives "
    "of ``digamma`` on complex input, which ``scipy.special.polygamma`` does not take).")


def _trigamma(x):
    return polygamma_complex(1, x) if _is_complex(x) else polygamma(1, x)


digamma = _unary(_sp.digamma, "digamma", lambda ans, x: _trigamma(x))
psi = digamma
gammaln = _unary(_sp.gammaln, "gammaln", lambda ans, x: digamma(x))
gamma = _unary(_sp.gamma, "gamma", lambda ans, x: ans * digamma(x))


def _dlog_beta(a, b):
    """``d/da log B(a, b) = psi(a) - psi(a + b)``.  Where ``a, a + b >= 20`` and
    ``|b| < a`` the difference cancels (``a >> b``: both terms ~ ``log a``, the
    difference ~ ``-b / a``), so it is ``-(psi(a + b) - psi(a))`` from the
    differenced asymptotic series (``_digamma_difference``; its derivatives, the
    trigamma differences, do not cancel either).  The mask is on plain values: no
    extra work elsewhere."""
    a, b = _bcast2(a, b)
    av, bv = _pv(a), _pv(b)
    with _np.errstate(invalid="ignore"):
        far = ((av >= _PSI_SHIFT) & (av + bv >= _PSI_SHIFT) & (_np.abs(bv) < av)
               & _np.isfinite(av))
    if not far.any():
        return digamma(a) - digamma(a + b)
    af, bf = _sub(~far, a, 2 * _PSI_SHIFT), _sub(~far, b, 1.0)
    ser = -_digamma_difference(af + bf, bf)
    if far.all():
        return ser
    an, bn = _sub(far, a, 1.0), _sub(far, b, 1.0)
    return dnp.where(far, ser, digamma(an) - digamma(an + bn))


def _beta_da(ans, a, b):
    return ans * _dlog_beta(a, b)


beta = _nary(_sp.beta, "beta", [_beta_da, lambda ans, a, b: _beta_da(ans, b, a)], ["a", "b"])
betaln = _nary(_sp.betaln, "betaln",
               [lambda ans, a, b: _dlog_beta(a, b),
                lambda ans, a, b: _dlog_beta(b, a)], ["a", "b"])


def multigammaln(a, d):
    """``scipy.special.multigammaln(a, d)``: log of the multivariate gamma function
    (a sum of ``gammaln``), differentiable in ``a``."""
    d = int(d)
    if _np.any(primal_of(a) <= 0.5 * (d - 1)):
        raise ValueError("condition a (%f) > 0.5 * (d-1) (%f) not met"
                         % (float(_np.min(primal_of(a))), 0.5 * (d - 1)))
    out = 0.25 * d * (d - 1) * _np.log(_np.pi)
    for j in range(d):
        out = out + gammaln(a - 0.5 * j)
    return out


# --- error function and normal distribution -------------------------------------
erf = _unary(_sp.erf, "erf", lambda ans, x: (2 / _SQRT_PI) * dnp.exp(-x * x))
erfc = _unary(_sp.erfc, "erfc", lambda ans, x: (-2 / _SQRT_PI) * dnp.exp(-x * x))
erfinv = _unary(_sp.erfinv, "erfinv", lambda ans, x: (_SQRT_PI / 2) * dnp.exp(ans * ans))
erfcinv = _unary(_sp.erfcinv, "erfcinv", lambda ans, x: (-_SQRT_PI / 2) * dnp.exp(ans * ans))
ndtr = _unary(_sp.ndtr, "ndtr", lambda ans, x: dnp.exp(-0.5 * x * x - _LOG_SQRT_2PI))


def _log_ndtr_h_impl(x):
    """``h(x) = x + phi(x) / Phi(x)`` (``x`` plus the derivative of ``log_ndtr``),
    without cancellation: for ``x < -3`` by Laplace's continued fraction of the
    Mills ratio, ``h(-u) = 1 / (u + 2 / (u + 3 / (u + ...)))`` (80 terms: converged
    to the last bit for ``u >= 3``), elsewhere ``x + sqrt(2/pi) / erfcx(-x/sqrt(2))``
    (``phi / Phi`` in terms of the scaled complementary error function)."""
    x = _np.asarray(x)
    dt = x.dtype if _np.issubdtype(x.dtype, _np.floating) else _np.dtype(float)
    xf = x.astype(float)
    tail = xf < -3.0
    u = _np.where(tail, -xf, 3.0)
    f = u
    for k in range(80, 1, -1):
        f = u + k / f
    with _np.errstate(over="ignore"):
        near = xf + _np.sqrt(2 / _np.pi) / _sp.erfcx(-xf / _np.sqrt(2.0))
    out = _np.where(tail, 1.0 / f, near).astype(dt, copy=False)
    return out[()] if out.ndim == 0 else out


_log_ndtr_h = primitive(_log_ndtr_h_impl, name="special.log_ndtr_h")
_log_ndtr_h.__doc__ = ("``x + d/dx log_ndtr(x)``, accurate for very negative ``x`` "
                       "(internal: the rules of ``log_ndtr``).  Derivative ``1 - r h`` "
                       "with ``r = h - x`` the derivative of ``log_ndtr``.")


def _log_ndtr_ratio(x):
    """``phi(x) / Phi(x)``, the derivative of ``log_ndtr``, written with registry
    operations: ``h(x) - x`` for ``x < 0`` (a sum of two positive numbers, no
    cancellation even at ``x = -1e10``), ``exp(-x^2/2 - log sqrt(2 pi) - log_ndtr(x))``
    for ``x >= 0`` (where ``h - x`` would cancel)."""
    xv = _np.asarray(primal_of(x))
    neg = xv < 0
    if neg.all():
        return _log_ndtr_h(x) - x
    xp = dnp.where(neg, 0.0, x) if neg.any() else x
    pos = dnp.exp(-0.5 * xp * xp - _LOG_SQRT_2PI - log_ndtr(xp))
    if not neg.any():
        return pos
    return dnp.where(neg, _log_ndtr_h(x) - x, pos)


def _log_ndtr_h_deriv(ans, x):
    # h' = 1 + r' = 1 - r h
    return 1.0 - _log_ndtr_ratio(x) * ans


defjvp(_log_ndtr_h, lambda t, ans, x: times_finite_zero(t, _log_ndtr_h_deriv(ans, x)))
defvjp_direct(_log_ndtr_h, lambda g, ans, x: times_finite_zero(g, _log_ndtr_h_deriv(ans, x)))

log_ndtr = _unary(_sp.log_ndtr, "log_ndtr", lambda ans, x: _log_ndtr_ratio(x))
ndtri = _unary(_sp.ndtri, "ndtri", lambda ans, x: dnp.exp(0.5 * ans * ans + _LOG_SQRT_2PI))

# --- logistic ----------------------------------------------------------------------


def _expit_deriv(ans, x):
    """``expit'(x) = expit(x) expit(-x)``.  As ``ans (1 - ans)`` (one pass fewer)
    while every ``ans <= 0.99``; above, ``1 - ans`` loses relative accuracy
    (``eps / (1 - ans)``: all of it from ``x = 37`` on, where it is 0 while
    the derivative is ``e^-x``), so ``ans expit(-x)`` there."""
    if _np.max(primal_of(ans), initial=0.0) > 0.99:
        return ans * expit(-x)
    return ans * (1 - ans)


expit = _unary(_sp.expit, "expit", _expit_deriv)
logit = _unary(_sp.logit, "logit", lambda ans, x: 1.0 / (x * (1 - x)))
log_expit = _unary(_sp.log_expit, "log_expit", lambda ans, x: expit(-x))


# --- x log y ----------------------------------------------------------------------
def _safe_ratio(x, y):
    """``x / y``, with 0 where both are 0 (no NaN); exact derivatives elsewhere,
    also at ``x == 0``."""
    both = dnp.logical_and(dnp.equal(x, 0), dnp.equal(y, 0))
    if not _np.any(both):
        return x / y
    return x / dnp.where(both, 1.0, y)


xlogy = _nary(_sp.xlogy, "xlogy",
              [lambda ans, x, y: dnp.log(y), lambda ans, x, y: _safe_ratio(x, y)], ["x", "y"])
xlog1py = _nary(_sp.xlog1py, "xlog1py",
                [lambda ans, x, y: dnp.log1p(y),
                 lambda ans, x, y: _safe_ratio(x, 1 + y)], ["x", "y"])

# --- entropies ---------------------------------------------------------------------
entr = _unary(_sp.entr, "entr", lambda ans, x: -(dnp.log(x) + 1))


def _log_ratio(x, y):
    """``log(x / y)``; ``log(x) - log(y)`` where ``x / y`` overflows, underflows
    (or is subnormal) or is not finite."""
    with _np.errstate(all="ignore"):
        q = x / y
        qv = _np.asarray(primal_of(q))
        ok = _np.isfinite(qv) & (qv >= _np.finfo(_np.result_type(qv, _np.float32)).tiny)
    if ok.all():
        return dnp.log(q)
    alt = dnp.log(x) - dnp.log(y)
    if not ok.any():
        return alt
    return dnp.where(ok, dnp.log(dnp.where(ok, q, 1.0)), alt)


rel_entr = _nary(_sp.rel_entr, "rel_entr",
                 [lambda ans, x, y: _log_ratio(x, y) + 1,
                  lambda ans, x, y: -_safe_ratio(x, y)], ["x", "y"])
kl_div = _nary(_sp.kl_div, "kl_div",
               [lambda ans, x, y: _log_ratio(x, y),
                lambda ans, x, y: 1 - _safe_ratio(x, y)], ["x", "y"])

# --- Bessel functions ----------------------------------------------------------------
iv = _nary(_sp.iv, "iv", ["v", lambda ans, v, x: 0.5 * (iv(primal_of(v) - 1, x)
                                                         + iv(primal_of(v) + 1, x))], ["v", "x"])


_IVE_ASYM = 20.0      # |x| from which (and from v^2) ive's derivative uses the series
_IVE_TERMS = 60


def _ive_asym_dx(v, x):
    """``d/dx ive(v, x)`` for large ``|x|`` from the asymptotic series
    ``ive(v, y) = (2 pi y)^(-1/2) sum_j c_j y^-j``, ``c_j = (-1)^j prod_(i<=j)
    (4v^2 - (2i-1)^2) / (j! 8^j)``, differentiated term by term:
    ``-(2 pi)^(-1/2) y^(-3/2) sum_j (j + 1/2) c_j y^-j`` with ``y = |x|`` (odd
    orders change sign for ``x < 0``).  The direct form ``(ive(v-1) + ive(v+1)) / 2
    - ive(v)`` is a difference of two ``O(y^-1/2)`` numbers that are equal to
    ``O(y^-3/2)``; this has no cancellation, and it is a polynomial in ``1/y``
    written with registry operations, so its derivatives are those of the series.
    Each point keeps the terms that decrease down to 1e-20 of the first (for
    ``y >= 20`` and ``y >= v^2`` the neglected rest is below rounding)."""
    dt = _fdtype(x)
    series = _hankel_dx_series(v, dnp.abs(x), -1.0, _IVE_TERMS, dt)
    # x < 0 (integer v, ive(v, -y) = (-1)^v ive(v, y)): the derivative is -(-1)^v that at y
    vv = _np.asarray(primal_of(v), dtype=float)
    sgn = _np.where(_np.asarray(primal_of(x)) < 0, _np.where(vv % 2 == 1, 1.0, -1.0), 1.0)
    return series * (sgn * (-1.0 / _np.sqrt(2 * _np.pi))).astype(dt)


def _hankel_dx_series(v, y, sign, terms, dt):
    """``y^(-3/2) sum_j (j + 1/2) c_j y^-j`` (``y > 0``, traced), with
    ``c_j = sign^j prod_(i<=j) (4v^2 - (2i-1)^2) / (j! 8^j)``: up to a constant
    factor, the derivative of the Hankel-type series ``sum_j c_j y^(-j-1/2)`` of
    ``ive`` (``sign = -1``) and ``kve`` (``sign = +1``).  Each point keeps the
    terms that decrease, down to 1e-20 of the first; a polynomial in ``1/y``
    written with registry operations, so its derivatives are the series'."""
    vv, yv = _np.broadcast_arrays(_np.asarray(primal_of(v), dtype=float), _np.abs(_pv(y)))
    c = [_np.ones_like(yv)]
    for j in range(1, terms):
        c.append(sign * c[-1] * (4 * vv * vv - (2 * j - 1) ** 2) / (8 * j))
    c = _np.array(c)
    with _np.errstate(all="ignore"):
        m = _np.abs(c) / yv ** _np.arange(terms).reshape((-1,) + (1,) * yv.ndim)
        keep = _np.cumprod(_np.concatenate([_np.ones_like(m[:1], dtype=bool),
                                            m[1:] < m[:-1]]), axis=0).astype(bool)
        keep &= m >= 1e-20 * m[:1]
    nkeep = int(_np.max(_np.nonzero(keep.reshape(terms, -1).any(axis=1))[0])) + 1
    b = (c * keep * (_np.arange(terms) + 0.5).reshape((-1,) + (1,) * yv.ndim))[:nkeep]
    b = b.astype(dt)
    w = 1.0 / y
    acc = b[-1]
    for j in range(nkeep - 2, -1, -1):
        acc = acc * w + b[j]
    return acc * w / dnp.sqrt(y)


def _ive_dx_direct(ans, v, x):
    # (I_v e^-|x|)' = (I_(v-1) + I_(v+1)) / 2 e^-|x| - sign(x) ive
    vv = primal_of(v)
    return 0.5 * (ive(vv - 1, x) + ive(vv + 1, x)) - dnp.sign(x) * ans


def _asymptotic_split(ans, v, x, direct, far_rule, start, xv):
    """``direct(ans, v, x)`` where ``xv < max(start, v^2)``, ``far_rule(v, x)``
    (an asymptotic series) above; each branch runs at safe values elsewhere.
    ``xv``: the plain values of ``x`` compared (``|x|`` or real ``x``)."""
    vv, xv = _np.broadcast_arrays(_np.asarray(primal_of(v), dtype=float), xv)
    big = (xv >= _np.maximum(start, vv * vv)) & _np.isfinite(xv)
    if not big.any():
        return direct(ans, v, x)
    if shape_of(x) != big.shape:
        x = dnp.broadcast_to(x, big.shape)
    far = far_rule(v, _sub(~big, x, 2 * start))
    if big.all():
        return far
    return dnp.where(big, far, direct(ans, v, _sub(big, x, 1.0)))


def _ive_split(ans, v, x, direct):
    """``direct(ans, v, x)`` for ``|x| < max(20, v^2)``, the asymptotic series
    above."""
    return _asymptotic_split(ans, v, x, direct, _ive_asym_dx, _IVE_ASYM,
                             _np.abs(_np.asarray(primal_of(x), dtype=float)))


def _ive_dx(ans, v, x):
    # orders 0 and 1 through i0e / i1e (ive of every order is NaN in SciPy for
    # |x| > 2^30, i0e and i1e are not)
    vv = _np.asarray(primal_of(v))
    vv, _ = _np.broadcast_arrays(vv, _np.asarray(primal_of(x)))
    d01 = vv == 0, vv == 1
    if d01[0].all():
        return _i0e_dx(i0e(x), x)
    if d01[1].all():
        return _i1e_dx(i1e(x), x)
    out = _ive_split(ans, v, x, _ive_dx_direct)
    if d01[0].any():
        out = dnp.where(d01[0], _i0e_dx(i0e(x), x), out)
    if d01[1].any():
        out = dnp.where(d01[1], _i1e_dx(i1e(x), x), out)
    return out


def _i0e_dx(ans, x):
    return _ive_split(ans, 0.0, x, lambda ans, v, x: i1e(x) - dnp.sign(x) * ans)


def _i1e_dx(ans, x):
    # I_1' = (I_0 + I_2) / 2 (no cancellation at small x, where I_0 - I_1 / x has)
    return _ive_split(ans, 1.0, x,
                      lambda ans, v, x: 0.5 * (i0e(x) + ive(2.0, x)) - dnp.sign(x) * ans)


ive = _nary(_sp.ive, "ive", ["v", _ive_dx], ["v", "x"])


# Complex z: ive(v, z) = iv(v, z) exp(-|Re z|) is not holomorphic.  With
# D = iv'(v, z) exp(-|Re z|) = (ive(v-1, z) + ive(v+1, z)) / 2, the JVP is
# D t - sign(Re z) Re(t) ive and the VJP its transpose, g D - sign(Re z) Re(g ive).
# (The real-only i0e / i1e and the large-|x| series are not used: the series is
# that of real x, and SciPy's i0e / i1e take no complex input.)
def _ive_dz(v, x):
    vv = primal_of(v)
    return 0.5 * (ive(vv - 1, x) + ive(vv + 1, x))


def _ive_jvp_x(t, ans, v, x):
    t = bcast_tangent(t, x, ans)
    if not _is_complex(x):
        return times_finite_zero(t, _ive_dx(ans, v, x))
    return times_finite_zero(t, _ive_dz(v, x)) - dnp.sign(dnp.real(x)) * dnp.real(t) * ans


def _ive_vjp_x(g, ans, v, x):
    if not _is_complex(x):
        return unbroadcast(times_finite_zero(g, _ive_dx(ans, v, x)), ans, x)
    return unbroadcast(times_finite_zero(g, _ive_dz(v, x))
                       - dnp.sign(dnp.real(x)) * dnp.real(g * ans), ans, x)


defjvp(ive, _no_rule("ive", "v"), _ive_jvp_x)
defvjp_direct(ive, _no_rule("ive", "v"), _ive_vjp_x)
jv = _nary(_sp.jv, "jv", ["v", lambda ans, v, x: 0.5 * (jv(primal_of(v) - 1, x)
                                                         - jv(primal_of(v) + 1, x))], ["v", "x"])
yv = _nary(_sp.yv, "yv", ["v", lambda ans, v, x: 0.5 * (yv(primal_of(v) - 1, x)
                                                         - yv(primal_of(v) + 1, x))], ["v", "x"])
i0 = _unary(_sp.i0, "i0", lambda ans, x: i1(x))
i1 = _unary(_sp.i1, "i1", lambda ans, x: 0.5 * (i0(x) + iv(2.0, x)))
i0e = _unary(_sp.i0e, "i0e", _i0e_dx)
i1e = _unary(_sp.i1e, "i1e", _i1e_dx)
j0 = _unary(_sp.j0, "j0", lambda ans, x: -j1(x))
j1 = _unary(_sp.j1, "j1", lambda ans, x: 0.5 * (j0(x) - jv(2.0, x)))
y0 = _unary(_sp.y0, "y0", lambda ans, x: -y1(x))
y1 = _unary(_sp.y1, "y1", lambda ans, x: 0.5 * (y0(x) - yv(2.0, x)))


# --- incomplete gamma and beta, zeta ---------------------------------------------------
def _gammainc_dx(ans, a, x):
    # x**(a-1) exp(-x) / Gamma(a), computed in logs; for float32 (and narrower) input
    # the exponent is formed in float64 and the result cast back: its terms of size
    # a log a cancel (7% error at a = x = 1e5 in float32 otherwise)
    dt = _np.result_type(*(primal_of(v) for v in (a, x)))
    if dt.kind == "f" and dt.itemsize < 8:
        a, x = dnp.astype(a, _np.float64), dnp.astype(x, _np.float64)
        return dnp.astype(dnp.exp(xlogy(a - 1, x) - x - gammaln(a)), dt)
    return dnp.exp(xlogy(a - 1, x) - x - gammaln(a))


def _bell(derivs):
    """Complete Bell polynomial ``B_k(d1, ..., dk)``: ``(exp g)^(k) = exp(g) B_k(g', ..., g^(k))``."""
    b = [1.0]
    for m in range(len(derivs)):
        acc = 0.0
        c = 1
        for i in range(m + 1):
            acc = acc + c * b[m - i] * derivs[i]
            c = c * (m - i) // (i + 1)
        b.append(acc)
    return b[-1]


def _gammainc_da_impl(a, x, k):
    # d^k/da^k P(a, x) from P = exp(-x) sum_n x^(a+n) / Gamma(a+n+1), term by term:
    # each term is exp(g_n(a)), g_n' = log x - psi(a+n+1), g_n^(j) = -psi^(j-1)(a+n+1)
    a, x = _np.broadcast_arrays(_np.asarray(a, dtype=float), _np.asarray(x, dtype=float))
    xmax = float(_np.max(x, initial=0.0)) if x.size else 0.0
    nterms = int(xmax + 12 * _np.sqrt(xmax) + 40)
    n = _np.arange(nterms).reshape((-1,) + (1,) * a.ndim)
    an = a + n + 1
    with _np.errstate(divide="ignore", invalid="ignore"):
        logx = _np.log(x)
        logt = (a + n) * logx - x - _sp.gammaln(an)
        derivs = [logx - _sp.digamma(an)] + [-_sp.polygamma(j, an) for j in range(1, k)]
        terms = _np.exp(logt) * _bell(derivs)
        out = _np.sum(_np.where(x > 0, terms, 0.0), axis=0)
    return out[()] if out.ndim == 0 else out


def _density_da(a, x, k):
    """``d^k/da^k`` of the gamma density ``x^(a-1) exp(-x) / Gamma(a)``."""
    f = _gammainc_dx(None, a, x)
    if k == 0:
        return f
    derivs = [dnp.log(x) - digamma(a)] + [-polygamma(j, a) for j in range(1, k)]
    return f * _bell(derivs)


gammainc_da = _nary(_gammainc_da_impl, "gammainc_da", [None, None, None], ["a", "x", "k"])
gammainc_da.__doc__ = ("``gammainc_da(a, x, k)``: the k-th derivative of ``gammainc(a, x)`` "
                       "in ``a`` (k >= 1), by its power series; differentiable in ``a`` and ``x``.")
defjvp(gammainc_da,
       lambda t, ans, a, x, k: bcast_tangent(t, a, ans) * gammainc_da(a, x, k + 1),
       lambda t, ans, a, x, k: times_finite_zero(bcast_tangent(t, x, ans),
                                                 _density_da(a, x, k)), None)
defvjp_direct(gammainc_da,
              lambda g, ans, a, x, k: unbroadcast(g * gammainc_da(a, x, k + 1), ans, a),
              lambda g, ans, a, x, k: unbroadcast(times_finite_zero(g, _density_da(a, x, k)),
                                                  ans, x), None)

# --- shared helpers of the tail machinery ------------------------------------------------
_HALF_LOG_2PI = float(0.5 * _np.log(2 * _np.pi))   # a python float: float32 stays float32


def _pv(v):
    return _np.asarray(primal_of(v), dtype=float)


def _sub(mask, value, fill):
    """``value`` with the constant ``fill`` where the plain ``mask`` is True: a safe
    input for a branch that is not used there (its derivative is then exactly 0)."""
    mask = _np.asarray(mask)
    if not mask.any():
        return value
    return dnp.where(mask, fill, value)


def _bcast2(a, x):
    shp = _np.broadcast_shapes(shape_of(a), shape_of(x))
    return dnp.broadcast_to(a, shp), dnp.broadcast_to(x, shp)


def _fdtype(*vals):
    """The floating dtype of the (possibly traced) arguments: plain quadrature
    nodes are cast to it, so float32 arguments keep float32 derivatives."""
    dt = _np.result_type(*(_np.asarray(primal_of(v)).dtype for v in vals))
    return dt if _np.issubdtype(dt, _np.floating) else _np.dtype(float)


# --- composite Gauss-Legendre on [0, 1]: 10 geometric panels [2^-(j+1), 2^-j] -----------
def _quad_rule(npanel=10, order=16):
    x, w = _np.polynomial.legendre.leggauss(order)
    edges = _np.concatenate([[0.0], 2.0 ** -_np.arange(npanel - 1, -1, -1)])
    lo, hi = edges[:-1, None], edges[1:, None]
    return ((lo + (hi - lo) * (x + 1) / 2).ravel(), ((hi - lo) * w / 2).ravel())


_QU, _QW = _quad_rule()
_SPAN = 60.0   # the integrands are cut where their exponent has dropped by this much


# --- gamma upper tail: d/da log Q(a, x) relative to Q ------------------------------------
# In t = log1p(s) the tail integrals are D = int_0^inf exp(phi(t)) dt, N = int t exp(phi) dt,
# phi(t) = a t - x expm1(t) (concave, phi(0) = 0).  Its two length scales: near t = 0 the
# mass has width ~ 1/x for large x (panels geometric toward 0); for small x it spreads
# over [0, t_c], t_c = log(1/x), where exp(phi) ~ exp(a t) is smooth (panels geometric
# toward t_c from the left), and is cut off double-exponentially within a few units past
# t_c (unit panels from t_c - 2).  The panels differentiate again: the nodes are plain,
# so derivatives in a and x integrate t^j expm1(t)^k exp(phi), resolved by the same panels.
_TAIL_GEO = 7          # panels [T 2^-(j+1), T 2^-j] toward 0 (used where x >= 0.5)
_TAIL_LEFT = 8         # breakpoints t_c - 2 - 2^j, j < 8 (to t_c - 130)
_TAIL_UNIT = 7         # breakpoints t_c - 2 + j, j < 7 (to t_c + 4)
_GL_U, _GL_W = _quad_rule(1, 16)       # 16-point Gauss-Legendre on [0, 1]


def _gamma_tail_span(a, x):
    """``T`` with ``a T - x expm1(T) = -_SPAN`` (plain, for ``x > a - 1``): the
    exponent is concave with value 0 at 0; Newton from the right (monotone)."""
    a, x = _np.broadcast_arrays(_pv(a), _pv(x))
    with _np.errstate(all="ignore"):
        T = _np.log1p((_SPAN + 10.0 + 10.0 * _np.abs(a)) / x)
        for _ in range(60):                                   # make sure phi(T) < -SPAN
            f = a * T - x * _np.expm1(T) + _SPAN
            if not _np.any(f > 0):
                break
            T = _np.where(f > 0, 2 * T + 1, T)
        for _ in range(60):
            f = a * T - x * _np.expm1(T) + _SPAN
            step = f / (a - x * _np.exp(T))
            T = T - _np.where(_np.isfinite(step), step, 0.0)
            if not _np.any(_np.abs(step) > 1e-12 * T):
                break
        T = _np.where(_np.isfinite(T) & (T > 0), T, 1.0)
    return T


def _gamma_tail_nodes(a, x):
    """Plain Gauss-Legendre nodes and weights ``(t, w)``, shape ``(..., M)``, for the
    tail integrals over ``[0, T]`` (16 points on each panel; panels of zero width at
    every point are dropped)."""
    T = _gamma_tail_span(a, x)
    xv = _np.broadcast_to(_pv(x), T.shape)
    with _np.errstate(all="ignore"):
        tc = _np.where(xv > 0, -_np.log(xv), 0.0)[..., None]
    geo = _np.where((xv >= 0.5)[..., None], T[..., None] * 2.0 ** -_np.arange(_TAIL_GEO), 0.0)
    b = _np.concatenate([_np.zeros(T.shape + (1,)), geo, T[..., None],
                         tc - 2 - 2.0 ** _np.arange(_TAIL_LEFT),
                         tc - 2 + _np.arange(_TAIL_UNIT, dtype=float)], axis=-1)
    b = _np.sort(_np.clip(b, 0.0, T[..., None]), axis=-1)
    lo, hi = b[..., :-1], b[..., 1:]
    used = _np.any(hi > lo, axis=tuple(range(T.ndim)))
    lo, width = lo[..., used], (hi - lo)[..., used]
    t = (lo[..., None] + width[..., None] * _GL_U).reshape(T.shape + (-1,))
    w = (width[..., None] * _GL_W).reshape(T.shape + (-1,))
    return t, w



def _gamma_tail_nd(a, x):
    """``(N / D, D)`` with ``D = int_0^inf (1+s)^(a-1) e^(-x s) ds`` (so that
    ``Gamma(a, x) = x^a e^-x D``) and ``N`` the same with a factor ``log1p(s)``:
    ``d/da log Gamma(a, x) = log x + N / D``, ``d/dx log Q = -1 / (x D)``; both
    without cancellation in the upper tail.  Computed in ``t = log1p(s)``,
    ``D = int exp(a t - x expm1(t)) dt``.  Registry operations (differentiable)."""
    dt = _fdtype(a, x)
    t, w = _gamma_tail_nodes(a, x)
    A, X = dnp.expand_dims(a, -1), dnp.expand_dims(x, -1)
    tt = t.astype(dt)
    e = dnp.exp(A * tt - X * _np.expm1(t).astype(dt)) * w.astype(dt)
    d = dnp.sum(e, axis=-1)
    return dnp.sum(e * tt, axis=-1) / d, d


def _gamma_logq_da(a, x):
    r, _ = _gamma_tail_nd(a, x)
    return dnp.log(x) + r - digamma(a)


def _gammaincc_da(ans, a, x):
    """``d/da gammaincc(a, x)``: below the median ``-d/da gammainc`` (the power
    series, about 1e-15 absolute); above it (``x > median > a - 1``) ``Q d/da log Q``
    from the tail integrals, accurate relative to ``Q`` however small it is.  Each
    branch sees only its own points (fixed safe values elsewhere); 0 at ``x = inf``."""
    a, x = _bcast2(a, x)
    av, xv = _pv(a), _pv(x)
    with _np.errstate(all="ignore"):
        tail = xv > _sp.gammaincinv(av, 0.5)
    if not tail.any():
        return -gammainc_da(a, x, 1)
    off = ~tail | ~_np.isfinite(xv)      # Q(a, inf) = 0: ans is 0 there
    hi = ans * _gamma_logq_da(_sub(off, a, 1.0), _sub(off, x, 2.0))
    if tail.all():
        return hi
    lo = -gammainc_da(_sub(tail, a, 1.0), _sub(tail, x, 0.5), 1)
    return dnp.where(tail, hi, lo)


def _glogq_da(ans, a, x):
    return _gamma_logq_da(*_bcast2(a, x))


def _glogq_dx(ans, a, x):
    a, x = _bcast2(a, x)
    return -1.0 / (x * _gamma_tail_nd(a, x)[1])


def _log_gammaincc_impl(a, x):
    with _np.errstate(divide="ignore"):
        return _np.log(_sp.gammaincc(a, x))


def _gammainc_da(ans, a, x):
    """``d/da gammainc(a, x)``: the power series below the median; above it
    ``-d/da gammaincc`` from the tail integrals, accurate relative to ``1 - P``."""
    a, x = _bcast2(a, x)
    with _np.errstate(all="ignore"):
        tail = _pv(x) > _sp.gammaincinv(_pv(a), 0.5)
    if not tail.any():
        return gammainc_da(a, x, 1)
    return -_gammaincc_da(gammaincc(a, x), a, x)


gammainc = _nary(_sp.gammainc, "gammainc", [_gammainc_da, _gammainc_dx], ["a", "x"])
gammaincc = _nary(_sp.gammaincc, "gammaincc",
                  [_gammaincc_da, lambda ans, a, x: -_gammainc_dx(ans, a, x)], ["a", "x"])
# log Q for x above the median (x > a - 1), both derivatives from the tail integrals,
# relative to Q however small it is (gamma.logsf in dualad.scipy.stats)
_log_gammaincc_tail = _nary(_log_gammaincc_impl, "log_gammaincc_tail",
                           [_glogq_da, _glogq_dx], ["a", "x"])
_log_gammaincc_tail.__doc__ = ("``log(gammaincc(a, x))`` for ``x`` above the median "
                               "(internal: ``stats.gamma.logsf``).")


def _betainc_dx(ans, a, b, x):
    # as _gammainc_dx: the exponent in float64 for float32 input (its terms cancel)
    dt = _np.result_type(*(primal_of(v) for v in (a, b, x)))
    if dt.kind == "f" and dt.itemsize < 8:
        a, b, x = (dnp.astype(v, _np.float64) for v in (a, b, x))
        return dnp.astype(dnp.exp(xlogy(a - 1, x) + xlog1py(b - 1, -x) - betaln(a, b)), dt)
    return dnp.exp(xlogy(a - 1, x) + xlog1py(b - 1, -x) - betaln(a, b))


_BETA_TOL = 1e-18          # relative size of the first neglected term (and its tail)
_BETA_MAX_TERMS = 100_000  # cap: beyond it (a + b ~ 1e8 near the mean) accuracy degrades
_BETA_CHUNK = 2048


def _beta_nterms(a, b, x):
    """How many terms ``_beta_series`` needs: the terms ``t_n`` of the series of
    ``I_x(a, b)`` are unimodal (``t_(n+1) / t_n = x (a+b+n) / (a+n+1)``, which
    stays below 1 once it is), and the sum stops where the next term times its
    derivative factor, with the geometric bound of the tail, falls below
    ``_BETA_TOL`` times the largest term.  Plain NumPy on primal values, in blocks;
    arguments broadcast, ``0 < x < 1``."""
    a, b, x = (_np.asarray(v, dtype=float).ravel() for v in (a, b, x))
    if a.size == 0:
        return 1
    logx, log1mx = _np.log(x), _np.log1p(-x)
    need, peak = 0, _np.full(a.shape, -_np.inf)
    with _np.errstate(invalid="ignore"):   # NaN / out-of-domain slots need no terms
        todo = (a > 0) & (b > 0) & (x > 0) & (x < 1) & _np.isfinite(a + b)
    start, block = 0, 64
    with _np.errstate(all="ignore"):
        while start < _BETA_MAX_TERMS and todo.any():
            A, B, lx, l1 = (v[todo][:, None] for v in (a, b, logx, log1mx))
            n = _np.arange(start, start + block, dtype=float)
            logt = _sp.gammaln(A + B + n) - _sp.gammaln(A + n + 1) + (A + n) * lx
            rho = _np.exp(lx) * (A + B + n) / (A + n + 1)
            dg = (1.0 + _np.abs(_sp.digamma(A + B + n) - _sp.digamma(A + n + 1) + lx)
                  + _np.abs(_sp.digamma(A + B + n) - _sp.digamma(B) + l1))
            pk = _np.maximum(_np.maximum.accumulate(logt, axis=-1), peak[todo][:, None])
            ok = (rho < 1) & (logt + 2 * _np.log(dg) - _np.log1p(-_np.minimum(rho, 0.999999))
                              < _np.log(_BETA_TOL) + pk)
            hit = ok.any(axis=-1)
            if hit.any():
                need = max(need, start + int(_np.max(_np.argmax(ok[hit], axis=-1))) + 2)
            idx = _np.flatnonzero(todo)
            peak[idx] = pk[:, -1]
            todo[idx[hit]] = False
            start += block
            block = min(2 * block, 8192)
    return int(min(max(need, start if todo.any() else need, 1), _BETA_MAX_TERMS))


def _beta_series(a, b, x, wrt):
    """``d/da`` (``wrt=0``) or ``d/db`` (``wrt=1``) of ``betainc(a, b, x)`` from
    ``I_x(a, b) = sum_n Gamma(a+b+n) / (Gamma(a+n+1) Gamma(b)) x^(a+n) (1-x)^b``,
    differentiated term by term with registry operations (so it differentiates
    again), to the number of terms :func:`_beta_nterms` finds (the caller picks
    the side where the terms decrease from the start).  Arguments are broadcast
    already, ``0 < x < 1``."""
    nterms = _beta_nterms(primal_of(a), primal_of(b), primal_of(x))
    A, B, X = (dnp.expand_dims(v, -1) for v in (a, b, x))
    logx, log1mx = dnp.log(X), dnp.log1p(-X)
    head = -gammaln(B) + B * log1mx
    if wrt == 1:
        dhead = -digamma(B) + log1mx
    out = 0.0
    for lo in range(0, nterms, _BETA_CHUNK):
        n = _np.arange(lo, min(lo + _BETA_CHUNK, nterms), dtype=float)
        logt = gammaln(A + B + n) - gammaln(A + n + 1) + (A + n) * logx + head
        if wrt == 0:
            dg = digamma(A + B + n) - digamma(A + n + 1) + logx
        else:
            dg = digamma(A + B + n) + dhead
        out = out + dnp.sum(dnp.exp(logt) * dg, axis=-1)
    return out


def _betainc_dparam(ans, a, b, x, wrt):
    """``d/da`` or ``d/db`` of ``betainc(a, b, x)``: the series of ``I_x(a, b)``
    where ``x < (a+1) / (a+b+2)`` (its terms then decrease from the first),
    else that of ``I_x(a, b) = 1 - I_(1-x)(b, a)``; 0 at ``x = 0`` and ``x = 1``."""
    shp = _np.broadcast_shapes(shape_of(a), shape_of(b), shape_of(x))
    a, b, x = (dnp.broadcast_to(v, shp) for v in (a, b, x))
    av, bv, xv = (_np.asarray(primal_of(v), dtype=float) for v in (a, b, x))
    edge = ~((xv > 0) & (xv < 1))
    with _np.errstate(all="ignore"):
        mean = (av + 1) / (av + bv + 2)
    upper = ~(xv < mean)
    # unselected slots get a point where their series converges at once
    lo_fill = _np.where(_np.isfinite(mean) & (mean > 0), 0.5 * mean, 0.25)
    hi_fill = _np.where(_np.isfinite(mean) & (mean < 1), 0.5 * (1 - mean), 0.25)
    out = 0.0
    if _np.any(~upper & ~edge):
        lo_x = dnp.where(upper | edge, lo_fill, x)
        out = dnp.where(upper, 0.0, _beta_series(a, b, lo_x, wrt))
    if _np.any(upper & ~edge):
        hi_x = dnp.where(~upper | edge, hi_fill, 1 - x)
        out = dnp.where(upper, -_beta_series(b, a, hi_x, 1 - wrt), out)
    if _np.any(edge):
        out = dnp.where(edge, 0.0, out)
    return out


betainc = _nary(_sp.betainc, "betainc",
                [lambda ans, a, b, x: _betainc_dparam(ans, a, b, x, 0),
                 lambda ans, a, b, x: _betainc_dparam(ans, a, b, x, 1),
                 _betainc_dx], ["a", "b", "x"])
# the complement 1 - betainc, computed as such (beta.sf keeps its tail); internal
_betaincc = _nary(_sp.betaincc, "betaincc",
                  [lambda ans, a, b, x: -_betainc_dparam(ans, a, b, x, 0),
                   lambda ans, a, b, x: -_betainc_dparam(ans, a, b, x, 1),
                   lambda ans, a, b, x: -_betainc_dx(ans, a, b, x)], ["a", "b", "x"])


def _stdtr_ddf(ans, df, t):
    # stdtr = 1 - I_x(df/2, 1/2) / 2 for t > 0 (I_x / 2 for t < 0), x = df / (df + t^2)
    shp = _np.broadcast_shapes(shape_of(df), shape_of(t))
    df, t = dnp.broadcast_to(df, shp), dnp.broadcast_to(t, shp)
    tv = _np.asarray(primal_of(t))
    zero = tv == 0
    ts = dnp.where(zero, 1.0, t) if _np.any(zero) else t
    s2 = ts * ts
    x = df / (df + s2)
    dx = s2 / ((df + s2) * (df + s2))
    di = 0.5 * _betainc_dparam(None, 0.5 * df, 0.5, x, 0) + _betainc_dx(None, 0.5 * df, 0.5, x) * dx
    out = -0.5 * _np.sign(tv) * di
    if not _np.any(zero):
        return out
    # stdtr(df, 0) = 1/2 for every df, so the derivative is 0 at t = 0, but its
    # t-derivative, d/ddf of the density at 0, is not: t * f(0) d/ddf log f(0)
    c = dnp.exp(_t_r(df) - _HALF_LOG_2PI) * _t_r(df, deriv=True)
    return dnp.where(zero, t * c, out)


# --- Student's t for large df: cancellation-free pieces -----------------------------
# log Gamma((df+1)/2) - log Gamma(df/2) - log(df/2)/2 = sum_n e_n df^-n (odd n), with
# e_n = (-1)^(n+1) (1 - 2^(n+1)) B_(n+1) / (n (n+1)) (Bernoulli polynomials at 1/2 and 0)
_BERN = _sp.bernoulli(18)
_R_COEF = [(n, float((-1) ** (n + 1) * (1 - 2.0 ** (n + 1)) * _BERN[n + 1] / (n * (n + 1))))
           for n in range(1, 17, 2)]
_R_BIG = 20.0       # df from which the series is used (converged to rounding there)


def _t_r(df, deriv=False):
    """``R(df) = log Gamma((df+1)/2) - log Gamma(df/2) - log(df/2)/2`` (or ``R'``),
    -> 0 like ``-1/(4 df)``; the series for large ``df`` (no cancellation, and
    ``R(inf) = 0``), ``gammaln`` / ``digamma`` below."""
    dv = _pv(df)
    big = dv >= _R_BIG
    out = None
    if big.any():
        w = 1.0 / _sub(~big, df, 100.0)
        w2 = w * w
        acc = 0.0
        for n, c in reversed(_R_COEF):      # R = w sum c_n w^(n-1), R' = w^2 sum -n c_n w^(n-1)
            acc = acc * w2 + (-n * c if deriv else c)
        out = acc * w2 if deriv else acc * w
    if (~big).any():
        ds = _sub(big, df, 1.0)
        if deriv:
            small = 0.5 * (digamma(0.5 * (ds + 1)) - digamma(0.5 * ds)) - 0.5 / ds
        else:
            small = gammaln(0.5 * (ds + 1)) - gammaln(0.5 * ds) - 0.5 * dnp.log(0.5 * ds)
        out = small if out is None else dnp.where(big, out, small)
    return out


_H_TERMS = 32     # H(v) = sum_(n>=2) v^(n-2) / n to v^31 for v < 0.3


def _t_h(v, u=None):
    """``H(v) = (-log1p(-v) - v) / v^2`` (series for ``v < 0.3``); above it, given
    ``u = v / (1 - v)``, with ``-log1p(-v) = log1p(u)`` (``1 - v`` loses digits as
    ``v -> 1``, i.e. ``abs(t) >> sqrt(df)``)."""
    vv = _pv(v)
    sm = vv < 0.3
    out = None
    if sm.any():
        vs = _sub(~sm, v, 0.0)
        acc = 1.0 / (_H_TERMS + 1)
        for n in range(_H_TERMS, 1, -1):
            acc = acc * vs + 1.0 / n
        out = acc
    if (~sm).any():
        vl = _sub(sm, v, 0.5)
        lg = -dnp.log1p(-vl) if u is None else dnp.log1p(_sub(sm, u, 1.0))
        direct = (lg - vl) / (vl * vl)
        out = direct if out is None else dnp.where(sm, out, direct)
    return out


def _t_pieces(z, df):
    """``(z^2, u, v, w, H, L)``: ``u = z^2/df``, ``v = u / (1+u)``, ``w = 1 - v`` (computed
    as ``1 / (1+u)``, not as a difference), ``H = H(v)``, ``L = log1p(u) / u``
    (``w (1 + v H)``, 1 at ``u = 0`` and at ``df = inf``)."""
    z2 = z * z
    u = z2 / df
    v = z2 / (df + z2) if not _np.any(_np.isinf(_pv(df))) else u / (1 + u)
    w = 1 / (1 + u)
    h = _t_h(v, u)
    return z2, u, v, w, h, w * (1 + v * h)


def _t_logpdf_expr(z, df):
    """log density of the standard t, without cancellation in ``df``:
    ``R(df) - log(2 pi)/2 - (z^2/2) (1 + 1/df) log1p(z^2/df) / (z^2/df)``."""
    z2, u, v, w, h, L = _t_pieces(z, df)
    return _t_r(df) - _HALF_LOG_2PI - (0.5 * z2) * (1 + 1 / df) * L


def _near_or_far(z, df, near, far):
    """``near(z, df)`` where ``z^2 <= df``, ``far(z, df)`` beyond (each form fed
    harmless values where the other applies, then merged with ``where``)."""
    z, df = _bcast2(z, df)
    with _np.errstate(invalid="ignore", over="ignore"):
        zv, dv = _pv(z), _pv(df)
        is_far = zv * zv > dv
    is_near = ~is_far
    out = None
    if is_near.any():
        out = near(_sub(is_far, z, 0.0), df)
    if is_far.any():
        fv = far(_sub(is_near, z, 2.0), _sub(is_near, df, 1.0))
        out = fv if out is None else dnp.where(is_far, fv, out)
    return out


def _t_dlogpdf_dz(z, df):
    """``d/dz`` of the log density, ``-(1 + 1/df) z / (1 + z^2/df)`` for ``z^2 <= df``
    (also ``df = inf``: ``-z``), ``-(df + 1) / (z + df / z)`` beyond: each form and its
    derivatives well scaled (the chain rule through ``1 / (1 + z^2/df)`` forms
    ``1 / (1 + z^2/df)^2``, which underflows for ``|z|`` above about ``4e9`` in float32,
    ``1e77`` in float64, while the derivative ``~ -(df+1) / z`` does not)."""
    return _near_or_far(z, df, lambda zn, d: -(1 + 1 / d) * zn / (1 + zn * zn / d),
                        lambda zf, d: -(d + 1) / (zf + d / zf))


def _t_logpdf_ddf_rule(z, df):
    """``d/ddf`` of the log density: ``_t_dlogpdf_ddf`` (no cancellation for large
    ``df``) for ``z^2 <= df``; beyond, ``R'(df) - log1p(u)/2 + (1 + 1/df) v / 2`` with
    ``v = 1 / (1 + df/z^2)``, whose ``z``-derivative (the mixed second derivative)
    does not form ``1 / (1 + u)^2`` (no underflow at large ``|z|``; no cancellation
    either: ``log1p(u) > log 2 > v``)."""
    def far(zf, d):
        v = 1 / (1 + d / (zf * zf))
        return _t_r(d, deriv=True) - 0.5 * dnp.log1p(zf * zf / d) + (0.5 + 0.5 / d) * v
    return _near_or_far(z, df, _t_dlogpdf_ddf, far)


# the standard t log density as one primitive: its z-derivative from the well-scaled
# forms above, its df-derivative without cancellation (large df) or underflow (large z)
_t_logpdf_std = _nary(_t_logpdf_expr, "t_logpdf",
                      [lambda ans, z, df: _t_dlogpdf_dz(z, df),
                       lambda ans, z, df: _t_logpdf_ddf_rule(z, df)], ["z", "df"])
_t_logpdf_std.__doc__ = ("``log`` of the standard t density at ``(z, df)`` (internal: "
                         "``stats.t.logpdf``, ``stdtr``'s derivatives).")


def _t_dlogpdf_ddf(z, df):
    """``d/ddf`` of the log density: ``R'(df) + z^2 / (2 df^2) (L - q (1-v) H)``
    with ``q = z^2 (1 + 1/df) / (1 + u)``; every term is O(1/df^2)."""
    z2, u, v, w, h, L = _t_pieces(z, df)
    q = z2 * (1 + 1 / df) / (1 + u)
    return _t_r(df, deriv=True) + (0.5 * z2 / (df * df)) * (L - q * w * h)


_T_BIG = 50.0       # df from which the t cdf's df-derivative is integrated


def _t_cdf_ddf_big(df, z):
    """``d/ddf stdtr(df, z) = int_-inf^z f(s) d/ddf log f(s) ds`` for large ``df``,
    by Gauss-Legendre over ``[T - W, T]``, ``T = -|z|`` (``-int_z^inf`` for
    ``z > 0``, by symmetry), where the density has dropped by ``e^-60``."""
    dt = _fdtype(df, z)
    zv = _pv(z)
    sgn = _np.where(zv > 0, -1.0, 1.0).astype(dt)
    T = sgn * z
    tv, dv = _np.broadcast_arrays(-_np.abs(zv), _pv(df))
    with _np.errstate(all="ignore"):
        target = _np.where(dv > 1e300, tv * tv + 2 * _SPAN,
                           dv * _np.expm1(_np.log1p(tv * tv / dv) + 2 * _SPAN / (dv + 1)))
        w = _np.sqrt(target) - _np.abs(tv)
    w = _np.where(_np.isfinite(w) & (w > 0), w, 1.0)
    S = dnp.expand_dims(T, -1) - (w[..., None] * _QU).astype(dt)
    DF = dnp.expand_dims(df, -1)
    f = dnp.exp(_t_logpdf_std(S, DF)) * _t_dlogpdf_ddf(S, DF)
    return sgn * dnp.sum(f * (_QW * w[..., None]).astype(dt), axis=-1)


def _t_cdf_ddf_near(df, z):
    """``d/ddf stdtr(df, z) = int_0^z f(s) d/ddf log f(s) ds`` (``stdtr(df, 0) = 1/2``
    for every ``df``) by 16-point Gauss-Legendre, for ``|z| < min(1, sqrt(df) / 2)``:
    the derivative is O(z) there, and both other forms get it as a difference of
    O(1) numbers.  The nodes move with ``z`` (so d/dz gives the integrand at ``z``)."""
    dt = _fdtype(df, z)
    S = dnp.expand_dims(z, -1) * _GL_U.astype(dt)
    DF = dnp.expand_dims(df, -1)
    f = dnp.exp(_t_logpdf_std(S, DF)) * _t_dlogpdf_ddf(S, DF)
    return z * dnp.sum(f * _GL_W.astype(dt), axis=-1)


def _t_cdf_ddf(ans, df, z):
    df, z = _bcast2(df, z)
    dv, zv = _pv(df), _pv(z)
    with _np.errstate(invalid="ignore"):
        near = _np.abs(zv) < _np.minimum(1.0, 0.5 * _np.sqrt(dv))
    big = (dv >= _T_BIG) & ~near
    ser = ~(near | big)
    parts = []
    if near.any():
        parts.append((near, lambda: _t_cdf_ddf_near(_sub(~near, df, 10.0), _sub(~near, z, 0.5))))
    if big.any():
        parts.append((big, lambda: _t_cdf_ddf_big(_sub(~big, df, 1e6), z)))
    if ser.any():
        parts.append((ser, lambda: _stdtr_ddf(ans, _sub(~ser, df, 10.0), _sub(~ser, z, 1.0))))
    out = parts[-1][1]()
    for mask, f in parts[:-1]:
        out = dnp.where(mask, f(), out)
    return out


def _t_cdf_dz(ans, df, z):
    return dnp.exp(_t_logpdf_std(z, df))


# the df-derivative: the betainc series below df = 50, the integral above (no
# cancellation); the t-derivative: the density from the cancellation-free log density
stdtr = _nary(_sp.stdtr, "stdtr", [_t_cdf_ddf, _t_cdf_dz], ["df", "t"])


def _log_stdtr_impl(df, t):
    # in float64, cast at the end: a float32 cdf underflows (|t| > ~1e15 at df = 3)
    # long before its logarithm is out of range
    dt = _np.result_type(df, t, _np.float32)
    with _np.errstate(divide="ignore"):
        out = _np.log(_sp.stdtr(_np.asarray(df, dtype=float), _np.asarray(t, dtype=float)))
    return out.astype(dt)[()] if dt != out.dtype else out


# log(stdtr(df, t)) for t <= 0 (stats.t.logcdf / logsf in the lower tail): the
# t-derivative f / F as exp(log f - log F), which stays finite where the density f
# underflows but F does not (far tail: f ~ |t|^-(df+1), F ~ |t|^-df); one exp, as
# the chain rule through log(stdtr) has, and no division
_log_stdtr = _nary(_log_stdtr_impl, "log_stdtr",
                   [lambda ans, df, t: _t_cdf_ddf(None, df, t) / dnp.exp(ans),
                    lambda ans, df, t: dnp.exp(_t_logpdf_std(t, df) - ans)], ["df", "t"])
_log_stdtr.__doc__ = ("``log(stdtr(df, t))`` for ``t <= 0`` (internal: ``stats.t.logcdf`` "
                      "and ``logsf`` in the lower tail).")


_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)  # B_2, B_4, ...


def _zeta_em(x, q, k):
    # d^k/dx^k zeta(x, q) = (-1)^k sum_n log(n+q)^k / (n+q)^x by Euler-Maclaurin:
    # N terms, the integral of the tail, and Bernoulli corrections at n = N
    # (complex x, as SciPy's Riemann zeta accepts: the same sums in complex arithmetic).
    # The head sum grows like N^(1 - Re x) and cancels against the tail: fine for
    # Re x >= -1/4 (about 1e-13 relative), not for Re x << 0 (see _zeta_fe)
    # 24 terms: the Bernoulli corrections converge like (|x| / (2 pi (N + q)))^(2j);
    # a complex x of large modulus takes N ~ 2 |x| (at most 20000) to keep that small.
    # N is chosen per element (more terms than needed only add to the cancellation)
    nterms = _np.full(x.shape, 24.0)
    if x.dtype.kind == "c" and x.size:
        nterms = _np.minimum(_np.maximum(24.0, _np.ceil(2 * _np.abs(x))), 20000.0)
        nterms = _np.where(_np.isfinite(nterms), nterms, 24.0)
    n = _np.arange(int(_np.max(nterms, initial=24.0))).reshape((-1,) + (1,) * x.ndim)
    y = q + n
    logy = _np.log(y)
    head = _np.sum(_np.where(n < nterms, y ** -x * logy ** k, 0.0), axis=0)
    yn = q + nterms
    u = _np.log(yn)
    c = x - 1
    fact = _np.cumprod([1.0] + list(range(1, 2 * len(_BERNOULLI) + k + 1)))
    tail = sum(fact[k] / fact[m] * u ** m * _np.exp(-c * u) / c ** (k - m + 1)
               for m in range(k + 1))
    tail = tail + 0.5 * yn ** -x * u ** k
    # derivatives in t of y^-x log(y)^k: sum_p coef[p] y^(-x-m) log(y)^p
    coef = [_np.zeros_like(x) for _ in range(k)] + [_np.ones_like(x)]
    order = 0
    for j, b2j in enumerate(_BERNOULLI, start=1):
        while order < 2 * j - 1:
            coef = [-(x + order) * coef[p] + ((p + 1) * coef[p + 1] if p < k else 0.0)
                    for p in range(k + 1)]
            order += 1
        val = yn ** (-x - order) * sum(coef[p] * u ** p for p in range(k + 1))
        tail = tail - b2j / fact[2 * j] * val
    return (-1) ** k * (head + tail)


# The Riemann zeta's x-derivatives come from the functional equation for Re x < -1/4,
# and for Re x < 1/4 away from x = 0 (|x| >= 1/2): Euler-Maclaurin's head sum cancels
# like N^(1 - Re x) / |zeta^(k)(x)| there, while the functional equation, a product
# of a zero and a pole at x = 0, cancels near 0 (and loses to the sum for Re x > 1/4)
_ZETA_FE_BELOW = -0.25
_ZETA_FE_AWAY_BELOW, _ZETA_FE_AWAY_FROM_0 = 0.25, 0.5


def _sin_half_pi(x, j):
    """``sin(pi x / 2 + j pi / 2)`` for real or complex ``x``, with ``Re x`` reduced
    exactly (so it is exactly 0 at the even integers, and relatively accurate next
    to them); for complex ``x`` the result is scaled by ``exp(-pi |Im x| / 2)``."""
    a = x.real
    n = _np.round(a)
    th = 0.5 * _np.pi * (a - n)                   # |th| <= pi / 4, a - n exact
    quad = _np.mod(n + j, 4.0)
    sin_x = _np.where(quad == 0, _np.sin(th), _np.where(
        quad == 1, _np.cos(th), _np.where(quad == 2, -_np.sin(th), -_np.cos(th))))
    if x.dtype.kind != "c":
        return sin_x
    quad = _np.mod(n + j + 1, 4.0)
    cos_x = _np.where(quad == 0, _np.sin(th), _np.where(
        quad == 1, _np.cos(th), _np.where(quad == 2, -_np.sin(th), -_np.cos(th))))
    y = 0.5 * _np.pi * x.imag
    e = _np.exp(-2 * _np.abs(y))
    # sin(X + iY) = sin X cosh Y + i cos X sinh Y, times exp(-|Y|)
    return sin_x * (0.5 * (1 + e)) + 1j * cos_x * (_np.sign(y) * 0.5 * (1 - e))


def _zeta_fe(s, k):
    """``d^k/ds^k zeta(s)`` (``k >= 1``) for ``Re s < 1/2`` from the functional
    equation ``zeta(s) = B(s) sin(pi s / 2) zeta(1 - s)``, ``B(s) = 2 (2 pi)^(s-1)
    Gamma(1 - s)``, by Leibniz: ``sum k! / (i! l! m!) B^(i) sin^(l) (-1)^m
    zeta^(m)(1 - s)`` over ``i + l + m = k``.  ``B^(i) = B b_i`` with ``b`` the
    complete Bell polynomials of ``d^i/ds^i log B`` (``log 2 pi - psi(1 - s)``, then
    ``(-1)^i psi^(i-1)(1 - s)``); ``sin^(l) = (pi/2)^l sin(pi s/2 + l pi/2)``, reduced
    exactly, so the trivial zeros ``s = -2, -4, ...`` need no division.  Nothing
    cancels except next to zeros of the result."""
    from math import comb, factorial
    cplx = s.dtype.kind == "c"
    w = 1.0 - s
    log_2pi = _np.log(2 * _np.pi)
    if cplx:
        # exp(pi |Im s| / 2): the scale taken out of the sine (Gamma(1 - s) decays like it)
        log_b = (_np.log(2.0) + (s - 1) * log_2pi + _sp.loggamma(w)
                 + 0.5 * _np.pi * _np.abs(s.imag))
        dlog = [None, log_2pi - _sp.digamma(w)] + [
            (-1) ** i * _polygamma_complex_impl(i - 1, w) for i in range(2, k + 1)]
    else:
        log_b = _np.log(2.0) + (s - 1) * log_2pi + _sp.gammaln(w)
        dlog = [None, log_2pi - _sp.digamma(w)] + [
            (-1) ** i * _sp.polygamma(i - 1, w) for i in range(2, k + 1)]
    b = [_np.ones_like(s)]
    for n in range(k):
        b.append(sum(comb(n, i) * dlog[i + 1] * b[n - i] for i in range(n + 1)))
    sines = [(0.5 * _np.pi) ** m * _sin_half_pi(s, m) for m in range(k + 1)]
    zetas = [(-1) ** m * _zeta_em(w, 1.0, m) for m in range(k + 1)]
    out = 0.0
    for i in range(k + 1):
        for m in range(k + 1 - i):
            coef = factorial(k) // (factorial(i) * factorial(m) * factorial(k - i - m))
            out = out + coef * b[i] * sines[k - i - m] * zetas[m]
    return _np.exp(log_b) * out


def _zeta_dx_impl(x, q, k):
    # Euler-Maclaurin (_zeta_em) for Re x >= -1/4; below, the Riemann zeta (q = 1)
    # takes the functional equation (_zeta_fe; also for Re x < 1/4, |x| >= 1/2) and
    # the Hurwitz zeta (q != 1, where SciPy's zeta is NaN for x < 1 anyway) gives NaN
    # rather than cancelled digits
    k = int(_np.asarray(k).reshape(-1)[0]) if _np.ndim(k) else int(k)
    x, q = _np.broadcast_arrays(_np.asarray(x, dtype=complex if _np.iscomplexobj(x) else float),
                                _np.asarray(q, dtype=float))
    with _np.errstate(all="ignore"):
        low = x.real < _ZETA_FE_BELOW
        riemann = (q == 1.0) & (low | ((x.real < _ZETA_FE_AWAY_BELOW)
                                      & (_np.abs(x) >= _ZETA_FE_AWAY_FROM_0)))
        if not (low.any() or riemann.any()):
            out = _zeta_em(x, q, k)
        else:
            sub = low | riemann
            out = _zeta_em(_np.where(sub, 2.0, x), _np.where(sub, 1.0, q), k)
            if riemann.any():
                out = _np.where(riemann, _zeta_fe(_np.where(riemann, x, -2.0), k), out)
            out = _np.where(low & ~riemann, _np.nan, out)
        out = _np.where(x == _np.inf, 0.0, out)          # zeta -> 1 flat (inf - inf above)
    return out[()] if out.ndim == 0 else out


def _zeta_k(x, q, k):
    return zeta_p(x, q) if k == 0 else zeta_dx(x, q, k)


def _zeta_dq(x, q, k):
    # d^k/dx^k of d/dq zeta(x, q) = -x zeta(x + 1, q)  (Leibniz)
    out = x * _zeta_k(x + 1, q, k)
    if k:
        out = out + k * _zeta_k(x + 1, q, k - 1)
    return -out


zeta_dx = _nary(_zeta_dx_impl, "zeta_dx", [None, None, None], ["x", "q", "k"])
zeta_dx.__doc__ = ("``zeta_dx(x, q, k)``: the k-th derivative of ``zeta(x, q)`` in ``x`` "
                   "(k >= 1), by Euler-Maclaurin summation (for ``q = 1`` and ``Re x < -1/4`` "
                   "the functional equation; NaN there for ``q != 1``); differentiable in "
                   "``x`` and ``q``.")
defjvp(zeta_dx,
       lambda t, ans, x, q, k: bcast_tangent(t, x, ans) * zeta_dx(x, q, k + 1),
       lambda t, ans, x, q, k: bcast_tangent(t, q, ans) * _zeta_dq(x, q, k), None)
defvjp_direct(zeta_dx,
              lambda g, ans, x, q, k: unbroadcast(g * zeta_dx(x, q, k + 1), ans, x),
              lambda g, ans, x, q, k: unbroadcast(g * _zeta_dq(x, q, k), ans, q), None)


def _zeta_impl(x, q):
    # q = None: SciPy's own Riemann branch (not the Hurwitz one at q = 1, which
    # differs from it in the last bits)
    return _sp.zeta(x) if q is None else _sp.zeta(x, q)


zeta_p = _nary(_zeta_impl, "zeta",
               [lambda ans, x, q: zeta_dx(x, 1.0 if q is None else q, 1),
                lambda ans, x, q: _zeta_dq(x, q, 0)], ["x", "q"])


def zeta(x, q=None):
    """``scipy.special.zeta(x, q=None)``: Hurwitz zeta (Riemann zeta for ``q=None``),
    differentiable in ``q`` (``d/dq zeta(x, q) = -x zeta(x+1, q)``)."""
    return zeta_p(x, q)


# --- logsumexp and friends ------------------------------------------------------------
def _lse_impl(a, b, axis=None, keepdims=False):
    # log|sum(b exp(a))|; the public wrapper puts SciPy's NaN where the sum is < 0
    if b is None:
        return _sp.logsumexp(a, axis=axis, keepdims=keepdims)
    return _sp.logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=True)[0]


def _lse_sign_impl(a, b, axis, keepdims):
    return _sp.logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=True)[1]


def _lse_weights(ans, a, b, axis, keepdims):
    """``d ans / d a`` without ``b``: ``exp(a - ans)`` times the sign of the sum
    (0 on a slice that is all ``-inf``, as ``dualad.numpy.logsumexp``)."""
    w = _softmax(ans, a, axis, keepdims)
    if b is not None:
        sgn = _lse_sign_impl(primal_of(a), primal_of(b), axis, keepdims)
        if _np.any(sgn != 1):
            w = w * expand_reduced(_np.asarray(sgn), a, axis, keepdims)
    return w


def _lse_jvp_a(t, ans, a, b, axis=None, keepdims=False):
    w = _lse_weights(ans, a, b, axis, keepdims)
    if b is not None:
        w = w * b
    return dnp.sum(t * w, axis=axis, keepdims=keepdims)


def _lse_jvp_b(t, ans, a, b, axis=None, keepdims=False):
    return dnp.sum(t * _lse_weights(ans, a, b, axis, keepdims), axis=axis, keepdims=keepdims)


def _lse_vjp_a(g, ans, a, b, axis=None, keepdims=False):
    w = _lse_weights(ans, a, b, axis, keepdims)
    if b is not None:
        w = w * b
    return expand_reduced(g, a, axis, keepdims) * w


def _lse_vjp_b(g, ans, a, b, axis=None, keepdims=False):
    return expand_reduced(g, a, axis, keepdims) * _lse_weights(ans, a, b, axis, keepdims)


logsumexp_p = primitive(_lse_impl, name="special.logsumexp")
defjvp(logsumexp_p, _lse_jvp_a, _lse_jvp_b)
defvjp_direct(logsumexp_p, _lse_vjp_a, _lse_vjp_b)


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """``scipy.special.logsumexp``: ``log(sum(b * exp(a)))``, computed stably and
    differentiable in ``a`` and ``b``.  With ``return_sign`` the result is
    ``log|sum|`` and the (non-differentiable) sign."""
    nd = ndim_of(a)
    if b is not None:
        shp = _np.broadcast_shapes(shape_of(a), shape_of(b))
        a = dnp.broadcast_to(a, shp)
        b = dnp.broadcast_to(b, shp)
        nd = len(shp)
    if isinstance(axis, list):
        axis = tuple(axis)
    keepdims = bool(keepdims)
    if nd == 0:
        # a 0-d input is a 1-vector summed over its axis (SciPy's shapes: () and,
        # with keepdims or axis=(), (1,)); a reduction over no axis at all would
        # also sum over the tangents' and cotangents' batch axes
        keepdims = keepdims or axis == ()
        a = dnp.reshape(a, (1,))
        b = None if b is None else dnp.reshape(b, (1,))
        axis, nd = (0,), 1
    axis = norm_axes(axis, nd)
    out = logsumexp_p(a, b, axis=axis, keepdims=keepdims)
    if b is None:
        sgn = _np.ones(shape_of(out))
    else:
        sgn = _np.asarray(_lse_sign_impl(primal_of(a), primal_of(b), axis, keepdims))
    if return_sign:
        return out, (sgn if _np.ndim(sgn) else sgn[()])
    if _np.any(sgn < 0):
        out = dnp.where(sgn < 0, _np.nan, out)
    return out


def _log_softmax_fwd(x, axis=()):
    """``(log_softmax(x), residuals)``: the stable form SciPy uses (shift by the
    finite maximum, subtract the log of the sum of exponentials); residuals
    are the shifted exponentials and their sums, from which the VJP gets the
    softmax without a second ``exp`` (``None`` where a maximum is not finite)."""
    x = _np.asarray(x)
    m = extreme(_np.maximum, x, axis, True) if x.size else _np.max(x, axis, keepdims=True)
    finite = _np.isfinite(m).all()
    if not finite:
        m = _np.where(_np.isfinite(m), m, 0)
    tmp = x - m
    e = _np.exp(tmp)
    s = _np.add.reduce(e, axis=axis, keepdims=True)
    if finite:                  # every sum holds exp(0) = 1: its log is finite
        out = _np.log(s)
    else:
        with _np.errstate(divide="ignore"):
            out = _np.log(s)
    out = _np.subtract(tmp, out, out=tmp) if type(tmp) is _np.ndarray else tmp - out
    return out, ((e, s) if finite else None)


def _log_softmax_impl(x, axis=()):
    return _log_softmax_fwd(x, axis)[0]


def _log_softmax_vjp(g, ans, x, axis=(), residuals=None):
    if type(g) is _np.ndarray and type(ans) is _np.ndarray and g.shape == ans.shape:
        c = sum_last(g, True) if axis == (-1,) else _np.add.reduce(g, axis=axis, keepdims=True)
        if residuals is None:
            p = _np.exp(ans)
        else:                                    # softmax = e / s
            p, s = residuals
            c = c / s
        p = _np.multiply(p, c)
        return _np.subtract(g, p, out=p)         # one buffer
    softmax = dnp.exp(ans) if residuals is None else residuals[0] / residuals[1]
    return g - softmax * dnp.sum(g, axis=axis, keepdims=True)


# one primitive, not x - logsumexp(x): half the tape records, and the rules need
# only softmax = exp(ans) (or, on the tape, the forward pass's e / s).
# d log_softmax = dx - sum(softmax * dx) over the axes.
log_softmax_p = primitive(_log_softmax_impl, name="special.log_softmax")
defjvp(log_softmax_p, lambda t, ans, x, axis=():
       t - dnp.sum(t * dnp.exp(ans), axis=axis, keepdims=True))
defvjp_direct(log_softmax_p, _log_softmax_vjp)
vjp_reads(log_softmax_p, {0: ("ans",)})
vjp_residuals(log_softmax_p, _log_softmax_fwd)


def log_softmax(x, axis=None):
    """``scipy.special.log_softmax``: ``x - logsumexp(x, axis, keepdims=True)``,
    one primitive whose rules use ``softmax = exp(log_softmax)``.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy.special import log_softmax
    >>> ad.grad(lambda z: log_softmax(z)[0])(np.zeros(4))
    array([ 0.75, -0.25, -0.25, -0.25])
    """
    if isinstance(axis, list):
        axis = tuple(axis)
    nd = ndim_of(x)
    return log_softmax_p(x, axis=norm_axes(axis, nd) if nd else ())


def softmax(x, axis=None):
    """``scipy.special.softmax``: ``exp(x - max) / sum(exp(x - max))`` over ``axis``,
    the operations SciPy does (so the same values), with the maximum taken as a
    constant: softmax does not depend on the shift, so the derivative is exact."""
    if isinstance(axis, list):
        axis = tuple(axis)
    xv = primal_of(x)
    if xv is x:
        return _sp.softmax(x, axis=axis)
    m = _np.max(_np.asarray(xv), axis=axis, keepdims=True)
    e = dnp.exp(x - m)
    return e / dnp.sum(e, axis=axis, keepdims=True)



# === added: Bessel K, exponential integrals, error-function relatives, elliptic
# integrals, Lambert W, spence, Huber losses, Box-Cox, Owen's T, gamma inverses ===

# --- modified Bessel functions of the second kind --------------------------------------
def _kv_dx(ans, v, x):
    # K_v' = -(K_(v-1) + K_(v+1)) / 2  (both positive for x > 0: no cancellation;
    # holomorphic, so complex x takes the same rule)
    vv = primal_of(v)
    return -0.5 * (kv(vv - 1, x) + kv(vv + 1, x))


kv = _nary(_sp.kv, "kv", ["v", _kv_dx], ["v", "x"])

_KVE_ASYM = 20.0      # x from which (and from v^2) kve's derivative uses the series
_KVE_TERMS = 60


def _kve_asym_dx(v, x):
    """``d/dx kve(v, x)`` for large ``x > 0`` from Hankel's expansion ``kve(v, y) =
    sqrt(pi / (2y)) sum_j a_j y^-j``, ``a_j = prod_(i<=j) (4v^2 - (2i-1)^2) / (j! 8^j)``,
    differentiated term by term: ``-sqrt(pi/2) y^(-3/2) sum_j (j + 1/2) a_j y^-j``.
    The recurrence form ``kve(v) - (kve(v-1) + kve(v+1)) / 2`` is a difference of
    two ``O(y^-1/2)`` numbers equal to ``O(y^-3/2)``; this is not.  A polynomial in
    ``1/y`` written with registry operations (its derivatives are the series'); each
    point keeps the decreasing terms down to 1e-20 of the first."""
    dt = _fdtype(x)
    return _hankel_dx_series(v, x, 1.0, _KVE_TERMS, dt) * dt.type(-_np.sqrt(_np.pi / 2))


def _kve_split(ans, v, x, direct):
    """``direct(ans, v, x)`` for real ``x < max(20, v^2)``, the series above for
    larger ``x`` (each branch at safe values elsewhere); complex ``x``: ``direct``."""
    if _is_complex(x):
        return direct(ans, v, x)
    return _asymptotic_split(ans, v, x, direct, _kve_asym_dx, _KVE_ASYM, _pv(x))


def _kve_dx_direct(ans, v, x):
    # (K_v e^x)' = kve - (kve(v-1) + kve(v+1)) / 2   (kve is K_v exp(x), holomorphic)
    vv = primal_of(v)
    return kve(vv, x) - 0.5 * (kve(vv - 1, x) + kve(vv + 1, x))


kve = _nary(_sp.kve, "kve", ["v", lambda ans, v, x: _kve_split(ans, v, x, _kve_dx_direct)],
            ["v", "x"])
k0 = _unary(_sp.k0, "k0", lambda ans, x: -k1(x))
k1 = _unary(_sp.k1, "k1", lambda ans, x: -0.5 * (k0(x) + kv(2.0, x)))
k0e = _unary(_sp.k0e, "k0e",
             lambda ans, x: _kve_split(ans, 0.0, x, lambda ans, v, x: k0e(x) - k1e(x)))
k1e = _unary(_sp.k1e, "k1e", lambda ans, x: _kve_split(
    ans, 1.0, x, lambda ans, v, x: k1e(x) - 0.5 * (k0e(x) + kve(2.0, x))))


# --- log gamma, exponential integrals, binomial coefficient -----------------------------
def _loggamma_dx(ans, x):
    # digamma (complex too); SciPy's loggamma of a negative real is NaN: so is its derivative
    if _is_complex(x):
        return digamma(x)
    neg = _pv(x) < 0
    return digamma(x) if not neg.any() else dnp.where(neg, _np.nan, digamma(_sub(neg, x, 1.0)))


loggamma = _unary(_sp.loggamma, "loggamma", _loggamma_dx)
exp1 = _unary(_sp.exp1, "exp1", lambda ans, x: -dnp.exp(-x) / x)


def _expi_dx(ans, x):
    """``expi'(x) = e^x / x``.  Where ``e^x`` overflows but ``e^x / x`` does not
    (``x`` in about (709.8, 716) in float64, (88.7, 93) in float32) as ``t (t / x)``,
    ``t = e^(x/2)`` (``x/2`` exact: no argument rounding, unlike ``e^(x - log x)``);
    the mask is on plain values, the common path is unchanged."""
    if not _is_complex(x):
        xv = _pv(x)
        thr = float(_np.log(_np.finfo(_fdtype(x)).max)) - 9.0    # f64: 700.8, f32: 79.7
        big = xv > thr
        if big.any():
            xb = _sub(~big, x, thr + 1.0)
            t = dnp.exp(0.5 * xb)
            far = t * (t / xb)
            if big.all():
                return far
            xn = _sub(big, x, 1.0)
            return dnp.where(big, far, dnp.exp(xn) / xn)
    return dnp.exp(x) / x


expi = _unary(_sp.expi, "expi", _expi_dx)


def _expn_dx(ans, n, x):
    # d/dx E_n = -E_(n-1) (n >= 1; SciPy truncates n to an integer); E_0 = exp(-x) / x,
    # whose derivative is -exp(-x) (x + 1) / x^2; NaN for n < 0 (so is the value)
    nv, _ = _np.broadcast_arrays(_np.trunc(_pv(n)), _pv(x))
    out = -expn(_np.maximum(nv - 1, 0), x)
    zero = nv == 0
    if zero.any():
        xs = _sub(~zero, x, 1.0)
        out = dnp.where(zero, -dnp.exp(-xs) * (xs + 1) / (xs * xs), out)
    if (nv < 0).any():
        out = dnp.where(nv < 0, _np.nan, out)
    return out


expn = _nary(_sp.expn, "expn", [None, _expn_dx], ["n", "x"])

_BINOM_SUM = 64   # integer k in [1, 64]: d/dn log binom as the finite sum


def _digamma_difference(x, k):
    """``psi(x) - psi(x - k)`` for ``x, x - k >= 20`` without cancellation: the
    asymptotic series of ``psi`` differenced term by term, ``log x - log(x - k) =
    -log1p(-k/x)`` and ``x^-m - (x-k)^-m = -k u w T_m`` (``u = 1/x``,
    ``w = 1/(x-k)``, ``T_m = sum_(i<m) u^i w^(m-1-i)``, all terms positive, by
    ``T_(m+1) = u T_m + w^m``).  Written with registry operations: differentiable
    again in ``x`` and ``k``."""
    u = 1.0 / x
    w = 1.0 / (x - k)
    t, wm, acc = 1.0, w, 0.5
    for m in range(1, 2 * len(_B2K)):
        t = u * t + wm                     # T_(m+1)
        wm = wm * w
        if m % 2:                          # m + 1 = 2j
            j = (m + 1) // 2
            acc = acc + (_B2K[j - 1] / (2 * j)) * t
    return -dnp.log1p(-k * u) + k * u * w * acc


def _binom_pole_side(n, k):
    """Plain mask: the points left of Gamma(n-k+1)'s poles (``z = n-k+1 < 1/2``,
    ``n > -1``, gammas finite), where ``binom = sin(pi z) G / pi`` with the regular
    ``G = Gamma(n+1) Gamma(1-z) / Gamma(k+1)`` (reflection): the derivatives there
    come from that form, not from ``binom * (psi(n+1) - psi(z))``, whose terms of
    size ``1 / dist^2`` cancel at second order next to a pole."""
    nv, kv = _np.broadcast_arrays(_pv(n), _pv(k))
    with _np.errstate(invalid="ignore"):
        z = nv - kv + 1
        return ((z < 0.5) & (nv > -1) & (nv < 170) & (kv > -1) & (kv < 170)
                & (1 - z < 170))


def _binom_reflected(ans, n, k, mask, wrt):
    """``d binom / dn`` (``wrt='n'``) or ``/ dk`` on the pole side (``mask``):
    ``ans (psi(n+1) - psi(1-z)) + cos(pi z) G`` and
    ``ans (psi(1-z) - psi(k+1)) - cos(pi z) G``; safe values elsewhere."""
    n, k = _sub(~mask, n, 2.0), _sub(~mask, k, 4.5)
    ans = _sub(~mask, ans, 0.0)
    z = n - k + 1
    cg = dnp.cos(_np.pi * z) * gamma(n + 1) * gamma(1 - z) / gamma(k + 1)
    if wrt == "n":
        return ans * (digamma(n + 1) - digamma(1 - z)) + cg
    return ans * (digamma(1 - z) - digamma(k + 1)) - cg


def _binom_dn(ans, n, k):
    # d/dn log binom = psi(n+1) - psi(n-k+1); for integer 1 <= k <= 64 the equal finite
    # sum  sum_(j<k) 1 / (n - j), and for n + 1, n - k + 1 >= 20 the difference of
    # psi's asymptotic series: neither cancels for large n (psi(n+1) - psi(n-k+1)
    # loses about log(n) n / k ulps).  Left of Gamma(n-k+1)'s poles the reflected
    # form (_binom_pole_side) keeps the higher derivatives exact.
    n, k = _bcast2(n, k)
    kk = _pv(k)
    xv = _pv(n) + 1
    refl = _binom_pole_side(n, k)
    small = (kk == _np.round(kk)) & (kk >= 1) & (kk <= _BINOM_SUM) & ~refl
    with _np.errstate(invalid="ignore"):
        big = ~small & ~refl & (xv >= _PSI_SHIFT) & (xv - kk >= _PSI_SHIFT) & _np.isfinite(xv)
    rest = ~small & ~big & ~refl
    parts = []
    if rest.any():
        parts.append((rest, digamma(_sub(~rest, n, 1.0) + 1) - digamma(
            _sub(~rest, n, 1.0) - _sub(~rest, k, 0.5) + 1)))
    if big.any():
        x = _sub(~big, n, 2 * _PSI_SHIFT) + 1
        parts.append((big, _digamma_difference(x, _sub(~big, k, 0.5))))
    if small.any():
        s = 0.0
        for j in range(int(_np.max(_np.where(small, kk, 0)))):
            s = s + dnp.where(j < kk, 1.0 / (_sub(j >= kk, n, j + 1.0) - j), 0.0)
        # the sum holds k fixed; psi(n - k0 + 1) - psi(n - k + 1) (k0 = k's value:
        # exactly 0 here) carries the dependence on k, d/dk dlog = psi'(n - k + 1)
        ns, ks = _sub(~small, n, 70.0), _sub(~small, k, 1.0)
        s = s + (digamma(ns - _np.where(small, kk, 1.0) + 1) - digamma(ns - ks + 1))
        parts.append((small, s))
    dlog = None
    for mask, val in parts:
        dlog = val if dlog is None else dnp.where(mask, val, dlog)
    if not refl.any():
        return ans * dlog
    pole = _binom_reflected(ans, n, k, refl, "n")
    return pole if refl.all() else dnp.where(refl, pole, ans * dlog)


def _binom_dk(ans, n, k):
    # ans (psi(n-k+1) - psi(k+1)); the reflected form left of Gamma(n-k+1)'s poles
    n, k = _bcast2(n, k)
    refl = _binom_pole_side(n, k)
    if not refl.any():
        return ans * (digamma(n - k + 1) - digamma(k + 1))
    pole = _binom_reflected(ans, n, k, refl, "k")
    if refl.all():
        return pole
    nn, kk = _sub(refl, n, 2.0), _sub(refl, k, 0.5)
    return dnp.where(refl, pole, ans * (digamma(nn - kk + 1) - digamma(kk + 1)))


binom = _nary(_sp.binom, "binom", [_binom_dn, _binom_dk], ["n", "k"])


# --- erfcx, dawsn, erfi: derivatives of any order without cancellation ------------------
_ASYM_ODD_FROM = 6.5     # |x| from which erfcx_dk / dawsn_dk sum the asymptotic series


def _asym_odd_dk(x, k, s, scale):
    """``d^k/dx^k`` of ``scale sum_n s^n (2n-1)!! / 2^n x^-(2n+1)`` (the asymptotic
    series of ``erfcx``, ``s = -1``, ``scale = 1/sqrt(pi)``, and of ``dawsn``, ``s = 1``,
    ``scale = 1/2``), term by term, each point summed while its terms decrease
    (down to 1e-20 of the first).  Plain NumPy."""
    xf = _np.asarray(x, dtype=float)
    inv2 = 1.0 / (xf * xf)
    coef = 1.0                     # s^n (2n-1)!! / 2^n
    out = _np.zeros_like(xf)
    prev = _np.full(xf.shape, _np.inf)
    live = _np.ones(xf.shape, dtype=bool)
    with _np.errstate(all="ignore"):
        for n in range(400):
            m = 2 * n + 1
            rising = 1.0
            for i in range(k):
                rising *= m + i
            term = coef * (-1) ** k * rising * xf ** -(m + k)
            mag = _np.abs(term)
            live &= mag < prev
            out = out + _np.where(live, term, 0.0)
            live &= mag >= 1e-20 * _np.abs(out)
            if not live.any():
                break
            prev = mag
            coef *= s * (2 * n + 1) / 2.0
    return scale * out


def _erfcx_dk_impl(x, k):
    """``d^k/dx^k erfcx(x)`` (``k >= 1``): the recurrence ``f' = 2x f - 2/sqrt(pi)``,
    ``f^(j+1) = 2x f^(j) + 2j f^(j-1)`` (no cancellation for ``x < 0``, at most a factor
    ``2 x^2 ~ 85`` below 6.5); the asymptotic series from ``x = 6.5``."""
    k = int(_np.asarray(k).reshape(-1)[0]) if _np.ndim(k) else int(k)
    x = _np.asarray(x)
    dt = x.dtype if _np.issubdtype(x.dtype, _np.floating) else _np.dtype(float)
    xf = x.astype(float)
    with _np.errstate(all="ignore"):
        prev, cur = _sp.erfcx(xf), 2 * xf * _sp.erfcx(xf) - 2 / _SQRT_PI
        for j in range(1, k):
            prev, cur = cur, 2 * xf * cur + 2 * j * prev
        far = xf >= _ASYM_ODD_FROM
        if far.any():
            cur = _np.where(far, _asym_odd_dk(_np.where(far, xf, 10.0), k, -1.0, 1 / _SQRT_PI),
                            cur)
    out = cur.astype(dt, copy=False)
    return out[()] if out.ndim == 0 else out


def _dawsn_dk_impl(x, k):
    """``d^k/dx^k dawsn(x)`` (``k >= 1``): ``F' = 1 - 2x F``, ``F^(j+1) = -2x F^(j) -
    2j F^(j-1)`` below ``|x| = 6.5`` (a cancellation of at most about ``2 x^2``), the
    asymptotic series above."""
    k = int(_np.asarray(k).reshape(-1)[0]) if _np.ndim(k) else int(k)
    x = _np.asarray(x)
    dt = x.dtype if _np.issubdtype(x.dtype, _np.floating) else _np.dtype(float)
    xf = x.astype(float)
    with _np.errstate(all="ignore"):
        prev, cur = _sp.dawsn(xf), 1 - 2 * xf * _sp.dawsn(xf)
        for j in range(1, k):
            prev, cur = cur, -2 * xf * cur - 2 * j * prev
        far = _np.abs(xf) >= _ASYM_ODD_FROM
        if far.any():
            cur = _np.where(far, _asym_odd_dk(_np.where(far, xf, 10.0), k, 1.0, 0.5), cur)
    out = cur.astype(dt, copy=False)
    return out[()] if out.ndim == 0 else out


erfcx_dk = _nary(_erfcx_dk_impl, "erfcx_dk",
                 [lambda ans, x, k: erfcx_dk(x, primal_of(k) + 1), None], ["x", "k"])
erfcx_dk.__doc__ = ("``erfcx_dk(x, k)``: the k-th derivative of ``erfcx`` (real ``x``, "
                    "k >= 1), without the cancellation of ``2x erfcx(x) - 2/sqrt(pi)`` at "
                    "large ``x``; differentiable in ``x``.")
dawsn_dk = _nary(_dawsn_dk_impl, "dawsn_dk",
                 [lambda ans, x, k: dawsn_dk(x, primal_of(k) + 1), None], ["x", "k"])
dawsn_dk.__doc__ = ("``dawsn_dk(x, k)``: the k-th derivative of ``dawsn`` (real ``x``, "
                    "k >= 1), without the cancellation of ``1 - 2x dawsn(x)`` at large "
                    "``|x|``; differentiable in ``x``.")

erfcx = _unary(_sp.erfcx, "erfcx", lambda ans, x: (
    2 * x * ans - 2 / _SQRT_PI if _is_complex(x) else erfcx_dk(x, 1)))
dawsn = _unary(_sp.dawsn, "dawsn", lambda ans, x: (
    1 - 2 * x * ans if _is_complex(x) else dawsn_dk(x, 1)))
erfi = _unary(_sp.erfi, "erfi", lambda ans, x: (2 / _SQRT_PI) * dnp.exp(x * x))


# --- complete elliptic integrals ---------------------------------------------------------
_ELLIP_SERIES = 0.1     # |m| below which the derivatives are power series in m
_ELLIP_TERMS = 24


def _ellip_coef():
    a2, a = [1.0], 1.0
    for n in range(1, _ELLIP_TERMS + 2):
        a *= (2 * n - 1) / (2 * n)
        a2.append(a * a)       # ((2n-1)!! / (2n)!!)^2
    return a2


_ELLIP_A2 = _ellip_coef()


def _ellip_series_d(m, which):
    """``dK/dm = pi/2 sum_n n a_n^2 m^(n-1)``, ``dE/dm = -pi/2 sum_n n a_n^2 m^(n-1) /
    (2n-1)`` for small ``|m|`` (the closed forms cancel like ``1/m`` there)."""
    acc = 0.0
    for n in range(_ELLIP_TERMS, 0, -1):
        c = n * _ELLIP_A2[n] * (1.0 if which == "k" else -1.0 / (2 * n - 1))
        acc = acc * m + c
    return (_np.pi / 2) * acc


def _ellip_split(m, which, closed):
    small = _np.abs(_pv(m)) < _ELLIP_SERIES
    if not small.any():
        return closed(m)
    ser = _ellip_series_d(_sub(~small, m, 0.0), which)
    if small.all():
        return ser
    return dnp.where(small, ser, closed(_sub(small, m, 0.5)))


ellipk = _unary(_sp.ellipk, "ellipk", lambda ans, m: _ellip_split(
    m, "k", lambda m: (ellipe(m) - (1 - m) * ellipk(m)) / (2 * m * (1 - m))))
ellipe = _unary(_sp.ellipe, "ellipe", lambda ans, m: _ellip_split(
    m, "e", lambda m: (ellipe(m) - ellipk(m)) / (2 * m)))


# --- Lambert W ---------------------------------------------------------------------------
def _lambertw_impl(z, k, tol):
    return _sp.lambertw(z, k, tol)


def _lambertw_dz(ans, z, k, tol):
    # W' = 1 / (z + exp(W)) = W / (z (1 + W)); the first form where |W| < 1 (W' = 1 at
    # z = 0 on branch 0), the second elsewhere (exp(W) = z / W, without exp's error)
    small = _np.abs(_np.asarray(primal_of(ans))) < 1
    if small.all():
        return 1.0 / (z + dnp.exp(ans))
    if not small.any():
        return ans / (z * (1 + ans))
    wz = _sub(small, ans, 2.0)
    far = wz / (_sub(small, z, 2.0 * _np.exp(2.0)) * (1 + wz))
    near = 1.0 / (z + dnp.exp(_sub(~small, ans, 0.0)))
    return dnp.where(small, near, far)


_lambertw_p = _nary(_lambertw_impl, "lambertw", [_lambertw_dz, None, None], ["z", "k", "tol"])


def lambertw(z, k=0, tol=1e-8):
    """``scipy.special.lambertw(z, k=0, tol=1e-8)``: branch ``k`` of the Lambert W
    function (complex result, as SciPy's), differentiable in ``z``:
    ``W' = W / (z (1 + W))`` (1 at ``z = 0`` on branch 0).

    >>> import dualad as ad
    >>> from dualad.scipy.special import lambertw
    >>> float(ad.grad(lambda x: lambertw(x).real)(0.0))
    1.0
    """
    return _lambertw_p(z, _np.asarray(k, dtype=_np.dtype("long")), tol)


# --- spence ---------------------------------------------------------------------------------
def _spence_dz(ans, z):
    # SciPy's spence(z) = int_1^z log(t) / (1 - t) dt = Li2(1 - z): derivative log(z) / (1 - z);
    # near z = 1 (|z - 1| < 0.05) the series -sum_n (-u)^n / (n + 1), u = z - 1
    u = _np.asarray(primal_of(z)) - 1
    near = _np.abs(u) < 0.05
    if not near.any():
        return dnp.log(z) / (1 - z)
    uu = _sub(~near, z, 1.0) - 1
    ser = 1.0 / 31
    for n in range(29, -1, -1):
        ser = 1.0 / (n + 1) - uu * ser
    if near.all():
        return -ser
    zf = _sub(near, z, 2.0)
    return dnp.where(near, -ser, dnp.log(zf) / (1 - zf))


spence = _unary(_sp.spence, "spence", _spence_dz)


# --- Huber losses ---------------------------------------------------------------------------
def _huber_parts(delta, r):
    d, rv = _np.broadcast_arrays(_pv(delta), _pv(r))
    return d < 0, _np.abs(rv) <= d


def _huber_ddelta(ans, delta, r):
    # 0 where |r| <= delta, |r| - delta outside; 0 where delta < 0 (the value is inf there)
    bad, inside = _huber_parts(delta, r)
    return dnp.where(inside | bad, 0.0, dnp.abs(r) - delta)


def _huber_dr(ans, delta, r):
    bad, inside = _huber_parts(delta, r)
    out = dnp.where(inside, r, delta * dnp.sign(r))
    return dnp.where(bad, 0.0, out) if bad.any() else out


huber = _nary(_sp.huber, "huber", [_huber_ddelta, _huber_dr], ["delta", "r"])


def _ph_parts(delta, r):
    """``(s, s - 1, ok)`` with ``rho = r / delta``, ``s = hypot(1, rho)``, ``s - 1`` as
    ``rho^2 / (s + 1)`` for ``|rho| < 1`` (no cancellation); ``delta <= 0`` replaced
    by 1 (``ok`` is False there)."""
    d, rv = _np.broadcast_arrays(_pv(delta), _pv(r))
    ok = d > 0
    dd = _sub(~ok, delta, 1.0)
    rho = r / dd
    s = dnp.hypot(1.0, rho)
    lt1 = _np.abs(_np.asarray(primal_of(rho))) < 1
    sm1 = dnp.where(lt1, rho * rho / (s + 1), s - 1)
    return dd, s, sm1, ok, d


def _ph_ddelta(ans, delta, r):
    # d/ddelta delta^2 (s - 1) = delta (s - 1)^2 / s; |r| at delta = 0 (the limit from
    # the right: the value tends to delta |r|), 0 for delta < 0 (value inf)
    # for |rho| >= 1, with u = delta / r, t = sqrt(1 + u^2): |r| (t - |u|)^2 / t (the
    # same number; its derivatives do not cancel like rho eps at large |rho|)
    dd, s, sm1, ok, d = _ph_parts(delta, r)
    out = dd * sm1 * sm1 / s
    big = _np.abs(_np.asarray(primal_of(r / dd))) >= 1
    if big.any():
        rb = _sub(~big, r, 1.0)
        u = dnp.abs(_sub(~big, dd, 1.0) / rb)
        t = dnp.sqrt(1 + u * u)
        far = dnp.abs(rb) * (t - u) * (t - u) / t
        out = far if big.all() else dnp.where(big, far, out)
    if ok.all():
        return out
    return dnp.where(ok, out, dnp.where(d == 0, dnp.abs(r), 0.0))


def _ph_dr(ans, delta, r):
    # r / s; for |rho| >= 1 as delta sign(rho) (1 + rho^-2)^(-1/2), whose derivative
    # (1/s^3) is a product (that of r / s, 1/s - rho^2/s^3, cancels for large |rho|)
    dd, s, sm1, ok, d = _ph_parts(delta, r)
    rho = r / dd
    big = _np.abs(_np.asarray(primal_of(rho))) >= 1
    if big.any():
        rb = _sub(~big, rho, 1.0)
        far = dd * dnp.sign(rb) / dnp.sqrt(1 + 1 / (rb * rb))
        out = far if big.all() else dnp.where(big, far, r / s)
    else:
        out = r / s
    return out if ok.all() else dnp.where(ok, out, 0.0)


pseudo_huber = _nary(_sp.pseudo_huber, "pseudo_huber", [_ph_ddelta, _ph_dr], ["delta", "r"])


# --- Box-Cox transforms ---------------------------------------------------------------------
_BOXCOX_SERIES = 1.0     # |lmbda log x| below which d/dlmbda uses the power series
_INVBC_SERIES = 0.5      # |lmbda y| below which inv_boxcox's d/dlmbda uses its series


def _bc_g(y):
    """``g(y) = d/dy (expm1(y) / y) = (y e^y - expm1(y)) / y^2``; the series ``sum_n
    (n-1) y^(n-2) / n!`` for ``|y| < 1``."""
    small = _np.abs(_np.asarray(primal_of(y))) < _BOXCOX_SERIES
    ys = _sub(~small, y, 0.0)
    from math import factorial
    ser = 0.0
    for n in range(26, 1, -1):
        ser = ser * ys + (n - 1) / factorial(n)
    if small.all():
        return ser
    yb = _sub(small, y, 2.0)
    closed = (yb * dnp.exp(yb) - dnp.expm1(yb)) / (yb * yb)
    return closed if not small.any() else dnp.where(small, ser, closed)


def _bc_dl(log_fn):
    # d/dlmbda (x^l - 1) / l = L^2 g(l L), L = log x (log1p x for boxcox1p)
    def d(ans, x, lmbda):
        L = log_fn(x)
        return L * L * _bc_g(lmbda * L)
    return d


boxcox = _nary(_sp.boxcox, "boxcox", [lambda ans, x, lmbda: dnp.power(x, lmbda - 1),
                                      _bc_dl(dnp.log)], ["x", "lmbda"])
boxcox1p = _nary(_sp.boxcox1p, "boxcox1p", [lambda ans, x, lmbda: dnp.power(1 + x, lmbda - 1),
                                            _bc_dl(dnp.log1p)], ["x", "lmbda"])


def _invbc_h(u):
    """``h(u) = (u / (1 + u) - log1p(u)) / u^2`` (``d/dlmbda log inv_boxcox = y^2 h(lmbda
    y)``); the series ``sum_n (-1)^(n+1) (n-1)/n u^(n-2)`` for ``|u| < 1/2``."""
    small = _np.abs(_np.asarray(primal_of(u))) < _INVBC_SERIES
    us = _sub(~small, u, 0.0)
    ser = 0.0
    for n in range(64, 1, -1):
        ser = ser * us + (-1) ** (n + 1) * (n - 1) / n
    if small.all():
        return ser
    ub = _sub(small, u, 1.0)
    closed = (ub / (1 + ub) - dnp.log1p(ub)) / (ub * ub)
    return closed if not small.any() else dnp.where(small, ser, closed)


def _invbc_dy(value, y, lmbda):
    """``d/dy inv_boxcox(y, lmbda) = value / (1 + lmbda y)`` (``value`` the
    function's own value); at the edge of the domain, ``1 + lmbda y = 0``, the
    one-sided limit ``(1 + lmbda y)^(1/lmbda - 1)``: 1 for ``lmbda = 1``, 0 below,
    inf above (the quotient is 0/0 there)."""
    base = 1 + lmbda * y
    edge = _np.asarray(primal_of(base)) == 0
    if not edge.any():
        return value / base
    lm = _sub(~edge, lmbda, 1.0)
    at_edge = dnp.power(_sub(~edge, base, 0.0), 1 / lm - 1)
    return dnp.where(edge, at_edge, value / _sub(edge, base, 1.0))


inv_boxcox = _nary(_sp.inv_boxcox, "inv_boxcox",
                   [lambda ans, y, lmbda: _invbc_dy(ans, y, lmbda),
                    lambda ans, y, lmbda: ans * y * y * _invbc_h(lmbda * y)], ["y", "lmbda"])
# inv_boxcox1p = inv_boxcox - 1: the derivatives are inv_boxcox's (from its own value,
# not ans + 1, which loses digits where the result is near -1)
inv_boxcox1p = _nary(_sp.inv_boxcox1p, "inv_boxcox1p",
                     [lambda ans, y, lmbda: _invbc_dy(inv_boxcox(y, lmbda), y, lmbda),
                      lambda ans, y, lmbda: inv_boxcox(y, lmbda) * y * y * _invbc_h(lmbda * y)],
                     ["y", "lmbda"])


# --- Owen's T --------------------------------------------------------------------------------
owens_t = _nary(_sp.owens_t, "owens_t",
                [lambda ans, h, a: -0.5 * dnp.exp(-0.5 * h * h - _LOG_SQRT_2PI)
                 * erf(a * h / _np.sqrt(2.0)),
                 lambda ans, h, a: dnp.exp(-0.5 * h * h * (1 + a * a))
                 / ((2 * _np.pi) * (1 + a * a))], ["h", "a"])


# --- inverses of the regularized incomplete gamma functions ------------------------------
# x = P^-1(a, y) (or Q^-1(a, y)): dx/dy = +-1/p(x), p the gamma density, and along the
# level set, for both inverses, dx/da = -(dP/da)/p = (dQ/da)/p = H(a, x).  H is written
# so that neither it nor its derivatives form an intermediate that overflows in the far
# tails (the product -dP/da * (1/p) does: differentiated in y it forms d2x/dy2, which
# overflows below y ~ 1e-180, times a tiny dP/da):
#   below the median  H = sum_n x^(n+1) Gamma(a) / Gamma(a+n+1) (psi(a+n+1) - log x)
#                       (the power series of dP/da divided by p term by term),
#   above it          H = x D (log x + N/D - psi(a))   (Q / p = x D, the tail integrals).
_GINV_TOL = 41.5       # terms are summed until they are below e^-41.5 (1e-18) of the largest
_GINV_CHUNK = 2048


def _ginv_nterms(a, x):
    """How many terms the series of ``H`` needs (plain NumPy, primal values): the terms
    ``exp(sum_(k<=n) log(x/(a+k))) (psi(a+n+1) - log x)`` fall from the first once
    ``x < a + n + 1``; stop where they are below ``e^-41.5`` of the largest."""
    a, x = (_np.asarray(v, dtype=float).ravel() for v in _np.broadcast_arrays(a, x))
    ok = _np.isfinite(a) & _np.isfinite(x) & (x > 0) & (a > 0)
    if not ok.any():
        return 1
    a, x = a[ok], x[ok]
    nmax = int(_np.max(x) + 12 * _np.sqrt(_np.max(x)) + 40)
    need, start, block = 1, 0, 256
    logt = _np.zeros_like(x)                  # log of the last term's power factor
    peak = _np.full_like(x, -_np.inf)
    todo = _np.ones(x.shape, bool)
    with _np.errstate(all="ignore"):
        while start < nmax and todo.any():
            n = _np.arange(start, min(start + block, nmax), dtype=float)
            A, X = a[todo][:, None], x[todo][:, None]
            lt = logt[todo][:, None] + _np.cumsum(_np.log(X / (A + n)), axis=-1)
            lt = lt + _np.log(_np.abs(_sp.digamma(A + n + 1) - _np.log(X)) + 1e-300)
            pk = _np.maximum(_np.maximum.accumulate(lt, axis=-1), peak[todo][:, None])
            small = (X < A + n + 1) & (lt < pk - _GINV_TOL)
            hit = small.any(axis=-1)
            if hit.any():
                need = max(need, start + int(_np.max(_np.argmax(small[hit], axis=-1))) + 1)
            idx = _np.flatnonzero(todo)
            logt[idx] = logt[idx] + _np.sum(_np.log(X / (A + n)), axis=-1)
            peak[idx] = pk[:, -1]
            todo[idx[hit]] = False
            start += n.size
            block = min(2 * block, 8192)
    return int(max(need, nmax if todo.any() else need))


def _ginv_da_series(a, x):
    """``H(a, x) = -(dP/da)/p`` from the power series (below the median), with registry
    operations: the term ratios ``x/(a+k)`` are summed in logs (no ``gammaln``
    differences of large numbers).  ``a``, ``x`` broadcast already, ``x > 0``."""
    nterms = _ginv_nterms(_pv(a), _pv(x))
    A, X = dnp.expand_dims(a, -1), dnp.expand_dims(x, -1)
    logx = dnp.log(X)
    # the first term's factor x/a directly (exp(log(x/a)) would lose |log(x/a)| ulps)
    out, carry = 0.0, 0.0
    for lo in range(0, nterms, _GINV_CHUNK):
        n = _np.arange(lo, min(lo + _GINV_CHUNK, nterms), dtype=float)
        ratio = dnp.log(X / (A + _np.maximum(n, 1.0)))
        if lo == 0:
            ratio = dnp.where(n == 0, 0.0, ratio)
        logt = carry + dnp.cumsum(ratio, axis=-1)
        out = out + dnp.sum(dnp.exp(logt) * (digamma(A + n + 1) - logx), axis=-1)
        carry = dnp.expand_dims(logt[..., -1], -1)
    return (x / a) * out


def _gammaincinv_da(ans, a, y):
    """``dx/da`` of both inverses, ``H(a, x)`` at ``x = ans``; 0 where ``x`` is 0 (an
    underflow, small ``a``: the true value is below the smallest float too)."""
    a, x = _bcast2(a, ans)
    av, xv = _pv(a), _pv(x)
    with _np.errstate(all="ignore"):
        tail = xv > _sp.gammaincinv(av, 0.5)
    bad = ~(_np.isfinite(xv) & (xv > 0))
    out = None
    if (tail & ~bad).any():
        off = ~tail | bad
        at, xt = _sub(off, a, 1.0), _sub(off, x, 2.0)
        r, d = _gamma_tail_nd(at, xt)
        out = xt * d * (dnp.log(xt) + r - digamma(at))
    if (~tail & ~bad).any():
        off = tail | bad
        lo = _ginv_da_series(_sub(off, a, 1.0), _sub(off, x, 0.5))
        out = lo if out is None else dnp.where(tail, out, lo)
    if out is None:
        out = dnp.zeros_like(x)
    if bad.any():
        # x = 0: an underflow (dx/da underflows too); x = inf (y = 1 for gammaincinv, 0 for
        # gammainccinv): NaN, as the derivative of a constant infinity is undefined
        out = dnp.where(bad, _np.where(xv == 0, 0.0, _np.nan), out)
    return out


def _gammaincinv_dy(ans, a, y, comp=False):
    """``dx/dy = 1 / p(x)`` (``p`` the gamma density; ``gammainccinv`` negates it).
    Below the median ``exp(-log p)`` (0 where ``x`` underflowed to 0 for ``a < 1``:
    ``dx/dy ~ x / (a y)`` is below the smallest float there too); above it ``x D / Q``
    (``Q / p = x D``, ``Q = y`` or ``1 - y``, exact for ``y >= 1/2``), whose derivative
    in ``a`` does not cancel (that of ``-log p`` is a difference of ``log x`` and
    ``psi(a)`` against ``dx/da``, near-equal there)."""
    a, x = _bcast2(a, ans)
    av, xv = _pv(a), _pv(x)
    with _np.errstate(all="ignore"):
        tail = (xv > _sp.gammaincinv(av, 0.5)) & _np.isfinite(xv)
        under = (xv == 0) & (av < 1)
    out = None
    if tail.any():
        at, xt = _sub(~tail, a, 1.0), _sub(~tail, x, 2.0)
        q = _sub(~tail, dnp.broadcast_to(y if comp else 1 - y, shape_of(x)), 1.0)
        # value x D / Q; derivatives from log(x D / Q) (those of x D / Q form two terms
        # that each overflow, of opposite signs, where d2x/dy2 itself overflows)
        r = xt * _gamma_tail_nd(at, xt)[1]
        lg = dnp.log(r) - dnp.log(q)
        # where d2x/dy2 = (dx/dy)^2 (1 + dR/dx) / R overflows, the two paths from y (through
        # q and through x) would each overflow, with opposite signs, in reverse mode:
        # there -log p (one path, through x), at the cost of ~1e-11 in the a-derivative
        rv, qv = primal_of(r), primal_of(q)
        with _np.errstate(all="ignore"):
            huge = tail & ~(_np.abs(rv / qv) * _np.abs(rv / qv) / _np.abs(rv) < 1e300)
        if huge.any():
            lg = dnp.where(huge, gammaln(at) + xlogy(1 - at, xt) + xt, lg)
        out = (rv / qv) * dnp.exp(lg - primal_of(lg))
    if (~tail).any():
        off = tail | under
        al, xl = _sub(off, a, 1.0), _sub(off, x, 1.0)
        lo = dnp.exp(gammaln(al) + xlogy(1 - al, xl) + xl)
        out = lo if out is None else dnp.where(tail, out, lo)
    if under.any():
        out = dnp.where(under, 0.0, out)
    return out


gammaincinv = _nary(_sp.gammaincinv, "gammaincinv", [_gammaincinv_da, _gammaincinv_dy],
                    ["a", "y"])
gammainccinv = _nary(_sp.gammainccinv, "gammainccinv",
                     [_gammaincinv_da, lambda ans, a, y: -_gammaincinv_dy(ans, a, y, True)],
                     ["a", "y"])

# --- inverses of the regularized incomplete beta function and of Student's t cdf ---------
# x = I^-1(a, b, y) (or of 1 - I): dx/dy = +-1/f(x), f the beta density; along the level
# set, for both inverses, dx/da = -(dI/da)/f and dx/db = -(dI/db)/f, as functions of
# (a, b, x).  As for the gamma inverses these are summed from betainc's series divided by
# the density term by term, so that no derivative forms an overflowing intermediate:
#   -(dI/da)/f = -sum_n r_n (psi(a+b+n) - psi(a+n+1) + log x)
#   -(dI/db)/f = -sum_n r_n (psi(a+b+n) - psi(b) + log1p(-x)),
#   r_n = x (1-x)/a prod_(k=1..n) x (a+b+k-1)/(a+k)
# where x < (a+1)/(a+b+2) (the terms fall from the first), and above it the same with
# (b, a, 1-x) (I_x(a, b) = 1 - I_(1-x)(b, a); f is symmetric), negated.
def _beta_series_rel(a, b, x, wrt):
    """``(dI/da)/f`` (``wrt=0``) or ``(dI/db)/f`` (``wrt=1``) from betainc's series
    divided by the density ``f`` term by term; arguments broadcast, ``0 < x < 1``."""
    nterms = _beta_nterms(primal_of(a), primal_of(b), primal_of(x))
    A, B, X = (dnp.expand_dims(v, -1) for v in (a, b, x))
    logx, log1mx = dnp.log(X), dnp.log1p(-X)
    if wrt == 1:
        dhead = log1mx - digamma(B)
    out, carry = 0.0, 0.0
    for lo in range(0, nterms, _BETA_CHUNK):
        n = _np.arange(lo, min(lo + _BETA_CHUNK, nterms), dtype=float)
        nn = _np.maximum(n, 1.0)
        ratio = dnp.log(X * (A + B + nn - 1) / (A + nn))
        if lo == 0:
            ratio = dnp.where(n == 0, 0.0, ratio)
        logt = carry + dnp.cumsum(ratio, axis=-1)
        if wrt == 0:
            dg = digamma(A + B + n) - digamma(A + n + 1) + logx
        else:
            dg = digamma(A + B + n) + dhead
        out = out + dnp.sum(dnp.exp(logt) * dg, axis=-1)
        carry = dnp.expand_dims(logt[..., -1], -1)
    return (x * (1 - x) / a) * out


_BETA_NEAR1 = 0.9      # x above which 1 - x is taken from the reflection


def _beta_xc(x, a, b, y, comp, upper):
    """``1 - x`` where ``upper`` (else 0.5), from the reflection ``1 - x = betaincinv(b, a,
    1 - y)`` (``betaincinv(b, a, y)`` for ``betainccinv``), which resolves it fully: ``x``
    near 1 carries only ``1e-16`` of it (``1 - y`` is exact for ``y >= 1/2``)."""
    if not upper.any():
        return None
    q = y if comp else 1 - y
    shp = shape_of(x)
    bb, aa, qq = (_sub(~upper, dnp.broadcast_to(v, shp), f) for v, f in ((b, 1.0), (a, 1.0), (q, 0.5)))
    return betaincinv(bb, aa, qq)


def _betaincinv_dparam(ans, a, b, y, wrt, comp=False):
    """``dx/da`` (``wrt=0``) or ``dx/db`` of both beta inverses at ``x = ans``:
    ``-(dI/da)/f``; 0 where ``x`` is 0 or 1 (``y`` at an end, or an underflow)."""
    shp = _np.broadcast_shapes(shape_of(a), shape_of(b), shape_of(ans), shape_of(y))
    a, b, x = (dnp.broadcast_to(v, shp) for v in (a, b, ans))
    av, bv, xv = _pv(a), _pv(b), _pv(x)
    with _np.errstate(all="ignore"):
        edge = ~((xv > 0) & (xv < 1))
        upper = ~(xv < (av + 1) / (av + bv + 2)) & ~edge
    out = None
    if (~upper & ~edge).any():
        off = upper | edge
        out = -_beta_series_rel(_sub(off, a, 1.0), _sub(off, b, 1.0), _sub(off, x, 0.25), wrt)
    if upper.any():
        # 1 - x from the reflection where x > 0.9 (1 - x there has lost digits)
        near1 = upper & (xv > _BETA_NEAR1)
        xc = 1 - x
        if near1.any():
            xc = dnp.where(near1, _beta_xc(x, a, b, y, comp, near1), xc)
        hi = _beta_series_rel(_sub(~upper, b, 1.0), _sub(~upper, a, 1.0), _sub(~upper, xc, 0.25),
                              1 - wrt)
        out = hi if out is None else dnp.where(upper, hi, out)
    if out is None:
        out = dnp.zeros_like(x)
    if edge.any():
        out = dnp.where(edge, _np.where(_np.isnan(xv), _np.nan, 0.0), out)
    return out


def _betaincinv_dy(ans, a, b, y, comp=False):
    """``dx/dy = 1/f(x)`` (in logs; ``log(1 - x)`` from the reflection above the
    median); 0 where ``x`` underflowed to 0 for ``a < 1`` (or rounded to 1 for ``b < 1``),
    where it is below the smallest float too."""
    shp = _np.broadcast_shapes(shape_of(a), shape_of(b), shape_of(ans), shape_of(y))
    a, b, x = (dnp.broadcast_to(v, shp) for v in (a, b, ans))
    av, bv, xv = _pv(a), _pv(b), _pv(x)
    with _np.errstate(invalid="ignore"):
        under = ((xv == 0) & (av < 1)) | ((xv == 1) & (bv < 1))
        upper = (xv > _BETA_NEAR1) & (xv < 1) & ~under
    if under.any():
        a, b, x = _sub(under, a, 1.0), _sub(under, b, 1.0), _sub(under, x, 0.5)
    log1mx = dnp.log1p(-x)
    if upper.any():
        log1mx = dnp.where(upper, dnp.log(_beta_xc(x, a, b, y, comp, upper)), log1mx)
    out = dnp.exp(betaln(a, b) - xlogy(a - 1, x) - (b - 1) * log1mx)
    return dnp.where(under, 0.0, out) if under.any() else out


betaincinv = _nary(_sp.betaincinv, "betaincinv",
                   [lambda ans, a, b, y: _betaincinv_dparam(ans, a, b, y, 0),
                    lambda ans, a, b, y: _betaincinv_dparam(ans, a, b, y, 1),
                    _betaincinv_dy], ["a", "b", "y"])
betainccinv = _nary(_sp.betainccinv, "betainccinv",
                    [lambda ans, a, b, y: _betaincinv_dparam(ans, a, b, y, 0, True),
                     lambda ans, a, b, y: _betaincinv_dparam(ans, a, b, y, 1, True),
                     lambda ans, a, b, y: -_betaincinv_dy(ans, a, b, y, True)], ["a", "b", "y"])


def _stdtrit_dp(ans, df, p):
    # dt/dp = 1 / f(t), f the t density (the cancellation-free log density)
    return dnp.exp(-_t_logpdf_std(ans, df))


def _stdtrit_ddf(ans, df, p):
    # dt/ddf = -(d/ddf stdtr(df, t)) / f(t), through stdtr's own df-derivative
    df, t = _bcast2(df, ans)
    return -_t_cdf_ddf(None, df, t) * _stdtrit_dp(t, df, p)


stdtrit = _nary(_sp.stdtrit, "stdtrit", [_stdtrit_ddf, _stdtrit_dp], ["df", "p"])


__all__ += ["kv", "kve", "k0", "k1", "k0e", "k1e", "loggamma", "exp1", "expi", "expn",
            "binom", "erfcx", "dawsn", "erfi", "ellipk", "ellipe", "lambertw", "spence",
            "huber", "pseudo_huber", "boxcox", "boxcox1p", "inv_boxcox", "inv_boxcox1p",
            "owens_t", "gammaincinv", "gammainccinv", "betaincinv", "betainccinv", "stdtrit"]


def _register():
    # SciPy's special functions are NumPy ufuncs: plain ``scipy.special.gammaln``
    # called on a traced value reaches the function above through __array_ufunc__
    import sys
    from ..numpy import _dispatch
    _dispatch.register_module(_sp, sys.modules[__name__])
    # scipy.special.lambertw is a Python function calling the private ufunc _lambertw
    _dispatch._UFUNCS[_sp._ufuncs._lambertw] = _lambertw_p


_register()
