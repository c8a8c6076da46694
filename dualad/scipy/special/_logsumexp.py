"""``logsumexp``, ``softmax``, ``log_softmax`` (reductions over axes).

Their derivatives are formed without the cancellation of ``1 - p_i`` where a
softmax weight ``p_i`` is near 1 (see ``dualad.numpy._softmax``), so first and
second derivatives keep full relative accuracy however far apart the entries.

>>> import numpy as np, dualad as ad
>>> from dualad.scipy.special import softmax
>>> float(ad.jacobian(softmax)(np.array([0.0, 40.0]))[1, 1])    # expit(40) expit(-40)
4.248354255291589e-18
"""
from __future__ import annotations

import numpy as _np
import scipy.special as _sp

from ... import numpy as dnp
from ...numpy._broadcast import norm_axes
from ...numpy._reductions import expand_reduced
from ...numpy._short_axis import extreme, sum_last
from ...numpy._softmax import centered
from ...numpy._softmax import complement_p as _complement
from ...numpy._softmax import exclusive_sum as _exclusive_sum
from ...numpy._softmax import weights as _weights
from ...numpy._ufuncs import _is_complex
from ...registry import defjvp, defvjp_direct, primitive, vjp_reads, vjp_residuals
from ...tracer import ndim_of, primal_of, shape_of


# --- logsumexp and friends ------------------------------------------------------------
def _lse_impl(a, b, axis=None, keepdims=False):
    # log|sum(b exp(a))|; the public wrapper puts SciPy's NaN where the sum is < 0
    if b is None:
        return _sp.logsumexp(a, axis=axis, keepdims=keepdims)
    return _sp.logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=True)[0]


def _lse_sign_impl(a, b, axis, keepdims):
    return _sp.logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=True)[1]


def _lse_weights(ans, a, b, axis, keepdims, of="a"):
    """``d ans / d a`` (``of="a"``) or ``d ans / d b`` (``of="b"``): ``b exp(a - ans)``
    and ``exp(a - ans)``, times the sign of the sum (0 on a slice that is all
    ``-inf``, as ``dualad.numpy.logsumexp``).  A primitive of ``a`` and ``b``
    (``dualad.numpy._softmax``), whose derivatives keep full relative accuracy."""
    sgn = None
    if b is not None:
        sgn = _lse_sign_impl(primal_of(a), primal_of(b), axis, True)
        if not _np.any(sgn != 1):
            sgn = None
    return _weights(ans, a, axis, keepdims, b=b, sgn=sgn, of=of)


def _lse_jvp_a(t, ans, a, b, axis=None, keepdims=False):
    return dnp.sum(t * _lse_weights(ans, a, b, axis, keepdims), axis=axis, keepdims=keepdims)


def _lse_jvp_b(t, ans, a, b, axis=None, keepdims=False):
    return dnp.sum(t * _lse_weights(ans, a, b, axis, keepdims, "b"), axis=axis,
                   keepdims=keepdims)


def _lse_vjp_a(g, ans, a, b, axis=None, keepdims=False):
    return expand_reduced(g, a, axis, keepdims) * _lse_weights(ans, a, b, axis, keepdims)


def _lse_vjp_b(g, ans, a, b, axis=None, keepdims=False):
    return expand_reduced(g, a, axis, keepdims) * _lse_weights(ans, a, b, axis, keepdims, "b")


logsumexp_p = primitive(_lse_impl, name="special.logsumexp")
defjvp(logsumexp_p, _lse_jvp_a, _lse_jvp_b)
defvjp_direct(logsumexp_p, _lse_vjp_a, _lse_vjp_b)


def _complex_lse_with_b(a, b, axis, keepdims, return_sign):
    """``log(sum(b exp(a)))`` for complex ``a`` or ``b``: SciPy's complex value
    (``log|S|`` and the phase of ``S`` with ``return_sign``), differentiated as
    ``log(S)`` (``log|S|``) with ``S = sum(b exp(a - m))`` and ``m`` the plain
    largest real part; the plain difference to SciPy's value (rounding, and the
    ``2 pi k`` that puts the phase in ``(-pi, pi]``) is added as a constant."""
    av, bv = _np.asarray(primal_of(a)), _np.asarray(primal_of(b))
    with _np.errstate(all="ignore"):
        want = _sp.logsumexp(av, axis=axis, b=bv, keepdims=keepdims, return_sign=return_sign)
        m = _np.max(_np.real(av), axis=axis, keepdims=True)
        m = _np.where(_np.isfinite(m), m, 0.0)
        sm = dnp.sum(b * dnp.exp(a - m), axis=axis, keepdims=True)
        t = (dnp.log(dnp.abs(sm)) if return_sign else dnp.log(sm)) + m
        if not keepdims:
            t = dnp.squeeze(t, axis=axis)
        val = _np.asarray(want[0] if return_sign else want)
        tv = _np.asarray(primal_of(t))
        fix = _np.where(_np.isfinite(val) & _np.isfinite(tv), val - tv, 0)
    out = t + fix
    return (out, want[1]) if return_sign else out


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """``scipy.special.logsumexp``: ``log(sum(b * exp(a)))``, computed stably and
    differentiable in ``a`` and ``b``.  With ``return_sign`` the result is
    ``log|sum|`` and the (non-differentiable) sign."""
    nd = ndim_of(a)
    if b is not None:
        shp = _np.broadcast_shapes(shape_of(a), shape_of(b))
        a = dnp.broadcast_to(a, shp)
        b = dnp.broadcast_to(b, shp)
        nd = len(shp)
    if isinstance(axis, list):
        axis = tuple(axis)
    keepdims = bool(keepdims)
    if nd == 0:
        # a 0-d input is a 1-vector summed over its axis (SciPy's shapes: () and,
        # with keepdims or axis=(), (1,)); a reduction over no axis at all would
        # also sum over the tangents' and cotangents' batch axes
        keepdims = keepdims or axis == ()
        a = dnp.reshape(a, (1,))
        b = None if b is None else dnp.reshape(b, (1,))
        axis, nd = (0,), 1
    axis = norm_axes(axis, nd)
    if b is not None and (_is_complex(a) or _is_complex(b)):
        return _complex_lse_with_b(a, b, axis, keepdims, return_sign)
    out = logsumexp_p(a, b, axis=axis, keepdims=keepdims)
    if b is None:
        sgn = _np.ones(shape_of(out))
    else:
        sgn = _np.asarray(_lse_sign_impl(primal_of(a), primal_of(b), axis, keepdims))
    if return_sign:
        return out, (sgn if _np.ndim(sgn) else sgn[()])
    if _np.any(sgn < 0):
        out = dnp.where(sgn < 0, _np.nan, out)
    return out


def _log_softmax_fwd(x, axis=()):
    """``(log_softmax(x), residuals)``: the stable form SciPy uses (shift by the
    finite maximum, subtract the log of the sum of exponentials); residuals
    are the shifted exponentials and their sums, from which the VJP gets the
    softmax without a second ``exp`` (``None`` where a maximum is not finite)."""
    x = _np.asarray(x)
    m = extreme(_np.maximum, x, axis, True) if x.size else _np.max(x, axis, keepdims=True)
    finite = _np.isfinite(m).all()
    if not finite:
        m = _np.where(_np.isfinite(m), m, 0)
    tmp = x - m
    e = _np.exp(tmp)
    s = _np.add.reduce(e, axis=axis, keepdims=True)
    if finite:                  # every sum holds exp(0) = 1: its log is finite
        out = _np.log(s)
    else:
        with _np.errstate(divide="ignore"):
            out = _np.log(s)
    out = _np.subtract(tmp, out, out=tmp) if type(tmp) is _np.ndarray else tmp - out
    return out, ((e, s) if finite else None)


def _log_softmax_impl(x, axis=()):
    return _log_softmax_fwd(x, axis)[0]


# Where a weight p_i is near 1, ``1 - p_i`` formed from it cancels: the entry
# (i, i) of log_softmax's Jacobian, 1 - p_i, came out 0 at p_i = 1 - 4e-18.  The
# accurate forms use ``centered`` (dualad.numpy._softmax): d log_softmax = q t - E(p t)
# with the exclusive sums q = E(p); its transpose is q g - p E(g).  On plain arrays
# the slices with every weight at most 1 - 2^-6 (where 1 - p loses at most 6 bits)
# keep the short forms t - sum(p t) and g - p sum(g), and their values.
_NEAR_ONE = 1.0 - 2.0 ** -6


def _plain(*vs):
    return all(isinstance(v, (_np.ndarray, _np.generic)) for v in vs)


def _near_one(p, axis):
    """The slices of plain ``p`` holding a weight above ``_NEAR_ONE`` (keepdims), or
    None when there are none (NaN slices keep the short form, as before)."""
    near = _np.any(p > _NEAR_ONE, axis=axis, keepdims=True)
    return near if near.any() else None


def _zero_nan_slices(out, g, ans, axis):
    """``out`` with 0 on every slice where the value ``ans`` has NaN (a slice of
    all ``-inf``: SciPy's value is NaN there) and the cotangent ``g`` is 0 on the
    whole slice: the rule's ``NaN * 0`` would otherwise spread NaN into the
    gradient of everything feeding that slice, even when the loss leaves it out
    (a fully masked row of attention weights); forward mode gives 0 there."""
    av = _np.asarray(primal_of(ans))
    if not _np.isnan(av).any():
        return out
    gz = _np.all(_np.asarray(primal_of(g)) == 0, axis=axis, keepdims=True)
    bad = _np.any(_np.isnan(av), axis=axis, keepdims=True)
    return dnp.where(gz & bad, 0.0, out)


def _log_softmax_vjp(g, ans, x, axis=(), residuals=None):
    out = _log_softmax_vjp_core(g, ans, x, axis, residuals)
    # (with residuals every slice had a finite maximum: no NaN)
    return out if residuals is not None else _zero_nan_slices(out, g, ans, axis)


def _log_softmax_vjp_core(g, ans, x, axis, residuals):
    if type(g) is _np.ndarray and type(ans) is _np.ndarray and g.shape == ans.shape:
        if residuals is None:
            p = _np.exp(ans)
            short = not (p > _NEAR_ONE).any()
        else:                                    # softmax = e / s; its largest is 1 / s
            p, s = residuals
            short = not (s * _NEAR_ONE < 1.0).any()
        if short:
            c = sum_last(g, True) if axis == (-1,) else _np.add.reduce(g, axis=axis,
                                                                      keepdims=True)
            if residuals is not None:
                c = c / s
            p = _np.multiply(p, c)
            return _np.subtract(g, p, out=p)     # one buffer
    softmax = dnp.exp(ans) if residuals is None else residuals[0] / residuals[1]
    near = None
    if _plain(g, softmax):
        near = _near_one(softmax, axis)
        short = g - softmax * dnp.sum(g, axis=axis, keepdims=True)
        if near is None:
            return short
    exact = _complement(softmax, axis=tuple(axis)) * g - softmax * _exclusive_sum(g, axis)
    return exact if near is None else _np.where(near, exact, short)


def _log_softmax_jvp(t, ans, x, axis=()):
    p = dnp.exp(ans)
    near = None
    if _plain(t, p):
        near = _near_one(p, axis)
        short = t - dnp.sum(t * p, axis=axis, keepdims=True)
        if near is None:
            return short
    exact = centered(t, p, axis)
    return exact if near is None else _np.where(near, exact, short)


# one primitive, not x - logsumexp(x): half the tape records, and the rules need
# only softmax = exp(ans) (or, on the tape, the forward pass's e / s).
# d log_softmax = dx - sum(softmax * dx) over the axes.
log_softmax_p = primitive(_log_softmax_impl, name="special.log_softmax")
defjvp(log_softmax_p, _log_softmax_jvp)
defvjp_direct(log_softmax_p, _log_softmax_vjp)
vjp_reads(log_softmax_p, {0: ("ans",)})
vjp_residuals(log_softmax_p, _log_softmax_fwd)


def log_softmax(x, axis=None):
    """``scipy.special.log_softmax``: ``x - logsumexp(x, axis, keepdims=True)``,
    one primitive whose rules use ``softmax = exp(log_softmax)``.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy.special import log_softmax
    >>> ad.grad(lambda z: log_softmax(z)[0])(np.zeros(4))
    array([ 0.75, -0.25, -0.25, -0.25])
    """
    if isinstance(axis, list):
        axis = tuple(axis)
    nd = ndim_of(x)
    return log_softmax_p(x, axis=norm_axes(axis, nd) if nd else ())


def _softmax_impl(x, axis=()):
    return _sp.softmax(x, axis=axis)


def _softmax_rule(t, ans, x, axis=()):
    # dp = p (t - sum(p t)) as p (q t - E(p t)): no 1 - p_i cancellation; symmetric
    return ans * centered(t, ans, axis)


# SciPy's values (exp(x - max) / sum); the derivative of the quotient would cancel
# (d p_i / d x_i = p_i (1 - p_i) formed as p_i - p_i^2), so a primitive
softmax_p = primitive(_softmax_impl, name="special.softmax")
defjvp(softmax_p, _softmax_rule)
defvjp_direct(softmax_p, lambda g, ans, x, axis=(): _zero_nan_slices(
    _softmax_rule(g, ans, x, axis), g, ans, axis))


def softmax(x, axis=None):
    """``scipy.special.softmax``: ``exp(x - max) / sum(exp(x - max))`` over ``axis``,
    SciPy's own values; a primitive whose derivative ``p (t - sum(p t))`` is
    formed without cancellation (full relative accuracy also where a weight is
    near 1)."""
    if isinstance(axis, list):
        axis = tuple(axis)
    xv = primal_of(x)
    if xv is x:
        return _sp.softmax(x, axis=axis)
    nd = ndim_of(x)
    return softmax_p(x, axis=norm_axes(axis, nd) if nd else ())
