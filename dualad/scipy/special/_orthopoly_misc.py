"""Orthogonal polynomials (``eval_*``), the hypergeometric functions ``hyp2f1``,
``hyp1f1``, ``hyp0f1``, the Fresnel and sine / cosine integrals (``fresnel``,
``sici``, ``shichi``) and small elementary helpers (``exprel``, ``powm1``,
``cosm1``, ``sindg``, ``cosdg``, ``tandg``, ``cotdg``, ``radian``, ``rgamma``,
``poch``, ``gammasgn``).

Rules (values are SciPy's own; every derivative is holomorphic where SciPy takes
complex input, so the VJP is ``g f'`` with no conjugate, docs/complex.md):

* Orthogonal polynomials, in ``x`` only, each as a polynomial of the same family
  one degree lower, so every order ``n`` works (``n = 0`` included) and the rule's
  own derivative is the same rule again:
  ``P_n^(a,b)' = (n+a+b+1)/2 P_(n-1)^(a+1,b+1)`` (``eval_jacobi``; ``eval_legendre``
  is ``a = b = 0``), ``G_n^(p,q)' = (n+p) P_(n-1)^(p-q+1,q)(2x-1) / binom(2n+p-1, n)``
  (``eval_sh_jacobi``), ``C_n^(a)' = 2a C_(n-1)^(a+1)`` (``eval_gegenbauer``),
  ``T_n' = n U_(n-1)``, ``U_n' = 2 C_(n-1)^(2)``, ``H_n' = 2n H_(n-1)``,
  ``He_n' = n He_(n-1)``, ``L_n^(a)' = -L_(n-1)^(a+1)``; ``eval_chebyc``,
  ``eval_chebys`` and the shifted ``eval_sh_*`` by the chain rule (``x/2``,
  ``2x - 1``).  For real (non-integer) ``n`` SciPy evaluates these through
  hypergeometric functions; the identities hold there too (checked against
  mpmath for ``n`` in {0.3, 2.5, -0.5, -2.5}).  At negative ``n`` SciPy's
  conventions are followed: ``P_n = P_(-n-1)`` (``legendre``, ``sh_legendre``),
  ``U_n = -U_(-n-2)`` (``chebyu``, ``chebys``, ``sh_chebyu``; ``U_(-1) = 0``),
  ``C_n^(a) = 0`` at negative integer ``n`` (derivative 0); where SciPy's value is
  NaN (``hermite`` at ``n < 0``, ...) so is the derivative.  The order ``n`` and
  the parameters ``alpha``, ``beta`` (``p``, ``q``) have no rule: traced, they
  raise ``NotImplementedError`` naming the function and the argument.
* ``hyp2f1(a, b, c, z)`` in ``z``: ``ab/c 2F1(a+1, b+1; c+1; z)``; ``hyp1f1(a, b,
  x)``: ``a/b 1F1(a+1; b+1; x)``; ``hyp0f1(v, z)``: ``0F1(; v+1; z) / v``
  (exactly 0 where the coefficient is 0).  ``a``, ``b``, ``c``, ``v``: no rule
  (``NotImplementedError``).  The accuracy is SciPy's at the shifted parameters.
* ``fresnel(z) -> (S, C)``: ``S' = sin(pi z^2 / 2)``, ``C' = cos(pi z^2 / 2)``; for
  real ``z`` the phase ``z^2`` is reduced modulo 4 exactly (Dekker's product in
  float64; float32 squares exactly in float64), so the derivatives keep full
  accuracy at large ``z`` (the plain form loses ``z^2`` ulps).  From ``|z| >=
  2^53`` (float32: ``2^24``), where ``z^2`` is a multiple of 4, ``S' = 0``,
  ``C' = 1``.
* ``sici(x) -> (Si, Ci)``: ``sin x / x`` (a power series for ``|x| < 1``: 1 at 0,
  and no cancellation in its own derivatives) and ``cos x / x``; ``shichi`` the
  same with ``sinh``, ``cosh``.  For real ``x < 0`` SciPy returns the real part
  ``Ci(|x|)`` (``Chi(|x|)``), whose derivative is again ``cos x / x``.
* ``exprel(x) = (e^x - 1)/x``: ``sum_k k x^(k-1) / (k+1)!`` for ``|x| < 1``,
  ``((x-1) e^x + 1) / x^2`` below, ``(exprel(x) (x-1) + 1) / x`` above (no
  cancellation, no overflow before ``exprel``'s own).
* ``powm1(x, y) = x^y - 1``: ``y x^(y-1)`` and ``x^y log x`` (no difference of
  nearly equal numbers near ``y = 0`` or ``x = 1``); 0 at ``x = y = 0`` (in
  ``x``) and at ``x = 0 < y`` (in ``y``).  The ``x``-rule is ``power``'s, so its
  second derivative does not overflow at tiny ``x`` and small ``y``.
* ``cosm1' = -sin``; ``sindg' = pi/180 cosdg``, ``cosdg' = -pi/180 sindg``,
  ``tandg' = pi/180 (1 + tandg^2)``, ``cotdg' = -pi/180 (1 + cotdg^2)`` (exact
  zeros at multiples of 90 degrees, as SciPy's values);
  ``radian(d, m, s)``: ``pi/180``, ``pi/10800``, ``pi/648000``.
* ``rgamma = 1/Gamma``: ``-rgamma psi`` for ``Re x > 1/2``; for ``Re x <= 1/2``
  the derivative of the reflection ``Gamma(1-x) sin(pi x) / pi`` (with ``x - n``
  reduced, ``n = round(Re x)``), finite at the poles of ``Gamma``, where it is
  ``(-1)^k k!`` at ``x = -k`` (and every higher derivative is right there too).
* ``poch(z, m) = Gamma(z+m) / Gamma(z)``: ``poch (psi(z+m) - psi(z))`` in ``z``,
  ``poch psi(z+m)`` in ``m``.  For ``|m| < 0.05``, ``z >= 1/2`` the difference of
  digammas (which would lose ``|psi(z)| / |m psi'(z)|`` ulps) is the Taylor series
  ``sum_k psi^(k)(z) m^k / k!`` (20 terms).  At nonpositive integer ``z`` (where
  ``psi(z)`` is infinite) the derivative in ``z`` is the limit, from
  ``Gamma(z+m) rgamma(z)`` (or, where ``z + m`` is a pole too, from the reflected
  digammas ``psi(1-z-m) - psi(1-z)``), to every order; within 1/4 of such a pole
  (and closer to it than ``z + m`` is to one) the same ``Gamma(z+m) rgamma(z)``
  form, whose second derivative does not subtract two ``1/(z+n)^2`` terms.
* ``gammasgn``: piecewise constant, derivative 0 (not traced: a plain result).

``scipy.special``'s ufuncs called on a traced value reach the functions here.

>>> import dualad as ad
>>> from dualad.scipy import special
>>> float(ad.grad(lambda x: special.eval_legendre(2, x))(0.5))    # P_2' = 3x
1.5
>>> float(ad.grad(special.rgamma)(-2.0))                           # (-1)^2 2!
2.0
"""
from __future__ import annotations

import math

import numpy as _np
import scipy.special as _sp

from ... import numpy as dnp
from ...numpy._ufuncs import _is_complex, _pow_dx
from ...registry import nondifferentiable
from ...tracer import contains_tracer, primal_of
from ._common import _in_double, _nary, _piecewise, _sub, _unary
from ._gamma import digamma, gamma, polygamma

_PI = math.pi


def _plain(v):
    return _np.asarray(primal_of(v))


def _rdt(ans):
    """The real dtype of the (possibly traced) output ``ans``."""
    dt = _np.asarray(primal_of(ans)).dtype
    return _np.finfo(dt).dtype if dt.kind in "fc" else _np.dtype(float)


def _par(v, ans):
    """A plain order or parameter as SciPy's loop read it: integer orders stay
    integers (SciPy's recurrence loops), real ones take the output's real dtype."""
    v = _plain(v)
    return v if v.dtype.kind in "iub" else v.astype(_rdt(ans))


def _coef(c, ans):
    return _np.asarray(c, dtype=_rdt(ans))


def _scaled(c, value_fn, ans):
    """``c * value_fn()`` with ``c`` plain, exactly 0 where ``c`` is 0 (the shifted
    function may be infinite or NaN there while the derivative is 0)."""
    c = _coef(c, ans)
    out = c * value_fn()
    zero = c == 0
    if zero.any():
        out = dnp.where(zero, 0.0, out)
    return out


# --- orthogonal polynomials ----------------------------------------------------------------
def _unless_constant(degree, c):
    """The coefficient ``c`` of a derivative identity, 0 where the polynomial has
    degree 0 (a constant): the identity would evaluate degree -1, which SciPy's
    hypergeometric evaluation makes NaN at ``x <= -1`` (or ``x <= 0`` shifted)."""
    return _np.where(_np.asarray(degree) == 0, 0, c)



def _ortho(name, deriv, argnames):
    p = _nary(getattr(_sp, name), name, list(argnames[:-1]) + [deriv], argnames)
    return p


def _legendre_order(n, ans):
    # P_n = P_(-n-1) (SciPy's convention for n < 0): map to n >= -1/2
    nv = _par(n, ans)
    return _np.where(nv < -0.5, -nv - 1, nv)


def _d_legendre(ans, n, x):
    m = _legendre_order(n, ans)
    return _scaled(_unless_constant(m, (m + 1) / 2), lambda: eval_jacobi(m - 1, 1.0, 1.0, x), ans)


def _d_sh_legendre(ans, n, x):
    m = _legendre_order(n, ans)
    return _scaled(_unless_constant(m, m + 1), lambda: eval_jacobi(m - 1, 1.0, 1.0, 2 * x - 1), ans)


def _d_chebyt(ans, n, x):
    nv = _par(n, ans)
    return _scaled(nv, lambda: eval_chebyu(nv - 1, x), ans)


def _d_chebyc(ans, n, x):
    nv = _par(n, ans)
    return _scaled(nv, lambda: eval_chebys(nv - 1, x), ans)


def _d_sh_chebyt(ans, n, x):
    nv = _par(n, ans)
    return _scaled(2 * nv, lambda: eval_sh_chebyu(nv - 1, x), ans)


def _chebyu_like(scale, inner):
    """``U_n'(y) = 2 C_(n-1)^(2)(y)`` at ``y = inner(x)``, times ``scale`` (the chain
    rule's factor over 2); ``U_n = -U_(-n-2)`` maps ``n < -1`` to ``n > -1``, and
    ``U_(-1) = 0``."""
    def d(ans, n, x):
        nv = _par(n, ans)
        neg = nv < -1
        m = _np.where(neg, -nv - 2, nv)
        zero = (m == -1) | (m == 0)              # U_(-1) = 0, U_0 = 1: derivative 0
        m = _np.where(zero, 1, m)
        c = _np.where(zero, 0, _np.where(neg, -scale, scale))
        return _scaled(c, lambda: eval_gegenbauer(m - 1, 2.0, inner(x)), ans)
    return d


def _d_hermite(factor):
    def d(ans, n, x):
        nv = _plain(n)
        with _np.errstate(invalid="ignore"):
            c = _np.where(nv < 0, _np.nan, factor * nv)
        fn = eval_hermite if factor == 2 else eval_hermitenorm
        return _scaled(c, lambda: fn(_np.maximum(nv - 1, 0), x), ans)
    return d


def _d_laguerre(ans, n, x):
    return -eval_genlaguerre(_par(n, ans) - 1, 1.0, x)


def _d_genlaguerre(ans, n, a, x):
    return -eval_genlaguerre(_par(n, ans) - 1, _par(a, ans) + 1, x)


def _d_gegenbauer(ans, n, a, x):
    nv, av = _par(n, ans), _par(a, ans)
    # SciPy's C_n^(a) is 0 at negative integer n (or NaN): derivative 0 (NaN)
    negint = (nv < 0) & (nv == _np.floor(nv))
    m = _np.where(negint, 1, nv)
    c = _np.where(negint, 0, _unless_constant(nv, 2 * av))
    out = _scaled(c, lambda: eval_gegenbauer(m - 1, av + 1, x), ans)
    if negint.any():
        bad = _np.isnan(_plain(ans))
        if bad.any():
            out = dnp.where(bad, _np.nan, out)
    return out


def _d_jacobi(ans, n, a, b, x):
    nv, av, bv = _par(n, ans), _par(a, ans), _par(b, ans)
    return _scaled(_unless_constant(nv, (nv + av + bv + 1) / 2),
                   lambda: eval_jacobi(nv - 1, av + 1, bv + 1, x), ans)


def _d_sh_jacobi(ans, n, p, q, x):
    nv, pv, qv = _par(n, ans), _par(p, ans), _par(q, ans)
    with _np.errstate(all="ignore"):
        c = _unless_constant(nv, (nv + pv) / _sp.binom(2 * nv + pv - 1, nv))
    return _scaled(c, lambda: eval_jacobi(nv - 1, pv - qv + 1, qv, 2 * x - 1), ans)


eval_legendre = _ortho("eval_legendre", _d_legendre, ["n", "x"])
eval_sh_legendre = _ortho("eval_sh_legendre", _d_sh_legendre, ["n", "x"])
eval_chebyt = _ortho("eval_chebyt", _d_chebyt, ["n", "x"])
eval_chebyu = _ortho("eval_chebyu", _chebyu_like(2.0, lambda x: x), ["n", "x"])
eval_chebyc = _ortho("eval_chebyc", _d_chebyc, ["n", "x"])
eval_chebys = _ortho("eval_chebys", _chebyu_like(1.0, lambda x: 0.5 * x), ["n", "x"])
eval_sh_chebyt = _ortho("eval_sh_chebyt", _d_sh_chebyt, ["n", "x"])
eval_sh_chebyu = _ortho("eval_sh_chebyu", _chebyu_like(4.0, lambda x: 2 * x - 1), ["n", "x"])
eval_hermite = _ortho("eval_hermite", _d_hermite(2), ["n", "x"])
eval_hermitenorm = _ortho("eval_hermitenorm", _d_hermite(1), ["n", "x"])
eval_laguerre = _ortho("eval_laguerre", _d_laguerre, ["n", "x"])
eval_genlaguerre = _ortho("eval_genlaguerre", _d_genlaguerre, ["n", "alpha", "x"])
eval_gegenbauer = _ortho("eval_gegenbauer", _d_gegenbauer, ["n", "alpha", "x"])
eval_jacobi = _ortho("eval_jacobi", _d_jacobi, ["n", "alpha", "beta", "x"])
eval_sh_jacobi = _ortho("eval_sh_jacobi", _d_sh_jacobi, ["n", "p", "q", "x"])

_ORTHO_DOC = {
    "eval_legendre": "P_n' = (n+1)/2 P_(n-1)^(1,1)",
    "eval_sh_legendre": "d/dx P_n(2x-1) = (n+1) P_(n-1)^(1,1)(2x-1)",
    "eval_chebyt": "T_n' = n U_(n-1)",
    "eval_chebyu": "U_n' = 2 C_(n-1)^(2)",
    "eval_chebyc": "C_n' = n S_(n-1)",
    "eval_chebys": "S_n' = C_(n-1)^(2)(x/2)",
    "eval_sh_chebyt": "d/dx T_n(2x-1) = 2n U_(n-1)(2x-1)",
    "eval_sh_chebyu": "d/dx U_n(2x-1) = 4 C_(n-1)^(2)(2x-1)",
    "eval_hermite": "H_n' = 2n H_(n-1)",
    "eval_hermitenorm": "He_n' = n He_(n-1)",
    "eval_laguerre": "L_n' = -L_(n-1)^(1)",
    "eval_genlaguerre": "L_n^(a)' = -L_(n-1)^(a+1)",
    "eval_gegenbauer": "C_n^(a)' = 2a C_(n-1)^(a+1)",
    "eval_jacobi": "P_n^(a,b)' = (n+a+b+1)/2 P_(n-1)^(a+1,b+1)",
    "eval_sh_jacobi": "G_n^(p,q)' = (n+p) P_(n-1)^(p-q+1,q)(2x-1) / binom(2n+p-1, n)",
}
for _name, _rule in _ORTHO_DOC.items():
    globals()[_name].__doc__ = (
        f"``scipy.special.{_name}``, differentiable in ``x`` (real or complex): "
        f"``{_rule}``.  The order and parameters have no derivative (traced, they "
        f"raise NotImplementedError).")


# --- hypergeometric functions ----------------------------------------------------------------
def _d_hyp2f1(ans, a, b, c, z):
    av, bv, cv = _par(a, ans), _par(b, ans), _par(c, ans)
    with _np.errstate(all="ignore"):
        k = av * bv / cv
    return _scaled(k, lambda: hyp2f1(av + 1, bv + 1, cv + 1, z), ans)


def _d_hyp1f1(ans, a, b, x):
    av, bv = _par(a, ans), _par(b, ans)
    with _np.errstate(all="ignore"):
        k = av / bv
    return _scaled(k, lambda: hyp1f1(av + 1, bv + 1, x), ans)


def _d_hyp0f1(ans, v, z):
    vv = _par(v, ans)
    with _np.errstate(all="ignore"):
        k = 1.0 / vv
    return _scaled(k, lambda: hyp0f1(vv + 1, z), ans)


hyp2f1 = _nary(_sp.hyp2f1, "hyp2f1", ["a", "b", "c", _d_hyp2f1], ["a", "b", "c", "z"])
hyp1f1 = _nary(_sp.hyp1f1, "hyp1f1", ["a", "b", _d_hyp1f1], ["a", "b", "x"])
hyp0f1 = _nary(_sp.hyp0f1, "hyp0f1", ["v", _d_hyp0f1], ["v", "z"])
hyp2f1.__doc__ = ("``scipy.special.hyp2f1(a, b, c, z)``, differentiable in ``z`` (real or "
                  "complex): ``ab/c 2F1(a+1, b+1; c+1; z)``.")
hyp1f1.__doc__ = ("``scipy.special.hyp1f1(a, b, x)``, differentiable in ``x`` (real or "
                  "complex): ``a/b 1F1(a+1; b+1; x)``.")
hyp0f1.__doc__ = ("``scipy.special.hyp0f1(v, z)``, differentiable in ``z`` (real or "
                  "complex): ``0F1(; v+1; z) / v``.")


# --- Fresnel integrals ---------------------------------------------------------------------
def _square_mod4(zv):
    """``z^2 mod 4`` for plain real ``zv``, accurate to an ulp of 4 (not of ``z^2``)."""
    if zv.dtype == _np.float32:
        z64 = zv.astype(_np.float64)            # exact: 24-bit mantissas square in 48 bits
        return _np.fmod(z64 * z64, 4.0).astype(_np.float32)
    zv = zv.astype(_np.float64)
    hi = zv * zv
    c = 134217729.0 * zv                        # Dekker's split: zh + zl = z exactly
    zh = c - (c - zv)
    zl = zv - zh
    lo = ((zh * zh - hi) + 2.0 * zh * zl) + zl * zl     # hi + lo = z^2 exactly
    # lo reaches half an ulp of z^2 (2^50 at z ~ 2^52), so the sum is reduced
    # again; both steps are exact (fmod is; the sum has fewer than 53 bits)
    return _np.fmod(_np.fmod(hi, 4.0) + lo, 4.0)


def _fresnel_phase(z):
    """``u`` with ``pi u / 2`` the Fresnel phase: ``z^2`` (traced), its value reduced
    modulo 4 exactly for real ``z`` (the derivatives are those of ``z^2``)."""
    if _is_complex(z):
        return z * z
    zv = _plain(z)
    if zv.dtype.kind != "f":
        zv = zv.astype(float)
    big = _np.abs(zv) >= (2.0 ** 24 if zv.dtype == _np.float32 else 2.0 ** 53)
    with _np.errstate(all="ignore"):
        r = _np.where(big, 0.0, _square_mod4(_np.where(big, 0.0, zv))).astype(zv.dtype)
    # (z - zp)(z + zp) is exactly 0 in value (zp: z's plain value) and has z^2's
    # derivatives (2z, 2) at every order, also where z^2 itself is not formed
    # (|z| >= 2^53: the value is then 0 mod 4, the derivatives are not 0);
    # within a factor 4 of the largest float z + zp could overflow: constant there
    huge = _np.abs(zv) >= _np.finfo(zv.dtype).max / 4
    zs = _sub(huge, z, 0.0)
    zp = _np.where(huge, 0.0, zv).astype(zv.dtype)
    return (zs - zp) * (zs + zp) + r


_fresnel_s = _unary(lambda z: _sp.fresnel(z)[0], "fresnel_s",
                    lambda ans, z: dnp.sin((_PI / 2) * _fresnel_phase(z)))
_fresnel_c = _unary(lambda z: _sp.fresnel(z)[1], "fresnel_c",
                    lambda ans, z: dnp.cos((_PI / 2) * _fresnel_phase(z)))
_fresnel_s.__doc__ = "Output 0 (S) of ``scipy.special.fresnel``, differentiable (internal)."
_fresnel_c.__doc__ = "Output 1 (C) of ``scipy.special.fresnel``, differentiable (internal)."


def fresnel(z):
    """``scipy.special.fresnel(z) -> (S, C)``, both differentiable (real or complex
    ``z``): ``S' = sin(pi z^2/2)``, ``C' = cos(pi z^2/2)``.  Plain input: one SciPy call.

    >>> import dualad as ad
    >>> float(ad.grad(lambda x: fresnel(x)[1])(1.0))      # cos(pi/2)
    6.123233995736766e-17
    """
    if not contains_tracer(z):
        return _sp.fresnel(z)
    return _fresnel_s(z), _fresnel_c(z)


# --- sine / cosine integrals -------------------------------------------------------------
_SINC_TERMS = 12     # |x| < 1: the 12th term is below 4e-23


def _sinc_like(x, hyperbolic):
    """``sin x / x`` (``sinh x / x``): the power series for ``|x| < 1``, else the quotient."""
    def series(safe):
        w = safe(x, 0.0)
        w = w * w
        acc = 0.0
        for k in range(_SINC_TERMS - 1, -1, -1):
            ck = (1.0 if hyperbolic or k % 2 == 0 else -1.0) / math.factorial(2 * k + 1)
            acc = acc * w + ck
        return acc

    def direct(safe):
        xs = safe(x, 2.0)
        return (dnp.sinh(xs) if hyperbolic else dnp.sin(xs)) / xs
    return _piecewise(_np.abs(_plain(x)) < 1, series, direct)


def _part(fn, k, name, deriv):
    p = _unary(lambda x: fn(x)[k], name, deriv)
    p.__doc__ = f"Output {k} of ``scipy.special.{fn.__name__}``, differentiable (internal)."
    return p


def _over_x(fx, x):
    """``f(x) / x`` for Ci' and Chi': infinite at 0 (the logarithmic singularity,
    as SciPy's Ci(0) = -inf), with no warning -- forward mode forms it whenever
    ``sici`` / ``shichi`` is traced, also where only Si or Shi is used."""
    with _np.errstate(divide="ignore", invalid="ignore"):
        return fx / x


_si = _part(_sp.sici, 0, "sici_si", lambda ans, x: _sinc_like(x, False))
_ci = _part(_sp.sici, 1, "sici_ci", lambda ans, x: _over_x(dnp.cos(x), x))
_shi = _part(_sp.shichi, 0, "shichi_shi", lambda ans, x: _sinc_like(x, True))
_chi = _part(_sp.shichi, 1, "shichi_chi", lambda ans, x: _over_x(dnp.cosh(x), x))


def sici(x):
    """``scipy.special.sici(x) -> (Si, Ci)``, both differentiable (real or complex):
    ``Si' = sin x / x`` (1 at 0), ``Ci' = cos x / x``.  Plain input: one SciPy call.

    >>> import dualad as ad
    >>> float(ad.grad(lambda x: sici(x)[0])(0.0))
    1.0
    """
    if not contains_tracer(x):
        return _sp.sici(x)
    return _si(x), _ci(x)


def shichi(x):
    """``scipy.special.shichi(x) -> (Shi, Chi)``, both differentiable (real or
    complex): ``Shi' = sinh x / x`` (1 at 0), ``Chi' = cosh x / x``.  Plain input:
    one SciPy call.

    >>> import dualad as ad
    >>> float(ad.grad(lambda x: shichi(x)[0])(0.0))
    1.0
    """
    if not contains_tracer(x):
        return _sp.shichi(x)
    return _shi(x), _chi(x)


# --- elementary helpers ----------------------------------------------------------------------
_EXPREL_TERMS = 24   # |x| < 1: the last term 24/25! is below 2e-24


def _d_exprel(ans, x):
    xv = _plain(x)
    small = _np.abs(xv) < 1
    neg = xv <= -1
    pos = ~small & ~neg                 # NaN goes here (and stays NaN)

    def series(xs):
        acc = 0.0
        for k in range(_EXPREL_TERMS, 0, -1):
            acc = acc * xs + k / math.factorial(k + 1)
        return acc
    out = series(_sub(~small, x, 0.0)) if small.any() else None
    if pos.any():
        xp = _sub(~pos, x, 2.0)
        v = (exprel(xp) * (xp - 1) + 1) / xp
        out = v if out is None else dnp.where(pos, v, out)
    if neg.any():
        xn = _sub(~neg, x, -2.0)
        v = ((xn - 1) * dnp.exp(xn) + 1) / (xn * xn)
        out = v if out is None else dnp.where(neg, v, out)
    return out


exprel = _unary(_sp.exprel, "exprel", _d_exprel)
exprel.__doc__ = ("``scipy.special.exprel(x) = (e^x - 1)/x``, differentiable: "
                  "``((x-1) e^x + 1) / x^2`` (a power series for ``|x| < 1``).")


def _d_powm1_x(ans, x, y):
    # that of x**y: 0 at x = y = 0, and (y x**y) / x where x**(y-1) or the next
    # order's (y-1) x**(y-2) would overflow (tiny x, small y)
    return _pow_dx(ans, x, y)


def _d_powm1_y(ans, x, y):
    xv, yv = _np.broadcast_arrays(_plain(x), _plain(y))
    origin = (xv == 0) & (yv > 0)           # 0^y = 0 for y > 0: derivative 0
    if origin.any():
        xs = _sub(origin, x, 1.0)
        return dnp.where(origin, 0.0, dnp.power(xs, y) * dnp.log(xs))
    return dnp.power(x, y) * dnp.log(x)


powm1 = _nary(_sp.powm1, "powm1", [_d_powm1_x, _d_powm1_y], ["x", "y"])
powm1.__doc__ = ("``scipy.special.powm1(x, y) = x^y - 1``, differentiable in both: "
                 "``y x^(y-1)``, ``x^y log x``.")

cosm1 = _unary(_sp.cosm1, "cosm1", lambda ans, x: -dnp.sin(x))
_DEG = _PI / 180.0
sindg = _unary(_sp.sindg, "sindg", lambda ans, x: _DEG * cosdg(x))
cosdg = _unary(_sp.cosdg, "cosdg", lambda ans, x: -_DEG * sindg(x))
tandg = _unary(_sp.tandg, "tandg", lambda ans, x: _DEG * (1 + ans * ans))
cotdg = _unary(_sp.cotdg, "cotdg", lambda ans, x: -_DEG * (1 + ans * ans))
cosm1.__doc__ = "``scipy.special.cosm1(x) = cos x - 1``, differentiable: ``-sin x``."
sindg.__doc__ = "``scipy.special.sindg`` (degrees), differentiable: ``pi/180 cosdg``."
cosdg.__doc__ = "``scipy.special.cosdg`` (degrees), differentiable: ``-pi/180 sindg``."
tandg.__doc__ = "``scipy.special.tandg`` (degrees), differentiable: ``pi/180 (1 + tandg^2)``."
cotdg.__doc__ = "``scipy.special.cotdg`` (degrees), differentiable: ``-pi/180 (1 + cotdg^2)``."

radian = _nary(_sp.radian, "radian", [lambda ans, d, m, s: _DEG,
                                      lambda ans, d, m, s: _DEG / 60.0,
                                      lambda ans, d, m, s: _DEG / 3600.0], ["d", "m", "s"])
radian.__doc__ = ("``scipy.special.radian(d, m, s)`` (degrees, arc minutes, arc seconds to "
                  "radians), differentiable: ``pi/180``, ``pi/10800``, ``pi/648000``.")


def _d_rgamma(ans, x):
    xv = _plain(x)
    left = (xv.real if _np.iscomplexobj(xv) else xv) <= 0.5

    def reflected(safe):
        # 1/Gamma(x) = Gamma(1-x) sin(pi x) / pi, with x = n + r, n = round(Re x)
        xs = safe(x, 0.0)
        n = _np.round(_np.where(left, xv.real, 0.0))
        sgn = _np.where(n % 2 == 0, 1.0, -1.0).astype(_rdt(ans))
        r = xs - n.astype(_rdt(ans))
        g = gamma(1 - xs)
        return sgn * g * (dnp.cos(_PI * r) - digamma(1 - xs) * dnp.sin(_PI * r) / _PI)

    def direct(safe):
        xs = safe(x, 2.0)
        return -rgamma(xs) * digamma(xs)
    return _piecewise(left, reflected, direct)


rgamma = _unary(_sp.rgamma, "rgamma", _d_rgamma)
rgamma.__doc__ = ("``scipy.special.rgamma(x) = 1/Gamma(x)``, differentiable (real or "
                  "complex): ``-rgamma psi``; ``(-1)^k k!`` at ``x = -k``.")


_POCH_SERIES = 0.05   # |m| below which psi(z+m) - psi(z) is summed as a Taylor series
_POCH_TERMS = 20     # (for z >= 1/2: the terms fall at least like 0.1^k)


def _d_poch_z(ans, z, m):
    zv, mv = _np.broadcast_arrays(_plain(z), _plain(m))
    pole = (zv <= 0) & (zv == _np.round(zv))
    if pole.any():
        return _piecewise(pole, lambda safe: _d_poch_z_at_poles(ans, safe(z, 0.0), safe(m, 1.0)),
                          lambda safe: _d_poch_z_regular(ans, safe(z, 1.0), safe(m, 1.0)))
    return _d_poch_z_regular(ans, z, m)


def _d_poch_z_at_poles(ans, z, m):
    """``d/dz poch`` at nonpositive integer ``z = -n`` (where ``psi(z)`` is infinite).
    Where ``z + m`` is not a pole, ``poch = Gamma(z+m) rgamma(z)`` and its
    derivative is ``Gamma(z+m) (psi(z+m) rgamma(z) + rgamma'(z))`` (``rgamma(-n) =
    0``, ``rgamma'(-n) = (-1)^n n!``).  Where ``z + m`` is a pole too (integer
    ``m <= n``), ``psi(z+m) - psi(z) = psi(1-z-m) - psi(1-z)`` (reflection: the
    cotangents are equal for integer ``m``), both finite.  Both forms hold near the
    point, so their own derivatives are the higher ones."""
    zv, mv = _np.broadcast_arrays(_plain(z), _plain(m))
    both = (zv + mv <= 0) & (zv + mv == _np.round(zv + mv))

    def both_poles(safe):
        zs, ms = safe(z, 0.0), safe(m, 0.0)
        return ans * (digamma(1 - zs - ms) - digamma(1 - zs))

    def one_pole(safe):
        zs, ms = safe(z, 0.0), safe(m, 1.0)
        rg = rgamma(zs)
        return gamma(zs + ms) * (digamma(zs + ms) * rg + _d_rgamma(rg, zs))
    return _piecewise(both, both_poles, one_pole)


def _pole_distance(v):
    """Plain: the distance from ``v`` to the nearest pole of Gamma (a nonpositive
    integer), ``inf`` for ``v > 1/2``."""
    with _np.errstate(invalid="ignore"):
        return _np.where(v > 0.5, _np.inf, _np.abs(v - _np.round(v)))


def _d_poch_z_regular(ans, z, m):
    zv, mv = _np.broadcast_arrays(_plain(z), _plain(m))
    # next to a pole of Gamma(z) (closer than z + m is to one) psi(z) ~ -1/(z + n):
    # poch (psi(z+m) - psi(z)) is right, but its derivative subtracts two ~1/(z+n)^2
    # terms (hessian at z = 1e-30: -5.6e14 for -4.35); Gamma(z+m) rgamma(z)
    # differentiated (as at the poles) is not a difference there
    dz = _pole_distance(zv)
    with _np.errstate(invalid="ignore"):
        near = (dz < 0.25) & (dz < _pole_distance(zv + mv)) & _np.isfinite(mv)
    if near.any():
        def at_pole(safe):
            zs, ms = safe(z, 0.0), safe(m, 1.0)
            rg = rgamma(zs)
            return gamma(zs + ms) * (digamma(zs + ms) * rg + _d_rgamma(rg, zs))
        return _piecewise(near, at_pole,
                          lambda safe: _d_poch_z_regular(safe(ans, 1.0), safe(z, 1.0),
                                                         safe(m, 1.0)))
    small = (_np.abs(mv) < _POCH_SERIES) & (zv >= 0.5)

    def series(safe):
        # psi(z+m) - psi(z) = sum_k psi^(k)(z) m^k / k!: no difference of nearly equal
        # digammas (which loses |psi(z)| / |m psi'(z)| ulps)
        zs, ms = safe(z, 1.0), safe(m, 0.0)
        acc = 0.0
        for k in range(_POCH_TERMS, 0, -1):
            acc = (acc + polygamma(k, zs) / math.factorial(k)) * ms
        return acc.astype(_rdt(ans)) if hasattr(acc, "astype") else acc

    def direct(safe):
        zs, ms = safe(z, 1.0), safe(m, 1.0)
        return digamma(zs + ms) - digamma(zs)
    return ans * _piecewise(small, series, direct)


def _d_poch_m(ans, z, m):
    return ans * digamma(z + m)


# digamma differences of size log z: in double for float32
poch = _nary(_sp.poch, "poch", [_in_double(_d_poch_z), _in_double(_d_poch_m)], ["z", "m"])
poch.__doc__ = ("``scipy.special.poch(z, m) = Gamma(z+m)/Gamma(z)``, differentiable in "
                "both: ``poch (psi(z+m) - psi(z))``, ``poch psi(z+m)``.")

gammasgn = nondifferentiable(_sp.gammasgn, name="special.gammasgn")
gammasgn.__doc__ = ("``scipy.special.gammasgn(x)``, the sign of Gamma: piecewise constant, "
                    "derivative 0.")
