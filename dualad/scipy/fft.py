"""Differentiable ``scipy.fft``: the FFT family and the real trigonometric
transforms (``dct``, ``idct``, ``dst``, ``idst`` and their n-dimensional forms).

Same names, signatures, defaults and values as ``scipy.fft``.  Plain
(untraced) arguments go straight to SciPy.

* **FFTs** (``fft`` ... ``ihfft``, ``fftshift``, ``fftfreq``): traced values
  use the primitives of ``dualad.numpy.fft`` (NumPy's pocketfft; the values
  agree with SciPy's to rounding, and ``float32`` / ``complex64`` stay single
  precision as in SciPy; ``float16`` is computed in ``float32`` as SciPy does).
  SciPy's stricter argument checks are kept: repeated ``axes`` raise, and
  ``rfft`` / ``ihfft`` refuse complex input.
* **DCT / DST**: two primitives, ``"scipy.fft.dctn"`` and ``"scipy.fft.dstn"``,
  whose values are SciPy's (``idct`` of type 2 is SciPy's ``dct`` of type 3
  with the ``norm`` mirrored, bit for bit, and likewise for the others).  Every
  transform is linear: the JVP is the same transform of the tangent.  Per axis
  of length ``N`` the transform is ``f * diag(L) @ M_t @ diag(R)`` where
  ``M_t`` is SciPy's unnormalised type-``t`` matrix, ``f`` the ``norm`` factor
  and ``L``, ``R`` the ``orthogonalize`` weights (``1/sqrt(2)`` and
  ``sqrt(2)`` on the first or last entry).  The unnormalised matrices
  transpose into each other: ``M_1`` (DCT) is ``diag(w) M_1 diag(1/w)`` with
  ``w = (1, 2, ..., 2, 1)``; ``M_2^T`` is ``M_3`` with the first (DST: last)
  cotangent entry doubled; ``M_3^T`` is ``M_2`` with the first (DST: last)
  output entry halved; DST-I and both type 4 matrices are symmetric.  The VJP
  is therefore one unnormalised transform of the other type, between two
  diagonal scalings, followed by the crop / zero-pad back to the input length
  (the transpose of the ``n`` / ``s`` padding).  The rules call the primitives
  themselves, so they differentiate again, and take leading batch axes (axes
  are stored negative).

``overwrite_x`` and ``workers`` are accepted and ignored for traced values;
a ``plan`` other than ``None`` is refused (as SciPy itself does).

>>> import numpy as np, dualad as ad
>>> from dualad.scipy import fft
>>> x = np.array([1.0, 2.0, 0.5, -1.0])
>>> g = ad.grad(lambda v: fft.dct(v, norm="ortho")[1])(x)      # row 1 of the DCT-II matrix
>>> bool(np.allclose(g, np.sqrt(2 / 4) * np.cos(np.pi * (2 * np.arange(4) + 1) / 8)))
True
"""
from __future__ import annotations

import numbers
import operator

import numpy as _np
import scipy.fft as _sfft

from .. import numpy as _dnp
from ..numpy import fft as _dfft
from ..numpy._casting import real_for as _realify
from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import Tracer, contains_tracer, primal_of, shape_of

__all__ = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2",
           "irfft2", "rfftn", "irfftn", "hfft", "ihfft", "fftshift", "ifftshift",
           "fftfreq", "rfftfreq", "next_fast_len", "dct", "idct", "dst", "idst", "dctn",
           "idctn", "dstn", "idstn"]


# --- argument handling (SciPy's rules and messages) -------------------------------------
def _traced(x):
    return isinstance(x, Tracer) or contains_tracer(x)


def _prep(x):
    """A traced array; ``float16`` is promoted to ``float32``, as SciPy computes it."""
    if not isinstance(x, Tracer):
        x = _dnp.asarray(x)
    if _np.result_type(primal_of(x)) == _np.float16:
        x = _dnp.asarray(x, dtype=_np.float32)
    return x


def _check_plan(plan):
    if plan is not None:
        raise NotImplementedError(
            "dualad.scipy.fft: plan= is not supported (SciPy's own functions do not "
            "support a precomputed plan either); pass plan=None")


def _norm(norm):
    if norm is None:
        return "backward"
    if norm not in ("backward", "ortho", "forward"):
        raise ValueError(f'Invalid norm value {norm!r}, should be "backward", "ortho" or '
                         f'"forward"')
    return norm


def _ints(v, name):
    if isinstance(v, numbers.Number):
        v = (v,)
    try:
        return [operator.index(a) for a in v]
    except TypeError as e:
        raise ValueError(f"{name} must be a scalar or iterable of integers") from e


def _nd(x, s, axes):
    """``(s, axes)`` resolved as ``scipy.fft`` does (``s`` entries of -1 take the
    input's length, ``axes`` unique), with negative axes."""
    shp = shape_of(x)
    nd = len(shp)
    if axes is not None:
        axes = [a + nd if a < 0 else a for a in _ints(axes, "axes")]
        if any(a >= nd or a < 0 for a in axes):
            raise ValueError("axes exceeds dimensionality of input")
        if len(set(axes)) != len(axes):
            raise ValueError("all axes must be unique")
    if s is not None:
        s = _ints(s, "shape")
        if axes and len(axes) != len(s):
            raise ValueError("when given, axes and shape arguments have to be of the same "
                             "length")
        if axes is None:
            if len(s) > nd:
                raise ValueError("shape requires more axes than are present")
            axes = list(range(nd - len(s), nd))
        s = [shp[a] if v == -1 else v for v, a in zip(s, axes)]
    elif axes is None:
        s, axes = list(shp), list(range(nd))
    else:
        s = [shp[a] for a in axes]
    if any(v < 1 for v in s):
        raise ValueError(f"invalid number of data points ({s}) specified")
    return tuple(int(v) for v in s), tuple(a - nd for a in axes)


def _one(x, n, axis):
    """``(n, axis)`` of a 1-d transform, ``axis`` negative."""
    shp = shape_of(x)
    nd = len(shp)
    axis = operator.index(axis)
    if not -nd <= axis < nd:
        raise ValueError(f"axis {axis} is out of bounds for array of dimension {nd}")
    axis = axis % nd - nd
    if n is None:
        n = shp[axis]
    n = operator.index(n)
    if n < 1:
        raise ValueError(f"invalid number of data points ({n}) specified")
    return n, axis


def _real_only(x):
    if _np.result_type(primal_of(x)).kind == "c":
        raise TypeError("x must be a real sequence")


# --- the FFT family -----------------------------------------------------------------------
def fft(x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, *, plan=None):
    """``scipy.fft.fft``, differentiable in ``x``.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import fft
    >>> ad.grad(lambda v: fft.fft(v)[1].real)(np.zeros(4))      # cos(2 pi k / 4)
    array([ 1.,  0., -1.,  0.])
    """
    if not _traced(x):
        return _sfft.fft(x, n, axis, norm, overwrite_x, workers, plan=plan)
    _check_plan(plan)
    x = _prep(x)
    n, axis = _one(x, n, axis)
    return _dfft.fft(x, n, axis, _norm(norm))


def ifft(x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, *, plan=None):
    """``scipy.fft.ifft``, differentiable in ``x``."""
    if not _traced(x):
        return _sfft.ifft(x, n, axis, norm, overwrite_x, workers, plan=plan)
    _check_plan(plan)
    x = _prep(x)
    n, axis = _one(x, n, axis)
    return _dfft.ifft(x, n, axis, _norm(norm))


def rfft(x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, *, plan=None):
    """``scipy.fft.rfft``, differentiable in ``x``."""
    if not _traced(x):
        return _sfft.rfft(x, n, axis, norm, overwrite_x, workers, plan=plan)
    _check_plan(plan)
    x = _prep(x)
    _real_only(x)
    n, axis = _one(x, n, axis)
    return _dfft.rfft(x, n, axis, _norm(norm))


def ihfft(x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, *, plan=None):
    """``scipy.fft.ihfft``, differentiable in ``x``."""
    if not _traced(x):
        return _sfft.ihfft(x, n, axis, norm, overwrite_x, workers, plan=plan)
    _check_plan(plan)
    x = _prep(x)
    _real_only(x)
    n, axis = _one(x, n, axis)
    return _dfft.ihfft(x, n, axis, _norm(norm))


def _half_n(x, n, axis):
    """The output length of ``irfft`` / ``hfft``: ``2 (m - 1)`` by default."""
    if n is None:
        _, axis = _one(x, None, axis)
        n = 2 * (shape_of(x)[axis] - 1)
        if n < 1:
            raise ValueError(f"Invalid number of data points ({n}) specified")
    return _one(x, n, axis)


def irfft(x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, *, plan=None):
    """``scipy.fft.irfft``, differentiable in ``x``."""
    if not _traced(x):
        return _sfft.irfft(x, n, axis, norm, overwrite_x, workers, plan=plan)
    _check_plan(plan)
    x = _prep(x)
    n, axis = _half_n(x, n, axis)
    return _dfft.irfft(x, n, axis, _norm(norm))


def hfft(x, n=None, axis=-1, norm=None, overwrite_x=False, workers=None, *, plan=None):
    """``scipy.fft.hfft``, differentiable in ``x``."""
    if not _traced(x):
        return _sfft.hfft(x, n, axis, norm, overwrite_x, workers, plan=plan)
    _check_plan(plan)
    x = _prep(x)
    n, axis = _half_n(x, n, axis)
    return _dfft.hfft(x, n, axis, _norm(norm))


def fftn(x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, *, plan=None):
    """``scipy.fft.fftn``, differentiable in ``x``."""
    if not _traced(x):
        return _sfft.fftn(x, s, axes, norm, overwrite_x, workers, plan=plan)
    _check_plan(plan)
    x = _prep(x)
    s, axes = _nd(x, s, axes)
    return _dfft.fftn_p(x, s, axes, _norm(norm)) if axes else x   # no axes: SciPy's copy


def ifftn(x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, *, plan=None):
    """``scipy.fft.ifftn``, differentiable in ``x``."""
    if not _traced(x):
        return _sfft.ifftn(x, s, axes, norm, overwrite_x, workers, plan=plan)
    _check_plan(plan)
    x = _prep(x)
    s, axes = _nd(x, s, axes)
    return _dfft.ifftn_p(x, s, axes, _norm(norm)) if axes else x   # no axes: SciPy's copy


def rfftn(x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, *, plan=None):
    """``scipy.fft.rfftn``, differentiable in ``x``."""
    if not _traced(x):
        return _sfft.rfftn(x, s, axes, norm, overwrite_x, workers, plan=plan)
    _check_plan(plan)
    x = _prep(x)
    _real_only(x)
    s, axes = _nd(x, s, axes)
    if not axes:
        raise ValueError("at least 1 axis must be transformed")
    return _dfft.rfftn_p(x, s, axes, _norm(norm))


def irfftn(x, s=None, axes=None, norm=None, overwrite_x=False, workers=None, *, plan=None):
    """``scipy.fft.irfftn``, differentiable in ``x``."""
    if not _traced(x):
        return _sfft.irfftn(x, s, axes, norm, overwrite_x, workers, plan=plan)
    _check_plan(plan)
    x = _prep(x)
    noshape = s is None
    s, axes = _nd(x, s, axes)
    if not axes:
        raise ValueError("at least 1 axis must be transformed")
    if noshape:
        s = s[:-1] + (2 * (s[-1] - 1),)
        if s[-1] < 1:
            raise ValueError(f"Invalid number of data points ({s[-1]}) specified")
    return _dfft.irfftn_p(x, s, axes, _norm(norm))


def fft2(x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, *, plan=None):
    """``scipy.fft.fft2``, differentiable in ``x``."""
    return fftn(x, s, axes, norm, overwrite_x, workers, plan=plan)


def ifft2(x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, *, plan=None):
    """``scipy.fft.ifft2``, differentiable in ``x``."""
    return ifftn(x, s, axes, norm, overwrite_x, workers, plan=plan)


def rfft2(x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, *, plan=None):
    """``scipy.fft.rfft2``, differentiable in ``x``."""
    return rfftn(x, s, axes, norm, overwrite_x, workers, plan=plan)


def irfft2(x, s=None, axes=(-2, -1), norm=None, overwrite_x=False, workers=None, *,
           plan=None):
    """``scipy.fft.irfft2``, differentiable in ``x``."""
    return irfftn(x, s, axes, norm, overwrite_x, workers, plan=plan)


def fftshift(x, axes=None):
    """``scipy.fft.fftshift``, differentiable in ``x``."""
    if not _traced(x):
        return _sfft.fftshift(x, axes)
    return _dfft.fftshift(_dnp.asarray(x), axes)


def ifftshift(x, axes=None):
    """``scipy.fft.ifftshift``, differentiable in ``x``."""
    if not _traced(x):
        return _sfft.ifftshift(x, axes)
    return _dfft.ifftshift(_dnp.asarray(x), axes)


def _check_xp(xp):
    if xp is not None and xp is not _np and getattr(xp, "__name__", "") not in (
            "numpy", "array_api_compat.numpy"):
        raise NotImplementedError("dualad.scipy.fft: with a traced d, xp= must be None or "
                                  "numpy (dualad computes with NumPy arrays)")


def fftfreq(n, d=1.0, *, xp=None, device=None):
    """``scipy.fft.fftfreq``: ``k / (n d)``, differentiable in the spacing ``d``."""
    if not _traced(d):
        return _sfft.fftfreq(n, d, xp=xp, device=device)
    _check_xp(xp)
    return _dfft.fftfreq(n, d)


def rfftfreq(n, d=1.0, *, xp=None, device=None):
    """``scipy.fft.rfftfreq``: ``k / (n d)``, differentiable in the spacing ``d``."""
    if not _traced(d):
        return _sfft.rfftfreq(n, d, xp=xp, device=device)
    _check_xp(xp)
    return _dfft.rfftfreq(n, d)


next_fast_len = _sfft.next_fast_len


# --- DCT / DST: the primitives -----------------------------------------------------------
def _dctn_impl(x, type, s, axes, norm, orthogonalize):   # noqa: A002
    return _sfft.dctn(x, type, s, axes, norm, orthogonalize=orthogonalize)


def _dstn_impl(x, type, s, axes, norm, orthogonalize):   # noqa: A002
    return _sfft.dstn(x, type, s, axes, norm, orthogonalize=orthogonalize)


dctn_p = primitive(_dctn_impl, name="scipy.fft.dctn")
dstn_p = primitive(_dstn_impl, name="scipy.fft.dstn")

_SQRT2 = _np.sqrt(2.0)
_TRANSPOSE_TYPE = {1: 1, 2: 3, 3: 2, 4: 4}


def _axis_weights(kind, t, N, norm, orth):
    """``(pre, post)`` with ``T^T = diag(post) M_{t'} diag(pre)`` for the
    one-axis transform ``T = f diag(L) M_t diag(R)`` of length ``N``
    (``M_t'`` the unnormalised transform of the transpose type); ``None``
    for a weight that is all ones."""
    # the norm factor f and the orthogonalize weights L, R
    Np = N - 1 if (kind == "dct" and t == 1) else N + 1 if (kind == "dst" and t == 1) else N
    f = {"backward": 1.0, "forward": 1.0 / (2 * Np), "ortho": _np.sqrt(1.0 / (2 * Np))}[norm]
    L, R = _np.ones(N), _np.ones(N)
    first_last = [0] if kind == "dct" else [-1]
    if orth:
        if kind == "dct" and t == 1:
            R[[0, -1]] *= _SQRT2
            L[[0, -1]] /= _SQRT2
        elif t == 2:
            L[first_last] /= _SQRT2
        elif t == 3:
            R[first_last] *= _SQRT2
    # M_t^T = diag(E) M_t' diag(F)
    E, F = _np.ones(N), _np.ones(N)
    if kind == "dct" and t == 1:
        w = _np.full(N, 2.0)
        w[[0, -1]] = 1.0
        E, F = w, 1.0 / w
    elif t == 2:
        F[first_last] = 2.0
    elif t == 3:
        E[first_last] = 0.5
    pre, post = F * L, f * R * E
    return (None if _np.all(pre == 1.0) else pre), (None if _np.all(post == 1.0) else post)


def _scale(x, w, axis):
    if w is None:
        return x
    dt = _np.result_type(primal_of(x))
    dt = _np.finfo(dt).dtype if dt.kind in "fc" else _np.dtype(_np.float64)
    return x * w.astype(dt).reshape((len(w),) + (1,) * (-axis - 1))


def _r2r_vjp(kind, p):
    def vjp(g, ans, x, type, s, axes, norm, orthogonalize):   # noqa: A002
        g = _realify(g, ans)
        weights = [_axis_weights(kind, type, n, norm, orthogonalize) for n in s]
        for (pre, _), a in zip(weights, axes):
            g = _scale(g, pre, a)
        r = p(g, _TRANSPOSE_TYPE[type], s, axes, "backward", False)
        for (_, post), a in zip(weights, axes):
            r = _scale(r, post, a)
        xs = shape_of(x)
        return _realify(_dfft._resize(r, axes, [xs[a] for a in axes]), x)
    return vjp


for _kind, _p in (("dct", dctn_p), ("dst", dstn_p)):
    defjvp(_p, (lambda p: lambda t, ans, x, *opts: p(t, *opts))(_p))
    defvjp_direct(_p, _r2r_vjp(_kind, _p))


# --- DCT / DST: the public functions -----------------------------------------------------
_INVERSE_NORM = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def _r2r(kind, inverse, x, type, s, axes, norm, orthogonalize):   # noqa: A002
    """One call of the DCT / DST primitive for a traced ``x``: ``idct`` of type
    ``t`` is SciPy's ``dct`` of the transpose type with the norm mirrored."""
    x = _prep(x)
    type = operator.index(type)   # noqa: A001
    if type not in (1, 2, 3, 4):
        raise ValueError(f"invalid {kind.upper()} type")
    norm = _norm(norm)
    orth = (norm == "ortho") if orthogonalize is None else bool(orthogonalize)
    if inverse:
        type, norm = _TRANSPOSE_TYPE[type], _INVERSE_NORM[norm]   # noqa: A001
    if not axes:
        return _dnp.asarray(x, dtype=_np.result_type(primal_of(x), _np.float32))
    return (dctn_p if kind == "dct" else dstn_p)(x, type, s, axes, norm, orth)


def _one_r2r(kind, inverse, plain, x, type, n, axis, norm, overwrite_x, workers,   # noqa: A002
             orthogonalize):
    if not _traced(x):
        return plain(x, type, n, axis, norm, overwrite_x, workers, orthogonalize)
    x = _prep(x)
    n, axis = _one(x, n, axis)
    return _r2r(kind, inverse, x, type, (n,), (axis,), norm, orthogonalize)


def _nd_r2r(kind, inverse, plain, x, type, s, axes, norm, overwrite_x, workers,   # noqa: A002
            orthogonalize):
    if not _traced(x):
        return plain(x, type, s, axes, norm, overwrite_x, workers,
                     orthogonalize=orthogonalize)
    x = _prep(x)
    s, axes = _nd(x, s, axes)
    return _r2r(kind, inverse, x, type, s, axes, norm, orthogonalize)


def dct(x, type=2, n=None, axis=-1, norm=None, overwrite_x=False, workers=None,   # noqa: A002
        orthogonalize=None):
    """``scipy.fft.dct``, differentiable in ``x`` (types 1-4, every ``norm``).

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import fft
    >>> J = ad.jacfwd(lambda v: fft.dct(v, norm="ortho"))(np.ones(3))
    >>> bool(np.allclose(J @ J.T, np.eye(3)))                  # orthogonal
    True
    """
    return _one_r2r("dct", False, _sfft.dct, x, type, n, axis, norm, overwrite_x, workers,
                    orthogonalize)


def idct(x, type=2, n=None, axis=-1, norm=None, overwrite_x=False, workers=None,   # noqa: A002
         orthogonalize=None):
    """``scipy.fft.idct``, differentiable in ``x``."""
    return _one_r2r("dct", True, _sfft.idct, x, type, n, axis, norm, overwrite_x, workers,
                    orthogonalize)


def dst(x, type=2, n=None, axis=-1, norm=None, overwrite_x=False, workers=None,   # noqa: A002
        orthogonalize=None):
    """``scipy.fft.dst``, differentiable in ``x``."""
    return _one_r2r("dst", False, _sfft.dst, x, type, n, axis, norm, overwrite_x, workers,
                    orthogonalize)


def idst(x, type=2, n=None, axis=-1, norm=None, overwrite_x=False, workers=None,   # noqa: A002
         orthogonalize=None):
    """``scipy.fft.idst``, differentiable in ``x``."""
    return _one_r2r("dst", True, _sfft.idst, x, type, n, axis, norm, overwrite_x, workers,
                    orthogonalize)


def dctn(x, type=2, s=None, axes=None, norm=None, overwrite_x=False, workers=None, *,   # noqa: A002
         orthogonalize=None):
    """``scipy.fft.dctn``, differentiable in ``x``."""
    return _nd_r2r("dct", False, _sfft.dctn, x, type, s, axes, norm, overwrite_x, workers,
                   orthogonalize)


def idctn(x, type=2, s=None, axes=None, norm=None, overwrite_x=False, workers=None,   # noqa: A002
          orthogonalize=None):
    """``scipy.fft.idctn``, differentiable in ``x``."""
    return _nd_r2r("dct", True, _sfft.idctn, x, type, s, axes, norm, overwrite_x, workers,
                   orthogonalize)


def dstn(x, type=2, s=None, axes=None, norm=None, overwrite_x=False, workers=None, *,   # noqa: A002
         orthogonalize=None):
    """``scipy.fft.dstn``, differentiable in ``x``."""
    return _nd_r2r("dst", False, _sfft.dstn, x, type, s, axes, norm, overwrite_x, workers,
                   orthogonalize)


def idstn(x, type=2, s=None, axes=None, norm=None, overwrite_x=False, workers=None,   # noqa: A002
          orthogonalize=None):
    """``scipy.fft.idstn``, differentiable in ``x``."""
    return _nd_r2r("dst", True, _sfft.idstn, x, type, s, axes, norm, overwrite_x, workers,
                   orthogonalize)
