"""The regularized incomplete gamma functions ``gammainc``, ``gammaincc``,
their derivatives in ``a`` (the power series, ``gammainc_da``, and the upper
tail integrals), ``log Q`` in the upper tail, ``log P`` far in the lower one,
and the inverses ``gammaincinv``, ``gammainccinv``."""
from __future__ import annotations

import numpy as _np
import scipy.special as _sp

from ... import numpy as dnp
from ...numpy._broadcast import bcast_tangent, unbroadcast
from ...numpy._ufuncs import times_finite_zero
from ...registry import defjvp, defvjp_direct
from ...tracer import primal_of, shape_of
from ._common import (_bcast, _fdtype, _GL_U, _GL_W, _in_double, _nary, _pv, _scan_terms,
                      _SPAN, _sub, _x_power_density)
from ._gamma import digamma, gammaln, polygamma
from ._logistic import xlogy


# --- incomplete gamma -------------------------------------------------------------------
def _gammainc_dx(ans, a, x):
    # x**(a-1) exp(-x) / Gamma(a), computed in logs; for float32 (and narrower) input
    # the exponent is formed in float64 and the result cast back: its terms of size
    # a log a cancel (7% error at a = x = 1e5 in float32 otherwise)
    # (x**(a-1) exp(-x - gammaln(a)) where that is below e^-600 at x < 1: see
    # _x_power_density)
    dt = _np.result_type(*(primal_of(v) for v in (a, x)))
    wide = dt.kind == "f" and dt.itemsize < 8
    if wide:
        a, x = dnp.astype(a, _np.float64), dnp.astype(x, _np.float64)
    f = _x_power_density(lambda a, x: xlogy(a - 1, x) - x - gammaln(a), (a, x), (2.0, 0.5),
                         lambda a, x: a - 1, lambda a, x: -x - gammaln(a))
    return dnp.astype(f, dt) if wide else f


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
    a, x = _bcast(a, x)
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
    return _gamma_logq_da(*_bcast(a, x))


def _glogq_dx(ans, a, x):
    a, x = _bcast(a, x)
    return -1.0 / (x * _gamma_tail_nd(a, x)[1])


def _log_gammaincc_impl(a, x):
    with _np.errstate(divide="ignore"):
        return _np.log(_sp.gammaincc(a, x))


def _gammainc_da(ans, a, x):
    """``d/da gammainc(a, x)``: the power series below the median; above it
    ``-d/da gammaincc`` from the tail integrals, accurate relative to ``1 - P``."""
    a, x = _bcast(a, x)
    with _np.errstate(all="ignore"):
        tail = _pv(x) > _sp.gammaincinv(_pv(a), 0.5)
    if not tail.any():
        return gammainc_da(a, x, 1)
    return -_gammaincc_da(gammaincc(a, x), a, x)


# the a-rules (series, tail integrals, logarithms of size a) run in double for float32
gammainc = _nary(_sp.gammainc, "gammainc", [_in_double(_gammainc_da), _gammainc_dx], ["a", "x"])
gammaincc = _nary(_sp.gammaincc, "gammaincc",
                  [_in_double(_gammaincc_da), lambda ans, a, x: -_gammainc_dx(ans, a, x)],
                  ["a", "x"])
# log Q for x above the median (x > a - 1), both derivatives from the tail integrals,
# relative to Q however small it is (gamma.logsf in dualad.scipy.stats)
_log_gammaincc_tail = _nary(_log_gammaincc_impl, "log_gammaincc_tail",
                           [_glogq_da, _glogq_dx], ["a", "x"])
_log_gammaincc_tail.__doc__ = ("``log(gammaincc(a, x))`` for ``x`` above the median "
                               "(internal: ``stats.gamma.logsf``).")


# --- log P far below the median, where P underflows ----------------------------------
# P(a, x) = x^a e^-x / Gamma(a+1) T,  T = M(1, a+1, x) = sum_n t_n,
# t_n = x^n Gamma(a+1) / Gamma(a+n+1) (decreasing from t_0 = 1 for x < a + 1), so
#   d/dx log P = a / (x T),   d/da log P = log x - sum_n t_n psi(a+n+1) / T,
# both finite however small P is (log(gammainc) is -inf once P underflows, and
# its derivative 0/0).  Written with registry operations: differentiable again.
_LOWTAIL_TOL = 41.5          # terms are summed until below e^-41.5 (1e-18) of t_0 = 1
_LOWTAIL_MAX_TERMS = 200_000
_LOWTAIL_CHUNK = 2048


def _lowtail_nterms(a, x, b=None):
    """Terms the series ``T = sum_n t_n`` needs at these plain values: ``t_n =
    prod_(k<=n) x / (a+k)`` (``0 < x < a + 1``), or with ``b``, ``prod_(k<=n)
    x (a+b+k-1) / (a+k)`` (the incomplete beta function's, ``x`` below its mean)."""
    gamma_series = b is None
    a, x, b = (_np.asarray(v, dtype=float).ravel()
               for v in _np.broadcast_arrays(a, x, 1.0 if gamma_series else b))
    ok = _np.isfinite(a) & _np.isfinite(x) & (x > 0) & (a > 0) & _np.isfinite(b) & (b > 0)
    if not ok.any():
        return 1
    a, x, b = a[ok], x[ok], b[ok]
    logt = _np.zeros_like(x)                  # log of the last term scanned

    def step(j, rows):
        A, X, k = a[rows][:, None], x[rows][:, None], j + 1.0      # term k = j + 1
        ratio = X / (A + k) if gamma_series else X * (A + b[rows][:, None] + k - 1) / (A + k)
        lt = logt[rows][:, None] + _np.cumsum(_np.log(ratio), axis=-1)
        logt[rows] = lt[:, -1]
        return lt < -_LOWTAIL_TOL
    with _np.errstate(all="ignore"):
        last, scanned, undone = _scan_terms(a.size, _LOWTAIL_MAX_TERMS, 64, step)
    return int(min(scanned if undone else max(last + 2, 1), _LOWTAIL_MAX_TERMS))


def _running_terms(nterms, log_ratio):
    """The terms ``t_k = prod_(j<=k) r_j`` (``k = 1 .. nterms-1``; ``t_0 = 1`` is the
    caller's) in chunks along a new last axis: yields ``(k, t_k)``, with ``log
    t_k`` a running sum of ``log_ratio(k) = log r_k`` carried across chunks (no
    differences of large ``gammaln`` values: at ``a = 1e4`` those lose 1e-11
    relatively).  Registry operations."""
    carry = 0.0
    for lo in range(1, nterms, _LOWTAIL_CHUNK):
        k = _np.arange(lo, min(lo + _LOWTAIL_CHUNK, nterms), dtype=float)
        logt = carry + dnp.cumsum(log_ratio(k), axis=-1)
        carry = dnp.expand_dims(logt[..., -1], -1)
        yield k, dnp.exp(logt)


def _lowtail_sums(a, x, with_psi):
    """``(T, sum_n t_n psi(a+n+1))`` (the second None unless ``with_psi``)."""
    A, X = dnp.expand_dims(a, -1), dnp.expand_dims(x, -1)
    logx = dnp.log(X)
    t_sum = 1.0
    p_sum = digamma(a + 1) if with_psi else None
    for k, t in _running_terms(_lowtail_nterms(_pv(a), _pv(x)), lambda k: logx - dnp.log(A + k)):
        t_sum = t_sum + dnp.sum(t, axis=-1)
        if with_psi:
            p_sum = p_sum + dnp.sum(t * digamma(A + k + 1), axis=-1)
    return t_sum, p_sum


def _glogp_dx(ans, a, x):
    # (a / T) / x, not a / (x T): the a-derivative of the latter forms (x T)^2, which
    # underflows for x < 1e-154 (d2/dxda was inf where the truth is 1/x = 1e160)
    a, x = _bcast(a, x)
    return (a / _lowtail_sums(a, x, False)[0]) / x


def _glogp_da(ans, a, x):
    a, x = _bcast(a, x)
    t, p = _lowtail_sums(a, x, True)
    return dnp.log(x) - p / t


_LOGP_SERIES_BELOW = 1e-300     # P below which log P is the series' (SciPy's P underflows)


def _log_gammainc_impl(a, x):
    """SciPy's ``log(gammainc(a, x))``; where ``gammainc`` is below 1e-300 (it
    underflows to 0 from ``x^a ~ 1e-308``, where its log is -inf),
    ``a log x - x - gammaln(a+1) + log T`` with the series ``T`` of the rules: the
    finite value.  Computed in float64 and rounded to the arguments' dtype: in
    float32 SciPy's ``gammainc`` is 0 from ~1e-45 (its log -inf: ``gamma.logcdf``
    at ``x = 1e-30``, ``a = 2.5``, where the truth is -173.89) and subnormal above."""
    dt = _np.result_type(_np.asarray(a), _np.asarray(x), _np.float32)
    with _np.errstate(invalid="ignore"):
        av, xv = _np.broadcast_arrays(_np.asarray(a, dtype=float), _np.asarray(x, dtype=float))
    with _np.errstate(divide="ignore"):
        out = _np.log(_sp.gammainc(av, xv))
    with _np.errstate(invalid="ignore"):
        low = (out < _np.log(_LOGP_SERIES_BELOW)) & (xv > 0) & (xv < av + 1) & \
            _np.isfinite(av) & _np.isfinite(xv)
    if _np.any(low):
        al, xl = av[low], xv[low]
        t = _lowtail_sums(al, xl, False)[0]
        out = _np.array(out, copy=True)
        out[low] = al * _np.log(xl) - xl - _sp.gammaln(al + 1) + _np.log(t)
    return out.astype(dt, copy=False)[()]


# log P for x below the median, derivatives relative to P however small it is
# (gamma.logcdf in dualad.scipy.stats, where P underflows)
_log_gammainc_low = _nary(_log_gammainc_impl, "log_gammainc_low", [_glogp_da, _glogp_dx],
                          ["a", "x"])
_log_gammainc_low.__doc__ = ("``log(gammainc(a, x))`` for ``x`` below the median, with "
                             "derivatives that stay finite where ``gammainc`` underflows "
                             "(internal: ``stats.gamma.logcdf``).")


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
    logt = _np.zeros_like(x)                  # log of the last term's power factor
    peak = _np.full_like(x, -_np.inf)

    def step(j, rows):
        A, X, n = a[rows][:, None], x[rows][:, None], j.astype(float)
        lr = _np.log(X / (A + n))
        lt = logt[rows][:, None] + _np.cumsum(lr, axis=-1)
        lt = lt + _np.log(_np.abs(_sp.digamma(A + n + 1) - _np.log(X)) + 1e-300)
        pk = _np.maximum(_np.maximum.accumulate(lt, axis=-1), peak[rows][:, None])
        logt[rows] = logt[rows] + _np.sum(lr, axis=-1)
        peak[rows] = pk[:, -1]
        return (X < A + n + 1) & (lt < pk - _GINV_TOL)
    with _np.errstate(all="ignore"):
        last, scanned, undone = _scan_terms(a.size, nmax, 256, step)
    return int(max(last + 1, 1, nmax if undone else 0))


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
    a, x = _bcast(a, ans)
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
    a, x = _bcast(a, ans)
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


gammaincinv = _nary(_sp.gammaincinv, "gammaincinv",
                    [_in_double(_gammaincinv_da), _in_double(_gammaincinv_dy)], ["a", "y"])
gammainccinv = _nary(_sp.gammainccinv, "gammainccinv",
                     [_in_double(_gammaincinv_da),
                      _in_double(lambda ans, a, y: -_gammaincinv_dy(ans, a, y, True))],
                     ["a", "y"])
