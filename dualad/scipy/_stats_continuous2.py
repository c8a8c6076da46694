"""More differentiable continuous distributions for :mod:`dualad.scipy.stats`:
``truncnorm``, ``rayleigh``, ``f``, ``weibull_max``, ``genextreme``,
``genpareto``, ``lomax``, ``chi``, ``maxwell``, ``loggamma``, ``truncexpon``,
``powerlaw``, ``betaprime``, ``triang`` and (density and entropy only)
``vonmises``, with SciPy's names, signatures and values, written as
compositions of dualad primitives (derivatives in ``x`` and in every shape,
``loc`` and ``scale`` parameter, to any order).

``truncnorm`` works with logarithms of normal probability masses throughout, as
SciPy does: ``log(Phi(b) - Phi(a))`` is ``log_ndtr(b) + log(1 - exp(log_ndtr(a) -
log_ndtr(b)))`` in the left tail, its mirror image in the right one and
``log1p(-Phi(a) - Phi(-b))`` in between, so ``logpdf``, ``logcdf``, ``logsf``, ``ppf``
and ``isf`` (through ``ndtri_exp``, the inverse of ``log_ndtr``) and their
derivatives keep their relative accuracy for ``a = -40, b = -38`` or ``a = 10, b
= 12``.  ``genpareto`` and ``genextreme`` switch to power series in ``c x`` near
``c = 0`` (``log1p(c x) / c`` and ``expm1(c t) / c``), so their values and
derivatives at and around ``c = 0`` are the exponential / Gumbel limits, not NaN.

>>> import dualad as ad
>>> from dualad.scipy.stats import truncnorm
>>> float(truncnorm.logpdf(10.25, 10.0, 12.0))     # mpmath: -0.218903382459063...
-0.2189033824591
>>> float(ad.grad(truncnorm.logpdf, argnums=1)(10.25, 10.0, 12.0))  # -d log Z / da
10.0980932363168
"""
from __future__ import annotations

import math as _math

import numpy as _np
import scipy.special as _sp

from .. import numpy as dnp
from ..tracer import primal_of
from . import special as sp
from .special._common import _nary, _piecewise
from .special._error import _log_ndtr_ratio
from . import stats as _st
from .stats import (_Continuous, _HALF_LOG_2PI, _arr, _invalid, _log, _log1mexp,
                    _not_pos, _one_minus_exp, _outside, _plain, _pv, _raw, _std, _sub)
from . import _stats_moments as _mom

__all__ = ["truncnorm", "rayleigh", "f", "weibull_max", "genextreme", "genpareto",
           "lomax", "chi", "maxwell", "loggamma", "truncexpon", "powerlaw", "betaprime",
           "triang", "vonmises"]

_EULER = 0.5772156649015329      # Euler's constant (mpmath: 0.57721566490153286061)


def _ndtri_exp_d(ans, y):
    # d/dy ndtri_exp(y) = 1 / (d/dx log_ndtr(x)) at x = ndtri_exp(y): phi(x) / Phi(x)
    # from special's accurate ratio (no cancellation in either tail)
    return 1.0 / _log_ndtr_ratio(ans)


ndtri_exp = _nary(_sp.ndtri_exp, "ndtri_exp", [_ndtri_exp_d], ["y"])


def _both(*vals):
    return _np.broadcast_arrays(*[_pv(v) for v in vals])


_METHODS = ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf")


def _weak(v):
    """The value for ``result_type``: a python number stays weak (float32 wins)."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v
    return _np.asarray(primal_of(_arr(v)))


# the values at x = -inf and +inf of every distribution here
_LIMITS = {"logpdf": (-_np.inf, -_np.inf), "pdf": (0.0, 0.0), "cdf": (0.0, 1.0),
           "sf": (1.0, 0.0), "logcdf": (-_np.inf, 0.0), "logsf": (0.0, -_np.inf)}


def _keep_float32(method):
    """``method`` with a float32 result where its arguments are float32 (python
    numbers are weak), as ``norm``'s: the formulas' float64 constants (SciPy
    limits, plain masks' fills) are not allowed to promote it."""
    limits = _LIMITS.get(method.__name__)

    def wrapped(self, x, *args, **kwds):
        if limits is not None and self._inf_limits:
            xv = _np.asarray(primal_of(_arr(x)))
            inf = _np.isinf(xv) if _np.issubdtype(xv.dtype, _np.floating) else False
            if _np.any(inf):
                # x = +-inf: the limit (every density vanishes there), computed at a
                # finite point so invalid parameters still give NaN; derivative 0
                out = method(self, _sub(inf, _arr(x), 0.0), *args, **kwds)
                with _np.errstate(invalid="ignore"):
                    keep = inf & ~_np.isnan(_np.asarray(primal_of(out)))
                lim = _np.where(xv > 0, limits[1], limits[0])
                out = _outside(_np.broadcast_to(keep, _np.shape(primal_of(out))), out,
                               _np.broadcast_to(lim, _np.shape(primal_of(out))))
            else:
                out = method(self, x, *args, **kwds)
        else:
            out = method(self, x, *args, **kwds)
        try:
            dt = _np.result_type(*[_weak(v) for v in (x, *args, *kwds.values())])
        except TypeError:
            return out
        if dt == _np.float32 and _np.asarray(primal_of(out)).dtype == _np.float64:
            out = _plain(dnp.astype(out, _np.float32))
        return out
    wrapped.__name__, wrapped.__qualname__ = method.__name__, method.__qualname__
    wrapped.__doc__, wrapped.__wrapped__ = method.__doc__, method
    wrapped._guarded = True
    return wrapped


class _Continuous2(_Continuous):
    """:class:`dualad.scipy.stats._Continuous` whose methods keep float32 and take
    their limits at ``x = +-inf`` (``_inf_limits``; not for a periodic density)."""

    _inf_limits = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in _METHODS:
            meth = cls.__dict__.get(name) or getattr(cls, name, None)
            if meth is not None and not getattr(meth, "_float32", False):
                w = _keep_float32(meth)
                w._float32 = True
                setattr(cls, name, w)


# --- truncnorm ----------------------------------------------------------------------

def _log_diff(p, q):
    """``log(exp(p) - exp(q))`` for ``p >= q``."""
    return p + _log1mexp(p - q)


def _log_gauss_mass(a, b):
    """``log(Phi(b) - Phi(a))`` for ``a < b``, SciPy's three cases: ``b <= 0`` (both
    in the left tail: a log-difference of ``log_ndtr``), ``a > 0`` (its mirror
    image) and otherwise ``log1p(-Phi(a) - Phi(-b))``."""
    av, bv = _both(a, b)
    with _np.errstate(all="ignore"):
        narrow = _np.abs(bv - av) * (1 + 0.5 * _np.abs(av + bv)) < _NARROW
    if narrow.any():
        return _piecewise(narrow, lambda safe: _narrow_mass(safe(a, -1.0), safe(b, -0.999)),
                          lambda safe: _log_gauss_mass(safe(a, -1.0), safe(b, 1.0)))
    left = bv <= 0
    right = av > 0

    def tails(safe):
        return _tail_mass(safe(a, -2.0), safe(b, -1.0), right)

    def central(safe):
        return dnp.log1p(-sp.ndtr(safe(a, -1.0)) - sp.ndtr(-safe(b, 1.0)))
    return _piecewise(left | right, tails, central)


_NARROW = 2e-2    # |b - a| (1 + |a + b| / 2) below which the mass is a series in b - a


def _narrow_mass(a, b):
    """``log(Phi(b) - Phi(a))`` for a narrow interval: with ``m = (a + b) / 2``, ``d =
    (b - a) / 2``, ``log(2 d phi(m)) + log(1 + He2(m) d^2 / 3! + He4(m) d^4 / 5! +
    He6(m) d^6 / 7!)`` (the mean of ``phi(m + s) / phi(m)`` over ``|s| < d``; the next
    term is below ``1e-20``).  The difference of ``log_ndtr`` at nearby points loses
    all its digits as ``b - a`` shrinks (SciPy: ``log(-expm1(0)) = -inf`` at ``b - a
    = 1e-16``, about 50% off at ``1e-15``)."""
    m = 0.5 * (a + b)
    d = 0.5 * (b - a)
    m2, d2 = m * m, d * d
    he2, he4 = m2 - 1, (m2 - 6) * m2 + 3
    he6 = ((m2 - 15) * m2 + 45) * m2 - 15
    corr = d2 * (he2 / 6 + d2 * (he4 / 120 + d2 * he6 / 5040))
    return dnp.log(2 * d) - 0.5 * m2 - _HALF_LOG_2PI + dnp.log1p(corr)


def _tail_mass(a, b, right):
    """``log(Phi(b) - Phi(a))`` with both ends in one tail: the left one, or the
    right one where the plain mask ``right``."""
    def r(safe):
        return _log_diff(sp.log_ndtr(-safe(a, 1.0)), sp.log_ndtr(-safe(b, 2.0)))

    def l(safe):
        return _log_diff(sp.log_ndtr(safe(b, -1.0)), sp.log_ndtr(safe(a, -2.0)))
    return _piecewise(right, r, l)


class truncnorm_gen(_Continuous2):
    """The truncated normal distribution: ``truncnorm.logpdf(x, a, b, loc=0,
    scale=1)`` etc., the standard normal restricted to ``[a, b]`` (in standard
    units, as SciPy), then shifted and scaled.  Differentiable in ``x``, ``a``,
    ``b``, ``loc`` and ``scale``; accurate far in either tail (log-differences of
    ``log_ndtr``, ``ppf`` / ``isf`` through ``ndtri_exp``).  ``a >= b`` gives NaN,
    as in SciPy.  At ``x = a`` / ``b`` the cdfs are constant (their outside
    values, derivative 0), as at the ends of every finite support."""

    name = "truncnorm"

    @staticmethod
    def _bad(a, b, scale=1.0):
        av, bv = _both(a, b)
        with _np.errstate(invalid="ignore"):
            return ~(av < bv) | _not_pos(scale)

    @staticmethod
    def _ab(a, b):
        """``a``, ``b`` with a safe pair where they are invalid."""
        av, bv = _both(a, b)
        with _np.errstate(invalid="ignore"):
            bad = ~(av < bv)
        return _sub(bad, _arr(a), -1.0), _sub(bad, _arr(b), 1.0), bad

    def logpdf(self, x, a, b, loc=0, scale=1):
        y = _std(x, loc, scale)
        a, b, badab = self._ab(a, b)
        yv, av, bv = _both(y, a, b)
        out = (yv < av) | (yv > bv) | _np.isnan(yv)
        ys = _sub(out, y, 0.5 * (_pv(a) + _pv(b)))
        with _np.errstate(invalid="ignore"):
            ys = _sub(out & ~_np.isfinite(_pv(ys)), ys, 0.0)
        val = (-0.5 * (ys * ys) - _HALF_LOG_2PI) - _log_gauss_mass(a, b) - _log(scale)
        val = _outside(out & ~_np.isnan(yv), val, -_np.inf)
        return _invalid(badab | _not_pos(scale), _outside(_np.isnan(yv), val, _np.nan))

    def _tails(self, x, a, b, loc, scale, upper):
        """``(logcdf, logsf)`` pieces: the log of the lower (or ``upper``) mass inside
        the support, SciPy's switch to ``log1p(-exp(other))`` where it is above -0.1."""
        y = _std(x, loc, scale)
        a, b, badab = self._ab(a, b)
        yv, av, bv = _both(y, a, b)
        with _np.errstate(invalid="ignore"):
            below, above = (yv <= av), (yv >= bv)
        inside = ~below & ~above & ~_np.isnan(yv)
        mid = 0.5 * (av + bv)
        mid = _np.where(_np.isfinite(mid), mid, _np.where(_np.isfinite(av), av + 1.0,
                                                            _np.where(_np.isfinite(bv), bv - 1.0, 0.0)))
        ys = _sub(~inside, y, mid)
        logz = _log_gauss_mass(a, b)
        lo = _log_gauss_mass(a, ys) - logz        # log cdf
        hi = _log_gauss_mass(ys, b) - logz        # log sf
        mine, other = (hi, lo) if upper else (lo, hi)
        with _np.errstate(invalid="ignore"):
            swap = _pv(mine) > -0.1
        if swap.any():
            mine = dnp.where(swap, dnp.log1p(-dnp.exp(_sub(~swap, other, -1.0))), mine)
        lo_val, hi_val = (0.0, -_np.inf) if upper else (-_np.inf, 0.0)
        out = _outside(below & ~_np.isnan(yv), mine, lo_val)
        out = _outside(above & ~_np.isnan(yv), out, hi_val)
        out = _outside(_np.isnan(yv), out, _np.nan)
        return _invalid(badab | _not_pos(scale), out)

    def logcdf(self, x, a, b, loc=0, scale=1):
        return self._tails(x, a, b, loc, scale, False)

    def logsf(self, x, a, b, loc=0, scale=1):
        return self._tails(x, a, b, loc, scale, True)

    def cdf(self, x, a, b, loc=0, scale=1):
        return dnp.exp(self._tails(x, a, b, loc, scale, False))

    def sf(self, x, a, b, loc=0, scale=1):
        return dnp.exp(self._tails(x, a, b, loc, scale, True))

    def pdf(self, x, a, b, loc=0, scale=1):
        return dnp.exp(self.logpdf(x, a, b, loc, scale))

    @staticmethod
    def _ppf_std(q, a, b, upper):
        """SciPy's quantile (``isf`` when ``upper``) of the standard truncated normal
        for ``0 < q < 1``, through ``ndtri_exp``."""
        av, bv = _both(a, b)
        logz = _log_gauss_mass(a, b)
        if not upper:
            def left(safe):
                lp = dnp.logaddexp(sp.log_ndtr(safe(a, -1.0)), dnp.log(safe(q, 0.5)) + safe(logz, -1.0))
                return ndtri_exp(lp)

            def right(safe):
                lp = dnp.logaddexp(sp.log_ndtr(-safe(b, 1.0)),
                                   dnp.log1p(-safe(q, 0.5)) + safe(logz, -1.0))
                return -ndtri_exp(lp)
            return _piecewise(av < 0, left, right)

        def left_i(safe):
            lp = _log_diff(sp.log_ndtr(safe(b, -1.0)), dnp.log(safe(q, 0.5)) + safe(logz, -3.0))
            return ndtri_exp(lp)

        def right_i(safe):
            # Phi(-x) = Phi(-b) + q Z: a sum, no cancellation for small q (the form
            # Phi(-a) - (1 - q) Z lost every digit below q ~ 1e-16: x came out inf)
            lp = dnp.logaddexp(sp.log_ndtr(-safe(b, 1.0)), dnp.log(safe(q, 0.5)) + safe(logz, -3.0))
            return -ndtri_exp(lp)
        return _piecewise(bv < 0, left_i, right_i)

    def _q(self, q, a, b, loc, scale, upper):
        a, b, badab = self._ab(a, b)
        return _quantile_ends(self, q, (a, b), loc, scale,
                              lambda v, a, b: self._ppf_std(v, a, b, upper), upper,
                              badab, (a, b))

    def ppf(self, q, a, b, loc=0, scale=1):
        return self._q(q, a, b, loc, scale, False)

    def isf(self, q, a, b, loc=0, scale=1):
        return self._q(q, a, b, loc, scale, True)

    def _pdf_ends(self, a, b):
        """``(log pdf(a), log pdf(b))`` of the standard distribution, traced."""
        logz = _log_gauss_mass(a, b)

        def end(v):
            inf = _np.isinf(_pv(v))     # an infinite end: log pdf -inf, derivative 0
            vs = _sub(inf, v, 0.0)
            return _outside(inf, -0.5 * (vs * vs) - _HALF_LOG_2PI - logz, -_np.inf)
        return end(a), end(b)

    def entropy(self, a, b, loc=0, scale=1):
        """The differential entropy ``log(sqrt(2 pi e) Z) + (a phi(a) - b phi(b)) /
        (2 Z)`` plus ``log(scale)``, SciPy's value where it is finite; with an
        infinite end (``a phi(a) = 0`` there), where SciPy's is NaN, the closed
        form's."""
        ref = _np.asarray(self._scipy_value("entropy", (), (a, b), {"loc": loc, "scale": scale}))
        if _np.all(_np.isfinite(ref)) and not self._traced_call((a, b, loc, scale), {}):
            return ref[()]
        with _np.errstate(all="ignore"):
            out = _truncnorm_entropy(a, b) + dnp.log(scale) + 0.0 * _pv(loc)
            out = _invalid(self._bad(a, b, scale) | _np.isnan(_pv(loc)), out)
            ov = _np.asarray(primal_of(out))
            shift = _np.where(_np.isfinite(ref) & _np.isfinite(ov), ref - ov, 0.0).astype(ov.dtype)
        return _plain(out + shift)

    def _mv(self, a, b):
        a, b, _ = self._ab(a, b)
        la, lb = self._pdf_ends(a, b)
        pa, pb = dnp.exp(la), dnp.exp(lb)
        m = pa - pb
        # SciPy's mu2 = 1 + (a - mu) pA - (b - mu) pB (an infinite end has p = 0)
        return m, 1.0 + _xp(a - m, pa) - _xp(b - m, pb)


def _xp(v, p):
    """``v * p`` with 0 where ``p == 0`` (``v`` infinite: an infinite truncation point)."""
    zero = _pv(p) == 0
    if not zero.any():
        return v * p
    return _outside(zero, _sub(zero, v, 0.0) * p, 0.0)


def _truncnorm_moments(a, b):
    """The raw moments ``m1 .. m4`` of the standard truncated normal (SciPy's
    recurrence ``m_k = (k-1) m_(k-2) + a^(k-1) pA - b^(k-1) pB``)."""
    a, b, _ = truncnorm._ab(a, b)
    la, lb = truncnorm._pdf_ends(a, b)
    pa, pb = dnp.exp(la), dnp.exp(lb)
    m = [1.0, pa - pb]
    pow_a, pow_b = 1.0, 1.0
    for k in range(2, 5):
        pow_a, pow_b = pow_a * a, pow_b * b
        m.append((k - 1) * m[k - 2] + _xp(pow_a, pa) - _xp(pow_b, pb))
    return m, a, b, pa, pb


def _truncnorm_sk(a, b):
    m, a, b, pa, pb = _truncnorm_moments(a, b)
    m1, m2, m3, m4 = m[1:]
    mu2 = 1.0 + _xp(a - m1, pa) - _xp(b - m1, pb)
    mu3 = m3 + m1 * (-3 * m2 + 2 * m1 * m1)
    mu4 = m4 + m1 * (-4 * m3 + 3 * m1 * (2 * m2 - m1 * m1))
    return mu3 / mu2 ** 1.5, mu4 / (mu2 * mu2) - 3


def _truncnorm_entropy(a, b):
    a, b, _ = truncnorm._ab(a, b)
    logz = _log_gauss_mass(a, b)
    la, lb = truncnorm._pdf_ends(a, b)
    return 0.5 * (_math.log(2 * _math.pi) + 1.0) + logz + 0.5 * (_xp(a, dnp.exp(la))
                                                                  - _xp(b, dnp.exp(lb)))


def _truncnorm_munp(n, a, b):
    a, b, _ = truncnorm._ab(a, b)
    la, lb = truncnorm._pdf_ends(a, b)
    pa, pb = dnp.exp(la), dnp.exp(lb)
    m = [1.0, pa - pb]
    pow_a, pow_b = 1.0, 1.0
    for k in range(2, n + 1):
        pow_a, pow_b = pow_a * a, pow_b * b
        m.append((k - 1) * m[k - 2] + _xp(pow_a, pa) - _xp(pow_b, pb))
    return m[n]


def _quantile_ends(dist, q, shapes, loc, scale, std, upper, bad, ends):
    """SciPy's ``ppf`` (``isf`` when ``upper``) for shape parameters of any sign:
    ``loc + scale * std(q, *shapes)`` for ``0 < q < 1``, NaN for ``q`` outside
    ``[0, 1]``, a NaN ``loc``, ``scale <= 0`` or invalid shapes (the plain mask
    ``bad``).  At ``q = 0`` and ``1`` the end of the support: ``ends`` (traced,
    possibly depending on the shapes, so their one-sided derivatives are kept)
    where it is finite, with the one-sided ``q``-derivative ``scale / pdf(end)``
    (0 where the density is infinite there); SciPy's infinite end, with
    derivative 0, where it is not."""
    import scipy.stats as _sst
    if isinstance(q, (int, float)) and not isinstance(q, bool):
        q = _np.float64(q)
    q, loc, scale = _arr(q), _arr(loc), _arr(scale)
    qv, lv = _pv(q), _pv(loc)
    with _np.errstate(invalid="ignore"):
        bad = bad | _not_pos(scale) | ~((qv >= 0) & (qv <= 1)) | _np.isnan(lv)
        inner = (qv > 0) & (qv < 1)
    out = loc + scale * std(_sub(~inner, q, 0.5), *shapes)
    if (~inner & ~bad).any():
        dt = _raw(q).dtype if _np.issubdtype(_raw(q).dtype, _np.floating) else _np.dtype(float)
        sh = [_pv(a) for a in shapes]
        for qe, k, sign in ((float(upper), 0, 1.0), (float(not upper), 1, -1.0)):
            at = (qv == qe) & ~bad
            if not at.any():
                continue
            end = ends[k]
            with _np.errstate(all="ignore"):
                ev = _np.broadcast_to(_pv(end), _np.broadcast_shapes(_np.shape(_pv(end)), at.shape))
                fin_end = _np.isfinite(ev)
                infinite = at & ~fin_end
                if infinite.any():
                    out = _outside(infinite, out, ev * _pv(scale) + lv)
                at = at & fin_end
                if not at.any():
                    continue
                c = 1.0 / _np.asarray(getattr(_sst, dist.name).pdf(ev, *sh), dtype=float)
            fin = _np.isfinite(c)
            qa = _sub(~at, q, qe)
            u = qa - qe if qe == 0 else qe - qa
            slope = _np.where(fin & at, c, 0.0).astype(dt) * u
            endv = _sub(~at, _arr(end) + 0.0 * qa, 0.0)
            out = dnp.where(at, loc + scale * (endv + sign * slope), out)
    return _plain(_invalid(bad, out))



# --- rayleigh -----------------------------------------------------------------------

class rayleigh_gen(_Continuous2):
    """The Rayleigh distribution: ``rayleigh.logpdf(x, loc=0, scale=1)`` etc.,
    support ``x >= loc``; with ``w = r^2 / 2`` it is ``expon`` in ``w`` (``sf =
    exp(-w)``, ``cdf = 1 - exp(-w)`` and their logs keep their relative accuracy
    in both tails)."""

    name = "rayleigh"
    _support = (0.0, _np.inf)

    def _mv(self):
        return _math.sqrt(_math.pi / 2), (4 - _math.pi) / 2

    def _w(self, x, loc, scale):
        y, out, ys = _st._half_line(x, loc, scale)
        return ys, 0.5 * (ys * ys), out, _not_pos(scale)

    def logpdf(self, x, loc=0, scale=1):
        ys, w, out, bad = self._w(x, loc, scale)
        with _np.errstate(divide="ignore"):
            val = dnp.log(ys) - w - _log(scale)
        return _invalid(bad, _outside(out, val, -_np.inf))

    def cdf(self, x, loc=0, scale=1):
        ys, w, out, bad = self._w(x, loc, scale)
        return _invalid(bad, _outside(out, _one_minus_exp(w), 0.0))

    def sf(self, x, loc=0, scale=1):
        ys, w, out, bad = self._w(x, loc, scale)
        return _invalid(bad, _outside(out, dnp.exp(-w), 1.0))

    def logcdf(self, x, loc=0, scale=1):
        ys, w, out, bad = self._w(x, loc, scale)
        with _np.errstate(divide="ignore"):
            return _invalid(bad, _outside(out, _log1mexp(w), -_np.inf))

    def logsf(self, x, loc=0, scale=1):
        ys, w, out, bad = self._w(x, loc, scale)
        return _invalid(bad, _outside(out, -w, 0.0))

    def ppf(self, q, loc=0, scale=1):
        return self._quantile(q, (), loc, scale, lambda v: dnp.sqrt(-2 * dnp.log1p(-v)), False)

    def isf(self, q, loc=0, scale=1):
        return self._quantile(q, (), loc, scale, lambda v: dnp.sqrt(-2 * dnp.log(v)), True)


# --- f ------------------------------------------------------------------------------

class f_gen(_Continuous2):
    """The F distribution: ``f.logpdf(x, dfn, dfd, loc=0, scale=1)`` etc.,
    support ``x >= loc``, differentiable in ``dfn`` and ``dfd``.  The cdf is
    ``beta.cdf(u, dfn/2, dfd/2)`` at ``u = dfn y / (dfn y + dfd)`` and the survival
    function ``beta.cdf(v, dfd/2, dfn/2)`` at ``v = dfd / (dfn y + dfd)`` (SciPy's
    ``fdtr`` / ``fdtrc``), each with ``beta``'s tail machinery, so both tails
    and their logs keep their relative accuracy.  ``ppf`` is SciPy's ``fdtri``;
    ``isf`` is ``dfd (1 - w) / (dfn w)``, ``w = betaincinv(dfd/2, dfn/2, q)``,
    which is accurate for small ``q`` (SciPy's ``fdtri(dfn, dfd, 1 - q)`` loses
    ``eps / q`` there and is ``inf`` below ``q = 1.1e-16``)."""

    name = "f"
    _support = (0.0, _np.inf)

    def _mv(self, dfn, dfd):
        return dfd / (dfd - 2.0), 2 * dfd * dfd * (dfn + dfd - 2.0) / (
            dfn * (dfd - 2.0) ** 2 * (dfd - 4.0))

    def _uv(self, x, dfn, dfd, loc, scale):
        y, out, ys = _st._half_line(x, loc, scale)
        ny = dfn * ys
        den = ny + dfd
        return ys, ny / den, dfd / den, out, _not_pos(dfn, dfd, scale)

    def logpdf(self, x, dfn, dfd, loc=0, scale=1):
        y, out, ys = _st._half_line(x, loc, scale)
        n, m = dfn, dfd
        with _np.errstate(divide="ignore"):
            val = (m / 2 * dnp.log(m) + n / 2 * dnp.log(n) + sp.xlogy(n / 2 - 1, ys)
                   - ((n + m) / 2 * dnp.log(m + n * ys) + sp.betaln(n / 2, m / 2))) - _log(scale)
        return _invalid(_not_pos(dfn, dfd, scale), _outside(out, val, -_np.inf))

    def cdf(self, x, dfn, dfd, loc=0, scale=1):
        ys, u, v, out, bad = self._uv(x, dfn, dfd, loc, scale)
        return _invalid(bad, _outside(out, _st.beta.cdf(u, 0.5 * dfn, 0.5 * dfd), 0.0))

    def sf(self, x, dfn, dfd, loc=0, scale=1):
        ys, u, v, out, bad = self._uv(x, dfn, dfd, loc, scale)
        return _invalid(bad, _outside(out, _st.beta.cdf(v, 0.5 * dfd, 0.5 * dfn), 1.0))

    def _logtail(self, x, dfn, dfd, loc, scale, upper):
        # below the median log cdf = beta.logcdf(u) and log sf = log1p(-cdf); above
        # it log sf = beta.logcdf(v) and log cdf = log1p(-sf)
        ys, u, v, out, bad = self._uv(x, dfn, dfd, loc, scale)
        hn, hm = 0.5 * dfn, 0.5 * dfd
        with _np.errstate(all="ignore"):
            med = _sp.fdtri(_pv(dfn), _pv(dfd), 0.5)
        lower = _np.asarray(_pv(ys) < med)
        if upper:
            val = _piecewise(lower, lambda safe: dnp.log1p(-_st.beta.cdf(safe(u, 0.25), hn, hm)),
                             lambda safe: _st.beta.logcdf(safe(v, 0.25), hm, hn))
        else:
            val = _piecewise(lower, lambda safe: _st.beta.logcdf(safe(u, 0.25), hn, hm),
                             lambda safe: dnp.log1p(-_st.beta.cdf(safe(v, 0.25), hm, hn)))
        return _invalid(bad, _outside(out, val, 0.0 if upper else -_np.inf))

    def logcdf(self, x, dfn, dfd, loc=0, scale=1):
        return self._logtail(x, dfn, dfd, loc, scale, False)

    def logsf(self, x, dfn, dfd, loc=0, scale=1):
        return self._logtail(x, dfn, dfd, loc, scale, True)

    def ppf(self, q, dfn, dfd, loc=0, scale=1):
        return self._quantile(q, (dfn, dfd), loc, scale,
                              lambda v, n, m: sp.fdtri(n, m, v), False)

    def isf(self, q, dfn, dfd, loc=0, scale=1):
        def std(v, n, m):
            w = sp.betaincinv(0.5 * m, 0.5 * n, v)
            return (m / n) * ((1 - w) / w)
        return self._quantile(q, (dfn, dfd), loc, scale, std, True)


# --- weibull_max --------------------------------------------------------------------

class weibull_max_gen(_Continuous2):
    """The Weibull maximum distribution: ``weibull_max.logpdf(x, c, loc=0,
    scale=1)`` etc., support ``x <= loc``: the mirror image of ``weibull_min``
    (``weibull_max.cdf(x, c, loc, scale) = weibull_min.sf(-x, c, -loc, scale)``),
    with its accurate tails."""

    name = "weibull_max"
    _support = (-_np.inf, 0.0)

    def _mv(self, c):
        m, v = _st.weibull_min._mv(c)
        return -m, v

    @staticmethod
    def _neg(v):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return -float(v)
        return -_arr(v)

    def _mirror(self, meth, x, c, loc, scale):
        return _plain(getattr(_st.weibull_min, meth)(self._neg(x), c, self._neg(loc), scale))

    def logpdf(self, x, c, loc=0, scale=1):
        return self._mirror("logpdf", x, c, loc, scale)

    def pdf(self, x, c, loc=0, scale=1):
        return self._mirror("pdf", x, c, loc, scale)

    def cdf(self, x, c, loc=0, scale=1):
        return self._mirror("sf", x, c, loc, scale)

    def sf(self, x, c, loc=0, scale=1):
        return self._mirror("cdf", x, c, loc, scale)

    def logcdf(self, x, c, loc=0, scale=1):
        return self._mirror("logsf", x, c, loc, scale)

    def logsf(self, x, c, loc=0, scale=1):
        return self._mirror("logcdf", x, c, loc, scale)

    def ppf(self, q, c, loc=0, scale=1):
        return self._quantile(q, (c,), loc, scale, lambda v, c: -(-dnp.log(v)) ** (1 / c), False)

    def isf(self, q, c, loc=0, scale=1):
        return self._quantile(q, (c,), loc, scale,
                              lambda v, c: -(-dnp.log1p(-v)) ** (1 / c), True)


# --- genpareto, genextreme: series near c = 0 ---------------------------------------

_SERIES_AT = 0.05     # |c x| below which log1p(c x) / c and expm1(c x) / c are series
_SERIES_TERMS = 16    # 0.05^16 / 17 < 1e-22


def _log1p_over(c, y):
    """``log1p(c y) / c`` (``y`` at ``c = 0``), for ``1 + c y > 0``: below ``|c y| =
    0.05`` the series ``y sum_k (-c y)^k / (k + 1)``, so value and derivatives in
    ``c`` are exact at and near ``c = 0`` (the quotient's ``c``-derivatives cancel
    there: relative error ``eps / (c y)^k`` in the k-th)."""
    cv, yv = _both(c, y)
    with _np.errstate(invalid="ignore", over="ignore"):
        small = _np.abs(cv * yv) < _SERIES_AT

    def series(safe):
        cs, ys = safe(c, 0.0), safe(y, 1.0)
        t = -(cs * ys)
        acc = 1.0 / _SERIES_TERMS
        for k in range(_SERIES_TERMS - 1, 0, -1):
            acc = 1.0 / k + t * acc
        return ys * acc

    def direct(safe):
        cs, ys = safe(c, 1.0), safe(y, 1.0)
        return dnp.log1p(cs * ys) / cs
    return _piecewise(small, series, direct)


def _expm1_over(c, t):
    """``expm1(c t) / c`` (``t`` at ``c = 0``): the series ``t sum_k (c t)^k /
    (k + 1)!`` below ``|c t| = 0.05``."""
    cv, tv = _both(c, t)
    with _np.errstate(invalid="ignore", over="ignore"):
        small = _np.abs(cv * tv) < _SERIES_AT

    def series(safe):
        cs, ts = safe(c, 0.0), safe(t, 1.0)
        u = cs * ts
        acc = 1.0
        for k in range(_SERIES_TERMS, 1, -1):
            acc = 1.0 + u * acc / k
        return ts * acc

    def direct(safe):
        cs, ts = safe(c, 1.0), safe(t, 1.0)
        return dnp.expm1(cs * ts) / cs
    return _piecewise(small, series, direct)


def _finite_c(c):
    cv = _pv(c)
    with _np.errstate(invalid="ignore"):
        return ~_np.isfinite(cv)


class genpareto_gen(_Continuous2):
    """The generalized Pareto distribution: ``genpareto.logpdf(x, c, loc=0,
    scale=1)`` etc., support ``[0, inf)`` for ``c >= 0`` and ``[0, -1/c]`` for ``c <
    0`` (standard units).  With ``L = log1p(c y) / c`` (a series near ``c y = 0``)
    ``logsf = -L``, ``sf = exp(-L)``, ``cdf = 1 - exp(-L)``, ``logcdf = log(1 -
    exp(-L))`` and ``logpdf = -(c + 1) L``: at ``c = 0`` the exponential
    distribution, with the exact ``c``-derivatives of the limit (no NaN).  At the
    finite upper end ``y = -1/c`` ``logpdf`` is SciPy's value (``0`` at ``c =
    -1``, ``-inf`` or ``inf`` otherwise) with derivative 0."""

    name = "genpareto"
    _support = (0.0, _np.inf)     # the lower end; the upper one (c < 0) is handled here

    def _y(self, x, c, loc, scale):
        y = _std(x, loc, scale)
        yv, cv = _both(y, c)
        with _np.errstate(invalid="ignore", divide="ignore"):
            # 1 + c y <= 0: at or past the upper end (c < 0)
            past = (1 + cv * yv <= 0) & (yv > 0)
            below = yv < 0
        out = below | past | _np.isnan(yv)
        return y, _sub(out, y, 0.0), below, past, \
            _finite_c(c) | _not_pos(scale)

    def logpdf(self, x, c, loc=0, scale=1):
        y, ys, below, past, bad = self._y(x, c, loc, scale)
        cv = _np.broadcast_to(_pv(c), _np.shape(past))
        val = -(c + 1) * _log1p_over(c, ys) - _log(scale)
        with _np.errstate(invalid="ignore"):
            yv = _np.broadcast_to(_pv(y), _np.shape(past))
            at_end = past & (1 + cv * yv == 0)
            end_val = _np.where(cv == -1, 0.0, _np.where(cv > -1, -_np.inf, _np.inf)) \
                - _np.log(_pv(scale))
        val = _outside(below | (past & ~at_end), val, -_np.inf)
        val = _outside(at_end, val, end_val)
        return _invalid(bad, _outside(_np.isnan(yv), val, _np.nan))

    def _tail(self, x, c, loc, scale, fn, lo, hi):
        y, ys, below, past, bad = self._y(x, c, loc, scale)
        val = fn(_log1p_over(c, ys))
        val = _outside(past, _outside(below, val, lo), hi)
        return _invalid(bad, _outside(_np.isnan(_pv(y)) & ~below & ~past, val, _np.nan))

    def cdf(self, x, c, loc=0, scale=1):
        return self._tail(x, c, loc, scale, _one_minus_exp, 0.0, 1.0)

    def sf(self, x, c, loc=0, scale=1):
        return self._tail(x, c, loc, scale, lambda L: dnp.exp(-L), 1.0, 0.0)

    def logcdf(self, x, c, loc=0, scale=1):
        with _np.errstate(divide="ignore"):
            return self._tail(x, c, loc, scale, _log1mexp, -_np.inf, 0.0)

    def logsf(self, x, c, loc=0, scale=1):
        return self._tail(x, c, loc, scale, lambda L: -L, 0.0, -_np.inf)

    def _ends(self, c):
        cv = _pv(c)
        neg = cv < 0
        up = _outside(~neg, -1.0 / _sub(~neg, _arr(c), -1.0), _np.inf)
        return 0.0, up

    def ppf(self, q, c, loc=0, scale=1):
        # -boxcox1p(-q, -c) = expm1(c t) / c, t = -log1p(-q)
        return _quantile_ends(self, q, (c,), loc, scale,
                              lambda v, c: _expm1_over(c, -dnp.log1p(-v)), False,
                              _finite_c(c), self._ends(c))

    def isf(self, q, c, loc=0, scale=1):
        # -boxcox(q, -c) = expm1(c t) / c, t = -log(q)
        return _quantile_ends(self, q, (c,), loc, scale,
                              lambda v, c: _expm1_over(c, -dnp.log(v)), True,
                              _finite_c(c), self._ends(c))

    def _mv(self, c):
        return 1 / (1 - c), 1 / ((1 - c) * (1 - c) * (1 - 2 * c))


def _genpareto_munp(n, c):
    out = 1.0
    for k in range(1, n + 1):
        out = out * (k / (1 - k * c))
    return out


class genextreme_gen(_Continuous2):
    """The generalized extreme value distribution: ``genextreme.logpdf(x, c,
    loc=0, scale=1)`` etc. (SciPy's sign of ``c``: support ``x <= 1/c`` for ``c >
    0``, ``x >= 1/c`` for ``c < 0``).  With ``u = -log1p(-c y) / c`` (a series near
    ``c y = 0``; ``u = y`` at ``c = 0``) it is ``gumbel_r`` in ``u``: ``logpdf =
    gumbel_r.logpdf(u) - log1p(-c y)`` and the cdfs are ``gumbel_r``'s at ``u``,
    with their accurate tails; at and near ``c = 0`` the values and
    ``c``-derivatives are those of the Gumbel limit, without NaN."""

    name = "genextreme"

    def _u(self, x, c, loc, scale):
        y = _std(x, loc, scale)
        yv, cv = _both(y, c)
        with _np.errstate(invalid="ignore", over="ignore"):
            out = ~(1 - cv * yv > 0) & ~_np.isnan(yv)
        ys = _sub(out, y, 0.0)
        return ys, _log1p_over(-_arr(c), ys), out, cv, _finite_c(c) | _not_pos(scale)

    def logpdf(self, x, c, loc=0, scale=1):
        ys, u, out, cv, bad = self._u(x, c, loc, scale)
        val = _st.gumbel_r.logpdf(u) - dnp.log1p(-(c * ys)) - _log(scale)
        # at the end 1 - c y = 0: SciPy's 0 for c = 1 (the density there is 1), else -inf
        yv = _np.broadcast_to(_pv(_std(x, loc, scale)), out.shape)
        with _np.errstate(invalid="ignore"):
            end1 = out & (cv == 1) & (yv == 1)
        val = _outside(out & ~end1, val, -_np.inf)
        val = _outside(end1, val, -_np.log(_pv(scale)))
        return _invalid(bad, val)

    def _tail(self, meth, x, c, loc, scale, at_upper, at_lower):
        """gumbel_r's ``meth`` at ``u``; outside the support its value at the end
        there (``at_upper`` past ``1/c`` for ``c > 0``, ``at_lower`` below it for ``c <
        0``)."""
        ys, u, out, cv, bad = self._u(x, c, loc, scale)
        val = getattr(_st.gumbel_r, meth)(u)
        val = _outside(out & (cv > 0), val, at_upper)
        val = _outside(out & (cv < 0), val, at_lower)
        return _invalid(bad, val)

    def cdf(self, x, c, loc=0, scale=1):
        return self._tail("cdf", x, c, loc, scale, 1.0, 0.0)

    def sf(self, x, c, loc=0, scale=1):
        return self._tail("sf", x, c, loc, scale, 0.0, 1.0)

    def logcdf(self, x, c, loc=0, scale=1):
        return self._tail("logcdf", x, c, loc, scale, 0.0, -_np.inf)

    def logsf(self, x, c, loc=0, scale=1):
        return self._tail("logsf", x, c, loc, scale, -_np.inf, 0.0)

    def _ends(self, c):
        cv = _pv(c)
        pos, neg = cv > 0, cv < 0
        end = 1.0 / _sub(cv == 0, _arr(c), 1.0)
        lo = _outside(~neg, end, -_np.inf)
        hi = _outside(~pos, end, _np.inf)
        return lo, hi

    def ppf(self, q, c, loc=0, scale=1):
        # -expm1(-c g) / c = expm1(-c g) / (-c), g = -log(-log q)
        return _quantile_ends(self, q, (c,), loc, scale,
                              lambda v, c: _expm1_over(-c, -dnp.log(-dnp.log(v))), False,
                              _finite_c(c), self._ends(c))

    def isf(self, q, c, loc=0, scale=1):
        return _quantile_ends(self, q, (c,), loc, scale,
                              lambda v, c: _expm1_over(-c, -dnp.log(-dnp.log1p(-v))), True,
                              _finite_c(c), self._ends(c))

    def _mv(self, c):
        # mean (1 - Gamma(1 + c)) / c, variance (Gamma(1 + 2c) - Gamma(1 + c)^2) / c^2,
        # both with series near c = 0 (see _gev_lg_over)
        lg1c, lg1 = _gev_lg_over(c, 1), sp.gammaln(1 + c)
        m = -lg1c * sp.exprel(lg1)
        d_c2 = _gev_lg_over(c, 2)            # (gammaln(1 + 2c) - 2 gammaln(1 + c)) / c^2
        d = d_c2 * (c * c)
        return m, dnp.exp(2 * lg1) * d_c2 * sp.exprel(d)


_ZETA = [None, None] + [float(_sp.zeta(k)) for k in range(2, 26)]


def _gev_lg_over(c, which):
    """``gammaln(1 + c) / c`` (``which = 1``) or ``(gammaln(1 + 2c) - 2 gammaln(1 +
    c)) / c^2`` (``which = 2``), from ``gammaln(1 + c) = -gamma c + sum_k>=2 (-1)^k
    zeta(k) c^k / k`` below ``|c| = 0.05`` (exact at and near 0), directly above."""
    cv = _pv(c)
    with _np.errstate(invalid="ignore"):
        small = _np.abs(cv) < _SERIES_AT

    def series(safe):
        cs = safe(c, 0.0)
        acc = 0.0
        for k in range(24, 1, -1):
            coef = (-1) ** k * _ZETA[k] / k
            if which == 1:
                acc = acc * cs + coef            # sum coef c^(k-1), from k = 2: shift below
            else:
                acc = acc * cs + coef * (2.0 ** k - 2.0)
        return (-_EULER + cs * acc) if which == 1 else acc

    def direct(safe):
        cs = safe(c, 1.0)
        if which == 1:
            return sp.gammaln(1 + cs) / cs
        return (sp.gammaln(1 + 2 * cs) - 2 * sp.gammaln(1 + cs)) / (cs * cs)
    return _piecewise(small, series, direct)


# --- lomax, chi, maxwell -------------------------------------------------------------

class lomax_gen(_Continuous2):
    """The Lomax (Pareto II) distribution: ``lomax.logpdf(x, c, loc=0, scale=1)``
    etc., support ``x >= loc``; with ``u = c log1p(y)`` it is ``expon`` in ``u``
    (``sf = exp(-u)``, ``cdf = 1 - exp(-u)``, their logs accurate in both tails).
    ``isf`` is ``expm1(-log(q) / c)`` (SciPy's ``q**(-1/c) - 1`` cancels near ``q =
    1``)."""

    name = "lomax"
    _support = (0.0, _np.inf)

    def _mv(self, c):
        return 1.0 / (c - 1.0), c / ((c - 2.0) * (c - 1.0) ** 2)

    def _u(self, x, c, loc, scale):
        y, out, ys = _st._half_line(x, loc, scale)
        l1 = dnp.log1p(ys)
        return l1, c * l1, out, _not_pos(c, scale)

    def logpdf(self, x, c, loc=0, scale=1):
        l1, u, out, bad = self._u(x, c, loc, scale)
        return _invalid(bad, _outside(out, dnp.log(c) - (c + 1) * l1 - _log(scale), -_np.inf))

    def cdf(self, x, c, loc=0, scale=1):
        l1, u, out, bad = self._u(x, c, loc, scale)
        return _invalid(bad, _outside(out, _one_minus_exp(u), 0.0))

    def sf(self, x, c, loc=0, scale=1):
        l1, u, out, bad = self._u(x, c, loc, scale)
        return _invalid(bad, _outside(out, dnp.exp(-u), 1.0))

    def logcdf(self, x, c, loc=0, scale=1):
        l1, u, out, bad = self._u(x, c, loc, scale)
        with _np.errstate(divide="ignore"):
            return _invalid(bad, _outside(out, _log1mexp(u), -_np.inf))

    def logsf(self, x, c, loc=0, scale=1):
        l1, u, out, bad = self._u(x, c, loc, scale)
        return _invalid(bad, _outside(out, -u, 0.0))

    def ppf(self, q, c, loc=0, scale=1):
        return self._quantile(q, (c,), loc, scale, lambda v, c: dnp.expm1(-dnp.log1p(-v) / c), False)

    def isf(self, q, c, loc=0, scale=1):
        return self._quantile(q, (c,), loc, scale, lambda v, c: dnp.expm1(-dnp.log(v) / c), True)


class chi_gen(_Continuous2):
    """The chi distribution: ``chi.logpdf(x, df, loc=0, scale=1)`` etc., support
    ``x >= loc``: the cdfs are ``gamma``'s at ``(y^2 / 2, df / 2)``, with its tail
    machinery, differentiable in ``df``."""

    name = "chi"
    _support = (0.0, _np.inf)

    def _df(self, df):
        return df

    def _mv(self, df):
        mu = _math.sqrt(2.0) * dnp.exp(sp.gammaln(0.5 * df + 0.5) - sp.gammaln(0.5 * df))
        return mu, df - mu * mu

    def _g(self, meth, x, df, loc, scale, fill):
        y, out, ys = _st._half_line(x, loc, scale)
        val = getattr(_st.gamma, meth)(0.5 * (ys * ys), 0.5 * df)
        return _invalid(_not_pos(df, scale), _outside(out, val, fill))

    def logpdf(self, x, df, loc=0, scale=1):
        y, out, ys = _st._half_line(x, loc, scale)
        with _np.errstate(divide="ignore"):
            val = (_math.log(2) - 0.5 * _math.log(2) * df - sp.gammaln(0.5 * df)
                   + sp.xlogy(df - 1.0, ys) - 0.5 * (ys * ys)) - _log(scale)
        return _invalid(_not_pos(df, scale), _outside(out, val, -_np.inf))

    def cdf(self, x, df, loc=0, scale=1):
        return self._g("cdf", x, df, loc, scale, 0.0)

    def sf(self, x, df, loc=0, scale=1):
        return self._g("sf", x, df, loc, scale, 1.0)

    def logcdf(self, x, df, loc=0, scale=1):
        with _np.errstate(divide="ignore"):
            return self._g("logcdf", x, df, loc, scale, -_np.inf)

    def logsf(self, x, df, loc=0, scale=1):
        return self._g("logsf", x, df, loc, scale, 0.0)

    def ppf(self, q, df, loc=0, scale=1):
        return self._quantile(q, (df,), loc, scale,
                              lambda v, df: dnp.sqrt(2 * sp.gammaincinv(0.5 * df, v)), False)

    def isf(self, q, df, loc=0, scale=1):
        return self._quantile(q, (df,), loc, scale,
                              lambda v, df: dnp.sqrt(2 * sp.gammainccinv(0.5 * df, v)), True)


class maxwell_gen(_Continuous2):
    """The Maxwell distribution: ``maxwell.logpdf(x, loc=0, scale=1)`` etc., ``chi``
    with ``df = 3``."""

    name = "maxwell"
    _support = (0.0, _np.inf)

    def _mv(self):
        return 2 * _math.sqrt(2.0 / _math.pi), 3 - 8 / _math.pi

    def logpdf(self, x, loc=0, scale=1):
        return chi.logpdf(x, 3.0, loc, scale)

    def cdf(self, x, loc=0, scale=1):
        return chi.cdf(x, 3.0, loc, scale)

    def sf(self, x, loc=0, scale=1):
        return chi.sf(x, 3.0, loc, scale)

    def logcdf(self, x, loc=0, scale=1):
        return chi.logcdf(x, 3.0, loc, scale)

    def logsf(self, x, loc=0, scale=1):
        return chi.logsf(x, 3.0, loc, scale)

    def ppf(self, q, loc=0, scale=1):
        return self._quantile(q, (), loc, scale, lambda v: dnp.sqrt(2 * sp.gammaincinv(1.5, v)), False)

    def isf(self, q, loc=0, scale=1):
        return self._quantile(q, (), loc, scale, lambda v: dnp.sqrt(2 * sp.gammainccinv(1.5, v)), True)


def _chi_entropy(df):
    return _mom._asym(df, 300.0,
                      lambda df: sp.gammaln(0.5 * df) + 0.5 * (df - _math.log(2)
                                                               - (df - 1) * sp.psi(0.5 * df)),
                      lambda df: (0.5 + _math.log(_math.pi) / 2 - df ** -1.0 / 6 - df ** -2.0 / 6
                                  - 4 / 45 * df ** -3.0 + df ** -4.0 / 15))


def _chi_sk(df):
    mu, mu2 = chi._mv(df)
    g1 = (2 * mu ** 3.0 + mu * (1 - 2 * df)) / mu2 ** 1.5
    g2 = (2 * df * (1.0 - df) - 6 * mu ** 4.0 + 4 * mu ** 2.0 * (2 * df - 1)) / mu2 ** 2.0
    return g1, g2


# --- loggamma, truncexpon, powerlaw --------------------------------------------------

_LOGXMIN = float(_np.log(_np.finfo(float).tiny))     # SciPy's switch to the series


class loggamma_gen(_Continuous2):
    """The log-gamma distribution: ``loggamma.logpdf(x, c, loc=0, scale=1)`` etc.
    (``exp(y)`` is gamma-distributed with shape ``c``): the cdfs are ``gamma``'s at
    ``exp(y)``, with its tail machinery; below ``y = log(tiny)`` (where ``exp(y)``
    is subnormal) SciPy's one-term series ``exp(c y - gammaln(c + 1))``, whose log
    is kept as such (``logcdf`` finite far below, where SciPy's ``log(cdf)``
    underflows to ``-inf``)."""

    name = "loggamma"

    def _mv(self, c):
        return sp.psi(c), sp.polygamma(1, c)

    def logpdf(self, x, c, loc=0, scale=1):
        y = _std(x, loc, scale)
        return _invalid(_not_pos(c, scale), c * y - dnp.exp(y) - sp.gammaln(c) - _log(scale))

    def _pieces(self, x, c, loc, scale, low, regular):
        y = _std(x, loc, scale)
        with _np.errstate(invalid="ignore"):
            tiny = _np.asarray(_pv(y) < _LOGXMIN)
        val = _piecewise(tiny, lambda safe: low(safe(y, 2 * _LOGXMIN), c),
                         lambda safe: regular(dnp.exp(safe(y, 0.0)), c))
        return _invalid(_not_pos(c, scale), val)

    def cdf(self, x, c, loc=0, scale=1):
        return self._pieces(x, c, loc, scale, lambda y, c: dnp.exp(c * y - sp.gammaln(c + 1)),
                            _st.gamma.cdf)

    def logcdf(self, x, c, loc=0, scale=1):
        return self._pieces(x, c, loc, scale, lambda y, c: c * y - sp.gammaln(c + 1),
                            _st.gamma.logcdf)

    def sf(self, x, c, loc=0, scale=1):
        return self._pieces(x, c, loc, scale, lambda y, c: -dnp.expm1(c * y - sp.gammaln(c + 1)),
                            _st.gamma.sf)

    def logsf(self, x, c, loc=0, scale=1):
        return self._pieces(x, c, loc, scale,
                            lambda y, c: dnp.log1p(-dnp.exp(c * y - sp.gammaln(c + 1))),
                            _st.gamma.logsf)

    @staticmethod
    def _inv(v, c, upper):
        """SciPy's quantile: ``log(gammaincinv(c, q))`` (``gammainccinv`` when
        ``upper``), the series' inverse where that is below the smallest normal."""
        qv, cv = _both(v, c)
        with _np.errstate(all="ignore"):
            g = (_sp.gammainccinv if upper else _sp.gammaincinv)(cv, qv)
            tiny = _np.asarray(g < _np.finfo(float).tiny)

        def low(safe):
            vs, cs = safe(v, 0.5), safe(c, 1.0)
            lq = dnp.log1p(-vs) if upper else dnp.log(vs)
            return (lq + sp.gammaln(cs + 1)) / cs

        def regular(safe):
            vs, cs = safe(v, 0.5), safe(c, 1.0)
            return dnp.log((sp.gammainccinv if upper else sp.gammaincinv)(cs, vs))
        return _piecewise(tiny, low, regular)

    def ppf(self, q, c, loc=0, scale=1):
        return self._quantile(q, (c,), loc, scale, lambda v, c: self._inv(v, c, False), False)

    def isf(self, q, c, loc=0, scale=1):
        return self._quantile(q, (c,), loc, scale, lambda v, c: self._inv(v, c, True), True)


class truncexpon_gen(_Continuous2):
    """The truncated exponential distribution: ``truncexpon.logpdf(x, b, loc=0,
    scale=1)`` etc., support ``[0, b]`` (standard units).  In log form throughout:
    ``logpdf = -y - log(1 - e^-b)``, ``logcdf = log(1 - e^-y) - log(1 - e^-b)``,
    ``logsf = -y + log(1 - e^-(b-y)) - log(1 - e^-b)`` (SciPy's ``sf = (e^-b -
    e^-y) / expm1(-b)`` cancels near ``y = b``: these keep their relative
    accuracy)."""

    name = "truncexpon"
    _support = (0.0, _np.inf)     # the lower end; the upper one, b, is handled here

    def _y(self, x, b, loc, scale):
        y = _std(x, loc, scale)
        yv, bv = _both(y, b)
        with _np.errstate(invalid="ignore"):
            below, above = yv < 0, yv > bv
            at_b = yv == bv
        ys = _sub(below | above | at_b, y, 0.5 * _np.where(_np.isfinite(bv) & (bv > 0), bv, 1.0))
        return y, ys, below, above, at_b, _not_pos(b, scale)

    def _mv(self, b):
        e = dnp.exp(-b)
        z = _one_minus_exp(b)
        m1 = (1 - (b + 1) * e) / z
        m2 = 2 * (1 - 0.5 * (b * b + 2 * b + 2) * e) / z
        return m1, m2 - m1 * m1

    def logpdf(self, x, b, loc=0, scale=1):
        y, ys, below, above, at_b, bad = self._y(x, b, loc, scale)
        val = -ys - _log1mexp(b) - _log(scale)
        val = _outside(at_b, val, -_np.asarray(_pv(b)) - _np.log(-_np.expm1(-_np.asarray(_pv(b))))
                       - _np.log(_pv(scale)))
        return _invalid(bad, _outside(below | above, val, -_np.inf))

    @staticmethod
    def _logs(ys, b):
        """``(log cdf, log sf)`` inside the support, each the direct log form on its
        own side of the median and ``log1p(-other)`` on the other side (no
        cancellation next to either end)."""
        with _np.errstate(all="ignore"):
            bv = _np.asarray(_pv(b))
            med = -_np.log1p(0.5 * _np.expm1(-_np.where(bv > 0, bv, 1.0)))
            low = _np.asarray(_pv(ys) < med)

        def lcdf(v):
            return _log1mexp(v) - _log1mexp(b)

        def lsf(v):
            return -v + _log1mexp(b - v) - _log1mexp(b)

        def cdf(v):
            return _one_minus_exp(v) / _one_minus_exp(b)

        def sf(v):
            return dnp.exp(-v) * _one_minus_exp(b - v) / _one_minus_exp(b)
        with _np.errstate(divide="ignore"):
            lc = _piecewise(low, lambda safe: lcdf(safe(ys, 0.1)),
                            lambda safe: dnp.log1p(-sf(safe(ys, 0.1))))
            ls = _piecewise(low, lambda safe: dnp.log1p(-cdf(safe(ys, 0.1))),
                            lambda safe: lsf(safe(ys, 0.1)))
        return lc, ls

    def logcdf(self, x, b, loc=0, scale=1):
        y, ys, below, above, at_b, bad = self._y(x, b, loc, scale)
        val = self._logs(ys, b)[0]
        return _invalid(bad, _outside(above | at_b, _outside(below, val, -_np.inf), 0.0))

    def logsf(self, x, b, loc=0, scale=1):
        y, ys, below, above, at_b, bad = self._y(x, b, loc, scale)
        val = self._logs(ys, b)[1]
        return _invalid(bad, _outside(above | at_b, _outside(below, val, 0.0), -_np.inf))

    def cdf(self, x, b, loc=0, scale=1):
        y, ys, below, above, at_b, bad = self._y(x, b, loc, scale)
        val = _one_minus_exp(ys) / _one_minus_exp(b)
        return _invalid(bad, _outside(above | at_b, _outside(below, val, 0.0), 1.0))

    def sf(self, x, b, loc=0, scale=1):
        y, ys, below, above, at_b, bad = self._y(x, b, loc, scale)
        val = dnp.exp(self._logs(ys, b)[1])
        return _invalid(bad, _outside(above | at_b, _outside(below, val, 1.0), 0.0))

    def ppf(self, q, b, loc=0, scale=1):
        return _quantile_ends(self, q, (b,), loc, scale,
                              lambda v, b: -dnp.log1p(v * dnp.expm1(-b)), False,
                              _not_pos(b), (0.0, b))

    def isf(self, q, b, loc=0, scale=1):
        return _quantile_ends(self, q, (b,), loc, scale,
                              lambda v, b: -dnp.log(dnp.exp(-b) - v * dnp.expm1(-b)), True,
                              _not_pos(b), (0.0, b))


class powerlaw_gen(_Continuous2):
    """The power-function distribution: ``powerlaw.logpdf(x, a, loc=0, scale=1)``
    etc., support ``[0, 1]`` (standard units; ``x = 0`` excluded for ``a < 1``, as
    SciPy).  With ``u = -a log y``: ``logcdf = -u``, ``cdf = exp(-u)``, ``sf = 1 -
    exp(-u)`` and ``logsf = log(1 - exp(-u))`` (accurate near ``y = 1``); ``isf`` is
    ``exp(log1p(-q) / a)``, from ``q`` directly (SciPy's ``ppf(1 - q)`` loses
    ``eps / q``)."""

    name = "powerlaw"
    _support = (0.0, 1.0)

    def _mv(self, a):
        return a / (a + 1.0), a / (a + 2.0) / (a + 1.0) ** 2

    def _u(self, x, a, loc, scale):
        y = _std(x, loc, scale)
        yv = _np.asarray(_pv(y))
        with _np.errstate(invalid="ignore"):
            lo, hi = yv <= 0, yv > 1
        ys = _sub(lo | hi, y, 0.5)
        ly = dnp.log(ys)
        return y, yv, ly, -(a * ly), lo, hi, _not_pos(a, scale)

    def logpdf(self, x, a, loc=0, scale=1):
        y, yv, ly, u, lo, hi, bad = self._u(x, a, loc, scale)
        val = dnp.log(a) + (a - 1) * ly - _log(scale)
        av = _np.broadcast_to(_pv(a), _np.shape(lo))
        with _np.errstate(all="ignore"):
            at0 = lo & (yv == 0)
            v0 = _np.where(av == 1, 0.0, -_np.inf) - _np.log(_pv(scale))
        val = _outside(at0, val, v0)
        return _invalid(bad, _outside((lo & ~at0) | hi, val, -_np.inf))

    def cdf(self, x, a, loc=0, scale=1):
        y, yv, ly, u, lo, hi, bad = self._u(x, a, loc, scale)
        return _invalid(bad, _outside(hi, _outside(lo, dnp.exp(-u), 0.0), 1.0))

    def logcdf(self, x, a, loc=0, scale=1):
        y, yv, ly, u, lo, hi, bad = self._u(x, a, loc, scale)
        return _invalid(bad, _outside(hi, _outside(lo, -u, -_np.inf), 0.0))

    def sf(self, x, a, loc=0, scale=1):
        y, yv, ly, u, lo, hi, bad = self._u(x, a, loc, scale)
        return _invalid(bad, _outside(hi, _outside(lo, _one_minus_exp(u), 1.0), 0.0))

    def logsf(self, x, a, loc=0, scale=1):
        y, yv, ly, u, lo, hi, bad = self._u(x, a, loc, scale)
        with _np.errstate(divide="ignore"):
            val = _log1mexp(u)
        return _invalid(bad, _outside(hi, _outside(lo, val, 0.0), -_np.inf))

    def ppf(self, q, a, loc=0, scale=1):
        return self._quantile(q, (a,), loc, scale, lambda v, a: dnp.exp(dnp.log(v) / a), False)

    def isf(self, q, a, loc=0, scale=1):
        return self._quantile(q, (a,), loc, scale, lambda v, a: dnp.exp(dnp.log1p(-v) / a), True)


def _loggamma_entropy(c):
    return _mom._asym(c, 45.0, lambda c: sp.gammaln(c) - c * sp.psi(c) + c,
                      lambda c: 0.5 * (_math.log(2 * _math.pi) + 1) - 0.5 * dnp.log(c)
                      + c ** -1.0 / 6 - c ** -3.0 / 90 + c ** -5.0 / 210)


def _truncexpon_entropy(b):
    # log(e^b - 1) + (1 + e^b (b - 1)) / (1 - e^b), without overflow
    e = dnp.exp(-b)
    return b + _log1mexp(b) - (b - 1 + e) / _one_minus_exp(b)


# --- betaprime ----------------------------------------------------------------------

class betaprime_gen(_Continuous2):
    """The beta prime distribution: ``betaprime.logpdf(x, a, b, loc=0, scale=1)``
    etc., support ``x > loc``: the cdf is ``beta``'s at ``u = y / (1 + y)`` and the
    survival function ``beta``'s (with ``a``, ``b`` swapped) at ``v = 1 / (1 + y)``,
    as SciPy's (``beta.sf(v, b, a)`` for the cdf above ``y = 1``), with ``beta``'s
    tail machinery for the logs.  ``isf`` inverts the survival function directly
    (``(1 - v) / v``, ``v = betaincinv(b, a, q)`` for ``q <= 1/2``; SciPy's ``ppf(1
    - q)`` loses ``eps / q``)."""

    name = "betaprime"
    _support = (0.0, _np.inf)

    def _mv(self, a, b):
        return a / (b - 1.0), a * (a + b - 1.0) / ((b - 2.0) * (b - 1.0) ** 2)

    def _uv(self, x, a, b, loc, scale):
        y, out, ys = _st._half_line(x, loc, scale, closed=False)
        v = 1.0 / (1.0 + ys)
        return ys, ys * v, v, out, _not_pos(a, b, scale)

    def logpdf(self, x, a, b, loc=0, scale=1):
        y, out, ys = _st._half_line(x, loc, scale, closed=False)
        val = sp.xlogy(a - 1.0, ys) - sp.xlog1py(a + b, ys) - sp.betaln(a, b) - _log(scale)
        return _invalid(_not_pos(a, b, scale), _outside(out, val, -_np.inf))

    def _tail(self, x, a, b, loc, scale, upper):
        ys, u, v, out, bad = self._uv(x, a, b, loc, scale)
        big = _np.asarray(_pv(ys) > 1)
        if upper:
            val = _piecewise(big, lambda safe: _st.beta.cdf(safe(v, 0.25), b, a),
                             lambda safe: _st.beta.sf(safe(u, 0.25), a, b))
        else:
            val = _piecewise(big, lambda safe: _st.beta.sf(safe(v, 0.25), b, a),
                             lambda safe: _st.beta.cdf(safe(u, 0.25), a, b))
        return _invalid(bad, _outside(out, val, float(upper)))

    def cdf(self, x, a, b, loc=0, scale=1):
        return self._tail(x, a, b, loc, scale, False)

    def sf(self, x, a, b, loc=0, scale=1):
        return self._tail(x, a, b, loc, scale, True)

    def _logtail(self, x, a, b, loc, scale, upper):
        # below the median log cdf = beta.logcdf(u, a, b), log sf = log1p(-cdf); above
        # it log sf = beta.logcdf(v, b, a), log cdf = log1p(-sf)
        ys, u, v, out, bad = self._uv(x, a, b, loc, scale)
        with _np.errstate(all="ignore"):
            r = _sp.betaincinv(_pv(a), _pv(b), 0.5)
            med = r / (1 - r)
        lower = _np.asarray(_pv(ys) < med)
        if upper:
            val = _piecewise(lower, lambda safe: dnp.log1p(-_st.beta.cdf(safe(u, 0.25), a, b)),
                             lambda safe: _st.beta.logcdf(safe(v, 0.25), b, a))
        else:
            val = _piecewise(lower, lambda safe: _st.beta.logcdf(safe(u, 0.25), a, b),
                             lambda safe: dnp.log1p(-_st.beta.cdf(safe(v, 0.25), b, a)))
        return _invalid(bad, _outside(out, val, 0.0 if upper else -_np.inf))

    def logcdf(self, x, a, b, loc=0, scale=1):
        return self._logtail(x, a, b, loc, scale, False)

    def logsf(self, x, a, b, loc=0, scale=1):
        return self._logtail(x, a, b, loc, scale, True)

    @staticmethod
    def _inv(q, a, b, upper):
        """SciPy's ``ppf`` (``r / (1 - r)``, ``r = betaincinv(a, b, q)``; ``1 /
        betainccinv(b, a, q) - 1`` where ``r > 0.9999``), or (``upper``) the
        inverse of the survival function, the same with ``q`` the upper tail."""
        qv, av, bv = _both(q, a, b)
        with _np.errstate(all="ignore"):
            r = (_sp.betainccinv if upper else _sp.betaincinv)(av, bv, qv)
            near1 = _np.asarray(r > 0.9999)
        inv_r = sp.betainccinv if upper else sp.betaincinv
        inv_w = sp.betaincinv if upper else sp.betainccinv

        def direct(safe):
            rs = inv_r(safe(a, 1.0), safe(b, 1.0), safe(q, 0.5))
            return rs / (1 - rs)

        def far(safe):
            return 1.0 / inv_w(safe(b, 1.0), safe(a, 1.0), safe(q, 0.5)) - 1.0
        return _piecewise(near1, far, direct)

    def ppf(self, q, a, b, loc=0, scale=1):
        return self._quantile(q, (a, b), loc, scale, lambda v, a, b: self._inv(v, a, b, False),
                              False)

    def isf(self, q, a, b, loc=0, scale=1):
        return self._quantile(q, (a, b), loc, scale, lambda v, a, b: self._inv(v, a, b, True),
                              True)


def _betaprime_munp(n, a, b):
    out = 1.0
    for i in range(1, n + 1):
        out = out * ((a + i - 1) / (b - i))
    return out


def _betaprime_sk(a, b):
    m1, m2, m3, m4 = (_betaprime_munp(n, a, b) for n in (1, 2, 3, 4))
    mu2 = m2 - m1 * m1
    mu3 = m3 - 3 * m1 * m2 + 2 * m1 ** 3
    mu4 = m4 - 4 * m1 * m3 + 6 * m1 * m1 * m2 - 3 * m1 ** 4
    return mu3 / mu2 ** 1.5, mu4 / (mu2 * mu2) - 3


# --- triang -------------------------------------------------------------------------

class triang_gen(_Continuous2):
    """The triangular distribution: ``triang.logpdf(x, c, loc=0, scale=1)`` etc.,
    support ``[0, 1]`` (standard units), mode ``c`` in ``[0, 1]``.  Each side of the
    mode in its own closed form: ``cdf = y^2 / c`` below it, ``sf = (1 - y)^2 / (1 -
    c)`` above it (each accurate in its tail, the other as ``1 - ...``), and
    ``isf`` from ``q`` directly.  At ``y = c`` the density has a kink: its
    derivative in ``x`` there is the one-sided one from above (below for ``c =
    1``)."""

    name = "triang"
    _support = (0.0, 1.0)

    def _mv(self, c):
        return (c + 1.0) / 3.0, (1.0 - c + c * c) / 18

    @staticmethod
    def _bad(c, scale=1.0):
        cv = _np.asarray(_pv(c))
        with _np.errstate(invalid="ignore"):
            return ~((cv >= 0) & (cv <= 1)) | _not_pos(scale)

    def _y(self, x, c, loc, scale):
        y = _std(x, loc, scale)
        yv, cv = _both(y, c)
        with _np.errstate(invalid="ignore"):
            lo, hi = yv < 0, yv > 1
            lower = ((yv < cv) | (cv == 1)) & ~lo & ~hi
        upper = ~lower & ~lo & ~hi
        return y, lo, hi, lower, upper

    def _two(self, x, c, loc, scale, below, above, lo_val, hi_val):
        y, lo, hi, lower, upper = self._y(x, c, loc, scale)
        with _np.errstate(divide="ignore"):
            val = _piecewise(lower, lambda safe: below(safe(y, 0.5), safe(c, 1.0)),
                             lambda safe: above(safe(y, 0.5), safe(c, 0.0)))
        val = _outside(hi, _outside(lo, val, lo_val), hi_val)
        return _invalid(self._bad(c, scale), val)

    def logpdf(self, x, c, loc=0, scale=1):
        return self._two(x, c, loc, scale,
                         lambda y, c: _math.log(2) + dnp.log(y) - dnp.log(c),
                         lambda y, c: _math.log(2) + dnp.log1p(-y) - dnp.log1p(-c),
                         -_np.inf, -_np.inf) - _log(scale)

    def pdf(self, x, c, loc=0, scale=1):
        return self._two(x, c, loc, scale, lambda y, c: 2 * y / c,
                         lambda y, c: 2 * (1 - y) / (1 - c), 0.0, 0.0) / scale

    # above the mode the cdf is SciPy's (y (2 - y) - c) / (1 - c) (accurate for small y
    # at c = 0), below it the survival function (sqrt(c) - y) (sqrt(c) + y) / c
    # (accurate near y = 1 at c = 1)
    @staticmethod
    def _cdf_above(y, c):
        return (y * (2 - y) - c) / (1 - c)

    @staticmethod
    def _sf_below(y, c):
        r = dnp.sqrt(c)
        return (r - y) * (r + y) / c

    def cdf(self, x, c, loc=0, scale=1):
        return self._two(x, c, loc, scale, lambda y, c: y * y / c, self._cdf_above, 0.0, 1.0)

    def sf(self, x, c, loc=0, scale=1):
        return self._two(x, c, loc, scale, self._sf_below,
                         lambda y, c: (1 - y) * (1 - y) / (1 - c), 1.0, 0.0)

    @staticmethod
    def _log_small_or_not(y, c, small_fn, other_fn):
        """``log(small_fn)`` where that is below 1/2, ``log1p(-other_fn)`` elsewhere."""
        with _np.errstate(all="ignore"):
            small = _np.asarray(_pv(small_fn(_pv(y), _pv(c))) < 0.5)
        return _piecewise(small, lambda safe: dnp.log(small_fn(safe(y, 0.5), safe(c, 0.5))),
                          lambda safe: dnp.log1p(-other_fn(safe(y, 0.5), safe(c, 0.5))))

    def logcdf(self, x, c, loc=0, scale=1):
        return self._two(x, c, loc, scale, lambda y, c: 2 * dnp.log(y) - dnp.log(c),
                         lambda y, c: self._log_small_or_not(
                             y, c, self._cdf_above, lambda y, c: (1 - y) * (1 - y) / (1 - c)),
                         -_np.inf, 0.0)

    def logsf(self, x, c, loc=0, scale=1):
        return self._two(x, c, loc, scale,
                         lambda y, c: self._log_small_or_not(y, c, self._sf_below,
                                                             lambda y, c: y * y / c),
                         lambda y, c: 2 * dnp.log1p(-y) - dnp.log1p(-c), 0.0, -_np.inf)

    @staticmethod
    def _inv(q, c, upper):
        qv, cv = _both(q, c)
        # the lower side where F(c) = c is above q (ppf) / S(c) = 1 - c below q (isf)
        lower = (qv < cv) if not upper else (qv > 1 - cv)

        def below(safe):
            qs, cs = safe(q, 0.5), safe(c, 1.0)
            return dnp.sqrt(cs * (1 - qs if upper else qs))

        def above(safe):
            qs, cs = safe(q, 0.5), safe(c, 0.0)
            return 1 - dnp.sqrt((1 - cs) * (qs if upper else 1 - qs))
        return _piecewise(_np.asarray(lower), below, above)

    def ppf(self, q, c, loc=0, scale=1):
        return _quantile_ends(self, q, (c,), loc, scale, lambda v, c: self._inv(v, c, False),
                              False, self._bad(c), (0.0, 1.0))

    def isf(self, q, c, loc=0, scale=1):
        return _quantile_ends(self, q, (c,), loc, scale, lambda v, c: self._inv(v, c, True),
                              True, self._bad(c), (0.0, 1.0))


# --- vonmises (density only) ---------------------------------------------------------

class vonmises_gen(_Continuous2):
    """The von Mises distribution, its density only: ``vonmises.logpdf(x, kappa,
    loc=0, scale=1)`` = ``kappa cosm1(y) - log(2 pi i0e(kappa)) - log(scale)`` (SciPy's
    form, on the whole line: the density is periodic), ``pdf`` and ``entropy``,
    differentiable in ``x``, ``kappa`` (``>= 0``), ``loc`` and ``scale``.  The cdf
    (SciPy's series / normal approximation), the quantiles and the moments are not
    provided: they raise ``AttributeError`` / ``NotImplementedError`` naming SciPy's
    method."""

    name = "vonmises"
    _inf_limits = False      # periodic: no limit at +-inf (NaN, as SciPy)

    @staticmethod
    def _bad(kappa, scale=1.0):
        kv = _np.asarray(_pv(kappa))
        with _np.errstate(invalid="ignore"):
            return ~(kv >= 0) | _not_pos(scale)

    @staticmethod
    def _small(kappa):
        kv = _np.asarray(_pv(kappa))
        with _np.errstate(invalid="ignore"):
            return kv < 1

    @classmethod
    def _log_i0e(cls, kappa):
        """``log(i0e(kappa))``: ``log(i0(kappa)) - kappa`` below 1 (``i0e`` is
        ``exp(-|k|) i0(k)``, with a kink at 0: its derivative there would be the
        ``abs`` convention's, not the one-sided one at the edge ``kappa = 0``)."""
        return _piecewise(cls._small(kappa),
                          lambda safe: dnp.log(sp.i0(safe(kappa, 0.5))) - safe(kappa, 0.5),
                          lambda safe: dnp.log(sp.i0e(safe(kappa, 2.0))))

    @classmethod
    def _i1_over_i0(cls, kappa):
        return _piecewise(cls._small(kappa),
                          lambda safe: sp.i1(safe(kappa, 0.5)) / sp.i0(safe(kappa, 0.5)),
                          lambda safe: sp.i1e(safe(kappa, 2.0)) / sp.i0e(safe(kappa, 2.0)))

    def logpdf(self, x, kappa, loc=0, scale=1):
        y = _std(x, loc, scale)
        val = kappa * sp.cosm1(y) - _math.log(2 * _math.pi) - self._log_i0e(kappa) - _log(scale)
        return _invalid(self._bad(kappa, scale), val)

    def entropy(self, kappa, loc=0, scale=1):
        """``-kappa i1e / i0e + log(2 pi i0e) + kappa`` plus ``log(scale)`` (SciPy's)."""
        if not self._traced_call((kappa, loc, scale), {}):
            return self._scipy_value("entropy", (), (kappa,), {"loc": loc, "scale": scale})
        with _np.errstate(all="ignore"):
            out = (-kappa * self._i1_over_i0(kappa) + _math.log(2 * _math.pi)
                   + self._log_i0e(kappa) + kappa + dnp.log(scale) + 0.0 * _pv(loc))
        return _plain(_invalid(self._bad(kappa, scale), out))

    def _missing(self, method):
        raise NotImplementedError(
            f"dualad.scipy.stats.vonmises.{method} is not provided (only logpdf, pdf and "
            f"entropy); call scipy.stats.vonmises.{method} on plain values (no derivatives)")

    def mean(self, *args, **kwds):
        self._missing("mean")

    def var(self, *args, **kwds):
        self._missing("var")

    def std(self, *args, **kwds):
        self._missing("std")

    def median(self, *args, **kwds):
        self._missing("median")

    def interval(self, *args, **kwds):
        self._missing("interval")

    def stats(self, *args, **kwds):
        self._missing("stats")

    def moment(self, *args, **kwds):
        self._missing("moment")

    # no cdf: the inherited sf / logcdf / logsf would ask for it
    def sf(self, *args, **kwds):
        self._missing("sf")

    def logcdf(self, *args, **kwds):
        self._missing("logcdf")

    def logsf(self, *args, **kwds):
        self._missing("logsf")


truncnorm = truncnorm_gen()

_mom.ENTROPY.setdefault("truncnorm", _truncnorm_entropy)
_mom.SKEW_KURT.setdefault("truncnorm", _truncnorm_sk)
_mom.MUNP.setdefault("truncnorm", _truncnorm_munp)
rayleigh = rayleigh_gen()
f = f_gen()
weibull_max = weibull_max_gen()
genpareto = genpareto_gen()
genextreme = genextreme_gen()
lomax = lomax_gen()
chi = chi_gen()
maxwell = maxwell_gen()
loggamma = loggamma_gen()
truncexpon = truncexpon_gen()
powerlaw = powerlaw_gen()
betaprime = betaprime_gen()
triang = triang_gen()
vonmises = vonmises_gen()

_mom.ENTROPY.setdefault("triang", lambda c: 0.5 - _math.log(2) + 0.0 * c)
_mom.SKEW_KURT.setdefault("triang", lambda c: (
    _math.sqrt(2) * (2 * c - 1) * (c + 1) * (c - 2) / (5 * (1.0 - c + c * c) ** 1.5),
    -3.0 / 5.0 + 0.0 * c))

_mom.SKEW_KURT.setdefault("betaprime", _betaprime_sk)
_mom.MUNP.setdefault("betaprime", _betaprime_munp)
_mom.ENTROPY.setdefault("betaprime", lambda a, b: (
    sp.betaln(a, b) - (a - 1) * sp.psi(a) - (b + 1) * sp.psi(b) + (a + b) * sp.psi(a + b)))

_mom.ENTROPY.setdefault("loggamma", _loggamma_entropy)
_mom.SKEW_KURT.setdefault("loggamma", lambda c: (
    sp.polygamma(2, c) / sp.polygamma(1, c) ** 1.5, sp.polygamma(3, c) / sp.polygamma(1, c) ** 2))
_mom.ENTROPY.setdefault("truncexpon", _truncexpon_entropy)
_mom.ENTROPY.setdefault("powerlaw", lambda a: 1 - 1.0 / a - dnp.log(a))
_mom.SKEW_KURT.setdefault("powerlaw", lambda a: (
    -2.0 * ((a - 1.0) / (a + 3.0)) * dnp.sqrt((a + 2.0) / a),
    6 * (((a - 1) * a - 6) * a + 2) / (a * (a + 3.0) * (a + 4))))
_mom.MUNP.setdefault("powerlaw", lambda n, a: a / (a + n))

_mom.ENTROPY.setdefault("lomax", lambda c: 1 + 1.0 / c - dnp.log(c))
_mom.SKEW_KURT.setdefault("lomax", _mom.SKEW_KURT["pareto"])
_mom.ENTROPY.setdefault("chi", _chi_entropy)
_mom.SKEW_KURT.setdefault("chi", _chi_sk)
_mom.MUNP.setdefault("chi", lambda n, df: 2.0 ** (n / 2) * dnp.exp(
    sp.gammaln(0.5 * (df + n)) - sp.gammaln(0.5 * df)))
_mom.ENTROPY.setdefault("maxwell", lambda: _EULER + 0.5 * _math.log(2 * _math.pi) - 0.5)
_mom.SKEW_KURT.setdefault("maxwell", lambda: (
    _math.sqrt(2) * (32 - 10 * _math.pi) / (3 * _math.pi - 8) ** 1.5,
    (-12 * _math.pi ** 2 + 160 * _math.pi - 384) / (3 * _math.pi - 8) ** 2))
_mom.MUNP.setdefault("maxwell", lambda n: 2.0 ** (n / 2) * _math.gamma(0.5 * (3 + n))
                     / _math.gamma(1.5))

_mom.ENTROPY.setdefault("rayleigh", lambda: _EULER / 2.0 + 1 - 0.5 * _math.log(2))
_mom.SKEW_KURT.setdefault("rayleigh", lambda: (
    2 * (_math.pi - 3) * _math.sqrt(_math.pi) / (4 - _math.pi) ** 1.5,
    6 * _math.pi / (4 - _math.pi) - 16 / (4 - _math.pi) ** 2))
_mom.MUNP.setdefault("rayleigh", lambda n: 2.0 ** (n / 2) * _math.gamma(1 + n / 2))
_mom.ENTROPY.setdefault("weibull_max", _mom.ENTROPY["weibull_min"])
_mom.SKEW_KURT.setdefault("weibull_max", lambda c: (lambda sk: (-sk[0], sk[1]))(
    _mom.SKEW_KURT["weibull_min"](c)))
_mom.MUNP.setdefault("weibull_max", lambda n, c: (-1.0) ** n * sp.gamma(1.0 + n / c))
_mom.ENTROPY.setdefault("genpareto", lambda c: 1.0 + c)
_mom.SKEW_KURT.setdefault("genpareto", lambda c: (
    2 * (1 + c) * dnp.sqrt(1 - 2 * c) / (1 - 3 * c),
    3 * (1 - 2 * c) * (2 * c * c + c + 3) / (1 - 3 * c) / (1 - 4 * c) - 3))
_mom.MUNP.setdefault("genpareto", _genpareto_munp)
_mom.ENTROPY.setdefault("genextreme", lambda c: _EULER * (1 - c) + 1)
_mom.ENTROPY.setdefault("f", lambda n, m: (
    dnp.log(m) - dnp.log(n) + sp.betaln(0.5 * n, 0.5 * m) + (1 - 0.5 * n) * sp.psi(0.5 * n)
    - (1 + 0.5 * m) * sp.psi(0.5 * m) + 0.5 * (n + m) * sp.psi(0.5 * (n + m))))


def _f_sk(n, m):
    g1 = _math.sqrt(8.0) * (2 * n + m - 2) / (m - 6) * dnp.sqrt((m - 4) / (n * (n + m - 2)))
    return g1, 1.5 * (8 + g1 * g1 * (m - 6)) / (m - 8)


_mom.SKEW_KURT.setdefault("f", _f_sk)


# the distributions are dualad.scipy.stats' (whichever module is imported first)
for _name in __all__:
    setattr(_st, _name, globals()[_name])
    if _name not in _st.__all__:
        _st.__all__.append(_name)
