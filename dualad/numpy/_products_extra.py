"""Tensor products: ``einsum``, ``tensordot`` and the functions built on them.

Primitives (each with explicit JVP and VJP rules, batch-axis aware):

* ``einsum`` -- one primitive taking a fully explicit subscript string (no
  ``...``, explicit output).  The public :func:`einsum` rewrites every NumPy
  calling form (implicit output, ellipsis, the interleaved operand/sublist
  form) into that string.  A tangent or cotangent with leading batch axes gets
  fresh index letters for them.  The VJP of an operand with a repeated index
  (a diagonal, e.g. ``'ii->i'``) scatters onto the diagonal: the reverse
  einsum writes through a constant identity, never a plain transposed einsum.
  Indices that an operand broadcasts (size 1 against a larger size elsewhere)
  are summed back to size 1.
* ``tensordot`` -- NumPy's BLAS-backed contraction, with ``axes`` normalised
  to a pair of tuples of negative axes (so they address the same dimensions
  with or without batch axes).

``outer``, ``inner``, ``vdot``, ``kron``, ``cross``, ``vecdot``, ``matvec``,
``vecmat`` and ``matrix_transpose`` are compositions of these, ``matmul`` and
element-wise and shape primitives, so their derivatives are exact in both
modes and to any order.  Where a plain ``matmul`` does the work it is used
(einsum is slower in NumPy).

>>> import numpy, dualad as ad, dualad.numpy as dnp
>>> a = numpy.arange(4.0).reshape(2, 2)
>>> ad.grad(lambda x: dnp.einsum('ii->', x))(a)
array([[1., 0.],
       [0., 1.]])
"""
from __future__ import annotations

import string

import numpy as _np

from ..registry import defjvp, defjvp_varargs, defvjp_direct, defvjp_varargs, primitive
from ..tracer import Tracer, ndim_of, primal_of, shape_of
from ._casting import real_for as _real_if

_LETTERS = string.ascii_letters


def _any_traced(xs):
    return any(isinstance(x, Tracer) for x in xs)


def _dtype_of(x):
    return _np.result_type(primal_of(x))


# --- conj ------------------------------------------------------------------------
def _conj(x):
    """``conj(x)`` for complex ``x`` (the ``conjugate`` primitive), ``x`` otherwise."""
    if _np.iscomplexobj(primal_of(x)):
        from ._ufuncs import conjugate
        return conjugate(x)
    return x


# --- einsum ----------------------------------------------------------------------
def _einsum_impl(*operands, subscripts, optimize=False):
    return _np.einsum(subscripts, *operands, optimize=optimize)


einsum_p = primitive(_einsum_impl, name="einsum")


def _split(subscripts):
    ins, out = subscripts.split("->")
    return ins.split(","), out


def _fresh(used, k):
    out = [c for c in _LETTERS if c not in used][:k]
    if len(out) < k:
        raise ValueError("einsum: too many distinct indices (at most 52 letters)")
    return "".join(out)


def _rule_optimize(optimize):
    return "greedy" if isinstance(optimize, (list, tuple)) else optimize


def _einsum_jvp(i, t, ans, *operands, subscripts, optimize=False):
    ins, out = _split(subscripts)
    nb = ndim_of(t) - ndim_of(operands[i])
    b = _fresh(set(subscripts), nb)
    ins = list(ins)
    ins[i] = b + ins[i]
    ops = list(operands)
    ops[i] = t
    return einsum_p(*ops, subscripts=",".join(ins) + "->" + b + out,
                    optimize=_rule_optimize(optimize))


def _einsum_vjp(i, g, ans, *operands, subscripts, optimize=False):
    ins, out = _split(subscripts)
    x = operands[i]
    xs = shape_of(x)
    nb = ndim_of(g) - ndim_of(ans)
    used = set(subscripts)
    b = _fresh(used, nb)
    used |= set(b)
    sizes = {}                  # each index's broadcast size (a 0 beats a 1)
    for s, op in zip(ins, operands):
        for c, d in zip(s, shape_of(op)):
            if d != 1 or c not in sizes:
                sizes[c] = d
    dt = _dtype_of(g)
    in_subs = [b + out] + [s for j, s in enumerate(ins) if j != i]
    in_ops = [g] + [op for j, op in enumerate(operands) if j != i]
    res = []
    seen = set()
    for c, d in zip(ins[i], xs):
        if d == 1 and sizes[c] != 1:
            # broadcast index: the reverse sum runs over c; this axis stays 1
            f = _fresh(used, 1)
            used.add(f)
            in_subs.append(f)
            in_ops.append(_np.ones((1,), dtype=dt))
            res.append(f)
        elif c in seen:
            # repeated index: write onto the diagonal through an identity
            f = _fresh(used, 1)
            used.add(f)
            in_subs.append(c + f)
            in_ops.append(_np.eye(d, dtype=dt))
            res.append(f)
        else:
            seen.add(c)
            res.append(c)
    # the indices some factor supplies at full size (one that has c with size 1
    # only broadcasts along it: the result would keep size 1 there)
    have = set()
    for s, op in zip(in_subs, in_ops):
        have.update(c for c, d in zip(s, shape_of(op)) if d == sizes.get(c, d))
    for c in dict.fromkeys(res):
        if c not in have:
            # summed out of the output and at full size in operand i only: its
            # cotangent is constant along c
            in_subs.append(c)
            in_ops.append(_np.ones((sizes[c],), dtype=dt))
            have.add(c)
    r = einsum_p(*in_ops, subscripts=",".join(in_subs) + "->" + b + "".join(res),
                 optimize=_rule_optimize(optimize))
    return _real_if(r, x)


defjvp_varargs(einsum_p, _einsum_jvp)
defvjp_varargs(einsum_p, _einsum_vjp)


def _sublist_to_str(sub):
    out = []
    for s in sub:
        if s is Ellipsis:
            out.append("...")
        else:
            s = int(s)
            if not 0 <= s < 52:
                raise ValueError("einsum: subscript integers must be in [0, 52)")
            out.append(_LETTERS[s])
    return "".join(out)


def _interleaved(args):
    args = list(args)
    out = None
    if len(args) % 2 == 1:
        out = args.pop()
    ops = args[0::2]
    subs = ",".join(_sublist_to_str(s) for s in args[1::2])
    if out is not None:
        subs += "->" + _sublist_to_str(out)
    return subs, ops


def _normalize_einsum(subscripts, operands):
    """NumPy's subscripts rewritten with ``...`` spelled out and an explicit output."""
    subs = subscripts.replace(" ", "")
    if "->" in subs:
        ins, out = subs.split("->")
    else:
        ins, out = subs, None
    in_list = ins.split(",")
    if len(in_list) != len(operands):
        raise ValueError(f"einsum: {len(in_list)} operand subscripts given for "
                         f"{len(operands)} operands")
    used = set(c for c in subs if c.isalpha())
    ell_nd = 0
    for s, op in zip(in_list, operands):
        if "..." in s:
            ell_nd = max(ell_nd, ndim_of(op) - len(s.replace("...", "")))
    ell = _fresh(used, ell_nd)
    new_in = []
    for s, op in zip(in_list, operands):
        if "..." in s:
            k = ndim_of(op) - len(s.replace("...", ""))
            if k < 0:
                raise ValueError(f"einsum: operand of shape {shape_of(op)} has fewer "
                                 f"dimensions than subscripts {s!r}")
            s = s.replace("...", ell[ell_nd - k:])
        if len(s) != ndim_of(op):
            raise ValueError(f"einsum: subscripts {s!r} do not match an operand of "
                             f"shape {shape_of(op)}")
        for c in s:
            if not c.isalpha():
                raise ValueError(f"einsum: invalid subscript character {c!r}")
        new_in.append(s)
    if out is None:
        counts = {}
        for s in new_in:
            for c in s:
                counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    else:
        if ell_nd and "..." not in out:
            raise ValueError("output has more dimensions than subscripts given in einstein "
                             "sum, but no '...' ellipsis provided to broadcast the extra "
                             "dimensions.")
        out = out.replace("...", ell)
    return ",".join(new_in) + "->" + out


def einsum(*operands, out=None, optimize=False, **kwargs):
    """``numpy.einsum``: every calling form, differentiable in every operand.

    >>> import numpy, dualad.numpy as dnp
    >>> dnp.einsum('ij,jk', numpy.eye(2), numpy.ones((2, 3))).shape
    (2, 3)
    """
    if not operands:
        raise TypeError("einsum: no subscripts given")
    if isinstance(operands[0], str):
        subscripts, ops = operands[0], list(operands[1:])
    else:
        subscripts, ops = _interleaved(operands)
    if not _any_traced(ops):
        return _np.einsum(subscripts, *ops, out=out, optimize=optimize, **kwargs)
    if out is not None:
        raise TypeError("einsum: out= cannot hold a traced value; use the returned value")
    dtype = kwargs.pop("dtype", None)
    kwargs.pop("order", None)
    kwargs.pop("casting", None)
    if kwargs:
        raise TypeError(f"einsum: unexpected keyword arguments {sorted(kwargs)}")
    ops = [o if isinstance(o, Tracer) else _np.asarray(o) for o in ops]
    if dtype is not None:
        from ._ufuncs import astype
        ops = [astype(o, dtype) for o in ops]
    explicit = _normalize_einsum(subscripts, ops)
    return einsum_p(*ops, subscripts=explicit, optimize=optimize)


def einsum_path(*operands, **kwargs):
    """``numpy.einsum_path`` on the values (no derivative involved)."""
    return _np.einsum_path(*[primal_of(o) for o in operands], **kwargs)


# --- tensordot -------------------------------------------------------------------
def _tensordot_impl(a, b, axes):
    return _np.tensordot(a, b, axes=axes)


tensordot_p = primitive(_tensordot_impl, name="tensordot")


def _pos(axes, nd):
    return [ax % nd for ax in axes]


def _td_jvp_a(t, ans, a, b, axes):
    return tensordot_p(t, b, axes=axes)


def _td_jvp_b(t, ans, a, b, axes):
    from ._shape import transpose
    nb = ndim_of(t) - ndim_of(b)
    r = tensordot_p(a, t, axes=axes)              # free_a + batch + free_b
    nfa = ndim_of(a) - len(axes[0])
    nr = ndim_of(r)
    perm = list(range(nfa, nfa + nb)) + list(range(nfa)) + list(range(nfa + nb, nr))
    return transpose(r, perm)


def _td_vjp_a(g, ans, a, b, axes):
    from ._shape import transpose
    na, nbd = ndim_of(a), ndim_of(b)
    ax_a, ax_b = _pos(axes[0], na), _pos(axes[1], nbd)
    free_a = [k for k in range(na) if k not in ax_a]
    free_b = [k for k in range(nbd) if k not in ax_b]
    nfb = len(free_b)
    # axes counted from the end (as _norm_td_axes gives them), so that a batch of
    # tangents in front of b (when this rule is differentiated) is never contracted
    r = tensordot_p(g, b, axes=(tuple(range(-nfb, 0)), tuple(k - nbd for k in free_b)))
    order = free_a + [ax_a[ax_b.index(k)] for k in sorted(ax_b)]
    nbat = ndim_of(g) - ndim_of(ans)
    perm = list(range(nbat)) + [nbat + p for p in _np.argsort(order, kind="stable")]
    return _real_if(transpose(r, perm), a)


def _td_vjp_b(g, ans, a, b, axes):
    from ._shape import transpose
    na, nbd = ndim_of(a), ndim_of(b)
    ax_a, ax_b = _pos(axes[0], na), _pos(axes[1], nbd)
    free_a = [k for k in range(na) if k not in ax_a]
    free_b = [k for k in range(nbd) if k not in ax_b]
    nfa, nfb = len(free_a), len(free_b)
    r = tensordot_p(g, a, axes=(tuple(range(-(nfa + nfb), -nfb)) if nfa else (),
                                tuple(k - na for k in free_a)))    # from the end: see above
    order = free_b + [ax_b[ax_a.index(k)] for k in sorted(ax_a)]
    nbat = ndim_of(g) - ndim_of(ans)
    perm = list(range(nbat)) + [nbat + p for p in _np.argsort(order, kind="stable")]
    return _real_if(transpose(r, perm), b)


defjvp(tensordot_p, _td_jvp_a, _td_jvp_b)
defvjp_direct(tensordot_p, _td_vjp_a, _td_vjp_b)


def _norm_td_axes(axes, na, nb):
    try:
        n = int(axes)
    except TypeError:
        xa, xb = axes
        xa = [int(xa)] if _np.ndim(xa) == 0 else [int(v) for v in xa]
        xb = [int(xb)] if _np.ndim(xb) == 0 else [int(v) for v in xb]
    else:
        if n < 0:
            raise ValueError("tensordot: axes must be non-negative")
        xa = list(range(na - n, na))
        xb = list(range(n))
    if len(xa) != len(xb):
        raise ValueError("tensordot: shape-mismatch for sum")
    xa = tuple(v % na - na for v in xa) if na else tuple(xa)
    xb = tuple(v % nb - nb for v in xb) if nb else tuple(xb)
    return xa, xb


def tensordot(a, b, axes=2):
    """``numpy.tensordot``: ``axes`` an int or a pair of axis sequences."""
    if not _any_traced((a, b)):
        return _np.tensordot(a, b, axes=axes)
    na, nb = ndim_of(a), ndim_of(b)
    ax = _norm_td_axes(axes, na, nb)
    sa, sb = shape_of(a), shape_of(b)
    for i, j in zip(ax[0], ax[1]):
        if sa[i] != sb[j]:
            raise ValueError("tensordot: shape-mismatch for sum")
    return tensordot_p(a, b, axes=ax)


# --- compositions -----------------------------------------------------------------
def outer(a, b, out=None):
    """``numpy.outer``: the inputs are flattened."""
    if not _any_traced((a, b)):
        return _np.outer(a, b, out=out)
    from ._shape import reshape
    return reshape(a, (-1, 1)) * reshape(b, (1, -1))


def inner(a, b):
    """``numpy.inner``: contracts the last axes (``matmul`` for 1-D/2-D operands)."""
    if not _any_traced((a, b)):
        return _np.inner(a, b)
    na, nb = ndim_of(a), ndim_of(b)
    if na == 0 or nb == 0:
        from ._products import _strong_scalars
        a, b = _strong_scalars(a, b)
        return a * b
    if shape_of(a)[-1] != shape_of(b)[-1]:
        raise ValueError("inner: shapes not aligned (last dimensions differ)")
    from ._products import matmul
    from ._shape import swapaxes
    if na <= 2 and nb <= 2:
        return matmul(a, b if nb == 1 else swapaxes(b, -1, -2))
    return tensordot_p(a, b, axes=((-1,), (-1,)))


def vdot(a, b):
    """``numpy.vdot``: flattens both and conjugates the first."""
    if not _any_traced((a, b)):
        return _np.vdot(a, b)
    from ._products import matmul
    from ._shape import reshape
    a, b = reshape(a, (-1,)), reshape(b, (-1,))
    if shape_of(a) != shape_of(b):
        raise ValueError("vdot: vectors have different lengths")
    return matmul(_conj(a), b)


def kron(a, b):
    """``numpy.kron``: block products over every axis."""
    if not _any_traced((a, b)):
        return _np.kron(a, b)
    from ._shape import reshape
    sa, sb = shape_of(a), shape_of(b)
    nd = max(len(sa), len(sb))
    sa = (1,) * (nd - len(sa)) + tuple(sa)
    sb = (1,) * (nd - len(sb)) + tuple(sb)
    ea, eb = [], []
    for da, db in zip(sa, sb):
        ea += [da, 1]
        eb += [1, db]
    prod = reshape(a, tuple(ea)) * reshape(b, tuple(eb))
    return reshape(prod, tuple(da * db for da, db in zip(sa, sb)))


def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """``numpy.cross`` of 3-vectors (2-vectors are padded with a zero z; two
    2-vectors give the scalar z component)."""
    if not _any_traced((a, b)):
        return _np.cross(a, b, axisa, axisb, axisc, axis)
    from ._shape import moveaxis, stack
    if axis is not None:
        axisa = axisb = axisc = axis
    a = moveaxis(a, axisa, -1)
    b = moveaxis(b, axisb, -1)
    da, db = shape_of(a)[-1], shape_of(b)[-1]
    if da not in (2, 3) or db not in (2, 3):
        raise ValueError("incompatible dimensions for cross product\n"
                         "(dimension must be 2 or 3)")
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    z = a0 * b1 - a1 * b0
    if da == 2 and db == 2:
        return z
    if da == 3 and db == 3:
        a2, b2 = a[..., 2], b[..., 2]
        c = [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, z]
    elif da == 2:                    # a2 = 0
        b2 = b[..., 2]
        c = [a1 * b2, -(a0 * b2), z]
    else:                            # b2 = 0
        a2 = a[..., 2]
        c = [-(a2 * b1), a2 * b0, z]
    from ._shape import broadcast_to
    shp = _np.broadcast_shapes(*[shape_of(ci) for ci in c])
    c = stack([broadcast_to(ci, shp) for ci in c], axis=-1)
    return moveaxis(c, -1, axisc)


def vecdot(x1, x2, /, *, axis=-1, **kwargs):
    """``numpy.vecdot``: ``sum(conj(x1) * x2, axis)`` with broadcasting."""
    if not _any_traced((x1, x2)):
        return _np.vecdot(x1, x2, axis=axis, **kwargs)
    from ._products import matmul
    from ._shape import expand_dims, moveaxis
    x1 = moveaxis(_conj(x1), axis, -1)
    x2 = moveaxis(x2, axis, -1)
    r = matmul(expand_dims(x1, -2), expand_dims(x2, -1))
    return r[..., 0, 0]


def matvec(x1, x2, /, **kwargs):
    """``numpy.matvec``: stacked matrix times stacked vector."""
    if not _any_traced((x1, x2)):
        return _np.matvec(x1, x2, **kwargs)
    from ._products import matmul
    from ._shape import expand_dims
    return matmul(x1, expand_dims(x2, -1))[..., 0]


def vecmat(x1, x2, /, **kwargs):
    """``numpy.vecmat``: stacked conjugated vector times stacked matrix."""
    if not _any_traced((x1, x2)):
        return _np.vecmat(x1, x2, **kwargs)
    from ._products import matmul
    from ._shape import expand_dims
    return matmul(expand_dims(_conj(x1), -2), x2)[..., 0, :]


def matrix_transpose(x, /):
    """``numpy.matrix_transpose``: swaps the last two axes."""
    if ndim_of(x) < 2:
        raise ValueError("matrix_transpose: input must have at least 2 dimensions")
    from ._shape import swapaxes
    return swapaxes(x, -1, -2)


__all__ = ["einsum", "einsum_path", "tensordot", "outer", "inner", "vdot", "kron", "cross",
           "vecdot", "matvec", "vecmat", "matrix_transpose"]
