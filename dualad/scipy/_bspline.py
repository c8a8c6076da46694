"""SciPy's B-splines, differentiable: ``BSpline``, ``make_interp_spline``,
``make_lsq_spline`` and the FITPACK-style functions ``splev``, ``splder``,
``splantider``, ``splint`` (re-exported by ``dualad.scipy.interpolate``).

Everything is written with ``dualad.numpy`` (the collocation systems are solved
by the banded primitive of ``dualad.scipy._banded``, the least-squares systems
by ``dualad.scipy.linalg``'s QR), so a spline is differentiable, to every order
and in every nesting of modes, in

* the evaluation points: ``spl(xs, nu)`` has derivative ``spl(xs, nu + 1)``
  (zero for ``nu >= k``);
* the coefficients ``c`` (the spline is linear in them);
* the knots ``t``: the basis is computed by SciPy's recursion (``_deBoor_D``)
  on traced knots, so its derivative in the knots is that of the B-spline basis
  (on the interval the point lies in, which is read from the values);
* for ``make_interp_spline``, the data ``y``, the sites ``x`` (and the knots
  built from them) and the values of explicit boundary derivatives; for
  ``make_lsq_spline``, ``x``, ``y``, ``t`` and the weights ``w``.

Without traced input the constructors and methods are SciPy's own (the same
values, bit for bit); the spline is still a ``dualad`` object, so it can be
called at traced points.

>>> import numpy as np, dualad as ad
>>> from dualad.scipy.interpolate import make_interp_spline
>>> x = np.linspace(0.0, 3.0, 8)
>>> spl = make_interp_spline(x, np.sin(x))
>>> bool(np.isclose(ad.grad(spl)(1.3), spl(1.3, nu=1)))
True
>>> w = ad.grad(lambda y: make_interp_spline(x, y)(1.3))(np.sin(x))
>>> round(float(w.sum()), 12)                      # cardinal weights reproduce constants
1.0
"""
from __future__ import annotations

import operator as _operator

import numpy as _np
import scipy.interpolate as _si

from .. import numpy as dnp
from ..tracer import contains_tracer, primal_of, shape_of
from ._banded import solve_banded_p

__all__ = ["BSpline", "make_interp_spline", "make_lsq_spline", "splev", "splder",
           "splantider", "splint"]


def _pv(v):
    return _np.asarray(primal_of(v))


def _dtype_c(c):
    return _np.complex128 if _np.iscomplexobj(_pv(c)) else _np.float64


def _as(v, dt):
    return v if _np.result_type(primal_of(v)) == dt else dnp.astype(v, dt)


def _interval(tv, k, n, xv):
    """SciPy's ``find_interval`` (extrapolating): ``t[l] <= x < t[l + 1]``,
    ``k <= l <= n - 1``."""
    return _np.clip(_np.searchsorted(tv, xv, side="right") - 1, k, n - 1)


def _basis(t, k, xp, ell, nu):
    """The ``nu``-th derivatives of the ``k + 1`` B-splines nonzero on the interval
    ``ell`` of each point: ``h[a][j] = B^{(nu)}_{ell[j] - k + a, k}(xp[j])``.
    SciPy's ``_deBoor_D`` recursion, with dualad operations (differentiable in
    ``t`` and ``xp``).  A zero-length knot span (only met on degenerate knot
    vectors, at the edges) contributes nothing, as in SciPy."""
    tv = _pv(t)
    npts = shape_of(xp)[0]
    dt = _np.result_type(primal_of(xp), primal_of(t))
    h = [dnp.ones((npts,), dtype=dt)] + [None] * k
    for j in range(1, k + 1):
        deriv = j > k - nu
        hh = list(h[:j])
        h[0] = dnp.zeros((npts,), dtype=dt)
        for n in range(1, j + 1):
            ind = ell + n
            xb, xa = t[ind], t[ind - j]
            same = tv[ind] == tv[ind - j]
            den = xb - xa
            if _np.any(same):
                den = dnp.where(same, 1.0, den)
            if deriv:
                w = j * hh[n - 1] / den
                if _np.any(same):
                    w = dnp.where(same, 0.0, w)
                h[n - 1] = h[n - 1] - w
                h[n] = w
            else:
                w = hh[n - 1] / den
                if _np.any(same):
                    w = dnp.where(same, 0.0, w)
                h[n - 1] = h[n - 1] + w * (xb - xp)
                h[n] = w * (xp - xa)
    return h


def _evaluate(t, c2, k, xp, nu, extrapolate):
    """SciPy's ``evaluate_spline``: ``c2`` of shape ``(nc, m)``, ``xp`` 1-D float;
    ``(len(xp), m)``.  NaN points (and, without extrapolation, points outside
    the base interval) give NaN with zero derivative."""
    tv = _pv(t)
    n = tv.shape[0] - k - 1
    npts = shape_of(xp)[0]
    m = shape_of(c2)[1]
    dt = _np.result_type(primal_of(c2), _np.float64)
    if nu > k or npts == 0:
        if nu < 0:
            raise ValueError(f"Cannot do derivative order {nu}.")
        return _np.zeros((npts, m), dtype=dt)
    if nu < 0:
        raise ValueError(f"Cannot do derivative order {nu}.")
    xv = _pv(xp)
    with _np.errstate(invalid="ignore"):
        bad = _np.isnan(xv)
        if not extrapolate:
            bad = bad | (xv < tv[k]) | (xv > tv[n])
    if _np.any(bad):
        xp = dnp.where(bad, tv[k], xp)
        xv = _np.where(bad, tv[k], xv)
    ell = _interval(tv, k, n, xv)
    h = _basis(t, k, xp, ell, nu)
    out = None
    for a in range(k + 1):
        term = c2[ell + a - k] * h[a][:, None]
        out = term if out is None else out + term
    if _np.any(bad):
        out = dnp.where(bad[:, None], _np.array(_np.nan, dt), out)
    return out


class BSpline:
    """``scipy.interpolate.BSpline(t, c, k, extrapolate=True, axis=0)``: SciPy's
    values and attributes (``t``, ``c``, ``k``, ``extrapolate``, ``axis``,
    ``tck``), differentiable in ``t``, ``c`` and the points.

    ``__call__(x, nu=0, extrapolate=None)`` (every ``nu``; ``'periodic'``
    extrapolation maps ``x`` into the base interval with ``mod``, derivative 1),
    ``derivative(nu)``, ``antiderivative(nu)``, ``integrate(a, b,
    extrapolate=None)`` (differentiable in the bounds too), ``construct_fast``,
    ``basis_element`` and ``design_matrix`` (plain input only: it returns SciPy's
    sparse matrix).  As in SciPy, the values are float64 (complex128 for
    complex ``c``) whatever the input dtype.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy.interpolate import BSpline
    >>> t = np.array([0., 0., 0., 0., 1., 2., 3., 3., 3., 3.])
    >>> c = np.array([0., 1., -1., 2., 0., 1.])
    >>> g = ad.grad(lambda c: BSpline(t, c, 3)(1.5))(c)      # the basis at 1.5
    >>> bool(np.allclose(g, [BSpline(t, e, 3)(1.5) for e in np.eye(6)]))
    True
    """

    def __init__(self, t, c, k, extrapolate=True, axis=0):
        self.k = _operator.index(k)
        if not contains_tracer((t, c)):
            ref = _si.BSpline(t, c, k, extrapolate=extrapolate, axis=axis)
            self._t, self._c = ref.t, ref.c
            self.extrapolate, self.axis = ref.extrapolate, ref.axis
            return
        t, c = dnp.asarray(t), dnp.asarray(c)
        t = _as(t, _np.float64)
        self.extrapolate = extrapolate if extrapolate == "periodic" else bool(extrapolate)
        nd = len(shape_of(c))
        if nd < 1:
            raise ValueError("Coefficients must be at least 1-dimensional.")
        if not -nd <= axis < nd:
            raise _np.exceptions.AxisError(axis, nd)
        axis = axis % nd
        self.axis = axis
        if axis != 0:
            c = dnp.moveaxis(c, axis, 0)
        tv = _pv(t)
        n = tv.shape[0] - k - 1
        if k < 0:
            raise ValueError("Spline order cannot be negative.")
        if tv.ndim != 1:
            raise ValueError("Knot vector must be one-dimensional.")
        if n < self.k + 1:
            raise ValueError(f"Need at least {2*k + 2} knots for degree {k}")
        if (_np.diff(tv) < 0).any():
            raise ValueError("Knots must be in a non-decreasing order.")
        if len(_np.unique(tv[k:n + 1])) < 2:
            raise ValueError("Need at least two internal knots.")
        if not _np.isfinite(tv).all():
            raise ValueError("Knots should not have nans or infs.")
        if shape_of(c)[0] < n:
            raise ValueError("Knots, coefficients and degree are inconsistent.")
        self._t, self._c = t, _as(c, _dtype_c(c))

    @classmethod
    def construct_fast(cls, t, c, k, extrapolate=True, axis=0):
        """Construct a spline without making checks (``t``, ``c`` of the right
        shape and dtype, ``c``'s interpolation axis first)."""
        self = object.__new__(cls)
        self._t = t if contains_tracer(t) else _np.asarray(t)
        self._c = c if contains_tracer(c) else _np.asarray(c)
        self.k, self.extrapolate, self.axis = k, extrapolate, axis
        return self

    @property
    def t(self):
        """The knots."""
        return self._t

    @property
    def c(self):
        """The coefficients (interpolation axis first)."""
        return self._c

    @property
    def tck(self):
        """``(t, c, k)``."""
        return self._t, self._c, self.k

    def _plain(self):
        return not contains_tracer((self._t, self._c))

    def _scipy(self):
        return _si.BSpline.construct_fast(_np.asarray(self._t, dtype=_np.float64),
                                          _np.ascontiguousarray(self._c), self.k,
                                          extrapolate=self.extrapolate, axis=self.axis)

    @classmethod
    def basis_element(cls, t, extrapolate=True):
        """SciPy's ``B(x | t[0], ..., t[k+1])`` (differentiable in ``t``)."""
        if not contains_tracer(t):
            ref = _si.BSpline.basis_element(t, extrapolate)
            return cls.construct_fast(ref.t, ref.c, ref.k, ref.extrapolate)
        t = _as(dnp.asarray(t), _np.float64)
        k = shape_of(t)[0] - 2
        one = dnp.ones((k,))
        t = dnp.concatenate([(t[0] - 1) * one, t, (t[-1] + 1) * one])
        c = _np.zeros(shape_of(t)[0])
        c[k] = 1.0
        return cls.construct_fast(t, c, k, extrapolate)

    @classmethod
    def design_matrix(cls, x, t, k, extrapolate=False):
        """SciPy's ``design_matrix`` (a ``scipy.sparse`` array): plain input only."""
        if contains_tracer((x, t)):
            raise NotImplementedError(
                "BSpline.design_matrix returns a scipy.sparse array and takes no traced "
                "input; for a differentiable (dense) design matrix evaluate "
                "BSpline(t, np.eye(n), k)(x)")
        return _si.BSpline.design_matrix(x, t, k, extrapolate)

    def __call__(self, x, nu=0, extrapolate=None):
        """The ``nu``-th derivative at ``x``: the interpolation axis of ``c``
        replaced by the shape of ``x``."""
        if extrapolate is None:
            extrapolate = self.extrapolate
        if self._plain() and not contains_tracer(x):
            return self._scipy()(x, nu, extrapolate)
        x = dnp.asarray(x)
        x_shape, x_ndim = shape_of(x), len(shape_of(x))
        x = _as(dnp.ravel(x), _np.float64)
        t, k = self._t, self.k
        n = shape_of(t)[0] - k - 1
        if extrapolate == "periodic":
            x = t[k] + dnp.mod(x - t[k], t[n] - t[k])
            extrapolate = False
        c = self._c
        c2 = dnp.reshape(c, (shape_of(c)[0], -1))
        out = _evaluate(t, c2, k, x, nu, extrapolate)
        out = dnp.reshape(out, x_shape + shape_of(c)[1:])
        if self.axis != 0:
            ax = list(range(len(shape_of(out))))
            ax = ax[x_ndim:x_ndim + self.axis] + ax[:x_ndim] + ax[x_ndim + self.axis:]
            out = dnp.transpose(out, tuple(ax))
        return out

    def _padded(self):
        c, t = self._c, self._t
        ct = shape_of(t)[0] - shape_of(c)[0]
        if ct > 0:
            z = _np.zeros((ct,) + shape_of(c)[1:], dtype=_np.result_type(primal_of(c)))
            c = dnp.concatenate([c, z]) if contains_tracer(c) else _np.concatenate([c, z])
        return t, c

    def derivative(self, nu=1):
        """The B-spline of the ``nu``-th derivative (SciPy's ``splder``)."""
        if self._plain():
            r = self._scipy().derivative(nu)
            return type(self).construct_fast(r.t, r.c, r.k, r.extrapolate, r.axis)
        t, c, k = _splder(*self._padded(), self.k, nu)
        return type(self).construct_fast(t, c, k, self.extrapolate, self.axis)

    def antiderivative(self, nu=1):
        """The B-spline of the ``nu``-th antiderivative (SciPy's ``splantider``);
        periodic extrapolation becomes ``False``, as in SciPy."""
        if self._plain():
            r = self._scipy().antiderivative(nu)
            return type(self).construct_fast(r.t, r.c, r.k, r.extrapolate, r.axis)
        t, c, k = _splantider(*self._padded(), self.k, nu)
        ext = False if self.extrapolate == "periodic" else self.extrapolate
        return type(self).construct_fast(t, c, k, ext, self.axis)

    def integrate(self, a, b, extrapolate=None):
        """The integral over ``[a, b]`` (SciPy's rules for ``extrapolate``: outside
        the base interval the spline is zero when it is False); differentiable in
        ``a``, ``b``, ``t`` and ``c``."""
        if extrapolate is None:
            extrapolate = self.extrapolate
        if self._plain() and not contains_tracer((a, b)):
            return self._scipy().integrate(a, b, extrapolate)
        av, bv = float(_pv(a)), float(_pv(b))
        if _np.isnan(av) or _np.isnan(bv):
            raise ValueError("integrate: the bounds a and b must not be NaN")
        sign = 1.0
        if bv < av:
            a, b, av, bv = b, a, bv, av
            sign = -1.0
        t, k = self._t, self.k
        tv = _pv(t)
        n = tv.shape[0] - k - 1
        if extrapolate != "periodic" and not extrapolate:
            if av < tv[k]:
                a, av = t[k], tv[k]
            if bv > tv[n]:
                b, bv = t[n], tv[n]
        ta, ca, ka = _splantider(*self._padded(), k, 1)
        ca2 = dnp.reshape(ca, (shape_of(ca)[0], -1))

        def diff(lo, hi, ext):
            out = _evaluate(ta, ca2, ka, dnp.stack([_as(dnp.asarray(lo), _np.float64),
                                                    _as(dnp.asarray(hi), _np.float64)]),
                            0, ext)
            return out[1] - out[0]
        if extrapolate == "periodic":
            ts, te = t[k], t[n]
            period = te - ts
            n_periods = _np.floor((bv - av) / (tv[n] - tv[k]))
            left = dnp.mod(b - a, period)
            integral = n_periods * diff(ts, te, False) if n_periods > 0 else 0.0
            a = ts + dnp.mod(a - ts, period)
            b = a + left
            if _pv(b) <= tv[n]:
                integral = integral + diff(a, b, False)
            else:
                integral = integral + diff(a, te, False) + diff(ts, ts + b - te, False)
        else:
            integral = diff(a, b, bool(extrapolate))
        return dnp.reshape(integral * sign, shape_of(ca)[1:])


# --- splder / splantider on (t, c, k) with c padded to len(t) -------------------------------

def _splder(t, c, k, n=1):
    if n == 0:
        return t, c, k
    if n < 0:
        return _splantider(t, c, k, -n)
    if n > k:
        raise ValueError(f"Order of derivative (n = {n!r}) must be <= order of spline "
                         f"(k = {k!r})")
    for _ in range(n):
        dt = t[k + 1:-1] - t[1:-k - 1]
        if _np.any(_pv(dt) == 0):
            raise ValueError("The spline has internal repeated knots and is not "
                             f"differentiable {n} times")
        dt = dnp.reshape(dt, shape_of(dt) + (1,) * (len(shape_of(c)) - 1))
        c = (c[1:-1 - k] - c[:-2 - k]) * k / dt
        c = dnp.concatenate([c, _np.zeros((k,) + shape_of(c)[1:])])
        t = t[1:-1]
        k -= 1
    return t, c, k


def _splantider(t, c, k, n=1):
    if n < 0:
        return _splder(t, c, k, -n)
    for _ in range(n):
        dt = t[k + 1:] - t[:-k - 1]
        dt = dnp.reshape(dt, shape_of(dt) + (1,) * (len(shape_of(c)) - 1))
        c = dnp.cumsum(c[:-k - 1] * dt, axis=0) / (k + 1)
        z = _np.zeros((1,) + shape_of(c)[1:])
        c = dnp.concatenate([z, c] + [c[-1:]] * (k + 2))
        t = dnp.concatenate([t[:1], t, t[-1:]])
        k += 1
    return t, c, k


# --- make_interp_spline ---------------------------------------------------------------------

def _deriv_spec(deriv, target_shape):
    if isinstance(deriv, str):
        if deriv == "clamped":
            return [(1, _np.zeros(target_shape))]
        if deriv == "natural":
            return [(2, _np.zeros(target_shape))]
        raise ValueError(f"Unknown boundary condition : {deriv}")
    if deriv is None:
        return []
    try:
        return [(int(o), v) for o, v in deriv]
    except TypeError as e:
        raise ValueError("Derivatives, `bc_type`, should be specified as a pair of "
                         "iterables of pairs of (order, value).") from e


def _traced_in_bc(bc_type):
    if bc_type is None or isinstance(bc_type, str):
        return False
    return contains_tracer([v for side in bc_type if side is not None
                            and not isinstance(side, str) for _, v in side])


def _wrap(ref):
    return BSpline.construct_fast(ref.t, ref.c, ref.k, ref.extrapolate, ref.axis)


def make_interp_spline(x, y, k=3, t=None, bc_type=None, axis=0, check_finite=True):
    """``scipy.interpolate.make_interp_spline``: the interpolating B-spline of
    degree ``k``, SciPy's knots and values, differentiable in ``y`` (linear), in
    ``x`` (the collocation system, and the default knots, which are built from
    ``x``), in a traced ``t`` and in the values of an explicit ``bc_type``
    (``((order, value), ...)`` pairs).  ``bc_type`` None / 'not-a-knot',
    'natural', 'clamped' or explicit derivatives; ``'periodic'`` only for plain
    input (``NotImplementedError`` otherwise).  The system is assembled in banded
    form and solved as SciPy's (LAPACK ``gbsv``) through the banded primitive.

    >>> import numpy as np, dualad as ad
    >>> x = np.linspace(0.0, 2.0, 6)
    >>> f = lambda x: make_interp_spline(x, x ** 3, bc_type="natural")(0.7)
    >>> float(ad.grad(f)(x).sum()) != 0.0                  # the knots move with x
    True
    """
    if not contains_tracer((x, y, t)) and not _traced_in_bc(bc_type):
        return _wrap(_si.make_interp_spline(x, y, k=k, t=t, bc_type=bc_type, axis=axis,
                                            check_finite=check_finite))
    if bc_type is None or bc_type == "not-a-knot" or bc_type == "periodic":
        deriv_l = deriv_r = None
    elif isinstance(bc_type, str):
        deriv_l = deriv_r = bc_type
    else:
        try:
            deriv_l, deriv_r = bc_type
        except TypeError as e:
            raise ValueError(f"Unknown boundary condition: {bc_type}") from e
    if bc_type == "periodic":
        raise NotImplementedError("make_interp_spline: bc_type='periodic' is supported for "
                                  "plain (untraced) input only; use CubicSpline(x, y, "
                                  "bc_type='periodic') for a differentiable periodic cubic")
    x = _as(dnp.asarray(x), _np.float64)
    y = dnp.asarray(y)
    y = _as(y, _dtype_c(y))
    nd = len(shape_of(y))
    if not -nd <= axis < nd:
        raise _np.exceptions.AxisError(axis, nd)
    axis = axis % nd
    y = dnp.moveaxis(y, axis, 0)
    xv, yv = _pv(x), _pv(y)
    if check_finite and not (_np.isfinite(xv).all() and _np.isfinite(yv).all()):
        raise ValueError("array must not contain infs or NaNs")
    if xv.size != yv.shape[0]:
        raise ValueError(f"Shapes of x {xv.shape} and y {yv.shape} are incompatible")
    if _np.any(xv[1:] == xv[:-1]):
        raise ValueError("Expect x to not have duplicates")
    if xv.ndim != 1 or _np.any(xv[1:] < xv[:-1]):
        raise ValueError("Expect x to be a 1D strictly increasing sequence.")
    if k == 0:
        if any(_ is not None for _ in (t, deriv_l, deriv_r)):
            raise ValueError("Too much info for k=0: t and bc_type can only be None.")
        return BSpline.construct_fast(dnp.concatenate([x, x[-1:]]), y, k, axis=axis)
    if k == 1 and t is None:
        if not (deriv_l is None and deriv_r is None):
            raise ValueError("Too much info for k=1: bc_type can only be None.")
        return BSpline.construct_fast(dnp.concatenate([x[:1], x, x[-1:]]), y, k, axis=axis)
    k = _operator.index(k)
    if k < 0:
        raise ValueError("Expect non-negative k.")
    if t is None:
        if deriv_l is None and deriv_r is None:
            if k % 2 == 1:
                k2 = (k + 1) // 2
                mid = x
            else:
                k2 = k // 2
                mid = (x[1:] + x[:-1]) / 2
            mid = mid[k2:-k2]
        else:
            mid = x
        reps = k + 1 if deriv_l is None and deriv_r is None else k
        one = _np.ones(reps)
        t = dnp.concatenate([x[0] * one, mid, x[-1] * one])
    else:
        t = _as(dnp.asarray(t), _np.float64)
    tv = _pv(t)
    if check_finite and not _np.isfinite(tv).all():
        raise ValueError("array must not contain infs or NaNs")
    if tv.ndim != 1 or _np.any(tv[1:] < tv[:-1]):
        raise ValueError("Expect t to be a 1-D sorted array_like.")
    if tv.size < xv.size + k + 1:
        raise ValueError(f"Got {tv.size} knots, need at least {xv.size + k + 1}.")
    if (xv[0] < tv[k]) or (xv[-1] > tv[-k]):
        raise ValueError(f"Out of bounds w/ x = {xv}.")
    trail = shape_of(y)[1:]
    dl, dr = _deriv_spec(deriv_l, trail), _deriv_spec(deriv_r, trail)
    nleft, nright = len(dl), len(dr)
    if not all(0 <= o <= k for o, _ in dl):
        raise ValueError(f"Bad boundary conditions at {xv[0]}.")
    if not all(0 <= o <= k for o, _ in dr):
        raise ValueError(f"Bad boundary conditions at {xv[-1]}.")
    n = xv.size
    nt = tv.size - k - 1
    if nt - n != nleft + nright:
        raise ValueError("The number of derivatives at boundaries does not match: "
                         f"expected {nt - n}, got {nleft}+{nright}")
    m = int(_np.prod(trail))
    if yv.size == 0:
        return BSpline.construct_fast(t, _np.zeros((nt,) + trail), k, axis=axis)
    # rows: the left derivatives at x[0], the values at x, the right derivatives at x[-1]
    rows_h, rows_ell = [], []

    def add(pts, nu):
        pv = _pv(pts)
        with _np.errstate(invalid="ignore"):
            ok = (pv >= tv[k]) & (pv <= tv[nt])
        ell = _interval(tv, k, nt, pv)
        h = _basis(t, k, pts, ell, nu)
        rows_h.append(dnp.stack(h, axis=-1))
        rows_ell.append(ell)
        return ok
    for o, _ in dl:
        add(x[:1], o)
    add(x, 0)
    for o, _ in dr:
        add(x[-1:], o)
    vals = dnp.concatenate(rows_h)                        # (nt, k + 1)
    ell = _np.concatenate(rows_ell)
    rows = _np.arange(nt)[:, None]
    cols = ell[:, None] - k + _np.arange(k + 1)
    band = k + rows - cols
    rhs = []
    dt_y = _np.result_type(primal_of(y))
    for _, v in dl:
        rhs.append(_as(dnp.reshape(dnp.asarray(v), (1, m)), dt_y))
    rhs.append(dnp.reshape(y, (n, m)))
    for _, v in dr:
        rhs.append(_as(dnp.reshape(dnp.asarray(v), (1, m)), dt_y))
    rhs = dnp.concatenate(rhs)
    if _np.all((band >= 0) & (band <= 2 * k)):
        idx = _np.full((2 * k + 1, nt), nt * (k + 1))
        idx[band, cols] = _np.arange(nt * (k + 1)).reshape(nt, k + 1)
        flat = dnp.concatenate([dnp.reshape(vals, (-1,)), _np.zeros(1)])
        ab = flat[idx]
        c = solve_banded_p(ab, rhs, l_and_u=(k, k))
    else:                                             # user knots off the band: dense
        idx = _np.full((nt, nt), nt * (k + 1))
        idx[_np.broadcast_to(rows, cols.shape), cols] = _np.arange(nt * (k + 1)).reshape(
            nt, k + 1)
        flat = dnp.concatenate([dnp.reshape(vals, (-1,)), _np.zeros(1)])
        c = dnp.linalg.solve(flat[idx], rhs)
    if not _np.all(_np.isfinite(_pv(c))):
        raise _np.linalg.LinAlgError("Colocation matrix is singular.")
    c = dnp.reshape(c, (nt,) + trail)
    return BSpline.construct_fast(t, c, k, axis=axis)


# --- make_lsq_spline ------------------------------------------------------------------------

def _dense_design(t, k, x, nt):
    """The collocation matrix ``A[j, i] = B_i(x[j])`` (dense, ``(len(x), nt)``)."""
    tv = _pv(t)
    xv = _pv(x)
    ell = _interval(tv, k, nt, xv)
    vals = dnp.stack(_basis(t, k, x, ell, 0), axis=-1)      # (m, k + 1)
    mpts = xv.shape[0]
    idx = _np.full((mpts, nt), mpts * (k + 1))
    cols = ell[:, None] - k + _np.arange(k + 1)
    idx[_np.broadcast_to(_np.arange(mpts)[:, None], cols.shape), cols] = \
        _np.arange(mpts * (k + 1)).reshape(mpts, k + 1)
    flat = dnp.concatenate([dnp.reshape(vals, (-1,)), _np.zeros(1)])
    return flat[idx]


def make_lsq_spline(x, y, t, k=3, w=None, axis=0, check_finite=True, *, method="qr"):
    """``scipy.interpolate.make_lsq_spline``: the B-spline with knots ``t``
    minimising ``sum_j (w[j] (spl(x[j]) - y[j]))**2``, SciPy's values.  With traced
    ``x``, ``y``, ``t`` or ``w`` the problem is solved by a (differentiable) dense QR
    of the weighted collocation matrix, for either ``method`` (the solution is the
    same; memory ``O(len(x) * len(c))``); differentiable in all four.

    >>> import numpy as np, dualad as ad
    >>> x = np.linspace(0.0, 1.0, 12); t = np.r_[[0.0] * 4, 0.5, [1.0] * 4]
    >>> g = ad.grad(lambda y: make_lsq_spline(x, y, t)(0.3))(np.cos(x))
    >>> round(float(g.sum()), 12)                       # constants are reproduced
    1.0
    """
    if not contains_tracer((x, y, t, w)):
        return _wrap(_si.make_lsq_spline(x, y, t, k=k, w=w, axis=axis,
                                         check_finite=check_finite, method=method))
    if method not in ("qr", "norm-eq"):
        raise ValueError(f"Unknown method ={method!r}.")
    x = _as(dnp.asarray(x), _np.float64)
    y = dnp.asarray(y)
    y = _as(y, _dtype_c(y))
    t = _as(dnp.asarray(t), _np.float64)
    w = dnp.ones_like(_pv(x)) if w is None else _as(dnp.asarray(w), _np.float64)
    xv, yv, tv, wv = _pv(x), _pv(y), _pv(t), _pv(w)
    if check_finite and not all(_np.isfinite(a).all() for a in (xv, yv, tv, wv)):
        raise ValueError("array must not contain infs or NaNs")
    k = _operator.index(k)
    nd = yv.ndim
    if not -nd <= axis < nd:
        raise _np.exceptions.AxisError(axis, nd)
    axis = axis % nd
    y = dnp.moveaxis(y, axis, 0)
    yv = _pv(y)
    if xv.ndim != 1:
        raise ValueError("Expect x to be a 1-D sequence.")
    if xv.shape[0] < k + 1:
        raise ValueError("Need more x points.")
    if k < 0:
        raise ValueError("Expect non-negative k.")
    if tv.ndim != 1 or _np.any(tv[1:] - tv[:-1] < 0):
        raise ValueError("Expect t to be a 1D strictly increasing sequence.")
    if xv.size != yv.shape[0]:
        raise ValueError(f"Shapes of x {xv.shape} and y {yv.shape} are incompatible")
    if k > 0 and _np.any((xv < tv[k]) | (xv > tv[-k])):
        raise ValueError(f"Out of bounds w/ x = {xv}.")
    if xv.size != wv.size:
        raise ValueError(f"Shapes of x {xv.shape} and w {wv.shape} are incompatible")
    if method == "norm-eq" and _np.any(xv[1:] - xv[:-1] <= 0):
        raise ValueError("Expect x to be a 1D strictly increasing sequence.")
    if method == "qr" and _np.any(xv[1:] - xv[:-1] < 0):
        raise ValueError("Expect x to be a 1D non-decreasing sequence.")
    from . import linalg as _dl
    nt = tv.size - k - 1
    trail = yv.shape[1:]
    a = _dense_design(t, k, x, nt) * w[:, None]
    rhs = dnp.reshape(y, (xv.size, -1)) * w[:, None]
    q, r = dnp.linalg.qr(a)
    c = _dl.solve_triangular(r, dnp.matmul(dnp.transpose(q), rhs))
    return BSpline.construct_fast(t, dnp.reshape(c, (nt,) + trail), k, axis=axis)


# --- FITPACK-style functions (s = 0 representations) ----------------------------------------

def _tck(tck, name):
    if isinstance(tck, BSpline):
        return tck.t, tck.c, tck.k
    t, c, k = tck
    if isinstance(c, (list, tuple)) and len(c) and _np.ndim(_pv(c[0])) >= 1:
        raise NotImplementedError(f"{name}: parametric (list of coefficient arrays) tck "
                                  "is supported for plain input only")
    return t, c, k


def splev(x, tck, der=0, ext=0):
    """``scipy.interpolate.splev(x, tck, der=0, ext=0)`` for a 1-D ``(t, c, k)``
    (or a ``BSpline``), differentiable in ``x``, ``t`` and ``c``; ``ext`` 0
    (extrapolate), 1 (zero outside), 2 (``ValueError`` outside), 3 (the boundary
    value, derivative 0 in ``x`` there; for ``der > 0`` FITPACK, hence SciPy and
    this function, extrapolate instead)."""
    if isinstance(tck, BSpline):
        if not contains_tracer((x, tck.t, tck.c)):
            return _si.splev(x, tck._scipy(), der, ext)
        return tck(x, der, extrapolate=bool(ext == 0))     # SciPy's route for BSpline
    if not contains_tracer((x, tck)):
        return _si.splev(x, tck, der, ext)
    t, c, k = _tck(tck, "splev")
    if ext not in (0, 1, 2, 3):
        raise ValueError(f"ext = {ext} not in (0, 1, 2, 3) ")
    t = _as(dnp.asarray(t), _np.float64)
    c = _as(dnp.asarray(c), _np.float64)
    tv = _pv(t)
    n = tv.size - k - 1
    if not 0 <= der <= k:
        raise ValueError(f"0<=der={der}<=k={k} must hold")
    x = dnp.asarray(x)
    xs = shape_of(x)
    xf = _as(dnp.ravel(x), _np.float64)
    xv = _pv(xf)
    with _np.errstate(invalid="ignore"):
        out_of = (xv < tv[k]) | (xv > tv[n])
    if ext == 2 and _np.any(out_of):
        raise ValueError("Found x value not in the domain")
    if ext == 3 and der == 0:        # FITPACK extrapolates derivatives for ext=3
        xf = dnp.clip(xf, t[k], t[n])
    out = _evaluate(t, c[:n, None], k, xf, der, True)[:, 0]
    if ext == 1 and _np.any(out_of):
        out = dnp.where(out_of, 0.0, out)
    return dnp.reshape(out, xs)


def _check_tck_plain(tck):
    return not contains_tracer(tck.tck if isinstance(tck, BSpline) else tck)


def splder(tck, n=1):
    """``scipy.interpolate.splder``: the ``(t, c, k)`` (or ``BSpline``) of the
    ``n``-th derivative, differentiable in ``t`` and ``c``."""
    if isinstance(tck, BSpline):
        return tck.derivative(n)
    if _check_tck_plain(tck):
        return _si.splder(tck, n)
    t, c, k = _tck(tck, "splder")
    return _splder(_as(dnp.asarray(t), _np.float64), dnp.asarray(c), k, n)


def splantider(tck, n=1):
    """``scipy.interpolate.splantider``: the ``(t, c, k)`` (or ``BSpline``) of the
    ``n``-th antiderivative, differentiable in ``t`` and ``c``."""
    if isinstance(tck, BSpline):
        return tck.antiderivative(n)
    if _check_tck_plain(tck):
        return _si.splantider(tck, n)
    t, c, k = _tck(tck, "splantider")
    return _splantider(_as(dnp.asarray(t), _np.float64), dnp.asarray(c), k, n)


def splint(a, b, tck, full_output=0):
    """``scipy.interpolate.splint(a, b, tck)``: the integral over ``[a, b]`` of the
    spline taken as zero outside ``[t[k], t[n]]`` (FITPACK's convention),
    differentiable in ``a``, ``b``, ``t`` and ``c``.  ``full_output`` only for plain
    input."""
    if not contains_tracer((a, b)) and _check_tck_plain(tck):
        tt = tck._scipy() if isinstance(tck, BSpline) else tck
        return _si.splint(a, b, tt, full_output)
    if full_output:
        raise NotImplementedError("splint: full_output=1 is supported for plain input only")
    t, c, k = _tck(tck, "splint")
    t = _as(dnp.asarray(t), _np.float64)
    c = dnp.asarray(c)
    nc = _pv(t).size - k - 1
    spl = BSpline.construct_fast(t, c[:nc], k, extrapolate=False)
    return spl.integrate(a, b, extrapolate=False)
