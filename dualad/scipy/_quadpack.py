"""Differentiable quadrature of functions: ``quad``, ``quad_vec``, ``fixed_quad``,
``dblquad``, ``tplquad``, ``nquad`` (and ``romb``, of samples).  Re-exported by
``dualad.scipy.integrate``; see docs/scipy.md.

``quad`` and ``quad_vec`` are one primitive each, ``"integrate.quad"`` and
``"integrate.quad_vec"``, whose value (and error estimate) is SciPy's own, run
on plain values.  Their derivatives follow Leibniz's rule

    d/dp int_a^b f(x, p) w(x) dx = int_a^b df/dp(x, p) w(x) dx
    d/db = f(b, p) w(b),   d/da = -f(a, p) w(a)     (0 at an infinite limit)

where ``df/dp`` is dualad's forward mode of the user's integrand at each plain
``x`` (SciPy calls it point by point), and the integral of the derivative is
computed by the same primitive, with the same options (tolerances, ``limit``,
``points``, weight), so its accuracy is SciPy's for that integrand.  The rules
are written with dualad operations and call the primitive again, so an outer
transform differentiates them: second and higher derivatives, every nesting.

Values the integrand needs derivatives of must reach it through ``args`` (as
for ``odeint``): an integrand that returns a traced value for plain arguments
(it closes over a traced variable) raises a ``TypeError`` saying so.
``fixed_quad`` is a fixed formula and is differentiated directly (closures
work there).  ``dblquad``, ``tplquad`` and ``nquad`` are SciPy's nesting of
``quad``, with this ``quad``.
"""
from __future__ import annotations

import functools
import threading as _threading

import numpy as _np
import scipy.integrate as _si
from scipy.special import roots_legendre as _roots_legendre

from .. import numpy as dnp
from ..forward import jvp_flat
from ..registry import defjvp_joint, defvjp_varargs, primitive
from ..reverse import vjp_flat
from ..tracer import Tracer, contains_tracer, primal_of

__all__ = ["quad", "quad_vec", "fixed_quad", "romb", "dblquad", "tplquad", "nquad"]


def _shape(x):
    return _np.shape(primal_of(x))


def _checked(func, name):
    """``func`` refusing to return a traced value for plain arguments."""
    def integrand(*a):
        out = func(*a)
        if contains_tracer(out):
            raise TypeError(
                f"dualad.scipy.integrate.{name}: the integrand returned a traced value for "
                f"plain arguments: it uses a traced variable from an enclosing scope. Pass "
                f"such values through args= so that they are differentiated.")
        return out
    return integrand


def _check_args(args, name):
    for v in args:
        if isinstance(v, (list, tuple, dict)) and contains_tracer(v):
            raise TypeError(
                f"dualad.scipy.integrate.{name}: an entry of args is a {type(v).__name__} "
                f"holding traced values; pass each differentiable value as its own entry "
                f"of args (or as one array)")


def _plain_points(points):
    """Break points as plain values: they guide the algorithm only (derivative 0)."""
    if points is None:
        return None
    if isinstance(points, Tracer):
        return primal_of(points)
    if isinstance(points, (list, tuple)) and contains_tracer(points):
        return [primal_of(p) for p in points]
    return points


def _finite(x):
    return bool(_np.isfinite(primal_of(x)))


def _with(params, K, xs):
    p = list(params)
    for k, x in zip(K, xs):
        p[k] = x
    return p


def _float_primal(p):
    if isinstance(p, Tracer):
        return p
    p = _np.asarray(p)
    return p if _np.issubdtype(p.dtype, _np.inexact) else p.astype(_np.float64)


def _tangent_integrand(func, npar, K, batched=False):
    """``tf(x, *params, *dirs)``: the derivative of ``func(x, *params)`` in the
    parameters ``K`` along ``dirs`` (dualad's forward mode at that ``x``).  With
    ``batched`` the directions carry one leading batch axis, and so does the result."""
    def tf(x, *ps):
        params, dirs = ps[:npar], ps[npar:]

        def fun(xs):
            return [dnp.asarray(func(x, *_with(params, K, xs)))]
        outs, (t,) = jvp_flat(fun, [_float_primal(params[k]) for k in K], list(dirs))
        if t is None:
            shp = _shape(outs[0])
            return dnp.zeros(((_shape(dirs[0])[0],) if batched else ()) + shp)
        return t
    return tf


def _cotangent_integrand(func, npar, k):
    """``vf(x, *params, G)``: ``G`` (batch first) times the Jacobian of
    ``func(x, *params)`` in parameter ``k`` (dualad's reverse mode at that ``x``)."""
    def vf(x, *ps):
        params, G = ps[:npar], ps[npar]
        p = _float_primal(params[k])

        def fun(xs):
            return [dnp.asarray(func(x, *_with(params, [k], xs)))]
        _, back = vjp_flat(fun, [p])
        (c,) = back([G])
        return dnp.zeros((_shape(G)[0],) + _shape(p)) if c is None else c
    return vf


#: how many derivative rules of quad / quad_vec are running, per thread: nquad's
#: error estimate and evaluation count are those of the integrations of its value
_RULES = _threading.local()


def _rule_depth():
    return getattr(_RULES, "depth", 0)


def _in_rule(rule):
    @functools.wraps(rule)
    def wrapped(*a, **k):
        _RULES.depth = _rule_depth() + 1
        try:
            return rule(*a, **k)
        finally:
            _RULES.depth -= 1
    return wrapped


# --- quad ------------------------------------------------------------------------------------

def _quad_impl(a, b, *params, func, opts, full_output=0, box=None):
    res = _si.quad(_checked(func, "quad"), a, b, args=params, full_output=full_output, **opts)
    if box is not None:
        box["res"] = res
    return _np.float64(res[0])


quad_p = primitive(_quad_impl, name="integrate.quad")

_ALG = ("alg", "alg-loga", "alg-logb", "alg-log")


def _weight_at(x, opts):
    """The (plain) weight function at a limit ``x`` (possibly traced)."""
    w, c = opts.get("weight"), opts.get("wvar")
    if w is None:
        return 1.0
    if w == "cos":
        return dnp.cos(c * x)
    if w == "sin":
        return dnp.sin(c * x)
    if w == "cauchy":
        return 1.0 / (x - c)
    raise NotImplementedError(                       # guarded in quad()
        f"dualad.scipy.integrate.quad: the derivative in a limit with weight={w!r}")


def _limit_term(func, x, params, opts):
    return dnp.asarray(func(x, *params), dtype=float) * _weight_at(x, opts)


def _deriv_opts(opts):
    """Options of the derivative integrals: the user's, less the points SciPy
    ignores (with a warning, given once, by the value's own call) for a weight."""
    if opts.get("weight") is not None and opts.get("points") is not None:
        opts = dict(opts, points=None)
    return opts


def _quad_jvp(tans, ans, a, b, *params, func, opts, full_output=0, box=None):
    i0 = next(i for i, t in enumerate(tans) if t is not None)
    allargs = (a, b) + params
    nb = _shape(tans[i0])[:len(_shape(tans[i0])) - len(_shape(allargs[i0]))]
    out = None
    K = [k for k in range(len(params)) if tans[2 + k] is not None]
    if K:
        B = int(_np.prod(nb))
        dps = [dnp.reshape(tans[2 + k], (B,) + _shape(params[k])) for k in K]
        tf = _tangent_integrand(func, len(params), K)
        dopts = _deriv_opts(opts)
        vals = [quad_p(a, b, *params, *[d[j] for d in dps], func=tf, opts=dopts)
                for j in range(B)]
        out = dnp.reshape(dnp.stack(vals), nb)
    for idx, sign in ((1, 1.0), (0, -1.0)):
        if tans[idx] is not None and _finite(allargs[idx]):
            c = tans[idx] * (sign * _limit_term(func, allargs[idx], params, opts))
            out = c if out is None else out + c
    return dnp.zeros(nb) if out is None else out


def _cast(ct, arg):
    dt = getattr(primal_of(arg), "dtype", None)
    if dt is not None and dt.kind == "f" and dt != _np.float64:
        return dnp.astype(ct, dt)
    return ct


def _quad_vjp(i, g, ans, a, b, *params, func, opts, full_output=0, box=None):
    allargs = (a, b) + params
    nb = _shape(g)
    if i < 2:
        x = allargs[i]
        if not _finite(x):
            return _cast(dnp.zeros(nb), x)
        sign = 1.0 if i == 1 else -1.0
        return _cast(g * (sign * _limit_term(func, x, params, opts)), x)
    k = i - 2
    p = params[k]
    shp = _shape(p)
    m = int(_np.prod(shp))
    dt = _np.result_type(primal_of(p))
    dt = dt if _np.issubdtype(dt, _np.inexact) else _np.float64
    tf = _tangent_integrand(func, len(params), [k])
    dopts = _deriv_opts(opts)
    eye = _np.eye(m, dtype=dt)
    J = [quad_p(a, b, *params, eye[j].reshape(shp), func=tf, opts=dopts) for j in range(m)]
    J = dnp.reshape(dnp.stack(J), shp) if m else dnp.zeros(shp)
    return _cast(dnp.reshape(g, nb + (1,) * len(shp)) * J, p)


defjvp_joint(quad_p, _in_rule(_quad_jvp))
defvjp_varargs(quad_p, _in_rule(_quad_vjp))


def quad(func, a, b, args=(), full_output=0, epsabs=1.49e-8, epsrel=1.49e-8, limit=50,
         points=None, weight=None, wvar=None, wopts=None, maxp1=50, limlst=50,
         complex_func=False):
    """``scipy.integrate.quad``, differentiable in ``a``, ``b`` and ``args``.

    Returns SciPy's tuple, ``(y, abserr)`` (plus ``infodict``, ``message``,
    ``explain`` with ``full_output``), computed by SciPy; ``y`` is traced when
    ``a``, ``b`` or an entry of ``args`` is.  Derivatives by Leibniz's rule:
    ``d/dp = quad(df/dp)`` (same options), ``d/db = f(b) w(b)``,
    ``d/da = -f(a) w(a)``, zero at an infinite limit.  The integrand is written
    with ``dualad.numpy`` (or NumPy calls that dispatch to it) and takes its
    differentiable values through ``args``.  With a weight, ``wvar`` must be
    plain, and the limits of the ``'alg*'`` weights too.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy.integrate import quad
    >>> F = lambda p, b: quad(lambda x, p: np.exp(-p * x * x), 0.0, b, args=(p,))[0]
    >>> round(float(ad.grad(F, argnums=1)(1.0, 2.0)), 12)     # exp(-p b^2)
    0.018315638889
    >>> G = lambda p: quad(lambda x, p: x ** 2 * np.exp(-p * x), 0.0, np.inf, args=(p,))[0]
    >>> round(float(ad.grad(G)(2.0)), 10), -6.0 / 2.0 ** 4       # d/dp 2/p^3
    (-0.375, -0.375)
    """
    if not isinstance(args, tuple):
        args = (args,)
    if not contains_tracer([a, b, list(args), wvar]):
        return _si.quad(_checked(func, "quad"), a, b, args=args, full_output=full_output,
                        epsabs=epsabs, epsrel=epsrel, limit=limit, points=_plain_points(points),
                        weight=weight, wvar=wvar, wopts=wopts, maxp1=maxp1, limlst=limlst,
                        complex_func=complex_func)
    _check_args(args, "quad")
    if contains_tracer([wvar]):
        raise NotImplementedError(
            "dualad.scipy.integrate.quad: differentiating in wvar is not supported; pass "
            "wvar as a plain value (dualad.stop_gradient), or write the weight into the "
            "integrand")
    if weight in _ALG and contains_tracer([a, b]):
        raise NotImplementedError(
            f"dualad.scipy.integrate.quad: differentiating in the limits with "
            f"weight={weight!r} is not supported (the weight depends on them); pass a and "
            f"b as plain values, or write the weight into the integrand")
    points = _plain_points(points)
    opts = dict(epsabs=epsabs, epsrel=epsrel, limit=limit, points=points, weight=weight,
                wvar=wvar, wopts=wopts, maxp1=maxp1, limlst=limlst)
    if complex_func:
        # SciPy's own rule: real and imaginary parts over [min(a, b), max(a, b)]
        # (SciPy does not flip the sign when b < a there; neither does this)
        lo = dnp.minimum(a, b)
        hi = dnp.maximum(a, b)
        parts = []
        for part in (dnp.real, dnp.imag):
            box = {}
            pf = functools.partial(_part, func, part)
            y = quad_p(lo, hi, *args, func=pf, opts=opts, full_output=full_output, box=box)
            parts.append((y, box["res"]))
        (yr, rr), (yi, ri) = parts
        ret = (yr + 1j * yi, rr[1] + 1j * ri[1])
        if full_output:
            ret = ret + ({"real": rr[2:], "imag": ri[2:]},)
        return ret
    box = {}
    y = quad_p(a, b, *args, func=func, opts=opts, full_output=full_output, box=box)
    return (y,) + tuple(box["res"][1:])


def _part(func, part, x, *args):
    return part(func(x, *args))


# --- fixed_quad, romb ----------------------------------------------------------------------

def fixed_quad(func, a, b, args=(), n=5):
    """``scipy.integrate.fixed_quad`` (Gauss-Legendre of order ``n``),
    differentiable in ``a``, ``b``, ``args`` and in traced values ``func``
    closes over: SciPy's formula, written with dualad operations.  ``func``
    must be vectorized, as for SciPy.  Returns ``(val, None)``.
    """
    x, w = _roots_legendre(n)
    x = _np.real(x)
    if _np.isinf(primal_of(a)) or _np.isinf(primal_of(b)):
        raise ValueError("Gaussian quadrature is only available for finite limits.")
    y = (b - a) * (x + 1) / 2.0 + a
    return (b - a) / 2.0 * dnp.sum(w * func(y, *args), axis=-1), None


def romb(y, dx=1.0, axis=-1, show=False):
    """``scipy.integrate.romb`` (Romberg extrapolation of ``2**k + 1`` equally
    spaced samples), differentiable in ``y`` and ``dx``: SciPy's formula, written
    with dualad operations (SciPy's values and dtypes).  ``show`` prints the
    table of values.
    """
    if not contains_tracer((y, dx)):
        return _si.romb(y, dx=dx, axis=axis, show=show)
    y = dnp.asarray(y)
    nd = len(_shape(y))
    Nsamps = _shape(y)[axis]
    Ninterv = Nsamps - 1
    n, k = 1, 0
    while n < Ninterv:
        n <<= 1
        k += 1
    if n != Ninterv:
        raise ValueError("Number of samples must be one plus a non-negative power of 2.")

    def at(s):
        idx = [slice(None)] * nd
        idx[axis] = s
        return tuple(idx)
    R = {}
    h = Ninterv * dnp.asarray(dx, dtype=_np.float64)
    R[(0, 0)] = (y[at(0)] + y[at(-1)]) / 2.0 * h
    start = stop = step = Ninterv
    for i in range(1, k + 1):
        start >>= 1
        sl = at(slice(start, stop, step))
        step >>= 1
        R[(i, 0)] = 0.5 * (R[(i - 1, 0)] + h * dnp.sum(y[sl], axis=axis))
        for j in range(1, i + 1):
            prev = R[(i, j - 1)]
            R[(i, j)] = prev + (prev - R[(i - 1, j - 1)]) / ((1 << (2 * j)) - 1)
        h = h / 2.0
    if show:
        _si.romb(primal_of(y), dx=primal_of(dx), axis=axis, show=show)
    return R[(k, k)]


# --- quad_vec -------------------------------------------------------------------------------

def _quad_vec_impl(a, b, *params, func, opts, full_output=False, box=None):
    res = _si.quad_vec(_checked(func, "quad_vec"), a, b, args=params, full_output=full_output,
                       **opts)
    if box is not None:
        box["res"] = res
    return _np.asarray(res[0])


quad_vec_p = primitive(_quad_vec_impl, name="integrate.quad_vec")


def _qv_limit(func, x, params):
    return dnp.asarray(func(x, *params), dtype=float)


def _quad_vec_jvp(tans, ans, a, b, *params, func, opts, full_output=False, box=None):
    i0 = next(i for i, t in enumerate(tans) if t is not None)
    allargs = (a, b) + params
    nb = _shape(tans[i0])[:len(_shape(tans[i0])) - len(_shape(allargs[i0]))]
    oshape = _shape(ans)
    out = None
    K = [k for k in range(len(params)) if tans[2 + k] is not None]
    if K:
        B = int(_np.prod(nb))
        dps = [dnp.reshape(tans[2 + k], (B,) + _shape(params[k])) for k in K]
        tf = _tangent_integrand(func, len(params), K, batched=True)
        v = quad_vec_p(a, b, *params, *dps, func=tf, opts=opts)
        out = dnp.reshape(v, nb + oshape)
    for idx, sign in ((1, 1.0), (0, -1.0)):
        if tans[idx] is not None and _finite(allargs[idx]):
            t = dnp.reshape(tans[idx], nb + (1,) * len(oshape))
            c = t * (sign * _qv_limit(func, allargs[idx], params))
            out = c if out is None else out + c
    return dnp.zeros(nb + oshape) if out is None else out


def _quad_vec_vjp(i, g, ans, a, b, *params, func, opts, full_output=False, box=None):
    allargs = (a, b) + params
    oshape = _shape(ans)
    nb = _shape(g)[:len(_shape(g)) - len(oshape)]
    axes = tuple(range(-len(oshape), 0))
    if i < 2:
        x = allargs[i]
        if not _finite(x):
            return _cast(dnp.zeros(nb), x)
        sign = 1.0 if i == 1 else -1.0
        return _cast(sign * dnp.sum(g * _qv_limit(func, x, params), axis=axes), x)
    k = i - 2
    p = params[k]
    B = int(_np.prod(nb))
    vf = _cotangent_integrand(func, len(params), k)
    v = quad_vec_p(a, b, *params, dnp.reshape(g, (B,) + oshape), func=vf, opts=opts)
    return _cast(dnp.reshape(v, nb + _shape(p)), p)


defjvp_joint(quad_vec_p, _in_rule(_quad_vec_jvp))
defvjp_varargs(quad_vec_p, _in_rule(_quad_vec_vjp))


def quad_vec(f, a, b, epsabs=1e-200, epsrel=1e-8, norm='2', cache_size=100e6, limit=10000,
             workers=1, points=None, quadrature=None, full_output=False, *, args=()):
    """``scipy.integrate.quad_vec``, differentiable in ``a``, ``b`` and ``args``.

    Returns SciPy's ``(res, err)`` (``(res, err, info)`` with ``full_output``),
    computed by SciPy; ``res`` is traced when an input is.  Derivatives by
    Leibniz's rule, the integral of the derivative by ``quad_vec`` with the same
    options (one call for all the tangent directions of a batch in forward mode,
    one per argument in reverse mode); zero in an infinite limit.
    """
    if not isinstance(args, tuple):
        args = (args,)
    if not contains_tracer([a, b, list(args)]):
        return _si.quad_vec(_checked(f, "quad_vec"), a, b, epsabs=epsabs, epsrel=epsrel,
                            norm=norm, cache_size=cache_size, limit=limit, workers=workers,
                            points=points, quadrature=quadrature, full_output=full_output,
                            args=args)
    _check_args(args, "quad_vec")
    if not (isinstance(workers, int) and workers == 1):
        raise NotImplementedError(
            "dualad.scipy.integrate.quad_vec: workers= other than 1 is not supported with "
            "traced inputs (the integrands of the derivatives cannot be sent to other "
            "processes); use workers=1")
    points = _plain_points(points)
    opts = dict(epsabs=epsabs, epsrel=epsrel, norm=norm, cache_size=cache_size, limit=limit,
                points=points, quadrature=quadrature)
    box = {}
    y = quad_vec_p(a, b, *args, func=f, opts=opts, full_output=full_output, box=box)
    return (y,) + tuple(box["res"][1:])


# --- nquad, dblquad, tplquad ----------------------------------------------------------------

class _RangeFunc:
    def __init__(self, range_):
        self.range_ = range_

    def __call__(self, *args):
        return self.range_


class _OptFunc:
    def __init__(self, opt):
        self.opt = opt

    def __call__(self, *args):
        return self.opt


class _NQuad:
    """SciPy's ``_NQuad``, calling this module's ``quad``.  ``abserr`` and
    ``neval`` are those of the integrations SciPy's own nquad makes, not of the
    derivatives' integrals (made while a derivative rule runs)."""

    def __init__(self, func, ranges, opts, full_output):
        self.abserr = 0
        self.func = func
        self.ranges = ranges
        self.opts = opts
        self.maxdepth = len(ranges)
        self.full_output = full_output
        self.rule_depth = _rule_depth()
        if self.full_output:
            self.out_dict = {'neval': 0}

    def integrate(self, *args, **kwargs):
        depth = kwargs.pop('depth', 0)
        if kwargs:
            raise ValueError('unexpected kwargs')
        ind = -(depth + 1)
        low, high = self.ranges[ind](*args)
        opt = dict(self.opts[ind](*args))
        if 'points' in opt:
            opt['points'] = [x for x in opt['points'] if low <= x <= high]
        f = self.func if depth + 1 == self.maxdepth else \
            functools.partial(self.integrate, depth=depth + 1)
        quad_r = quad(f, low, high, args=args, full_output=self.full_output, **opt)
        value, abserr = quad_r[0], quad_r[1]
        primal = depth == 0 or _rule_depth() == self.rule_depth
        if self.full_output and depth + 1 == self.maxdepth and primal:
            self.out_dict['neval'] += quad_r[2]['neval']
        if primal:
            self.abserr = max(self.abserr, abserr)
        if depth > 0:
            return value
        if self.full_output:
            return value, self.abserr, self.out_dict
        return value, self.abserr


def nquad(func, ranges, args=None, opts=None, full_output=False):
    """``scipy.integrate.nquad``: SciPy's nesting of ``quad``, with this module's
    differentiable ``quad``; so differentiable in ``args`` and in the limits
    (``ranges`` may be functions of the outer variables and ``args``).
    """
    depth = len(ranges)
    if args is None:
        args = ()
    if opts is None:
        opts = [dict([])] * depth
    if isinstance(opts, dict):
        opts = [_OptFunc(opts)] * depth
    else:
        opts = [opt if callable(opt) else _OptFunc(opt) for opt in opts]
    # constant limits holding traced values travel with the arguments (after the
    # user's), so every nested quad sees them as arguments, not as values its
    # integrand closes over; the user's functions get the arguments without them
    hidden = [v for rng in ranges if not callable(rng) and contains_tracer(list(rng))
              for v in rng]
    if hidden:
        k = len(hidden)
        func, opts = _drop_last(func, k), [_drop_last(o, k) for o in opts]
        ranges, j = list(ranges), 0
        for i, rng in enumerate(ranges):
            if callable(rng):
                ranges[i] = _drop_last(rng, k)
            elif contains_tracer(list(rng)):
                ranges[i] = functools.partial(_hidden_range, j - k)
                j += 2
        args = tuple(args) + tuple(hidden)
    ranges = [rng if callable(rng) else _RangeFunc(rng) for rng in ranges]
    return _NQuad(func, ranges, opts, full_output).integrate(*args)


def _drop_last(fn, k):
    """``fn`` called without its last ``k`` arguments."""
    return lambda *a: fn(*a[:len(a) - k])


def _hidden_range(start, *a):
    """The limits ``a[start], a[start + 1]`` (``start`` negative: among the last arguments)."""
    return [a[start], a[start + 1]]


def dblquad(func, a, b, gfun, hfun, args=(), epsabs=1.49e-8, epsrel=1.49e-8):
    """``scipy.integrate.dblquad``: ``int_a^b int_{gfun(x)}^{hfun(x)} func(y, x) dy dx``
    (SciPy's nesting of ``quad``), differentiable in ``a``, ``b``, ``args`` and
    through ``gfun`` and ``hfun`` at traced ``x``."""
    def temp_ranges(*args):
        return [gfun(args[0]) if callable(gfun) else gfun,
                hfun(args[0]) if callable(hfun) else hfun]
    inner = temp_ranges if callable(gfun) or callable(hfun) else [gfun, hfun]
    return nquad(func, [inner, [a, b]], args=args,
                 opts={"epsabs": epsabs, "epsrel": epsrel})


def tplquad(func, a, b, gfun, hfun, qfun, rfun, args=(), epsabs=1.49e-8, epsrel=1.49e-8):
    """``scipy.integrate.tplquad``: ``func(z, y, x)`` over ``a <= x <= b``,
    ``gfun(x) <= y <= hfun(x)``, ``qfun(x, y) <= z <= rfun(x, y)`` (SciPy's
    nesting of ``quad``), differentiable like ``dblquad``."""
    def ranges0(*args):
        return [qfun(args[1], args[0]) if callable(qfun) else qfun,
                rfun(args[1], args[0]) if callable(rfun) else rfun]

    def ranges1(*args):
        return [gfun(args[0]) if callable(gfun) else gfun,
                hfun(args[0]) if callable(hfun) else hfun]
    return nquad(func, [ranges0, ranges1, [a, b]], args=args,
                 opts={"epsabs": epsabs, "epsrel": epsrel})
