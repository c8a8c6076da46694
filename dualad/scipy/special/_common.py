"""Shared pieces of the ``special`` rule tables: the element-wise rule
factories (``_unary``, ``_nary``), plain-value masks and substitutes for the
branches of piecewise rules (``_pv``, ``_sub``, ``_bcast``, ``_fdtype``), and
the Gauss-Legendre panels the tail integrals use."""
from __future__ import annotations

import numpy as _np

from ... import numpy as dnp
from ...numpy._broadcast import bcast_tangent, unbroadcast
from ...numpy._ufuncs import times_finite_zero
from ...registry import defjvp, defvjp_direct, primitive
from ...tracer import primal_of, shape_of

_SQRT_PI = _np.sqrt(_np.pi)
_LOG_SQRT_2PI = 0.5 * _np.log(2 * _np.pi)
_HALF_LOG_2PI = float(0.5 * _np.log(2 * _np.pi))   # a python float: float32 stays float32


# --- rule factories: element-wise functions, a derivative factor per argument -----------
def _unary(npfunc, name, deriv):
    """Element-wise ``name(x)`` with derivative factor ``deriv(ans, x)``."""
    p = primitive(lambda x: npfunc(x), name="special." + name)
    p.__doc__ = f"``scipy.special.{name}``, differentiable."
    # times_finite_zero: a zero tangent / cotangent stays 0 where the derivative is
    # infinite (entr, logit, erfinv, ndtri at the ends, gammaln at poles, y0 at 0, ...)
    defjvp(p, lambda t, ans, x: times_finite_zero(t, deriv(ans, x)))
    defvjp_direct(p, lambda g, ans, x: times_finite_zero(g, deriv(ans, x)))
    return p


def _no_rule(fname, argname):
    def rule(*args, **kwargs):
        raise NotImplementedError(
            f"special.{fname}: the derivative with respect to argument '{argname}' "
            f"has no closed form and is not implemented; pass '{argname}' as a constant "
            f"(or wrap it in dualad.stop_gradient if its derivative is not wanted)")
    return rule


def _nary(npfunc, name, derivs, argnames, public=None):
    """Element-wise function of broadcasting arguments; ``derivs[k](ans, *args)``
    is the partial derivative factor in argument k (``None``: not differentiable,
    a string: raise NotImplementedError naming that argument and the function,
    ``public`` if the user calls it by another name than the primitive's)."""
    p = primitive(lambda *a: npfunc(*a), name="special." + name)
    p.__doc__ = f"``scipy.special.{name}``, differentiable."
    jvps, vjps = [], []
    for k, d in enumerate(derivs):
        if d is None:
            jvps.append(None)
            vjps.append(None)
        elif isinstance(d, str):
            jvps.append(_no_rule(public or name, d))
            vjps.append(_no_rule(public or name, d))
        else:
            jvps.append(_nary_jvp(d, k))
            vjps.append(_nary_vjp(d, k))
    defjvp(p, *jvps)
    defvjp_direct(p, *vjps)
    return p


def _arrays(args):
    """The arguments with lists and tuples read as arrays, as SciPy reads them
    (the factors do arithmetic on them: ``gammainc([1.0, 2.0], x)``)."""
    if any(type(a) in (list, tuple) for a in args):
        return tuple(_np.asarray(a) if type(a) in (list, tuple) else a for a in args)
    return args


def _nary_jvp(d, k):
    def rule(t, ans, *args):
        args = _arrays(args)
        return times_finite_zero(bcast_tangent(t, args[k], ans), d(ans, *args))
    return rule


def _nary_vjp(d, k):
    def rule(g, ans, *args):
        args = _arrays(args)
        return unbroadcast(times_finite_zero(g, d(ans, *args)), ans, args[k])
    return rule


# --- piecewise rules: plain-value masks, safe substitutes for the unused branch ---------
def _pv(v):
    return _np.asarray(primal_of(v), dtype=float)


def _sub(mask, value, fill):
    """``value`` with the constant ``fill`` where the plain ``mask`` is True: a safe
    input for a branch that is not used there (its derivative is then exactly 0)."""
    mask = _np.asarray(mask)
    if not mask.any():
        return value
    return dnp.where(mask, fill, value)


def _piecewise(mask, on, off):
    """``where(mask, on(safe), off(safe))`` for a plain boolean ``mask``: a rule
    with one form where ``mask`` is True and another elsewhere.  Each form is
    computed only if it is used somewhere, and gets ``safe(value, fill)``, which
    gives ``value`` where that form applies and the constant ``fill`` where the
    other one does (so no form, nor its derivatives, sees a point where it
    overflows or divides by zero).  The mask costs nothing where it is all True
    or all False.

    >>> import numpy as np
    >>> x = np.array([-1.0, 4.0])
    >>> _piecewise(x > 0, lambda safe: np.sqrt(safe(x, 1.0)), lambda safe: -safe(x, 0.0))
    array([1., 2.])
    """
    mask = _np.asarray(mask)
    if not mask.any():
        return off(_keep)
    on_value = on(lambda value, fill: _sub(~mask, value, fill))
    if mask.all():
        return on_value
    return dnp.where(mask, on_value, off(lambda value, fill: _sub(mask, value, fill)))


def _keep(value, fill):
    return value


_DOUBLE = {_np.dtype(_np.float32): _np.float64, _np.dtype(_np.complex64): _np.complex128}


def _in_double(rule):
    """``rule(ans, *args)`` evaluated in double precision for single-precision
    arguments (float32 / complex64), its result rounded back: SciPy computes these
    functions' float32 values in double, and rules that sum series, run quadratures
    or subtract logarithms of size ``a`` in float32 lose ``~a eps32`` (``gammainc``'s
    ``a``-derivative at ``a = x = 3e4``: 1.6e-4) or overflow in intermediates.  The
    casts are registry operations, so every order of derivative stays exact."""
    def wrapped(ans, *args):
        dt = _np.result_type(*[primal_of(a) for a in args])    # Python floats are weak
        wide = _DOUBLE.get(dt)
        if wide is None:
            return rule(ans, *args)
        out = rule(ans, *[dnp.astype(a, wide) if _np.result_type(primal_of(a)).kind in "fc"
                          else a for a in args])
        return dnp.astype(out, dt)
    wrapped.__name__ = getattr(rule, "__name__", "rule")
    return wrapped


_DENSITY_POWER_LOG = -600.0    # log density below which x^e exp(rest) is the form


def _x_power_density(log_form, args, fills, expo, rest):
    """A density ``exp(log_form(*args))`` = ``x^expo exp(rest)`` (``x = args[-1]``);
    where its log is below ``-600`` and ``0 < x < 1``, ``x**expo(*a) *
    exp(rest(*a))``.  At tiny ``x`` the density underflows while ``expo / x`` (the
    x-derivative of the log) overflows, so ``exp(log)``'s x-derivative is ``0 *
    1e300`` = 0 where the truth (``gamma.cdf``'s second derivative at ``x =
    1e-300``, ``a = 2.5``, is 1.1e-150) is not; the product differentiates as
    ``expo x^(expo-1) exp(rest) + ...``.  The log form is computed once; where
    the mask is empty (the common case) that is all.  Otherwise each form sees
    its own points only (``args`` replaced by ``fills`` elsewhere), so that the
    log form's ``expo / x^2`` at ``x = 1e-300`` meets no zero cotangent."""
    lf = log_form(*args)
    lv = _np.asarray(primal_of(lf))
    xv = _pv(args[-1])
    with _np.errstate(invalid="ignore"):
        mask = (lv < _DENSITY_POWER_LOG) & (xv > 0) & (xv < 1)
    if not mask.any():
        return dnp.exp(lf)

    def form(power):
        def f(safe):
            sa = [safe(v, fill) for v, fill in zip(args, fills)]
            if power:
                return sa[-1] ** expo(*sa) * dnp.exp(rest(*sa))
            return dnp.exp(log_form(*sa))
        return f
    return _piecewise(_np.broadcast_to(mask, _np.broadcast_shapes(*(_np.shape(primal_of(v)) for v in args))),
                      form(True), form(False))


def _bcast(*vals):
    """The (possibly traced) arguments broadcast to their common shape."""
    shp = _np.broadcast_shapes(*(shape_of(v) for v in vals))
    return tuple(dnp.broadcast_to(v, shp) for v in vals)


def _fdtype(*vals):
    """The floating dtype of the (possibly traced) arguments: plain quadrature
    nodes are cast to it, so float32 arguments keep float32 derivatives."""
    dt = _np.result_type(*(_np.asarray(primal_of(v)).dtype for v in vals))
    return dt if _np.issubdtype(dt, _np.floating) else _np.dtype(float)


def _scan_terms(nrows, limit, first_block, step):
    """How far a series must be summed, found on plain values in growing blocks
    of term indices ``j`` (``first_block``, doubling up to 8192, below ``limit``).
    ``step(j, rows)`` gets the block's indices and the rows (indices into
    ``nrows``) not yet done, updates its own per-row state for those rows, and
    returns a boolean ``(len(rows), len(j))`` array: where each row may stop.
    Returns ``(last, scanned, undone)``: the largest first stopping index over the
    rows that stopped (-1 if none), the number of indices scanned, and whether
    some row never stopped."""
    last, start, block = -1, 0, first_block
    todo = _np.ones(nrows, bool)
    while start < limit and todo.any():
        j = _np.arange(start, min(start + block, limit))
        rows = _np.flatnonzero(todo)
        stop = step(j, rows)
        hit = stop.any(axis=-1)
        if hit.any():
            last = max(last, start + int(_np.max(_np.argmax(stop[hit], axis=-1))))
        todo[rows[hit]] = False
        start += j.size
        block = min(2 * block, 8192)
    return last, start, bool(todo.any())


def _horner_double(b, w, dt):
    """``sum_j b[j] w^j`` (``b``: plain coefficients, first axis the power; ``w``
    traced or plain) evaluated in double precision and returned in ``dt``.  The
    asymptotic series' coefficients grow factorially while ``w^j`` shrinks: in
    float32 / complex64 the coefficients alone overflow (``(2k-1)!!`` passes 3e38
    at ``k = 20``) though every term is small.  A polynomial written with registry
    operations, so its derivatives are the series'.

    >>> import numpy as np
    >>> float(_horner_double(np.array([1.0, 1e40, 1e80]), np.float32(1e-40), np.float32))
    3.0
    """
    b = _np.asarray(b)
    wide = _np.result_type(b.dtype, _np.asarray(primal_of(w)).dtype, _np.float64)
    if _np.asarray(primal_of(w)).dtype != wide:
        w = dnp.astype(w, wide)
    acc = b[-1]
    for j in range(b.shape[0] - 2, -1, -1):
        acc = acc * w + b[j]
    dt = _np.dtype(dt)
    if _np.asarray(primal_of(acc)).dtype != dt:
        acc = dnp.astype(acc, dt)
    return acc


# --- composite Gauss-Legendre on [0, 1]: 10 geometric panels [2^-(j+1), 2^-j] -----------
def _quad_rule(npanel=10, order=16):
    x, w = _np.polynomial.legendre.leggauss(order)
    edges = _np.concatenate([[0.0], 2.0 ** -_np.arange(npanel - 1, -1, -1)])
    lo, hi = edges[:-1, None], edges[1:, None]
    return ((lo + (hi - lo) * (x + 1) / 2).ravel(), ((hi - lo) * w / 2).ravel())


_QU, _QW = _quad_rule()
_SPAN = 60.0   # the integrands are cut where their exponent has dropped by this much
_GL_U, _GL_W = _quad_rule(1, 16)       # 16-point Gauss-Legendre on [0, 1]
