"""The regularized incomplete beta function ``betainc``, its complement
``betaincc`` (internal), their derivatives in ``a`` and ``b`` (the series), and
the inverses ``betaincinv``, ``betainccinv``."""
from __future__ import annotations

import numpy as _np
import scipy.special as _sp

from ... import numpy as dnp
from ...tracer import primal_of, shape_of
from ._common import (_bcast, _DENSITY_POWER_LOG, _in_double, _nary, _pv, _scan_terms, _sub,
                      _x_power_density)
from ._gamma import betaln, digamma, gammaln
from ._logistic import xlog1py, xlogy


def _betainc_dx(ans, a, b, x):
    # as _incgamma._gammainc_dx: the exponent in float64 for float32 input (its terms cancel)
    # (x**(a-1) exp((b-1) log1p(-x) - betaln(a, b)) where that is below e^-600 at x < 1)
    dt = _np.result_type(*(primal_of(v) for v in (a, b, x)))
    wide = dt.kind == "f" and dt.itemsize < 8
    if wide:
        a, b, x = (dnp.astype(v, _np.float64) for v in (a, b, x))
    f = _x_power_density(lambda a, b, x: xlogy(a - 1, x) + xlog1py(b - 1, -x) - betaln(a, b),
                         (a, b, x), (2.0, 2.0, 0.5), lambda a, b, x: a - 1,
                         lambda a, b, x: xlog1py(b - 1, -x) - betaln(a, b))
    return dnp.astype(f, dt) if wide else f


_BETA_TOL = 1e-18          # relative size of the first neglected term (and its tail)
_BETA_MAX_TERMS = 100_000  # cap: beyond it (a + b ~ 1e8 near the mean) accuracy degrades
_BETA_CHUNK = 2048
_BETA_TINY = 0.01          # b (a) below which d/da (d/db) keeps the series that does not cancel


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
    with _np.errstate(invalid="ignore"):   # NaN / out-of-domain slots need no terms
        ok = (a > 0) & (b > 0) & (x > 0) & (x < 1) & _np.isfinite(a + b)
    a, b, logx, log1mx = a[ok], b[ok], logx[ok], log1mx[ok]
    peak = _np.full(a.shape, -_np.inf)

    def step(j, rows):
        A, B, lx, l1 = (v[rows][:, None] for v in (a, b, logx, log1mx))
        n = j.astype(float)
        logt = _sp.gammaln(A + B + n) - _sp.gammaln(A + n + 1) + (A + n) * lx
        rho = _np.exp(lx) * (A + B + n) / (A + n + 1)
        dg = (1.0 + _np.abs(_sp.digamma(A + B + n) - _sp.digamma(A + n + 1) + lx)
              + _np.abs(_sp.digamma(A + B + n) - _sp.digamma(B) + l1))
        pk = _np.maximum(_np.maximum.accumulate(logt, axis=-1), peak[rows][:, None])
        peak[rows] = pk[:, -1]
        return (rho < 1) & (logt + 2 * _np.log(dg) - _np.log1p(-_np.minimum(rho, 0.999999))
                            < _np.log(_BETA_TOL) + pk)
    with _np.errstate(all="ignore"):
        last, scanned, undone = _scan_terms(a.size, _BETA_MAX_TERMS, 64, step)
    return int(min(max(last + 2, scanned if undone else 0, 1), _BETA_MAX_TERMS))


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
    else that of ``I_x(a, b) = 1 - I_(1-x)(b, a)`` -- except for ``d/da`` at
    ``b < 0.01`` (``d/db`` at ``a < 0.01``), see below; 0 at ``x = 0`` and ``x = 1``.
    Below the mean where ``x^a (1-x)^b / (a B(a, b))`` is under ``e^-600``,
    :func:`_betainc_dparam_power` instead."""
    a, b, x = _bcast(a, b, x)
    av, bv, xv = (_np.asarray(primal_of(v), dtype=float) for v in (a, b, x))
    edge = ~((xv > 0) & (xv < 1))
    tiny = _betainc_power_mask(av, bv, xv) & ~edge
    with _np.errstate(all="ignore"):
        mean = (av + 1) / (av + bv + 2)
    upper = ~(xv < mean)
    # a tiny b (a) makes d/da (d/db) O(b) (O(a)) while the reflected (direct) series'
    # terms are O(1): they cancel, losing 1e-17/b relatively.  The other series has
    # no cancellation there and still converges (its ratio is below x, or 1 - x):
    # use it where that takes at most ~41000 terms
    if wrt == 0:
        upper &= ~((bv < _BETA_TINY) & (xv <= 0.999))
    else:
        upper |= (av < _BETA_TINY) & (xv >= 0.001)
    upper &= ~tiny
    # unselected slots get a point where their series converges at once
    lo_fill = _np.where(_np.isfinite(mean) & (mean > 0), 0.5 * mean, 0.25)
    hi_fill = _np.where(_np.isfinite(mean) & (mean < 1), 0.5 * (1 - mean), 0.25)
    out = 0.0
    if _np.any(~upper & ~edge & ~tiny):
        lo_x = dnp.where(upper | edge | tiny, lo_fill, x)
        out = dnp.where(upper, 0.0, _beta_series(a, b, lo_x, wrt))
    if _np.any(upper & ~edge):
        hi_x = dnp.where(~upper | edge, hi_fill, 1 - x)
        out = dnp.where(upper, -_beta_series(b, a, hi_x, 1 - wrt), out)
    if _np.any(tiny):
        out = dnp.where(tiny, _betainc_dparam_power(*(_sub(~tiny, v, f) for v, f in
                                                      ((a, 2.0), (b, 2.0), (x, 0.25))), wrt), out)
    if _np.any(edge):
        out = dnp.where(edge, 0.0, out)
    return out


def _betainc_power_mask(av, bv, xv):
    """Where ``_betainc_dparam`` takes :func:`_betainc_dparam_power` (plain NumPy on
    primal values): ``log(x^a (1-x)^b / (a B(a, b)))`` below ``-600`` at ``0 < x``
    below the mean ``(a+1) / (a+b+2)``."""
    with _np.errstate(all="ignore"):
        head = _sp.xlogy(av, xv) + _sp.xlog1py(bv, -xv) - _np.log(av) - _sp.betaln(av, bv)
        return ((head < _DENSITY_POWER_LOG) & (xv > 0) & (xv < (av + 1) / (av + bv + 2))
                & (av > 0) & (bv > 0))


def _betainc_dparam_power(a, b, x, wrt):
    """``d/da`` (``wrt=0``) or ``d/db`` of ``betainc`` where it underflows (far below
    the mean): ``I`` times ``d/da log I`` (``d/db``) of the far-tail sums below, as
    ``x**(a-1) * x exp(b log1p(-x) - log a - betaln(a, b)) (T c + sum_n t_n w_n)``
    (``c = log x - 1/a - psi(a) + psi(a+b)``, or ``log1p(-x) - psi(b) + psi(a+b)``).
    The series' terms ``exp((a+n) log x + ...)`` underflow there to an exact 0
    whose x-derivative is ``0 * (a+n)/x`` = 0 where the truth is not
    (``d2 betainc / dx da`` at ``x = 1e-300``, ``a = 1.5``, ``b = 2.5``, is -3.5e-147);
    the power differentiates as ``(a-1) x^(a-2) ...``, so the Hessian stays symmetric."""
    t, w = _lowtail_sums(a, b, x, wrt)
    # x^(a-1) times x (T c + w): c's log x differentiates as 1/x, which x^a (an exact
    # 0) would lose; x log x as xlogy(x, x), whose x-derivative log x + x/x does not
    # pass through x * cotangent (an underflow in reverse-over-reverse) either
    if wrt == 0:
        xc = xlogy(x, x) * t + x * ((digamma(a + b) - digamma(a) - 1.0 / a) * t + w)
    else:
        xc = x * ((dnp.log1p(-x) - digamma(b) + digamma(a + b)) * t + w)
    return x ** (a - 1) * (dnp.exp(xlog1py(b, -x) - dnp.log(a) - betaln(a, b)) * xc)


# --- log I far below the mean, where I underflows -----------------------------------
# I_x(a, b) = x^a (1-x)^b / (a B(a, b)) T,  T = 2F1(a+b, 1; a+1; x) = sum_n t_n,
# t_n = prod_(k<=n) x (a+b+k-1) / (a+k)  (DLMF 8.17.8), so
#   d/dx log I = a / (x (1-x) T),
#   d/da log I = log x - 1/a - psi(a) + psi(a+b) + sum_n t_n s_n / T,
#   d/db log I = log(1-x) - psi(b) + psi(a+b) + sum_n t_n u_n / T,
# with u_n = sum_(k<=n) 1/(a+b+k-1) and s_n = u_n - sum_(k<=n) 1/(a+k): finite however
# small I is.  Registry operations: differentiable again.
def _lowtail_sums(a, b, x, wrt):
    """``(T, sum_n t_n w_n)`` with ``w = s`` (``wrt = 0``), ``u`` (``wrt = 1``), or
    ``(T, None)`` (``wrt = None``)."""
    from ._incgamma import _lowtail_nterms, _running_terms
    A, B, X = (dnp.expand_dims(v, -1) for v in (a, b, x))
    logx = dnp.log(X)
    t_sum, w_sum, wcarry = 1.0, (None if wrt is None else 0.0), 0.0
    for k, t in _running_terms(_lowtail_nterms(_pv(a), _pv(x), _pv(b)),
                               lambda k: logx + dnp.log(A + B + (k - 1)) - dnp.log(A + k)):
        t_sum = t_sum + dnp.sum(t, axis=-1)
        if wrt is not None:
            inc = 1.0 / (A + B + (k - 1)) - (1.0 / (A + k) if wrt == 0 else 0.0)
            w = wcarry + dnp.cumsum(inc, axis=-1)
            wcarry = dnp.expand_dims(w[..., -1], -1)
            w_sum = w_sum + dnp.sum(t * w, axis=-1)
    return t_sum, w_sum


def _blogi_dx(ans, a, b, x):
    a, b, x = _bcast(a, b, x)
    return a / (x * (1 - x) * _lowtail_sums(a, b, x, None)[0])


def _blogi_da(ans, a, b, x):
    a, b, x = _bcast(a, b, x)
    t, w = _lowtail_sums(a, b, x, 0)
    return dnp.log(x) - 1.0 / a - digamma(a) + digamma(a + b) + w / t


def _blogi_db(ans, a, b, x):
    a, b, x = _bcast(a, b, x)
    t, w = _lowtail_sums(a, b, x, 1)
    return dnp.log1p(-x) - digamma(b) + digamma(a + b) + w / t


def _log_betainc_impl(a, b, x):
    with _np.errstate(divide="ignore"):
        return _np.log(_sp.betainc(a, b, x))


# log I for x below the mean, derivatives relative to I however small it is
# (beta.logcdf / logsf in dualad.scipy.stats, where I underflows)
_log_betainc_low = _nary(_log_betainc_impl, "log_betainc_low",
                         [_blogi_da, _blogi_db, _blogi_dx], ["a", "b", "x"])
_log_betainc_low.__doc__ = ("``log(betainc(a, b, x))`` for ``x`` below the mean, with "
                            "derivatives that stay finite where ``betainc`` underflows "
                            "(internal: ``stats.beta.logcdf`` / ``logsf``).")


# the a- and b-rules (series and logarithms of size a + b) run in double for float32
betainc = _nary(_sp.betainc, "betainc",
                [_in_double(lambda ans, a, b, x: _betainc_dparam(ans, a, b, x, 0)),
                 _in_double(lambda ans, a, b, x: _betainc_dparam(ans, a, b, x, 1)),
                 _betainc_dx], ["a", "b", "x"])
# the complement 1 - betainc, computed as such (beta.sf keeps its tail); internal
_betaincc = _nary(_sp.betaincc, "betaincc",
                  [_in_double(lambda ans, a, b, x: -_betainc_dparam(ans, a, b, x, 0)),
                   _in_double(lambda ans, a, b, x: -_betainc_dparam(ans, a, b, x, 1)),
                   lambda ans, a, b, x: -_betainc_dx(ans, a, b, x)], ["a", "b", "x"])


# --- inverses of the regularized incomplete beta function ---------------------------------
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
