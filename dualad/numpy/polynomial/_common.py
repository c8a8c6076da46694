"""Shared machinery of ``dualad.numpy.polynomial``: one factory per kind of
function, filled in per basis by the basis modules.

Every public function first checks for traced values; with none it calls
NumPy's own function and returns its result untouched.  Traced calls take one
of two routes:

* evaluation (``*val``, and through it ``*val2d/3d``, ``*grid2d/3d``) runs
  the basis's own recurrence (Horner, Clenshaw, the three-term recurrence)
  written with dualad.numpy operations, in NumPy's order, so values are
  NumPy's to the bit and every derivative order and nesting comes from the
  registry's existing rules;
* the coefficient maps (``*der``, ``*int``, ``*add/sub/mul/mulx/pow``,
  ``*vander``, ``*fit``, ``*line``) take their value from NumPy's function on
  the plain values and their derivative from a differentiable composition
  equal to it up to rounding (``dualad.numpy._poly._exact``): linear maps are
  products with a matrix that NumPy's function builds from unit vectors,
  products are bilinear forms built the same way, the Vandermonde matrix is
  the traced evaluation of each basis polynomial, and the fit is NumPy's own
  formulation (column-scaled ``lstsq``) on traced values.

Trimming convention: where NumPy drops trailing zero coefficients (``as_series``
in ``*add``, ``*sub``, ``*mul``, ``*mulx``, ``*pow``), a traced coefficient is
never dropped, even when its value is 0, because its derivative need not be
(plain inputs are trimmed as NumPy trims them).  The result is then longer
than NumPy's by those exact zeros.
"""
from __future__ import annotations

import functools

import numpy as _np

from ...tracer import Tracer, contains_tracer, ndim_of, primal_of, shape_of
from .._poly import _exact

_INT_CHARS = "?bBhHiIlLqQpP"


def _dnp():
    from ... import numpy as dnp
    return dnp


def traced(*xs):
    return contains_tracer(xs)


def plain(x):
    """The plain value of ``x`` (a list holding traced values included)."""
    if isinstance(x, (list, tuple)) and contains_tracer(x):
        x = _dnp().asarray(x)
    return primal_of(x)


def arr(x):
    """``x`` as an array; traced values (and lists holding them) stay traced."""
    if contains_tracer(x):
        return _dnp().asarray(x)
    return _np.asarray(x)


def _is_arraylike(x):
    return isinstance(x, (_np.ndarray, Tracer))


# --- evaluation ----------------------------------------------------------------------
def coef_array(c):
    """NumPy's ``np.array(c, ndmin=1)`` with integers and bools as float64."""
    c = arr(c)
    if ndim_of(c) == 0:
        c = _dnp().reshape(c, (1,)) if isinstance(c, Tracer) else c.reshape(1)
    if _np.result_type(primal_of(c)).char in _INT_CHARS:
        c = c + 0.0
    return c


def make_val(np_val, recurrence, name):
    """``<basis>val(x, c, tensor=True)`` from NumPy's function and the basis
    recurrence ``recurrence(x, c)`` (``c`` prepared, ``x`` possibly traced)."""

    def val(x, c, tensor=True):
        if not traced(x, c):
            return np_val(x, c, tensor)
        c = coef_array(c)
        if isinstance(x, (tuple, list)):
            x = arr(x)
        if _is_arraylike(x) and tensor:
            nx = ndim_of(x)
            if nx:
                c = _dnp().reshape(c, shape_of(c) + (1,) * nx)
        return recurrence(x, c)

    val.__name__ = val.__qualname__ = name
    val.__doc__ = (f"``numpy.polynomial.{np_val.__module__.rsplit('.', 1)[-1]}.{name}``, "
                   "differentiable in ``x`` and ``c`` (NumPy's recurrence on traced values).")
    return val


def _nd_args(args, what):
    out = []
    for a in args:
        out.append(arr(a) if contains_tracer(a) else _np.asanyarray(a))
    shape0 = shape_of(out[0])
    if not all(shape_of(a) == shape0 for a in out[1:]):
        raise ValueError(what)
    return out


def _points_and_last(args, n, name):
    """The ``n`` point arrays and the last argument of a ``*val/grid/vander`` in
    ``n`` dimensions, as NumPy's signature ``f(x1, ..., xn, last)`` takes them."""
    if len(args) != n + 1:
        raise TypeError(f"{name}() takes {n + 1} positional arguments")
    return args


def make_valnd(np_fn, val, n, name):
    msg = {2: "x, y are incompatible", 3: "x, y, z are incompatible"}[n]

    def valnd(*args):
        *xs, c = _points_and_last(args, n, name)
        if not traced(*args):
            return np_fn(*args)
        xs = _nd_args(xs, msg)
        c = val(xs[0], c)
        for xi in xs[1:]:
            c = val(xi, c, tensor=False)
        return c

    valnd.__name__ = valnd.__qualname__ = name
    valnd.__doc__ = f"``{name}``, differentiable in the points and the coefficients."
    return valnd


def make_gridnd(np_fn, val, n, name):
    def gridnd(*args):
        *xs, c = _points_and_last(args, n, name)
        if not traced(*args):
            return np_fn(*args)
        for xi in xs:
            c = val(xi, c)
        return c

    gridnd.__name__ = gridnd.__qualname__ = name
    gridnd.__doc__ = f"``{name}``, differentiable in the points and the coefficients."
    return gridnd


# --- linear maps of the coefficients ---------------------------------------------------
def _apply_matrix(M, c, axis=0):
    """``M`` (out, n) applied to ``c`` along ``axis`` (traced)."""
    dnp = _dnp()
    cm = dnp.moveaxis(c, axis, 0)
    dt = _np.result_type(primal_of(c))
    r = dnp.tensordot(M.astype(dt) if dt.kind in "fc" else M, cm, axes=([1], [0]))
    return dnp.moveaxis(r, 0, axis)


def _matrix_of(fn, n, dtype=_np.float64):
    """The matrix of the linear map ``fn`` on coefficient vectors of length ``n``."""
    cols = [_np.asarray(fn(_np.eye(n, dtype=dtype)[j])) for j in range(n)]
    m = max(col.shape[0] for col in cols)      # NumPy trims the unit vectors
    return _np.stack([_np.pad(col, (0, m - col.shape[0])) for col in cols], axis=1)


def _axis_of(axis, nd, name):
    iaxis = int(axis) if not isinstance(axis, Tracer) else None
    if iaxis is None or iaxis != axis:
        raise TypeError(f"{name}: axis must be an integer")
    if not -nd <= iaxis < nd:
        raise _np.exceptions.AxisError(iaxis, nd)
    return iaxis % nd


def _cast_float(c):
    if _np.result_type(primal_of(c)).char in _INT_CHARS:
        return c + 0.0
    return c


def make_der(np_der, name):
    @functools.lru_cache(maxsize=256)
    def matrix(n, m):
        return _matrix_of(lambda e: np_der(e, m), n)

    def der(c, m=1, scl=1, axis=0):
        if not traced(c, scl):
            return np_der(c, m, scl, axis)
        v = np_der(plain(c), m, primal_of(scl), axis)
        cnt = int(m)                  # NumPy has checked m
        c = _cast_float(coef_array(c))
        ax = _axis_of(axis, ndim_of(c), name)
        if cnt == 0:
            return _exact(v, c)
        n = shape_of(c)[ax]
        e = _apply_matrix(matrix(n, cnt), c, ax)
        if isinstance(scl, Tracer) or scl != 1:
            e = e * scl ** cnt
        return _exact(v, e)

    der.__name__ = der.__qualname__ = name
    der.__doc__ = (f"``{name}``: NumPy's value; differentiable in ``c`` and ``scl`` "
                   "(the derivative is the same linear map applied to the tangent).")
    return der


def make_int(np_int, val, name):
    @functools.lru_cache(maxsize=256)
    def matrix(n):
        return _matrix_of(lambda e: np_int(e, 1), n)

    def integ(c, m=1, k=[], lbnd=0, scl=1, axis=0):  # noqa: B006 (NumPy's signature)
        if not traced(c, k, lbnd, scl):
            return np_int(c, m, k, lbnd, scl, axis)
        v = np_int(plain(c), m, plain(k), primal_of(lbnd), primal_of(scl), axis)
        dnp = _dnp()
        cnt = int(m)                  # NumPy has checked m, k and axis
        c = _cast_float(coef_array(c))
        ax = _axis_of(axis, ndim_of(c), name)
        if cnt == 0:
            return _exact(v, c)
        kk = arr(k)
        if ndim_of(kk) == 0:
            kk = dnp.reshape(kk, (1,)) if isinstance(kk, Tracer) else kk.reshape(1)
        kl = [kk[i] for i in range(shape_of(kk)[0])] + [0.0] * (cnt - shape_of(kk)[0])
        c = dnp.moveaxis(arr(c), ax, 0)
        for i in range(cnt):
            t = _apply_matrix(matrix(shape_of(c)[0]), c, 0) * scl
            first = t[0] + kl[i] - val(lbnd, t, tensor=False)
            c = dnp.concatenate([dnp.reshape(first, (1,) + shape_of(first)), t[1:]], axis=0)
        # NumPy keeps the zero constant series at length 1 (its integral is [k]);
        # the traced result keeps every coefficient, the extra ones are exact zeros
        v = _np.moveaxis(_np.asarray(v), ax, 0)
        if v.shape[0] < shape_of(c)[0]:
            v = _np.concatenate([v, _np.zeros((shape_of(c)[0] - v.shape[0],) + v.shape[1:],
                                              v.dtype)])
        return dnp.moveaxis(_exact(v, c), 0, ax)

    integ.__name__ = integ.__qualname__ = name
    integ.__doc__ = (f"``{name}``: NumPy's value; differentiable in ``c``, ``k``, "
                     "``lbnd`` and ``scl``.")
    return integ


def _series_pair(c1, c2):
    """NumPy's ``as_series`` for two series: plain ones trimmed, traced ones not."""
    out = []
    for c in (c1, c2):
        c = coef_array(c)
        if ndim_of(c) != 1:
            raise ValueError("Coefficient array is not 1-d")
        if shape_of(c)[0] == 0:
            raise ValueError("Coefficient array is empty")
        if not isinstance(c, Tracer):
            from numpy.polynomial import polyutils as pu
            c = pu.trimseq(c)
        out.append(c)
    return out


def _pad_to(v, n):
    v = _np.asarray(v)
    if v.shape[0] >= n:
        return v
    return _np.concatenate([v, _np.zeros(n - v.shape[0], v.dtype)])


def make_addsub(np_fn, sign, name):
    def fn(c1, c2):
        if not traced(c1, c2):
            return np_fn(c1, c2)
        dnp = _dnp()
        a, b = _series_pair(c1, c2)
        n = max(shape_of(a)[0], shape_of(b)[0])
        dt = _np.result_type(primal_of(a), primal_of(b))

        def pad(s):
            k = n - shape_of(s)[0]
            return s if k == 0 else dnp.concatenate([s, _np.zeros(k, dt)])
        e = pad(a) + pad(b) if sign > 0 else pad(a) - pad(b)
        return _exact(_pad_to(np_fn(plain(c1), plain(c2)), n), e)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``{name}``, differentiable in both series (traced zeros are kept)."
    return fn


def make_mulx(np_mulx, name):
    @functools.lru_cache(maxsize=256)
    def matrix(n):
        return _matrix_of(np_mulx, n)

    def mulx(c):
        if not traced(c):
            return np_mulx(c)
        (c,) = _series_pair(c, [0.0])[:1]
        n = shape_of(c)[0]
        e = _apply_matrix(matrix(n), c, 0)
        return _exact(_pad_to(np_mulx(plain(c)), n + 1), e)

    mulx.__name__ = mulx.__qualname__ = name
    mulx.__doc__ = f"``{name}``, differentiable in ``c``."
    return mulx


def make_mul(np_mul, name):
    @functools.lru_cache(maxsize=256)
    def tensor(n1, n2):
        T = _np.zeros((n1 + n2 - 1, n1, n2))
        for i in range(n1):
            for j in range(n2):
                r = _np.asarray(np_mul(_np.eye(n1)[i], _np.eye(n2)[j]))
                T[:r.shape[0], i, j] = r
        return T

    def bilinear(a, b):
        dnp = _dnp()
        T = tensor(shape_of(a)[0], shape_of(b)[0])
        dt = _np.result_type(primal_of(a), primal_of(b))
        T = T.astype(_np.result_type(T.dtype, dt))
        return dnp.tensordot(dnp.tensordot(T, b, axes=([2], [0])), a, axes=([1], [0]))

    def mul(c1, c2):
        if not traced(c1, c2):
            return np_mul(c1, c2)
        a, b = _series_pair(c1, c2)
        e = bilinear(a, b)
        return _exact(_pad_to(np_mul(plain(c1), plain(c2)), shape_of(e)[0]), e)

    mul.__name__ = mul.__qualname__ = name
    mul.__doc__ = f"``{name}``, differentiable in both series (traced zeros are kept)."
    mul.bilinear = bilinear
    return mul


def make_pow(np_pow, mul, name):
    def pow_(c, pow, maxpower=None):  # noqa: A002 (NumPy's signature)
        kw = {} if maxpower is None else {"maxpower": maxpower}
        if not traced(c):
            return np_pow(c, pow, **kw)
        v = np_pow(plain(c), pow, **kw)        # NumPy's checks and value
        (c,) = _series_pair(c, [0.0])[:1]
        p = int(pow)
        if p == 0:
            return v
        e = c
        for _ in range(p - 1):
            e = mul.bilinear(e, c)
        return _exact(_pad_to(v, shape_of(e)[0]), e)

    pow_.__name__ = pow_.__qualname__ = name
    pow_.__doc__ = f"``{name}``, differentiable in ``c`` (repeated products)."
    return pow_


def make_line(np_line, name):
    def line(off, scl):
        if not traced(off, scl):
            return np_line(off, scl)
        dnp = _dnp()
        v = _np.asarray(np_line(primal_of(off), primal_of(scl)))
        # every basis's line is [off + a*scl, b*scl] for constants a, b read from NumPy
        base = _np.asarray(np_line(0.0, 1.0))
        a, b = (base[0], base[1]) if base.shape[0] > 1 else (0.0, 0.0)
        if v.shape[0] == 1:
            return _exact(v, dnp.reshape(arr(off) + 0.0 * arr(scl), (1,)))
        e = dnp.stack([arr(off) + a * arr(scl), b * arr(scl)])
        return _exact(v, e)

    line.__name__ = line.__qualname__ = name
    line.__doc__ = f"``{name}``, differentiable in ``off`` and ``scl``."
    return line


def make_vander(np_vander, val, name):
    def vander(x, deg):
        if not traced(x):
            return np_vander(x, deg)
        dnp = _dnp()
        v = np_vander(plain(x), deg)          # NumPy's checks and value
        ideg = v.shape[-1] - 1
        x = arr(x) + 0.0
        if ndim_of(x) == 0:
            x = dnp.reshape(x, (1,))
        cols = []
        for j in range(ideg + 1):
            e = _np.zeros(j + 1, dtype=_np.result_type(primal_of(x)))
            e[j] = 1
            cols.append(val(x, e) if j else x * 0 + 1)
        return _exact(v, dnp.stack(cols, axis=-1))

    vander.__name__ = vander.__qualname__ = name
    vander.__doc__ = (f"``{name}``: NumPy's value, differentiable in ``x`` (each column "
                      "is the traced evaluation of one basis polynomial).")
    return vander


def make_vandernd(np_fn, vander, n, name):
    def vandernd(*args):
        *xs, deg = _points_and_last(args, n, name)
        if not traced(*xs):
            return np_fn(*args)
        dnp = _dnp()
        v = np_fn(*[plain(x) for x in xs], deg)     # NumPy's checks and value
        xs = [arr(x) + 0.0 for x in xs]
        shape = shape_of(xs[0]) or (1,)        # NumPy's vander makes 0-d points 1-d
        r = None
        for i, (x, d) in enumerate(zip(xs, deg)):
            vi = vander(x, d)
            vi = dnp.reshape(vi, shape + (1,) * i + (shape_of(vi)[-1],) + (1,) * (n - 1 - i))
            r = vi if r is None else r * vi
        return _exact(v, dnp.reshape(r, shape + (-1,)))

    vandernd.__name__ = vandernd.__qualname__ = name
    vandernd.__doc__ = f"``{name}``: NumPy's value, differentiable in the points."
    return vandernd


def make_fit(np_fit, vander, name):
    def fit(x, y, deg, rcond=None, full=False, w=None):
        if not traced(x, y, w):
            return np_fit(x, y, deg, rcond=rcond, full=full, w=w)
        dnp = _dnp()
        from ..linalg import lstsq
        vals = np_fit(plain(x), plain(y), deg, rcond=rcond, full=full,
                      w=None if w is None else plain(w))
        x = arr(x) + 0.0
        y = arr(y) + 0.0
        degs = _np.asarray(deg)
        if degs.ndim == 0:
            lmax = int(degs)
            van = vander(x, lmax)
        else:
            degs = _np.sort(degs)
            lmax = int(degs[-1])
            van = vander(x, lmax)[:, degs]
        lhs = dnp.transpose(van)
        rhs = dnp.transpose(y)
        if w is not None:
            w = arr(w) + 0.0
            lhs = lhs * w
            rhs = rhs * w
        if rcond is None:
            rcond = shape_of(x)[0] * _np.finfo(_np.result_type(primal_of(x))).eps
        if _np.result_type(primal_of(lhs)).kind == "c":
            scl = dnp.sqrt(dnp.sum(dnp.real(lhs) ** 2 + dnp.imag(lhs) ** 2, axis=1))
        else:
            scl = dnp.sqrt(dnp.sum(lhs * lhs, axis=1))
        zero = _np.asarray(primal_of(scl)) == 0
        if zero.any():
            scl = dnp.where(zero, 1.0, scl)
        c, resids, rank, s = lstsq(dnp.transpose(lhs) / scl, dnp.transpose(rhs), rcond)
        c = dnp.transpose(dnp.transpose(c) / scl)
        if degs.ndim > 0:
            rows = [None] * (lmax + 1)
            for i, d in enumerate(degs):
                rows[int(d)] = c[i]
            zero_row = _np.zeros(shape_of(c)[1:], dtype=_np.result_type(primal_of(c)))
            c = dnp.stack([zero_row if r is None else r for r in rows])
        if full:
            cv, (rv, rank_v, sv, rc) = vals
            rv2 = _exact(rv, resids) if _np.size(rv) else rv
            return _exact(cv, c), [rv2, rank_v, _exact(sv, s), rc]
        return _exact(vals, c)

    fit.__name__ = fit.__qualname__ = name
    fit.__doc__ = (f"``{name}``: NumPy's value; differentiable in ``x``, ``y`` and ``w`` "
                   "where the rank of the scaled Vandermonde matrix does not change "
                   "(NumPy's formulation, column-scaled ``lstsq``, on traced values).")
    return fit


def make_fromroots(np_fromroots, line, mul, name):
    def fromroots(roots):
        if not traced(roots):
            return np_fromroots(roots)
        dnp = _dnp()
        v = np_fromroots(plain(roots))              # NumPy's checks and value
        r = dnp.ravel(arr(roots))
        if _np.result_type(primal_of(r)).char in _INT_CHARS:
            r = r + 0.0
        n = shape_of(r)[0]
        if n == 0:
            return v
        e = line(-r[0], 1)
        for i in range(1, n):
            e = mul.bilinear(e, line(-r[i], 1))
        return _exact(v, e)

    fromroots.__name__ = fromroots.__qualname__ = name
    fromroots.__doc__ = (f"``{name}``: NumPy's value, differentiable in the roots "
                         "(a product of the lines ``x - r``).")
    return fromroots


def make_roots(np_roots, val, der, name):
    def roots(c):
        if not traced(c):
            return np_roots(c)
        v = np_roots(plain(c))                      # NumPy's checks, order and value
        c = _cast_float(coef_array(c))
        if ndim_of(c) != 1 or len(v) == 0:
            return v
        # the implicit function val(r, c) = 0: dr = -val(r, dc) / val(r, der(c)), at
        # every order, from Newton steps on the traced coefficients started at
        # NumPy's roots (3 steps: exact to order 7).  All of c takes part, the
        # zero highest coefficients NumPy trims too (the finite roots move with them)
        dc = der(c)
        r = v
        for _ in range(3):
            r = r - val(r, c) / val(r, dc)
        return _exact(v, r)

    roots.__name__ = roots.__qualname__ = name
    roots.__doc__ = (f"``{name}``: NumPy's roots (its order, real or complex as NumPy "
                     "returns them), differentiable in ``c`` where they are simple: "
                     "``dr = -dp(r) / p'(r)``, the derivative of the implicit function "
                     "``p(r) = 0``, at every order.  A multiple root has no derivative "
                     "(it is infinite there): its derivatives come out inf, NaN or huge.")
    return roots


def clenshaw(c, lower, upper, last):
    """NumPy's Clenshaw loop over the coefficients ``c`` (highest first), the
    basis's recurrence given by ``lower(c1, nd)`` (subtracted from the next
    coefficient), ``upper(c1, nd)`` (added to the previous ``c0``) and
    ``last(c0, c1)``; each basis passes its own terms in NumPy's order of
    operations, so values are NumPy's to the bit."""
    if len(c) == 1:
        c0, c1 = c[0], 0
    elif len(c) == 2:
        c0, c1 = c[0], c[1]
    else:
        nd = len(c)
        c0, c1 = c[-2], c[-1]
        for i in range(3, len(c) + 1):
            tmp = c0
            nd = nd - 1
            c0 = c[-i] - lower(c1, nd)
            c1 = tmp + upper(c1, nd)
    return last(c0, c1)


def make_unsupported(np_fn, name, what="traced values"):
    """NumPy's function for plain values; a clear error for traced ones."""
    def fn(*args, **kwargs):
        if traced(args, kwargs):
            raise NotImplementedError(
                f"dualad.numpy.polynomial: {name} is not differentiable in dualad "
                f"(called with {what}); call it on plain values (ad.stop_gradient) "
                "or use the differentiable functions listed in docs/polynomial.md")
        return np_fn(*args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``{name}``: NumPy's own for plain values; traced values raise NotImplementedError."
    fn._dualad_nondiff = True      # not listed as differentiable in docs/coverage.md
    return fn


def build(g, p, nm, recurrence):
    """Fill the module namespace ``g`` with the functions of the basis with prefix ``p``
    (NumPy's module ``nm``; its evaluation recurrence ``recurrence(x, c)``)."""
    f = {}
    f["val"] = make_val(getattr(nm, p + "val"), recurrence, p + "val")
    for n in (2, 3):
        f[f"val{n}d"] = make_valnd(getattr(nm, f"{p}val{n}d"), f["val"], n, f"{p}val{n}d")
        f[f"grid{n}d"] = make_gridnd(getattr(nm, f"{p}grid{n}d"), f["val"], n, f"{p}grid{n}d")
    f["der"] = make_der(getattr(nm, p + "der"), p + "der")
    f["int"] = make_int(getattr(nm, p + "int"), f["val"], p + "int")
    f["add"] = make_addsub(getattr(nm, p + "add"), 1, p + "add")
    f["sub"] = make_addsub(getattr(nm, p + "sub"), -1, p + "sub")
    f["mulx"] = make_mulx(getattr(nm, p + "mulx"), p + "mulx")
    f["mul"] = make_mul(getattr(nm, p + "mul"), p + "mul")
    f["pow"] = make_pow(getattr(nm, p + "pow"), f["mul"], p + "pow")
    f["line"] = make_line(getattr(nm, p + "line"), p + "line")
    f["vander"] = make_vander(getattr(nm, p + "vander"), f["val"], p + "vander")
    for n in (2, 3):
        f[f"vander{n}d"] = make_vandernd(getattr(nm, f"{p}vander{n}d"), f["vander"], n,
                                         f"{p}vander{n}d")
    f["fit"] = make_fit(getattr(nm, p + "fit"), f["vander"], p + "fit")
    f["fromroots"] = make_fromroots(getattr(nm, p + "fromroots"), f["line"], f["mul"],
                                    p + "fromroots")
    f["roots"] = make_roots(getattr(nm, p + "roots"), f["val"], f["der"], p + "roots")
    for k, fn in f.items():
        fn.__module__ = g["__name__"]
        g[p + k] = fn
    for name in nm.__all__:
        if name in g:
            continue
        obj = getattr(nm, name)
        if callable(obj) and not isinstance(obj, type):
            g[name] = make_unsupported(obj, name)
            g[name].__module__ = g["__name__"]
        elif not isinstance(obj, type):
            g[name] = obj                  # the constants: plain arrays
    return f


def _pu():
    from numpy.polynomial import polyutils
    return polyutils


def _traced_domain(x, who, widen=False):
    """``polyutils.getdomain`` of a traced ``x`` (real only); ``widen``: ``fit``'s
    widening of a degenerate domain."""
    dnp = _dnp()
    xa = arr(x)
    if _np.iscomplexobj(primal_of(xa)):
        raise NotImplementedError(f"{who}: traced complex values with domain=None are "
                                  "not supported; pass domain explicitly")
    xa = dnp.reshape(xa, (-1,)) if ndim_of(xa) == 0 else xa
    lo, hi = dnp.min(xa) + 0.0, dnp.max(xa) + 0.0
    if widen and primal_of(lo) == primal_of(hi):
        lo, hi = lo - 1, hi + 1
    return dnp.stack([lo, hi])


# NumPy's series classes -> ours (filled by make_class): ``convert`` to a NumPy kind
# and a NumPy series passed to a traced series use the mirror class
_MIRRORS = {}


def _mirror(series):
    """A NumPy series (plain coefficients) as an instance of our mirror class."""
    cls = _MIRRORS.get(type(series))
    if cls is None:
        return series
    return cls(series.coef, series.domain, series.window, series.symbol)


def _is_scalar(x):
    """NumPy's test for true division (a number, not a bool), traced 0-d values too."""
    import numbers
    if isinstance(x, Tracer):
        if ndim_of(x) != 0:
            return False
        x = _np.asarray(primal_of(x))[()]
    return isinstance(x, numbers.Number) and not isinstance(x, (bool, _np.bool_))


def make_class(np_cls, f, module):
    """A subclass of NumPy's series class whose coefficients, domain and window
    may be traced (see the package docstring)."""
    from numpy.polynomial._polybase import ABCPolyBase
    unsupported = {k: make_unsupported(getattr(np_cls, k), f"{np_cls.__name__}.{k[1:]}")
                   for k in ("_div",)}
    name = np_cls.__name__

    class Series(np_cls):
        _add = staticmethod(f["add"])
        _sub = staticmethod(f["sub"])
        _mul = staticmethod(f["mul"])
        _pow = staticmethod(f["pow"])
        _val = staticmethod(f["val"])
        _int = staticmethod(f["int"])
        _der = staticmethod(f["der"])
        _fit = staticmethod(f["fit"])
        _line = staticmethod(f["line"])
        _div = staticmethod(unsupported["_div"])
        _roots = staticmethod(f["roots"])
        _fromroots = staticmethod(f["fromroots"])

        def __init__(self, coef, domain=None, window=None, symbol="x"):
            super().__init__(plain(coef), None if domain is None else plain(domain),
                             None if window is None else plain(window), symbol)
            if traced(coef):
                c = coef_array(coef)
                if c.dtype != self.coef.dtype:
                    c = _dnp().astype(c, self.coef.dtype)
                self.coef = c
            for nm_, v in (("domain", domain), ("window", window)):
                if v is not None and traced(v):
                    a = arr(v)
                    pv = getattr(self, nm_)
                    setattr(self, nm_, a if a.dtype == pv.dtype else _dnp().astype(a, pv.dtype))

        def _traced(self):
            return traced(self.coef, self.domain, self.window)

        def _plain(self):
            """NumPy's series with the plain values of ours (printing)."""
            return np_cls(primal_of(self.coef), primal_of(self.domain),
                          primal_of(self.window), self.symbol)

        def _like(self, coef):
            return self.__class__(coef, self.domain, self.window, self.symbol)

        def roots(self):
            if not self._traced():
                return super().roots()
            # NumPy's mapdomain(roots, window, domain), off + scl * roots, which
            # converts its argument with np.asanyarray
            off, scl = _pu().mapparms(self.window, self.domain)
            return off + scl * self._roots(self.coef)

        roots.__doc__ = np_cls.roots.__doc__

        def __call__(self, arg):
            if isinstance(arg, ABCPolyBase):
                if not self._traced():
                    return super().__call__(arg)
                # composition p(q): series arithmetic on traced coefficients needs
                # our classes, so a NumPy series argument becomes our mirror
                off, scl = self.mapparms()
                return self._val(off + scl * _mirror(arg), self.coef)
            if not traced(arg, self.coef, self.domain, self.window):
                return super().__call__(arg)
            x = arr(arg) if isinstance(arg, (list, tuple)) or traced(arg) else _np.asanyarray(arg)
            off, scl = self.mapparms()
            return self._val(off + scl * x, self.coef)

        def _get_coefficients(self, other):
            if isinstance(other, ABCPolyBase):
                if not isinstance(other, np_cls):
                    raise TypeError("Polynomial types differ")
                if not _np.all(primal_of(self.domain) == primal_of(other.domain)):
                    raise TypeError("Domains differ")
                if not _np.all(primal_of(self.window) == primal_of(other.window)):
                    raise TypeError("Windows differ")
                if self.symbol != other.symbol:
                    raise ValueError("Polynomial symbols differ")
                return other.coef
            return other

        # A NumPy series on the left of a traced one: NumPy's __add__ cannot take
        # traced coefficients and returns NotImplemented, and NumPy's __radd__ cannot
        # read a series as coefficients.  Defined here, the reflected methods run
        # first (a subclass's reflected operator has priority); untraced, they defer
        # to NumPy's own left operand (NotImplemented), as before.
        def _reflected(self, other, op):
            if isinstance(other, ABCPolyBase):
                if not (self._traced() or traced(other.coef, other.domain, other.window)):
                    return NotImplemented
                return self._like(op(self._get_coefficients(other), self.coef))
            return None

        def __radd__(self, other):
            r = self._reflected(other, self._add)
            return super().__radd__(other) if r is None else r

        def __rsub__(self, other):
            r = self._reflected(other, self._sub)
            return super().__rsub__(other) if r is None else r

        def __rmul__(self, other):
            r = self._reflected(other, self._mul)
            return super().__rmul__(other) if r is None else r

        # Division by a scalar (plain or traced) is ``coef / s`` (NumPy's value: its
        # ``*div`` by a length-1 series); division by a series stays NumPy's only.
        def _scalar_divmod(self, other):
            if primal_of(other) == 0:
                raise ZeroDivisionError(f"{name}: division by zero")
            po = _np.asarray(primal_of(other))[()]
            q, r = divmod(self._plain(), po)                   # NumPy's values
            e = self.coef / other
            n = shape_of(e)[0]
            return (self._like(_exact(_pad_to(q.coef, n), e)),
                    self._like(_exact(r.coef, e[:1] * 0)))

        def __truediv__(self, other):
            if not traced(self.coef, other):
                return super().__truediv__(other)
            if not _is_scalar(other):
                raise TypeError(
                    f"{name}: a series can be divided with / only by a number "
                    f"(plain or a traced scalar), not by {type(other).__name__}"
                    + (f" of shape {shape_of(other)}" if isinstance(other, Tracer) else "")
                    + "; // % divmod divide by series")
            return self._scalar_divmod(other)[0]

        def __rtruediv__(self, other):
            if isinstance(other, Tracer):
                raise TypeError(f"{name}: a number cannot be divided by a series "
                                "(as in NumPy: only series / number)")
            return super().__rtruediv__(other)

        def __divmod__(self, other):
            if traced(self.coef, other) and _is_scalar(other):
                return self._scalar_divmod(other)
            self._no_division(other)
            return super().__divmod__(other)

        def __rdivmod__(self, other):
            self._no_division(other)
            return super().__rdivmod__(other)

        def _no_division(self, other):
            oc = other.coef if isinstance(other, ABCPolyBase) else other
            if traced(self.coef, oc):
                raise NotImplementedError(
                    f"{name}: division by a series (//, %, divmod) is not differentiable "
                    "in dualad; divide plain series (ad.stop_gradient). Division by a "
                    "number (plain or traced) is supported")

        def trim(self, tol=0):
            if not traced(self.coef):
                return super().trim(tol)
            # NumPy's trimcoef: a selection by the plain values (tol's derivative is 0)
            pc = _np.asarray(primal_of(self.coef))
            v = _pu().trimcoef(pc, primal_of(tol))             # NumPy's checks and value
            (ind,) = _np.nonzero(_np.abs(pc) > primal_of(tol))
            e = self.coef[:ind[-1] + 1] if len(ind) else self.coef[:1] * 0
            return self._like(_exact(v, e))

        def convert(self, domain=None, kind=None, window=None):
            if kind is not None and self._traced():
                kind = _MIRRORS.get(kind, kind)     # NumPy's classes cannot hold traced values
            return super().convert(domain=domain, kind=kind, window=window)

        # printing: the plain values, marked as traced
        def _traced_note(self):
            what = [k for k in ("coef", "domain", "window") if traced(getattr(self, k))]
            return ", ".join(what)

        def __repr__(self):
            if not self._traced():
                return super().__repr__()
            return f"{self._plain()!r}  # traced: {self._traced_note()}"

        def __str__(self):
            if not self._traced():
                return super().__str__()
            return f"{self._plain()}  (traced: {self._traced_note()})"

        def __format__(self, fmt_str):
            if not self._traced() or fmt_str == "":
                return super().__format__(fmt_str)
            return f"{format(self._plain(), fmt_str)}  (traced: {self._traced_note()})"

        def _repr_latex_(self):
            if not self._traced():
                return super()._repr_latex_()
            return self._plain()._repr_latex_()

        def __eq__(self, other):
            # NumPy's test is isinstance(other, self.__class__): NumPy's own instances
            # of the basis compare equal to ours, both ways round
            return (isinstance(other, np_cls)
                    and _np.all(primal_of(self.domain) == primal_of(other.domain))
                    and _np.all(primal_of(self.window) == primal_of(other.window))
                    and shape_of(self.coef) == shape_of(other.coef)
                    and _np.all(primal_of(self.coef) == primal_of(other.coef))
                    and self.symbol == other.symbol)

        @classmethod
        def fromroots(cls, roots, domain=[], window=None, symbol="x"):  # noqa: B006
            if not traced(roots, domain, window):
                return super().fromroots(roots, domain=domain, window=window, symbol=symbol)
            roots = _dnp().ravel(arr(roots))
            if domain is None:
                domain = _traced_domain(roots, np_cls.__name__ + ".fromroots")
            elif isinstance(domain, list) and len(domain) == 0:
                domain = cls.domain
            if window is None:
                window = cls.window
            off, scl = _pu().mapparms(arr(domain), arr(window))
            coef = cls._fromroots(off + scl * roots) / scl ** shape_of(roots)[0]
            return cls(coef, domain=domain, window=window, symbol=symbol)

        @classmethod
        def fit(cls, x, y, deg, domain=None, rcond=None, full=False, w=None,
                window=None, symbol="x"):
            if not traced(x, y, w, domain, window):
                return super().fit(x, y, deg, domain=domain, rcond=rcond, full=full,
                                   w=w, window=window, symbol=symbol)
            if domain is None:
                domain = _traced_domain(x, np_cls.__name__ + ".fit", widen=True)
            elif isinstance(domain, list) and len(domain) == 0:
                domain = cls.domain
            if window is None:
                window = cls.window
            domain, window = arr(domain), arr(window)
            off, scl = _pu().mapparms(domain, window)
            xnew = off + scl * arr(x)
            res = cls._fit(xnew, y, deg, w=w, rcond=rcond, full=full)
            if full:
                coef, status = res
                return cls(coef, domain=domain, window=window, symbol=symbol), status
            return cls(res, domain=domain, window=window, symbol=symbol)

    _MIRRORS[np_cls] = Series
    Series.__name__ = Series.__qualname__ = np_cls.__name__
    Series.__module__ = module
    Series.__doc__ = (f"``numpy.polynomial.{np_cls.__name__}`` whose coefficients, domain "
                      "and window may be traced, and which may be called on traced "
                      "points; a subclass of NumPy's class (see docs/polynomial.md).")
    return Series
