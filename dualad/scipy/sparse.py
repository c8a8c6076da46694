"""Products of SciPy sparse matrices with traced dense arrays.

A ``scipy.sparse`` matrix (or array) turns its dense operand into a plain
array, so ``S @ x`` cannot see derivatives when ``x`` is traced.  Write the
product as :func:`matmul` instead: ``S`` is a constant (no derivative in its
entries), the result is differentiable in ``x`` to any order (the rules are
the same product with ``S`` or ``S.T``), in both modes, with tangents and
cotangents carrying batch axes, and ``S`` stays sparse throughout.

>>> import numpy as np, scipy.sparse, dualad as ad
>>> from dualad.scipy import sparse
>>> S = scipy.sparse.csr_matrix(np.array([[2.0, 0.0], [0.0, 3.0], [1.0, 1.0]]))
>>> ad.grad(lambda w: np.sum(sparse.matmul(S, w) ** 2))(np.array([1.0, -1.0]))
array([ 8., -18.])
"""
from __future__ import annotations

import numpy as _np

from ..numpy._casting import real_for as _real_if
from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import Tracer, ndim_of

__all__ = ["matmul"]


def _issparse(a):
    import scipy.sparse
    return scipy.sparse.issparse(a)


def _apply(s, x, nb=0):
    """``s @ x`` over the core axes of ``x`` ((n,) or (n, k)) after ``nb`` leading
    batch axes, as one sparse product."""
    x = _np.asarray(x)
    batch, core = x.shape[:nb], x.shape[nb:]
    nbatch = int(_np.prod(batch, dtype=_np.int64))
    cols = _np.moveaxis(x.reshape((nbatch,) + core), 0, -1)     # core + (B,)
    width = int(_np.prod(cols.shape[1:], dtype=_np.int64))
    r = _np.asarray(s @ cols.reshape(core[0], width))
    r = r.reshape((s.shape[0],) + core[1:] + (nbatch,))
    out = _np.moveaxis(r, -1, 0).reshape(batch + r.shape[:-1])
    if out.dtype.kind == "c" and x.dtype.kind != "c" and _np.result_type(s.dtype).kind != "c":
        out = out.real
    return out


sparse_matmul_p = primitive(lambda x, s, nb=0: _apply(s, x, nb), name="scipy.sparse.matmul")


defjvp(sparse_matmul_p, lambda t, ans, x, s, nb=0:
       sparse_matmul_p(t, s=s, nb=nb + ndim_of(t) - ndim_of(x)))
defvjp_direct(sparse_matmul_p, lambda g, ans, x, s, nb=0:
              _real_if(sparse_matmul_p(g, s=s.T, nb=nb + ndim_of(g) - ndim_of(ans)), x))


def matmul(a, b):
    """``a @ b`` where one of ``a``, ``b`` is a ``scipy.sparse`` matrix (a
    constant) and the other a dense, possibly traced, vector or matrix;
    ``x @ S`` is computed as ``(S.T @ x.T).T``.  ``S`` may also be a 1-D
    sparse array (shape ``(n,)``; ``coo_array``, ``csr_array``, ``dok_array``),
    a vector contracted with the dense operand's first (``S @ x``) or last
    (``x @ S``) axis, as in SciPy.  Plain operands: SciPy's own product."""
    sa, sb = _issparse(a), _issparse(b)
    if sa == sb:
        raise TypeError("dualad.scipy.sparse.matmul: exactly one operand must be a "
                        "scipy.sparse matrix (use dualad.numpy.matmul for dense ones)")
    dense = b if sa else a
    if not isinstance(dense, Tracer):
        return _np.asarray(a @ b)
    from .. import numpy as dnp
    if ndim_of(dense) not in (1, 2):
        raise ValueError("dualad.scipy.sparse.matmul: the dense operand must be 1-D or 2-D")
    s = a if sa else b
    if len(s.shape) == 1:
        # a 1-D sparse array (n,): the one-row matrix (1, n), on either side
        # (v @ x = (row @ x)[0], x @ v = (row @ x.T)[0]); its row axis is dropped
        row = s.reshape((1, s.shape[0])).tocsr()
        return sparse_matmul_p(b if sa else dnp.transpose(a), s=row)[0]
    if sa:
        return sparse_matmul_p(b, s=a)
    if ndim_of(a) == 1:
        return sparse_matmul_p(a, s=b.T)
    return dnp.transpose(sparse_matmul_p(dnp.transpose(a), s=b.T))
