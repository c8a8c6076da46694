"""The Hurwitz and Riemann zeta function ``zeta`` and its derivatives in
``x`` (``zeta_dx``: Euler-Maclaurin, the functional equation)."""
from __future__ import annotations

import numpy as _np
import scipy.special as _sp

from ...numpy._broadcast import bcast_tangent, unbroadcast
from ...registry import defjvp, defvjp_direct
from ._common import _nary
from ._gamma import _polygamma_complex_impl


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
