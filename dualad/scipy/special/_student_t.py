"""Student's t distribution: ``stdtr``, ``stdtrit`` and the internal
cancellation-free log density ``_t_logpdf_std`` and ``_log_stdtr`` that
``dualad.scipy.stats`` uses."""
from __future__ import annotations

import numpy as _np
import scipy.special as _sp

from ... import numpy as dnp
from ...numpy._ufuncs import times_finite_zero
from ...tracer import primal_of, shape_of
from ._common import (_bcast, _fdtype, _GL_U, _GL_W, _HALF_LOG_2PI, _nary, _piecewise, _pv, _QU,
                      _QW, _SPAN, _sub)
from ._gamma import betaln, digamma, gammaln
from ._incbeta import _betainc_dparam, _betainc_dx


# --- the cdf's df-derivative below df = 50: betainc's series ------------------------
def _stdtr_ddf(ans, df, t):
    # stdtr = 1 - I_x(df/2, 1/2) / 2 for t > 0 (I_x / 2 for t < 0), x = df / (df + t^2)
    shp = _np.broadcast_shapes(shape_of(df), shape_of(t))
    df, t = dnp.broadcast_to(df, shp), dnp.broadcast_to(t, shp)
    tv = _np.asarray(primal_of(t))
    zero = tv == 0
    ts = dnp.where(zero, 1.0, t) if _np.any(zero) else t
    s2 = ts * ts
    x = df / (df + s2)
    dx = (s2 / (df + s2)) / (df + s2)      # dx/ddf, not s2 / (df + s2)^2: no overflow
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
_LOG_2_SQRT_PI = float(_np.log(2 * _np.sqrt(_np.pi)))
_BERN = _sp.bernoulli(18)
_R_COEF = [(n, float((-1) ** (n + 1) * (1 - 2.0 ** (n + 1)) * _BERN[n + 1] / (n * (n + 1))))
           for n in range(1, 17, 2)]
_R_BIG = 20.0       # df from which the series is used (converged to rounding there)


def _t_r(df, deriv=False):
    """``R(df) = log Gamma((df+1)/2) - log Gamma(df/2) - log(df/2)/2`` (or ``R'``),
    -> 0 like ``-1/(4 df)``; the series for large ``df`` (no cancellation, and
    ``R(inf) = 0``), ``gammaln`` / ``digamma`` below."""
    def series(safe):
        w = 1.0 / safe(df, 100.0)
        w2 = w * w
        acc = 0.0
        for n, c in reversed(_R_COEF):      # R = w sum c_n w^(n-1), R' = w^2 sum -n c_n w^(n-1)
            acc = acc * w2 + (-n * c if deriv else c)
        return acc * w2 if deriv else acc * w

    def direct(safe):
        ds = safe(df, 1.0)
        if deriv:
            return 0.5 * (digamma(0.5 * (ds + 1)) - digamma(0.5 * ds)) - 0.5 / ds
        return gammaln(0.5 * (ds + 1)) - gammaln(0.5 * ds) - 0.5 * dnp.log(0.5 * ds)
    return _piecewise(_pv(df) >= _R_BIG, series, direct)


_H_TERMS = 32     # H(v) = sum_(n>=2) v^(n-2) / n to v^31 for v < 0.3


def _t_h(v, u=None):
    """``H(v) = (-log1p(-v) - v) / v^2`` (series for ``v < 0.3``); above it, given
    ``u = v / (1 - v)``, with ``-log1p(-v) = log1p(u)`` (``1 - v`` loses digits as
    ``v -> 1``, i.e. ``abs(t) >> sqrt(df)``)."""
    def series(safe):
        vs = safe(v, 0.0)
        acc = 1.0 / (_H_TERMS + 1)
        for n in range(_H_TERMS, 1, -1):
            acc = acc * vs + 1.0 / n
        return acc

    def direct(safe):
        vl = safe(v, 0.5)
        lg = -dnp.log1p(-vl) if u is None else dnp.log1p(safe(u, 1.0))
        return (lg - vl) / (vl * vl)
    return _piecewise(_pv(v) < 0.3, series, direct)


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
    out = _t_r(df) - _HALF_LOG_2PI - (0.5 * z2) * (1 + 1 / df) * L
    with _np.errstate(invalid="ignore"):
        huge = ~_np.isfinite(_pv(z2)) & _np.isfinite(_pv(z)) & _np.isfinite(_pv(df))
    if _np.any(huge):
        # z^2 overflows (|z| > 1e154; 1e19 in float32), the log density does not:
        # (z^2/2)(1 + 1/df) log1p(u)/u = (df + 1)/2 log1p(u)
        ds = dnp.where(huge, df, 1.0)
        far = _t_r(ds) - _HALF_LOG_2PI - 0.5 * (ds + 1) * _log1p_z2_over_df(z, ds)
        out = dnp.where(huge, far, out)
    return out


def _near_or_far(z, df, near, far):
    """``near(z, df)`` where ``z^2 <= df``, ``far(z, df)`` beyond (each form fed
    harmless values where the other applies, then merged with ``where``)."""
    z, df = _bcast(z, df)
    with _np.errstate(invalid="ignore", over="ignore"):
        zv, dv = _pv(z), _pv(df)
        is_near = ~(zv * zv > dv)
    return _piecewise(is_near, lambda safe: near(safe(z, 0.0), df),
                      lambda safe: far(safe(z, 2.0), safe(df, 1.0)))


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
        return _t_r(d, deriv=True) - 0.5 * _log1p_z2_over_df(zf, d) + (0.5 + 0.5 / d) * v
    return _near_or_far(z, df, _t_dlogpdf_ddf, far)


def _log1p_z2_over_df(z, df):
    """``log1p(z^2 / df)``, also where ``z^2`` overflows (``|z| > 1.3e154``; 1.8e19
    in float32): there ``2 log|z| - log df + log1p(df / z^2)``."""
    zv = _np.asarray(primal_of(z))                  # in its own dtype: float32 squares overflow
    with _np.errstate(over="ignore", invalid="ignore"):
        huge = ~_np.isfinite(zv * zv) & _np.isfinite(zv)
    if not _np.any(huge):
        return dnp.log1p(z * z / df)
    return _piecewise(~huge, lambda safe: dnp.log1p(safe(z, 1.0) ** 2 / df),
                      lambda safe: 2 * dnp.log(dnp.abs(safe(z, 1e200))) - dnp.log(df)
                      + dnp.log1p(df / safe(z, 1e200) / safe(z, 1e200)))


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


_T_FAR = 1e10      # abs(t) / sqrt(df) from which the tail is its leading term


def _t_far_mask(df, z):
    """Where ``t^2 > 1e20 df`` (``x = df / (df + t^2) < 1e-20``), on plain values,
    without forming ``t^2``."""
    dv, zv = _pv(df), _pv(z)
    with _np.errstate(invalid="ignore", over="ignore"):
        return (_np.abs(zv) > _T_FAR * _np.sqrt(dv)) & _np.isfinite(zv) & (dv > 0) & \
            _np.isfinite(dv)


def _t_tail_far(df, z):
    """``(log P, d/ddf log P)`` for the tail ``P = stdtr(df, -abs(t))`` where
    ``x = df / (df + t^2) < 1e-20``: the leading term of
    ``I_x(a, 1/2) = x^a / (a B(a, 1/2)) (1 + O(x))``, ``a = df/2``, so
    ``log P = a log x - gammaln(a + 1) + gammaln(a + 1/2) - log(2 sqrt(pi))`` and
    ``d/ddf log P = (log x + t^2 / (df + t^2) + digamma(a + 1/2) - digamma(a + 1)) / 2``
    (relative error below 1e-20).  ``log x = log df - 2 log|t| - log1p(df / t^2)``:
    no ``t^2``, which overflows from ``abs(t) = 1.3e154`` (its square, in the
    betainc form's ``dx/ddf``, from ``1.2e77``)."""
    at = dnp.abs(z)
    r = df / at / at
    lx = dnp.log(df) - 2 * dnp.log(at) - dnp.log1p(r)
    a = 0.5 * df
    logp = a * lx - gammaln(a + 1) + gammaln(a + 0.5) - _LOG_2_SQRT_PI
    dlogp = 0.5 * (lx + 1 / (1 + r) + digamma(a + 0.5) - digamma(a + 1))
    return logp, dlogp


def _t_cdf_ddf(ans, df, z):
    df, z = _bcast(df, z)
    dv, zv = _pv(df), _pv(z)
    far = _t_far_mask(df, z)
    with _np.errstate(invalid="ignore"):
        near = _np.abs(zv) < _np.minimum(1.0, 0.5 * _np.sqrt(dv))
    big = (dv >= _T_BIG) & ~near & ~far
    ser = ~(near | big | far)
    parts = []
    if far.any():
        def far_form():
            logp, dlogp = _t_tail_far(_sub(~far, df, 1.0), _sub(~far, z, 1e20))
            return -_np.sign(zv) * dnp.exp(logp) * dlogp
        parts.append((far, far_form))
    if near.any():
        parts.append((near, lambda: _t_cdf_ddf_near(_sub(~near, df, 10.0), _sub(~near, z, 0.5))))
    if big.any():
        parts.append((big, lambda: _t_cdf_ddf_big(_sub(~big, df, 1e6), _sub(~big, z, 2.0))))
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
def _log_stdtr_ddf(ans, df, t):
    # F_df / F; in the far tail d/ddf log F directly (F may underflow there)
    df, t = _bcast(df, t)
    far = _t_far_mask(df, t)
    return _piecewise(far, lambda safe: _t_tail_far(safe(df, 1.0), safe(t, -1e20))[1],
                      lambda safe: _t_cdf_ddf(None, safe(df, 1.0), safe(t, -1.0))
                      / dnp.exp(safe(ans, -1.0)))


_log_stdtr = _nary(_log_stdtr_impl, "log_stdtr",
                   [_log_stdtr_ddf,
                    lambda ans, df, t: dnp.exp(_t_logpdf_std(t, df) - ans)], ["df", "t"])
_log_stdtr.__doc__ = ("``log(stdtr(df, t))`` for ``t <= 0`` (internal: ``stats.t.logcdf`` "
                      "and ``logsf`` in the lower tail).")

# --- inverse of Student's t cdf ------------------------------------------------------
_T_FAR_INV = 1e8     # abs(t) / sqrt(df) from which stdtrit uses the tail's leading term
_T_INV_RTOL = 1e-13  # SciPy's far-tail quantile is replaced if it is off by more than this


def _t_far_inv_mask(df, t):
    """Where ``t^2 > 1e16 df`` (``x = df / (df + t^2) < 1e-16``), on plain values:
    there ``P = stdtr(df, -abs(t)) = x^a / (2 a B(a, 1/2)) (1 + O(x))``, ``a = df/2``,
    to rounding."""
    dv, tv = _pv(df), _pv(t)
    with _np.errstate(invalid="ignore", over="ignore"):
        return (_np.abs(tv) > _T_FAR_INV * _np.sqrt(dv)) & (dv > 0) & _np.isfinite(dv) & \
            ~_np.isnan(tv)


def _stdtrit_impl(df, p):
    """SciPy's ``stdtrit``, except in the far tail (``x = df / (df + t^2) < 1e-16``),
    where SciPy's root finder fails for some ``df``: ``+inf`` for ``p = 1e-280`` at
    ``df = 5`` (the truth is ``-1.57e56``), ``-4.74e153`` (its ``t^2`` would overflow)
    for ``p = 1e-100`` at ``df = 0.5`` (truth ``-1.03e199``), ``-3.76e79`` for ``1e-200``
    at ``df = 2.5`` (truth ``-8.77e79``), errors up to 2e-10 near those points.  There
    the tail's leading term is inverted: ``abs(t) = sqrt(df) (2 P a B(a, 1/2))^(-1/df)``
    (relative error ``O(x) / df`` from the truncation, about ``eps abs(log P) / df``
    from rounding), and replaces SciPy's value where the two differ by more than
    1e-13 relative (SciPy's value is kept elsewhere); ``-inf`` / ``inf`` where
    ``abs(t)`` exceeds the largest float."""
    out = _sp.stdtrit(df, p)
    dfv, pv = _np.broadcast_arrays(_np.asarray(df, dtype=float), _np.asarray(p, dtype=float))
    with _np.errstate(all="ignore"):
        upper = pv > 0.5
        tail = _np.where(upper, 1 - pv, pv)            # 1 - p exact for p > 1/2
        a = 0.5 * dfv
        ok = (tail > 0) & (dfv > 0) & _np.isfinite(dfv)
        if not ok.any():
            return out
        lbase = _np.log(2 * a) + _sp.betaln(a, 0.5)    # log(2 a B(a, 1/2))
        base = tail * _np.exp(lbase)
        # power where 2 P a B is a normal float (1/df exact: to rounding); else in logs
        mag = _np.where(base > 1e-300, _np.power(base, -1.0 / dfv),
                        _np.exp(-(_np.log(tail) + lbase) / dfv))
        far_t = _np.sqrt(dfv) * mag
        far_t = _np.where(upper, far_t, -far_t)
        use = ok & (_np.abs(far_t) > _T_FAR_INV * _np.sqrt(dfv)) & ~_np.isnan(far_t)
        ov = _np.asarray(out, dtype=float)
        use &= ~(_np.isfinite(far_t) & (_np.abs(ov - far_t) <= _T_INV_RTOL * _np.abs(far_t)))
    if not use.any():
        return out
    res = _np.where(use, far_t, ov).astype(_np.result_type(out))
    return res[()] if res.ndim == 0 else res


def _far_dlogp(df, s):
    """``d/ddf log P`` in the far tail from ``s = log abs(t)``:
    ``(log x + 1 + digamma(a + 1/2) - digamma(a + 1)) / 2``, ``log x = log df - 2 s``
    (``_t_tail_far`` without its terms below ``x < 1e-16``)."""
    a = 0.5 * df
    return 0.5 * (dnp.log(df) - 2 * s + 1 + digamma(a + 0.5) - digamma(a + 1))


def _far_logq_impl(df, P, t):
    # log abs(t): SciPy's where finite, else the inverted leading term
    with _np.errstate(all="ignore"):
        a = 0.5 * _np.asarray(df, dtype=float)
        s = 0.5 * _np.log(2 * a) - (_np.log(P) + _np.log(2 * a) + _sp.betaln(a, 0.5)) / (2 * a)
        lt = _np.log(_np.abs(_np.asarray(t, dtype=float)))
    return _np.where(_np.isfinite(lt), lt, s)


# s = log abs(t) in the far tail as one primitive of (df, P) (t only gives its value):
# ds/ddf = d/ddf log P / df, ds/dP = -1 / (df P).  One node, so a reverse sweep that
# arrives with an infinite cotangent (dt/dp = 1 / f overflows: 3e599 at df = 1,
# p = 1e-300) leaves it along one path per input, not along several of opposite signs
# (inf - inf) as the expression log(df) / 2 - log(2 P a B(a, 1/2)) / df would
_far_logq = _nary(_far_logq_impl, "t_far_logq",
                  [lambda ans, df, P, t: _far_dlogp(df, ans) / df,
                   lambda ans, df, P, t: -1 / (df * P), None], ["df", "P", "t"])


def _stdtrit_far_log(t, df, p):
    """``(s, P)`` in the far tail: ``s = log abs(t)`` (``_far_logq``), ``P = p``
    below the median, ``1 - p`` above.  The rules below are functions of ``s`` and
    ``P``, not of ``t``: their derivatives never meet ``dt/dp`` itself, which
    overflows where they stay finite, nor ``t`` where ``t`` overflows."""
    P = dnp.where(_pv(t) < 0, p, 1 - p)
    return _far_logq(df, P, t), P


def _exp_rel(v, u):
    """``v exp(u - u0)``, ``u0`` the plain value of ``u``: the plain value ``v`` (computed
    directly, to rounding) with the derivatives of ``exp(u)`` (``v`` times those of ``u``).
    An overflowing ``v`` (``inf``) keeps a zero cotangent or tangent zero (no
    ``0 * inf``: reverse-mode Hessians sweep zero cotangents through ``dt/dp = inf``)."""
    return times_finite_zero(dnp.exp(u - _pv(u)), v)


def _stdtrit_far_dp(t, df, p):
    """``dt/dp = 1 / f(t) = abs(t) / (df P)`` in the far tail (the neglected terms are
    below ``x < 1e-16``), its derivatives those of ``exp(s - log df - log P)``."""
    s, P = _stdtrit_far_log(t, df, p)
    with _np.errstate(all="ignore"):
        v = _np.abs(_pv(t)) / _pv(df) / _pv(P)
    return _exp_rel(v, s - dnp.log(df) - dnp.log(P))


def _stdtrit_far_ddf(t, df, p):
    """``dt/ddf = (t / df) d/ddf log P`` in the far tail (``P / f(t) = abs(t) / df``)."""
    s, _ = _stdtrit_far_log(t, df, p)
    with _np.errstate(all="ignore"):
        v = _pv(t) / _pv(df)
    return times_finite_zero(_far_dlogp(df, s), _exp_rel(v, s - dnp.log(df)))


def _stdtrit_dp(ans, df, p):
    # dt/dp = 1 / f(t), f the t density (the cancellation-free log density); in the
    # far tail abs(t) / (df P)
    df, t, p = _bcast(df, ans, p)
    far = _t_far_inv_mask(df, t)
    return _piecewise(far, lambda safe: _stdtrit_far_dp(safe(t, -1e20), safe(df, 1.0),
                                                        safe(p, 1e-20)),
                      lambda safe: dnp.exp(-_t_logpdf_std(safe(t, 0.5), safe(df, 1.0))))


def _stdtrit_ddf(ans, df, p):
    # dt/ddf = -(d/ddf stdtr(df, t)) / f(t), through stdtr's own df-derivative; in
    # the far tail (t / df) d/ddf log P, P = stdtr(df, -|t|) (P / f(t) = abs(t) / df)
    df, t, p = _bcast(df, ans, p)
    far = _t_far_inv_mask(df, t)

    def lower(safe):
        # t < 0: -(F_df / p) exp(log p - log f(t)), F = p (the density can underflow
        # before p does)
        d, tt, pp = safe(df, 1.0), safe(t, -1.0), safe(p, 0.1)
        return -(_t_cdf_ddf(None, d, tt) / pp) * dnp.exp(dnp.log(pp) - _t_logpdf_std(tt, d))

    def rest(safe):
        d, tt = safe(df, 1.0), safe(t, 0.5)
        return -_t_cdf_ddf(None, d, tt) * dnp.exp(-_t_logpdf_std(tt, d))

    with _np.errstate(invalid="ignore"):
        low = (_pv(t) < 0) & (_pv(p) > 0)
    return _piecewise(far, lambda safe: _stdtrit_far_ddf(safe(t, -1e20), safe(df, 1.0),
                                                         safe(p, 1e-20)),
                      lambda safe: _piecewise(low & ~far, lower, rest))


stdtrit = _nary(_stdtrit_impl, "stdtrit", [_stdtrit_ddf, _stdtrit_dp], ["df", "p"])
