"""Elementary ufuncs (``expm1``, ``log1p``, ``exp2``, ``exp10``, ``cbrt``,
``round``), ``softplus`` and ``sinc``, the combinatorial helpers (``comb``,
``perm``, ``factorial``, ``factorial2``, ``factorialk``, ``exact=False``), the
integer-order Bessel functions (``jn``, ``yn``, ``kn``) and the derivatives of
Bessel functions in ``z`` (``jvp``, ``yvp``, ``ivp``, ``kvp``, ``h1vp``, ``h2vp``).

Rules (values are SciPy's own):

* ``expm1' = exp``, ``log1p' = 1 / (1 + x)``, ``exp2' = log(2) exp2``,
  ``exp10' = log(10) exp10``, ``cbrt' = 1 / (3 cbrt^2)`` (infinite at 0: a zero
  tangent stays 0), ``round``: derivative 0 (a plain result).
* ``softplus(x)`` is ``logaddexp(0, x)``, as in SciPy: derivative ``expit(x)``,
  with full relative accuracy in both tails.  ``sinc`` is NumPy's (SciPy's is the
  same function).
* ``comb(N, k)`` (``exact=False``) is ``binom(N, k)`` and ``perm(N, k)`` is
  ``poch(N - k + 1, k)`` where ``0 <= k <= N``, 0 elsewhere (derivative 0 there);
  ``repetition=True``: ``binom(N + k - 1, k)``, 1 at ``k = 0 <= N``.  Differentiable
  in ``N`` and ``k`` through ``binom`` / ``poch``.  ``exact=True`` gives Python
  integers, which have no derivative: traced arguments raise ``TypeError``.
* ``factorial(n)`` is ``gamma(n + 1)`` for ``n >= 0`` (0 for ``n < 0`` with
  ``extend='zero'``); ``factorial2`` / ``factorialk`` with ``extend='complex'``
  are ``k^(n/k) Gamma(n/k + 1) / (k^(1/k) Gamma(1/k + 1))`` (SciPy's form,
  differentiable in ``n``); with ``extend='zero'`` SciPy accepts integers only,
  so a traced (floating) ``n`` raises SciPy's error.
* ``jn = jv``; ``yn(n, x)`` and ``kn(n, x)``: ``(yn(n-1) - yn(n+1)) / 2`` and
  ``-(kn(n-1) + kn(n+1)) / 2``; the integer order ``n`` has derivative 0.
* ``jvp(v, z, n)`` and the others are SciPy's own sum (DLMF 10.6.7 / 10.29.5)
  ``2^-n sum_i (+-1)^i binom(n, i) L(v - n + 2i, z)`` of the differentiable
  ``jv``, ``yv``, ``iv``, ``kv``, ``hankel1``, ``hankel2``: the same values, and
  derivatives of every order in ``z`` (those of ``jvp(v, z, n)`` are
  ``jvp(v, z, n + 1)``, ...).  The order ``v`` has no rule (as for ``jv``).

>>> import dualad as ad
>>> from dualad.scipy import special
>>> float(ad.grad(special.softplus)(0.0))                    # expit(0)
0.5
>>> bool(abs(ad.grad(lambda z: special.jvp(1.0, z))(2.0) - special.jvp(1.0, 2.0, 2)) < 1e-15)
True
"""
from __future__ import annotations

import math
import operator

import numpy as _np
import scipy.special as _sp

from ... import numpy as dnp
from ...registry import nondifferentiable
from ...tracer import contains_tracer, primal_of
from ._bessel import iv, jv, kv, yv
from ._bessel_extra import hankel1, hankel2
from ._common import _nary, _sub, _unary
from ._gamma import binom, gamma
from ._orthopoly_misc import poch, rgamma

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)


def _traced(*args):
    return any(contains_tracer(a) for a in args)


# --- elementary ufuncs -----------------------------------------------------------------
expm1 = _unary(_sp.expm1, "expm1", lambda ans, x: dnp.exp(x))
log1p = _unary(_sp.log1p, "log1p", lambda ans, x: 1.0 / (1.0 + x))
exp2 = _unary(_sp.exp2, "exp2", lambda ans, x: _LN2 * ans)
exp10 = _unary(_sp.exp10, "exp10", lambda ans, x: _LN10 * ans)
cbrt = _unary(_sp.cbrt, "cbrt", lambda ans, x: 1.0 / (3.0 * (ans * ans)))
round = nondifferentiable(_sp.round, name="special.round")   # noqa: A001 (SciPy's name)
expm1.__doc__ = "``scipy.special.expm1(x) = exp(x) - 1``, differentiable: ``exp(x)``."
log1p.__doc__ = "``scipy.special.log1p(x) = log(1 + x)``, differentiable: ``1 / (1 + x)``."
exp2.__doc__ = "``scipy.special.exp2(x) = 2**x``, differentiable: ``log(2) 2**x``."
exp10.__doc__ = "``scipy.special.exp10(x) = 10**x``, differentiable: ``log(10) 10**x``."
cbrt.__doc__ = "``scipy.special.cbrt(x)``, differentiable: ``1 / (3 cbrt(x)^2)``."
round.__doc__ = ("``scipy.special.round(x)`` (halves to even), derivative 0: the result is "
                 "a plain array.")


def softplus(x, **kwargs):
    """``scipy.special.softplus(x) = log(1 + exp(x))``, computed as SciPy does
    (``logaddexp(0, x)``), differentiable: ``expit(x)``, accurate in both tails.

    >>> import dualad as ad
    >>> print(f"{float(ad.grad(softplus)(-40.0)):.10e}")            # expit(-40)
    4.2483542552e-18
    """
    if not _traced(x):
        return _sp.softplus(x, **kwargs)
    if kwargs:
        raise NotImplementedError(
            f"special.softplus: the ufunc keyword(s) {sorted(kwargs)} are not supported "
            f"on traced values; call it without them")
    return dnp.logaddexp(0, x)


sinc = dnp.sinc    # scipy.special.sinc is numpy.sinc


# --- combinatorics ---------------------------------------------------------------------
def _no_exact(fname, *args):
    if _traced(*args):
        raise TypeError(
            f"special.{fname}(..., exact=True) returns Python integers, which have no "
            f"derivative; pass exact=False (floating point, differentiable) or plain "
            f"values")


def _zero_outside(cond, value_fn, safe_args, fill_value):
    """``value_fn(*safe)`` where the plain ``cond`` holds, ``fill_value`` elsewhere;
    the arguments are replaced there by ``safe_args`` fills, so no rule sees a point
    outside the domain (derivative exactly 0 there)."""
    cond = _np.asarray(cond)
    args = [_sub(~cond, a, fill) for a, fill in safe_args]
    out = value_fn(*args)
    if cond.all():
        return out
    return dnp.where(cond, out, fill_value)


def comb(N, k, *, exact=False, repetition=False):
    """``scipy.special.comb``: ``N`` choose ``k``; with ``exact=False``
    differentiable in ``N`` and ``k`` (``binom``'s rules), 0 (derivative 0) for
    ``k > N``, ``N < 0`` or ``k < 0``.

    >>> import dualad as ad
    >>> float(comb(5.0, 2.0))
    10.0
    >>> float(ad.grad(lambda n: comb(n, 2.0))(5.0))          # d/dN N (N - 1) / 2 = N - 1/2
    4.5
    """
    if exact:
        _no_exact("comb", N, k)
        return _sp.comb(N, k, exact=True, repetition=repetition)
    if not _traced(N, k):
        return _sp.comb(N, k, exact=False, repetition=repetition)
    Nv, kv_ = _np.asarray(primal_of(N)), _np.asarray(primal_of(k))
    if repetition:
        one = (kv_ == 0) & (Nv >= 0)
        return _zero_outside(~one, lambda n_, k_: binom(n_ + k_ - 1, k_),
                             [(N, 2.0), (k, 1.0)], 1.0)
    cond = (kv_ <= Nv) & (Nv >= 0) & (kv_ >= 0)
    return _zero_outside(cond, binom, [(N, 2.0), (k, 1.0)], 0.0)


def perm(N, k, exact=False):
    """``scipy.special.perm``: k-permutations of ``N``, ``poch(N - k + 1, k)``; with
    ``exact=False`` differentiable in ``N`` and ``k`` (``poch``'s rules), 0
    (derivative 0) for ``k > N``, ``N < 0`` or ``k < 0``.

    >>> import dualad as ad
    >>> float(perm(5.0, 2.0))
    20.0
    >>> print(f"{float(ad.grad(lambda n: perm(n, 2.0))(5.0)):.12f}")   # (N (N - 1))' = 2N - 1
    9.000000000000
    """
    if exact:
        _no_exact("perm", N, k)
        return _sp.perm(N, k, exact=True)
    if not _traced(N, k):
        return _sp.perm(N, k, exact=False)
    Nv, kv_ = _np.asarray(primal_of(N)), _np.asarray(primal_of(k))
    cond = (kv_ <= Nv) & (Nv >= 0) & (kv_ >= 0)
    return _zero_outside(cond, lambda n_, k_: poch(n_ - k_ + 1, k_),
                         [(N, 2.0), (k, 1.0)], 0.0)


def _factorialx(fname, n, k, exact, extend, sp_call):
    if exact:
        _no_exact(fname, n, k)
        return sp_call()
    if not _traced(n, k):
        return sp_call()
    if _traced(k):
        raise NotImplementedError(
            f"special.{fname}: the order k has no derivative here; pass it as a "
            f"plain number")
    nv = _np.asarray(primal_of(n))
    if nv.dtype.kind == "c":
        raise NotImplementedError(f"special.{fname}: complex n is not supported on "
                                  f"traced values")
    # SciPy's checks (and its errors: extend='zero' takes integers only for
    # factorial2 / factorialk, so a traced, floating n raises there as in SciPy),
    # its value and its dtype
    ref = _np.asarray(sp_call(primal_of(n)))
    kk = 1 if fname == "factorial" else k
    with _np.errstate(invalid="ignore"):
        cond = ~_np.isnan(ref) & ((nv >= 0) if extend == "zero" else True)
    if kk != 1:     # extend='complex': SciPy's k^(n/k) Gamma(n/k + 1) / (k^(1/k) Gamma(1/k + 1))
        c = float(_sp.rgamma(1.0 / kk + 1) / _np.power(kk, 1.0 / kk))
        out = _zero_outside(cond, lambda m: kk ** (m / kk) * gamma(m / kk + 1) * c,
                            [(n, 1.0)], ref)
    else:           # gamma(n + 1), 0 for n < 0 with extend='zero', NaN at n = -1
        out = _zero_outside(cond, lambda m: gamma(m + 1), [(n, 1.0)], ref)
    if _np.asarray(primal_of(out)).dtype != ref.dtype:
        out = dnp.astype(out, ref.dtype)
    return out


def factorial(n, exact=False, extend="zero"):
    """``scipy.special.factorial``: with ``exact=False``, ``gamma(n + 1)``,
    differentiable in ``n`` (``gamma(n + 1) digamma(n + 1)``); 0 for ``n < 0``
    (``extend='zero'``, derivative 0).

    >>> import dualad as ad
    >>> float(ad.grad(factorial)(1.0))                  # 1 - euler_gamma
    0.42278433509846713
    """
    return _factorialx("factorial", n, 1, exact, extend,
                       lambda m=n: _sp.factorial(m, exact=exact, extend=extend))


def factorial2(n, exact=False, extend="zero"):
    """``scipy.special.factorial2``; differentiable in ``n`` with
    ``extend='complex'`` (SciPy's extension ``2^(n/2) Gamma(n/2 + 1) sqrt(2/pi)``).
    With ``extend='zero'`` SciPy takes integers only (no derivative)."""
    return _factorialx("factorial2", n, 2, exact, extend,
                       lambda m=n: _sp.factorial2(m, exact=exact, extend=extend))


def factorialk(n, k, exact=False, extend="zero"):
    """``scipy.special.factorialk``; differentiable in ``n`` with
    ``extend='complex'`` (``k^(n/k) Gamma(n/k + 1) / (k^(1/k) Gamma(1/k + 1))``);
    ``k`` plain.  With ``extend='zero'`` SciPy takes integers only."""
    return _factorialx("factorialk", n, k, exact, extend,
                       lambda m=n: _sp.factorialk(m, k, exact=exact, extend=extend))


# --- integer-order Bessel functions ----------------------------------------------------
jn = jv


def _yn_dx(ans, n, x):
    nv = primal_of(n)
    return 0.5 * (yn(nv - 1, x) - yn(nv + 1, x))


def _kn_dx(ans, n, x):
    nv = primal_of(n)
    return -0.5 * (kn(nv - 1, x) + kn(nv + 1, x))


yn = _nary(_sp.yn, "yn", [None, _yn_dx], ["n", "x"])
kn = _nary(_sp.kn, "kn", [None, _kn_dx], ["n", "x"])
yn.__doc__ = ("``scipy.special.yn(n, x)``, integer order ``n``, differentiable in ``x``: "
              "``(yn(n-1, x) - yn(n+1, x)) / 2``.")
kn.__doc__ = ("``scipy.special.kn(n, x)``, integer order ``n``, differentiable in ``x``: "
              "``-(kn(n-1, x) + kn(n+1, x)) / 2``.")


# --- derivatives of Bessel functions ---------------------------------------------------
def _nonneg_int(n):
    try:
        n = operator.index(n)
        if n < 0:
            raise ValueError()
    except (ValueError, TypeError) as err:
        raise err.__class__("n must be a non-negative integer") from err
    return n


def _diff_formula(v, z, n, L, phase):
    # SciPy's _bessel_diff_formula (AMS 55), with the same operations in the same order
    v = primal_of(v)
    v = _np.asarray(v)
    p = 1.0
    s = L(v - n, z)
    for i in range(1, n + 1):
        p = phase * (p * (n - i + 1)) / i
        s = s + p * L(v - n + i * 2, z)
    return s / (2. ** n)


def _bessel_p(name, L, phase, sign=False):
    sp_fn = getattr(_sp, name)

    def f(v, z, n=1):
        n = _nonneg_int(n)
        if not _traced(v, z):
            return sp_fn(v, z, n)
        if contains_tracer(v):
            raise NotImplementedError(
                f"special.{name}: the derivative with respect to the order 'v' is not "
                f"implemented; pass 'v' as a constant")
        if n == 0:
            return L(v, z)
        out = _diff_formula(v, z, n, L, phase)
        return (-1) ** n * out if sign else out
    f.__name__ = name
    f.__qualname__ = name
    return f


jvp = _bessel_p("jvp", jv, -1)
yvp = _bessel_p("yvp", yv, -1)
ivp = _bessel_p("ivp", iv, 1)
kvp = _bessel_p("kvp", kv, 1, sign=True)
h1vp = _bessel_p("h1vp", hankel1, -1)
h2vp = _bessel_p("h2vp", hankel2, -1)
for _f, _L in ((jvp, "jv"), (yvp, "yv"), (ivp, "iv"), (kvp, "kv"), (h1vp, "hankel1"),
               (h2vp, "hankel2")):
    _f.__doc__ = (f"``scipy.special.{_f.__name__}(v, z, n=1)``: the n-th derivative of "
                  f"``{_L}`` in ``z``, SciPy's recurrence of the differentiable ``{_L}`` "
                  f"(same values; differentiable in ``z`` to any order; ``v`` plain).")
del _f, _L
