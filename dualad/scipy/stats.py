"""Differentiable ``scipy.stats`` distributions.

Each distribution object has SciPy's method names and signatures
(``norm.logpdf(x, loc=0, scale=1)``) and is written as a composition of
dualad primitives, so its derivatives in ``x`` and in the parameters come from
their rules.  The cdfs are differentiable in their shape parameters too
(``t.cdf`` in ``df``, ``gamma.cdf`` in ``a``, ``beta.cdf`` in ``a`` and ``b``),
through the rules of ``special.stdtr``, ``special.gammainc``,
``special.gammaincc`` and ``special.betainc``.  The machinery that keeps them
accurate where a plain series loses relative precision lives in
:mod:`dualad.scipy.special`, one implementation used both by the distributions
and by the special functions called directly: ``special.gammaincc`` (above the
median its ``a``-derivative is ``Q d/da log Q`` from tail integrals, relative to
the survival function), the internal ``special.log_gammaincc_tail``
(``gamma.logsf`` above the median) and ``special.log_gammainc_low``
(``gamma.logcdf`` far below it, where ``gammainc`` underflows), likewise
``special.log_betainc_low`` (``beta.logcdf`` / ``logsf`` in their small tail),
``special.stdtr`` (the ``df``-derivative integrated from that of the log
density for ``df >= 1000``, no cancellation),
the t log density ``special._t_logpdf_std`` and the internal ``special.betaincc``
(``beta.sf`` / ``logsf``).

The quantiles ``ppf`` / ``isf`` are SciPy's (``gamma``'s from ``special.gammaincinv``
/ ``special.gammainccinv``, ``chi2``'s and ``invgamma``'s from the same, ``t``'s from
``special.stdtrit``, ``beta``'s from ``special.betaincinv`` / ``betainccinv``), NaN for
``q`` outside [0, 1], the ends of the support at ``q = 0`` and ``1``, where the
derivatives are the one-sided ones (see ``_Continuous._quantile``).

Values follow SciPy: ``logcdf`` / ``logsf`` switch to ``log1p(-sf)`` /
``log1p(-cdf)`` at the median; ``t`` with ``df = inf`` is the normal (its
log density uses an asymptotic series for the gamma-function ratio from
``df = 20``, so it is accurate, with accurate ``df``-derivatives, for large
``df``).  Python-float constants keep float32 arguments float32.

Outside the support, ``logpdf`` is ``-inf`` and ``pdf`` is 0, and the log cdfs
are constant: their derivative there is 0 in every mode.  Every method of a
continuous distribution is also constant (derivative 0, never NaN) at ``x =
+-inf`` (SciPy's limit), where ``logpdf`` / ``pdf`` is infinite or ``pdf`` is 0
(``gamma`` with ``a < 1`` at ``x = loc``, ...), and, for the cdfs and their
logs, at the ends of a finite support, where they take their outside values.
Invalid parameters (``scale <= 0``, a shape parameter out of range) give NaN,
as in SciPy.

Calling a distribution freezes it, as in SciPy: ``norm(loc, scale).logpdf(x)``
(an :class:`rv_frozen`), differentiable in the frozen parameters, traced or
not.  ``mean``, ``var`` and ``std`` are differentiable in the parameters too.

>>> import dualad as ad
>>> from dualad.scipy.stats import norm
>>> float(ad.grad(norm.logpdf, argnums=1)(1.0, 0.0, 1.0))   # d/dloc = (x - loc) / scale**2
1.0
>>> float(ad.grad(lambda s: norm(0.0, s).logpdf(2.0))(1.0))  # d/dscale = (z**2 - 1) / scale
3.0
"""
from __future__ import annotations

import inspect
import math as _math

import numpy as _np
import scipy.special as _sp

from .. import numpy as dnp
from ..tracer import Tracer, contains_tracer, ndim_of, primal_of, shape_of
from . import special as sp
from .special._common import _DENSITY_POWER_LOG, _bcast, _nary, _piecewise
from . import linalg as sla

__all__ = ["norm", "t", "gamma", "beta", "expon", "uniform", "laplace", "cauchy", "logistic",
           "chi2", "lognorm", "invgamma", "halfnorm", "weibull_min", "gumbel_r", "gumbel_l",
           "pareto",
           "poisson", "binom",
           "nbinom", "dirichlet", "multivariate_normal", "rv_frozen"]

# the sample statistics (zscore, skew, pearsonr, ...) live in their own module
from ._stats_functions import (  # noqa: E402,F401
    DescribeResult, PearsonRResult, describe, entropy, gmean, hmean, iqr, kurtosis,
    median_abs_deviation, moment, pearsonr, pmean, sem, skew, trim_mean, variation, zmap,
    zscore)
from ._stats_functions import __all__ as _FUNCTIONS_ALL  # noqa: E402
__all__ += _FUNCTIONS_ALL

# python floats, not np.float64: weak scalars, so float32 stays float32
_LOG_2PI = float(_np.log(2 * _np.pi))
_HALF_LOG_2PI = float(0.5 * _np.log(2 * _np.pi))
_NORM_PDF_C = float(_np.sqrt(2 * _np.pi))
_LOG_2 = float(_np.log(2.0))
_LOG_PI = float(_np.log(_np.pi))
_SQRT2 = float(_np.sqrt(2.0))
_SQRT_2_OVER_PI = float(_np.sqrt(2 / _np.pi))
_CAUCHY_FAR = 1e4     # -z from which cauchy's log cdf is -log(-z) + a series in 1/z^2
_HALF_LOG_2_OVER_PI = float(0.5 * _np.log(2 / _np.pi))


# ``value`` with the constant ``fill`` where a plain mask is True: on an input, a
# safe value for a branch not used there; on an output, the value outside the support
_sub = _outside = sp._sub
_pv = sp._pv


def _arr(v):
    """A list or tuple (of numbers or traced values) as an array, as SciPy takes."""
    return dnp.array(v) if isinstance(v, (list, tuple)) else v


def _std(x, loc, scale):
    """``(x - loc) / scale``; a python number ``x`` becomes a float64 scalar, so
    the result is NumPy's (and ``scale = 0`` gives ``inf``, not an exception)."""
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        x = _np.float64(x)
    return (_arr(x) - _arr(loc)) / _arr(scale)


def _recip(scale):
    """``1 / scale``; a python float for a python number (weak: float32 stays)."""
    if isinstance(scale, (int, float)) and not isinstance(scale, bool):
        with _np.errstate(all="ignore"):
            return float(_np.float64(1.0) / scale)
    return 1.0 / _arr(scale)


def _log(scale):
    """``log(scale)``; a python float for a python number (a weak scalar: float32
    arguments keep float32)."""
    if isinstance(scale, (int, float)) and not isinstance(scale, bool):
        if scale > 0:
            return _math.log(scale)
        with _np.errstate(all="ignore"):
            return float(_np.log(float(scale)))
    return dnp.log(scale)


def _split(y, med, lower, upper, bad=None, fill=None):
    """``lower(y)`` where ``y < med``, ``upper(y)`` elsewhere, each evaluated only
    at its own points (``med`` elsewhere); ``fill`` where the plain mask ``bad``."""
    yv = _pv(y)
    dt = _np.asarray(primal_of(y)).dtype
    med = _np.asarray(med, dtype=dt if _np.issubdtype(dt, _np.floating) else float)
    lo = yv < med
    if bad is not None:
        bad = _np.broadcast_to(bad, _np.broadcast_shapes(lo.shape, _np.shape(bad)))
        lo = lo & ~bad
        hi = ~lo & ~bad
    else:
        hi = ~lo
    medb = _np.broadcast_to(med, _np.broadcast_shapes(med.shape, lo.shape))
    if not hi.any():
        out = lower(_sub(~lo, y, medb))
    elif not lo.any():
        out = upper(_sub(~hi, y, medb))
    else:
        out = dnp.where(lo, lower(_sub(~lo, y, medb)), upper(_sub(~hi, y, medb)))
    return out if bad is None else _outside(bad, out, fill)


_betaincc = sp._betaincc       # beta's survival function, not 1 - cdf


def _traced(v):
    return isinstance(v, Tracer)


def _plain(out):
    """A NumPy scalar or array for an untraced result (never a python float)."""
    return out if _traced(out) else _np.asarray(out)[()]


def _invalid(bad, out):
    """NaN where the plain mask ``bad`` marks invalid parameters (SciPy's
    ``argcheck``: ``scale <= 0``, a shape parameter out of range)."""
    return _outside(bad, out, _np.nan)


def _not_pos(*params):
    """Plain mask: some parameter is not > 0 (NaN included)."""
    bad = False
    for p in params:
        bad = bad | ~(_pv(p) > 0)
    return bad


def _pieces(y, pieces):
    """``fn(y)`` on each plain mask of ``pieces`` = [(mask, fn, safe), ...] (a
    partition), each ``fn`` evaluated only at its own points (``safe`` elsewhere,
    so an unused branch has derivative exactly 0)."""
    live = [(m, f, s) for m, f, s in pieces if _np.any(m)]
    if not live:
        live = pieces[-1:]
    out = None
    for m, f, s in reversed(live):
        v = f(_sub(~m, y, s))
        out = v if out is None else dnp.where(m, v, out)
    return out


def _log1mexp(w):
    """``log(1 - exp(-w))`` for ``w >= 0`` (``log(-expm1(-w))`` below ``log 2``,
    ``log1p(-exp(-w))`` above: no loss of relative accuracy either side)."""
    return _split(w, _np.log(2.0), lambda v: dnp.log(-dnp.expm1(-v)),
                  lambda v: dnp.log1p(-dnp.exp(-v)))


def _one_minus_exp(w):
    """``1 - exp(-w)`` for ``w >= 0``: ``-expm1(-w)`` below ``log 2``, ``1 - exp(-w)``
    above, so the derivative ``exp(-w)`` keeps its relative accuracy far out too
    (``expm1``'s rule forms it as ``expm1 + 1``)."""
    return _split(w, _np.log(2.0), lambda v: -dnp.expm1(-v), lambda v: 1 - dnp.exp(-v))


def _expit_cdf(y):
    """``expit(y)``, as ``1 - expit(-y)`` for ``y > 0``: the derivative ``expit(y)
    expit(-y)`` keeps its relative accuracy in both tails."""
    return _split(y, 0.0, sp.expit, lambda v: 1 - sp.expit(-v))


_FROZEN_METHODS = ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf", "isf",
                   "logpmf", "pmf", "mean", "var", "std",
                   "median", "entropy", "interval", "moment", "stats")


class _Dist:
    """Freezing, ``norm(loc, scale)``, for every distribution (``name`` is
    SciPy's name of it)."""

    name = ""
    _density = "logpdf"
    _signatures = {}

    def _signature(self):
        cls = type(self)
        sig = _Dist._signatures.get(cls)
        if sig is None:
            sig = _Dist._signatures[cls] = inspect.signature(getattr(self, self._density))
        return sig

    def __call__(self, *args, **kwds):
        return rv_frozen(self, *args, **kwds)

    def __getattr__(self, name):
        """A method this distribution lacks (``norm.fit``): ``AttributeError``
        (so ``hasattr`` works) naming it, SciPy's method if there is one, and the
        methods there are."""
        if name.startswith("_") or name == "name":
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        import scipy.stats as _sst
        have = ", ".join(sorted(m for m in dir(type(self))
                                if not m.startswith("_") and callable(getattr(type(self), m))))
        theirs = getattr(getattr(_sst, self.name, None), name, None)
        if callable(theirs):
            msg = (f"dualad.scipy.stats.{self.name} has no method {name!r} "
                   f"(scipy.stats.{self.name}.{name}) yet; write it with dualad.numpy and "
                   f"dualad.scipy.special (or call scipy.stats.{self.name}.{name} on plain "
                   f"values, without derivatives). Its methods: {have}")
        else:
            msg = (f"dualad.scipy.stats.{self.name} has no attribute {name!r}; "
                   f"its methods: {have}")
        raise AttributeError(msg)

    def _params(self, args, kwds):
        """The parameters, by name, as the density method would bind them."""
        sig = self._signature()
        names = list(sig.parameters)
        try:
            b = sig.bind(None, *args, **kwds)
        except TypeError as e:
            raise TypeError(f"dualad.scipy.stats.{self.name}({', '.join(names[1:])}): {e}"
                            ) from None
        b.apply_defaults()
        p = dict(b.arguments)
        del p[names[0]]
        return p


def _float_numbers(values):
    """Python numbers as float64 scalars: ``_mv``'s formulas then give inf / nan where a
    moment does not exist (Python floats raise ZeroDivisionError)."""
    return [_np.float64(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
            for v in values]


class _Moments(_Dist):
    """``mean`` / ``var`` / ``std`` of a univariate distribution from ``_mv(*shapes)``:
    the mean and variance of the standard (``loc = 0``, ``scale = 1``) one, as
    compositions of primitives.  Where SciPy's value is infinite or undefined
    (``nan``), it is returned as such, with derivative 0."""

    def _moment(self, which, args, kwds):
        import scipy.stats as _sst
        p = self._params(args, kwds)
        loc, scale = p.pop("loc", 0), p.pop("scale", None)
        shapes = _float_numbers(p.values())
        kw = {"loc": _pv(loc)} if scale is None else {"loc": _pv(loc), "scale": _pv(scale)}
        with _np.errstate(all="ignore"):
            ref = _np.asarray(getattr(getattr(_sst, self.name), which)(
                *(_pv(v) for v in shapes), **kw), dtype=float)
            fin = _np.isfinite(ref)
            if not fin.any():          # undefined / infinite: SciPy's value, derivative 0
                return _plain(ref)
            m, v = self._mv(*shapes)
            s = 1 if scale is None else scale
            out = loc + s * m if which == "mean" else (s * s) * v
            return _plain(_outside(~fin, out, ref))

    def mean(self, *args, **kwds):
        """The mean, SciPy's value where it is infinite or undefined (``nan``)."""
        return self._moment("mean", args, kwds)

    def var(self, *args, **kwds):
        """The variance, SciPy's value where it is infinite or undefined."""
        return self._moment("var", args, kwds)

    def std(self, *args, **kwds):
        """The standard deviation, ``sqrt(var)``."""
        return dnp.sqrt(self.var(*args, **kwds))

    # stats(moments=...) and moment(order), from the closed forms of
    # _stats_moments (values SciPy's, derivatives the closed forms')

    def _traced_call(self, args, kwds):
        return any(contains_tracer(a) for a in args) or \
            any(contains_tracer(v) for v in kwds.values())

    def _scipy_value(self, method, lead, args, kwds, **opts):
        """SciPy's own ``method(*lead, *args, **kwds, **opts)`` on the plain values."""
        import scipy.stats as _sst
        with _np.errstate(all="ignore"):
            return getattr(getattr(_sst, self.name), method)(
                *lead, *(_raw(a) for a in args),
                **{k: _raw(v) for k, v in kwds.items()}, **opts)

    def _standard(self, args, kwds):
        p = self._params(args, kwds)
        loc, scale = p.pop("loc", 0), p.pop("scale", None)
        return [_arr(v) for v in p.values()], _arr(loc), (None if scale is None else _arr(scale))

    def _skew_kurt(self, shapes):
        from ._stats_moments import SKEW_KURT
        fn = SKEW_KURT.get(self.name)
        if fn is None:
            raise NotImplementedError(f"dualad.scipy.stats.{self.name}: no differentiable "
                                      f"skewness / kurtosis")
        return fn(*shapes)

    def stats(self, *args, moments="mv", **kwds):
        """SciPy's ``stats``: the mean ``'m'``, variance ``'v'``, skewness ``'s'``
        and excess kurtosis ``'k'`` named in ``moments``, in that order (one value
        alone, else a tuple), differentiable in the parameters; SciPy's value where
        it is infinite or undefined, with derivative 0."""
        from ._stats_moments import with_value
        ref = self._scipy_value("stats", (), args, kwds, moments=moments)
        if not self._traced_call(args, kwds):
            return ref
        refs = list(ref) if isinstance(ref, tuple) else [ref]
        shapes, loc, scale = self._standard(args, kwds)
        out = []
        sk = None
        for ch in "mvsk":
            if ch not in moments:
                continue
            r = refs[len(out)]
            if ch == "m":
                out.append(self.mean(*args, **kwds))
            elif ch == "v":
                out.append(self.var(*args, **kwds))
            else:
                if sk is None:
                    with _np.errstate(all="ignore"):
                        sk = self._skew_kurt(shapes)
                v = sk[0] if ch == "s" else sk[1]
                out.append(_plain(with_value(v + 0 * _pv(loc), r)) if _traced(v)
                           else _plain(_np.asarray(r)))
        return out[0] if len(out) == 1 else tuple(out)

    def moment(self, order, *args, **kwds):
        """SciPy's non-central ``moment(order)`` ``E[X^order]``, differentiable in the
        parameters: ``sum_k C(n, k) loc^(n-k) scale^k E[Y^k]`` with the standard
        moments from the mean, variance, skewness and kurtosis (``order <= 4``) or a
        closed form (``order >= 5``: not every distribution has one here)."""
        from math import comb
        from ._stats_moments import MUNP, with_value
        if contains_tracer(order):
            raise TypeError(f"dualad.scipy.stats.{self.name}.moment: `order` is an integer, "
                            f"not a traced value")
        ref = self._scipy_value("moment", (order,), args, kwds)
        if not self._traced_call(args, kwds) or not _np.all(_np.isfinite(ref)):
            return ref
        n = int(order)
        shapes, loc, scale = self._standard(args, kwds)
        shapes = _float_numbers(shapes)
        with _np.errstate(all="ignore"):
            mu, mu2 = self._mv(*shapes)
            ms = [1.0, mu]
            if n >= 2:
                ms.append(mu2 + mu * mu)
            if n >= 3:
                g1, g2 = self._skew_kurt(shapes)
                mu3 = g1 * mu2 ** 1.5
                ms.append(mu3 + 3 * mu * mu2 + mu * mu * mu)
            if n >= 4:
                ms.append((g2 + 3.0) * mu2 ** 2.0 + 4 * mu * mu3 + 6 * mu * mu * mu2 +
                          mu * mu * mu * mu)
            for k in range(5, n + 1):
                if self.name not in MUNP:
                    raise NotImplementedError(
                        f"dualad.scipy.stats.{self.name}.moment: no differentiable moment "
                        f"of order {n} (orders up to 4 are provided)")
                ms.append(MUNP[self.name](k, *shapes))
            out = 0.0
            for k in range(n + 1):
                term = comb(n, k) * ms[k]
                if scale is not None and k:
                    term = term * scale ** k
                if n - k:
                    term = term * loc ** (n - k)
                out = out + term
        return _plain(with_value(out, ref))


class rv_frozen:
    """A distribution with its parameters fixed, as ``scipy.stats``' frozen
    distributions: ``norm(loc, scale).logpdf(x)`` is ``norm.logpdf(x, loc,
    scale)``.  The parameters may be traced values (captured when freezing):
    the methods are differentiable in them and in ``x``.

    >>> import dualad as ad
    >>> from dualad.scipy.stats import norm
    >>> float(ad.grad(lambda m: norm(m, 2.0).logpdf(1.0))(0.0))   # (x - loc) / scale**2
    0.25
    """

    def __init__(self, dist, *args, **kwds):
        dist._params(args, kwds)       # a wrong parameter list fails here, as in SciPy
        self.dist, self.args, self.kwds = dist, args, kwds

    def _methods(self):
        return [m for m in _FROZEN_METHODS if callable(getattr(self.dist, m, None))]

    def __getattr__(self, name):
        if name.startswith("_") or name in ("dist", "args", "kwds"):
            raise AttributeError(name)
        if name not in self._methods():
            raise AttributeError(
                f"frozen dualad.scipy.stats.{self.dist.name} has no method {name!r}; "
                f"it has {', '.join(self._methods())}")
        meth = getattr(self.dist, name)
        args, kwds = self.args, self.kwds
        if name in ("mean", "var", "std"):
            return lambda: meth(*args, **kwds)
        return lambda x: meth(x, *args, **kwds)

    def __dir__(self):
        return sorted(set(object.__dir__(self)) | set(self._methods()))

    def __repr__(self):
        params = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwds.items()]
        return f"dualad.scipy.stats.{self.dist.name}({', '.join(params)})"

    # methods whose frozen form takes no point x (real methods: __getattr__ is
    # only asked for the others); a distribution without one gets __getattr__'s
    # AttributeError
    def _own(self, name):
        if not callable(getattr(self.dist, name, None)):
            return self.__getattr__(name)
        return getattr(self.dist, name)

    def median(self):
        return self._own("median")(*self.args, **self.kwds)

    def entropy(self):
        return self._own("entropy")(*self.args, **self.kwds)

    def interval(self, confidence):
        return self._own("interval")(confidence, *self.args, **self.kwds)

    def moment(self, order):
        return self._own("moment")(order, *self.args, **self.kwds)

    def stats(self, moments="mv"):
        return self._own("stats")(*self.args, moments=moments, **self.kwds)


_GUARDED = ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf")


def _raw(v):
    """The plain value, its dtype kept."""
    return _np.asarray(primal_of(v))


def _guarded(method, kind):
    """``method`` made constant (derivative 0) where its derivative would be NaN
    or meaningless: at ``x = +-inf`` (the value is SciPy's limit there; the
    formulas run at a safe point instead), where ``logpdf`` / ``pdf`` is
    infinite or ``pdf`` is 0, and for the cdfs at the ends of the support, where
    their values are those outside it."""
    def wrapped(self, x, *args, **kwds):
        if not (contains_tracer(x) or any(contains_tracer(a) for a in args)
                or any(contains_tracer(v) for v in kwds.values())):
            return method(self, x, *args, **kwds)      # plain: the same values, no guard
        x = _arr(x)
        xr = _raw(x)
        inf = _np.isinf(xr)
        edges = self._support if kind not in ("logpdf", "pdf") else None
        if inf.any() or edges is not None:
            p = self._params(args, kwds)
            loc, scale = _raw(p.get("loc", 0)), _raw(p.get("scale", 1))
        if inf.any():
            dt = xr.dtype if _np.issubdtype(xr.dtype, _np.floating) else _np.dtype(float)
            safe = (loc + 0.5 * scale).astype(dt)
            limit = method(self, xr, *(_raw(a) for a in args),
                           **{k: _raw(v) for k, v in kwds.items()})
            out = _outside(inf, method(self, _sub(inf, x, safe), *args, **kwds), limit)
        else:
            out = method(self, x, *args, **kwds)
        ov = _raw(out)
        const = False
        if kind == "logpdf":
            const = _np.isinf(ov)
        elif kind == "pdf":
            const = _np.isinf(ov) | (ov == 0)
        elif edges is not None:
            with _np.errstate(all="ignore"):
                y = (xr - loc) / scale
            const = (y == edges[0]) | (y == edges[1])
        return _outside(const, out, ov)

    wrapped.__name__, wrapped.__qualname__ = method.__name__, method.__qualname__
    wrapped.__doc__, wrapped.__wrapped__ = method.__doc__, method
    wrapped._guarded = True
    return wrapped


class _Continuous(_Moments):
    """``pdf`` / ``cdf`` / ``sf`` / ``logsf`` from ``logpdf`` / ``cdf`` / ``logcdf``;
    every subclass's methods are :func:`_guarded`.  ``_support``: the ends of the
    standard distribution's support, if it has a finite one."""

    _support = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in _GUARDED:          # inherited defaults too (pdf = exp(logpdf), ...)
            meth = getattr(cls, name, None)    # None: an abstract base (_Symmetric)
            if meth is not None and not getattr(meth, "_guarded", False):
                setattr(cls, name, _guarded(meth, name))

    def pdf(self, x, *args, **kwargs):
        return dnp.exp(self.logpdf(x, *args, **kwargs))

    def sf(self, x, *args, **kwargs):
        return 1 - self.cdf(x, *args, **kwargs)

    def logcdf(self, x, *args, **kwargs):
        return dnp.log(self.cdf(x, *args, **kwargs))

    def logsf(self, x, *args, **kwargs):
        return dnp.log(self.sf(x, *args, **kwargs))

    def median(self, *args, **kwds):
        """``ppf(0.5)``, differentiable in the parameters."""
        return self.ppf(0.5, *args, **kwds)

    def interval(self, confidence, *args, **kwds):
        """``(ppf((1 - confidence) / 2), ppf((1 + confidence) / 2))``, differentiable
        in ``confidence`` and the parameters; ``ValueError`` for ``confidence``
        outside [0, 1], as SciPy."""
        cv = _pv(confidence)
        if _np.any((cv > 1) | (cv < 0)):
            raise ValueError("alpha must be between 0 and 1 inclusive")
        confidence = _arr(confidence)
        if isinstance(confidence, (int, float)):
            confidence = float(confidence)
        return (self.ppf((1.0 - confidence) / 2, *args, **kwds),
                self.ppf((1.0 + confidence) / 2, *args, **kwds))

    def entropy(self, *args, **kwds):
        """The differential entropy, SciPy's value, differentiable in the
        parameters (the standard distribution's closed form plus ``log(scale)``)."""
        from ._stats_moments import ENTROPY, with_value
        ref = self._scipy_value("entropy", (), args, kwds)
        if not self._traced_call(args, kwds):
            return ref
        if self.name not in ENTROPY:       # never SciPy's value with a silent zero derivative
            raise NotImplementedError(
                f"dualad.scipy.stats.{self.name}.entropy has no derivative in its "
                f"parameters; call it on plain values (dualad.stop_gradient) for SciPy's")
        shapes, loc, scale = self._standard(args, kwds)
        with _np.errstate(all="ignore"):
            out = ENTROPY[self.name](*shapes)
            if scale is not None:
                out = out + dnp.log(scale)
            out = out + 0 * _pv(loc)
        return _plain(with_value(out, ref)) if _traced(out) else ref

    def _quantile(self, q, shapes, loc, scale, std, upper):
        """SciPy's ``ppf`` (``isf`` when ``upper``): ``loc + scale * std(q, *shapes)``
        for ``0 < q < 1``, ``std`` the standard distribution's quantile; at ``q = 0``
        and ``q = 1`` the end of the support, ``end * scale + loc``; NaN for ``q``
        outside ``[0, 1]``, a NaN ``loc`` and invalid parameters (every shape
        parameter must be ``> 0``, as ``scale``).

        At a finite end the derivatives are the one-sided ones: 1 in ``loc``, the
        standard end (0 or 1) in ``scale``, 0 in the shape parameters, and
        ``scale / pdf(end)`` in ``q`` (negated for ``isf``), which is 0, finite or
        ``inf`` (an infinite one is formed by ``sqrt`` of the distance to the end,
        whose rule keeps a zero tangent exactly zero: no NaN in Jacobians).  At an
        infinite end the quantile is the constant ``+-inf``, with derivative 0."""
        if isinstance(q, (int, float)) and not isinstance(q, bool):
            q = _np.float64(q)
        q, loc, scale = _arr(q), _arr(loc), _arr(scale)
        qv, lv, sv = _pv(q), _pv(loc), _pv(scale)
        with _np.errstate(invalid="ignore"):
            bad = _not_pos(*shapes, scale) | ~((qv >= 0) & (qv <= 1)) | _np.isnan(lv)
            inner = (qv > 0) & (qv < 1)
        # an invalid shape parameter is replaced by 1 in the formula (its result is NaN)
        shapes = tuple(_sub(_not_pos(a), _arr(a), 1.0) for a in shapes)
        out = loc + scale * std(_sub(~inner, q, 0.5), *shapes)
        if (~inner & ~bad).any():
            import scipy.stats as _sst
            dt = _raw(q).dtype if _np.issubdtype(_raw(q).dtype, _np.floating) else _np.dtype(float)
            lo, hi = self._support or (-_np.inf, _np.inf)
            sh = [_pv(a) for a in shapes]
            # (q at the end, the standard end, +1 at the lower end / -1 at the upper one)
            for qe, end, sign in ((float(upper), lo, 1.0), (float(not upper), hi, -1.0)):
                at = (qv == qe) & ~bad
                if not at.any():
                    continue
                if _np.isinf(end):
                    with _np.errstate(all="ignore"):
                        out = _outside(at, out, end * sv + lv)
                    continue
                with _np.errstate(all="ignore"):
                    c = 1.0 / _np.asarray(getattr(_sst, self.name).pdf(end, *sh), dtype=float)
                fin = _np.isfinite(c)
                qa = _sub(~at, q, qe)
                u = qa - qe if qe == 0 else qe - qa             # the distance to the end
                slope = _np.where(fin, c, 0.0).astype(dt) * u
                if (~fin & at).any():
                    slope = dnp.where(fin, slope, dnp.sqrt(u))
                out = dnp.where(at, loc + scale * (end + sign * slope), out)
        return _plain(_invalid(bad, out))


class _Symmetric(_Continuous):
    """A location-scale family symmetric about ``loc``, from the standard
    distribution's ``_cdf``, ``_logcdf`` and quantile ``_ppf_std`` (static):
    ``sf`` and ``logsf`` are ``_cdf`` and ``_logcdf`` at ``-z``, ``isf`` is
    ``-_ppf_std``."""

    def cdf(self, x, loc=0, scale=1):
        return _invalid(_not_pos(scale), self._cdf(_std(x, loc, scale)))

    def sf(self, x, loc=0, scale=1):
        return _invalid(_not_pos(scale), self._cdf(-_std(x, loc, scale)))

    def logcdf(self, x, loc=0, scale=1):
        return _invalid(_not_pos(scale), self._logcdf(_std(x, loc, scale)))

    def logsf(self, x, loc=0, scale=1):
        return _invalid(_not_pos(scale), self._logcdf(-_std(x, loc, scale)))

    def ppf(self, q, loc=0, scale=1):
        return self._quantile(q, (), loc, scale, self._ppf_std, False)

    def isf(self, q, loc=0, scale=1):
        return self._quantile(q, (), loc, scale, lambda v: -self._ppf_std(v), True)


class norm_gen(_Symmetric):
    """The normal distribution: ``norm.logpdf(x, loc=0, scale=1)`` etc."""

    name = "norm"

    def _mv(self):
        return 0.0, 1.0

    def logpdf(self, x, loc=0, scale=1):
        z = _std(x, loc, scale)
        return _invalid(_not_pos(scale), (-0.5 * (z * z) - _HALF_LOG_2PI) - _log(scale))

    def pdf(self, x, loc=0, scale=1):
        # as SciPy: exp(-z^2/2) / sqrt(2 pi) / scale
        z = _std(x, loc, scale)
        return _invalid(_not_pos(scale), dnp.exp(-0.5 * (z * z)) / _NORM_PDF_C / scale)

    _cdf, _logcdf, _ppf_std = (staticmethod(sp.ndtr), staticmethod(sp.log_ndtr),
                               staticmethod(sp.ndtri))


class t_gen(_Continuous):
    """Student's t: ``t.logpdf(x, df, loc=0, scale=1)`` etc.  ``df = inf`` is the
    normal distribution; the derivatives in ``df`` stay accurate for large ``df``
    (no cancellation: an asymptotic series for the gamma-function ratio, and the
    cdf's derivative integrated from that of the log density for ``df >= 1000``)."""

    name = "t"

    def _mv(self, df):
        return 0.0, df / (df - 2)

    def logpdf(self, x, df, loc=0, scale=1):
        z = _std(x, loc, scale)
        inf = _np.isinf(_pv(z))              # x = +-inf: -inf, as SciPy (not inf - inf)
        out = _outside(inf, sp._t_logpdf_std(_sub(inf, z, 0.0), df) - _log(scale), -_np.inf)
        return _invalid(_not_pos(df, scale), out)

    def cdf(self, x, df, loc=0, scale=1):
        return _invalid(_not_pos(df, scale), sp.stdtr(df, _std(x, loc, scale)))

    def sf(self, x, df, loc=0, scale=1):
        return _invalid(_not_pos(df, scale), sp.stdtr(df, -_std(x, loc, scale)))

    def logcdf(self, x, df, loc=0, scale=1):
        z = _std(x, loc, scale)
        out = _split(z, 0.0, lambda y: sp._log_stdtr(df, y),
                     lambda y: dnp.log1p(-sp.stdtr(df, -y)))
        return _invalid(_not_pos(df, scale), out)

    def logsf(self, x, df, loc=0, scale=1):
        z = _std(x, loc, scale)
        out = _split(z, 0.0, lambda y: dnp.log1p(-sp.stdtr(df, y)),
                     lambda y: sp._log_stdtr(df, -y))
        return _invalid(_not_pos(df, scale), out)

    def ppf(self, q, df, loc=0, scale=1):
        return self._quantile(q, (df,), loc, scale, lambda v, df: sp.stdtrit(df, v), False)

    def isf(self, q, df, loc=0, scale=1):
        return self._quantile(q, (df,), loc, scale, lambda v, df: -sp.stdtrit(df, v), True)


_P_TINY = 1e-250   # a tail probability below which log's derivatives come from a series
_P_TINY_32 = 1e-30  # the same in float32 (its smallest normal number is 1.2e-38)


def _log_of_tail(p, series, direct, fills, tiny_below=_P_TINY):
    """``log`` of a tail probability: ``direct(safe)`` where its plain value ``p``
    is not tiny (below ``tiny_below``); where it is (or underflows to 0),
    ``series(safe)``, whose derivatives stay finite and exact.
    ``safe(v, i)`` gives argument ``v`` where that form applies and elsewhere a
    plain fill where the form is cheap and finite: ``fills[i] = (for series,
    for direct)``."""
    with _np.errstate(invalid="ignore"):
        tiny = p < tiny_below
    if not tiny.any():
        return direct(lambda v, i: v)

    def safe_for(other, which):
        return lambda v, i: _sub(other, dnp.broadcast_to(v, tiny.shape), fills[i][which])
    low = series(safe_for(~tiny, 0))
    if tiny.all():
        return low
    return dnp.where(tiny, low, direct(safe_for(tiny, 1)))


def _log_gammainc_lower(a, v):
    """``log gammainc(a, v)`` below the median (see :func:`_log_of_tail`)."""
    av, vv = _np.broadcast_arrays(_np.asarray(_pv(a), dtype=float), _pv(v))
    with _np.errstate(all="ignore"):
        p = _np.where((vv > 0) & (av > 0), _sp.gammainc(av, vv), 1.0)
    top = _np.maximum(av, 1.0)
    # in float32 gammainc is 0 below ~1e-45 and subnormal below 1.2e-38 (log -inf
    # at x = 1e-30, a = 2.5): the series from P = 1e-30 there
    dt = _np.result_type(primal_of(a), primal_of(v))
    tiny = _P_TINY if dt.kind != "f" or dt.itemsize >= 8 else _P_TINY_32
    return _log_of_tail(p, lambda safe: sp._log_gammainc_low(safe(a, 0), safe(v, 1)),
                        lambda safe: dnp.log(sp.gammainc(safe(a, 0), safe(v, 1))),
                        [(top, top), (0.25 * top, top)], tiny)


_BETA_SMALL_TERMS = 30    # terms of the series in _log_betainc_small (w <= 0.1, b w <= 1)


def _log_betainc_small(a, b, w):
    """``log betainc(a, b, w) = a log w - betaln(a, b) + log S`` for small ``w``,
    ``S = sum_n (1-b)_n w^n / (n! (a+n))`` (to ``n = 29``: ``w <= 0.1`` and
    ``b w <= 1`` bound the terms by ``prod_k (0.1 + 1/k)``).  The ``w``-derivative
    is ``a / w + S_w / S``, so its derivative in ``b`` is ``d/db (S_w / S)``, O(1);
    through ``log(betainc)`` it was the difference of two O(a / w) terms
    (``pdf_b / I - pdf I_b / I^2``), which lost ~10 eps a / w."""
    c = 1.0
    acc = 1.0 / a
    for n in range(1, _BETA_SMALL_TERMS):
        c = c * ((n - b) / n) * w
        acc = acc + c / (a + n)
    return a * dnp.log(w) - sp.betaln(a, b) + dnp.log(acc)


def _log_beta_tail(a, b, v, upper):
    """``log betainc(a, b, v)`` below the median, or (``upper``) ``log betaincc(a,
    b, v) = log betainc(b, a, 1 - v)`` above it: where that argument ``w`` (``v``
    or ``1 - v``) is small, :func:`_log_betainc_small` (``w <= 0.1``, ``w b <= 1``
    with ``b`` the other parameter); elsewhere :func:`_log_beta_tail_rest`."""
    av, bv, vv = _np.broadcast_arrays(_np.asarray(_pv(a), dtype=float),
                                      _np.asarray(_pv(b), dtype=float), _pv(v))
    w, other = (1 - vv, av) if upper else (vv, bv)
    with _np.errstate(all="ignore"):
        small = (w > 0) & (w <= 0.1) & (w * other <= 1) & (av > 0) & (bv > 0) & \
            _np.isfinite(av) & _np.isfinite(bv)
    if not small.any():
        return _log_beta_tail_rest(a, b, v, upper)

    def series(safe):
        ss, bs, vs = safe(a, 1.0), safe(b, 1.0), safe(v, 0.95 if upper else 0.05)
        out = _log_betainc_small(bs, ss, 1 - vs) if upper else _log_betainc_small(ss, bs, vs)
        # the value: SciPy's where it is positive (betaln loses ~1e-13 for small a
        # and large b), shifted by a plain constant, so the derivatives are the
        # series'; the series' own value where SciPy's underflows
        sv, bv2, vv2 = (_pv(u) for u in _np.broadcast_arrays(primal_of(ss), primal_of(bs),
                                                             primal_of(vs)))
        with _np.errstate(all="ignore"):
            ref = _np.log((_sp.betaincc if upper else _sp.betainc)(sv, bv2, vv2))
        fv = _np.asarray(primal_of(out))
        shift = _np.where(_np.isfinite(ref), ref - fv, 0.0).astype(fv.dtype)
        return out + shift
    return _piecewise(small, series, lambda safe: _log_beta_tail_rest(
        safe(a, 1.0), safe(b, 1.0), safe(v, 0.5), upper))


def _log_beta_tail_rest(a, b, v, upper):
    """``log betainc(a, b, v)`` below the median, or (``upper``) ``log betaincc(a,
    b, v) = log betainc(b, a, 1 - v)`` above it (see :func:`_log_of_tail`)."""
    av, bv, vv = _np.broadcast_arrays(_np.asarray(_pv(a), dtype=float),
                                      _np.asarray(_pv(b), dtype=float), _pv(v))
    with _np.errstate(all="ignore"):
        ok = (vv > 0) & (vv < 1) & (av > 0) & (bv > 0)
        vs = _np.where(ok, vv, 0.5)
        p = _np.where(ok, (_sp.betaincc if upper else _sp.betainc)(av, bv, vs), 1.0)
    a1, b1 = _np.where(ok, av, 1.0), _np.where(ok, bv, 1.0)
    mean = a1 / (a1 + b1)
    if upper:     # the series of I_(1-v)(b, a): its argument is 1 - v
        return _log_of_tail(
            p, lambda safe: sp._log_betainc_low(safe(b, 1), safe(a, 0), 1 - safe(v, 2)),
            lambda safe: dnp.log(_betaincc(safe(a, 0), safe(b, 1), safe(v, 2))),
            [(a1, a1), (b1, b1), (1 - 0.25 * (1 - mean), mean)])
    return _log_of_tail(
        p, lambda safe: sp._log_betainc_low(safe(a, 0), safe(b, 1), safe(v, 2)),
        lambda safe: dnp.log(sp.betainc(safe(a, 0), safe(b, 1), safe(v, 2))),
        [(a1, a1), (b1, b1), (0.25 * mean, mean)])


class gamma_gen(_Continuous):
    """The gamma distribution: ``gamma.logpdf(x, a, loc=0, scale=1)`` etc.  Above
    the median the survival function's derivative in ``a`` is computed relative
    to it (tail integrals), so ``logsf`` keeps it far in the tail."""

    name = "gamma"
    _support = (0.0, _np.inf)

    def _mv(self, a):
        return a, a

    def logpdf(self, x, a, loc=0, scale=1):
        y = _std(x, loc, scale)
        bad = _pv(y) < 0
        ys = _outside(bad, y, 1.0)
        out = sp.xlogy(a - 1, ys) - ys - sp.gammaln(a) - _log(scale)
        return _invalid(_not_pos(a, scale), _outside(bad, out, -_np.inf))

    @staticmethod
    def _median(a, y):
        return _sp.gammaincinv(_pv(a), 0.5) + 0 * _pv(y)

    def cdf(self, x, a, loc=0, scale=1):
        y = _std(x, loc, scale)
        bad = _pv(y) < 0
        out = _outside(bad, sp.gammainc(a, _sub(bad, y, 1.0)), 0.0)
        return _invalid(_not_pos(a, scale), out)

    def sf(self, x, a, loc=0, scale=1):
        y = _std(x, loc, scale)
        bad = _pv(y) < 0
        out = _outside(bad, sp.gammaincc(a, _sub(bad, y, 1.0)), 1.0)
        return _invalid(_not_pos(a, scale), out)

    def logcdf(self, x, a, loc=0, scale=1):
        y = _std(x, loc, scale)
        out = _split(y, self._median(a, y), lambda v: _log_gammainc_lower(a, v),
                     lambda v: dnp.log1p(-sp.gammaincc(a, v)), _pv(y) < 0, -_np.inf)
        return _invalid(_not_pos(a, scale), out)

    def logsf(self, x, a, loc=0, scale=1):
        y = _std(x, loc, scale)
        out = _split(y, self._median(a, y), lambda v: dnp.log1p(-sp.gammainc(a, v)),
                     lambda v: sp._log_gammaincc_tail(a, v), _pv(y) < 0, 0.0)
        return _invalid(_not_pos(a, scale), out)

    def ppf(self, q, a, loc=0, scale=1):
        return self._quantile(q, (a,), loc, scale, lambda v, a: sp.gammaincinv(a, v), False)

    def isf(self, q, a, loc=0, scale=1):
        return self._quantile(q, (a,), loc, scale, lambda v, a: sp.gammainccinv(a, v), True)


class beta_gen(_Continuous):
    """The beta distribution: ``beta.logpdf(x, a, b, loc=0, scale=1)`` etc."""

    name = "beta"
    _support = (0.0, 1.0)

    def _mv(self, a, b):
        s = a + b
        return a / s, a * b / (s * s * (s + 1))

    def logpdf(self, x, a, b, loc=0, scale=1):
        y = _std(x, loc, scale)
        yv = _pv(y)
        bad = (yv < 0) | (yv > 1)
        ys = _outside(bad, y, 0.5)
        out = sp.xlog1py(b - 1, -ys) + sp.xlogy(a - 1, ys) - sp.betaln(a, b) - _log(scale)
        return _invalid(_not_pos(a, b, scale), _outside(bad, out, -_np.inf))

    @staticmethod
    def _median(a, b, y):
        return _sp.betaincinv(_pv(a), _pv(b), 0.5) + 0 * _pv(y)

    def cdf(self, x, a, b, loc=0, scale=1):
        y = _std(x, loc, scale)
        yv = _pv(y)
        lo, hi = yv < 0, yv > 1
        out = sp.betainc(a, b, _sub(lo | hi, y, 0.5))
        return _invalid(_not_pos(a, b, scale), _outside(hi, _outside(lo, out, 0.0), 1.0))

    def sf(self, x, a, b, loc=0, scale=1):
        y = _std(x, loc, scale)
        yv = _pv(y)
        lo, hi = yv < 0, yv > 1
        out = _betaincc(a, b, _sub(lo | hi, y, 0.5))
        return _invalid(_not_pos(a, b, scale), _outside(hi, _outside(lo, out, 1.0), 0.0))

    def logcdf(self, x, a, b, loc=0, scale=1):
        y = _std(x, loc, scale)
        yv = _pv(y)
        out = _split(y, self._median(a, b, y), lambda v: _log_beta_tail(a, b, v, False),
                     lambda v: dnp.log1p(-_betaincc(a, b, v)), (yv < 0) | (yv > 1), -_np.inf)
        return _invalid(_not_pos(a, b, scale), _outside(yv > 1, out, 0.0))

    def logsf(self, x, a, b, loc=0, scale=1):
        y = _std(x, loc, scale)
        yv = _pv(y)
        out = _split(y, self._median(a, b, y), lambda v: dnp.log1p(-sp.betainc(a, b, v)),
                     lambda v: _log_beta_tail(a, b, v, True), (yv < 0) | (yv > 1), 0.0)
        return _invalid(_not_pos(a, b, scale), _outside(yv > 1, out, -_np.inf))

    def ppf(self, q, a, b, loc=0, scale=1):
        return self._quantile(q, (a, b), loc, scale, lambda v, a, b: sp.betaincinv(a, b, v), False)

    def isf(self, q, a, b, loc=0, scale=1):
        return self._quantile(q, (a, b), loc, scale, lambda v, a, b: sp.betainccinv(a, b, v), True)


def _half_line(x, loc, scale, closed=True):
    """``y = (x - loc) / scale`` for a support ``[0, inf)`` (``(0, inf)`` when not
    ``closed``): ``(y, out, ys)`` with ``out`` the plain mask of points outside and
    ``ys`` = ``y`` with 1 there (a safe input for the formulas)."""
    y = _std(x, loc, scale)
    yv = _pv(y)
    out = (yv < 0) if closed else ~(yv > 0) & ~_np.isnan(yv)
    return y, out, _sub(out, y, 1.0)


class expon_gen(_Continuous):
    """The exponential distribution: ``expon.logpdf(x, loc=0, scale=1)`` etc.,
    support ``x >= loc``."""

    name = "expon"
    _support = (0.0, _np.inf)

    def _mv(self):
        return 1.0, 1.0

    def logpdf(self, x, loc=0, scale=1):
        y, out, ys = _half_line(x, loc, scale)
        return _invalid(_not_pos(scale), _outside(out, -ys - _log(scale), -_np.inf))

    def pdf(self, x, loc=0, scale=1):
        y, out, ys = _half_line(x, loc, scale)
        return _invalid(_not_pos(scale), _outside(out, dnp.exp(-ys) / scale, 0.0))

    def cdf(self, x, loc=0, scale=1):
        y, out, ys = _half_line(x, loc, scale)
        return _invalid(_not_pos(scale), _outside(out, _one_minus_exp(ys), 0.0))

    def sf(self, x, loc=0, scale=1):
        y, out, ys = _half_line(x, loc, scale)
        return _invalid(_not_pos(scale), _outside(out, dnp.exp(-ys), 1.0))

    def logcdf(self, x, loc=0, scale=1):
        y, out, ys = _half_line(x, loc, scale)
        return _invalid(_not_pos(scale), _outside(out, _log1mexp(ys), -_np.inf))

    def logsf(self, x, loc=0, scale=1):
        y, out, ys = _half_line(x, loc, scale)
        return _invalid(_not_pos(scale), _outside(out, -ys, 0.0))

    def ppf(self, q, loc=0, scale=1):
        return self._quantile(q, (), loc, scale, lambda v: -dnp.log1p(-v), False)

    def isf(self, q, loc=0, scale=1):
        return self._quantile(q, (), loc, scale, lambda v: -dnp.log(v), True)


class uniform_gen(_Continuous):
    """The uniform distribution on ``[loc, loc + scale]``: ``uniform.logpdf(x,
    loc=0, scale=1)`` etc."""

    name = "uniform"
    _support = (0.0, 1.0)

    def _mv(self):
        return 0.5, 1.0 / 12

    @staticmethod
    def _y(x, loc, scale):
        y = _std(x, loc, scale)
        yv = _pv(y)
        return y, yv < 0, yv > 1

    def logpdf(self, x, loc=0, scale=1):
        y, lo, hi = self._y(x, loc, scale)
        val = 0.0 * _sub(lo | hi, y, 0.5) - _log(scale)
        return _invalid(_not_pos(scale), _outside(lo | hi, val, -_np.inf))

    def pdf(self, x, loc=0, scale=1):
        y, lo, hi = self._y(x, loc, scale)
        val = 0.0 * _sub(lo | hi, y, 0.5) + _recip(scale)
        return _invalid(_not_pos(scale), _outside(lo | hi, val, 0.0))

    def cdf(self, x, loc=0, scale=1):
        y, lo, hi = self._y(x, loc, scale)
        return _invalid(_not_pos(scale), _outside(hi, _outside(lo, y, 0.0), 1.0))

    def sf(self, x, loc=0, scale=1):
        y, lo, hi = self._y(x, loc, scale)
        return _invalid(_not_pos(scale), _outside(hi, _outside(lo, 1 - y, 1.0), 0.0))

    def logcdf(self, x, loc=0, scale=1):
        y, lo, hi = self._y(x, loc, scale)
        val = dnp.log(_sub(lo | hi, y, 0.5))
        return _invalid(_not_pos(scale), _outside(hi, _outside(lo, val, -_np.inf), 0.0))

    def logsf(self, x, loc=0, scale=1):
        y, lo, hi = self._y(x, loc, scale)
        val = dnp.log1p(-_sub(lo | hi, y, 0.5))
        return _invalid(_not_pos(scale), _outside(hi, _outside(lo, val, 0.0), -_np.inf))

    def ppf(self, q, loc=0, scale=1):
        return self._quantile(q, (), loc, scale, lambda v: v, False)

    def isf(self, q, loc=0, scale=1):
        return self._quantile(q, (), loc, scale, lambda v: 1.0 - v, True)


class laplace_gen(_Symmetric):
    """The Laplace distribution: ``laplace.logpdf(x, loc=0, scale=1)`` etc.  At
    the kink ``x = loc`` the derivative of ``logpdf`` in ``x`` / ``loc`` is 0
    (``abs``'s convention)."""

    name = "laplace"

    def _mv(self):
        return 0.0, 2.0

    def logpdf(self, x, loc=0, scale=1):
        y = _std(x, loc, scale)
        return _invalid(_not_pos(scale), -dnp.abs(y) - _LOG_2 - _log(scale))

    def pdf(self, x, loc=0, scale=1):
        y = _std(x, loc, scale)
        return _invalid(_not_pos(scale), 0.5 * dnp.exp(-dnp.abs(y)) / scale)

    @staticmethod
    def _cdf(y):
        return _split(y, 0.0, lambda v: 0.5 * dnp.exp(v), lambda v: 1 - 0.5 * dnp.exp(-v))

    @staticmethod
    def _logcdf(y):
        return _split(y, 0.0, lambda v: v - _LOG_2, lambda v: dnp.log1p(-0.5 * dnp.exp(-v)))

    @staticmethod
    def _ppf_std(q):
        return _split(q, 0.5, lambda v: dnp.log(2 * v), lambda v: -dnp.log(2 - 2 * v))


class cauchy_gen(_Symmetric):
    """The Cauchy distribution: ``cauchy.logpdf(x, loc=0, scale=1)`` etc.  Its
    mean and variance are undefined (``nan``, as in SciPy)."""

    name = "cauchy"

    def _mv(self):
        return 0.0, 0.0          # not used: SciPy's nan everywhere

    def logpdf(self, x, loc=0, scale=1):
        y = _std(x, loc, scale)
        small = _np.abs(_pv(y)) < 1
        val = _pieces(y, [(small, lambda v: -dnp.log1p(v * v), 0.0),
                          (~small, lambda v: -(2 * dnp.log(dnp.abs(v)) + dnp.log1p((1 / v) ** 2)),
                           2.0)])
        return _invalid(_not_pos(scale), val - _LOG_PI - _log(scale))

    def pdf(self, x, loc=0, scale=1):
        y = _std(x, loc, scale)
        return _invalid(_not_pos(scale), 1.0 / _np.pi / (1.0 + y * y) / scale)

    @staticmethod
    def _cdf(y):
        return dnp.arctan2(1.0, -y) / _np.pi

    @staticmethod
    def _logcdf(y):
        # log1p(-sf) above the median: no loss of accuracy where the cdf is near 1
        return _split(y, 0.0, cauchy_gen._log_lower,
                      lambda v: dnp.log1p(-dnp.arctan2(1.0, v) / _np.pi))

    @staticmethod
    def _log_lower(v):
        """``log(cdf)`` for ``v <= 0``.  Far out (``v < -1e4``) as ``-log(-v) +
        log(arctan(w) / w) - log(pi)``, ``w = 1 / v``, the middle term the series
        ``log1p(w^2 (w^2/5 - 1/3))``: the chain rule through ``arctan2`` forms the
        derivative ``1 / (1 + v^2)``, which underflows (``v^2`` overflows: ``|v| >
        1.8e19`` in float32, ``1.3e154`` in float64) while the true ``~1/|v|`` does
        not.  Branch on plain values: nearer points are as before."""
        far = _pv(v) < -_CAUCHY_FAR

        def tail(u):
            w = 1.0 / u
            w2 = w * w
            return -dnp.log(-u) + dnp.log1p(w2 * (0.2 * w2 - 1.0 / 3.0)) - _LOG_PI
        return _pieces(v, [(far, tail, -2 * _CAUCHY_FAR),
                           (~far, lambda u: dnp.log(dnp.arctan2(1.0, -u) / _np.pi), -1.0)])

    @staticmethod
    def _ppf_std(q):
        qv = _pv(q)
        lo, hi = qv < 0.25, qv > 0.75
        return _pieces(q, [(lo, lambda v: -1 / dnp.tan(_np.pi * v), 0.1),
                           (hi, lambda v: 1 / dnp.tan(_np.pi * (1 - v)), 0.9),
                           (~lo & ~hi, lambda v: dnp.tan(_np.pi * (v - 0.5)), 0.5)])


class logistic_gen(_Symmetric):
    """The logistic distribution: ``logistic.logpdf(x, loc=0, scale=1)`` etc."""

    name = "logistic"

    def _mv(self):
        return 0.0, _np.pi ** 2 / 3

    def logpdf(self, x, loc=0, scale=1):
        # log(expit(y) expit(-y)): no kink at 0 (SciPy's -|y| - 2 log1p(exp(-|y|)) has one,
        # which would make the second derivative at y = 0 wrong)
        # near the mode -2 log(2 cosh(y/2)) = -2 log 2 - 2 log1p(2 sinh(y/4)^2), whose
        # derivative is -tanh(y/2) as sinh / cosh (log_expit's is expit(-y) - expit(y),
        # which cancels: rel 8.9e-5 at y = 1e-12, 0.11 at 1e-15)
        y = _std(x, loc, scale)
        with _np.errstate(invalid="ignore"):
            mid = _np.abs(_pv(y)) < 1.0     # beyond, expit(-y) - expit(y) does not cancel

        def near(safe):
            s = dnp.sinh(0.25 * safe(y, 0.0))
            return -2 * dnp.log1p(2 * s * s) - 2 * _LOG_2

        def far(safe):
            ys = safe(y, 50.0)
            return sp.log_expit(ys) + sp.log_expit(-ys)
        return _invalid(_not_pos(scale), _piecewise(mid, near, far) - _log(scale))

    def pdf(self, x, loc=0, scale=1):
        return dnp.exp(self.logpdf(x, loc, scale))

    _cdf, _logcdf, _ppf_std = (staticmethod(_expit_cdf), staticmethod(sp.log_expit),
                               staticmethod(sp.logit))


class chi2_gen(_Continuous):
    """The chi-squared distribution: ``chi2.logpdf(x, df, loc=0, scale=1)``
    etc., the gamma distribution with ``a = df / 2``, ``scale = 2 scale``
    (its tail machinery included), differentiable in ``df``."""

    name = "chi2"
    _support = (0.0, _np.inf)

    def _mv(self, df):
        return df, 2 * df

    def _g(self, meth, x, df, loc, scale):
        return _invalid(_not_pos(df, scale), getattr(gamma, meth)(x, 0.5 * df, loc, 2 * scale))

    def logpdf(self, x, df, loc=0, scale=1):
        return self._g("logpdf", x, df, loc, scale)

    def cdf(self, x, df, loc=0, scale=1):
        return self._g("cdf", x, df, loc, scale)

    def sf(self, x, df, loc=0, scale=1):
        return self._g("sf", x, df, loc, scale)

    def logcdf(self, x, df, loc=0, scale=1):
        return self._g("logcdf", x, df, loc, scale)

    def logsf(self, x, df, loc=0, scale=1):
        return self._g("logsf", x, df, loc, scale)

    def ppf(self, q, df, loc=0, scale=1):
        return self._quantile(q, (df,), loc, scale,
                              lambda v, df: 2 * sp.gammaincinv(0.5 * df, v), False)

    def isf(self, q, df, loc=0, scale=1):
        return self._quantile(q, (df,), loc, scale,
                              lambda v, df: 2 * sp.gammainccinv(0.5 * df, v), True)


def _lognorm_tail_prim(upper, log):
    """The standard log-normal ``ndtr(+-log(y) / s)`` (``upper``: the survival
    function) or its ``log``, as one primitive of ``(y, s)``.  Its derivatives are
    the density in log form: ``d/dy = +-exp(logpdf(y) - L)``, ``d/ds = -+(z/s)
    exp(-z^2/2 - log(2 pi)/2 - L)`` (``z = log(y) / s``, ``L`` the value for the log
    forms, else 0), with no separate ``1/(s y)`` factor: through the chain rule
    ``ndtr'(z) z_y`` the second derivative in ``y`` is ``ndtr''(z) z_y^2 + ndtr'(z)
    z_yy``, where at ``y <= 1e-160`` ``z_y^2`` overflows while ``ndtr'(z)`` has
    underflowed (``0 * inf``: NaN in forward-over-forward, where the truth is 0 or
    tiny).  Here every nesting forms ``exp(logpdf)`` times finite factors."""
    sign = -1.0 if upper else 1.0
    fn = _sp.log_ndtr if log else _sp.ndtr

    def impl(y, s):
        with _np.errstate(divide="ignore", invalid="ignore"):
            return fn(sign * (_np.log(y) / s))

    def dy(ans, y, s):
        ly = dnp.log(y)
        z = ly / s
        e = -0.5 * (z * z) - dnp.log(s) - ly - _HALF_LOG_2PI
        return sign * dnp.exp(e - ans if log else e)

    def ds(ans, y, s):
        # -(z/s) phi(z) = -(z y) pdf(y): below y = 1 in the second form, whose
        # y-derivative does not come from phi(z) where that underflows but the
        # density does not (x = 1e-160, s = 9.4: d2/dyds was 0, the truth 1.9e-173);
        # above it in the first (there the density underflows first)
        def lower(safe):
            ys = safe(y, 0.5)
            ly = dnp.log(ys)
            z = ly / s
            e = -0.5 * (z * z) - dnp.log(s) - ly - _HALF_LOG_2PI
            return -sign * (z * ys) * dnp.exp(e - safe(ans, 0.0) if log else e)

        def upper(safe):
            z = dnp.log(safe(y, 2.0)) / s
            e = -0.5 * (z * z) - _HALF_LOG_2PI
            return -sign * (z / s) * dnp.exp(e - safe(ans, 0.0) if log else e)
        y, s, ans = _bcast(y, s, ans)
        return _piecewise(_pv(y) < 1, lower, upper)
    name = ("log" if log else "") + ("sf" if upper else "cdf")
    return _nary(impl, f"lognorm_{name}_std", [dy, ds], ["y", "s"])


_lognorm_cdf_std = _lognorm_tail_prim(False, False)
_lognorm_sf_std = _lognorm_tail_prim(True, False)
_lognorm_logsf_std = _lognorm_tail_prim(True, True)


class lognorm_gen(_Continuous):
    """The log-normal distribution: ``lognorm.logpdf(x, s, loc=0, scale=1)``
    etc. (``log((x - loc) / scale)`` is normal with standard deviation ``s``),
    support ``x > loc``."""

    name = "lognorm"
    _support = (0.0, _np.inf)

    def _mv(self, s):
        p = dnp.exp(s * s)
        return dnp.sqrt(p), p * (p - 1)

    def _z(self, x, s, loc, scale):
        y, out, ys = _half_line(x, loc, scale, closed=False)
        ly = dnp.log(ys)
        return ly, ly / s, out, _not_pos(s, scale)

    def logpdf(self, x, s, loc=0, scale=1):
        ly, z, out, bad = self._z(x, s, loc, scale)
        val = -0.5 * (z * z) - dnp.log(s) - ly - _HALF_LOG_2PI - _log(scale)
        return _invalid(bad, _outside(out, val, -_np.inf))

    # cdf, sf and logsf below the median (y < 1, where the density at tiny y
    # underflows while 1 / y^2 overflows) are primitives of (y, s) whose derivatives
    # are the density in log form: see _lognorm_tail_prim
    def cdf(self, x, s, loc=0, scale=1):
        y, out, ys = _half_line(x, loc, scale, closed=False)
        return _invalid(_not_pos(s, scale), _outside(out, _lognorm_cdf_std(ys, s), 0.0))

    def sf(self, x, s, loc=0, scale=1):
        y, out, ys = _half_line(x, loc, scale, closed=False)
        return _invalid(_not_pos(s, scale), _outside(out, _lognorm_sf_std(ys, s), 1.0))

    def logcdf(self, x, s, loc=0, scale=1):
        ly, z, out, bad = self._z(x, s, loc, scale)
        return _invalid(bad, _outside(out, sp.log_ndtr(z), -_np.inf))

    def logsf(self, x, s, loc=0, scale=1):
        # above the median log_ndtr(-z), whose derivative (a Mills ratio) does not
        # cancel where the tail is small
        y, out, ys = _half_line(x, loc, scale, closed=False)
        val = _split(ys, 1.0, lambda v: _lognorm_logsf_std(v, s),
                     lambda v: sp.log_ndtr(-(dnp.log(v) / s)))
        return _invalid(_not_pos(s, scale), _outside(out, val, 0.0))

    def ppf(self, q, s, loc=0, scale=1):
        return self._quantile(q, (s,), loc, scale, lambda v, s: dnp.exp(s * sp.ndtri(v)), False)

    def isf(self, q, s, loc=0, scale=1):
        return self._quantile(q, (s,), loc, scale, lambda v, s: dnp.exp(s * -sp.ndtri(v)), True)


class invgamma_gen(_Continuous):
    """The inverse gamma distribution: ``invgamma.logpdf(x, a, loc=0,
    scale=1)`` etc., support ``x > loc``; its cdfs are the gamma distribution's
    survival functions at ``1 / y`` (with their tail machinery), differentiable
    in ``a``."""

    name = "invgamma"
    _support = (0.0, _np.inf)

    def _mv(self, a):
        return 1 / (a - 1), 1 / ((a - 1) * (a - 1) * (a - 2))

    def _iy(self, x, a, loc, scale):
        y, out, ys = _half_line(x, loc, scale, closed=False)
        return ys, 1 / ys, out, _not_pos(a, scale)

    def logpdf(self, x, a, loc=0, scale=1):
        ys, iy, out, bad = self._iy(x, a, loc, scale)
        val = -(a + 1) * dnp.log(ys) - sp.gammaln(a) - iy - _log(scale)
        return _invalid(bad, _outside(out, val, -_np.inf))

    @staticmethod
    def _flat_inverse(ys):
        """``1/y``, held constant where ``y < 1e-150``: there the gamma tails are
        exactly 0 and 1 with derivative 0, but the tangent of ``1/y`` would
        overflow, and 0 * inf makes forward mode NaN."""
        yv = _pv(ys)
        far = yv < 1e-150
        if not far.any():
            return 1 / ys
        with _np.errstate(divide="ignore", over="ignore"):
            plain = 1 / yv
        return dnp.where(far, plain, 1 / _sub(far, ys, 1.0))

    def cdf(self, x, a, loc=0, scale=1):
        y, out, ys = _half_line(x, loc, scale, closed=False)
        iy = self._flat_inverse(ys)
        return _invalid(_not_pos(a, scale), _outside(out, sp.gammaincc(a, iy), 0.0))

    def sf(self, x, a, loc=0, scale=1):
        y, out, ys = _half_line(x, loc, scale, closed=False)
        iy = self._flat_inverse(ys)
        return _invalid(_not_pos(a, scale), _outside(out, sp.gammainc(a, iy), 1.0))

    def logcdf(self, x, a, loc=0, scale=1):
        ys, iy, out, bad = self._iy(x, a, loc, scale)
        return _invalid(bad, _outside(out, gamma.logsf(iy, a), -_np.inf))

    def logsf(self, x, a, loc=0, scale=1):
        ys, iy, out, bad = self._iy(x, a, loc, scale)
        return _invalid(bad, _outside(out, gamma.logcdf(iy, a), 0.0))

    def ppf(self, q, a, loc=0, scale=1):
        return self._quantile(q, (a,), loc, scale, lambda v, a: 1.0 / sp.gammainccinv(a, v), False)

    def isf(self, q, a, loc=0, scale=1):
        return self._quantile(q, (a,), loc, scale, lambda v, a: 1.0 / sp.gammaincinv(a, v), True)


class halfnorm_gen(_Continuous):
    """The half-normal distribution: ``halfnorm.logpdf(x, loc=0, scale=1)``
    etc., support ``x >= loc``."""

    name = "halfnorm"
    _support = (0.0, _np.inf)
    _MEDIAN = float(_sp.ndtri(0.75))

    def _mv(self):
        return _np.sqrt(2 / _np.pi), 1 - 2 / _np.pi

    def logpdf(self, x, loc=0, scale=1):
        y, out, ys = _half_line(x, loc, scale)
        val = (_HALF_LOG_2_OVER_PI - 0.5 * (ys * ys)) - _log(scale)
        return _invalid(_not_pos(scale), _outside(out, val, -_np.inf))

    def pdf(self, x, loc=0, scale=1):
        y, out, ys = _half_line(x, loc, scale)
        val = _SQRT_2_OVER_PI * dnp.exp(-0.5 * (ys * ys)) / scale
        return _invalid(_not_pos(scale), _outside(out, val, 0.0))

    def cdf(self, x, loc=0, scale=1):
        y, out, ys = _half_line(x, loc, scale)
        return _invalid(_not_pos(scale), _outside(out, sp.erf(ys / _SQRT2), 0.0))

    def sf(self, x, loc=0, scale=1):
        y, out, ys = _half_line(x, loc, scale)
        return _invalid(_not_pos(scale), _outside(out, 2 * sp.ndtr(-ys), 1.0))

    def logcdf(self, x, loc=0, scale=1):
        y, out, ys = _half_line(x, loc, scale)
        val = _split(ys, self._MEDIAN, lambda v: dnp.log(sp.erf(v / _SQRT2)),
                     lambda v: dnp.log1p(-2 * sp.ndtr(-v)))
        return _invalid(_not_pos(scale), _outside(out, val, -_np.inf))

    def logsf(self, x, loc=0, scale=1):
        y, out, ys = _half_line(x, loc, scale)
        val = _split(ys, self._MEDIAN, lambda v: dnp.log1p(-sp.erf(v / _SQRT2)),
                     lambda v: _LOG_2 + sp.log_ndtr(-v))
        return _invalid(_not_pos(scale), _outside(out, val, 0.0))

    def ppf(self, q, loc=0, scale=1):
        return self._quantile(q, (), loc, scale, lambda v: sp.ndtri(0.5 * (1 + v)), False)

    def isf(self, q, loc=0, scale=1):
        return self._quantile(q, (), loc, scale, lambda v: -sp.ndtri(0.5 * v), True)


class weibull_min_gen(_Continuous):
    """The Weibull (minimum) distribution: ``weibull_min.logpdf(x, c, loc=0,
    scale=1)`` etc., support ``x >= loc``."""

    name = "weibull_min"
    _support = (0.0, _np.inf)

    def _mv(self, c):
        g1 = sp.gamma(1 + 1 / c)
        return g1, sp.gamma(1 + 2 / c) - g1 * g1

    def _w(self, x, c, loc, scale):
        y, out, ys = _half_line(x, loc, scale)
        return ys, ys ** c, out, _not_pos(c, scale)

    def logpdf(self, x, c, loc=0, scale=1):
        ys, w, out, bad = self._w(x, c, loc, scale)
        val = dnp.log(c) + sp.xlogy(c - 1, ys) - w - _log(scale)
        return _invalid(bad, _outside(out, val, -_np.inf))

    def cdf(self, x, c, loc=0, scale=1):
        ys, w, out, bad = self._w(x, c, loc, scale)
        return _invalid(bad, _outside(out, _one_minus_exp(w), 0.0))

    def sf(self, x, c, loc=0, scale=1):
        ys, w, out, bad = self._w(x, c, loc, scale)
        return _invalid(bad, _outside(out, dnp.exp(-w), 1.0))

    def logcdf(self, x, c, loc=0, scale=1):
        ys, w, out, bad = self._w(x, c, loc, scale)
        return _invalid(bad, _outside(out, _log1mexp(w), -_np.inf))

    def logsf(self, x, c, loc=0, scale=1):
        ys, w, out, bad = self._w(x, c, loc, scale)
        return _invalid(bad, _outside(out, -w, 0.0))

    def ppf(self, q, c, loc=0, scale=1):
        return self._quantile(q, (c,), loc, scale, lambda v, c: (-dnp.log1p(-v)) ** (1 / c), False)

    def isf(self, q, c, loc=0, scale=1):
        return self._quantile(q, (c,), loc, scale, lambda v, c: (-dnp.log(v)) ** (1 / c), True)


# A count pmf exp(logpmf) is rest + expo log(base) in log form; where the base is
# small its derivatives through exp(logpmf) are pmf (lp'^2 + lp''), with lp' ~
# expo / base: where the pmf underflows while (expo / base)^2 overflows that is
# 0 * inf (NaN at base = 1e-300), and at expo = 1 the two 1/base^2 terms cancel (relative
# error ~ eps / base in the second derivative: 1e-8 at base = 1e-8, all of it at 1e-100).
# exp(logpmf) below e^_DENSITY_POWER_LOG (the threshold of special's density
# forms, _x_power_density) ...
_PMF_POWER_BASE = 1e-2      # ... or a base below 1e-2: the product form


def _pmf_from_power(lp, base, expo, rest, use):
    """The pmf ``exp(lp(safe))`` of a count distribution whose log is ``rest +
    expo log(base)``; where the plain mask ``use`` allows it, ``0 < base <= 1/2``,
    ``expo > 0`` and the pmf is below ``e^-600`` or ``base < 1e-2``, the product
    ``exp(rest(safe)) * base**expo``, whose derivatives are those of ``base**expo``
    times finite factors, so that none forms ``0 * inf`` or cancels.  ``lp`` and
    ``rest`` are the traced logs as functions of ``safe(v, fill)`` (see
    ``_piecewise``: each form sees its own points only, so that the other one's
    ``1/base^2`` at ``base = 1e-300`` does not meet a zero cotangent, nor the
    product a large ``rest`` where the pmf is not small); ``base`` gets fill 1/4
    and ``expo`` 1.  The traced arguments are ``base`` and ``expo`` only."""
    lpv = primal_of(lp(lambda v, fill: primal_of(v)))
    with _np.errstate(all="ignore"):
        lb, bv, ev, use = _np.broadcast_arrays(lpv, _pv(base), _pv(expo), use)
        power = use & (bv > 0) & (bv <= 0.5) & (ev > 0) & _np.isfinite(ev) & \
            ((lb < _DENSITY_POWER_LOG) | (bv < _PMF_POWER_BASE)) & (lb - ev * _np.log(bv) < 600)
    if not power.any() and not (_traced(base) or _traced(expo)):
        return dnp.exp(lpv)

    def small(safe):
        return dnp.exp(rest(safe)) * safe(base, 0.25) ** safe(expo, 1.0)
    return _piecewise(power, small, lambda safe: dnp.exp(lp(safe)))


class poisson_gen(_Moments):
    """The Poisson distribution: ``poisson.logpmf(k, mu, loc=0)`` etc.,
    differentiable in ``mu``."""

    name = "poisson"
    _density = "logpmf"

    def _mv(self, mu):
        return mu, mu

    def logpmf(self, k, mu, loc=0):
        k = _np.asarray(primal_of(k)) - loc
        ok = (k >= 0) & (k == _np.floor(k))
        ks = _np.where(ok, k, 0.0)
        out = sp.xlogy(ks, mu) - mu - sp.gammaln(ks + 1)
        return _outside(~ok, out, -_np.inf)

    def pmf(self, k, mu, loc=0):
        """``exp(logpmf)``; for ``k >= 1`` where that is below ``e^-600`` or ``mu <
        1e-2``, ``exp(-mu - gammaln(k+1)) * mu**k`` (see ``_pmf_from_power``: the
        second ``mu``-derivative at ``k = 2``, ``mu = 1e-300`` was NaN or 0, the
        truth 1)."""
        k = _np.asarray(primal_of(k)) - loc
        ok = (k >= 0) & (k == _np.floor(k))
        ks = _np.where(ok, k, 0.0)
        lg = _sp.gammaln(ks + 1)
        return _pmf_from_power(lambda safe: self.logpmf(k, safe(mu, 1.0)), mu, ks,
                               lambda safe: -safe(mu, 0.25) - safe(lg, 0.0), ok)

    @staticmethod
    def _tail(gamma_fn, k, mu, loc, below):
        # Q(k+1, mu) is the cdf, P(k+1, mu) the sf (SciPy's pdtr / pdtrc); ``below``
        # for k < 0
        k = _np.floor(_np.asarray(primal_of(k)) - loc)
        neg = k < 0
        return _outside(neg, gamma_fn(_np.where(neg, 0.0, k) + 1, mu), below)

    def cdf(self, k, mu, loc=0):
        return self._tail(sp.gammaincc, k, mu, loc, 0.0)

    def logcdf(self, k, mu, loc=0):
        return dnp.log(self.cdf(k, mu, loc))

    def sf(self, k, mu, loc=0):
        return self._tail(sp.gammainc, k, mu, loc, 1.0)

    def logsf(self, k, mu, loc=0):
        return dnp.log(self.sf(k, mu, loc))


def _integer_param(v, dist, arg):
    """A parameter that must be a plain integer count: a traced value is refused
    (there is no derivative in it)."""
    if _traced(v):
        raise NotImplementedError(
            f"dualad.scipy.stats.{dist}: no derivative in {arg!r}, an integer count; "
            f"pass it as a plain number or array (dualad.stop_gradient({arg}) if it is "
            f"computed from traced values)")
    return _np.asarray(v, dtype=float)


def _counts(k, loc):
    """The plain counts ``k - loc`` (``k`` has no derivative: the pmf of a
    discrete distribution is not a function of a real ``k``; a traced ``k`` gets
    derivative 0, as in ``poisson``) and the plain mask of integers ``>= 0``."""
    k = _np.asarray(primal_of(k), dtype=float) - _np.asarray(primal_of(loc), dtype=float)
    return k, (k >= 0) & (k == _np.floor(k))


class _CountTails(_Moments):
    """``cdf`` / ``sf`` and their logs of a count distribution with parameters
    ``(n, p)`` from ``_tails(k, n, p, loc, upper)``."""

    def cdf(self, k, n, p, loc=0):
        return self._tails(k, n, p, loc, False)

    def sf(self, k, n, p, loc=0):
        return self._tails(k, n, p, loc, True)

    def logcdf(self, k, n, p, loc=0):
        return dnp.log(self.cdf(k, n, p, loc))

    def logsf(self, k, n, p, loc=0):
        return dnp.log(self.sf(k, n, p, loc))


class binom_gen(_CountTails):
    """The binomial distribution: ``binom.logpmf(k, n, p, loc=0)`` etc.,
    differentiable in ``p``; ``n`` is a plain integer count (a traced ``n``
    raises ``NotImplementedError``), and a traced ``k`` gets derivative 0."""

    name = "binom"
    _density = "logpmf"

    def _mv(self, n, p):
        n = _integer_param(n, self.name, "n")
        return n * p, n * p * (1 - p)

    @staticmethod
    def _bad(n, p):
        pv = _pv(p)
        return ~((n >= 0) & (n == _np.floor(n)) & (pv >= 0) & (pv <= 1))

    def logpmf(self, k, n, p, loc=0):
        n = _integer_param(n, self.name, "n")
        k, ok = _counts(k, loc)
        ok = ok & (k <= n)
        with _np.errstate(all="ignore"):
            ks = _np.where(ok, k, 0.0)
            comb = _sp.gammaln(n + 1) - (_sp.gammaln(ks + 1) + _sp.gammaln(n - ks + 1))
        out = comb + sp.xlogy(ks, p) + sp.xlog1py(n - ks, -p)
        return _invalid(self._bad(n, p), _outside(~ok, out, -_np.inf))

    def pmf(self, k, n, p, loc=0):
        """``exp(logpmf)``; for ``k >= 1`` where that is below ``e^-600`` or ``p <
        1e-2`` (``p <= 1/2``), ``exp(comb + (n-k) log1p(-p)) * p**k``: through
        ``exp(logpmf)`` the second ``p``-derivative is ``pmf ((k/p)^2 - k/p^2 +
        ...)``, where ``pmf`` underflows while ``(k/p)^2`` overflows (NaN at ``p =
        1e-300``; the truth ``k (k-1) C(n, k) p^(k-2)`` is 90 at ``k = 2``, ``n =
        10``), and at ``k = 1`` the ``1/p^2`` terms cancel (see ``_pmf_from_power``)."""
        n = _integer_param(n, self.name, "n")
        kk, ok = _counts(k, loc)
        with _np.errstate(all="ignore"):
            kb, nb = _np.broadcast_arrays(kk, n)
            ks = _np.where(ok & (kb <= nb), kb, 0.0)
            comb = _sp.gammaln(nb + 1) - (_sp.gammaln(ks + 1) + _sp.gammaln(nb - ks + 1))
            use = ok & (kb <= nb) & ~self._bad(nb, _pv(p))
        return _pmf_from_power(lambda safe: self.logpmf(k, n, safe(p, 0.25), loc), p, ks,
                               lambda safe: safe(comb, 0.0) +
                               sp.xlog1py(safe(nb - ks, 1.0), -safe(p, 0.25)), use)

    def _tails(self, k, n, p, loc, upper):
        # cdf = I_{1-p}(n - k, k + 1) = betaincc(k + 1, n - k, p); sf = betainc(k + 1, n - k, p)
        n = _integer_param(n, self.name, "n")
        k = _np.floor(_np.asarray(primal_of(k), float) - _np.asarray(primal_of(loc), float))
        below, above = k < 0, k >= n
        with _np.errstate(all="ignore"):
            ks = _np.where(below | above, 0.0, k)
            nk = _np.where(below | above, 1.0, n - ks)
        fn = sp.betainc if upper else _betaincc
        out = _outside(above, _outside(below, fn(ks + 1, nk, p), float(upper)), float(not upper))
        return _invalid(self._bad(n, p), out)


class nbinom_gen(_CountTails):
    """The negative binomial distribution: ``nbinom.logpmf(k, n, p, loc=0)``
    etc. (the number of failures before the ``n``-th success), differentiable in
    ``n`` (real, ``> 0``) and ``p``; a traced ``k`` gets derivative 0."""

    name = "nbinom"
    _density = "logpmf"

    def _mv(self, n, p):
        q = 1 - p
        return n * q / p, n * q / (p * p)

    @staticmethod
    def _bad(n, p):
        nv, pv = _pv(n), _pv(p)
        return ~((nv > 0) & (pv > 0) & (pv <= 1))

    @staticmethod
    def _rest(ks, n, p):
        """``log poch(n, k) - log k! + k log1p(-p)``: ``logpmf`` less ``n log p``."""
        # log poch(n, k) = gammaln(n + k) - gammaln(n), 0 at k = 0, for k >= 1
        # log n + gammaln(n + k) - gammaln(n + 1): the difference of gammaln at n
        # and n + k cancelled (its second n-derivative, ~1/n^2, lost eps/n^2: 0.0 for
        # 0.48 at n = 1e-8, k = 0)
        lpoch = _outside(ks == 0, sp.gammaln(n + ks) - sp.gammaln(n + 1) + dnp.log(n), 0.0)
        return lpoch - _sp.gammaln(ks + 1) + sp.xlog1py(ks, -p)

    def logpmf(self, k, n, p, loc=0):
        k, ok = _counts(k, loc)
        ks = _np.where(ok, k, 0.0)
        out = self._rest(ks, n, p) + n * dnp.log(p)
        return _invalid(self._bad(n, p), _outside(~ok, out, -_np.inf))

    def pmf(self, k, n, p, loc=0):
        """``exp(logpmf)``; where that is below ``e^-600`` or ``p < 1e-2`` (``p <=
        1/2``), ``exp(log poch(n, k) - log k! + k log1p(-p)) * p**n`` (see
        ``_pmf_from_power``: the second ``p``-derivative at ``k = 1``, ``n = 2``, ``p =
        1e-300`` was NaN or 0, the truth 4)."""
        kk, ok = _counts(k, loc)
        ks = _np.where(ok, kk, 0.0)
        use = ok & ~self._bad(n, p)
        return _pmf_from_power(
            lambda safe: self.logpmf(k, safe(n, 1.0), safe(p, 0.25), loc), p, n,
            lambda safe: self._rest(safe(ks, 0.0), safe(n, 1.0), safe(p, 0.25)), use)

    def _tails(self, k, n, p, loc, upper):
        # cdf = betainc(n, k + 1, p), sf = betaincc(n, k + 1, p)
        k = _np.floor(_np.asarray(primal_of(k), float) - _np.asarray(primal_of(loc), float))
        below = k < 0
        fn = _betaincc if upper else sp.betainc
        out = _outside(below, fn(n, _np.where(below, 0.0, k) + 1, p), float(upper))
        return _invalid(self._bad(n, p), out)


class _Gumbel(_Continuous):
    """``gumbel_r`` (``_sign = 1``) and ``gumbel_l`` (``_sign = -1``, the mirror
    image: ``gumbel_l.cdf(x) = gumbel_r.sf(-x)``), with ``w = exp(-sign z)``:
    ``logpdf = -sign z - w``, the lower tail ``exp(-w)`` / ``-w`` and the upper
    one ``-expm1(-w)`` / ``log(-expm1(-w))`` (no cancellation in either tail).
    Where ``w`` overflows (``sign z < -700``) every method takes its limit, with
    derivative 0."""

    _sign = 1.0

    def _z(self, x, loc, scale):
        """``sign z``, a safe 0 where ``w`` would overflow, and that plain mask."""
        z = self._sign * _std(x, loc, scale)
        with _np.errstate(invalid="ignore"):
            far = _pv(z) < -700.0
        return _sub(far, z, 0.0), far

    def logpdf(self, x, loc=0, scale=1):
        z, far = self._z(x, loc, scale)
        out = _outside(far, -z - dnp.exp(-z), -_np.inf)
        return _invalid(_not_pos(scale), out - _log(scale))

    def _low(self, x, loc, scale, log):
        # the tail on the side of -sign inf: exp(-w), or its log -w
        z, far = self._z(x, loc, scale)
        w = dnp.exp(-z)
        out = _outside(far, -w if log else dnp.exp(-w), -_np.inf if log else 0.0)
        return _invalid(_not_pos(scale), out)

    def _high(self, x, loc, scale, log):
        # the other tail: 1 - exp(-w), or its log (log(-expm1(-w)) below log 2)
        z, far = self._z(x, loc, scale)
        w = dnp.exp(-z)
        with _np.errstate(divide="ignore"):
            zero = _pv(w) == 0                 # sign z > 745: log is -inf, derivative 0
            ws = _sub(zero, w, 1.0)
            out = _log1mexp(ws) if log else _one_minus_exp(ws)
            out = _outside(zero, out, -_np.inf if log else 0.0)
        return _invalid(_not_pos(scale), _outside(far, out, 0.0 if log else 1.0))

    def cdf(self, x, loc=0, scale=1):
        return self._low(x, loc, scale, False) if self._sign > 0 else \
            self._high(x, loc, scale, False)

    def logcdf(self, x, loc=0, scale=1):
        return self._low(x, loc, scale, True) if self._sign > 0 else \
            self._high(x, loc, scale, True)

    def sf(self, x, loc=0, scale=1):
        return self._high(x, loc, scale, False) if self._sign > 0 else \
            self._low(x, loc, scale, False)

    def logsf(self, x, loc=0, scale=1):
        return self._high(x, loc, scale, True) if self._sign > 0 else \
            self._low(x, loc, scale, True)

    def ppf(self, q, loc=0, scale=1):
        if self._sign > 0:
            return self._quantile(q, (), loc, scale, lambda v: -dnp.log(-dnp.log(v)), False)
        return self._quantile(q, (), loc, scale, lambda v: dnp.log(-dnp.log1p(-v)), False)

    def isf(self, q, loc=0, scale=1):
        if self._sign > 0:
            return self._quantile(q, (), loc, scale, lambda v: -dnp.log(-dnp.log1p(-v)), True)
        return self._quantile(q, (), loc, scale, lambda v: dnp.log(-dnp.log(v)), True)

    def _mv(self):
        return self._sign * 0.5772156649015329, _np.pi ** 2 / 6


class gumbel_r_gen(_Gumbel):
    """The right-skewed Gumbel distribution: ``gumbel_r.logpdf(x, loc=0, scale=1)``
    etc., ``cdf = exp(-exp(-z))``."""

    name = "gumbel_r"


class gumbel_l_gen(_Gumbel):
    """The left-skewed Gumbel distribution: ``gumbel_l.logpdf(x, loc=0, scale=1)``
    etc., ``sf = exp(-exp(z))``."""

    name = "gumbel_l"
    _sign = -1.0


class pareto_gen(_Continuous):
    """The Pareto distribution: ``pareto.logpdf(x, b, loc=0, scale=1)`` etc.,
    support ``x >= loc + scale``: with ``u = b log y`` it is ``expon`` in ``u``,
    so ``sf = exp(-u)``, ``logsf = -u``, ``cdf = 1 - exp(-u)`` and ``logcdf =
    log(1 - exp(-u))`` keep their relative accuracy in both tails (SciPy's ``1 -
    y**-b`` cancels near ``y = 1`` and its ``log(y**-b)`` underflows far out)."""

    name = "pareto"
    _support = (1.0, _np.inf)

    def _mv(self, b):
        return b / (b - 1.0), b / (b - 2.0) / (b - 1.0) ** 2

    def _u(self, x, b, loc, scale):
        y = _std(x, loc, scale)
        with _np.errstate(invalid="ignore"):
            out = _pv(y) < 1
        ly = dnp.log(_sub(out, y, 2.0))
        return out, ly, b * ly

    def logpdf(self, x, b, loc=0, scale=1):
        out, ly, u = self._u(x, b, loc, scale)
        val = dnp.log(b) - u - ly - _log(scale)
        return _invalid(_not_pos(b, scale), _outside(out, val, -_np.inf))

    def cdf(self, x, b, loc=0, scale=1):
        out, ly, u = self._u(x, b, loc, scale)
        return _invalid(_not_pos(b, scale), _outside(out, _one_minus_exp(u), 0.0))

    def sf(self, x, b, loc=0, scale=1):
        out, ly, u = self._u(x, b, loc, scale)
        return _invalid(_not_pos(b, scale), _outside(out, dnp.exp(-u), 1.0))

    def logcdf(self, x, b, loc=0, scale=1):
        out, ly, u = self._u(x, b, loc, scale)
        with _np.errstate(divide="ignore"):
            return _invalid(_not_pos(b, scale), _outside(out, _log1mexp(u), -_np.inf))

    def logsf(self, x, b, loc=0, scale=1):
        out, ly, u = self._u(x, b, loc, scale)
        return _invalid(_not_pos(b, scale), _outside(out, -u, 0.0))

    def ppf(self, q, b, loc=0, scale=1):
        return self._quantile(q, (b,), loc, scale,
                              lambda v, b: dnp.exp(-dnp.log1p(-v) / b), False)

    def isf(self, q, b, loc=0, scale=1):
        return self._quantile(q, (b,), loc, scale, lambda v, b: dnp.exp(-dnp.log(v) / b), True)


class dirichlet_gen(_Dist):
    """The Dirichlet distribution: ``dirichlet.logpdf(x, alpha)``, differentiable
    in ``x`` and ``alpha``.  As in SciPy, the components of ``x`` run along its
    first axis; ``K - 1`` components are completed by ``1 - sum``."""

    name = "dirichlet"

    @staticmethod
    def _check(method, *args):
        """SciPy's own checks of the (plain) values: its ValueError for ``alpha``
        not positive or not 1-D, ``x`` off the simplex, negative or above 1."""
        import scipy.stats as _sst
        getattr(_sst.dirichlet, method)(*[_np.asarray(primal_of(a)) for a in args])

    def mean(self, alpha):
        """``alpha / sum(alpha)``."""
        self._check("mean", alpha)
        return _plain(alpha / dnp.sum(alpha))

    def var(self, alpha):
        """``alpha (a0 - alpha) / (a0^2 (a0 + 1))`` with ``a0 = sum(alpha)``."""
        self._check("var", alpha)
        a0 = dnp.sum(alpha)
        return _plain(alpha * (a0 - alpha) / (a0 * a0 * (a0 + 1)))

    def std(self, alpha):
        return dnp.sqrt(self.var(alpha))

    def logpdf(self, x, alpha):
        if ndim_of(alpha) != 1:
            raise ValueError("Parameter vector 'a' must be one dimensional")
        self._check("logpdf", x, alpha)
        k = shape_of(alpha)[-1]
        if shape_of(x)[0] == k - 1:
            x = dnp.concatenate([x, dnp.expand_dims(1 - dnp.sum(x, axis=0), 0)], axis=0)
        elif shape_of(x)[0] != k:
            raise ValueError("Vector 'x' must have either the same number of entries "
                             "as, or one entry fewer than, parameter vector 'a'")
        a = dnp.reshape(alpha, (k,) + (1,) * (ndim_of(x) - 1))
        lognorm = dnp.sum(sp.gammaln(alpha)) - sp.gammaln(dnp.sum(alpha))
        return dnp.sum(sp.xlogy(a - 1, x), axis=0) - lognorm

    def pdf(self, x, alpha):
        return dnp.exp(self.logpdf(x, alpha))


class multivariate_normal_gen(_Dist):
    """``multivariate_normal.logpdf(x, mean=None, cov=1)``, differentiable in
    ``x``, ``mean`` and ``cov`` (a matrix, a vector of variances or a scalar);
    ``cov`` is read through its lower triangle, like a Cholesky factorisation."""

    name = "multivariate_normal"

    def logpdf(self, x, mean=None, cov=1):
        xs = shape_of(x)
        if mean is not None and ndim_of(mean) >= 1:
            d = shape_of(mean)[-1]
        elif ndim_of(cov) >= 1:
            d = shape_of(cov)[-1]
        else:
            d = 1
        if d == 1 and (not xs or xs[-1] != 1):
            x = dnp.reshape(x, xs + (1,))
        elif not xs or xs[-1] != d:
            raise ValueError(f"multivariate_normal: x of shape {xs} does not match "
                             f"dimension {d}")
        if ndim_of(cov) == 0:
            cov = cov * _np.eye(d)
        elif ndim_of(cov) == 1:
            cov = dnp.reshape(cov, (d, 1)) * _np.eye(d)
        diff = x if mean is None else x - mean
        lead = shape_of(diff)[:-1]
        low = sla.cholesky(cov, lower=True)
        r = dnp.reshape(diff, (-1, d))
        z = sla.solve_triangular(low, dnp.transpose(r), lower=True)      # (d, N)
        maha = dnp.sum(z * z, axis=0)
        logdet = 2 * dnp.sum(dnp.log(dnp.sum(low * _np.eye(d), axis=-1)))
        out = -0.5 * (maha + logdet + d * _LOG_2PI)
        return dnp.reshape(out, tuple(n for n in lead if n != 1))   # SciPy squeezes

    def pdf(self, x, mean=None, cov=1):
        return dnp.exp(self.logpdf(x, mean, cov))


norm = norm_gen()
t = t_gen()
gamma = gamma_gen()
beta = beta_gen()
expon = expon_gen()
uniform = uniform_gen()
laplace = laplace_gen()
cauchy = cauchy_gen()
logistic = logistic_gen()
chi2 = chi2_gen()
lognorm = lognorm_gen()
invgamma = invgamma_gen()
halfnorm = halfnorm_gen()
weibull_min = weibull_min_gen()
gumbel_r = gumbel_r_gen()
gumbel_l = gumbel_l_gen()
pareto = pareto_gen()
poisson = poisson_gen()
binom = binom_gen()
nbinom = nbinom_gen()
dirichlet = dirichlet_gen()
multivariate_normal = multivariate_normal_gen()


def __getattr__(name):
    """A name dualad.scipy.stats lacks: ``AttributeError`` (so ``hasattr`` works)
    naming it and listing the distributions there are."""
    if name.startswith("__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import scipy.stats as _sst
    have = ", ".join(n for n in __all__ if n != "rv_frozen" and n not in _FUNCTIONS_ALL)
    what = getattr(_sst, name, None)
    if isinstance(what, (_sst.rv_continuous, _sst.rv_discrete)) or \
            type(what).__name__.endswith("_gen"):
        msg = (f"dualad.scipy.stats has no distribution {name!r} (scipy.stats.{name}) yet; "
               f"write its log density with dualad.numpy and dualad.scipy.special. "
               f"The distributions it has: {have}")
    elif what is not None:
        funcs = ", ".join(n for n in _FUNCTIONS_ALL if not n.endswith("Result"))
        msg = (f"dualad.scipy.stats has no {name!r} (scipy.stats.{name}); it has "
               f"the distributions {have} and the functions {funcs}")
    else:
        msg = (f"module 'dualad.scipy.stats' has no attribute {name!r}; "
               f"its distributions: {have}")
    raise AttributeError(msg)


# more continuous distributions (truncnorm, rayleigh, f, ...): their module adds them here
from . import _stats_continuous2  # noqa: E402,F401

# more discrete and multivariate distributions and gaussian_kde (multivariate_normal and
# dirichlet with entropy / cov too): their module adds its names to this one
from . import _stats_discrete_mv  # noqa: E402,F401
