"""Differentiable ``scipy.interpolate``: ``CubicSpline``, ``CubicHermiteSpline``,
``PchipInterpolator``, ``Akima1DInterpolator`` and ``PPoly`` (the piecewise
polynomials they build), ``RegularGridInterpolator`` and ``interpn`` (methods
'linear' and 'nearest') and ``interp1d`` (every kind), and the B-splines (``BSpline``,
``make_interp_spline``, ``make_lsq_spline``, ``splev``, ``splder``,
``splantider``, ``splint``: see ``dualad/scipy/_bspline.py``), with SciPy's
signatures and values.  The last three are described in their docstrings and in
docs/scipy.md; they are written with ``dualad.numpy`` (no primitive of their own).

``CubicSpline(x, y, axis=0, bc_type='not-a-knot', extrapolate=None)`` computes
SciPy's coefficients with SciPy's formulas, written with ``dualad.numpy``: the
slopes at the knots solve SciPy's tridiagonal system (one primitive,
``"interpolate.solve_banded"``, which calls ``scipy.linalg.solve_banded``
itself, as SciPy does, and whose rules are solves with the same matrix and its
transpose).  So a spline is differentiable, to every order and in every
nesting of modes, in

* the data ``y`` (the coefficients are linear in it),
* the knots ``x`` (the system and its right-hand side are rational in them),
* the boundary values of ``bc_type=((order, value), (order, value))``,
* the evaluation points: ``spl(xs, nu)`` has derivative ``spl(xs, nu + 1)`` in
  ``xs``; the bounds of ``spl.integrate(a, b)`` have derivatives ``-spl(a)`` and
  ``spl(b)``.

Every ``bc_type`` of SciPy is supported ('not-a-knot', 'clamped', 'natural',
'periodic' and the tuple form), as are ``y`` with more dimensions (``axis``),
complex ``y``, ``extrapolate`` (``True``, ``False``, ``'periodic'``), and the
methods ``derivative``, ``antiderivative`` and ``integrate``; ``x``, ``c`` and
``axis`` are the attributes SciPy has (``c`` is traced when ``y`` or ``x`` is).
Called with no traced value, the constructor and the methods are SciPy's own
(the same values, bit for bit).  Traced, the operations are SciPy's, term for
term (values and integrals came out equal to SciPy's in the tests); the
antiderivative's constants differ by rounding (about 1e-15 relative: they are a
cumulative sum, where SciPy adds the terms in another order).

Conventions at the knots: a spline is evaluated on the half-open interval
``[x[i], x[i+1])`` (the last one closed), as SciPy does, so at a knot the
derivatives in ``xs`` (and in the knots) are those of the piece on the right
(of the last piece at ``x[-1]``).  Which piece a point falls in is read from the
values: a point moving across a knot is not a differentiable event.  With
``extrapolate=False`` a point outside ``[x[0], x[-1]]`` gives NaN, with zero
derivative.  With periodic extrapolation ``xs`` is mapped into the base period
by ``x[0] + (xs - x[0]) % (x[-1] - x[0])`` (derivative 1 in ``xs``).  A NaN
point (an infinite one too, with periodic extrapolation) gives NaN, as in SciPy
(for every ``nu``), with zero derivative in every mode: it does not make the
derivatives of the other points NaN.  ``integrate`` with a NaN bound raises
SciPy's ``ValueError``.

``CubicHermiteSpline``, ``PchipInterpolator`` and ``Akima1DInterpolator``
(``method='akima'`` or ``'makima'``) are built the same way (differentiable in
``x``, ``y``, ``dydx`` and the points).  PCHIP's and Akima's slopes are piecewise
smooth in the data, with branches (zero or sign-changing secants, ``abs`` of
secant differences, Akima's fallback where both weights vanish) chosen from the
values: the derivative is that of the branch taken, with ``abs'(0) = 0``.

``PPoly(c, x, extrapolate=None, axis=0)`` is SciPy's class for the supported
part: increasing breakpoints, evaluation, ``derivative``, ``antiderivative``
and ``integrate``, with ``c`` and ``x`` traced or not.  ``solve``, ``roots``,
``extend`` and the Bernstein basis are not provided.

Plain ``scipy.interpolate.CubicSpline`` (or a SciPy spline called on a traced
point) converts its input to a plain array and cannot see derivatives: dualad's
error then names ``dualad.scipy.interpolate.CubicSpline``.

>>> import numpy as np, dualad as ad
>>> from dualad.scipy.interpolate import CubicSpline
>>> x = np.linspace(0.0, 3.0, 7)
>>> f = lambda y: CubicSpline(x, y)(1.3)           # linear in y
>>> w = ad.grad(f)(np.sin(x))                      # the spline's cardinal weights at 1.3
>>> round(float(w.sum()), 12)                      # they reproduce constants
1.0
>>> spl = CubicSpline(x, np.sin(x))
>>> round(float(ad.grad(spl)(1.3)), 12) == round(float(spl(1.3, 1)), 12)
True
"""
from __future__ import annotations

import math as _math

import numpy as _np
import scipy.interpolate as _si
from scipy.special import poch as _poch

from .. import numpy as dnp
from ..tracer import contains_tracer, primal_of, shape_of
from ._banded import solve_banded_p      # shared with scipy.linalg.solve_banded

__all__ = ["CubicSpline", "CubicHermiteSpline", "PchipInterpolator", "Akima1DInterpolator",
           "PPoly", "RegularGridInterpolator", "interpn", "interp1d"]


# --- helpers -------------------------------------------------------------------------------

def _as(v, dt):
    return v if _np.result_type(primal_of(v)) == dt else dnp.astype(v, dt)


def _find_interval(xv, pv, extrapolate):
    """SciPy's ``find_interval`` for increasing ``xv``: the interval of each point
    (``[x[i], x[i+1])``, the last closed) and whether it has one (False for NaN
    and, without extrapolation, for points outside ``[x[0], x[-1]]``)."""
    m = len(xv) - 1
    idx = _np.clip(_np.searchsorted(xv, pv, side="right") - 1, 0, m - 1)
    with _np.errstate(invalid="ignore"):
        inside = (pv >= xv[0]) & (pv <= xv[-1])
        ok = inside if not extrapolate else ~_np.isnan(pv)
    return idx, ok


def _local(cc, s, dx):
    """SciPy's ``evaluate_poly1``: the ``dx``-th derivative (``dx >= 0``) or, for
    ``dx = -1``, the antiderivative with zero constant, of the local polynomials
    ``cc`` (``(k, N, ...)``, highest power first) at ``s`` (``(N, 1, ...)``), the
    terms added in SciPy's order."""
    k = shape_of(cc)[0]
    res = None
    z = 1.0
    if dx < 0:
        for _ in range(-dx):
            z = s if isinstance(z, float) else z * s        # 1.0 * s is s
    for kp in range(k):
        if dx >= 0:
            if kp < dx:
                continue
            pref = 1.0
            for j in range(kp, kp - dx, -1):
                pref *= j
        else:
            pref = 1.0
            for j in range(kp, kp - dx):
                pref /= j + 1
        term = cc[k - kp - 1] * z
        if pref != 1.0:
            term = term * pref
        res = term if res is None else res + term
        if kp < k - 1 and kp >= dx:
            z = s if isinstance(z, float) else z * s
    return res


def _moveaxis_out(out, x_ndim, axis):
    """PPoly's transposition putting the evaluation points' axes at ``axis``."""
    if axis == 0:
        return out
    nd = len(shape_of(out))
    perm = list(range(nd))
    perm = perm[x_ndim:x_ndim + axis] + perm[:x_ndim] + perm[x_ndim + axis:]
    return dnp.transpose(out, tuple(perm))


# --- PPoly ---------------------------------------------------------------------------------

class PPoly:
    """``scipy.interpolate.PPoly`` with traced coefficients ``c`` and breakpoints
    ``x`` allowed: evaluation (differentiable in the points too), ``derivative``,
    ``antiderivative`` and ``integrate`` (differentiable in its bounds).

    Only increasing breakpoints are supported.  ``c`` has shape ``(k, m, ...)``
    after the interpolation axis is moved to position 1, as in SciPy.
    """

    def __init__(self, c, x, extrapolate=None, axis=0):
        c = dnp.asarray(c)
        x = dnp.asarray(x)
        if extrapolate is None:
            extrapolate = True
        elif extrapolate != "periodic":
            extrapolate = bool(extrapolate)
        if len(shape_of(c)) < 2:
            raise ValueError("Coefficients array must be at least 2-dimensional.")
        if not (0 <= axis < len(shape_of(c)) - 1):
            raise ValueError(f"axis={axis} must be between 0 and {len(shape_of(c)) - 1}")
        if axis != 0:
            c = dnp.moveaxis(c, axis + 1, 0)
            c = dnp.moveaxis(c, axis + 1, 0)
        if len(shape_of(x)) != 1:
            raise ValueError("x must be 1-dimensional")
        if shape_of(x)[0] < 2:
            raise ValueError("at least 2 breakpoints are needed")
        if shape_of(c)[0] == 0:
            raise ValueError("polynomial must be at least of order 0")
        if shape_of(c)[1] != shape_of(x)[0] - 1:
            raise ValueError("number of coefficients != len(x)-1")
        d = _np.diff(_np.asarray(primal_of(x), dtype=float))
        if not (_np.all(d >= 0) or _np.all(d <= 0)):
            raise ValueError("`x` must be strictly increasing or decreasing.")
        if not _np.all(d >= 0):
            raise NotImplementedError("dualad.scipy.interpolate.PPoly supports increasing "
                                      "breakpoints only")
        dt = _np.complex128 if _np.iscomplexobj(primal_of(c)) else _np.float64
        self._c = _as(c, dt)
        self._x = _as(x, _np.float64)
        self.extrapolate = extrapolate
        self.axis = axis

    @classmethod
    def construct_fast(cls, c, x, extrapolate=None, axis=0):
        """The piecewise polynomial without checks (``c`` of shape ``(k, m, ...)``)."""
        self = object.__new__(cls)
        self._c = c
        self._x = x
        self.axis = axis
        self.extrapolate = True if extrapolate is None else extrapolate
        return self

    @property
    def x(self):
        """The breakpoints (traced when they were given traced)."""
        return self._x

    @property
    def c(self):
        """The coefficients, shape ``(k, m, ...)`` (traced when built from traced values)."""
        return self._c

    def _scipy(self):
        return _si.PPoly.construct_fast(_np.asarray(self._c), _np.asarray(self._x),
                                        self.extrapolate, self.axis)

    def __call__(self, x, nu=0, extrapolate=None):
        """The ``nu``-th derivative at ``x`` (``nu >= 0``); SciPy's semantics."""
        if extrapolate is None:
            extrapolate = self.extrapolate
        if not contains_tracer((self._c, self._x, x)):
            return self._scipy()(x, nu=nu, extrapolate=extrapolate)
        if nu < 0:
            raise ValueError("Order of derivative cannot be negative")
        x = dnp.asarray(x)
        x_shape = shape_of(x)
        xp = _as(dnp.ravel(x), _np.float64)
        bad = None
        if extrapolate == "periodic":
            x0 = self._x[0]
            # a non-finite point has no image in the base period (NaN, as in SciPy):
            # it is replaced by x[0] before the remainder, whose derivative in the
            # period, -floor((xp - x0) / period), would be NaN there (0 * NaN in reverse
            # mode), and masked in _evaluate
            bad = ~_np.isfinite(_np.asarray(primal_of(xp)))
            if _np.any(bad):
                xp = dnp.where(bad, _np.asarray(primal_of(x0), dtype=float), xp)
            xp = x0 + dnp.remainder(xp - x0, self._x[-1] - x0)
            extrapolate = False
        out = self._evaluate(xp, nu, bool(extrapolate), bad)
        trail = shape_of(self._c)[2:]
        out = dnp.reshape(out, x_shape + trail)
        return _moveaxis_out(out, len(x_shape), self.axis)

    def _evaluate(self, xp, nu, extrapolate, bad=None):
        """The ``nu``-th derivative at the 1-D points ``xp``: NaN where a point has
        no interval (NaN, outside without extrapolation, or ``bad``), with zero
        derivative there (the local offset ``s`` of those points is replaced by 0
        before the polynomial is evaluated, so no NaN or infinite partial meets
        their zero cotangent)."""
        c, xk = self._c, self._x
        k, trail = shape_of(c)[0], shape_of(c)[2:]
        idx, ok = _find_interval(_np.asarray(primal_of(xk)), _np.asarray(primal_of(xp)),
                                 extrapolate)
        if bad is not None:
            ok = ok & ~bad
        n = idx.shape[0]
        dt = _np.result_type(primal_of(c))
        col = (n,) + (1,) * len(trail)
        if nu >= k:
            out = _np.zeros((n,) + trail, dtype=dt)          # SciPy: 0, NaN where not ok
        else:
            s = xp - xk[idx]
            if not _np.all(ok):
                s = dnp.where(ok, s, 0.0)
            out = _local(c[:, idx], dnp.reshape(s, col), nu)
        if not _np.all(ok):
            out = dnp.where(_np.reshape(ok, col), out, _np.array(_np.nan, dtype=dt))
        return out

    def derivative(self, nu=1):
        """The piecewise polynomial of the ``nu``-th derivative (an antiderivative
        for negative ``nu``)."""
        if nu < 0:
            return self.antiderivative(-nu)
        if not contains_tracer((self._c, self._x)):
            d = self._scipy().derivative(nu)
            return self.construct_fast(d.c, d.x, d.extrapolate, d.axis)
        c2 = self._c if nu == 0 else self._c[:-nu]
        k2 = shape_of(c2)[0]
        if k2 == 0:
            return self.construct_fast(dnp.zeros((1,) + shape_of(self._c)[1:],
                                                 dtype=_np.result_type(primal_of(self._c))),
                                       self._x, self.extrapolate, self.axis)
        factor = _poch(_np.arange(k2, 0, -1), nu)
        c2 = c2 * _np.reshape(factor, (k2,) + (1,) * (len(shape_of(c2)) - 1))
        return self.construct_fast(c2, self._x, self.extrapolate, self.axis)

    def antiderivative(self, nu=1):
        """The piecewise polynomial of the ``nu``-th antiderivative, zero at
        ``x[0]`` and continuous with ``nu - 1`` derivatives (SciPy's)."""
        if nu <= 0:
            return self.derivative(-nu)
        extrapolate = False if self.extrapolate == "periodic" else self.extrapolate
        if not contains_tracer((self._c, self._x)):
            d = self._scipy().antiderivative(nu)
            return self.construct_fast(d.c, d.x, extrapolate, d.axis)
        c, xk = self._c, self._x
        sh = shape_of(c)
        k, m = sh[0], sh[1]
        factor = _poch(_np.arange(k, 0, -1), nu)
        hi = c / _np.reshape(factor, (k,) + (1,) * (len(sh) - 1))
        rows = {k - 1 - j + nu: hi[j] for j in range(k)}     # power -> coefficients
        h = dnp.reshape(xk[1:] - xk[:-1], (m,) + (1,) * (len(sh) - 2))
        dt = _np.result_type(primal_of(c))
        for p in range(nu - 1, -1, -1):
            # p-th derivative / p! of the previous piece at its right end, powers > p
            inc = None
            for q in range(p + 1, k + nu):
                term = rows[q][:-1] * (h[:-1] ** (q - p) if q - p > 1 else h[:-1])
                binom = _math.comb(q, p)
                if binom != 1:
                    term = term * float(binom)
                inc = term if inc is None else inc + term
            zero = dnp.zeros((1,) + sh[2:], dtype=dt)
            rows[p] = dnp.concatenate([zero, dnp.cumsum(inc, axis=0)], axis=0) if m > 1 \
                else dnp.zeros((1,) + sh[2:], dtype=dt)
        c2 = dnp.stack([rows[q] for q in range(k + nu - 1, -1, -1)])
        return self.construct_fast(c2, xk, extrapolate, self.axis)

    def _integral(self, a, b, extrapolate):
        """SciPy's ``_ppoly.integrate`` (``a <= b``): the local antiderivatives
        over the intervals from ``a``'s to ``b``'s, added in order."""
        if not primal_of(a) <= primal_of(b):                 # a NaN bound, as SciPy
            raise ValueError("Integral bounds not in order")
        c, xk = self._c, self._x
        xv = _np.asarray(primal_of(xk))
        trail = shape_of(c)[2:]
        ends, ok = _find_interval(xv, _np.asarray([primal_of(a), primal_of(b)], dtype=float),
                                  extrapolate)
        dt = _np.result_type(primal_of(c))
        if not _np.all(ok):
            return dnp.asarray(_np.full(trail, _np.nan, dtype=dt))
        ia, ib = int(ends[0]), int(ends[1])
        iv = _np.arange(ia, ib + 1)
        n = len(iv)
        one = (n,) + (1,) * len(trail)
        x0 = xk[iv]
        width = xk[iv + 1] - x0
        last, first = _np.reshape(iv == ib, one), _np.reshape(iv == ia, one)
        shi = dnp.where(last, dnp.reshape(b - x0, one), dnp.reshape(width, one))
        cc = c[:, iv]
        vb = _local(cc, shi, -1)
        va = _local(cc, dnp.reshape(a - xk[ia], (1,) * (1 + len(trail))), -1)
        diff = dnp.where(first, vb - va, vb)          # va = 0 on the other intervals
        return dnp.cumsum(diff, axis=0)[-1] if n > 1 else diff[0]

    def integrate(self, a, b, extrapolate=None):
        """The definite integral over ``[a, b]`` (SciPy's semantics; periodic
        extrapolation adds whole periods)."""
        if extrapolate is None:
            extrapolate = self.extrapolate
        if not contains_tracer((self._c, self._x, a, b)):
            return self._scipy().integrate(a, b, extrapolate=extrapolate)
        a = _as(dnp.asarray(a), _np.float64)
        b = _as(dnp.asarray(b), _np.float64)
        sign = 1.0
        if primal_of(b) < primal_of(a):
            a, b = b, a
            sign = -1.0
        if extrapolate == "periodic":
            xs, xe = self._x[0], self._x[-1]
            period = xe - xs
            interval = b - a
            n_periods = _np.floor_divide(primal_of(interval), primal_of(period))
            left = dnp.remainder(interval, period)
            total = self._integral(xs, xe, False) * n_periods if n_periods > 0 else None
            a = xs + dnp.remainder(a - xs, period)
            b = a + left
            if primal_of(b) <= primal_of(xe):
                parts = [self._integral(a, b, False)]
            else:
                parts = [self._integral(a, xe, False),
                         self._integral(xs, xs + left + a - xe, False)]
            for p in parts:
                total = p if total is None else total + p
        else:
            total = self._integral(a, b, bool(extrapolate))
        return total * sign if sign < 0 else total


# --- CubicSpline ---------------------------------------------------------------------------

def _validate_bc(bc_type, y, expected_deriv_shape, axis):
    """SciPy's ``CubicSpline._validate_bc`` (values may be traced)."""
    if isinstance(bc_type, str):
        if bc_type == "periodic":
            yv = primal_of(y)
            if not _np.allclose(yv[0], yv[-1], rtol=1e-15, atol=1e-15):
                raise ValueError(
                    f"The first and last `y` point along axis {axis} must be identical "
                    f"(within machine precision) when bc_type='periodic'.")
        bc_type = (bc_type, bc_type)
    else:
        if len(bc_type) != 2:
            raise ValueError("`bc_type` must contain 2 elements to specify start and end "
                             "conditions.")
        if "periodic" in [b for b in bc_type if isinstance(b, str)]:
            raise ValueError("'periodic' `bc_type` is defined for both curve ends and "
                             "cannot be used with other boundary conditions.")
    validated = []
    for bc in bc_type:
        if isinstance(bc, str):
            if bc == "clamped":
                validated.append((1, _np.zeros(expected_deriv_shape)))
            elif bc == "natural":
                validated.append((2, _np.zeros(expected_deriv_shape)))
            elif bc in ("not-a-knot", "periodic"):
                validated.append(bc)
            else:
                raise ValueError(f"bc_type={bc} is not allowed.")
        else:
            try:
                order, value = bc
            except Exception as e:
                raise ValueError("A specified derivative value must be given in the form "
                                 "(order, value).") from e
            if order not in [1, 2]:
                raise ValueError("The specified derivative order must be 1 or 2.")
            value = dnp.asarray(value)
            if shape_of(value) != tuple(expected_deriv_shape):
                raise ValueError(f"`deriv_value` shape {shape_of(value)} is not the expected "
                                 f"one {tuple(expected_deriv_shape)}.")
            if _np.iscomplexobj(primal_of(value)):
                y = _as(y, _np.complex128)
            validated.append((order, value))
    return validated, y


def _prepare_input(x, y, axis):
    """SciPy's ``prepare_input``: checks, float64 ``x``, float64 / complex128 ``y``
    with ``axis`` moved to the front."""
    x, y = dnp.asarray(x), dnp.asarray(y)
    if _np.iscomplexobj(primal_of(x)):
        raise ValueError("`x` must contain real values.")
    x = _as(x, _np.float64)
    y = _as(y, _np.complex128 if _np.iscomplexobj(primal_of(y)) else _np.float64)
    nd = len(shape_of(y))
    axis = axis % nd
    xv, yv = primal_of(x), primal_of(y)
    if _np.ndim(xv) != 1:
        raise ValueError("`x` must be 1-dimensional.")
    if xv.shape[0] < 2:
        raise ValueError("`x` must contain at least 2 elements.")
    if xv.shape[0] != yv.shape[axis]:
        raise ValueError(f"The length of `y` along `axis`={axis} doesn't match the length "
                         f"of `x`")
    if not _np.all(_np.isfinite(xv)):
        raise ValueError("`x` must contain only finite values.")
    if not _np.all(_np.isfinite(yv)):
        raise ValueError("`y` must contain only finite values.")
    dx = x[1:] - x[:-1]
    if _np.any(primal_of(dx) <= 0):
        raise ValueError("`x` must be strictly increasing sequence.")
    return x, dx, dnp.moveaxis(y, axis, 0), axis


def _col(v, nd):
    """A 1-D ``v`` shaped ``(n, 1, ...)`` against ``nd``-dimensional data."""
    return dnp.reshape(v, (shape_of(v)[0],) + (1,) * (nd - 1))


def _banded(upper, diag, lower):
    """The (3, n) banded storage from the three diagonals (length n - 1, n, n - 1)."""
    z = _np.zeros(1)
    return dnp.stack([dnp.concatenate([z, upper]), diag, dnp.concatenate([lower, z])])


def _solve_rhs(ab, b):
    """``A^{-1} b`` for ``b`` of shape ``(n, ...)`` (SciPy reshapes it to (n, -1))."""
    sh = shape_of(b)
    return dnp.reshape(solve_banded_p(ab, dnp.reshape(b, (sh[0], -1))), sh)


def _spline_slopes(x, dx, y, bc):
    """The first derivatives at the knots: SciPy's ``CubicSpline.__init__``."""
    n = shape_of(x)[0]
    nd = len(shape_of(y))
    dxr = _col(dx, nd)
    slope = (y[1:] - y[:-1]) / dxr
    bc = list(bc)
    if n == 2:
        if bc[0] in ("not-a-knot", "periodic"):
            bc[0] = (1, slope[0])
        if bc[1] in ("not-a-knot", "periodic"):
            bc[1] = (1, slope[0])
    if n == 3 and bc[0] == "not-a-knot" and bc[1] == "not-a-knot":
        from .linalg import solve
        zero, one = _np.zeros(1), _np.ones(1)
        A = dnp.stack([dnp.concatenate([one, one, zero]),
                       dnp.stack([dx[1], 2 * (dx[0] + dx[1]), dx[0]]),
                       dnp.concatenate([zero, one, one])])
        b = dnp.stack([2 * slope[0], 3 * (dxr[0] * slope[1] + dxr[1] * slope[0]),
                       2 * slope[1]])
        sh = shape_of(b)
        return dnp.reshape(solve(A, dnp.reshape(b, (3, -1)), check_finite=False), sh)
    if n == 3 and bc[0] == "periodic":
        t = dnp.sum(slope / dxr, axis=0) / dnp.sum(1.0 / dxr, axis=0)
        return dnp.broadcast_to(t, (n,) + shape_of(y)[1:])
    mid = 3 * (dxr[1:] * slope[:-1] + dxr[:-1] * slope[1:])      # rows 1 .. n-2
    if bc[0] == "periodic":
        # the (n-1) x (n-1) cyclic system, condensed to (n-2) x (n-2) as SciPy does
        diag = dnp.concatenate([dnp.reshape(2 * (dx[-1] + dx[0]), (1,)),
                                2 * (dx[:-1] + dx[1:])])[:n - 2]
        upper = dnp.concatenate([dnp.reshape(dx[-1], (1,)), dx[:-1]])[:n - 3]
        lower = dx[1:][:n - 3]
        Ac = _banded(upper, diag, lower)
        a_m1_0, a_m1_m2 = dx[-2], dx[-1]
        a_m1_m1 = 2 * (dx[-1] + dx[-2])
        a_m2_m1, a_0_m1 = dx[-3], dx[0]
        b0 = 3 * (dxr[0] * slope[-1] + dxr[-1] * slope[0])
        blast = 3 * (dxr[-1] * slope[-2] + dxr[-2] * slope[-1])
        b1 = dnp.concatenate([b0[None], mid[:n - 3]], axis=0)[:n - 2]
        nb2 = n - 2
        e0 = _np.zeros(nb2)
        e0[0] = 1.0
        em = _np.zeros(nb2)
        em[-1] = 1.0
        b2 = -a_0_m1 * e0 - a_m2_m1 * em                 # n >= 4 here: two entries
        b2 = dnp.broadcast_to(_col(b2, nd), shape_of(b1))
        dt = _np.result_type(primal_of(b1))
        b2 = _as(b2, dt)
        s1 = _solve_rhs(Ac, b1)
        s2 = _solve_rhs(Ac, b2)
        s_m1 = ((blast - a_m1_0 * s1[0] - a_m1_m2 * s1[-1])
                / (a_m1_m1 + a_m1_0 * s2[0] + a_m1_m2 * s2[-1]))
        body = s1 + s_m1 * s2
        return dnp.concatenate([body, s_m1[None], body[:1]], axis=0)
    start, end = bc
    if start == "not-a-knot":
        d0 = x[2] - x[0]
        diag0, up0 = dx[1], d0
        b_first = ((dxr[0] + 2 * d0) * dxr[1] * slope[0] + dxr[0] ** 2 * slope[1]) / d0
    elif start[0] == 1:
        diag0, up0 = 1.0, 0.0
        b_first = start[1]
    else:
        diag0, up0 = 2 * dx[0], dx[0]
        b_first = -0.5 * start[1] * dx[0] ** 2 + 3 * (y[1] - y[0])
    if end == "not-a-knot":
        d1 = x[-1] - x[-3]
        diag1, lo1 = dx[-2], d1
        b_last = (dxr[-1] ** 2 * slope[-2] + (2 * d1 + dxr[-1]) * dxr[-2] * slope[-1]) / d1
    elif end[0] == 1:
        diag1, lo1 = 1.0, 0.0
        b_last = end[1]
    else:
        diag1, lo1 = 2 * dx[-1], dx[-1]
        b_last = 0.5 * end[1] * dx[-1] ** 2 + 3 * (y[-1] - y[-2])

    def one(v):
        return dnp.reshape(_as(dnp.asarray(v), _np.float64), (1,))
    diag = dnp.concatenate([one(diag0), 2 * (dx[:-1] + dx[1:]), one(diag1)])
    upper = dnp.concatenate([one(up0), dx[:-1]])
    lower = dnp.concatenate([dx[1:], one(lo1)])
    ab = _banded(upper, diag, lower)
    dt = _np.result_type(primal_of(y), primal_of(dnp.asarray(b_first)),
                         primal_of(dnp.asarray(b_last)))
    b = dnp.concatenate([_as(dnp.broadcast_to(b_first, shape_of(y)[1:]), dt)[None],
                         _as(mid, dt),
                         _as(dnp.broadcast_to(b_last, shape_of(y)[1:]), dt)[None]], axis=0)
    return _solve_rhs(ab, b)


def _hermite_coefficients(dx, y, dydx):
    """SciPy's ``CubicHermiteSpline`` coefficients, shape ``(4, n - 1, ...)``."""
    dxr = _col(dx, len(shape_of(y)))
    slope = (y[1:] - y[:-1]) / dxr
    t = (dydx[:-1] + dydx[1:] - 2 * slope) / dxr
    return dnp.stack([t / dxr, (slope - dydx[:-1]) / dxr - t, dydx[:-1], y[:-1]])


class CubicSpline(PPoly):
    """``scipy.interpolate.CubicSpline``, differentiable in ``x``, ``y``, the
    values of ``bc_type``'s tuples and the evaluation points (see the module's
    docstring).  Without traced inputs the coefficients are SciPy's own."""

    def __init__(self, x, y, axis=0, bc_type="not-a-knot", extrapolate=None):
        bc_values = [] if isinstance(bc_type, str) else \
            [b[1] for b in bc_type if not isinstance(b, str) and len(b) == 2]
        if not contains_tracer((x, y, *bc_values)):
            ref = _si.CubicSpline(x, y, axis=axis, bc_type=bc_type, extrapolate=extrapolate)
            self._c, self._x = ref.c, ref.x
            self.extrapolate, self.axis = ref.extrapolate, ref.axis
            return
        x, dx, y, axis = _prepare_input(x, y, axis)
        bc, y = _validate_bc(bc_type, y, shape_of(y)[1:], axis)
        if extrapolate is None:
            extrapolate = "periodic" if bc[0] == "periodic" else True
        elif extrapolate != "periodic":
            extrapolate = bool(extrapolate)
        if _np.size(primal_of(y)) == 0:
            s = dnp.zeros(shape_of(y), dtype=_np.result_type(primal_of(y)))
        else:
            s = _spline_slopes(x, dx, y, bc)
        dt = _np.result_type(primal_of(y), primal_of(s))
        self._c = _hermite_coefficients(dx, _as(y, dt), _as(s, dt))
        self._x = x
        self.extrapolate = extrapolate
        self.axis = axis


# --- Hermite splines: CubicHermiteSpline, PchipInterpolator, Akima1DInterpolator ------------

def _from_scipy(self, ref):
    self._c, self._x = ref.c, ref.x
    self.extrapolate, self.axis = ref.extrapolate, ref.axis


class CubicHermiteSpline(PPoly):
    """``scipy.interpolate.CubicHermiteSpline(x, y, dydx, axis=0, extrapolate=None)``,
    differentiable in ``x``, ``y``, ``dydx`` and the evaluation points."""

    def __init__(self, x, y, dydx, axis=0, extrapolate=None):
        if not contains_tracer((x, y, dydx)):
            _from_scipy(self, _si.CubicHermiteSpline(x, y, dydx, axis=axis,
                                                     extrapolate=extrapolate))
            return
        dydx = dnp.asarray(dydx)
        if shape_of(dydx) != shape_of(y):
            raise ValueError("The shapes of `y` and `dydx` must be identical.")
        if not _np.all(_np.isfinite(primal_of(dydx))):
            raise ValueError("`dydx` must contain only finite values.")
        cplx = _np.iscomplexobj(primal_of(y)) or _np.iscomplexobj(primal_of(dydx))
        x, dx, y, axis = _prepare_input(x, y, axis)
        dt = _np.complex128 if cplx else _np.float64
        dydx = dnp.moveaxis(_as(dydx, dt), axis, 0)
        self._init(x, dx, _as(y, dt), dydx, axis, extrapolate)

    def _init(self, x, dx, y, dydx, axis, extrapolate):
        self._c = _hermite_coefficients(dx, y, dydx)
        self._x = x
        self.extrapolate = True if extrapolate is None else (
            extrapolate if extrapolate == "periodic" else bool(extrapolate))
        self.axis = axis


def _pchip_edge(h0, h1, m0, m1):
    """SciPy's ``PchipInterpolator._edge_case``: the one-sided three-point
    estimate, set to 0 or ``3 m0`` where it would break monotonicity (the
    branch is chosen from the values; its derivative is taken)."""
    d = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1)
    dv, m0v, m1v = (_np.asarray(primal_of(v)) for v in (d, m0, m1))
    mask = _np.sign(dv) != _np.sign(m0v)
    mask2 = (_np.sign(m0v) != _np.sign(m1v)) & (_np.abs(dv) > 3.0 * _np.abs(m0v))
    mmm = ~mask & mask2
    d = dnp.where(mmm, 3.0 * m0, d)
    return dnp.where(mask, 0.0, d)


def _require_real(y, cls):
    """SciPy's error for complex data in interpolators defined for real ``y`` only."""
    if _np.iscomplexobj(primal_of(y)):
        raise ValueError(f"`{cls}` only works with real values for `y`. If you are trying "
                         f"to use the real components of the passed array, use `np.real` on "
                         f"the array before passing to `{cls}`.")


class PchipInterpolator(CubicHermiteSpline):
    """``scipy.interpolate.PchipInterpolator(x, y, axis=0, extrapolate=None)``.

    Differentiable in ``x``, ``y`` and the points.  PCHIP's slopes are
    piecewise smooth functions of the data: 0 where neighbouring secants differ
    in sign or one is zero, else their weighted harmonic mean, with the end
    slopes clipped to keep monotonicity.  The branch is chosen from the values
    and the derivative is that of the branch taken (where the data sit exactly
    on a switch, e.g. a zero secant, the derivative is one-sided).
    """

    def __init__(self, x, y, axis=0, extrapolate=None):
        if not contains_tracer((x, y)):
            _from_scipy(self, _si.PchipInterpolator(x, y, axis=axis, extrapolate=extrapolate))
            return
        x, dx, y, axis = _prepare_input(x, y, axis)
        _require_real(y, "PchipInterpolator")
        nd = len(shape_of(y))
        hk = _col(dx, nd)
        mk = (y[1:] - y[:-1]) / hk
        if shape_of(y)[0] == 2:
            dk = dnp.concatenate([mk, mk], axis=0)
        else:
            mv = _np.asarray(primal_of(mk))
            smk = _np.sign(mv)
            cond = (smk[1:] != smk[:-1]) | (mv[1:] == 0) | (mv[:-1] == 0)
            w1 = 2 * hk[1:] + hk[:-1]
            w2 = hk[1:] + 2 * hk[:-1]
            m0 = dnp.where(cond, 1.0, mk[:-1])         # no division by 0 off the branch
            m1 = dnp.where(cond, 1.0, mk[1:])
            whmean = (w1 / m0 + w2 / m1) / (w1 + w2)
            mid = dnp.where(cond, 0.0, 1.0 / whmean)
            first = _pchip_edge(hk[0], hk[1], mk[0], mk[1])
            last = _pchip_edge(hk[-1], hk[-2], mk[-1], mk[-2])
            dk = dnp.concatenate([first[None], mid, last[None]], axis=0)
        self._init(x, dx, y, dk, axis, extrapolate)


class Akima1DInterpolator(CubicHermiteSpline):
    """``scipy.interpolate.Akima1DInterpolator(x, y, axis=0, *, method='akima',
    extrapolate=None)`` (``method='makima'`` too; no extrapolation by default, as
    in SciPy).

    Differentiable in ``x``, ``y`` and the points.  Akima's slopes weigh the
    neighbouring secants by ``|m[i+1] - m[i]|`` (plus ``|m[i+1] + m[i]| / 2`` for
    makima): the derivative is that of the branch taken, with ``abs'(0) = 0``;
    where both weights vanish (SciPy's test ``f1 + f2 > 1e-9 max(f1 + f2)``,
    read from the values) the slope is the mean of the outer secants.
    """

    def __init__(self, x, y, axis=0, *, method="akima", extrapolate=None):
        if method not in {"akima", "makima"}:
            raise NotImplementedError(f"`method`={method} is unsupported.")
        if not contains_tracer((x, y)):
            _from_scipy(self, _si.Akima1DInterpolator(x, y, axis=axis, method=method,
                                                      extrapolate=extrapolate))
            return
        x, dx, y, axis = _prepare_input(x, y, axis)
        _require_real(y, "Akima1DInterpolator")
        extrapolate = False if extrapolate is None else extrapolate
        nd = len(shape_of(y))
        dxr = _col(dx, nd)
        if shape_of(y)[0] == 2:
            mk = (y[1:] - y[:-1]) / dxr
            t = dnp.concatenate([mk, mk], axis=0)
        else:
            s = (y[1:] - y[:-1]) / dxr                       # m[2:-2]
            m1 = 2. * s[0] - s[1]
            m0 = 2. * m1 - s[0]
            mm2 = 2. * s[-1] - s[-2]
            mm1 = 2. * mm2 - s[-1]
            m = dnp.concatenate([m0[None], m1[None], s, mm2[None], mm1[None]], axis=0)
            t_fill = .5 * (m[3:] + m[:-3])
            dm = dnp.abs(m[1:] - m[:-1])
            if method == "makima":
                pm = dnp.abs(m[1:] + m[:-1])
                f1 = dm[2:] + 0.5 * pm[2:]
                f2 = dm[:-2] + 0.5 * pm[:-2]
            else:
                f1 = dm[2:]
                f2 = dm[:-2]
            f12 = f1 + f2
            fv = _np.asarray(primal_of(f12))
            mmax = _np.max(fv) if fv.size > 0 else -_np.inf
            ind = fv > 1.e-9 * mmax
            safe = dnp.where(ind, f12, 1.0)
            t_set = m[1:-2] + (f2 / safe) * (m[2:-1] - m[1:-2])
            t = dnp.where(ind, t_set, t_fill)
        self._init(x, dx, y, t, axis, extrapolate)

    def extend(self, c, x, right=True):
        raise NotImplementedError("Extending a 1-D Akima interpolator is not yet implemented")


# --- RegularGridInterpolator, interpn -------------------------------------------------------

def _check_grid(points):
    """SciPy's ``_check_points``: float64 grids, descending ones flipped (their
    indices returned)."""
    grid, descending = [], []
    for i, p in enumerate(points):
        p = _as(dnp.asarray(p), _np.float64)
        pv = _np.asarray(primal_of(p))
        if not _np.all(pv[1:] > pv[:-1]):
            if _np.all(pv[1:] < pv[:-1]):
                descending.append(i)
                p = dnp.flip(p)
            else:
                raise ValueError(f"The points in dimension {i} must be strictly ascending "
                                 f"or descending")
        grid.append(p)
    return tuple(grid), tuple(descending)


def _check_grid_dimensionality(points, values):
    nd = len(shape_of(values))
    if len(points) > nd:
        raise ValueError(f"There are {len(points)} point arrays, but values has {nd} "
                         f"dimensions")
    for i, p in enumerate(points):
        if len(shape_of(p)) != 1:
            raise ValueError(f"The points in dimension {i} must be 1-dimensional")
        if shape_of(values)[i] != shape_of(p)[0]:
            raise ValueError(f"There are {shape_of(p)[0]} points and {shape_of(values)[i]} "
                             f"values in dimension {i}")


def _ndim_coords(xi, ndim):
    """SciPy's ``_ndim_coords_from_arrays``: the points as an array ``(..., ndim)``."""
    if isinstance(xi, tuple) and len(xi) == 1:
        xi = xi[0]
    if isinstance(xi, tuple):
        p = [dnp.asarray(v) for v in xi]
        shape = _np.broadcast_shapes(*(shape_of(v) for v in p))
        return dnp.stack([_as(dnp.broadcast_to(v, shape), _np.float64) for v in p], axis=-1)
    xi = dnp.asarray(xi)
    if len(shape_of(xi)) == 1:
        xi = dnp.reshape(xi, (-1, ndim))
    return xi


def _grid_bounds_check(grid, xv):
    for i in range(len(grid)):
        g = _np.asarray(primal_of(grid[i]))
        p = xv[:, i]
        if not _np.logical_and(_np.all(g[0] <= p), _np.all(p <= g[-1])):
            raise ValueError(f"One of the requested xi is out of bounds in dimension {i}")


def _check_grid_method(method, supported):
    if method not in supported:
        if method in ("slinear", "cubic", "quintic", "pchip"):
            raise NotImplementedError(
                f"dualad.scipy.interpolate.RegularGridInterpolator supports method "
                f"'linear' and 'nearest', not {method!r}")
        raise ValueError(f"Method '{method}' is not defined")


class RegularGridInterpolator:
    """``scipy.interpolate.RegularGridInterpolator(points, values, method='linear',
    bounds_error=True, fill_value=nan)`` for ``method`` ``'linear'`` and
    ``'nearest'``: differentiable in ``values``, the evaluation points and the
    grid ``points`` (and in a traced ``fill_value``).

    Linear: inside each cell the interpolant is multilinear, so its derivative in
    the points is the gradient of that multilinear function (of the cell the point
    is assigned to, SciPy's: ``[g[i], g[i+1])``, the last cell closed; on a grid
    line the derivative is the one-sided one of that cell).  Nearest: the value of
    the nearest grid node (ties rounded down, as SciPy), derivative 0 in the points
    and one-hot in ``values``.  A NaN point gives NaN, a point outside the grid with
    ``bounds_error=False`` gives ``fill_value`` (``None``: the edge cells are
    extended), with zero derivative in either case.  Without traced inputs the
    values are SciPy's own.
    """

    _METHODS = ("linear", "nearest")

    def __init__(self, points, values, method="linear", bounds_error=True,
                 fill_value=_np.nan):
        _check_grid_method(method, self._METHODS)
        self.method = method
        self.bounds_error = bounds_error
        self._traced_data = contains_tracer((*points, values, fill_value))
        if not self._traced_data:
            self._ref = _si.RegularGridInterpolator(points, values, method=method,
                                                    bounds_error=bounds_error,
                                                    fill_value=fill_value)
            self._grid = self._ref.grid
            self._values = self._ref.values
            self.fill_value = fill_value
            return
        self._ref = None
        self._grid, desc = _check_grid(points)
        values = dnp.asarray(values)
        if not _np.issubdtype(_np.result_type(primal_of(values)), _np.inexact):
            values = _as(values, _np.float64)
        _check_grid_dimensionality(self._grid, values)
        if fill_value is not None:
            fdt = _np.result_type(primal_of(fill_value))
            if not _np.can_cast(fdt, _np.result_type(primal_of(values)), casting="same_kind"):
                raise ValueError("fill_value must be either 'None' or of a type compatible "
                                 "with values")
        self.fill_value = fill_value
        self._values = dnp.flip(values, axis=desc) if desc else values

    @property
    def grid(self):
        """The grid, each axis increasing (descending ones flipped, as SciPy)."""
        return self._grid

    @property
    def values(self):
        """The values (flipped along the descending axes, as SciPy)."""
        return self._values

    def __call__(self, xi, method=None):
        """The interpolant at ``xi`` (shape ``(..., ndim)`` or a tuple of arrays);
        ``method`` overrides the one given to the constructor."""
        is_method_changed = method is not None and method != self.method
        method = self.method if method is None else method
        _check_grid_method(method, self._METHODS)
        if self._ref is not None and not contains_tracer(xi):
            return self._ref(xi, method=method if is_method_changed else None)
        return _grid_evaluate(self._grid, self._values, xi, method, self.bounds_error,
                              self.fill_value)


def _grid_evaluate(grid, values, xi, method, bounds_error, fill_value):
    ndim = len(grid)
    xi = _ndim_coords(xi, ndim)
    if shape_of(xi)[-1] != ndim:
        raise ValueError(f"The requested sample points xi have dimension {shape_of(xi)[-1]} "
                         f"but this RegularGridInterpolator has dimension {ndim}")
    xi_shape = shape_of(xi)
    xi = _as(dnp.reshape(xi, (-1, ndim)), _np.float64)
    xv = _np.asarray(primal_of(xi))
    n = xv.shape[0]
    nans = _np.any(_np.isnan(xv), axis=-1)
    gv = [_np.asarray(primal_of(g)) for g in grid]
    if bounds_error:
        _grid_bounds_check(grid, xv)
        oob = _np.zeros(n, dtype=bool)
    else:
        with _np.errstate(invalid="ignore"):
            oob = _np.zeros(n, dtype=bool)
            for i, g in enumerate(gv):
                oob |= (xv[:, i] < g[0]) | (xv[:, i] > g[-1])
    fill = not bounds_error and fill_value is not None
    masked = nans | oob if fill else nans
    # the masked points are moved onto the grid's first node before the interpolant
    # is evaluated (their values are replaced below), so that no NaN or infinite
    # partial meets their zero cotangent
    if _np.any(masked):
        safe = _np.array([g[0] for g in gv])
        xi = dnp.where(masked[:, None], safe, xi)
        xv = _np.where(masked[:, None], safe, xv)
    trail = len(shape_of(values)) - ndim
    idx, dist = [], []
    for i, g in enumerate(gv):
        if g.shape[0] == 1:          # SciPy: index -1, distance 0 (values[-1] == values[0])
            idx.append(_np.full(n, -1, dtype=_np.intp))
            dist.append(_np.zeros(n))
            continue
        j = _np.clip(_np.searchsorted(g, xv[:, i], side="right") - 1, 0, g.shape[0] - 2)
        idx.append(j)
        gi = grid[i]
        dist.append((xi[:, i] - gi[j]) / (gi[j + 1] - gi[j]))
    if method == "nearest":
        ind = tuple(_np.where(_np.asarray(primal_of(d)) <= .5, j, j + 1)
                    for j, d in zip(idx, dist))
        result = values[ind]
    else:
        result = None
        for corner in _np.ndindex(*(2,) * ndim):
            w = None
            for i, b in enumerate(corner):
                wi = dist[i] if b else 1 - dist[i]
                w = wi if w is None else w * wi
            term = values[tuple(j + b for j, b in zip(idx, corner))] * \
                dnp.reshape(w, (n,) + (1,) * trail)
            result = term if result is None else result + term
    dt = _np.result_type(primal_of(result))
    if fill and _np.any(oob):
        fv = fill_value if contains_tracer(fill_value) else _np.asarray(fill_value, dtype=dt)
        result = dnp.where(_np.reshape(oob, (n,) + (1,) * trail), fv, result)
    if _np.any(nans):
        result = dnp.where(_np.reshape(nans, (n,) + (1,) * trail), _np.array(_np.nan, dt),
                           result)
    return dnp.reshape(result, xi_shape[:-1] + shape_of(values)[ndim:])


def interpn(points, values, xi, method="linear", bounds_error=True, fill_value=_np.nan):
    """``scipy.interpolate.interpn`` for ``method`` ``'linear'`` and ``'nearest'``:
    ``RegularGridInterpolator(points, values, method, bounds_error, fill_value)(xi)``,
    differentiable in ``points``, ``values`` and ``xi``."""
    if not contains_tracer((*points, values, xi, fill_value)):
        return _si.interpn(points, values, xi, method=method, bounds_error=bounds_error,
                           fill_value=fill_value)
    if method not in ("linear", "nearest", "cubic", "quintic", "pchip", "splinef2d",
                      "slinear", "slinear_legacy", "cubic_legacy", "quintic_legacy"):
        raise ValueError("interpn only understands the methods 'linear', 'nearest', "
                         "'slinear', 'cubic', 'quintic', 'pchip', and 'splinef2d'. You "
                         f"provided {method}.")
    grid, _ = _check_grid(points)
    _check_grid_dimensionality(grid, dnp.asarray(values))
    xi_c = _ndim_coords(xi, len(grid))
    if shape_of(xi_c)[-1] != len(grid):
        raise ValueError(f"The requested sample points xi have dimension {shape_of(xi_c)[-1]}, "
                         f"but this RegularGridInterpolator has dimension {len(grid)}")
    if bounds_error:
        _grid_bounds_check(grid, _np.reshape(_np.asarray(primal_of(xi_c)), (-1, len(grid))))
    return RegularGridInterpolator(points, values, method=method, bounds_error=bounds_error,
                                   fill_value=fill_value)(xi_c)


# --- interp1d -------------------------------------------------------------------------------

def _deboor(t, c, k, xp, ell):
    """The B-spline ``sum c[i] B_{i,k,t}`` at the 1-D points ``xp`` (``t[ell] <= xp
    < t[ell + 1]``, or the edge interval when extrapolating): de Boor's recursion,
    written with dualad operations (differentiable in ``t``, ``c`` and ``xp``)."""
    d = [c[ell + j - k] for j in range(k + 1)]
    for r in range(1, k + 1):
        for j in range(k, r - 1, -1):
            left = t[ell + j - k]
            alpha = (xp - left) / (t[ell + j + 1 - r] - left)
            if len(shape_of(d[j])) > 1:
                alpha = dnp.reshape(alpha, shape_of(alpha) + (1,) * (len(shape_of(d[j])) - 1))
            d[j] = (1 - alpha) * d[j - 1] + alpha * d[j]
    return d[k]


def _spline_interval(tv, k, n, xv):
    return _np.clip(_np.searchsorted(tv, xv, side="right") - 1, k, n - 1)


def _bspline_basis(t, k, xp, ell):
    """The ``k + 1`` B-splines nonzero on the interval ``ell`` of each point,
    ``B[j, m] = B_{ell[j] - k + m, k, t}(xp[j])`` (shape ``(len(xp), k + 1)``):
    de Boor's recursion on unit coefficients (differentiable in ``t`` and ``xp``)."""
    npts = shape_of(xp)[0]
    d = [_np.broadcast_to(e, (npts, k + 1)) for e in _np.eye(k + 1)]
    for r in range(1, k + 1):
        for j in range(k, r - 1, -1):
            left = t[ell + j - k]
            alpha = ((xp - left) / (t[ell + j + 1 - r] - left))[:, None]
            d[j] = (1 - alpha) * d[j - 1] + alpha * d[j]
    return d[k]


def _interp_spline(x, y, k):
    """SciPy's ``make_interp_spline(x, y, k)`` (default ``bc_type``), ``y`` of
    shape ``(n, r)``: the knots and the coefficients (differentiable in ``x`` and
    ``y``).  For ``k >= 2`` the collocation matrix ``A[j, i] = B_i(x[j])`` is
    assembled in SciPy's banded storage with (l, u) = (k, k), as SciPy's
    ``make_interp_spline`` does (row ``j`` is nonzero in the columns
    ``ell[j] - k .. ell[j]``, which lie within ``k`` of ``j`` for these knots), and
    solved by the banded primitive (LAPACK's ``gbsv``, as SciPy): ``O(n k^2)``."""
    n = shape_of(x)[0]
    if k == 0:
        return dnp.concatenate([x, x[-1:]]), y
    if k == 1:
        return dnp.concatenate([x[:1], x, x[-1:]]), y
    if k == 2:
        mid = (x[1:] + x[:-1]) / 2.
        t = dnp.concatenate([dnp.broadcast_to(x[:1], (3,)), mid[1:-1],
                             dnp.broadcast_to(x[-1:], (3,))])
    elif k % 2 == 1:
        m = (k - 1) // 2
        t = dnp.concatenate([dnp.broadcast_to(x[:1], (k + 1,)), x[m + 1:n - m - 1],
                             dnp.broadcast_to(x[-1:], (k + 1,))])
    else:
        raise NotImplementedError(f"spline order {k} is not supported")
    tv = _np.asarray(primal_of(t))
    ell = _spline_interval(tv, k, n, _np.asarray(primal_of(x)))
    vals = _bspline_basis(t, k, x, ell)                     # (n, k + 1)
    # ab[k + j - i, i] = A[j, i] for i = ell[j] - k + m: a gather from the flat
    # values (index n * (k + 1) is a zero)
    rows = _np.arange(n)[:, None]
    cols = ell[:, None] - k + _np.arange(k + 1)
    band = k + rows - cols
    if _np.any(band < 0) or _np.any(band > 2 * k):
        raise AssertionError("collocation row outside the band")   # not for these knots
    idx = _np.full((2 * k + 1, n), n * (k + 1))
    idx[band, cols] = _np.arange(n * (k + 1)).reshape(n, k + 1)
    flat = dnp.concatenate([dnp.reshape(vals, (-1,)), _np.zeros(1)])
    ab = flat[idx]
    return t, solve_banded_p(ab, y, l_and_u=(k, k))


def _do_extrapolate(fill_value):
    return isinstance(fill_value, str) and fill_value == "extrapolate"


class interp1d:
    """``scipy.interpolate.interp1d(x, y, kind='linear', axis=-1, copy=True,
    bounds_error=None, fill_value=nan, assume_sorted=False)`` (SciPy's legacy
    class), differentiable in ``x``, ``y``, the points it is called at and a
    traced ``fill_value``.

    Every ``kind`` of SciPy: 'linear', 'nearest', 'nearest-up', 'previous',
    'next' (derivative 0 in the points and one-hot in ``y`` for the last four),
    and the splines 'zero', 'slinear', 'quadratic', 'cubic' (or an integer order
    up to 3): SciPy's ``make_interp_spline`` B-spline (its knots, and its
    collocation system in banded form, solved as SciPy does by LAPACK's banded
    ``gbsv``: ``O(n)`` for ``n`` data points), evaluated by de Boor's recursion.
    ``fill_value='extrapolate'``, ``(below, above)`` and ``bounds_error`` as
    SciPy.  Which interval a point falls in is read from the
    values (SciPy's rules); a point outside the data given ``fill_value``, or NaN,
    has zero derivative.  Without traced inputs the values are SciPy's own.
    """

    def __init__(self, x, y, kind="linear", axis=-1, copy=True, bounds_error=None,
                 fill_value=_np.nan, assume_sorted=False):
        self._ref = None
        fills = list(fill_value) if isinstance(fill_value, tuple) else [fill_value]
        if not contains_tracer((x, y, *[f for f in fills if not isinstance(f, str)])):
            self._ref = _si.interp1d(x, y, kind=kind, axis=axis, copy=copy,
                                     bounds_error=bounds_error, fill_value=fill_value,
                                     assume_sorted=assume_sorted)
            for a in ("x", "y", "axis", "bounds_error", "copy"):
                setattr(self, a, getattr(self._ref, a))
            self._kind = self._ref._kind
            self._fill_value_orig = self._ref.fill_value
            self._args = (x, y, kind, axis, copy, bounds_error, fill_value, assume_sorted)
            return
        self._build(x, y, kind, axis, copy, bounds_error, fill_value, assume_sorted)

    def _build(self, x, y, kind, axis, copy, bounds_error, fill_value, assume_sorted):
        x, y = dnp.asarray(x), dnp.asarray(y)
        if len(shape_of(x)) != 1:
            raise ValueError("the x array must have exactly one dimension.")
        if len(shape_of(y)) == 0:
            raise ValueError("the y array must have at least one dimension.")
        if not _np.issubdtype(_np.result_type(primal_of(y)), _np.inexact):
            y = _as(y, _np.float64)
        self.bounds_error = bounds_error
        self.copy = copy
        order = None
        if kind in ("zero", "slinear", "quadratic", "cubic"):
            order = {"zero": 0, "slinear": 1, "quadratic": 2, "cubic": 3}[kind]
            kind = "spline"
        elif isinstance(kind, int):
            order, kind = kind, "spline"
        elif kind not in ("linear", "nearest", "nearest-up", "previous", "next"):
            raise NotImplementedError(f"{kind} is unsupported: Use fitpack routines for "
                                      f"other types.")
        self.axis = axis % len(shape_of(y))
        if not assume_sorted:
            ind = _np.argsort(_np.asarray(primal_of(x)), kind="mergesort")
            x = x[ind]
            y = dnp.take(y, ind, axis=self.axis)
        if shape_of(x)[0] != shape_of(y)[self.axis]:
            raise ValueError(f"x and y arrays must be equal in length along interpolation "
                             f"axis.")
        self.x = x
        self.y = y
        self._y_extra_shape = shape_of(y)[:self.axis] + shape_of(y)[self.axis + 1:]
        self._y = dnp.reshape(dnp.moveaxis(y, self.axis, 0), (shape_of(y)[self.axis], -1))
        self._kind = kind
        xf = _as(x, _np.float64)
        if kind == "spline":
            minval = order + 1
            if order > 3 or order < 0:
                raise NotImplementedError(f"spline order {order} is not supported by "
                                          f"dualad.scipy.interpolate.interp1d")
        else:
            minval = 1
            if kind in ("previous", "next") and _do_extrapolate(fill_value):
                self._check_and_update_bounds_error_for_extrapolation()
                fill_value = ((_np.nan, dnp.take(y, -1, axis=self.axis)) if kind == "previous"
                              else (dnp.take(y, 0, axis=self.axis), _np.nan))
        if shape_of(x)[0] < minval:
            raise ValueError(f"x and y arrays must have at least {minval} entries")
        if kind == "spline":
            xs = _np.asarray(primal_of(xf))
            if _np.any(xs[1:] <= xs[:-1]):           # make_interp_spline's check
                raise ValueError("Expect x to be a 1D strictly increasing sequence.")
            yk = self._y if _np.iscomplexobj(primal_of(self._y)) else _as(self._y, _np.float64)
            self._t, self._c = _interp_spline(xf, yk, order)
            self._order = order
        self._xf = xf
        self._set_fill_value(fill_value)

    def _check_and_update_bounds_error_for_extrapolation(self):
        if self.bounds_error:
            raise ValueError("Cannot extrapolate and raise at the same time.")
        self.bounds_error = False

    def _set_fill_value(self, fill_value):
        if _do_extrapolate(fill_value):
            self._check_and_update_bounds_error_for_extrapolation()
            self._extrapolate = True
        else:
            shape = self._y_extra_shape or (1,)

            def up_to(v, name):
                v = dnp.asarray(v)
                try:
                    _np.broadcast_shapes(shape_of(v), shape)
                    if _np.broadcast_shapes(shape_of(v), shape) != tuple(shape):
                        raise ValueError
                except ValueError:
                    raise ValueError(f"{name} with shape {shape_of(v)} cannot be broadcast "
                                     f"to {tuple(shape)}") from None
                return dnp.reshape(dnp.broadcast_to(v, shape), (-1,))
            if isinstance(fill_value, tuple) and len(fill_value) == 2:
                below = up_to(fill_value[0], "fill_value (below)")
                above = up_to(fill_value[1], "fill_value (above)")
            else:
                below = above = up_to(fill_value, "fill_value")
            self._fill_below, self._fill_above = below, above
            self._extrapolate = False
            if self.bounds_error is None:
                self.bounds_error = True
        self._fill_value_orig = fill_value

    @property
    def fill_value(self):
        """The fill value."""
        return self._fill_value_orig

    def __call__(self, x):
        """The interpolant at ``x``: the interpolation axis of ``y`` replaced by the
        shape of ``x``."""
        if self._ref is not None and not contains_tracer(x):
            return self._ref(x)
        if self._ref is not None:          # built by SciPy from plain data
            self._build(*self._args)
            self._ref = None
        x = dnp.asarray(x)
        if not _np.issubdtype(_np.result_type(primal_of(x)), _np.inexact):
            x = _as(x, _np.float64)
        x_shape = shape_of(x)
        xn = dnp.ravel(x)
        y = self._evaluate(xn)
        y = dnp.reshape(y, x_shape + self._y_extra_shape)
        if self.axis != 0 and x_shape != ():
            nx, ny = len(x_shape), len(self._y_extra_shape)
            s = (list(range(nx, nx + self.axis)) + list(range(nx))
                 + list(range(nx + self.axis, nx + ny)))
            y = dnp.transpose(y, tuple(s))
        return y

    def _evaluate(self, xn):
        xv = _np.asarray(primal_of(xn))
        xk = _np.asarray(primal_of(self._xf))
        n = xk.shape[0]
        with _np.errstate(invalid="ignore"):
            below, above = xv < xk[0], xv > xk[-1]
        if not self._extrapolate:
            if self.bounds_error and below.any():
                raise ValueError(f"A value ({xv[_np.argmax(below)]}) in x_new is below the "
                                 f"interpolation range's minimum value ({xk[0]}).")
            if self.bounds_error and above.any():
                raise ValueError(f"A value ({xv[_np.argmax(above)]}) in x_new is above the "
                                 f"interpolation range's maximum value ({xk[-1]}).")
        kind = self._kind
        nans = _np.isnan(xv)
        if kind in ("linear", "spline"):
            # NaN points (and points to be filled) are moved to x[0] before the
            # interpolant is evaluated, so that no NaN or infinite partial meets their
            # zero cotangent; their values are set below
            masked = nans if self._extrapolate else nans | below | above
            if _np.any(masked):
                xn = dnp.where(masked, xk[0], xn)
                xv = _np.where(masked, xk[0], xv)
        if kind == "linear":
            hi = _np.clip(_np.searchsorted(xk, xv), 1, n - 1)
            lo = hi - 1
            # the knots in their own dtype, as SciPy's _call_linear (float32 stays float32)
            x_lo, x_hi = self.x[lo], self.x[hi]
            y_lo, y_hi = self._y[lo], self._y[hi]
            slope = (y_hi - y_lo) / (x_hi - x_lo)[:, None]
            out = slope * (xn - x_lo)[:, None] + y_lo
        elif kind in ("nearest", "nearest-up"):
            bds = xk / 2.0
            bds = bds[1:] + bds[:-1]
            side = "left" if kind == "nearest" else "right"
            i = _np.clip(_np.searchsorted(bds, xv, side=side), 0, n - 1)
            out = self._y[i]
        elif kind in ("previous", "next"):
            ind = 0 if kind == "previous" else 1
            shift = _np.nextafter(xk, -_np.inf if ind == 0 else _np.inf)
            i = _np.clip(_np.searchsorted(shift, xv, side="left" if ind == 0 else "right"),
                         1 - ind, n - ind)
            out = self._y[i + ind - 1]
        else:
            k = self._order
            nc = shape_of(self._c)[0]
            ell = _spline_interval(_np.asarray(primal_of(self._t)), k, nc, xv)
            out = _deboor(self._t, self._c, k, xn, ell)
        dt = _np.result_type(primal_of(out))
        col = (shape_of(out)[0], 1)
        if kind in ("linear", "spline") and _np.any(nans):
            out = dnp.where(_np.reshape(nans, col), _np.array(_np.nan, dt), out)
        if not self._extrapolate and shape_of(out)[0] > 0:
            for mask, fv in ((below, self._fill_below), (above, self._fill_above)):
                if _np.any(mask):
                    if not contains_tracer(fv):
                        fv = _np.asarray(primal_of(fv)).astype(dt)
                    out = dnp.where(_np.reshape(mask, col), fv, out)
        return out


from ._bspline import (BSpline, make_interp_spline, make_lsq_spline, splev,   # noqa: E402
                       splder, splantider, splint)

__all__ += ["BSpline", "make_interp_spline", "make_lsq_spline", "splev", "splder",
            "splantider", "splint"]


def pchip_interpolate(xi, yi, x, der=0, axis=0):
    """``scipy.interpolate.pchip_interpolate(xi, yi, x, der=0, axis=0)``: the
    ``PchipInterpolator`` of ``(xi, yi)`` (or its derivatives: ``der`` an integer
    or a list of them) at ``x``, differentiable in ``xi``, ``yi`` and ``x``.

    >>> import numpy as np, dualad as ad
    >>> xi = np.array([0.0, 1.0, 2.0, 3.0]); yi = np.array([0.0, 1.0, 0.5, 2.0])
    >>> bool(np.isclose(ad.grad(lambda x: pchip_interpolate(xi, yi, x))(1.5),
    ...                 pchip_interpolate(xi, yi, 1.5, der=1)))
    True
    """
    if not contains_tracer((xi, yi, x)):
        return _si.pchip_interpolate(xi, yi, x, der=der, axis=axis)
    p = PchipInterpolator(xi, yi, axis=axis)
    if der == 0:
        return p(x)
    if _np.isscalar(der):
        return p.derivative(der)(x)
    return [p.derivative(nu)(x) for nu in der]


__all__ += ["pchip_interpolate"]

from ._interp_more import *          # noqa: E402,F401,F403  RBF, barycentric, Krogh
from ._interp_more import __all__ as _more_all     # noqa: E402

__all__ += list(_more_all)
