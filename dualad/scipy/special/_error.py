"""The error function and the normal distribution: ``erf``, ``erfc``, their
inverses, ``ndtr``, ``log_ndtr``, ``ndtri``, ``erfcx``, ``dawsn``, ``erfi``,
Owen's ``owens_t``."""
from __future__ import annotations

import numpy as _np
import scipy.special as _sp

from ... import numpy as dnp
from ...numpy._ufuncs import _is_complex, times_finite_zero
from ...registry import defjvp, defvjp_direct, primitive
from ...tracer import primal_of
from ._common import _LOG_SQRT_2PI, _nary, _piecewise, _SQRT_PI, _unary


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
    (``phi / Phi`` in terms of the scaled complementary error function).  Complex
    ``x`` the same in complex arithmetic, the continued fraction for ``Re x < -3``
    (it converges for ``Re u > 0``)."""
    x = _np.asarray(x)
    if _np.iscomplexobj(x):
        dt = x.dtype
        xf = x.astype(complex)
    else:
        dt = x.dtype if _np.issubdtype(x.dtype, _np.floating) else _np.dtype(float)
        xf = x.astype(float)
    tail = xf.real < -3.0
    u = _np.where(tail, -xf, 3.0)
    f = u
    for k in range(80, 1, -1):
        f = u + k / f
    with _np.errstate(over="ignore"):
        near = xf + _np.sqrt(2 / _np.pi) / _sp.erfcx(-xf / _np.sqrt(2.0))
    out = _np.where(tail, 1.0 / f, near).astype(dt, copy=False)
    return out[()] if out.ndim == 0 else out


def _series_recip(f, K):
    """Taylor coefficients ``0..K`` (first axis) of ``1 / f`` from those of ``f``."""
    g = _np.empty_like(f)
    g[0] = 1.0 / f[0]
    for n in range(1, K + 1):
        s = f[1] * g[n - 1]
        for j in range(2, n + 1):
            s = s + f[j] * g[n - j]
        g[n] = -s / f[0]
    return g


_LOG_NDTR_H_DK_CF_FROM = -2.0   # Re x below which log_ndtr_h_dk differentiates the fraction


def _log_ndtr_h_dk_impl(x, k):
    """``d^k/dx^k h(x)`` (``k >= 1``) for ``h = x + phi/Phi`` (:func:`_log_ndtr_h`), as
    ``k!`` times the k-th Taylor coefficient of ``h(x + t)``.  For ``Re x < -2`` Laplace's
    continued fraction ``h = 1 / (u + 2 / (u + 3 / ...))``, ``u = -x - t``, is evaluated
    in truncated power-series arithmetic (its coefficients keep one sign: no
    cancellation, ~1e-16 relative even at ``x = -1e8``, where ``h^(k) ~ k! / |x|^(k+1)``;
    200 terms for ``u < 4``, 80 below 6, 40 beyond).  Elsewhere the Taylor recurrence
    of ``r = phi/Phi`` from ``r' = -r h`` (``h = x + r``; ``r`` from ``erfcx``).  The
    closed form ``h' = 1 - r h`` (and its derivatives) cancels in the left tail, where
    ``r h -> 1`` (the third derivative of ``log_ndtr`` had the wrong sign at -1e5)."""
    k = int(_np.asarray(k).reshape(-1)[0]) if _np.ndim(k) else int(k)
    x = _np.asarray(x)
    if _np.iscomplexobj(x):
        dt, xf = x.dtype, x.astype(complex)
    else:
        dt = x.dtype if _np.issubdtype(x.dtype, _np.floating) else _np.dtype(float)
        xf = x.astype(float)
    fact = float(_np.prod(_np.arange(1, k + 1, dtype=float)))
    tail = xf.real < _LOG_NDTR_H_DK_CF_FROM
    out = _np.zeros(xf.shape, dtype=xf.dtype)
    with _np.errstate(all="ignore"):
        if tail.any():
            u0 = -xf[tail]
            umin = float(u0.real.min())
            nterms = 200 if umin < 4 else (80 if umin < 6 else 40)
            U = _np.zeros((k + 1,) + u0.shape, dtype=xf.dtype)
            U[0], U[1] = u0, -1.0
            f = U
            for j in range(nterms, 1, -1):
                f = U + j * _series_recip(f, k)
            out[tail] = fact * _series_recip(f, k)[k]
        if not tail.all():
            xn = xf[~tail]
            r = [_np.sqrt(2 / _np.pi) / _sp.erfcx(-xn / _np.sqrt(2.0))]
            h = [xn + r[0]]
            for n in range(k):
                s = r[0] * h[n]
                for i in range(1, n + 1):
                    s = s + r[i] * h[n - i]
                r.append(-s / (n + 1))
                h.append(r[n + 1] + (1.0 if n == 0 else 0.0))
            out[~tail] = fact * h[k]
    out = out.astype(dt, copy=False)
    return out[()] if out.ndim == 0 else out


_log_ndtr_h = primitive(_log_ndtr_h_impl, name="special.log_ndtr_h")
_log_ndtr_h.__doc__ = ("``x + d/dx log_ndtr(x)``, accurate for very negative ``x`` "
                       "(internal: the rules of ``log_ndtr``).  Derivatives of every "
                       "order from ``_log_ndtr_h_dk`` (``1 - r h`` cancels in the "
                       "left tail).")
def _kth_derivative(impl, name, doc):
    """A primitive ``f(x, k)``: the k-th derivative (k >= 1, a plain integer) of
    some function, from ``impl``, whose x-derivative is ``f(x, k + 1)``, so every
    order is computed without the cancellation of its recurrence; ``doc`` says
    of what and why."""
    def rule(ans, x, k):
        return prim(x, primal_of(k) + 1)
    prim = _nary(impl, name, [rule, None], ["x", "k"])
    prim.__doc__ = f"``{name}(x, k)``: {doc}; differentiable in ``x``."
    return prim


_log_ndtr_h_dk = _kth_derivative(
    _log_ndtr_h_dk_impl, "log_ndtr_h_dk",
    "the k-th derivative of ``_log_ndtr_h`` without cancellation (internal)")


def _log_ndtr_ratio(x):
    """``phi(x) / Phi(x)``, the derivative of ``log_ndtr``, written with registry
    operations: ``h(x) - x`` for ``x < 0`` (a sum of two positive numbers, no
    cancellation even at ``x = -1e10``), ``exp(-x^2/2 - log sqrt(2 pi) - log_ndtr(x))``
    for ``x >= 0`` (where ``h - x`` would cancel); complex ``x`` by ``Re x``."""
    def upper(safe):
        xp = safe(x, 0.0)
        return dnp.exp(-0.5 * xp * xp - _LOG_SQRT_2PI - log_ndtr(xp))
    return _piecewise(_np.real(_np.asarray(primal_of(x))) < 0,
                      lambda safe: _log_ndtr_h(x) - x, upper)


defjvp(_log_ndtr_h, lambda t, ans, x: times_finite_zero(t, _log_ndtr_h_dk(x, 1)))
defvjp_direct(_log_ndtr_h, lambda g, ans, x: times_finite_zero(g, _log_ndtr_h_dk(x, 1)))

log_ndtr = _unary(_sp.log_ndtr, "log_ndtr", lambda ans, x: _log_ndtr_ratio(x))
ndtri = _unary(_sp.ndtri, "ndtri", lambda ans, x: dnp.exp(0.5 * ans * ans + _LOG_SQRT_2PI))

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


erfcx_dk = _kth_derivative(
    _erfcx_dk_impl, "erfcx_dk", "the k-th derivative of ``erfcx`` (real ``x``), without "
    "the cancellation of ``2x erfcx(x) - 2/sqrt(pi)`` at large ``x``")
dawsn_dk = _kth_derivative(
    _dawsn_dk_impl, "dawsn_dk", "the k-th derivative of ``dawsn`` (real ``x``), without "
    "the cancellation of ``1 - 2x dawsn(x)`` at large ``|x|``")

erfcx = _unary(_sp.erfcx, "erfcx", lambda ans, x: (
    2 * x * ans - 2 / _SQRT_PI if _is_complex(x) else erfcx_dk(x, 1)))
dawsn = _unary(_sp.dawsn, "dawsn", lambda ans, x: (
    1 - 2 * x * ans if _is_complex(x) else dawsn_dk(x, 1)))
erfi = _unary(_sp.erfi, "erfi", lambda ans, x: (2 / _SQRT_PI) * dnp.exp(x * x))

# --- Owen's T --------------------------------------------------------------------------------
owens_t = _nary(_sp.owens_t, "owens_t",
                [lambda ans, h, a: -0.5 * dnp.exp(-0.5 * h * h - _LOG_SQRT_2PI)
                 * erf(a * h / _np.sqrt(2.0)),
                 lambda ans, h, a: dnp.exp(-0.5 * h * h * (1 + a * a))
                 / ((2 * _np.pi) * (1 + a * a))], ["h", "a"])
