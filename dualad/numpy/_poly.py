"""Polynomials, interpolation and 1-D convolution: the rule table.

Primitives (explicit JVP and VJP rules, batch-axis aware):

* ``polyval`` -- Horner evaluation; the primitive takes coefficients with
  leading axes (``p`` of shape ``P + (n,)``, ``x`` of shape ``S``, result
  ``P + S``), which is what lets a batch of coefficient tangents go through
  in one call.  Differentiable in ``p`` and ``x``.
* ``interp`` -- piecewise-linear interpolation, clamped to ``fp[0]`` /
  ``fp[-1]`` outside ``[xp[0], xp[-1]]`` (``left`` / ``right`` / ``period``
  are applied around it with ``where`` and ``concatenate``, so they are
  differentiable too).  Differentiable in ``x``, ``xp`` and ``fp``.
* ``convolve_full`` -- the full discrete convolution along the last axis,
  broadcasting leading axes.  ``convolve`` and ``correlate`` (modes
  ``'full'``, ``'same'``, ``'valid'``, NumPy's centring) slice it;
  ``correlate`` conjugates its second argument like NumPy.

The legacy polynomial API (``vander``, ``polyder``, ``polyint``, ``polyadd``,
``polysub``, ``polymul``, ``polydiv``, ``poly``, ``roots``, ``polyfit``) is
composed of these and other primitives, on traced values reached through
``dualad.numpy`` or plain ``numpy``.  Where the composition is not NumPy's own
sequence of operations (``polyfit`` through the SVD, ``roots`` through Newton
steps, ``poly`` of a matrix through Faddeev-LeVerrier) the value is NumPy's,
computed on the plain values, and the composition supplies the derivative
only (``_exact``).  The results are arrays, also for ``poly1d`` arguments.
Derivatives: ``polyfit`` is differentiable in ``x``, ``y`` and ``w`` where the
rank of the scaled Vandermonde matrix does not change; ``roots`` where the
roots are simple (see its docstring for zero leading and trailing
coefficients); ``poly`` of a matrix everywhere.  ``numpy.polynomial``
(``polynomial.polyval``, ``Polynomial``) is not dispatched by NumPy: its
``*val`` functions work with a traced ``x`` (plain arithmetic), but traced
coefficients meet ``np.array(c)`` and raise a ``TypeError``; its
differentiable mirror is ``dualad.numpy.polynomial`` (docs/polynomial.md).

Conventions at non-differentiable points of ``interp``: at a knot
``x == xp[k]`` the derivative in ``x`` is the slope of the interval to the
right of the knot (of the last interval at ``xp[-1]``); outside
``[xp[0], xp[-1]]`` it is 0.  For equal consecutive knots (a jump) the slope
is taken as 0 rather than infinite.  At repeated knots the derivatives in
``fp`` follow the value NumPy returns there: ``fp[k]`` for the last ``k``
with ``xp[k] == x`` (``fp[-1]`` at a repeated last knot).

>>> import numpy, dualad as ad, dualad.numpy as dnp
>>> float(ad.grad(lambda x: dnp.polyval(numpy.array([1.0, 0.0, -2.0]), x))(3.0))
6.0
"""
from __future__ import annotations

import numpy as _np

from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import Tracer, contains_tracer, ndim_of, primal_of, shape_of
from ._broadcast import sum_to
from ._casting import real_for as _real_if


def _any_traced(xs):
    return any(isinstance(x, Tracer) for x in xs)


def _real_dtype(x):
    """The real floating dtype matching ``x`` (float64 for integers)."""
    dt = _np.result_type(primal_of(x))
    if dt.kind == "c":
        return _np.finfo(dt).dtype
    return dt if dt.kind == "f" else _np.dtype(_np.float64)


def _unit_pad(t, core_nd, n_insert):
    """Insert ``n_insert`` unit axes between the batch of ``t`` and its last
    ``core_nd`` axes."""
    if n_insert <= 0:
        return t
    from ._shape import reshape
    ts = shape_of(t)
    nb = len(ts) - core_nd
    return reshape(t, ts[:nb] + (1,) * n_insert + ts[nb:])


# --- polyval -----------------------------------------------------------------------
def _polyval_impl(p, x):
    p = _np.asarray(p)
    x = _np.asarray(x)
    lead, n = p.shape[:-1], p.shape[-1]
    pe = p.reshape(lead + (1,) * x.ndim + (n,))
    y = _np.zeros(lead + x.shape, dtype=_np.result_type(p, x))
    for k in range(n):
        y = y * x + pe[..., k]
    return y[()] if y.ndim == 0 else y


polyval_p = primitive(_polyval_impl, name="polyval")


def _polyder_last(p):
    """Coefficients of the derivative along the last axis (a zero polynomial
    of degree 0 for constants)."""
    n = shape_of(p)[-1]
    if n <= 1:
        return _np.zeros(shape_of(p)[:-1] + (1,), dtype=_np.result_type(primal_of(p)))
    return p[..., :-1] * _np.arange(n - 1, 0, -1).astype(_real_dtype(p))


def _polyval_jvp_p(t, ans, p, x):
    return polyval_p(t, x)


def _polyval_dx(p, x):
    return polyval_p(_polyder_last(p), x)


def _polyval_jvp_x(t, ans, p, x):
    n_lead = ndim_of(p) - 1
    return _polyval_dx(p, x) * _unit_pad(t, ndim_of(x), n_lead)


def _powers(x, n):
    """``stack([x**(n-1), ..., x, 1], axis=-1)`` by repeated products."""
    from ._shape import stack
    dt = _np.result_type(primal_of(x))
    if n == 0:                       # no coefficients: no columns
        return _np.zeros(shape_of(x) + (0,), dtype=dt)
    pw = [_np.ones(shape_of(x), dtype=dt)]
    for _ in range(n - 1):
        pw.append(pw[-1] * x)
    return stack(pw[::-1], axis=-1)


def _polyval_vjp_p(g, ans, p, x):
    from ._products_extra import tensordot
    ns = ndim_of(x)
    v = _powers(x, shape_of(p)[-1])                  # S + (n,)
    r = tensordot(g, v, axes=(list(range(-ns, 0)), list(range(ns))))
    return _real_if(r, p)


def _polyval_vjp_x(g, ans, p, x):
    from ._reductions import sum_p
    ns, n_lead = ndim_of(x), ndim_of(p) - 1
    r = g * _polyval_dx(p, x)
    if n_lead:
        r = sum_p(r, axis=tuple(range(-(n_lead + ns), -ns)))
    return _real_if(r, x)


defjvp(polyval_p, _polyval_jvp_p, _polyval_jvp_x)
defvjp_direct(polyval_p, _polyval_vjp_p, _polyval_vjp_x)


def polyval(p, x):
    """``numpy.polyval``: differentiable in the coefficients ``p`` and in ``x``,
    which may also be lists or tuples holding traced values."""
    if not contains_tracer((p, x)):
        return _np.polyval(p, x)
    from .. import numpy as _dnp
    if isinstance(p, _np.poly1d):
        p = p.coeffs
    p = _dnp.asarray(p)          # a list of (traced) coefficients is stacked
    x = _dnp.asarray(x)
    if ndim_of(p) != 1:
        # NumPy's row-wise Horner for N-D coefficient arrays (from zeros_like(x),
        # as NumPy's: float32 stays float32)
        y = _np.zeros(shape_of(x), dtype=_np.result_type(primal_of(x)))
        for k in range(shape_of(p)[0]):
            y = y * x + p[k]
        return y
    return polyval_p(p, x)


# --- interp --------------------------------------------------------------------------
def _interp_impl(x, xp, fp):
    return _np.interp(x, xp, fp)


interp_p = primitive(_interp_impl, name="interp")


def _interp_parts(x, xp, fp):
    """Interval indices ``lo``, ``hi``, weights ``w_lo``, ``w_hi`` and the slope,
    all as functions of the (possibly traced) arguments."""
    from ._ufuncs import where
    xv, xpv = _np.asarray(primal_of(x)), _np.asarray(primal_of(xp))
    m = xpv.shape[0]
    dt = _real_dtype(x)
    if m == 1:
        lo = hi = _np.zeros(xv.shape, dtype=_np.intp)
        one = _np.ones(xv.shape, dtype=dt)
        return lo, hi, one, 0.0 * one, 0.0 * one
    lo = _np.clip(_np.searchsorted(xpv, xv, side="right") - 1, 0, m - 2)
    hi = lo + 1
    xlo, xhi = xp[lo], xp[hi]
    h = xhi - xlo
    flat = _np.asarray(primal_of(h)) == 0
    h = where(flat, 1.0, h)
    below, above = xv < xpv[0], xv > xpv[-1]
    inside = ~(below | above)
    # inside, a zero-width interval is met only at x == xp[-1] == xp[-2] (lo
    # clipped to m - 2), where NumPy returns fp[-1]: all the weight on hi
    w = where(flat, 1.0, (x - xlo) / h)
    w_hi = where(inside, w, above.astype(dt))
    w_lo = where(inside, 1.0 - w, below.astype(dt))
    slope = where(inside & ~flat, (fp[hi] - fp[lo]) / h, 0.0)
    return lo, hi, w_lo, w_hi, slope


def _take_last(t, idx):
    return t[(Ellipsis, idx)]


def _scatter_last(g, idx, m, nb):
    from ._indexing import scatter_add
    return scatter_add(g, (idx,), (m,), nb)


def _interp_jvp_x(t, ans, x, xp, fp):
    return t * _interp_parts(x, xp, fp)[4]


def _interp_vjp_x(g, ans, x, xp, fp):
    return _real_if(g * _interp_parts(x, xp, fp)[4], x)


def _interp_jvp_fp(t, ans, x, xp, fp):
    lo, hi, w_lo, w_hi, _ = _interp_parts(x, xp, fp)
    return w_lo * _take_last(t, lo) + w_hi * _take_last(t, hi)


def _interp_vjp_fp(g, ans, x, xp, fp):
    lo, hi, w_lo, w_hi, _ = _interp_parts(x, xp, fp)
    nb, m = ndim_of(g) - ndim_of(ans), shape_of(fp)[0]
    r = _scatter_last(g * w_lo, lo, m, nb) + _scatter_last(g * w_hi, hi, m, nb)
    return _real_if(r, fp)


def _interp_jvp_xp(t, ans, x, xp, fp):
    lo, hi, w_lo, w_hi, slope = _interp_parts(x, xp, fp)
    return -slope * (w_lo * _take_last(t, lo) + w_hi * _take_last(t, hi))


def _interp_vjp_xp(g, ans, x, xp, fp):
    lo, hi, w_lo, w_hi, slope = _interp_parts(x, xp, fp)
    nb, m = ndim_of(g) - ndim_of(ans), shape_of(xp)[0]
    gs = -(g * slope)
    r = _scatter_last(gs * w_lo, lo, m, nb) + _scatter_last(gs * w_hi, hi, m, nb)
    return _real_if(r, xp)


defjvp(interp_p, _interp_jvp_x, _interp_jvp_xp, _interp_jvp_fp)
defvjp_direct(interp_p, _interp_vjp_x, _interp_vjp_xp, _interp_vjp_fp)


def interp(x, xp, fp, left=None, right=None, period=None):
    """``numpy.interp``, differentiable in ``x``, ``xp``, ``fp`` (and ``left``,
    ``right``); see the module docstring for the convention at knots."""
    if not _any_traced((x, xp, fp, left, right)):
        return _np.interp(x, xp, fp, left, right, period)
    from ._shape import concatenate
    from ._ufuncs import where
    x, xp, fp = [v if isinstance(v, Tracer) else _np.asarray(v) for v in (x, xp, fp)]
    if ndim_of(xp) != 1 or ndim_of(fp) != 1:
        raise ValueError("interp: xp and fp must be 1-D sequences")
    if shape_of(xp) != shape_of(fp):
        raise ValueError("fp and xp are not of the same length.")
    if shape_of(xp)[0] == 0:
        raise ValueError("array of sample points is empty")
    if _np.iscomplexobj(primal_of(x)):
        raise TypeError("interp: x must be real")
    if period is not None:
        if period == 0:
            raise ValueError("period must be a non-zero value")
        period = abs(period)
        # as NumPy: x and xp wrapped in float64 with %, fp in float64 / complex128
        from ._ufuncs import astype, mod
        x, xp = (v if _np.result_type(primal_of(v)) == _np.float64 else astype(v, _np.float64)
                 for v in (x, xp))
        fdt = _np.result_type(primal_of(fp), _np.float64)
        if _np.result_type(primal_of(fp)) != fdt:
            fp = astype(fp, fdt)
        x = mod(x, period)
        xp = mod(xp, period)
        order = _np.argsort(_np.asarray(primal_of(xp)), kind="stable")
        xp, fp = xp[order], fp[order]
        xp = concatenate([xp[-1:] - period, xp, xp[0:1] + period])
        fp = concatenate([fp[-1:], fp, fp[0:1]])
        return interp_p(x, xp, fp)
    if _np.result_type(primal_of(fp)).kind not in "fc":
        from ._ufuncs import astype
        fp = astype(fp, _np.float64)
    if _np.result_type(primal_of(x)).kind not in "fc":
        from ._ufuncs import astype
        x = astype(x, _np.float64)
    r = interp_p(x, xp, fp)
    xv, xpv = _np.asarray(primal_of(x)), _np.asarray(primal_of(xp))
    if left is not None:
        r = where(xv < xpv[0], left, r)
    if right is not None:
        r = where(xv > xpv[-1], right, r)
    return r


# --- convolution ---------------------------------------------------------------------
def _conv_impl(a, v):
    a = _np.asarray(a)
    v = _np.asarray(v)
    if a.ndim == 1 and v.ndim == 1:
        return _np.convolve(a, v)
    m, n = a.shape[-1], v.shape[-1]
    if n > m:
        a, v, m, n = v, a, n, m
    lead = _np.broadcast_shapes(a.shape[:-1], v.shape[:-1])
    out = _np.zeros(lead + (m + n - 1,), dtype=_np.result_type(a, v))
    for j in range(n):
        out[..., j:j + m] += a * v[..., j:j + 1]
    return out


convolve_full = primitive(_conv_impl, name="convolve_full")


def _rev(x):
    return x[..., ::-1]


def _conv_jvp_a(t, ans, a, v):
    return convolve_full(_unit_pad(t, ndim_of(a), ndim_of(ans) - ndim_of(a)), v)


def _conv_jvp_v(t, ans, a, v):
    return convolve_full(a, _unit_pad(t, ndim_of(v), ndim_of(ans) - ndim_of(v)))


def _conv_vjp_a(g, ans, a, v):
    m, n = shape_of(a)[-1], shape_of(v)[-1]
    r = convolve_full(g, _rev(v))[..., n - 1:n - 1 + m]
    return _real_if(sum_to(r, shape_of(a), ndim_of(g) - ndim_of(ans)), a)


def _conv_vjp_v(g, ans, a, v):
    m, n = shape_of(a)[-1], shape_of(v)[-1]
    r = convolve_full(g, _rev(a))[..., m - 1:m - 1 + n]
    return _real_if(sum_to(r, shape_of(v), ndim_of(g) - ndim_of(ans)), v)


defjvp(convolve_full, _conv_jvp_a, _conv_jvp_v)
defvjp_direct(convolve_full, _conv_vjp_a, _conv_vjp_v)


def _mode_name(mode):
    names = {0: "valid", 1: "same", 2: "full", "v": "valid", "s": "same", "f": "full"}
    if mode in ("valid", "same", "full"):
        return mode
    if mode in names:
        return names[mode]
    raise ValueError(f"mode must be one of 'valid', 'same', or 'full' (got {mode!r})")


def _as_vec(a, name):
    from ._shape import reshape
    if not isinstance(a, Tracer):
        a = _np.asarray(a)
    if ndim_of(a) == 0:
        a = reshape(a, (1,))
    if ndim_of(a) != 1:
        raise ValueError(f"{name}: object too deep for desired array")
    if shape_of(a)[0] == 0:
        raise ValueError(f"{name}: inputs cannot be empty")
    return a


def convolve(a, v, mode="full"):
    """``numpy.convolve`` (modes ``'full'``, ``'same'``, ``'valid'``), differentiable
    in both arguments."""
    if not _any_traced((a, v)):
        return _np.convolve(a, v, mode)
    mode = _mode_name(mode)
    a, v = _as_vec(a, "convolve"), _as_vec(v, "convolve")
    m, n = shape_of(a)[0], shape_of(v)[0]
    full = convolve_full(a, v)
    lo, hi = min(m, n), max(m, n)
    if mode == "full":
        return full
    if mode == "valid":
        return full[lo - 1:hi]
    s = (lo - 1) // 2
    return full[s:s + hi]


def correlate(a, v, mode="valid"):
    """``numpy.correlate`` (conjugating ``v``), differentiable in both arguments."""
    if not _any_traced((a, v)):
        return _np.correlate(a, v, mode)
    from ._products_extra import _conj
    mode = _mode_name(mode)
    a, v = _as_vec(a, "correlate"), _as_vec(v, "correlate")
    m, n = shape_of(a)[0], shape_of(v)[0]
    full = convolve_full(a, _rev(_conj(v)))
    lo, hi = min(m, n), max(m, n)
    if mode == "full":
        return full
    if mode == "valid":
        return full[lo - 1:hi]
    s = m // 2 if n > m else (n - 1) // 2
    return full[s:s + hi]




# --- the legacy polynomial API: compositions -----------------------------------------
def _exact(v, e):
    """NumPy's value ``v`` carrying the derivatives of the traced expression ``e``.

    ``e`` must equal ``v`` up to rounding.  ``value(e) - e`` is exactly ``+0``
    (a tracer with ``e``'s derivatives), and ``v - (+0)`` keeps every bit of
    ``v`` (signed zeros too): the result has NumPy's value and ``e``'s
    derivatives, at every order.  Where ``e`` is not finite the derivative is
    left out (the value is NumPy's there)."""
    if not isinstance(e, Tracer):
        return v
    from ._ufuncs import astype, real, subtract, where
    v = _np.asarray(v)
    edt = _np.result_type(primal_of(e))
    if edt.kind == "c" and v.dtype.kind != "c":
        e = real(e)
        edt = _np.result_type(primal_of(e))
    if edt != v.dtype:
        e = astype(e, v.dtype)
    pe = _np.asarray(primal_of(e))
    z = subtract(pe, e)
    fin = _np.isfinite(pe)
    if not fin.all():
        z = where(fin, z, _np.zeros((), v.dtype))
    return subtract(v[()] if v.ndim == 0 else v, z)


def _plain(x):
    """The plain value of ``x``, a (nested) list holding traced values included."""
    if isinstance(x, (list, tuple)) and contains_tracer(x):
        from .. import numpy as _dnp
        x = _dnp.asarray(x)
    return primal_of(x)


def _arr(x):
    """``x`` as an array: traced values (and lists holding them) stay traced."""
    if contains_tracer(x):
        from .. import numpy as _dnp
        return _dnp.asarray(x)
    return _np.asarray(x)


def vander(x, N=None, increasing=False):
    """``numpy.vander``, differentiable in ``x``.  The columns are built by
    repeated products, as NumPy does, so the values are NumPy's to the bit;
    the dtype is ``promote_types(x.dtype, int)`` (float64 for float32 input),
    as NumPy's."""
    if not contains_tracer(x):
        return _np.vander(x, N, increasing)
    from ._shape import stack
    from ._ufuncs import astype
    x = _arr(x)
    if ndim_of(x) != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    m = shape_of(x)[0]
    if N is None:
        N = m
    N = int(N)
    if N < 0:
        raise ValueError("negative dimensions are not allowed")
    dt = _np.promote_types(_np.result_type(primal_of(x)), int)
    if _np.result_type(primal_of(x)) != dt:
        x = astype(x, dt)
    if N == 0:
        return _np.empty((m, 0), dtype=dt)
    cols = [_np.ones(m, dtype=dt)]
    if N > 1:
        cols.append(x)
        for _ in range(N - 2):
            cols.append(cols[-1] * x)
    v = stack(cols, axis=1)
    return v if increasing else v[:, ::-1]


def polyder(p, m=1):
    """``numpy.polyder``, differentiable in ``p`` (an array result, also for a
    ``poly1d``)."""
    m = int(m)
    if m < 0:
        raise ValueError("Order of derivative must be positive (see polyint)")
    if not contains_tracer(p):
        return _np.polyder(p, m)
    p = _arr(p)
    for _ in range(m):
        n = len(p) - 1
        p = p[:-1] * _np.arange(n, 0, -1)
    return p


def polyint(p, m=1, k=None):
    """``numpy.polyint``, differentiable in ``p`` and in the integration
    constants ``k``."""
    m = int(m)
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    if not contains_tracer((p, k)):
        return _np.polyint(p, m, k)
    from ._shape import concatenate
    from ._shape_extra import atleast_1d
    if k is None:
        k = _np.zeros(m, float)
    k = atleast_1d(_arr(k))
    if len(k) == 1 and m > 1:
        k = k[0] * _np.ones(m, float)
    if len(k) < m:
        raise ValueError("k must be a scalar or a rank-1 array of length 1 or >m.")
    p = _arr(p)
    for j in range(m):
        p = concatenate((p / _np.arange(len(p), 0, -1), k[j:j + 1]))
    return p


def _padded_pair(a1, a2):
    from ._shape import concatenate
    from ._shape_extra import atleast_1d
    a1, a2 = atleast_1d(_arr(a1)), atleast_1d(_arr(a2))
    diff = len(a2) - len(a1)
    if diff > 0:
        a1 = concatenate((_np.zeros(diff, _np.result_type(primal_of(a1))), a1))
    elif diff < 0:
        a2 = concatenate((_np.zeros(-diff, _np.result_type(primal_of(a2))), a2))
    return a1, a2


def polyadd(a1, a2):
    """``numpy.polyadd``, differentiable in both arguments."""
    if not contains_tracer((a1, a2)):
        return _np.polyadd(a1, a2)
    a1, a2 = _padded_pair(a1, a2)
    return a1 + a2


def polysub(a1, a2):
    """``numpy.polysub``, differentiable in both arguments."""
    if not contains_tracer((a1, a2)):
        return _np.polysub(a1, a2)
    a1, a2 = _padded_pair(a1, a2)
    return a1 - a2


def polymul(a1, a2):
    """``numpy.polymul``, differentiable in both arguments.  NumPy drops
    leading zero coefficients first; the coefficients kept are the low-order
    end of the full product, and their derivatives include those in the
    dropped (zero) leading coefficients."""
    if not contains_tracer((a1, a2)):
        return _np.polymul(a1, a2)
    from ._shape_extra import atleast_1d
    v = _np.asarray(_np.polymul(_plain(a1), _plain(a2)))
    full = convolve(atleast_1d(_arr(a1)), atleast_1d(_arr(a2)))
    return _exact(v, full[len(full) - len(v):])


def polydiv(u, v):
    """``numpy.polydiv``: quotient and remainder, differentiable in ``u`` and
    ``v`` (the same long division, on traced values; the remainder is cut to
    the length NumPy's is, after NumPy drops leading near-zero entries)."""
    if not contains_tracer((u, v)):
        return _np.polydiv(u, v)
    from ._shape import concatenate, stack
    from ._shape_extra import atleast_1d
    qv, rv = _np.polydiv(_plain(u), _plain(v))
    u = atleast_1d(_arr(u)) + 0.0
    v = atleast_1d(_arr(v)) + 0.0
    m, n = len(u) - 1, len(v) - 1
    scale = 1.0 / v[0]
    r = u
    qs = []
    for k in range(m - n + 1):
        d = scale * r[k]
        qs.append(d)
        r = concatenate((r[:k], r[k:k + n + 1] - d * v, r[k + n + 1:]))
    q = stack(qs) if qs else _np.zeros(1, _np.result_type(qv))
    return _exact(qv, q), _exact(rv, r[len(r) - len(rv):])


def poly(seq_of_zeros):
    """``numpy.poly``: the coefficients of the monic polynomial with the given
    roots, differentiable in them; or the characteristic polynomial of a square
    matrix, differentiable in it everywhere (repeated eigenvalues included:
    the derivatives are those of the Faddeev-LeVerrier recursion, a polynomial
    in the entries; the values are NumPy's, through eigenvalues)."""
    if not contains_tracer(seq_of_zeros):
        return _np.poly(seq_of_zeros)
    from ._shape import stack
    from ._shape_extra import atleast_1d
    from ._ufuncs import astype, real
    z = atleast_1d(_arr(seq_of_zeros))
    val = _np.poly(primal_of(z))
    sh = shape_of(z)
    if len(sh) == 2:                     # a square matrix (NumPy checked it)
        from ._products import matmul
        from ._shape_extra import trace
        n = sh[0]
        c, m, ai = [1.0], _np.eye(n), None
        for k in range(1, n + 1):
            ai = matmul(z, m)
            ck = -trace(ai) / k
            c.append(ck)
            m = ai + ck * _np.eye(n)
        return _exact(val, stack(c))
    dt = _np.dtype(_np.mintypecode(_np.result_type(primal_of(z)).char))
    if _np.result_type(primal_of(z)) != dt:
        z = astype(z, dt)
    if sh[0] == 0:
        return val
    a = _np.ones((1,), dtype=dt)
    for i in range(sh[0]):
        a = convolve(a, stack([_np.ones((), dt), -z[i]]))
    if _np.asarray(val).dtype.kind != "c" and _np.result_type(primal_of(a)).kind == "c":
        a = real(a)
    return _exact(val, a)


def roots(p):
    """``numpy.roots``: the eigenvalues of the companion matrix (NumPy's values,
    real or complex as NumPy gives them), differentiable in ``p`` where the roots
    are simple.  The derivatives are those of the implicit function
    ``p(r) = 0``, ``dr = -dp(r) / p'(r)``, at every order (Newton steps on the
    traced coefficients, from the root itself), over all of ``p``: zero leading
    coefficients, which NumPy drops, keep their derivative (the finite roots
    move), and a single zero trailing coefficient gives the simple root 0 its
    derivative ``-dp[-1] / p[-2]``.  A multiple root has no derivative (it is
    infinite there); a root at 0 of multiplicity ``k >= 2`` (``k`` zero
    trailing coefficients) is returned with derivative 0, exact only when
    those trailing coefficients are constants.

    >>> import numpy as np, dualad as ad
    >>> ad.grad(lambda p: np.roots(p)[0])(np.array([1.0, -3.0, 2.0]))   # root 2
    array([-4., -2., -1.])
    """
    if not contains_tracer(p):
        return _np.roots(p)
    from ._shape import concatenate
    from ._shape_extra import atleast_1d
    from ._ufuncs import astype
    p = atleast_1d(_arr(p))
    pv = _np.asarray(primal_of(p))
    val = _np.roots(pv)                  # raises for non-1-D input, as NumPy
    nz = _np.nonzero(pv)[0]
    if len(nz) == 0:
        return val
    tz = len(pv) - nz[-1] - 1
    if pv.dtype.kind not in "fc":
        p = astype(p, float)
    n_simple = len(val) - tz + (1 if tz == 1 else 0)
    if n_simple == 0:
        return val
    dp = _polyder_last(p)
    r = val[:n_simple]
    for _ in range(3):        # exact derivatives to order 7 (the error is O(d^(2^3)))
        r = r - polyval(p, r) / polyval(dp, r)
    if tz > 1:
        r = concatenate((r, _np.zeros(tz, dtype=val.dtype)))
    return _exact(val, r)


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    """``numpy.polyfit``: the weighted least-squares fit, differentiable in
    ``x``, ``y`` and ``w`` (also ``residuals``, the singular values and the
    covariance).  The derivatives are those of NumPy's own formulation --
    the Vandermonde matrix scaled by its column norms, solved with
    ``linalg.lstsq`` (through the SVD) -- smooth where the rank does not
    change; the values are NumPy's."""
    if not contains_tracer((x, y, w)):
        return _np.polyfit(x, y, deg, rcond=rcond, full=full, w=w, cov=cov)
    from ._products import matmul
    from ._products_extra import outer
    from ._reductions import sum_p
    from ._ufuncs import sqrt
    from .linalg import inv, lstsq
    vals = _np.polyfit(_plain(x), _plain(y), deg, rcond=rcond, full=full,
                       w=None if w is None else _plain(w), cov=cov)
    order = int(deg) + 1
    x = _arr(x) + 0.0
    y = _arr(y) + 0.0
    if rcond is None:
        rcond = len(x) * _np.finfo(_np.result_type(primal_of(x))).eps
    lhs = vander(x, order)
    rhs = y
    if w is not None:
        w = _arr(w) + 0.0
        lhs = lhs * w[:, None]
        rhs = rhs * (w[:, None] if ndim_of(rhs) == 2 else w)
    scale = sqrt(sum_p(lhs * lhs, axis=0))
    lhs = lhs / scale
    c, resids, rank, s = lstsq(lhs, rhs, rcond)
    c = (c.T / scale).T
    if full:
        cv, rv, _, sv, _ = vals
        return (_exact(cv, c), _exact(rv, resids) if len(rv) else rv, vals[2],
                _exact(sv, s), vals[4])
    if cov:
        cv, vv = vals
        vbase = inv(matmul(lhs.T, lhs)) / outer(scale, scale)
        fac = 1 if cov == "unscaled" else resids / (len(x) - order)
        vb = vbase * fac if ndim_of(y) == 1 else vbase[:, :, None] * fac
        return _exact(cv, c), _exact(vv, vb)
    return _exact(vals, c)


__all__ = ["polyval", "interp", "convolve", "correlate", "vander", "polyder", "polyint",
           "polyadd", "polysub", "polymul", "polydiv", "poly", "roots", "polyfit"]
