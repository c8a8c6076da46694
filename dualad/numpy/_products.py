"""Matrix products: the rule table.

``matmul`` rules keep the batch axes of a tangent/cotangent in front of the
broadcast (stack) axes by inserting unit axes, so one rule serves plain,
stacked and batched operands.
"""
from __future__ import annotations

import numpy as _np

from ..registry import Primitive, defjvp, defvjp_direct, primitive, vjp_reads
from ..tracer import Tracer, ndim_of, primal_of, shape_of
from ._broadcast import sum_to
from ._casting import real_for as _real_if


def _matmul_impl(a, b):
    return _np.matmul(a, b)


class _MatMul(Primitive):
    """``numpy.matmul`` with its ufunc keywords: on traced operands ``dtype``
    (the operands are cast to it, as NumPy computes in it), ``casting``,
    ``order`` and ``subok`` are taken; ``axes`` / ``axis`` / ``keepdims``
    are refused with what to write instead; plain operands go to NumPy
    unchanged."""

    __slots__ = ()

    def __call__(self, a, b, /, out=None, **kwargs):
        if out is None and not kwargs:
            return Primitive.__call__(self, a, b)
        if not isinstance(a, Tracer) and not isinstance(b, Tracer):
            return _np.matmul(a, b, out=out, **kwargs)
        if out is not None:
            return Primitive.__call__(self, a, b, out=out)    # refused: names out=
        dtype = kwargs.pop("dtype", None)
        casting = kwargs.pop("casting", "same_kind")
        kwargs.pop("order", None)
        kwargs.pop("subok", None)
        if kwargs.get("signature") is None:
            kwargs.pop("signature", None)
        if kwargs.pop("keepdims", False):
            kwargs["keepdims"] = True
        if kwargs:
            raise NotImplementedError(
                f"matmul: {', '.join(f'{k}=' for k in kwargs)} on traced values is not "
                f"supported by dualad; move the axes into the last two places with "
                f"dualad.numpy.moveaxis first (and back after)")
        if dtype is not None:
            dt = _np.dtype(dtype)
            have = _np.result_type(primal_of(a), primal_of(b))
            if not _np.can_cast(have, dt, casting=casting):
                raise TypeError(f"matmul: cannot cast the operands from {have} to {dt} "
                                f"with casting rule {casting!r}")
            a, b = astype(a, dt), astype(b, dt)
        return Primitive.__call__(self, a, b)


matmul = _MatMul(_matmul_impl, name="matmul")


def _pad_lead(t, x_nd, target_nd):
    """Insert unit axes after the batch so ``t`` (``batch + x.shape``) has core
    ndim ``target_nd``."""
    if target_nd <= x_nd:
        return t
    ts = shape_of(t)
    nb = len(ts) - x_nd
    return reshape(t, ts[:nb] + (1,) * (target_nd - x_nd) + ts[nb:])


def _mT(x):
    return swapaxes(x, -1, -2)


def _matmul_jvp_a(t, ans, a, b):
    na, nb_ = ndim_of(a), ndim_of(b)
    if na == 1 and nb_ == 1:
        return _sum_last(t * b)
    if na == 1:          # (k,) @ (..., k, m) -> (..., m)
        tt = _pad_lead(expand_dims(t, -2), 2, nb_)
        return squeeze(matmul(tt, b), -2)
    if nb_ == 1:         # (..., n, k) @ (k,) -> (..., n)
        return matmul(t, b)
    return matmul(_pad_lead(t, na, max(na, nb_)), b)


def _matmul_jvp_b(t, ans, a, b):
    na, nb_ = ndim_of(a), ndim_of(b)
    if na == 1 and nb_ == 1:
        return _sum_last(a * t)
    if nb_ == 1 and na == 2:   # (n, k) @ (k,): batch + (k,) @ (k, n) is one GEMM
        return matmul(t, _mT(a))
    if nb_ == 1:         # (..., n, k) @ (k,)
        tt = _pad_lead(expand_dims(t, -1), 2, na)
        return squeeze(matmul(a, tt), -1)
    if na == 1:          # (k,) @ (..., k, m)
        return matmul(a, t)
    return matmul(a, _pad_lead(t, nb_, max(na, nb_)))


def _sum_last(x):
    return sum_p(x, axis=-1)


def _plain_2d(g, other, x):
    """True for the common case: plain 2-D cotangent and operand, 2-D ``x``, no batch."""
    return (type(g) is _np.ndarray and type(other) is _np.ndarray
            and g.ndim == 2 and other.ndim == 2 and ndim_of(x) == 2)


def _matmul_vjp_a(g, ans, a, b):
    if _plain_2d(g, b, a):       # one GEMM, no dispatch
        return _real_if(_np.matmul(g, b.T), a)
    return _real_if(_matmul_vjp_a_c(g, ans, a, b), a)


def _matmul_vjp_b(g, ans, a, b):
    if _plain_2d(g, a, b):
        return _real_if(_np.matmul(a.T, g), b)
    return _real_if(_matmul_vjp_b_c(g, ans, a, b), b)


def _matmul_vjp_a_c(g, ans, a, b):
    na, nb_ = ndim_of(a), ndim_of(b)
    nbatch = ndim_of(g) - ndim_of(ans)
    if na == 1 and nb_ == 1:
        return expand_dims(g, -1) * b
    if na == 1:          # g: batch + (..., m); b: (..., k, m) -> batch + (k,)
        gg = expand_dims(g, -2)                              # batch + (..., 1, m)
        r = matmul(gg, _mT(b))                               # batch + (..., 1, k)
        r = r[..., 0, :]
        return sum_to(r, shape_of(a), nbatch)
    if nb_ == 1:         # g: batch + (..., n); b: (k,) -> batch + (..., n, k)
        r = expand_dims(g, -1) * b
        return sum_to(r, shape_of(a), nbatch)
    r = matmul(g, _mT(b))
    return sum_to(r, shape_of(a), nbatch)


def _matmul_vjp_b_c(g, ans, a, b):
    na, nb_ = ndim_of(a), ndim_of(b)
    nbatch = ndim_of(g) - ndim_of(ans)
    if na == 1 and nb_ == 1:
        return expand_dims(g, -1) * a
    if nb_ == 1 and na == 2:   # a: (n, k); g: batch + (n,): one GEMM
        return matmul(g, a)
    if nb_ == 1:         # a: (..., n, k); g: batch + (..., n) -> batch + (k,)
        r = matmul(expand_dims(g, -2), a)[..., 0, :]         # batch + (..., k)
        return sum_to(r, shape_of(b), nbatch)
    if na == 1:          # a: (k,); g: batch + (..., m) -> batch + (..., k, m)
        r = expand_dims(a, -1) * expand_dims(g, -2)
        return sum_to(r, shape_of(b), nbatch)
    r = matmul(_mT(a), _pad_lead(g, ndim_of(ans), ndim_of(ans)))
    return sum_to(r, shape_of(b), nbatch)


defjvp(matmul, _matmul_jvp_a, _matmul_jvp_b)
defvjp_direct(matmul, _matmul_vjp_a, _matmul_vjp_b)
vjp_reads(matmul, {0: (1,), 1: (0,)})


def _strong_scalars(*operands):
    """Python scalars as NumPy arrays: ``dot`` and ``inner`` convert their
    operands with ``asarray``, so a Python float promotes a float32 array to
    float64 there (unlike an operator, where it is a weak scalar)."""
    return [_np.asarray(x) if type(x) in (int, float, complex) else x for x in operands]


def dot(a, b, out=None):
    """``numpy.dot``: scalars multiply, 1-D/2-D operands use ``matmul``, and
    N-D operands contract the last axis of ``a`` with the second-to-last of ``b``."""
    na, nb_ = ndim_of(a), ndim_of(b)
    if out is not None:
        return _np.dot(a, b, out=out)
    if na == 0 or nb_ == 0:
        from ._ufuncs import multiply
        return multiply(*_strong_scalars(a, b))
    if na <= 2 and nb_ <= 2:
        return matmul(a, b)
    from ._products_extra import tensordot
    return tensordot(a, b, axes=([na - 1], [max(nb_ - 2, 0)]))

__all__ = ["matmul", "dot"]

# imported last: these modules import _broadcast, which this one imports
from ._reductions import sum_p  # noqa: E402
from ._shape import expand_dims, reshape, squeeze, swapaxes  # noqa: E402
from ._ufuncs import astype  # noqa: E402
