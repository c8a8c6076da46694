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
``sqrt`` has derivative ``+inf`` at 0.  ``hypot`` has derivative 0 at the
origin; ``fmax`` / ``fmin`` split ties like ``maximum`` and give nothing to
the NaN argument they skip.  ``mod`` / ``remainder`` / ``fmod`` have
derivative 1 in ``x`` and ``-floor(x / y)`` (``-trunc`` for ``fmod``) in
``y``; ``heaviside`` has derivative 1 in ``x2`` where ``x1 == 0``, else 0.
Integer-valued functions (``floor``, ``sign``, comparisons, ...) are
non-differentiable primitives: derivative 0, plain results.

Complex: holomorphic functions use the same factor ``f'(z)``; ``abs``,
``real``, ``imag``, ``conj`` and ``angle`` have dedicated rules (``abs`` and
``angle`` have derivative 0 at ``z = 0``), and a real-valued output keeps only
the real part of an incoming cotangent.  See docs/complex.md and
docs/conventions.md.
"""
from __future__ import annotations

import operator as _operator
from math import inf as _inf
from math import isfinite as _isfinite
from math import log as _log

import numpy as _np

from ..registry import (Primitive, defjvp, defjvp_joint, defvjp_direct, nondifferentiable,
                        primitive)
from ..tracer import Tracer, primal_of
from ._broadcast import bcast_tangent, broadcast_number, unbroadcast
from ._normal import all_normal


# _ORDER: in the rules, a product of a tangent or cotangent with a factor computed
# from the operands is written factor first.  Under nesting (hvp, hessian,
# jacfwd of jacfwd, grad of jvp) the factor is the traced operand and the
# tangent often a plain array; a traced left operand goes straight to its own
# operator, while a plain array on the left first goes through NumPy's
# __array_ufunc__ override, which costs several times a small product.  The
# products are the same bit for bit either way (IEEE products commute).


def times_finite_zero(g, d):
    """``g * d``, but exactly 0 where ``g`` is 0 even if ``d`` is infinite or NaN.

    A zero tangent or cotangent means "no perturbation arrives here" (the
    unselected branch of ``where``, the other basis directions of a Jacobian),
    so the product must be 0, not ``0 * inf = NaN``.  The check costs one pass
    over ``d`` and only runs for functions with singular derivatives.

    Only the entries where ``d`` is not finite are masked (a zero ``g`` with a
    finite ``d`` keeps ``d`` as its derivative: ``g`` may be 0 at the point and
    still vary).  The result must stay right when a transform differentiates
    this rule again, at any order and nesting of modes, where a zero arriving at
    a plain product ``d * g`` would meet the infinite factor in multiply's own
    rules (``0 * inf`` again):

    - a constant (untraced) ``g``: ``d`` is set to 0 where ``g`` is 0 before the
      product, so no derivative of ``d`` (``1.5 * x**0.5`` has an infinite one
      at 0) reaches those entries;
    - a traced ``g`` with an infinite or NaN ``d`` or ``g``: those entries are
      formed as the quotient ``g / (1 / d)``, whose rules are guarded in the same
      way (:func:`_div_finite_zero` and this helper), the others as ``d * g``
      with ``d`` replaced by 1 at the masked entries.  The price: at such an
      entry the derivatives of an infinite product are NaN rather than
      ``+-inf`` (third derivatives of ``sqrt`` at 0).
    """
    dv = primal_of(d)
    if not isinstance(d, Tracer):
        # a constant factor: only d's infinities can meet a zero
        if type(dv) is float or type(dv) is _np.float64:
            if _isfinite(dv):
                return d * g   # factor first: see _ORDER
        elif _np.isfinite(dv).all():
            return d * g
        bad = ~_np.isfinite(dv)
    else:
        # a traced factor will be differentiated, its cotangent G * g: an infinite
        # g (the tangent of sqrt at 0 under nesting) meets a zero G there
        gv = primal_of(g)
        bad = _np.logical_not(_np.logical_and(_np.isfinite(dv), _np.isfinite(gv)))
        if not isinstance(g, Tracer):
            # a constant g: its zeros are zero at every order, whatever the
            # derivatives of d (those of 1.5 * x**0.5 are infinite at 0)
            z = _np.equal(gv, 0)
            if z.any():
                d = where_p(z, 0.0, d)
                bad = _np.logical_and(bad, _np.logical_not(z))
        if not bad.any():
            return d * g
    if not isinstance(d, Tracer) and not isinstance(g, Tracer):
        with _np.errstate(invalid="ignore"):    # the 0 * inf entries are masked next
            r = d * g          # plain values: no derivative will be taken
        m = _np.logical_and(_np.equal(g, 0), bad)
        if type(r) is _np.ndarray and r.shape == m.shape:
            _np.copyto(r, 0, where=m)
            return r
        return _np.where(m, 0, r)[()]
    if not isinstance(g, Tracer):
        # a constant g (its zeros masked above): d's derivatives meet only the
        # constant, and an infinite d keeps its infinite derivatives (sqrt'' at 0)
        return d * g
    if bad.all():
        return _div_finite_zero(g, 1.0 / d)
    return where_p(bad, _div_finite_zero(g, 1.0 / where_p(bad, d, 1.0)),
                   where_p(bad, 1.0, d) * g)


def _div_finite_zero(g, y):
    """``g / y``, but exactly 0 where ``g`` is 0 and ``y`` is 0 or NaN.

    The masked entries are masked in both operands before the division (0 / 1),
    so derivatives of this rule do not divide by the zero there either."""
    # a plain g over a traced y: y's reflected operator directly (see _ORDER)
    r = y.__rtruediv__(g) if isinstance(y, Tracer) and not isinstance(g, Tracer) else g / y
    rv = primal_of(r)
    if type(rv) is float or type(rv) is _np.float64:
        if _isfinite(rv):
            return r
    elif _np.isfinite(rv).all():
        return r
    # 0 / 0 and 0 / NaN, the NaN entries to mask; g / 0 = inf is the truth
    yv = primal_of(y)
    m = _np.logical_and(_np.equal(primal_of(g), 0),
                        _np.logical_or(_np.equal(yv, 0), _np.isnan(yv)))
    if not m.any():
        return r
    if not isinstance(r, Tracer):
        if type(r) is _np.ndarray and r.shape == m.shape:
            _np.copyto(r, 0, where=m)
            return r
        return _np.where(m, 0, r)[()]
    return where_p(m, 0.0, g) / where_p(m, 1.0, y)


def unary(npfunc, deriv, name=None, singular=False):
    """Register an element-wise function of one argument with factor ``deriv(ans, x)``.

    ``singular=True`` marks functions whose derivative can be infinite inside
    their domain (``sqrt`` at 0, ``log`` at 0, ...): their rules use
    :func:`times_finite_zero`.
    """
    p = primitive(npfunc, name=name or npfunc.__name__)
    if singular:
        defjvp(p, lambda t, ans, x, **kw: times_finite_zero(t, deriv(ans, x)))
        defvjp_direct(p, lambda g, ans, x, **kw: times_finite_zero(g, deriv(ans, x)))
    else:
        defjvp(p, lambda t, ans, x, **kw: deriv(ans, x) * t)
        defvjp_direct(p, lambda g, ans, x, **kw: deriv(ans, x) * g)
    return p


def unary_quotient(npfunc, denom, name=None):
    """Register ``f`` with ``f'(x) = 1 / denom(ans, x)``: the rules divide by
    ``denom`` (one pass and one rounding fewer than multiplying by its
    reciprocal), with 0 where the tangent or cotangent is 0."""
    p = primitive(npfunc, name=name or npfunc.__name__)
    defjvp(p, lambda t, ans, x, **kw: _div_finite_zero(t, denom(ans, x)))
    defvjp_direct(p, lambda g, ans, x, **kw: _div_finite_zero(g, denom(ans, x)))
    return p


def binary(npfunc, dx, dy, name=None, singular=False):
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
        jvps.append(_binary_jvp(d, k, singular))
        vjps.append(_binary_vjp(d, k, singular))
    defjvp(p, *jvps)
    defvjp_direct(p, *vjps)
    return p


def _on_arrays(d):
    """The factor ``d(ans, x, y)`` with a list or tuple operand read as an array,
    as NumPy reads it (the factors do arithmetic on their operands:
    ``x ** [1.0, 2.0]``, ``arctan2([1.0, 2.0], x)``)."""
    def factor(ans, x, y):
        if type(x) in (list, tuple):
            x = _np.asarray(x)
        if type(y) in (list, tuple):
            y = _np.asarray(y)
        return d(ans, x, y)
    return factor


def _binary_jvp(d, k, singular=False):
    d = _on_arrays(d)
    if singular:
        def rule(t, ans, x, y, **kw):
            return times_finite_zero(bcast_tangent(t, (x, y)[k], ans), d(ans, x, y))
    else:
        def rule(t, ans, x, y, **kw):
            return d(ans, x, y) * bcast_tangent(t, (x, y)[k], ans)
    return rule


def _binary_vjp(d, k, singular=False):
    d = _on_arrays(d)
    if singular:
        def rule(g, ans, x, y, **kw):
            return unbroadcast(times_finite_zero(g, d(ans, x, y)), ans, (x, y)[k])
    else:
        def rule(g, ans, x, y, **kw):
            return unbroadcast(d(ans, x, y) * g, ans, (x, y)[k])
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


_NUMPY_OPERANDS = frozenset({_np.ndarray, _np.float64, _np.float32, _np.complex128,
                             _np.complex64, _np.float16, _np.longdouble})


def _arithmetic(op, ufunc):
    """``ufunc(x, y)``, through the Python operator when a NumPy operand is
    present: the same result (ndarray and NumPy-scalar operators call the
    ufunc, or its scalar fast path), at a fraction of the call overhead on
    scalars."""
    def impl(x, y, **kwargs):
        if kwargs or (type(x) not in _NUMPY_OPERANDS and type(y) not in _NUMPY_OPERANDS):
            return ufunc(x, y, **kwargs)
        return op(x, y)
    impl.__name__ = ufunc.__name__
    impl.__doc__ = f"``numpy.{ufunc.__name__}``, differentiable in both arguments."
    return impl


add = primitive(_arithmetic(_operator.add, _np.add), name="add")
defjvp(add, _add_jvp_x, _add_jvp_y)
defvjp_direct(add, _add_vjp_x, _add_vjp_y)

subtract = primitive(_arithmetic(_operator.sub, _np.subtract), name="subtract")
defjvp(subtract, _add_jvp_x, lambda t, ans, x, y, **kw: -bcast_tangent(t, y, ans))
defvjp_direct(subtract, _add_vjp_x, lambda g, ans, x, y, **kw: _negated(unbroadcast(g, ans, y)))


def _subtract_jvp_joint(ts, ans, x, y, **kw):
    # one subtraction when both arguments carry tangents (not a negation and an add)
    tx, ty = ts
    if ty is None:
        return None if tx is None else bcast_tangent(tx, x, ans)
    if tx is None:
        return -bcast_tangent(ty, y, ans)
    return subtract(bcast_tangent(tx, x, ans), bcast_tangent(ty, y, ans))


defjvp_joint(subtract, _subtract_jvp_joint)

#: a broadcast cotangent at least this large is scaled as one number (below
#: it, one multiplication is cheaper than re-broadcasting); the test suite
#: sets it to 0 so that the folded path is exercised everywhere
FOLD_MIN_SIZE = 4096
_CONSTANTS = frozenset({float, int, _np.float64, _np.float32})


def _single_number(g):
    """The number a large plain cotangent holds if it is one number broadcast
    (all strides 0, what ``sum``'s rule gives), else ``None``."""
    if g.size >= FOLD_MIN_SIZE and g.size and not any(g.strides):
        return g[(0,) * g.ndim]
    return None


def _scaled(g, c):
    """``g * c`` for a plain constant ``c``.  A cotangent that is one number
    broadcast stays one: the product is that number times ``c``, broadcast
    again, instead of a full array; products with such a cotangent then read
    one array, not two."""
    if type(g) is _np.ndarray:
        if type(c) in _CONSTANTS:
            n = _single_number(g)
            if n is not None:
                return broadcast_number(n * c, g.shape)
        elif isinstance(c, Tracer):    # traced operand first (see _ORDER)
            return c * g
    return g * c


def _negated(g):
    """``-g``, folded like :func:`_scaled` for a broadcast number."""
    if type(g) is _np.ndarray:
        n = _single_number(g)
        if n is not None:
            return broadcast_number(-n, g.shape)
    return -g


multiply = primitive(_arithmetic(_operator.mul, _np.multiply), name="multiply")
defjvp(multiply,
       lambda t, ans, x, y, **kw: y * bcast_tangent(t, x, ans),
       lambda t, ans, x, y, **kw: x * bcast_tangent(t, y, ans))
defvjp_direct(multiply,
              lambda g, ans, x, y, **kw: unbroadcast(_scaled(g, y), ans, x),
              lambda g, ans, x, y, **kw: unbroadcast(_scaled(g, x), ans, y))


def _multiply_jvp_joint(ts, ans, x, y, **kw):
    # d(xy) = tx y + x ty, the sum made in the first product's buffer
    tx, ty = ts
    if ty is None:
        return None if tx is None else y * bcast_tangent(tx, x, ans)
    if tx is None:
        return x * bcast_tangent(ty, y, ans)
    a = y * bcast_tangent(tx, x, ans)
    b = x * bcast_tangent(ty, y, ans)
    if (type(a) is _np.ndarray and type(b) is _np.ndarray and a.shape == b.shape
            and a.dtype == _np.result_type(a, b)):
        return _np.add(a, b, out=a)      # a is this rule's own fresh product
    return a + b


defjvp_joint(multiply, _multiply_jvp_joint)

divide = primitive(_arithmetic(_operator.truediv, _np.divide), name="divide")
true_divide = divide


# The y-rule is -t x / y^2 = -t (ans / y), exact while ans / y = x / y^2 is a
# normal number.  Where it is not (|y| beyond about 1e+-154: d(1 / y) at
# y = 1e-170, the second derivative of log(1e200 x)), those entries take
# -(t C) ((ans / C) / y), with C = 2^k a plain power of two per entry that
# brings (ans / C) / y to about 1: scalings by powers of two are exact, t C
# overflows only where the result itself does, and a plain zero tangent or
# cotangent stays a plain zero (masked against infinities, at every order).
# The other entries keep C = 1, so their numbers are the common form's.
# The check runs on plain values at every level of nesting.
def _y_factor(ans, y, w):
    """``(q, scales)``: ``ans / y`` and ``None`` where that is a normal number
    wherever it should be (the common case; at ``y = 0`` or infinite values
    the derivative is itself infinite or 0 in either form, and where the
    result ``w ans / y`` (``w`` the tangent or cotangent, with any leading
    batch) over- or underflows anyway the common form keeps its better higher
    derivatives); otherwise ``q = (ans / C) / y`` and ``scales``, three plain
    powers of two per entry whose product is ``C`` (three, so that each stays
    representable)."""
    q = ans / y
    if all_normal(q, unless=ans):
        return q, None
    qv, av, yv = _np.broadcast_arrays(*(_np.abs(primal_of(v)) for v in (q, ans, y)))
    wv = _np.abs(primal_of(w))
    if wv.ndim > qv.ndim:               # a batch of directions: the largest decides
        wv = wv.max(axis=tuple(range(wv.ndim - qv.ndim)))
    wv = _np.broadcast_to(wv, qv.shape)
    fi = _np.finfo(qv.dtype)
    with _np.errstate(invalid="ignore"):
        lost = ((qv < fi.tiny) | (qv == _np.inf)) & (av > 0) & (yv > 0) & (wv > 0) \
            & (av < _np.inf) & (yv < _np.inf) & (wv < _np.inf)
    if not lost.any():
        return q, None
    k = _np.where(lost, _np.frexp(av)[1] - _np.frexp(yv)[1], 0)
    er = k + _np.frexp(_np.where(lost, wv, 1))[1]       # the result's exponent, about
    lost &= (er > fi.minexp + 2) & (er < fi.maxexp - 2)
    if not lost.any():
        return q, None
    k = _np.where(lost, k, 0)
    third = k // 3                       # the same sign as k: t C grows or shrinks monotonically
    scales = [_np.ldexp(_np.ones((), qv.dtype), e) for e in (third, third, k - 2 * third)]
    for c in scales:
        ans = ans * (1 / c)
    return ans / y, scales


def _scaled_up(g, scales):
    for c in scales:
        g = g * c
    return g


def _divide_jvp_y(t, ans, x, y, **kw):
    t = -bcast_tangent(t, y, ans)
    q, scales = _y_factor(ans, y, t)
    return times_finite_zero(t if scales is None else _scaled_up(t, scales), q)


def _divide_vjp_y(g, ans, x, y, **kw):
    q, scales = _y_factor(ans, y, g)
    g = -g
    return unbroadcast(times_finite_zero(g if scales is None else _scaled_up(g, scales), q),
                       ans, y)


defjvp(divide,
       lambda t, ans, x, y, **kw: _div_finite_zero(bcast_tangent(t, x, ans), y),
       _divide_jvp_y)
defvjp_direct(divide,
              lambda g, ans, x, y, **kw: unbroadcast(_div_finite_zero(g, y), ans, x),
              _divide_vjp_y)

negative = primitive(_np.negative, name="negative")
defjvp(negative, lambda t, ans, x, **kw: -t)
defvjp_direct(negative, lambda g, ans, x, **kw: _negated(g))

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
    xv, yv = _np.asarray(primal_of(x)), _np.asarray(primal_of(y))
    if (yv == 0).any() and (xv == 0).any():
        # x**0 is constant, also at x = 0, where the formula would give 0 * 0**-1
        zero = _np.logical_and(xv == 0, yv == 0)
        return where_p(zero, 0.0, _times_traced(y, power(where_p(zero, 1.0, x), y - 1)))
    big = _pow_dx_overflows(ans, xv, yv)
    if big is None:
        return _times_traced(y, power(x, y - 1))
    # y x**(y-1) as (y x**y) / x: its derivative y**2 x**(y-2) - y x**(y-2) has no
    # intermediate beyond the result's own size (for small y: d2/dx2 x**1e-5 at
    # x = 1e-20 in float32 is -1e35, but x**(y-2) = 1e40).  x**y afresh, not
    # ans: the tape keeps no ans for this rule (vjp_reads below)
    if big.all():
        return _times_traced(y, power(x, y)) / x
    xb = where_p(big, x, 1.0)
    return where_p(big, _times_traced(y, power(xb, y)) / xb,
                   _times_traced(y, power(where_p(big, 1.0, x), y - 1)))


def _pow_overflow_mask(ax, yd):
    """Plain: where ``x**(y-1)`` overflows, or ``(y-1) x**(y-2)`` while
    ``y (y-1) x**(y-2)`` does not, for ``|x|`` = ``ax`` finite and nonzero and
    ``|x|**y`` finite and nonzero."""
    y1 = yd - 1
    pv = ax ** y1                                     # |x|**(y-1)
    r = pv * (_np.abs(y1) / ax)                       # |(y-1) x**(y-2)|
    s = pv * (_np.abs(yd * y1) / ax)                  # |y (y-1) x**(y-2)|
    av = ax ** yd
    return ((_np.isinf(pv) | (_np.isinf(r) & _np.isfinite(s))) & (ax != 0) & _np.isfinite(ax)
            & _np.isfinite(av) & (av != 0))


_LOG_RANGE = {}


def _pow_overflow_scalar(a, y, dt):
    """:func:`_pow_overflow_mask` for one ``|x|`` and ``y``, on logarithms (exact
    up to the last ulp at the thresholds, where either form is accurate)."""
    if not 0 < a < _inf or y == 1 or y == 0 or y != y:
        return False
    lim = _LOG_RANGE.get(dt.itemsize)          # (float dtypes differ in size)
    if lim is None:
        fi = _np.finfo(dt)
        lim = _LOG_RANGE[dt.itemsize] = (_log(float(fi.max)), _log(float(fi.smallest_subnormal)))
    top, bottom = lim
    la = _log(a)
    lp = (y - 1) * la                                 # log |x|**(y-1)
    if not bottom < y * la < top:                     # |x|**y not finite and nonzero
        return False
    return lp > top or (lp + _log(abs(y - 1)) - la > top
                        and lp + _log(abs(y * (y - 1))) - la <= top)


def _pow_dx_overflows(ans, xv, yv):
    """The entries (plain booleans) where ``y x**(y-1)`` is formed as
    ``(y x**y) / x`` (see :func:`_pow_overflow_mask`), real arguments only;
    ``None`` where there are none, the common case.  Computed in the result's
    dtype from ``x`` and ``y`` (``ans`` gives only the dtype and shape); for a
    single ``y`` from the smallest and largest ``|x|`` first (``|x|**(y-1)`` is
    monotone in ``|x|``), at every order."""
    dt = _np.result_type(primal_of(ans))
    if dt.kind != "f" or xv.size == 0 or yv.dtype.kind not in "fiub" or xv.dtype.kind == "c":
        return None
    if xv.size == 1 and yv.size == 1:
        # one number each: the same test on logarithms in Python floats (a
        # fraction of the cost of NumPy scalars); y as the result's dtype has it
        yd = float(yv.item()) if dt == _np.float64 else float(dt.type(yv.item()))
        if not _pow_overflow_scalar(abs(float(xv.item())), yd, dt):
            return None
    with _np.errstate(all="ignore"):
        ax = _np.abs(xv).astype(dt, copy=False)
        yd = yv.astype(dt, copy=False)
        if ax.size > 1 and yd.size == 1:
            ends = _np.array([_np.min(ax, where=ax != 0, initial=_np.inf),
                              _np.max(ax, where=_np.isfinite(ax), initial=0)], dtype=dt)
            if not _pow_overflow_mask(ends, yd.reshape(())).any():
                return None
        big = _pow_overflow_mask(ax, yd)
    if not big.any():
        return None
    return _np.broadcast_to(big, _np.shape(primal_of(ans)))


def _times_traced(a, b):
    """``a * b`` inside a derivative factor; when ``a`` is traced (the rule is being
    differentiated again) as :func:`times_finite_zero`, so that the zero cotangent
    a ``where()`` sends here does not meet an infinite or NaN ``b`` (``x**y`` at
    ``x < 0``, ``log(x)`` at ``x <= 0``).  Plain operands take the plain product."""
    if isinstance(a, Tracer):
        return times_finite_zero(a, b)
    return a * b


def _pow_dy(ans, x, y):
    # d/dy x**y = x**y log x, taken as 0 where x == 0 (the limit for y > 0)
    safe = where(equal(x, 0), 1.0, x)
    return where(equal(x, 0), 0.0, _times_traced(ans, log(safe)))


def _pow_regular(y):
    # x**y has a finite derivative in x wherever its value is finite for a constant
    # integer y = 0 or y >= 1; not for y = 1.5: y * x**0.5 is NaN at x < 0, and
    # 0 * NaN would leak through a where() that guards x > 0
    if type(y) is int:
        return y >= 0
    return (isinstance(y, (int, float)) and not isinstance(y, bool)
            and (y == 0 or (y >= 1 and float(y).is_integer())))


power = binary(_np.power, _pow_dx, _pow_dy, name="power", singular=True)
_pow_jvp_x_singular, _pow_vjp_x_singular = _binary_jvp(_pow_dx, 0, True), _binary_vjp(_pow_dx, 0, True)
_pow_jvp_x_plain, _pow_vjp_x_plain = _binary_jvp(_pow_dx, 0), _binary_vjp(_pow_dx, 0)
defjvp(power,
       lambda t, ans, x, y, **kw: (_pow_jvp_x_plain if _pow_regular(y) else _pow_jvp_x_singular)(t, ans, x, y),
       _binary_jvp(_pow_dy, 1, True))


def _twice_times(g, x):
    """``2 * g * x`` with the constant on the cheaper side: ``(2 * g) * x``
    unless only ``g`` is traced (under forward-over-reverse a traced operation
    costs two array operations, a plain one costs one)."""
    if isinstance(g, Tracer) and not isinstance(x, Tracer):
        return g * (2 * x)
    return x * _scaled(g, 2)         # x first: traced whenever g is not (see _ORDER)


def _pow_vjp_x(g, ans, x, y, **kw):
    if type(y) in (int, float) and y == 2:
        return unbroadcast(_twice_times(g, x), ans, x)
    return (_pow_vjp_x_plain if _pow_regular(y) else _pow_vjp_x_singular)(g, ans, x, y)


defvjp_direct(power, _pow_vjp_x, _binary_vjp(_pow_dy, 1, True))
square = unary(_np.square, lambda ans, x: 2 * x)
defvjp_direct(square, lambda g, ans, x, **kw: _twice_times(g, x))
sqrt = unary(_np.sqrt, lambda ans, x: 0.5 / ans, singular=True)
# 1 / (3 ans^2) as quotients: a product ans * ans would meet the infinite tangent
# of cbrt at 0 when the rule is differentiated twice more (0 * inf)
cbrt = unary(_np.cbrt, lambda ans, x: (1.0 / 3) / ans / ans, singular=True)
# -1/x^2 as -(1/x)/x, not -(ans * ans): at x = 0 a product inf * inf would turn a
# zero cotangent into NaN when the rule is differentiated again; the quotient's
# own rules keep it 0 (same rounding count)
reciprocal = primitive(_np.reciprocal, name="reciprocal")     # 1 / x: divide's y-rules
defjvp(reciprocal, lambda t, ans, x, **kw: _divide_jvp_y(t, ans, 1.0, x))
defvjp_direct(reciprocal, lambda g, ans, x, **kw: _divide_vjp_y(g, ans, 1.0, x))

# --- exponentials and logarithms ---------------------------------------------
exp = unary(_np.exp, lambda ans, x: ans)
exp2 = unary(_np.exp2, lambda ans, x: ans * _np.log(2.0))
# e^x as ans + 1 (no exp), but as exp(x) where some ans < -1/2: ans + 1 there
# cancels (0 from x = -37 on, where the derivative is e^x = 4e-17)
expm1 = unary(_np.expm1, lambda ans, x: exp(x) if _np.min(_np.real(primal_of(ans)), initial=0.0)
              < -0.5 else ans + 1)
log = unary_quotient(_np.log, lambda ans, x: x)
log2 = unary(_np.log2, lambda ans, x: 1.0 / (x * _np.log(2.0)), singular=True)
log10 = unary(_np.log10, lambda ans, x: 1.0 / (x * _np.log(10.0)), singular=True)
log1p = unary_quotient(_np.log1p, lambda ans, x: x + 1)

# --- trigonometric and hyperbolic ---------------------------------------------
sin = unary(_np.sin, lambda ans, x: cos(x))
cos = unary(_np.cos, lambda ans, x: -sin(x))
tan = unary(_np.tan, lambda ans, x: 1 + ans * ans)


# Complex branch cuts.  On a cut the sign of a zero imaginary part picks the side
# (C99: arcsin(1.5 + 0j) has Im = +arccosh(1.5), arcsin(1.5 - 0j) the other), and
# the derivative must follow it.  1 - z and 1 + z written directly lose a -0
# (0 - 0 = +0, -0 + 0 = +0); z - 1 and -z - 1 keep it (x - 0 = x), so:
def _one_minus(z):
    """``1 - z`` with ``Im = -Im(z)`` exactly, signed zeros included."""
    return -(z - 1)


def _one_plus(z):
    """``1 + z`` with ``Im = Im(z)`` exactly, signed zeros included."""
    return -(-z - 1)


# Near 0 the factors below are written 1 - x^2 = 1 - x * x, not (1 - x)(1 + x):
# the value is the same to rounding, but the latter's own derivative
# -(1 + x) + (1 - x) cancels to 0 (arcsin''(1e-20) = 1e-20 came out 0), while
# that of x * x is 2x directly.  Away from 0 (|x| >= 1/2) the product keeps its
# exact differences near +-1, and its derivative adds terms of at most twice the
# size of the result.
def _small(x):
    """The entries with ``|x| < 1/2`` (plain booleans), where ``1 - x^2`` is
    formed as ``1 - x * x``."""
    return _np.abs(primal_of(x)) < 0.5


def _by_size(small, near0, far):
    """``near0(x)`` where ``small``, ``far(x)`` elsewhere (one of them alone when
    all entries agree)."""
    if small.all():
        return near0()
    if not small.any():
        return far()
    return where(small, near0(), far())


def _one_minus_sq(x):
    """``1 - x^2``, with an accurate derivative ``-2x`` (see above)."""
    return _by_size(_small(x), lambda: 1 - x * x, lambda: (1 - x) * (1 + x))


def _asin_denom(x):
    """``sqrt(1 - x^2)``: for real x as ``sqrt((1 - x)(1 + x))`` (exact
    differences near +-1, no cancellation); for complex z as
    ``sqrt(1 - z) sqrt(1 + z)`` (Kahan), the side of the cut kept.  Where
    ``|x| < 1/2`` (far from the cuts) as ``sqrt(1 - x * x)``, whose derivative
    does not cancel."""
    if _is_complex(x):
        return _by_size(_small(x), lambda: sqrt(1 - x * x),
                        lambda: sqrt(_one_minus(x)) * sqrt(_one_plus(x)))
    return sqrt(_one_minus_sq(x))


def _acosh_denom(z):
    """Complex ``sqrt(z - 1) sqrt(z + 1)``; where ``|z| < 1/2`` as
    ``+-i sqrt(1 - z * z)`` (the sign of ``Im z``, signed zeros included, picks
    the side of ``sqrt(z - 1)``'s cut), whose derivative does not cancel."""
    def near0():
        rot = _np.where(_np.signbit(_np.imag(primal_of(z))), -1j, 1j).astype(
            _np.result_type(primal_of(z)))
        return rot * sqrt(1 - z * z)
    return _by_size(_small(z), near0, lambda: sqrt(z - 1) * sqrt(_one_plus(z)))


arcsin = unary(_np.arcsin, lambda ans, x: 1.0 / _asin_denom(x), singular=True)
arccos = unary(_np.arccos, lambda ans, x: -1.0 / _asin_denom(x), singular=True)
arctan = unary(_np.arctan, lambda ans, x: 1.0 / (1 + x * x))
sinh = unary(_np.sinh, lambda ans, x: cosh(x))
cosh = unary(_np.cosh, lambda ans, x: sinh(x))
tanh = unary(_np.tanh, lambda ans, x: 1 - ans * ans)


def _tanh_vjp(g, ans, x, **kw):
    # on plain arrays, one buffer instead of three: g * (1 - ans**2) in place
    if (type(g) is _np.ndarray and type(ans) is _np.ndarray and g.shape == ans.shape
            and g.dtype == ans.dtype):
        d = ans * ans
        _np.subtract(1.0, d, out=d)
        _np.multiply(g, d, out=d)
        return d
    return g * (1 - ans * ans)


defvjp_direct(tanh, _tanh_vjp)
# hypot and the split square roots: no overflow of x * x for |x| > 1e154
# (hypot is real-only: complex z takes 1 / sqrt(1 + z^2), the principal branch)
# (complex: 1 + z^2 formed keeping the sign of a zero Im(z^2) = 2 Re(z) Im(z), which
# picks the side of the cut on the imaginary axis; x + 1 for arccosh likewise)
arcsinh = unary(_np.arcsinh, lambda ans, x: 1.0 / (sqrt(_one_plus(x * x)) if _is_complex(x)
                                                  else hypot(x, 1.0)))
# real: 1 / sqrt(x - 1) / sqrt(x + 1), quotients, not 1 / (sqrt * sqrt): for x < 1
# the factors are NaN, and a product of them turns the zero cotangent the rule
# gets under a where() into NaN when differentiated again; quotients keep it 0
arccosh = unary(_np.arccosh, lambda ans, x: (
    1.0 / _acosh_denom(x) if _is_complex(x)
    else 1.0 / sqrt(x - 1) / sqrt(x + 1)), singular=True)
arctanh = unary(_np.arctanh, lambda ans, x: 1.0 / _one_minus_sq(x), singular=True)


def _over_r2(num, y, x):
    # num / (x^2 + y^2) as (num / r) / r with r = hypot(x, y): no overflow or
    # underflow of the squares at |x|, |y| near 1e+-200.  Where r is beyond
    # fmax**(+-1/4) (1e+-9.6 in float32, 1e+-77 in float64) as
    # ((num s) / rs / rs) s with rs = hypot(x s, y s), s a plain power of two per
    # entry that brings rs to about 1: the same number (scalings are exact), but
    # reverse mode differentiating it again no longer meets the cotangent of r,
    # ~ 1/r^3, which overflows (arctan2'' by grad of grad at |(x, y)| = 1e-20 in
    # float32 was -inf) before the factor y / r brings it back
    r = hypot(x, y)
    s = _unit_scale(primal_of(r))
    if s is None:
        return num / r / r
    rs = hypot(x * s, y * s)
    return (num * s) / rs / rs * s


_QUARTER_RANGE = {}


def _unit_scale(rv):
    """``None`` if every finite nonzero ``rv`` is within ``fmax**(+-1/4)``, else
    plain powers of two ``s`` with ``rv s`` about 1 at the entries outside (1 at
    the others)."""
    rv = _np.asarray(rv)
    if rv.dtype.kind != "f":
        return None
    lim = _QUARTER_RANGE.get(rv.dtype.itemsize)
    if lim is None:
        fi = _np.finfo(rv.dtype)
        lim = _QUARTER_RANGE[rv.dtype.itemsize] = (float(fi.max) ** -0.25, float(fi.max) ** 0.25)
    lo, hi = lim
    with _np.errstate(invalid="ignore"):
        out = ((rv < lo) | (rv > hi)) & (rv > 0) & (rv < _np.inf)
    if not out.any():
        return None
    fi = _np.finfo(rv.dtype)
    e = _np.where(out, _np.frexp(rv)[1], 0)
    e = _np.clip(e, fi.minexp + 2, fi.maxexp - 2)     # s itself representable
    return _np.ldexp(_np.ones((), rv.dtype), -e)


arctan2 = binary(_np.arctan2,
                 lambda ans, y, x: _over_r2(x, y, x),
                 lambda ans, y, x: _over_r2(-y, y, x))

# --- piecewise ----------------------------------------------------------------
def _is_complex(x):
    return _np.result_type(primal_of(x)).kind == "c"


def _safe_nonzero(v):
    """``v`` with its zeros replaced by 1 (so that dividing by it is finite)."""
    return where(equal(v, 0), 1.0, v)


def _real_ct(g):
    """The cotangent of a real-valued output: only the real part of ``g`` pairs
    with a real tangent under ``Re(sum(a * b))``."""
    return real(g) if _is_complex(g) else g


def _abs_jvp(t, ans, x, **kw):
    if _is_complex(x):
        # d|z| = Re(conj(z) dz) / |z|; 0 at z = 0
        return where(equal(ans, 0), 0.0, real(conj(x) * t) / _safe_nonzero(ans))
    return t * sign(x)


def _abs_vjp(g, ans, x, **kw):
    if _is_complex(x):
        # transpose of t -> Re(conj(z) t) / |z| under Re(sum(a * b)): g conj(z) / |z|
        return where(equal(ans, 0), 0.0, _real_ct(g) * (conj(x) / _safe_nonzero(ans)))
    return g * sign(x)


absolute = primitive(_np.absolute, name="absolute")
defjvp(absolute, _abs_jvp)
defvjp_direct(absolute, _abs_vjp)
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


def check_device(device, who):
    """NumPy's ``device=`` argument: only ``None`` and ``"cpu"`` exist."""
    if device is not None and device != "cpu":
        raise ValueError(f"{who}: device must be None or 'cpu' (NumPy arrays live on "
                         f"the CPU), got {device!r}")


class _AsType(Primitive):
    """``numpy.astype(x, dtype, /, *, copy=True, device=None)``.  ``copy`` only
    matters for plain arrays (a traced value is never written to); the rules
    see ``(x, dtype)``."""

    __slots__ = ()

    def __call__(self, x, dtype, /, *, copy=True, device=None):
        if device is not None:
            check_device(device, "astype")
        if copy is False and type(x) is _np.ndarray:
            return x.astype(dtype, copy=False)
        return Primitive.__call__(self, x, dtype)


astype = _AsType(_astype_impl, name="astype")
defjvp(astype, _astype_jvp)
defvjp_direct(astype, _astype_vjp)


def _real_impl(x):
    return _np.real(x)


real = primitive(_real_impl, name="real")
defjvp(real, lambda t, ans, x: real(t))
defvjp_direct(real, lambda g, ans, x: astype(_real_ct(g), _np.result_type(primal_of(x)))
              if _is_complex(x) else g)

# --- zero-derivative and integer-valued functions ------------------------------
_NONDIFF = [
    "sign", "floor", "ceil", "trunc", "rint", "fix",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "isfinite", "isinf", "isnan", "isneginf", "isposinf", "signbit",
    "logical_and", "logical_or", "logical_not", "logical_xor",
    "floor_divide", "iscomplex", "isreal",
]
for _name in _NONDIFF:
    if _name != "sign":            # sign: below
        globals()[_name] = nondifferentiable(getattr(_np, _name), name=_name)
round = nondifferentiable(_np.round, name="round")  # noqa: A001
around = round
del _name


# sign: piecewise constant on the reals, but z / |z| on complex input (NumPy 2),
# which is differentiable for z != 0.  Real input keeps the non-differentiable
# primitive's path (plain result, no trace); complex input goes to sign_complex.
def _sign_complex_jvp(t, ans, z, **kw):
    # d(z / |z|) = (t - s Re(conj(s) t)) / |z| with s = sign(z); 0 at z = 0
    r = absolute(z)
    return where(equal(r, 0), 0.0, (t - ans * real(conj(ans) * t)) / _safe_nonzero(r))


def _sign_complex_vjp(g, ans, z, **kw):
    # transpose under Re(sum(a * b)): (g - conj(s) Re(s g)) / |z|
    r = absolute(z)
    return where(equal(r, 0), 0.0, (g - conj(ans) * real(ans * g)) / _safe_nonzero(r))


sign_complex = primitive(_np.sign, name="sign_complex")
defjvp(sign_complex, _sign_complex_jvp)
defvjp_direct(sign_complex, _sign_complex_vjp)


class _Sign(Primitive):
    """``numpy.sign``: derivative 0 on real input; ``z / |z|`` on complex input
    is differentiable (see :data:`sign_complex`), with derivative 0 at ``z = 0``."""

    __slots__ = ()

    def __call__(self, x, *args, **kwargs):
        if isinstance(x, Tracer) and x.dtype.kind == "c":
            return sign_complex(x, *args, **kwargs)
        return Primitive.__call__(self, x, *args, **kwargs)


sign = _Sign(_np.sign, name="sign", nondiff=True)

# --- complex parts (dedicated rules: these are not holomorphic) ------------------
def _imag_impl(x):
    return _np.imag(x)


def _imag_vjp(g, ans, x):
    if not _is_complex(x):
        return None
    # transpose of t -> Im(t) under Re(sum(a * b)): Im(t) = Re(-1j * t)
    return astype(_real_ct(g), _np.result_type(primal_of(x))) * (-1j)


imag = primitive(_imag_impl, name="imag")
defjvp(imag, lambda t, ans, x: imag(t) if _is_complex(x) else None)
defvjp_direct(imag, _imag_vjp)

conjugate = primitive(_np.conjugate, name="conjugate")
defjvp(conjugate, lambda t, ans, x, **kw: conjugate(t))
defvjp_direct(conjugate, lambda g, ans, x, **kw: conjugate(g))
conj = conjugate


def _angle_impl(z, deg=False):
    return _np.angle(z, deg=deg)


def _angle_scale(deg):
    return 180.0 / _np.pi if deg else 1.0


def _angle_jvp(t, ans, z, deg=False):
    if not _is_complex(z):
        return None         # 0 or pi: piecewise constant on the reals
    # d angle(z) = Im(dz / z); 0 at z = 0
    return where(equal(z, 0), 0.0, imag(t / _safe_nonzero(z))) * _angle_scale(deg)


def _angle_vjp(g, ans, z, deg=False):
    if not _is_complex(z):
        return None
    # Im(t / z) = Re(-1j t / z): the transpose is -1j g / z
    return where(equal(z, 0), 0.0, _real_ct(g) * (-1j * _angle_scale(deg) / _safe_nonzero(z)))


angle_p = primitive(_angle_impl, name="angle")
defjvp(angle_p, _angle_jvp)
defvjp_direct(angle_p, _angle_vjp)


def angle(z, deg=False):
    """``numpy.angle``; ``d angle(z) = Im(dz / z)``, taken as 0 at ``z = 0``
    and on real input (where the angle is piecewise constant)."""
    return angle_p(z, deg=bool(deg))


# --- more element-wise functions of one argument ---------------------------------
fabs = unary(_np.fabs, lambda ans, x: sign(x), name="fabs")
deg2rad = unary(_np.deg2rad, lambda ans, x: _np.pi / 180.0, name="deg2rad")
rad2deg = unary(_np.rad2deg, lambda ans, x: 180.0 / _np.pi, name="rad2deg")
radians = deg2rad
degrees = rad2deg


def _sinc_deriv(ans, x):
    """d/dx sinc(x) = (cos(pi x) - sinc(x)) / x, by its Taylor series near 0
    (so that the rule itself is smooth there and differentiates again)."""
    small = less(absolute(primal_of(x)), 0.05)
    xs = where(small, 1.0, x)
    far = (cos(_np.pi * xs) - sinc(xs)) / xs
    u = _np.pi * where(small, x, 0.0)
    u2 = u * u
    # f(u) = sin(u)/u,  f'(u) = -u/3 + u^3/30 - u^5/840 + u^7/45360 - ...
    near = _np.pi * u * (-1.0 / 3 + u2 * (1.0 / 30 + u2 * (-1.0 / 840 + u2 / 45360.0)))
    return where(small, near, far)


sinc = unary(_np.sinc, _sinc_deriv, name="sinc")


def _i0_deriv(ans, x):
    # i0' = i1 (dualad.scipy.special.i1, loaded on first use: SciPy is only
    # imported when a derivative of i0 is taken)
    from ..scipy.special import i1
    return i1(x)


# numpy.i0 is a plain function, not a ufunc: reached by name through __array_function__
i0 = unary(_np.i0, _i0_deriv, name="i0")
i0.__doc__ = "``numpy.i0`` (NumPy's values), derivative ``scipy.special.i1``."


def _nan_to_num_impl(x, nan=0.0, posinf=None, neginf=None):
    return _np.nan_to_num(x, copy=True, nan=nan, posinf=posinf, neginf=neginf)


nan_to_num_p = primitive(_nan_to_num_impl, name="nan_to_num")
defjvp(nan_to_num_p, lambda t, ans, x, **kw: where(isfinite(x), t, 0.0))
defvjp_direct(nan_to_num_p, lambda g, ans, x, **kw: where(isfinite(x), g, 0.0))


def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    """``numpy.nan_to_num``; derivative 1 at finite entries, 0 at replaced ones.

    ``nan``, ``posinf`` and ``neginf`` may be traced (as keywords too): each
    has derivative 1 at the entries it replaces (for complex ``x``, at the real
    and imaginary parts it replaces).  They are cast to ``x``'s dtype, as NumPy
    casts them."""
    fills = (nan, posinf, neginf)
    if not any(isinstance(v, Tracer) for v in fills):
        if not isinstance(x, Tracer):
            return _np.nan_to_num(x, copy=copy, nan=nan, posinf=posinf, neginf=neginf)
        return nan_to_num_p(x, nan=nan, posinf=posinf, neginf=neginf)
    return _nan_to_num_traced_fill(x, copy, nan, posinf, neginf)


def _nan_to_num_traced_fill(x, copy, nan, posinf, neginf):
    """``nan_to_num`` with a traced ``nan`` / ``posinf`` / ``neginf``: the plain
    replacement, then ``where`` puts each traced fill at the entries it replaces."""
    xv = _np.asanyarray(primal_of(x))
    if xv.dtype.kind not in "fc":
        # NumPy returns integer / bool input unchanged: no entry is replaced
        return _np.nan_to_num(xv, copy=copy)
    plain = {k: (0.0 if k == "nan" else None) if isinstance(v, Tracer) else v
             for k, v in (("nan", nan), ("posinf", posinf), ("neginf", neginf))}
    base = (nan_to_num_p(x, **plain) if isinstance(x, Tracer)
            else _np.nan_to_num(xv, copy=True, **plain))
    rdt = _np.finfo(xv.dtype).dtype          # the dtype of the parts replaced
    traced = [(test, v) for test, v in ((_np.isnan, nan), (_np.isposinf, posinf),
                                        (_np.isneginf, neginf)) if isinstance(v, Tracer)]

    def fill(part, y):
        for test, v in traced:
            m = test(part)
            if m.any():
                y = where(m, astype(v, rdt) if _np.result_type(primal_of(v)) != rdt else v, y)
        return y

    if xv.dtype.kind == "f":
        return fill(xv, base)
    # complex: the real and imaginary parts are replaced separately; entries with
    # no traced replacement keep the plain result as it is
    hit = _np.zeros(xv.shape, dtype=bool)
    for test, _ in traced:
        hit |= test(xv.real) | test(xv.imag)
    if not hit.any():
        return base
    re = fill(xv.real, real(base))
    im = fill(xv.imag, imag(base))
    return where(hit, re + 1j * im, base)


# --- more element-wise functions of two arguments --------------------------------
def _hypot_d(k):
    # d/da hypot(a, b) = a / h.  Where |a| > |b| as sign(a) / sqrt(1 + (b/a)^2)
    # instead: the same number, but its own derivative in a is b^2 / h^3 directly,
    # where that of a / h is 1/h - a^2/h^3, which cancels for |b| << |a|
    # (d2/dx2 hypot(1, 1e-9) came out 0, truth 1e-18)
    def d(ans, x, y):
        a, b = (x, y) if k == 0 else (y, x)
        av, bv = _np.broadcast_arrays(_np.asarray(primal_of(a)), _np.asarray(primal_of(b)))
        with _np.errstate(invalid="ignore"):
            dom = _np.abs(av) > _np.abs(bv)           # a != 0 there
        if not dom.any():
            return where(equal(ans, 0), 0.0, a / _safe_nonzero(ans))
        sgn = _np.sign(av)
        if dom.all():
            u = b / a
            return sgn / sqrt(1 + u * u)
        u = b / where(dom, a, 1.0)
        return where(dom, sgn / sqrt(1 + u * u),
                     where(equal(ans, 0), 0.0, a / _safe_nonzero(ans)))
    return d


hypot = binary(_np.hypot, _hypot_d(0), _hypot_d(1), name="hypot")


def _copysign_dx(ans, x, y):
    return _np.where(_np.equal(signbit(x), signbit(y)), 1.0, -1.0)


copysign = binary(_np.copysign, _copysign_dx, None, name="copysign")


def _share(u):
    """``expit(u)``, the share of ``x`` in ``logaddexp(x, y)`` at ``u = x - y``:
    its derivative ``expit(u) expit(-u)`` keeps full relative accuracy where
    one share is near 1 (``exp(x - ans)`` would differentiate to
    ``s (1 - s)``, which cancels there)."""
    from ..scipy.special import expit
    return expit(u)


logaddexp = binary(_np.logaddexp, lambda ans, x, y: _share(x - y),
                   lambda ans, x, y: _share(y - x), name="logaddexp")
logaddexp2 = binary(_np.logaddexp2, lambda ans, x, y: _share((x - y) * _np.log(2.0)),
                    lambda ans, x, y: _share((y - x) * _np.log(2.0)), name="logaddexp2")


def _fpow_dy(ans, x, y):
    safe = where(equal(x, 0), 1.0, x)
    return where(equal(x, 0), 0.0, _times_traced(ans, log(safe)))


float_power = binary(_np.float_power, lambda ans, x, y: y * float_power(x, y - 1), _fpow_dy,
                     name="float_power")
# x - q y with q = floor(x / y) (mod, remainder) or trunc(x / y) (fmod), piecewise constant
mod = binary(_np.mod, lambda ans, x, y: 1.0, lambda ans, x, y: -floor(divide(x, y)),
             name="mod")
remainder = mod
fmod = binary(_np.fmod, lambda ans, x, y: 1.0, lambda ans, x, y: -trunc(divide(x, y)),
              name="fmod")


def _fm_weight(ans, x, y):
    # like maximum's, but a NaN argument (which fmax/fmin skip) gets nothing
    wx = _np.equal(primal_of(x), primal_of(ans)) * 1.0
    wy = _np.equal(primal_of(y), primal_of(ans)) * 1.0
    tot = wx + wy
    return wx / _np.where(tot == 0, 1.0, tot)


fmax = binary(_np.fmax, _fm_weight, lambda ans, x, y: _fm_weight(ans, y, x), name="fmax")
fmin = binary(_np.fmin, _fm_weight, lambda ans, x, y: _fm_weight(ans, y, x), name="fmin")
heaviside = binary(_np.heaviside, None, lambda ans, x, y: equal(x, 0) * 1.0, name="heaviside")
ldexp = binary(_np.ldexp, lambda ans, x, y: _np.ldexp(1.0, primal_of(y)), None, name="ldexp")


def frexp(x, /):
    """``numpy.frexp``: ``(m, e)`` with ``x = m * 2**e``; ``m`` is ``x * 2**-e``."""
    e = _np.frexp(primal_of(x))[1]
    return ldexp(x, -e), e


def modf(x, /):
    """``numpy.modf``: ``(x - trunc(x), trunc(x))``; the fraction has derivative 1."""
    if not isinstance(x, Tracer):
        return _np.modf(x)           # NumPy's own dtypes (float16 for int8 / bool, ...)
    w = trunc(x)
    return x - w, w


def divmod(x, y, /):  # noqa: A001
    """``numpy.divmod``: ``(floor_divide(x, y), mod(x, y))``."""
    return floor_divide(x, y), mod(x, y)


# nextafter(x, y) is x moved by one ulp: derivative 1 in x (as for x + spacing),
# 0 in the direction y
nextafter = binary(_np.nextafter, lambda ans, x, y: 1.0, None, name="nextafter")

for _name in ["spacing", "gcd", "lcm"]:
    if hasattr(_np, _name):
        globals()[_name] = nondifferentiable(getattr(_np, _name), name=_name)
        _NONDIFF.append(_name)
del _name


__all__ = [
    "add", "subtract", "multiply", "divide", "true_divide", "negative", "positive",
    "power", "square", "sqrt", "cbrt", "reciprocal", "exp", "exp2", "expm1", "log",
    "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos", "arctan",
    "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh", "arctan2", "absolute",
    "abs", "maximum", "minimum", "where", "clip", "astype", "real", "round", "around",
    "imag", "conjugate", "conj", "angle", "fabs", "deg2rad", "rad2deg", "radians", "degrees",
    "sinc", "nan_to_num", "hypot", "copysign", "logaddexp", "logaddexp2", "float_power",
    "mod", "remainder", "fmod", "fmax", "fmin", "heaviside", "ldexp", "frexp", "modf",
    "divmod", "nextafter", "i0",
] + _NONDIFF


# --- what each VJP rule reads (the tape keeps only these; see registry.vjp_reads)
def _declare_reads():
    from ..registry import vjp_reads
    for p in (add, subtract):
        vjp_reads(p, {0: (), 1: ()})            # shapes only
    vjp_reads(negative, {0: ()})
    vjp_reads(multiply, {0: (1,), 1: (0,)})
    vjp_reads(divide, {0: (1,), 1: ("ans", 1)})
    for p in (sin, cos, log, log1p, square):
        vjp_reads(p, {0: (0,)})
    for p in (exp, tanh, sqrt):
        vjp_reads(p, {0: ("ans",)})
    vjp_reads(power, {0: (0, 1), 1: ("ans", 0, 1)})
    vjp_reads(where_p, {1: (0,), 2: (0,)})      # the condition only
    vjp_reads(clip_p, {0: (0, 1, 2), 1: (0, 1, 2), 2: (0, 1, 2)})   # not the output


_declare_reads()
