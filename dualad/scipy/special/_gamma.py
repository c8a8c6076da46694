"""The gamma family: ``gamma``, ``gammaln``, ``loggamma``, ``digamma`` (``psi``),
``polygamma`` (and the complex polygammas), ``beta``, ``betaln``,
``multigammaln``, ``binom``."""
from __future__ import annotations

import numpy as _np
import scipy.special as _sp

from ... import numpy as dnp
from ...numpy._ufuncs import _is_complex
from ...tracer import primal_of
from ._common import _bcast, _in_double, _nary, _piecewise, _pv, _sub, _unary


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
    """``d/da log B(a, b) = psi(a) - psi(a + b)``.  Where ``a, a + b > 0`` and
    ``|b| < a`` the difference cancels as ``b / a -> 0`` (``a >> 1``: both terms ~
    ``log a``, the difference ~ ``-b / a``; any ``a`` and tiny ``b``: ``-b psi'(a)``,
    0 at ``b = 1e-20``), so it is summed with every term of one sign: shifted by
    ``M = max(0, ceil(20 - min(a, a + b)))`` with ``psi(x + 1) = psi(x) + 1/x``,
    ``-(psi(a + b + M) - psi(a + M)) - sum_(j<M) b / ((a + j)(a + b + j))``, the
    first from the differenced asymptotic series (``_digamma_difference``).  Its
    derivatives (the trigamma differences) do not cancel either.  The mask is on
    plain values: no extra work elsewhere."""
    a, b = _bcast(a, b)
    av, bv = _pv(a), _pv(b)
    with _np.errstate(invalid="ignore"):
        near = ((av > 0) & (av + bv > 0) & (_np.abs(bv) < av) & _np.isfinite(av))

    def series(safe):
        af, bf = safe(a, 2 * _PSI_SHIFT), safe(b, 1.0)
        with _np.errstate(invalid="ignore"):
            lo = _np.where(near, _np.minimum(av, av + bv), _PSI_SHIFT)
        shift = int(max(0.0, _np.ceil(_PSI_SHIFT - _np.min(lo))))
        out = -_digamma_difference(af + bf + shift, bf) if shift else \
            -_digamma_difference(af + bf, bf)
        for j in range(shift):
            out = out - bf / ((af + j) * (af + bf + j))
        return out

    def direct(safe):
        an, bn = safe(a, 1.0), safe(b, 1.0)
        return digamma(an) - digamma(an + bn)
    return _piecewise(near, series, direct)


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
    # SciPy's order of operations, so the value is SciPy's to the last bit: the
    # terms stacked and summed in their own dtype (float32 input: float32 terms and
    # sum, then added to the float64 constant, a float64 value), not accumulated
    # one by one onto the constant (1e-8 relative off for float32 input)
    const = (d * (d - 1) * 0.25) * _np.log(_np.pi)
    return const + dnp.sum(dnp.stack([gammaln(a - 0.5 * j) for j in range(d)]), axis=0)


# --- log gamma -------------------------------------------------------------------
def _loggamma_dx(ans, x):
    # digamma (complex too); SciPy's loggamma of a negative real is NaN: so is its derivative
    if _is_complex(x):
        return digamma(x)
    neg = _pv(x) < 0
    return digamma(x) if not neg.any() else dnp.where(neg, _np.nan, digamma(_sub(neg, x, 1.0)))


loggamma = _unary(_sp.loggamma, "loggamma", _loggamma_dx)


# --- binomial coefficient ----------------------------------------------------------
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
    n, k = _bcast(n, k)
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
    n, k = _bcast(n, k)
    refl = _binom_pole_side(n, k)

    def direct(safe):
        nn, kk = safe(n, 2.0), safe(k, 0.5)
        return ans * (digamma(nn - kk + 1) - digamma(kk + 1))
    return _piecewise(refl, lambda safe: _binom_reflected(ans, n, k, refl, "k"), direct)


# digamma differences of size log n: in double for float32
binom = _nary(_sp.binom, "binom", [_in_double(_binom_dn), _in_double(_binom_dk)], ["n", "k"])
