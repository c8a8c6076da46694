"""Element-wise functions: the rule table.

One line per derivative.  ``unary(f, d)`` registers ``f`` with JVP
``t * d(ans, x)`` and VJP ``g * d(ans, x)``: the derivative factor ``d`` is
written with registry operations, so rules differentiate again.  Complex
values follow the transpose convention (see docs/complex.md): the VJP of a
holomorphic function is ``g * f'(x)``, with no conjugate.

Non-differentiable points: ``abs`` has derivative 0 at 0 (``sign(0) = 0``);
``maximum`` / ``minimum`` split the derivative half-and-half between tied
arguments (so ``maximum(x, x)`` has derivative 1); ``clip`` passes the
derivative to ``x`` where ``a_min <= x <= a_max``, bounds included.
"""
from __future__ import annotations

import numpy as _np

from ..registry import defjvp, defvjp_direct, nondifferentiable, primitive
from ._broadcast import bcast_tangent, unbroadcast


def unary(npfunc, deriv, name=None):
    """Register an element-wise function of one argument with factor ``deriv(ans, x)``."""
    p = primitive(npfunc, name=name or npfunc.__name__)
    defjvp(p, lambda t, ans, x, **kw: t * deriv(ans, x))
    defvjp_direct(p, lambda g, ans, x, **kw: g * deriv(ans, x))
    return p


def binary(npfunc, dx, dy, name=None):
    """An element-wise function of two broadcasting arguments.

    ``dx(ans, x, y)`` and ``dy(ans, x, y)`` are the partial-derivative factors
    (``None`` for "not differentiable in this argument").
    """
    p = primitive(npfunc, name=name or npfunc.__name__)
    jvps, vjps = [], []
    for d, k in ((dx, 0), (dy, 1)):
        if d is None:
            jvps.append(None)
            vjps.append(None)
            continue
        jvps.append(_binary_jvp(d, k))
        vjps.append(_binary_vjp(d, k))
    defjvp(p, *jvps)
    defvjp_direct(p, *vjps)
    return p


def _binary_jvp(d, k):
    def rule(t, ans, x, y, **kw):
        return bcast_tangent(t, (x, y)[k], ans) * d(ans, x, y)
    return rule


def _binary_vjp(d, k):
    def rule(g, ans, x, y, **kw):
        return unbroadcast(g * d(ans, x, y), ans, (x, y)[k])
    return rule


# --- arithmetic --------------------------------------------------------------
def _add_jvp_x(t, ans, x, y, **kw):
    return bcast_tangent(t, x, ans)


def _add_jvp_y(t, ans, x, y, **kw):
    return bcast_tangent(t, y, ans)


def _add_vjp_x(g, ans, x, y, **kw):
    return unbroadcast(g, ans, x)


def _add_vjp_y(g, ans, x, y, **kw):
    return unbroadcast(g, ans, y)


add = primitive(_np.add, name="add")
defjvp(add, _add_jvp_x, _add_jvp_y)
defvjp_direct(add, _add_vjp_x, _add_vjp_y)

subtract = primitive(_np.subtract, name="subtract")
defjvp(subtract, _add_jvp_x, lambda t, ans, x, y, **kw: -bcast_tangent(t, y, ans))
defvjp_direct(subtract, _add_vjp_x, lambda g, ans, x, y, **kw: -unbroadcast(g, ans, y))

multiply = primitive(_np.multiply, name="multiply")
defjvp(multiply,
       lambda t, ans, x, y, **kw: bcast_tangent(t, x, ans) * y,
       lambda t, ans, x, y, **kw: x * bcast_tangent(t, y, ans))
defvjp_direct(multiply,
              lambda g, ans, x, y, **kw: unbroadcast(g * y, ans, x),
              lambda g, ans, x, y, **kw: unbroadcast(x * g, ans, y))

divide = primitive(_np.divide, name="divide")
true_divide = divide
defjvp(divide,
       lambda t, ans, x, y, **kw: bcast_tangent(t, x, ans) / y,
       lambda t, ans, x, y, **kw: -bcast_tangent(t, y, ans) * (ans / y))
defvjp_direct(divide,
              lambda g, ans, x, y, **kw: unbroadcast(g / y, ans, x),
              lambda g, ans, x, y, **kw: unbroadcast(-g * (ans / y), ans, y))

negative = primitive(_np.negative, name="negative")
defjvp(negative, lambda t, ans, x, **kw: -t)
defvjp_direct(negative, lambda g, ans, x, **kw: -g)

positive = primitive(_np.positive, name="positive")
defjvp(positive, lambda t, ans, x, **kw: t)
defvjp_direct(positive, lambda g, ans, x, **kw: g)


def _pow_dx(ans, x, y):
    # d/dx x**y = y * x**(y-1); exact shortcuts for the common constant powers
    if isinstance(y, (int, float)) and not isinstance(y, bool):
        if y == 2:
            return 2 * x
        if y == 1:
            return 1.0
        if y == 0:
            return 0.0
    return y * power(x, y - 1)


def _pow_dy(ans, x, y):
    # d/dy x**y = x**y log x, taken as 0 where x == 0 (the limit for y > 0)
    safe = where(equal(x, 0), 1.0, x)
    return where(equal(x, 0), 0.0, ans * log(safe))


power = binary(_np.power, _pow_dx, _pow_dy, name="power")
square = unary(_np.square, lambda ans, x: 2 * x)
sqrt = unary(_np.sqrt, lambda ans, x: 0.5 / ans)
cbrt = unary(_np.cbrt, lambda ans, x: 1.0 / (3 * ans * ans))
reciprocal = unary(_np.reciprocal, lambda ans, x: -(ans * ans))

# --- exponentials and logarithms ---------------------------------------------
exp = unary(_np.exp, lambda ans, x: ans)
exp2 = unary(_np.exp2, lambda ans, x: ans * _np.log(2.0))
expm1 = unary(_np.expm1, lambda ans, x: ans + 1)
log = unary(_np.log, lambda ans, x: 1.0 / x)
log2 = unary(_np.log2, lambda ans, x: 1.0 / (x * _np.log(2.0)))
log10 = unary(_np.log10, lambda ans, x: 1.0 / (x * _np.log(10.0)))
log1p = unary(_np.log1p, lambda ans, x: 1.0 / (x + 1))

# --- trigonometric and hyperbolic ---------------------------------------------
sin = unary(_np.sin, lambda ans, x: cos(x))
cos = unary(_np.cos, lambda ans, x: -sin(x))
tan = unary(_np.tan, lambda ans, x: 1 + ans * ans)
arcsin = unary(_np.arcsin, lambda ans, x: 1.0 / sqrt(1 - x * x))
arccos = unary(_np.arccos, lambda ans, x: -1.0 / sqrt(1 - x * x))
arctan = unary(_np.arctan, lambda ans, x: 1.0 / (1 + x * x))
sinh = unary(_np.sinh, lambda ans, x: cosh(x))
cosh = unary(_np.cosh, lambda ans, x: sinh(x))
tanh = unary(_np.tanh, lambda ans, x: 1 - ans * ans)
arcsinh = unary(_np.arcsinh, lambda ans, x: 1.0 / sqrt(x * x + 1))
arccosh = unary(_np.arccosh, lambda ans, x: 1.0 / sqrt(x * x - 1))
arctanh = unary(_np.arctanh, lambda ans, x: 1.0 / (1 - x * x))
arctan2 = binary(_np.arctan2,
                 lambda ans, y, x: x / (x * x + y * y),
                 lambda ans, y, x: -y / (x * x + y * y))

# --- piecewise ----------------------------------------------------------------
absolute = unary(_np.absolute, lambda ans, x: sign(x), name="absolute")
abs = absolute  # noqa: A001 - NumPy's own alias


def _tie_weight(ans, x, y):
    # 1 where x alone is the extreme, 1/2 where x and y tie, 0 elsewhere
    wx = equal(x, ans) * 1.0
    wy = equal(y, ans) * 1.0
    return wx / (wx + wy)


maximum = binary(_np.maximum, _tie_weight, lambda ans, x, y: _tie_weight(ans, y, x),
                 name="maximum")
minimum = binary(_np.minimum, _tie_weight, lambda ans, x, y: _tie_weight(ans, y, x),
                 name="minimum")


def _where_impl(condition, x, y):
    return _np.where(condition, x, y)


where_p = primitive(_where_impl, name="where")
defjvp(where_p, None,
       lambda t, ans, c, x, y: where_p(c, bcast_tangent(t, x, ans), 0.0),
       lambda t, ans, c, x, y: where_p(c, 0.0, bcast_tangent(t, y, ans)))
defvjp_direct(where_p, None,
              lambda g, ans, c, x, y: unbroadcast(where_p(c, g, 0.0), ans, x),
              lambda g, ans, c, x, y: unbroadcast(where_p(c, 0.0, g), ans, y))


def where(condition, x=None, y=None):
    """``numpy.where``; differentiable in ``x`` and ``y``.

    The derivative is taken from the selected branch only, so a NaN or inf
    derivative in the unselected branch does not leak (its value must still be
    finite where it is multiplied by zero upstream; see docs/conventions.md).
    """
    if x is None and y is None:
        from ..tracer import primal_of
        return _np.where(primal_of(condition))
    return where_p(condition, x, y)


def _clip_impl(a, a_min, a_max):
    return _np.clip(a, a_min, a_max)


def _clip_masks(a, lo, hi):
    """Which of a, a_min, a_max the output of clip equals (as 0/1 factors)."""
    below = less(a, lo) if lo is not None else False
    above = greater(a, hi) if hi is not None else False
    if lo is not None and hi is not None:
        crossed = greater(lo, hi)          # numpy gives a_max everywhere then
        above = logical_or(above, crossed)
        below = logical_and(below, logical_not(crossed))
    inside = logical_not(logical_or(below, above))
    return inside * 1.0, below * 1.0, above * 1.0


clip_p = primitive(_clip_impl, name="clip")
defjvp(clip_p,
       lambda t, ans, a, lo, hi: bcast_tangent(t, a, ans) * _clip_masks(a, lo, hi)[0],
       lambda t, ans, a, lo, hi: bcast_tangent(t, lo, ans) * _clip_masks(a, lo, hi)[1],
       lambda t, ans, a, lo, hi: bcast_tangent(t, hi, ans) * _clip_masks(a, lo, hi)[2])
defvjp_direct(clip_p,
              lambda g, ans, a, lo, hi: unbroadcast(g * _clip_masks(a, lo, hi)[0], ans, a),
              lambda g, ans, a, lo, hi: unbroadcast(g * _clip_masks(a, lo, hi)[1], ans, lo),
              lambda g, ans, a, lo, hi: unbroadcast(g * _clip_masks(a, lo, hi)[2], ans, hi))


def clip(a, a_min=None, a_max=None, out=None, **kwargs):
    """``numpy.clip``; the derivative goes to ``a`` where ``a_min <= a <= a_max``."""
    if out is not None:
        return _np.clip(a, a_min, a_max, out=out, **kwargs)
    if "min" in kwargs:
        a_min = kwargs.pop("min")
    if "max" in kwargs:
        a_max = kwargs.pop("max")
    return clip_p(a, a_min, a_max)


# --- casting -------------------------------------------------------------------
def _astype_impl(x, dtype):
    return _np.asarray(x).astype(dtype)[()] if _np.ndim(x) == 0 else x.astype(dtype)


def _astype_jvp(t, ans, x, dtype):
    dt = _np.dtype(dtype)
    return astype(t, dt) if dt.kind in "fc" else None


def _astype_vjp(g, ans, x, dtype):
    dt = _np.result_type(x)
    if _np.dtype(dtype).kind not in "fc":
        return None
    if dt.kind == "f" and _np.result_type(g).kind == "c":
        g = real(g)
    return astype(g, dt)


astype = primitive(_astype_impl, name="astype")
defjvp(astype, _astype_jvp)
defvjp_direct(astype, _astype_vjp)


def _real_impl(x):
    return _np.real(x)


real = primitive(_real_impl, name="real")
defjvp(real, lambda t, ans, x: real(t))
defvjp_direct(real, lambda g, ans, x: astype(g, _np.result_type(x)) if _np.iscomplexobj(x) else g)

# --- zero-derivative and integer-valued functions ------------------------------
_NONDIFF = [
    "sign", "floor", "ceil", "trunc", "rint", "fix",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "isfinite", "isinf", "isnan", "isneginf", "isposinf", "signbit",
    "logical_and", "logical_or", "logical_not", "logical_xor",
    "floor_divide", "iscomplex", "isreal",
]
for _name in _NONDIFF:
    globals()[_name] = nondifferentiable(getattr(_np, _name), name=_name)
round = nondifferentiable(_np.round, name="round")  # noqa: A001
around = round
del _name

__all__ = [
    "add", "subtract", "multiply", "divide", "true_divide", "negative", "positive",
    "power", "square", "sqrt", "cbrt", "reciprocal", "exp", "exp2", "expm1", "log",
    "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
    "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "arctan2", "absolute",
    "abs", "maximum", "minimum", "where", "clip", "astype", "real", "round", "around",
] + _NONDIFF
