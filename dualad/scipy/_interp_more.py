"""More of ``scipy.interpolate``, differentiable: ``RBFInterpolator``,
``BarycentricInterpolator`` / ``barycentric_interpolate``,
``KroghInterpolator`` / ``krogh_interpolate``, ``make_smoothing_spline``,
``splrep`` (``s=0`` or given knots) and ``lagrange`` (plain input only)
(re-exported by ``dualad.scipy.interpolate``).

Everything is written with ``dualad.numpy`` (the RBF system is solved with
``dualad.numpy.linalg.solve``, LU with partial pivoting as SciPy's ``dgesv``), so
the interpolants are differentiable to every order, in both modes, in the data
values, the nodes / centres, the parameters (``smoothing``, ``epsilon``) and the
evaluation points.  Called with no traced value the constructors and methods
are SciPy's own.

>>> import numpy as np, dualad as ad
>>> from dualad.scipy.interpolate import RBFInterpolator
>>> y = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, 0.3]])
>>> d = np.array([0.0, 1.0, 2.0, 0.5, 1.0])
>>> f = lambda x: RBFInterpolator(y, d)(x[None])[0]
>>> g = ad.grad(f)(np.array([0.4, 0.6]))
>>> h = 1e-6; e = np.array([h, 0.0])
>>> bool(abs(g[0] - (f(np.array([0.4, 0.6]) + e) - f(np.array([0.4, 0.6]) - e)) / (2 * h)) < 1e-7)
True
"""
from __future__ import annotations

import math as _math

import numpy as _np
import scipy.interpolate as _si
from scipy._lib._util import check_random_state as _check_random_state

from .. import numpy as dnp
from ..tracer import contains_tracer, primal_of, shape_of

__all__ = ["RBFInterpolator", "BarycentricInterpolator", "barycentric_interpolate",
           "KroghInterpolator", "krogh_interpolate"]


def _pv(v):
    return _np.asarray(primal_of(v))


# ---------------------------------------------------------------------------
# RBFInterpolator

_AVAILABLE = ("linear", "thin_plate_spline", "cubic", "quintic", "multiquadric",
              "inverse_multiquadric", "inverse_quadratic", "gaussian")
_SCALE_INVARIANT = {"linear", "thin_plate_spline", "cubic", "quintic"}
_NAME_TO_MIN_DEGREE = {"multiquadric": 0, "linear": 0, "thin_plate_spline": 1,
                       "cubic": 1, "quintic": 2}


def _kernel(s, kernel):
    """The RBF ``kernel`` of ``r = sqrt(s)``, ``s`` the squared distance.

    The smooth kernels are written in ``s`` (smooth there at ``r = 0`` too).  The
    polyharmonic ones (``-r``, ``r^2 log r``, ``r^3``, ``-r^5``) take their value 0
    at ``s == 0`` through a double ``where``, so the derivative there is 0 at
    every order: exact for ``cubic`` (first and second order) and ``quintic``
    (to fourth order) and for the first derivative of ``thin_plate_spline``;
    ``linear`` is not differentiable there (0 is the ``abs'(0) = 0`` convention)
    and ``thin_plate_spline``'s second derivative is infinite there (0 is given).
    """
    if kernel == "multiquadric":
        return -dnp.sqrt(s + 1.0)
    if kernel == "inverse_multiquadric":
        return 1.0 / dnp.sqrt(s + 1.0)
    if kernel == "inverse_quadratic":
        return 1.0 / (s + 1.0)
    if kernel == "gaussian":
        return dnp.exp(-s)
    zero = _pv(s) == 0.0
    anyzero = bool(_np.any(zero))
    if anyzero:
        s = dnp.where(zero, 1.0, s)
    r = dnp.sqrt(s)
    if kernel == "linear":
        out = -r
    elif kernel == "thin_plate_spline":
        out = r ** 2 * dnp.log(r)
    elif kernel == "cubic":
        out = r ** 3
    else:       # quintic
        out = -r ** 5
    if anyzero:
        out = dnp.where(zero, 0.0, out)
    return out


def _sqdist(a, b):
    diff = a[:, None, :] - b[None, :, :]
    return dnp.sum(diff * diff, axis=-1)


def _monomials(xhat, powers):
    """``prod(xhat[:, None, :] ** powers, -1)`` by products (no ``x ** 0`` term,
    whose derivative would be ``0 * x ** -1``)."""
    n = shape_of(xhat)[0]
    cols = []
    for row in powers:
        col = None
        for var, p in enumerate(row):
            for _ in range(int(p)):
                col = xhat[:, var] if col is None else col * xhat[:, var]
        cols.append(dnp.ones(n) if col is None else col)
    if not cols:
        return dnp.zeros((n, 0))
    return dnp.stack(cols, axis=-1)


def _rbf_eval_matrix(x, y, kernel, epsilon, powers, shift, scale):
    xeps = x * epsilon
    yeps = y * epsilon
    xhat = (x - shift) / scale
    return dnp.concatenate([_kernel(_sqdist(xeps, yeps), kernel),
                            _monomials(xhat, powers)], axis=-1)


def _rbf_build_and_solve(y, d, smoothing, kernel, epsilon, powers):
    ny = shape_of(y)[0]
    r = powers.shape[0]
    s = shape_of(d)[1]
    mins = dnp.min(y, axis=0)
    maxs = dnp.max(y, axis=0)
    shift = (maxs + mins) / 2
    scale = (maxs - mins) / 2
    scale = dnp.where(_pv(scale) == 0.0, 1.0, scale)
    yeps = y * epsilon
    yhat = (y - shift) / scale
    kmat = _kernel(_sqdist(yeps, yeps), kernel)
    kmat = kmat + dnp.eye(ny) * smoothing[:, None]
    pmat = _monomials(yhat, powers)
    lhs = dnp.concatenate([dnp.concatenate([kmat, pmat], axis=1),
                           dnp.concatenate([dnp.transpose(pmat), _np.zeros((r, r))], axis=1)],
                          axis=0)
    rhs = dnp.concatenate([d, _np.zeros((r, s))], axis=0)
    try:
        coeffs = dnp.linalg.solve(lhs, rhs)
    except _np.linalg.LinAlgError:
        msg = "Singular matrix."
        if r > 0:
            rank = _np.linalg.matrix_rank(_pv(pmat))
            if rank < r:
                msg = ("Singular matrix. The matrix of monomials evaluated at "
                       "the data point coordinates does not have full column "
                       f"rank ({rank}/{r}).")
        raise _np.linalg.LinAlgError(msg) from None
    return shift, scale, coeffs


class RBFInterpolator:
    """``scipy.interpolate.RBFInterpolator(y, d, neighbors=None, smoothing=0.0,
    kernel='thin_plate_spline', epsilon=None, degree=None)``, differentiable in
    the centres ``y``, the data ``d``, ``smoothing`` (scalar or per point) and
    ``epsilon``, and (``__call__``) in the evaluation points ``x``.

    SciPy's system is built term for term: the kernel matrix of
    ``||y_i epsilon - y_j epsilon||`` plus ``diag(smoothing)``, bordered by the
    monomials of ``(y - shift) / scale`` with SciPy's ``shift = (max + min) / 2``
    and ``scale = (max - min) / 2`` (1 where that is 0), solved by
    ``dualad.numpy.linalg.solve``.  ``shift`` and ``scale`` follow ``y`` (through
    ``min`` / ``max``, tie rule of docs/conventions.md); the interpolant does not
    depend on them, so their derivatives cancel.

    At a zero distance (an evaluation point at a centre, and the diagonal of the
    kernel matrix) the polyharmonic kernels have derivative 0 at every order:
    right for ``cubic`` and ``quintic`` and for the gradient of
    ``thin_plate_spline`` (whose second derivative is infinite there); for
    ``linear`` (``-r``, not differentiable there) it is the ``abs'(0) = 0``
    convention.  The other kernels are smooth in ``r^2``.

    ``neighbors`` (a KD-tree search per point) is supported only without traced
    values (SciPy's own object); traced, it raises ``NotImplementedError``.
    """

    def __init__(self, y, d, neighbors=None, smoothing=0.0, kernel="thin_plate_spline",
                 epsilon=None, degree=None):
        traced = contains_tracer((y, d, smoothing, epsilon))
        if not traced:
            self._ref = _si.RBFInterpolator(y, d, neighbors=neighbors, smoothing=smoothing,
                                            kernel=kernel, epsilon=epsilon, degree=degree)
            ref = self._ref
            for name in ("y", "d", "d_shape", "d_dtype", "neighbors", "smoothing",
                         "kernel", "epsilon", "powers"):
                setattr(self, name, getattr(ref, name))
            if neighbors is None:
                self._shift, self._scale, self._coeffs = ref._shift, ref._scale, ref._coeffs
            return
        self._ref = None
        if neighbors is not None:
            raise NotImplementedError(
                "RBFInterpolator: neighbors (a nearest-neighbour search per point) is "
                "not supported with traced inputs; use neighbors=None, or call "
                "scipy.interpolate.RBFInterpolator with plain arrays")
        y = dnp.astype(y, _np.float64) if _pv(y).dtype != _np.float64 else y
        if _np.ndim(_pv(y)) != 2:
            raise ValueError("`y` must be a 2-dimensional array.")
        ny, ndim = shape_of(y)
        dp = _pv(d)
        d_dtype = _np.complex128 if _np.iscomplexobj(dp) else _np.float64
        if dp.dtype != d_dtype:
            d = dnp.astype(d, d_dtype)
        if shape_of(d)[0] != ny:
            raise ValueError(f"Expected the first axis of `d` to have length {ny}.")
        d_shape = tuple(shape_of(d)[1:])
        d = dnp.reshape(d, (ny, -1))
        if d_dtype == _np.complex128:      # SciPy's d.view(float): [re, im] pairs
            d = dnp.reshape(dnp.stack([dnp.real(d), dnp.imag(d)], axis=-1), (ny, -1))
        if _np.ndim(_pv(smoothing)) == 0:
            smoothing = dnp.ones(ny) * dnp.astype(smoothing, _np.float64) \
                if contains_tracer(smoothing) else _np.full(ny, float(smoothing))
        else:
            if shape_of(smoothing) != (ny,):
                raise ValueError("Expected `smoothing` to be a scalar or have shape "
                                 f"({ny},).")
            if not contains_tracer(smoothing):
                smoothing = _np.asarray(smoothing, dtype=float)
            elif _pv(smoothing).dtype != _np.float64:
                smoothing = dnp.astype(smoothing, _np.float64)
        kernel = kernel.lower()
        if kernel not in _AVAILABLE:
            raise ValueError(f"`kernel` must be one of {set(_AVAILABLE)}.")
        if epsilon is None:
            if kernel in _SCALE_INVARIANT:
                epsilon = 1.0
            else:
                raise ValueError("`epsilon` must be specified if `kernel` is not one of "
                                 f"{_SCALE_INVARIANT}.")
        elif not contains_tracer(epsilon):
            epsilon = float(epsilon)
        elif _np.ndim(_pv(epsilon)) != 0:
            raise ValueError("`epsilon` must be a scalar.")
        min_degree = _NAME_TO_MIN_DEGREE.get(kernel, -1)
        if degree is None:
            degree = max(min_degree, 0)
        else:
            degree = int(degree)
            if degree < -1:
                raise ValueError("`degree` must be at least -1.")
            elif -1 < degree < min_degree:
                import warnings
                warnings.warn(
                    f"`degree` should not be below {min_degree} except -1 "
                    f"when `kernel` is '{kernel}'.The interpolant may not be uniquely "
                    "solvable, and the smoothing parameter may have an "
                    "unintuitive effect.", UserWarning, stacklevel=2)
        from scipy.interpolate._rbfinterp_np import _monomial_powers
        powers = _monomial_powers(ndim, degree, _np)
        if powers.shape[0] > ny:
            raise ValueError(f"At least {powers.shape[0]} data points are required when "
                             f"`degree` is {degree} and the number of dimensions is {ndim}.")
        self._shift, self._scale, self._coeffs = _rbf_build_and_solve(
            y, d, smoothing, kernel, epsilon, powers)
        self.y, self.d, self.d_shape, self.d_dtype = y, d, d_shape, d_dtype
        self.neighbors, self.smoothing, self.kernel = None, smoothing, kernel
        self.epsilon, self.powers = epsilon, powers

    def __call__(self, x):
        """The interpolant at ``x`` (shape ``(npts, ndim)``), differentiable in
        ``x`` and in whatever the interpolator was built from."""
        if self._ref is not None and not contains_tracer(x):
            return self._ref(x)
        if self.neighbors is not None:
            raise NotImplementedError(
                "RBFInterpolator: neighbors is not supported at traced evaluation "
                "points; use neighbors=None")
        if _np.ndim(_pv(x)) != 2:
            raise ValueError("`x` must be a 2-dimensional array.")
        if _pv(x).dtype != _np.float64:
            x = dnp.astype(x, _np.float64)
        nx, ndim = shape_of(x)
        if ndim != shape_of(self.y)[1]:
            raise ValueError("Expected the second axis of `x` to have length "
                             f"{shape_of(self.y)[1]}.")
        vec = _rbf_eval_matrix(x, self.y, self.kernel, self.epsilon, self.powers,
                               self._shift, self._scale)
        out = vec @ self._coeffs
        if self.d_dtype == _np.complex128:
            out = dnp.reshape(out, (nx, -1, 2))
            out = out[..., 0] + 1j * out[..., 1]
        return dnp.reshape(out, (nx,) + tuple(self.d_shape))


# ---------------------------------------------------------------------------
# 1-D polynomial interpolators (SciPy's _polyint.py)

def _isscalar(x):
    return _np.isscalar(x) or (hasattr(x, "shape") and shape_of(x) == ())


def _flt(v, dt):
    return v if _pv(v).dtype == dt else dnp.astype(v, dt)


class _Interp1D:
    """SciPy's ``_Interpolator1DWithDerivatives`` shape logic, on traced values."""

    def _set_yi(self, yi, xi=None, axis=None):
        if axis is None:
            axis = self._y_axis
        yp = _pv(yi)
        shape = yp.shape if yp.shape != () else (1,)
        if xi is not None and shape[axis] != len(_pv(xi)):
            raise ValueError("x and y arrays must be equal in length along "
                             "interpolation axis.")
        self._y_axis = axis % yp.ndim
        self._y_extra_shape = yp.shape[:self._y_axis] + yp.shape[self._y_axis + 1:]
        self.dtype = _np.complex128 if _np.iscomplexobj(yp) else _np.float64

    def _reshape_yi(self, yi):
        yi = dnp.moveaxis(yi, self._y_axis, 0) if contains_tracer(yi) \
            else _np.moveaxis(_np.asarray(yi), self._y_axis, 0)
        yi = _flt(yi, self.dtype) if contains_tracer(yi) else yi.astype(self.dtype)
        return dnp.reshape(yi, (shape_of(yi)[0], -1))

    @staticmethod
    def _prepare_x(x):
        if not contains_tracer(x):
            x = _np.asarray(x)
            if not _np.issubdtype(x.dtype, _np.inexact):
                x = x.astype(_np.float64)
            return x.ravel(), x.shape
        if not _np.issubdtype(_pv(x).dtype, _np.inexact):
            x = dnp.astype(x, _np.float64)
        return dnp.ravel(x), shape_of(x)

    def _finish_y(self, y, x_shape, lead=0):
        y = dnp.reshape(y, tuple(shape_of(y)[:lead]) + tuple(x_shape) + self._y_extra_shape)
        if self._y_axis != 0 and x_shape != ():
            nx, ny = len(x_shape), len(self._y_extra_shape)
            s = (list(range(nx, nx + self._y_axis)) + list(range(nx))
                 + list(range(nx + self._y_axis, nx + ny)))
            y = dnp.transpose(y, list(range(lead)) + [lead + i for i in s])
        return y

    def __call__(self, x):
        if self._ref is not None and not contains_tracer(x):
            return self._ref(x)
        x, x_shape = self._prepare_x(x)
        return self._finish_y(self._evaluate(x), x_shape)

    def derivatives(self, x, der=None):
        """All derivatives from order 0 to ``der - 1`` (``der=None``: to the number
        of points) at ``x``, stacked on a new first axis."""
        if self._ref is not None and not contains_tracer(x):
            return self._ref.derivatives(x, der)
        x, x_shape = self._prepare_x(x)
        y = self._evaluate_derivatives(x, der)
        return self._finish_y(y, x_shape, lead=1)

    def derivative(self, x, der=1):
        """The derivative of order ``der`` at ``x``."""
        if self._ref is not None and not contains_tracer(x):
            return self._ref.derivative(x, der)
        x, x_shape = self._prepare_x(x)
        return self._finish_y(self._evaluate_derivative(x, der), x_shape)


class BarycentricInterpolator(_Interp1D):
    """``scipy.interpolate.BarycentricInterpolator(xi, yi=None, axis=0, *, wi=None,
    rng=None)``, differentiable in ``xi``, ``yi``, ``wi`` and the evaluation
    points.

    The weights are SciPy's: ``1 / prod_j (C (xi_i - xi_j))``, ``C = 4 / (max(xi) -
    min(xi))``, the factors multiplied in the order of a random permutation drawn
    from ``rng`` as SciPy draws it (so with the same seed the weights are SciPy's
    to the last bit or two).  The interpolant is evaluated in the form
    ``sum_k c_k yi_k / sum_k c_k`` with ``c_k = wi_k (x - xi_j) / (x - xi_k)``
    (``c_j = wi_j``), ``j`` the node nearest to ``x``: SciPy's barycentric formula
    times ``(x - xi_j)`` above and below, which is smooth at ``x = xi_j``, so that
    at a node the value is ``yi_j`` (as in SciPy) and the derivatives in ``x`` are
    the polynomial's (SciPy's substitution of ``yi_j`` alone would give 0).  Values
    agree with SciPy's to rounding (about 1e-15 relative).  ``derivative`` and
    ``derivatives`` use SciPy's differentiation matrix.  ``add_xi`` is SciPy's only
    without traced values.
    """

    def __init__(self, xi, yi=None, axis=0, *, wi=None, rng=None):
        self._y_axis = axis
        self._y_extra_shape = None
        self.dtype = None
        if not contains_tracer((xi, yi, wi)):
            kw = {} if rng is None else {"rng": rng}
            self._ref = _si.BarycentricInterpolator(xi, yi, axis=axis, wi=wi, **kw)
            self.xi, self.wi, self.n = self._ref.xi, self._ref.wi, self._ref.n
            self.yi = self._ref.yi
            if yi is not None:
                self._set_yi(yi, xi=self.xi, axis=axis)
            return
        self._ref = None
        self.xi = _flt(xi, _np.float64) if contains_tracer(xi) \
            else _np.asarray(xi, dtype=_np.float64)
        if yi is not None:
            self._set_yi(yi, xi=self.xi, axis=axis)
            self.yi = self._reshape_yi(yi)
        else:
            self.yi = None
        self.n = len(_pv(self.xi))
        if wi is not None:
            self.wi = wi
        else:
            gen = _check_random_state(None) if rng is None else _np.random.default_rng(rng)
            xi = self.xi
            xp = _pv(xi)
            inv_capacity = 4.0 / (dnp.max(xi) - dnp.min(xi))
            permute = gen.permutation(self.n)
            inv_permute = _np.zeros(self.n, dtype=_np.int32)
            inv_permute[permute] = _np.arange(self.n)
            dist = inv_capacity * (xi[:, None] - xi[permute][None, :])
            self_mask = _np.zeros((self.n, self.n), dtype=bool)
            self_mask[_np.arange(self.n), inv_permute] = True
            dist = dnp.where(self_mask, 1.0, dist)
            prod = dnp.prod(dist, axis=1)
            if _np.any(_pv(prod) == 0.0) or len(_np.unique(xp)) < self.n:
                raise ValueError("Interpolation points xi must be distinct.")
            self.wi = 1.0 / prod

    def set_yi(self, yi, axis=None):
        """Replace the data values (the weights depend on ``xi`` only)."""
        if yi is None:
            self.yi = None
            return
        if self._ref is not None and not contains_tracer(yi):
            self._ref.set_yi(yi, axis=axis)
            self.yi = self._ref.yi
            self._set_yi(yi, xi=self.xi, axis=axis)
            return
        if self._ref is not None:           # plain xi, traced yi: leave SciPy
            self._ref = None
        self._set_yi(yi, xi=self.xi, axis=axis)
        self.yi = self._reshape_yi(yi)

    def add_xi(self, xi, yi=None):
        if self._ref is None or contains_tracer((xi, yi)):
            raise NotImplementedError(
                "BarycentricInterpolator.add_xi is not supported with traced values: "
                "build a new BarycentricInterpolator from all the points")
        self._ref.add_xi(xi, yi)
        self.xi, self.wi, self.n, self.yi = self._ref.xi, self._ref.wi, self._ref.n, self._ref.yi

    def _evaluate_with(self, x, yi):
        r = shape_of(yi)[1]
        nx = shape_of(x)[0]
        if nx == 0:
            return _np.zeros((0, r), dtype=self.dtype)
        xp, xip = _pv(x), _pv(self.xi)
        with _np.errstate(invalid="ignore"):
            j = _np.argmin(_np.abs(xp[:, None] - xip[None, :]), axis=1)
        m = _np.zeros((nx, self.n), dtype=bool)
        m[_np.arange(nx), j] = True
        c = x[:, None] - self.xi[None, :]
        dj = x - self.xi[j]
        f = dnp.where(m, 1.0, dj[:, None] / dnp.where(m, 1.0, c))
        cw = self.wi * f
        return (cw @ yi) / dnp.sum(cw, axis=-1)[:, None]

    def _evaluate(self, x):
        return self._evaluate_with(x, self.yi)

    def _diff_matrix(self):
        xi, wi = self.xi, self.wi
        eye = _np.eye(self.n, dtype=bool)
        c = dnp.where(eye, 1.0, xi[:, None] - xi[None, :])
        c = wi / (c * wi[:, None])
        c = dnp.where(eye, 0.0, c)
        dg = -dnp.sum(c, axis=1)
        return dnp.where(eye, dg[:, None], c)

    def _evaluate_derivative(self, x, der):
        r = shape_of(self.yi)[1]
        if shape_of(x)[0] == 0 or r == 0:
            return _np.zeros((0, r), dtype=self.dtype)
        if der == 0:
            return self._evaluate(x)
        if der + 1 > self.n:
            return _np.zeros((shape_of(x)[0], r), dtype=self.dtype)
        cm = self._diff_matrix()
        yi = self.yi
        for _ in range(der):
            yi = cm @ yi
        return self._evaluate_with(x, yi)

    def _evaluate_derivatives(self, x, der=None):
        if der is None:
            der = self.n
        r = shape_of(self.yi)[1]
        if shape_of(x)[0] == 0 or r == 0:
            return _np.zeros((der, shape_of(x)[0], r), dtype=self.dtype)
        return dnp.stack([self._evaluate_derivative(x, d) for d in range(der)])


def barycentric_interpolate(xi, yi, x, axis=0, *, der=0, rng=None):
    """``scipy.interpolate.barycentric_interpolate(xi, yi, x, axis=0, *, der=0,
    rng=None)``: ``BarycentricInterpolator(xi, yi, axis=axis, rng=rng)`` at ``x``
    (``der`` an integer or a list of orders), differentiable in ``xi``, ``yi``
    and ``x``.

    >>> import numpy as np, dualad as ad
    >>> xi = np.array([0.0, 0.5, 1.0, 2.0]); yi = xi ** 3
    >>> float(ad.grad(lambda x: barycentric_interpolate(xi, yi, x))(0.5))   # at a node
    0.75
    """
    if not contains_tracer((xi, yi, x)):
        return _si.barycentric_interpolate(xi, yi, x, axis=axis, der=der, rng=rng)
    p = BarycentricInterpolator(xi, yi, axis=axis, rng=_np.random.default_rng(rng))
    if der == 0:
        return p(x)
    if _isscalar(der):
        return p.derivative(x, der=der)
    return p.derivatives(x, der=int(_np.amax(der)) + 1)[_np.asarray(der)]


class KroghInterpolator(_Interp1D):
    """``scipy.interpolate.KroghInterpolator(xi, yi, axis=0)``, differentiable in
    ``xi``, ``yi`` and the evaluation points: SciPy's divided differences (repeated
    ``xi`` give Hermite data, derivatives in ``yi``) and its evaluation of the value
    and the derivatives (``derivative``, ``derivatives``), operation for operation.
    Which ``xi`` repeat is read from the values: moving one repeated node apart is
    not a differentiable event (the derivative is that of the confluent formula).
    """

    def __init__(self, xi, yi, axis=0):
        self._y_axis = axis
        if not contains_tracer((xi, yi)):
            self._ref = _si.KroghInterpolator(xi, yi, axis=axis)
            self._set_yi(yi, xi=xi, axis=axis)
            self.xi, self.yi, self.c = self._ref.xi, self._ref.yi, self._ref.c
            self.n, self.r = self._ref.n, self._ref.r
            return
        self._ref = None
        self._set_yi(yi, xi=xi, axis=axis)
        self.xi = xi if contains_tracer(xi) else _np.asarray(xi)
        self.yi = self._reshape_yi(yi)
        self.n, self.r = shape_of(self.yi)
        if self.n > 30:
            import warnings
            warnings.warn(f"{self.n} degrees provided, degrees higher than about"
                          " thirty cause problems with numerical instability "
                          "with 'KroghInterpolator'", stacklevel=2)
        xp = _pv(self.xi)
        xi = self.xi
        yi = self.yi
        zero = _np.zeros(self.r, dtype=self.dtype)
        c = [zero] * (self.n + 1)
        c[0] = yi[0]
        vk = [zero] * self.n
        for k in range(1, self.n):
            s = 0
            while s <= k and xp[k - s] == xp[k]:
                s += 1
            s -= 1
            vk[0] = yi[k] / float(_math.factorial(s))
            for i in range(k - s):
                if xp[i] == xp[k]:
                    raise ValueError("Elements of `xi` can't be equal.")
                if s == 0:
                    vk[i + 1] = (c[i] - vk[i]) / (xi[i] - xi[k])
                else:
                    vk[i + 1] = (vk[i + 1] - vk[i]) / (xi[i] - xi[k])
            c[k] = vk[k - s]
        self.c = dnp.stack(c)

    def _evaluate(self, x):
        pi = None
        p = dnp.zeros((shape_of(x)[0], self.r), dtype=self.dtype) + self.c[0][None, :]
        for k in range(1, self.n):
            w = x - self.xi[k - 1]
            pi = w if pi is None else w * pi
            p = p + pi[:, None] * self.c[k]
        return p

    def _evaluate_derivatives(self, x, der=None):
        n, r = self.n, self.r
        if der is None:
            der = n
        nx = shape_of(x)[0]
        pi = [_np.ones(nx)] + [_np.zeros(nx)] * (n - 1)
        w = [_np.zeros(nx)] * n
        p = dnp.zeros((nx, r), dtype=self.dtype) + self.c[0][None, :]
        for k in range(1, n):
            w[k - 1] = x - self.xi[k - 1]
            pi[k] = w[k - 1] * pi[k - 1]
            p = p + pi[k][:, None] * self.c[k]
        zero = _np.zeros((nx, r), dtype=self.dtype)
        cn = [zero + self.c[k][None, :] if k <= n else zero
              for k in range(max(der, n + 1))]
        cn[0] = p
        for k in range(1, n):
            for i in range(1, n - k + 1):
                pi[i] = w[k + i - 1] * pi[i - 1] + pi[i]
                cn[k] = cn[k] + pi[i][:, None] * cn[k + i]
            cn[k] = cn[k] * float(_math.factorial(k))
        cn[n] = zero
        if der == 0:
            return _np.zeros((0, nx, r), dtype=self.dtype)
        return dnp.stack(cn[:der])

    def _evaluate_derivative(self, x, der):
        return self._evaluate_derivatives(x, der + 1)[der]


def krogh_interpolate(xi, yi, x, der=0, axis=0):
    """``scipy.interpolate.krogh_interpolate(xi, yi, x, der=0, axis=0)``:
    ``KroghInterpolator(xi, yi, axis)`` at ``x`` (``der`` an integer or a list of
    orders), differentiable in ``xi``, ``yi`` and ``x``.

    >>> import numpy as np, dualad as ad
    >>> xi = np.array([0.0, 1.0, 2.0]); yi = np.array([1.0, 3.0, 7.0])   # 1 + x + x^2
    >>> float(ad.grad(lambda x: krogh_interpolate(xi, yi, x))(0.5))
    2.0
    """
    if not contains_tracer((xi, yi, x)):
        return _si.krogh_interpolate(xi, yi, x, der=der, axis=axis)
    p = KroghInterpolator(xi, yi, axis=axis)
    if der == 0:
        return p(x)
    if _isscalar(der):
        return p.derivative(x, der=der)
    return p.derivatives(x, der=int(_np.amax(der)) + 1)[_np.asarray(der)]


def lagrange(x, w):
    """``scipy.interpolate.lagrange(x, w)`` for plain arrays (SciPy's own, a
    ``numpy.poly1d``).  A ``poly1d`` cannot hold traced coefficients, so traced
    ``x`` or ``w`` raise a ``TypeError``: use ``BarycentricInterpolator(x, w)``
    (the same polynomial, evaluated stably) or ``dualad.numpy.polyfit(x, w,
    len(x) - 1)`` for its coefficients."""
    if contains_tracer((x, w)):
        raise TypeError(
            "lagrange returns a numpy.poly1d, which cannot hold traced coefficients: "
            "use dualad.scipy.interpolate.BarycentricInterpolator(x, w) for the "
            "polynomial, or dualad.numpy.polyfit(x, w, len(x) - 1) for its coefficients")
    return _si.lagrange(x, w)


lagrange._dualad_nondiff = True       # refuses traced values (docs/coverage.md)
__all__ += ["lagrange"]


# ---------------------------------------------------------------------------
# make_smoothing_spline (SciPy's _bsplines.py, written with dualad.numpy)

def _coeff_of_divided_diff(cols):
    """SciPy's ``_coeff_of_divided_diff`` on the columns ``cols`` (a list of
    arrays, one per point of the window: every window at once), the products in
    SciPy's order."""
    m = len(cols)
    out = []
    for i in range(m):
        pp = None
        for k in range(m):
            if k != i:
                f = cols[i] - cols[k]
                pp = f if pp is None else pp * f
        out.append(1.0 / pp)
    return out


def _smoothing_system(x, w, n):
    """SciPy's banded ``X`` (natural-spline design) and ``W^{-1} E`` (penalty)."""
    from ._bspline import _dense_design
    t = dnp.concatenate([x[:1], x[:1], x[:1], x, x[-1:], x[-1:], x[-1:]])
    xb = _dense_design(t, 3, x, n + 2)                   # SciPy's design_matrix, dense
    j = _np.arange(2, n - 2)
    mid = [xb[i + j - 2, j + 1] for i in range(1, 4)]
    z1 = _np.zeros(1)
    row1 = dnp.concatenate([z1, xb[0, 0:1], mid[0], xb[-3, -3:-2],
                            ((x[-1] - x[-3]) * xb[-2, -2])[None]])
    row2 = dnp.concatenate([((x[2] + x[1] - 2 * x[0]) * xb[0, 0])[None],
                            (xb[1, 1] + xb[1, 2])[None], mid[1],
                            (xb[-2, -3] + xb[-2, -2])[None],
                            ((2 * x[-1] - x[-2] - x[-3]) * xb[-1, -1])[None]])
    row3 = dnp.concatenate([((x[2] - x[0]) * xb[1, 1])[None], xb[2, 2:3], mid[2],
                            xb[-1, -1:], z1])
    zn = _np.zeros(n)
    X = dnp.stack([zn, row1, row2, row3, zn])
    # penalty, column by column as SciPy fills it
    c0 = _coeff_of_divided_diff([x[a] for a in range(3)])
    c0 = [c0[a] / w[a] for a in range(3)]
    c1 = _coeff_of_divided_diff([x[a] for a in range(4)])
    c1 = [c1[a] / w[a] for a in range(4)]
    cm = _coeff_of_divided_diff([x[j - 2 + a] for a in range(5)])
    span = x[j + 2] - x[j - 2]
    cm = [span * cm[a] / w[j - 2 + a] for a in range(5)]
    cl2 = _coeff_of_divided_diff([x[n - 4 + a] for a in range(4)])
    cl2 = [-cl2[a] / w[n - 4 + a] for a in range(4)]
    cl1 = _coeff_of_divided_diff([x[n - 3 + a] for a in range(3)])
    cl1 = [cl1[a] / w[n - 3 + a] for a in range(3)]
    zero = _np.zeros(1)
    rows = []
    for r in range(5):
        first = [c0[r - 2][None] if r >= 2 else zero, c1[r - 1][None] if r >= 1 else zero]
        last = [cl2[r][None] if r < 4 else zero, cl1[r][None] if r < 3 else zero]
        rows.append(dnp.concatenate(first + [cm[r]] + last))
    wE = dnp.stack(rows) * 6
    return t, X, wE


def make_smoothing_spline(x, y, w=None, lam=None, *, axis=0):
    """``scipy.interpolate.make_smoothing_spline(x, y, w=None, lam=None, *,
    axis=0)``: SciPy's penalized cubic smoothing spline (a ``BSpline``), built
    with SciPy's formulas (natural-spline basis, divided-difference penalty, the
    banded solve of ``X + lam W^{-1} E``), differentiable in ``y`` (linear), ``x``
    (the knots are ``x``), ``w`` and ``lam``.

    With ``lam=None`` the parameter is SciPy's GCV choice, computed from the
    values (SciPy's own ``_compute_optimal_gcv_parameter``) and then held
    constant: the derivatives are those of the spline at that fixed ``lam``, not
    of the GCV optimum (which moves with the data).  Pass ``lam`` to differentiate
    in it.

    >>> import numpy as np, dualad as ad
    >>> x = np.linspace(0.0, 3.0, 9); y = np.sin(x)
    >>> g = ad.grad(lambda lam: make_smoothing_spline(x, y, lam=lam)(1.3))(0.1)
    >>> import scipy.interpolate as si
    >>> h = 1e-6
    >>> fd = (si.make_smoothing_spline(x, y, lam=0.1 + h)(1.3)
    ...       - si.make_smoothing_spline(x, y, lam=0.1 - h)(1.3)) / (2 * h)
    >>> bool(np.isclose(g, fd))
    True
    """
    from ._bspline import BSpline
    from ..scipy.linalg import solve_banded
    if not contains_tracer((x, y, w, lam)):
        ref = _si.make_smoothing_spline(x, y, w=w, lam=lam, axis=axis)
        return BSpline.construct_fast(ref.t, ref.c, ref.k, axis=ref.axis)
    x = _flt(x, _np.float64) if contains_tracer(x) else _np.asarray(x, dtype=float)
    y = _flt(y, _np.float64) if contains_tracer(y) else _np.asarray(y, dtype=float)
    xp, yp = _pv(x), _pv(y)
    if _np.any(xp[1:] - xp[:-1] <= 0):
        raise ValueError('``x`` should be an ascending array')
    if xp.ndim != 1 or xp.shape[0] != yp.shape[axis]:
        raise ValueError(f'``x`` should be 1D and {xp.shape = } == {yp.shape = }')
    if w is None:
        w = _np.ones(len(xp))
    else:
        if not contains_tracer(w):
            w = _np.asarray(w)
        if _np.any(_pv(w) <= 0):
            raise ValueError('Invalid vector of weights')
    n = xp.shape[0]
    if n <= 4:
        raise ValueError('``x`` and ``y`` length must be at least 5')
    if not -yp.ndim <= axis < yp.ndim:
        raise _np.exceptions.AxisError(axis, yp.ndim)
    axis = axis % yp.ndim
    y = dnp.moveaxis(y, axis, 0)
    y_shape1 = tuple(shape_of(y)[1:])
    if y_shape1 != ():
        y = dnp.reshape(y, (n, -1))
    t, X, wE = _smoothing_system(x, w, n)
    if lam is None:
        from scipy.interpolate._bsplines import _compute_optimal_gcv_parameter
        lam = _compute_optimal_gcv_parameter(_np.asarray(_pv(X)), _np.asarray(_pv(wE)),
                                             _np.asarray(_pv(y)), _np.asarray(_pv(w)))
    elif _np.any(_pv(lam) < 0.0):
        raise ValueError('Regularization parameter should be non-negative')
    if _np.ndim(_pv(lam)) == 0:
        c = solve_banded((2, 2), X + lam * wE, y)
    else:
        c = dnp.stack([solve_banded((2, 2), X + lam[i] * wE, y[:, i])
                       for i in range(shape_of(lam)[0])], axis=1)
    c = dnp.reshape(c, (shape_of(c)[0],) + y_shape1)
    c0, c1 = c[0:1], c[1:2]
    cm0, cm1 = c[-1:-2:-1], c[-2:-3:-1]
    c_ = dnp.concatenate([c0 * (t[5] + t[4] - 2 * t[3]) + c1,
                          c0 * (t[5] - t[3]) + c1,
                          c[1:-1],
                          cm0 * (t[-4] - t[-6]) + cm1,
                          cm0 * (2 * t[-4] - t[-5] - t[-6]) + cm1], axis=0)
    return BSpline.construct_fast(t, c_, 3, axis=axis)


__all__ += ["make_smoothing_spline"]


def splrep(x, y, w=None, xb=None, xe=None, k=3, task=0, s=None, t=None,
           full_output=0, per=0, quiet=1):
    """``scipy.interpolate.splrep``: plain input is SciPy's own (FITPACK).  With
    traced ``x``, ``y`` (or ``w``, ``t``) the two cases whose knots do not depend
    on the data's values are supported, differentiable in ``x``, ``y``, ``w`` and
    ``t``:

    * ``s=0`` (the default when ``w`` is not given): FITPACK's interpolating
      spline, whose knots are ``make_interp_spline``'s (``x[0]`` and ``x[-1]``
      repeated ``k + 1`` times, interior knots at the data for odd ``k``, at the
      midpoints for even ``k``), so this is ``make_interp_spline(x, y, k)`` (``w``
      has no effect on an interpolant);
    * ``t`` given (interior knots; FITPACK's task -1): the weighted least-squares
      spline, ``make_lsq_spline(x, y, [x[0]]*(k+1) + t + [x[-1]]*(k+1), k, w)``.

    The coefficients agree with FITPACK's to rounding (about 1e-15) and are
    padded with ``k + 1`` zeros, as FITPACK returns them: ``(t, c, k)``.  ``s > 0``
    (FITPACK chooses the knots from the residuals: not differentiable),
    ``per=1``, ``task=1``, ``xb`` / ``xe`` and ``full_output`` raise
    ``NotImplementedError`` on traced input; use ``make_smoothing_spline`` or
    ``make_lsq_spline`` for smoothing.

    >>> import numpy as np, dualad as ad
    >>> x = np.linspace(0.0, 3.0, 8)
    >>> f = lambda y: splev(1.3, splrep(x, y))
    >>> round(float(ad.grad(f)(np.sin(x)).sum()), 12)       # cardinal weights
    1.0
    """
    from ._bspline import make_interp_spline, make_lsq_spline
    if not contains_tracer((x, y, w, t, xb, xe, s)):
        return _si.splrep(x, y, w=w, xb=xb, xe=xe, k=k, task=task, s=s, t=t,
                          full_output=full_output, per=per, quiet=quiet)
    xp, yp = _np.atleast_1d(_pv(x)), _np.atleast_1d(_pv(y))
    m = len(xp)
    if s is None:
        s = 0.0 if w is None else m - _math.sqrt(2 * m)
    for name, val, ok in (("per", per, 0), ("task", task, 0 if t is None else task),
                          ("full_output", full_output, 0)):
        if val != ok:
            raise NotImplementedError(
                f"splrep: {name}={val!r} is not supported with traced input "
                "(only the interpolating case s=0 and given knots t are)")
    if xb is not None or xe is not None:
        raise NotImplementedError(
            "splrep: xb / xe are not supported with traced input (the boundary knots "
            "are x[0] and x[-1])")
    if w is not None and len(_pv(w)) != m:
        raise TypeError(f'len(w)={len(_pv(w))} is not equal to m={m}')
    if m != len(yp):
        raise TypeError('Lengths of the first three arguments (x,y,w) must be equal')
    if not (1 <= k <= 5):
        raise TypeError(f'Given degree of the spline (k={k}) is not supported. (1<=k<=5)')
    if m <= k:
        raise TypeError('m > k must hold')
    if _np.any(_np.diff(xp) <= 0):
        raise ValueError("splrep: x must be strictly increasing (FITPACK's error on "
                         "input data)")
    x = _flt(x, _np.float64) if contains_tracer(x) else xp.astype(_np.float64)
    y = _flt(y, _np.float64) if contains_tracer(y) else yp.astype(_np.float64)
    if t is not None:
        edge = [x[:1]] * (k + 1), [x[-1:]] * (k + 1)
        tt = dnp.concatenate(edge[0] + [dnp.asarray(t, dtype=_np.float64)
                                        if contains_tracer(t) else _np.asarray(t, float)]
                             + edge[1])
        spl = make_lsq_spline(x, y, tt, k=k, w=w)
    elif _pv(s) == 0:
        spl = make_interp_spline(x, y, k=k)
    else:
        raise NotImplementedError(
            f"splrep: s={float(_pv(s))!r} > 0 is not supported with traced input: FITPACK "
            "places the knots from the residuals, which is not differentiable; use "
            "make_smoothing_spline, or make_lsq_spline (or splrep with t=) with fixed knots")
    c = dnp.concatenate([spl.c, _np.zeros(k + 1)])
    return (spl.t, c, k)


from ._bspline import splev           # noqa: E402  (for the doctest above)

__all__ += ["splrep"]
