"""Differentiable ``scipy.linalg``: the rule table.

Primitives are named ``"scipy.linalg.<name>"`` (NumPy's linalg owns
``"linalg.<name>"``).  Every rule accepts any number of leading batch axes on
its tangent or cotangent (``jacfwd`` of ``jacfwd`` gives two): a tangent of an
operand with fewer stack axes than the output gets unit axes after its batch
(``_pad``) so that the batch stays in front and is never paired with the
operands' stack axes.  Masks take the operand's dtype, so float32 stays
float32.  Values are SciPy's: 2-D systems call the LAPACK routines SciPy calls
(``trtrs``; ``getrf``/``getrs``, ``sytrf``/``sytrs``, ``potrf``/``potrs``), the
solves inside rules (``exact=False``) may take faster batched paths.  Complex
matrices: ``solve_triangular(trans='C')`` and ``lu_solve(trans=2)`` solve with
the conjugate transpose,
``cho_solve`` with ``a = L L^H``, and ``solve`` with ``assume_a='her'`` / ``'pos'``
completes the read triangle Hermitian (real diagonal), as LAPACK reads it;
so does ``cholesky`` (``a = L L^H``).

* ``solve``, ``inv``, ``det``, ``solve_triangular`` (``lower``, ``trans``,
  ``unit_diagonal``): the usual implicit-function rules.  Only the referenced
  triangle of a triangular matrix gets a derivative.
* ``cholesky`` / ``cho_factor`` / ``cho_solve``: like SciPy, only one triangle
  of the input is read (the lower one for ``lower=True``, else the upper), so
  the derivative is that of the function of that triangle; the other triangle
  gets none, nor does the unused triangle of a factor.  For complex input the
  read triangle stands for a Hermitian matrix whose diagonal is real (LAPACK
  ignores its imaginary part, which gets derivative 0).
* ``lu_factor`` / ``lu_solve``: the packed factors of a traced square matrix
  (or of each matrix of a stack) are differentiable (``F = L^-1 P da U^-1``, ``dL = L tril(F, -1)``,
  ``dU = triu(F) U``); a factorisation from :func:`lu_factor` also remembers
  its matrix and ``lu_solve`` differentiates through ``solve`` with it; a
  plain SciPy ``(lu, piv)`` pair is a constant (derivative in ``b`` only).
* ``expm``, ``logm``: Fréchet derivatives from the block-triangular ``2n x 2n``
  identity ``f([[A, E], [0, A]]) = [[f(A), L(A, E)], [0, f(A)]]``; the VJP with
  cotangent ``G`` is ``L(A^T, G)`` (``logm``: ``L(A, G^T)^T``, real blocks for a
  real ``A``, so a negative eigenvalue keeps SciPy's branch).  ``L`` is linear
  in ``E``, so the block is formed with ``c E`` for a power of 2 ``c`` making
  ``||c E||_1 ~ ||A||_1`` (per matrix of a batch) and the result divided by ``c``;
  ``A`` is first balanced by a diagonal similarity (``gebal``'s powers of 2;
  ``_balanced_frechet``), so that ``||A||_1`` is not inflated by bad scaling
  (``expm``) and SciPy's Schur-based ``logm`` of the block loses nothing to it.  SciPy's scaling and
  squaring is then sized by ``A`` alone, and a tangent or cotangent of any
  magnitude (``1e30`` in float32, ``1e300`` in float64) gives the same relative
  accuracy as one of size ``||A||``.
* ``sqrtm``: the JVP solves ``X dX + dX X = dA`` (a Sylvester equation), in
  the coordinates of ``gebal``'s balancing of ``A`` (with ``X`` the ``sqrtm`` of
  the balanced matrix).
* ``cosm``, ``sinm``, ``tanm``, ``coshm``, ``sinhm``, ``tanhm``: SciPy's own
  compositions of ``expm`` and ``solve``, built from the traced ones.  ``signm``:
  a primitive whose derivative solves ``N L + L N = E - S E S`` (``N = S A``).
  ``fractional_matrix_power``: the block identity in ``A`` (balanced as for
  ``logm``), ``logm(A) A^t`` in ``t``.  ``funm`` has no rule (``NotImplementedError`` on traced input).
* ``solve_sylvester(a, b, q)`` (``a x + x b = q``): differentiable in all three;
  ``solve_continuous_lyapunov(a, q)`` is ``solve_sylvester(a, a^H, q)``.
* SciPy's namesakes of the decompositions, with SciPy's signatures and
  conventions (docs/linalg.md): ``eigh`` / ``eigvalsh`` (one triangle read,
  ``b``, subsets) and ``svd`` / ``svdvals`` are primitives running SciPy's call
  with dualad.numpy.linalg's rules; ``qr``, ``eig``, ``eigvals``, ``norm``
  wrap dualad.numpy.linalg; ``lu`` uses ``lu_factor``'s rule; ``pinv`` and
  ``lstsq`` go through the SVD; ``polar`` is a primitive whose rule solves a
  Sylvester equation; ``expm_frechet`` is ``expm`` of a block matrix;
  ``toeplitz``, ``hankel``, ``circulant`` are indexing.
* ``solve_banded`` (the banded primitive shared with interpolate,
  dualad/scipy/_banded.py), ``solveh_banded``, ``solve_toeplitz``,
  ``solve_circulant`` (FFT), ``pinvh``, ``rq``, ``orthogonal_procrustes``,
  ``khatri_rao``, ``companion``, ``convolution_matrix``: SciPy's values (its
  call, plus ``d - stop_gradient(d)`` for a traced computation ``d`` of the
  same function where the derivative comes from another algorithm).
* ``solve_discrete_lyapunov`` (a Stein-equation primitive), and
  ``solve_continuous_are`` / ``solve_discrete_are`` (primitives whose ``dX``
  solves the Lyapunov / Stein equation of the closed-loop matrix; real
  matrices on traced input; ``q`` and ``r`` read as their
  symmetric parts).  What has no
  derivative (``eig(a, b, homogeneous_eigvals=True)``'s LAPACK
  scaling) raises ``NotImplementedError`` saying what to call instead.

>>> import numpy as np, dualad as ad
>>> from dualad.scipy import linalg
>>> a = np.array([[0.0, 1.0], [0.0, 0.0]])
>>> ad.jvp(linalg.expm, (a,), (np.eye(2),))[1]
array([[1., 1.],
       [0., 1.]])
"""
from __future__ import annotations

import numpy as _np
import scipy.linalg as _sl
from scipy.linalg.lapack import get_lapack_funcs as _get_lapack_funcs

from .. import numpy as dnp
from ..numpy._broadcast import sum_to
from ..numpy._products import _pad_lead
# masks in the operand's real dtype (float32 stays float32)
from ..numpy.linalg import _eye
from ..numpy.linalg import _rdtype as _fdtype
from ..registry import defjvp, defvjp_direct, primitive
from ..tracer import Tracer, contains_tracer, ndim_of, primal_of, shape_of

__all__ = ["solve", "solve_triangular", "inv", "det", "cholesky", "cho_factor", "cho_solve",
           "lu_factor", "lu_solve", "expm", "sqrtm", "logm", "solve_sylvester", "block_diag"]


def _mT(x):
    return dnp.swapaxes(x, -1, -2)


def _nb(t, x):
    return ndim_of(t) - ndim_of(x)


def _pad(t, x, ans):
    """Tangent ``t`` (``batch + shape(x)``) with unit axes inserted after the batch
    so that its stack axes line up with those of ``ans``: the batch axes stay in
    front and are never paired with the operands' own stack axes."""
    return _pad_lead(t, ndim_of(x), ndim_of(ans))


def _tril_ones(n, k, dt):
    return _np.tril(_np.ones((n, n), dtype=dt), k)


def _triu_ones(n, k, dt):
    return _np.triu(_np.ones((n, n), dtype=dt), k)


def _lead_loop(f, *arrays, core=(2,), out_core=2):
    """Apply the 2-D function ``f`` over the broadcast leading axes of ``arrays``."""
    arrays = [_np.asarray(a) for a in arrays]
    leads = [a.shape[:a.ndim - c] for a, c in zip(arrays, core)]
    lead = _np.broadcast_shapes(*leads)
    if not lead:
        return f(*arrays)
    arrays = [_np.broadcast_to(a, lead + a.shape[a.ndim - c:]) for a, c in zip(arrays, core)]
    out = None
    for idx in _np.ndindex(*lead):
        r = _np.asarray(f(*[a[idx] for a in arrays]))
        if out is None:
            out = _np.empty(lead + r.shape, dtype=r.dtype)
        out[idx] = r
    return out


# --- solve ---------------------------------------------------------------------------
_LAPACK = {}


def _lapack(names, *arrays):
    key = (names,) + tuple(x.dtype.char for x in arrays)
    f = _LAPACK.get(key)
    if f is None:
        f = _LAPACK[key] = _get_lapack_funcs(names, arrays)
    return f


def _solve_2d(a, b, structure, lower):
    """SciPy's LAPACK routines for a 2-D system (the same values as
    ``scipy.linalg.solve``), without its validation overhead."""
    if structure == "pos":
        potrf, potrs = _lapack(("potrf", "potrs"), a, b)
        c, info = potrf(a, lower=lower)
        if info > 0:
            raise _np.linalg.LinAlgError("Matrix is not positive definite.")
        x, info = potrs(c, b, lower=lower)
    elif structure == "sym":
        sytrf, sytrs = _lapack(("sytrf", "sytrs"), a, b)
        ldu, ipiv, info = sytrf(a, lower=lower)
        if info > 0:
            raise _np.linalg.LinAlgError("A singular matrix detected.")
        x, info = sytrs(ldu, ipiv, b, lower=lower)
    else:     # general; "T" / "H": ``a`` is the transpose / conjugate transpose of
        # the matrix SciPy factors (lu_solve's trans 1 / 2)
        getrf, getrs = _lapack(("getrf", "getrs"), a, b)
        m = a.T if structure == "T" else _np.conj(a.T) if structure == "H" else a
        lu, piv, info = getrf(m)
        if info > 0:
            raise _np.linalg.LinAlgError("A singular matrix detected.")
        x, info = getrs(lu, piv, b, trans={"T": 1, "H": 2}.get(structure, 0))
    if info < 0:     # pragma: no cover - shapes are checked by the callers
        raise ValueError(f"illegal value in {-info}-th argument of internal LAPACK routine")
    return x


def _solve_impl(a, b, structure=None, lower=False):
    # a: (..., n, n); b: (..., n, k), leading axes broadcast.  ``structure``
    # ('sym' / 'pos', with ``lower``; 'T' / 'H' for a transposed general system,
    # 'N' for lu_solve's plain one, which stacks also solve per matrix) only
    # picks the LAPACK calls SciPy makes, so that values match scipy.linalg.solve
    # bit for bit; the derivative is the same.  Stacks go to NumPy's batched solver.
    a = _np.asarray(a)
    b = _np.asarray(b)
    if (a.ndim == 2 and b.ndim == 2 and a.size and b.size and a.dtype.kind in "fc"
            and b.dtype.kind in "fc"):
        if (a.dtype.kind == "c" or b.dtype.kind == "c") and structure in ("sym", "pos"):
            structure = None
        return _solve_2d(a, b, structure, lower)
    if structure in ("N", "T", "H") and a.ndim > 2 and a.size and b.size:
        # lu_solve with the factors of a stack: SciPy's getrf / getrs per matrix
        return _lead_loop(lambda m, r: _solve_2d(m, r, structure, lower), a, b, core=(2, 2))
    return _np.linalg.solve(a, b)


solve_p = primitive(_solve_impl, name="scipy.linalg.solve")


def _solve_jvp_a(t, ans, a, b, structure=None, lower=False):
    return -solve_p(a, dnp.matmul(_pad(t, a, ans), ans))


def _solve_jvp_b(t, ans, a, b, structure=None, lower=False):
    return solve_p(a, _pad(t, b, ans))


def _solve_vjp_a(g, ans, a, b, structure=None, lower=False):
    gb = solve_p(_mT(a), g)
    return sum_to(-dnp.matmul(gb, _mT(ans)), shape_of(a), _nb(g, ans))


def _solve_vjp_b(g, ans, a, b, structure=None, lower=False):
    return sum_to(solve_p(_mT(a), g), shape_of(b), _nb(g, ans))


defjvp(solve_p, _solve_jvp_a, _solve_jvp_b)
defvjp_direct(solve_p, _solve_vjp_a, _solve_vjp_b)


def _as_matrix_rhs(b):
    if ndim_of(b) == 1:
        return dnp.reshape(b, shape_of(b) + (1,)), True
    return b, False


_SYM = ("sym", "her", "pos", "positive definite", "symmetric", "hermitian")


def _band_mask(n, lower, upper):
    i, j = _np.indices((n, n))
    return ((j - i) <= upper) & ((i - j) <= lower)


def solve(a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True,
          assume_a=None, transposed=False):
    """``scipy.linalg.solve``: ``x`` with ``a @ x = b``, differentiable in ``a`` and ``b``.

    Like SciPy, only the part of ``a`` that ``assume_a`` says is read gets a
    derivative: one triangle for the symmetric kinds, the triangle for
    ``'upper triangular'`` / ``'lower triangular'``, the diagonal or the three
    central diagonals for ``'diagonal'`` / ``'tridiagonal'``.
    """
    if not isinstance(a, Tracer) and not isinstance(b, Tracer):
        return _sl.solve(a, b, lower=lower, assume_a=assume_a, transposed=transposed)
    n = shape_of(a)[-1]
    if assume_a in ("upper triangular", "lower triangular"):
        return solve_triangular(a, b, trans=int(bool(transposed)),
                                lower=assume_a == "lower triangular")
    if assume_a == "banded":
        raise NotImplementedError("dualad.scipy.linalg.solve: assume_a='banded' is not "
                                  "supported on traced values; mask the band yourself")
    dt = _fdtype(a)
    structure = None
    if assume_a in _SYM:
        structure = "pos" if assume_a in ("pos", "positive definite") else "sym"
        # SciPy reads one triangle only; use the full symmetric matrix it stands for
        keep = _tril_ones(n, 0, dt) if lower else _triu_ones(n, 0, dt)
        tri = a * keep
        diag = tri * _eye(n, dt)
        if assume_a != "sym" and assume_a != "symmetric" and _np.iscomplexobj(primal_of(a)):
            # Hermitian kinds of complex a: the other triangle is the conjugate, and
            # LAPACK takes the diagonal as real (its imaginary part is not read)
            strict = tri - diag
            a = strict + dnp.conj(_mT(strict)) + dnp.real(diag)
        else:
            a = tri + _mT(tri) - diag
    elif assume_a == "diagonal":
        a = a * _eye(n, dt)
    elif assume_a == "tridiagonal":
        a = a * _band_mask(n, 1, 1).astype(dt)
    if transposed:
        a = _mT(a)
        if structure is None and ndim_of(a) == 2:
            structure = "T"
    bm, vec = _as_matrix_rhs(b)
    x = solve_p(a, bm, structure=structure, lower=bool(lower)) if structure else solve_p(a, bm)
    return x[..., 0] if vec else x


# --- inv / det --------------------------------------------------------------------------
def _inv_impl(a):
    return _np.linalg.inv(a)


inv_p = primitive(_inv_impl, name="scipy.linalg.inv")
defjvp(inv_p, lambda t, ans, a: -dnp.matmul(dnp.matmul(ans, t), ans))
defvjp_direct(inv_p, lambda g, ans, a: -dnp.matmul(dnp.matmul(_mT(ans), g), _mT(ans)))


def _det_impl(a):
    return _np.linalg.det(a)


def _trace_last(m):
    n = shape_of(m)[-1]
    return dnp.sum(m * _eye(n, _fdtype(m)), axis=(-2, -1))


det_p = primitive(_det_impl, name="scipy.linalg.det")
defjvp(det_p, lambda t, ans, a: ans * _trace_last(solve_p(a, t)))
defvjp_direct(det_p, lambda g, ans, a: sum_to(
    dnp.reshape(g * ans, shape_of(g) + (1, 1)) * _mT(inv_p(a)), shape_of(a), _nb(g, ans)))


def _numpy_linalg(name):
    try:
        from ..numpy import linalg as _nl
    except ImportError:      # pragma: no cover - the NumPy layer is always there
        return None
    return getattr(_nl, name, None)


def inv(a, overwrite_a=False, check_finite=True, *, assume_a=None, lower=False):
    """``scipy.linalg.inv``, differentiable (``d inv = -inv da inv``).

    As in SciPy, ``assume_a`` says which part of ``a`` is read, and only that
    part gets a derivative: the triangle for ``'upper triangular'`` / ``'lower
    triangular'``; for ``'sym'``, ``'her'``, ``'pos'`` the triangle chosen by
    ``lower``, standing for the full symmetric (Hermitian) matrix (the inverse is
    then ``solve(a, I)`` with the same ``assume_a`` and ``lower``).  With
    ``'diagonal'``, SciPy 1.17 inverts the diagonal and passes the off-diagonal
    entries through unchanged (they are 0 for the diagonal matrices it is meant
    for); traced values give the same result and its derivative.
    """
    if not contains_tracer(a):
        if assume_a is None and not lower:
            return _sl.inv(a, overwrite_a=overwrite_a, check_finite=check_finite)
        return _sl.inv(a, overwrite_a=overwrite_a, check_finite=check_finite,
                       assume_a=assume_a, lower=lower)
    if assume_a in (None, "general", "gen"):
        f = _numpy_linalg("inv")
        return f(a) if f is not None else inv_p(a)
    if not isinstance(a, Tracer):
        a = dnp.asarray(a)
    n, dt = shape_of(a)[-1], _fdtype(a)
    if assume_a == "diagonal":
        eye = _eye(n, dt)
        d = dnp.diagonal(a, axis1=-2, axis2=-1)
        return a - a * eye + dnp.expand_dims(1 / d, -1) * eye
    if assume_a in ("upper triangular", "lower triangular"):
        keep = _tril_ones(n, 0, dt) if assume_a == "lower triangular" else _triu_ones(n, 0, dt)
        return inv_p(a * keep)
    eye = _np.broadcast_to(_np.eye(n, dtype=dt), shape_of(a))
    return solve(a, eye, lower=lower, assume_a=assume_a)


def det(a, overwrite_a=False, check_finite=True):
    """``scipy.linalg.det``, differentiable (``d det = det tr(inv(a) da)``).

    As SciPy, float32 / complex64 (and integer) input gives a float64 /
    complex128 value: a traced ``a`` is cast up first (so the determinant is
    formed in double precision, without float32's overflow), and its derivative
    comes back in ``a``'s own precision (the cast's VJP casts it down)."""
    if not contains_tracer(a):
        return _sl.det(a, overwrite_a=overwrite_a, check_finite=check_finite)
    if not isinstance(a, Tracer):
        a = dnp.asarray(a)
    dt = _np.result_type(primal_of(a))
    if dt.char not in "dD":
        a = dnp.astype(a, _np.complex128 if dt.kind == "c" else _np.float64)
    f = _numpy_linalg("det")
    return f(a) if f is not None else det_p(a)


# --- triangular solves --------------------------------------------------------------------
_TRANS = {0: 0, 1: 1, 2: 2, "N": 0, "T": 1, "C": 2, "n": 0, "t": 1, "c": 2}


def _trans_code(trans):
    """0 (``a``), 1 (``a^T``) or 2 (``a^H``) for SciPy's ``trans`` codes."""
    return _TRANS[trans]


def _tri_mask(n, lower, unit, dt=_np.float64):
    m = _tril_ones(n, 0, dt) if lower else _triu_ones(n, 0, dt)
    if unit:
        m = m - _eye(n, dt)
    return m


_TRTRS = {}


def _trtrs(a, b, trans, lower, unit):
    """``scipy.linalg.solve_triangular``'s own LAPACK call for a 2-D ``a`` and a
    1-D or 2-D ``b`` (same routine, same layout trick, so bit-identical values),
    without its validation overhead."""
    key = (a.dtype.char, b.dtype.char)
    f = _TRTRS.get(key)
    if f is None:
        f = _TRTRS[key] = _get_lapack_funcs(("trtrs",), (a, b))[0]
    if a.flags.f_contiguous:
        x, info = f(a, b, lower=lower, trans=trans, unitdiag=unit)
    else:     # trtrs expects Fortran order: SciPy solves the transposed system
        x, info = f(a.T, b, lower=not lower, trans=not trans, unitdiag=unit)
    if info > 0:
        raise _np.linalg.LinAlgError(f"singular matrix: resolution failed at diagonal "
                                     f"{info - 1}")
    if info < 0:     # pragma: no cover - arguments are checked above
        raise ValueError(f"illegal value in {-info}-th argument of internal trtrs")
    return x


def _trisolve_impl(a, b, trans=0, lower=False, unit=False, exact=True):
    # a: (..., n, n); b: (..., n, k), leading axes broadcast.  A 2-D a goes to
    # LAPACK's trtrs as in SciPy: one call for a 2-D b, one call per matrix of
    # a stacked b (``exact``: SciPy's batching, bit-identical values), or, for
    # the tangent / cotangent solves of the rules (``exact=False``), one call
    # with the stack folded into the columns of b.
    a = _np.asarray(a)
    b = _np.asarray(b)
    if b.size == 0 or a.size == 0:
        dt = _np.result_type(a.dtype, b.dtype, _np.float32)
        return _np.zeros(_np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + b.shape[-2:], dt)
    if a.ndim == 2:
        if b.ndim == 2:
            return _trtrs(a, b, trans, lower, unit)
        if not exact:
            lead, (n, k) = b.shape[:-2], b.shape[-2:]
            bb = _np.ascontiguousarray(_np.moveaxis(b.reshape((-1, n, k)), 0, -2).reshape((n, -1)))
            x = _trtrs(a, bb, trans, lower, unit)
            return _np.moveaxis(x.reshape((n, -1, k)), -2, 0).reshape(lead + (n, k))
    return _lead_loop(lambda m, r: _trtrs(m, r, trans, lower, unit), a, b, core=(2, 2))


trisolve_p = primitive(_trisolve_impl, name="scipy.linalg.solve_triangular")


def _op(m, trans):
    return _mT(m) if trans else m


def _trisolve_jvp_a(t, ans, a, b, trans=0, lower=False, unit=False, exact=True):
    dt = t * _tri_mask(shape_of(a)[-1], lower, unit, _fdtype(t))
    rhs = dnp.matmul(_pad(_op(dt, trans), a, ans), ans)
    return -trisolve_p(a, rhs, trans=trans, lower=lower, unit=unit, exact=False)


def _trisolve_jvp_b(t, ans, a, b, trans=0, lower=False, unit=False, exact=True):
    return trisolve_p(a, _pad(t, b, ans), trans=trans, lower=lower, unit=unit, exact=False)


def _trisolve_vjp_a(g, ans, a, b, trans=0, lower=False, unit=False, exact=True):
    gb = trisolve_p(a, g, trans=1 - trans, lower=lower, unit=unit, exact=False)
    ga = -dnp.matmul(gb, _mT(ans)) if not trans else -dnp.matmul(ans, _mT(gb))
    ga = sum_to(ga, shape_of(a), _nb(g, ans))
    return ga * _tri_mask(shape_of(a)[-1], lower, unit, _fdtype(ga))


def _trisolve_vjp_b(g, ans, a, b, trans=0, lower=False, unit=False, exact=True):
    gb = trisolve_p(a, g, trans=1 - trans, lower=lower, unit=unit, exact=False)
    return sum_to(gb, shape_of(b), _nb(g, ans))


defjvp(trisolve_p, _trisolve_jvp_a, _trisolve_jvp_b)
defvjp_direct(trisolve_p, _trisolve_vjp_a, _trisolve_vjp_b)


def _square_stack(name, a):
    """Check that ``a`` is a square matrix or a stack of them, as SciPy's batched
    functions do (SciPy refuses zero-size batches)."""
    shp = shape_of(a)
    if len(shp) < 2 or shp[-1] != shp[-2]:
        raise ValueError(f"{name}: expected a square matrix or a stack of them (..., n, n), "
                         f"got shape {shp}")
    _no_empty_batch(name, shp[:-2])


def _no_empty_batch(name, lead):
    """SciPy's batched functions refuse zero-size batches; so do these."""
    if 0 in lead:
        raise ValueError(f"`{name}` does not support zero-size batches.")


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                     check_finite=True):
    """``scipy.linalg.solve_triangular``, differentiable in ``a`` (its referenced
    triangle) and ``b``.  Like SciPy, ``a`` may be a stack ``(..., n, n)`` and
    ``b`` ``(n,)`` or ``(..., n, k)``, the leading axes broadcast."""
    _square_stack("solve_triangular", a)
    bm, vec = _as_matrix_rhs(b)
    if ndim_of(bm) < 2 or shape_of(bm)[-2] != shape_of(a)[-1]:
        raise ValueError(f"shapes of a {shape_of(a)} and b {shape_of(b)} are incompatible")
    if trans in (2, "C", "c") and _np.iscomplexobj(primal_of(a)):
        a = dnp.conj(a)          # a^H x = b is conj(a)^T x = b
    x = trisolve_p(a, bm, trans=min(_trans_code(trans), 1), lower=bool(lower),
                   unit=bool(unit_diagonal))
    return x[..., 0] if vec else x


# --- Cholesky ---------------------------------------------------------------------------
def _chol_impl(a):
    return _lead_loop(lambda m: _sl.cholesky(m, lower=True), a)


cholesky_p = primitive(_chol_impl, name="scipy.linalg.cholesky")


def _phi(x):
    """Lower triangle with the diagonal halved (its real part, for complex ``x``:
    the diagonal is real up to rounding).  Its own transpose under ``Re(sum(a * b))``."""
    n = shape_of(x)[-1]
    dt = _fdtype(x)
    if _np.iscomplexobj(primal_of(x)):
        return x * _tril_ones(n, -1, dt) + dnp.real(x) * (dt.type(0.5) * _eye(n, dt))
    return x * (_tril_ones(n, -1, dt) + dt.type(0.5) * _eye(n, dt))


def _is_complex(x):
    return _np.iscomplexobj(primal_of(x))


def _mH(x):
    """Conjugate transpose (the transpose for real ``x``)."""
    return dnp.conj(_mT(x)) if _is_complex(x) else _mT(x)


def _from_lower(x):
    """The symmetric (complex: Hermitian, real diagonal) matrix whose lower
    triangle is that of ``x`` (what SciPy / LAPACK reads)."""
    n = shape_of(x)[-1]
    dt = _fdtype(x)
    strict = _tril_ones(n, -1, dt)
    if _is_complex(x):
        low = x * strict
        return low + dnp.real(x) * _eye(n, dt) + _mH(low)
    return x * (strict + _eye(n, dt)) + _mT(x * strict)


def _from_lower_adjoint(m):
    """The transpose of :func:`_from_lower` under the pairing ``Re(sum(a * b))``."""
    n = shape_of(m)[-1]
    dt = _fdtype(m)
    strict = _tril_ones(n, -1, dt)
    if _is_complex(m):
        return (m + _mH(m)) * strict + dnp.real(m) * _eye(n, dt)
    return m * (strict + _eye(n, dt)) + _mT(m) * strict


def _chol_jvp(t, ans, a):
    # dL = L phi(L^-1 F L^-H) with F the symmetric / Hermitian matrix of dA's
    # lower triangle; ans and t have the same stack axes
    y = trisolve_p(ans, _from_lower(t), trans=0, lower=True, exact=False)
    y = _mH(trisolve_p(ans, _mH(y), trans=0, lower=True, exact=False))      # y L^-H
    return dnp.matmul(ans, _phi(y))


def _chol_vjp(g, ans, a):
    # the transpose under Re(sum(c * t)): L^-T phi(L^T G) conj(L^-1), then the
    # transpose of _from_lower
    p = _phi(dnp.matmul(_mT(ans), g))
    s = trisolve_p(ans, p, trans=1, lower=True, exact=False)
    s = _mH(trisolve_p(ans, _mH(s), trans=1, lower=True, exact=False))      # s conj(L^-1)
    return _from_lower_adjoint(s)


defjvp(cholesky_p, _chol_jvp)
defvjp_direct(cholesky_p, _chol_vjp)


def cholesky(a, lower=False, overwrite_a=False, check_finite=True):
    """``scipy.linalg.cholesky`` (upper factor by default), differentiable; like
    SciPy it reads the triangle of ``a`` it returns.  A stack ``(..., n, n)``
    gives the stack of factors, as in SciPy."""
    _square_stack("cholesky", a)
    # upper: U = L^H with L the factor of the matrix whose lower triangle is
    # a^T's (a^H's, the same Hermitian matrix, for complex a)
    return cholesky_p(a) if lower else _mH(cholesky_p(_mH(a)))


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """``scipy.linalg.cho_factor``: ``(c, lower)``, ``lower`` as given; the unused
    triangle of ``c`` is 0.  A stack ``(..., n, n)`` gives, as SciPy's batching
    does, a list ``[c, flags]`` with ``c`` the stack of factors and ``flags`` the
    array ``np.full(c.shape[:-2], lower)``.  :func:`cho_solve` takes either."""
    c = cholesky(a, lower=lower)
    lead = shape_of(c)[:-2]
    if lead:
        return [c, _np.full(lead, lower)]
    return c, lower


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """``scipy.linalg.cho_solve``: solve ``a x = b`` from ``cho_factor(a)``,
    differentiable in the factor and ``b``."""
    c, lower = c_and_lower
    lower = _np.asarray(lower)        # cho_factor of a stack gives an array of flags
    if lower.ndim and _np.any(lower) and not _np.all(lower):
        raise ValueError("cho_solve: the flags `lower` of a stack of factors differ")
    lower = bool(_np.all(lower))
    # a = L L^H = U^H U: the transposed solve is the conjugate-transposed one ('C';
    # for real c the same as 'T')
    bm, vec = _as_matrix_rhs(b)       # a vector b stays one for a stack c
    if lower:
        y = solve_triangular(c, bm, lower=True)
        x = solve_triangular(c, y, trans="C", lower=True)
    else:
        y = solve_triangular(c, bm, trans="C", lower=False)
        x = solve_triangular(c, y, lower=False)
    return x[..., 0] if vec else x


# --- LU -----------------------------------------------------------------------------------
class LUFactors(tuple):
    """``(lu, piv)`` from :func:`lu_factor`, remembering the (possibly traced)
    matrix so that :func:`lu_solve` can differentiate through ``solve``."""

    matrix = None


class LUFactorsStack(list):
    """``[lu, piv]`` from :func:`lu_factor` of a stack (SciPy's batching returns a
    list), remembering the matrix as :class:`LUFactors` does."""

    matrix = None


def lu_factor(a, overwrite_a=False, check_finite=True):
    """``scipy.linalg.lu_factor``: ``(lu, piv)`` (for a stack ``(..., n, n)``, as
    SciPy, the list ``[lu, piv]`` of stacked factors and pivots).  On a traced
    square matrix (or stack of them) ``lu`` is differentiable (the pivots are
    integers, constant), and the result also differentiates through
    :func:`lu_solve`.

    >>> import numpy as np, dualad as ad, dualad.numpy as dnp
    >>> a = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> logabsdet = lambda a: dnp.sum(dnp.log(dnp.abs(dnp.diagonal(lu_factor(a)[0]))))
    >>> np.allclose(ad.grad(logabsdet)(a), np.linalg.inv(a).T)
    True
    """
    lu, piv = _sl.lu_factor(_np.asarray(primal_of(a)))
    if isinstance(a, Tracer):
        shp = shape_of(a)
        if len(shp) < 2 or shp[-1] != shp[-2]:
            raise NotImplementedError(
                f"lu_factor: the factors of a traced {shp} matrix have no derivative "
                f"rule (square matrices and stacks of them only); for solves, use solve "
                f"or lu_solve with the factors of a square matrix")
        lead = shp[:-2]
        if lead:      # the 2-D rule per matrix of the stack (SciPy loops too)
            parts = [lu_p(a[idx], lu=lu[idx], piv=piv[idx]) for idx in _np.ndindex(*lead)]
            lu = dnp.reshape(dnp.stack(parts), shp)
        else:
            lu = lu_p(a, lu=lu, piv=piv)
    out = LUFactorsStack((lu, piv)) if len(shape_of(a)) > 2 else LUFactors((lu, piv))
    out.matrix = a
    return out


def _lu_impl(a, lu=None, piv=None):
    return lu       # computed once, with the pivots, by lu_factor


def _lu_parts(ans, piv):
    """``(L, U, perm)`` of packed factors ``ans``: ``a[perm] = L @ U``."""
    n = shape_of(ans)[-1]
    perm = _np.arange(n)
    for i, p in enumerate(piv):
        perm[i], perm[p] = perm[p], perm[i]
    return dnp.tril(ans, -1) + _eye(n, _fdtype(ans)), dnp.triu(ans), perm


def _lu_jvp(t, ans, a, lu=None, piv=None):
    """With ``P a = L U``: ``F = L^-1 P da U^-1``, ``dL = L tril(F, -1)``,
    ``dU = triu(F) U``; the packed factors move by ``dL + dU``."""
    L, U, perm = _lu_parts(ans, piv)
    F = dnp.linalg.solve(L, t[..., perm, :])
    F = _mT(dnp.linalg.solve(_mT(U), _mT(F)))
    return dnp.matmul(L, dnp.tril(F, -1)) + dnp.matmul(dnp.triu(F), U)


def _lu_vjp(g, ans, a, lu=None, piv=None):
    """The transpose of :func:`_lu_jvp`: ``P^T L^-T H U^-T`` with
    ``H = tril(L^T g, -1) + triu(g U^T)``."""
    L, U, perm = _lu_parts(ans, piv)
    h = dnp.tril(dnp.matmul(_mT(L), g), -1) + dnp.triu(dnp.matmul(g, _mT(U)))
    y = dnp.linalg.solve(_mT(L), h)
    z = _mT(dnp.linalg.solve(U, _mT(y)))
    return z[..., _np.argsort(perm), :]


lu_p = primitive(_lu_impl, name="scipy.linalg.lu_factor")
defjvp(lu_p, _lu_jvp)
defvjp_direct(lu_p, _lu_vjp)


def _lu_solve_impl(b, lu, piv, trans=0):
    # b: (..., n, k).  2-D factors: one getrs call with the stack of b folded into
    # its columns; stacked factors (SciPy's lu_factor of a stack): one call per
    # matrix, the leading axes of the factors and of b broadcast, as SciPy's batching
    b = _np.asarray(b)
    if lu.ndim > 2:
        return _lead_loop(lambda m, p, r: _sl.lu_solve((m, p), r, trans=trans), lu, piv, b,
                          core=(2, 1, 2))
    lead, (n, k) = b.shape[:-2], b.shape[-2:]
    bb = _np.moveaxis(b.reshape((-1, n, k)), 0, -2).reshape((n, -1))
    x = _sl.lu_solve((lu, piv), bb, trans=trans)
    return _np.moveaxis(x.reshape((n, -1, k)), -2, 0).reshape(lead + (n, k))


def _lu_solve_jvp(t, ans, b, lu, piv, trans=0):
    return lu_solve_p(_pad(t, b, ans), lu, piv, trans=trans)


def _lu_solve_vjp(g, ans, b, lu, piv, trans=0):
    # the transpose of b -> op(a)^-1 b: a^-T for trans 0, a^-1 for trans 1, and
    # conj(a)^-1 = conj(a^-1 conj(.)) for trans 2 (op(a)^-1 = conj(a^-T)); summed
    # over the stack axes b does not have (stacked factors)
    if trans == 2:
        r = dnp.conj(lu_solve_p(dnp.conj(g), lu, piv, trans=0))
    else:
        r = lu_solve_p(g, lu, piv, trans=1 - trans)
    return sum_to(r, shape_of(b), _nb(g, ans))


lu_solve_p = primitive(_lu_solve_impl, name="scipy.linalg.lu_solve")
defjvp(lu_solve_p, _lu_solve_jvp)
defvjp_direct(lu_solve_p, _lu_solve_vjp)


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """``scipy.linalg.lu_solve``: ``x`` with ``op(a) x = b``, ``op(a)`` being ``a``,
    ``a^T`` or ``a^H`` for ``trans`` 0, 1, 2 (``'N'``, ``'T'``, ``'C'``).  With
    the factors of a traced matrix from :func:`lu_factor` this is ``solve`` with
    the remembered matrix (differentiable in it); with the factors of a plain
    matrix only ``b`` is differentiable.  Values are SciPy's (LAPACK's ``getrs``
    on the same factors)."""
    trans = _trans_code(trans)
    m = getattr(lu_and_piv, "matrix", None)
    if isinstance(m, Tracer):
        bm, vec = _as_matrix_rhs(b)
        if trans == 0:
            x = solve_p(m, bm, structure="N") if ndim_of(m) > 2 else solve_p(m, bm)
        elif trans == 2 and _is_complex(m):
            x = solve_p(_mH(m), bm, structure="H")
        else:
            x = solve_p(_mT(m), bm, structure="T")
        return x[..., 0] if vec else x
    lu, piv = lu_and_piv
    if not isinstance(b, Tracer):
        return _sl.lu_solve((_np.asarray(primal_of(lu)), piv), b, trans=trans)
    bm, vec = _as_matrix_rhs(b)
    x = lu_solve_p(bm, _np.asarray(lu), _np.asarray(piv), trans=trans)
    return x[..., 0] if vec else x


# --- matrix functions ------------------------------------------------------------------------
def _block(a, e):
    """``[[a, e], [0, a]]`` with ``a`` broadcast to the leading axes of ``e``."""
    lead = shape_of(e)[:-2]
    n = shape_of(a)[-1]
    a = dnp.broadcast_to(a, lead + (n, n))
    top = dnp.concatenate([a, e], axis=-1)
    bottom = dnp.concatenate([_np.zeros(lead + (n, n), dtype=_np.result_type(primal_of(a))),
                              a], axis=-1)
    return dnp.concatenate([top, bottom], axis=-2)


def _log2_norm1(x):
    """``(k, ok)``: ``2**(k-1) <= ||x||_1 < 2**k`` per trailing matrix (integer
    ``k``, found without overflow: ``x`` is first divided by a power of 2 near
    ``max|x|``) and ``ok`` where the norm is positive and finite."""
    ax = _np.abs(_np.asarray(x))
    m = _np.max(ax, axis=(-2, -1), initial=0.0)
    ok = _np.isfinite(m) & (m > 0)
    _, em = _np.frexp(_np.where(ok, m, 1.0))
    y = _np.ldexp(ax.astype(_np.float64), -em[..., None, None])
    _, es = _np.frexp(_np.max(_np.sum(y, axis=-2), axis=-1, initial=0.0))
    return em + es, ok & _np.all(_np.isfinite(ax), axis=(-2, -1))


def _balance(a, e, floor):
    """Powers of 2 ``c`` (shape ``lead + (1, 1)``, ``e``'s real dtype) with
    ``||c e||_1`` within a factor 2 of ``max(||a||_1, floor)`` per matrix of ``e``
    (``c = 1`` where ``e`` is zero or not finite; ``1/c`` stays normal).  The
    Fréchet derivative is linear in ``e``, so ``L(a, e) = L(a, c e) / c`` for this
    plain constant ``c`` and every order of derivative stays exact; the block
    ``[[a, c e], [0, a]]`` is then balanced, and SciPy's scaling and squaring (or
    inverse scaling and squaring) is sized by ``a``, not by ``e``.  ``floor`` (or
    None) bounds the target below: ``expm`` passes 1 (a block of norm up to 1
    costs SciPy no squaring, and ``a = 0`` keeps ``c e`` of unit size)."""
    ke, oke = _log2_norm1(primal_of(e))
    ka, oka = _log2_norm1(primal_of(a))
    if floor is not None:
        ka = _np.where(oka, _np.maximum(ka, _np.frexp(floor)[1]), _np.frexp(floor)[1])
        oka = _np.ones_like(oka)
    ka = _np.broadcast_to(ka, ke.shape)
    dt = _fdtype(e)
    lim = -_np.finfo(dt).minexp
    k = _np.where(oke & _np.broadcast_to(oka, ke.shape), _np.clip(ka - ke, -lim, lim), 0)
    k = k[..., None, None]
    return _np.ldexp(_np.ones(k.shape, dt), k), _np.ldexp(_np.ones(k.shape, dt), -k)


def _frechet(f, a, e, floor=None):
    """``L_f(a, e)``, the top-right block of ``f([[a, c e], [0, a]])`` divided by the
    balancing constant ``c`` (:func:`_balance`).

    A real ``a`` with a complex ``e`` (a complex cotangent of a real input) takes
    ``L(a, Re e) + i L(a, Im e)``: the blocks stay real, so ``f`` keeps the branch
    it took at ``a`` (SciPy's ``logm`` of a complex block may put a negative
    eigenvalue of a real ``a`` on the other side of the cut)."""
    if _is_complex(e) and not _is_complex(a):
        return (_frechet(f, a, dnp.real(e), floor)
                + 1j * _frechet(f, a, dnp.imag(e), floor))
    n = shape_of(a)[-1]
    c, cinv = _balance(a, e, floor)
    return f(_block(a, e * c))[..., :n, n:] * cinv




def _diag_balance(a):
    """``s`` (``a``'s shape, real dtype) with ``s[..., i, j] = d_j / d_i`` for the
    powers of 2 ``d`` of LAPACK's ``gebal`` scaling of each matrix of ``a``
    (no permutation): ``D^-1 a D = a * s`` is balanced."""
    av = _np.asarray(primal_of(a))
    dt = _fdtype(a)

    def one(m):
        if m.size == 0 or not _np.all(_np.isfinite(m)):
            return _np.ones(m.shape, dt)
        _, (d, _p) = _sl.matrix_balance(m, permute=False, separate=True)
        r = (d[None, :] / d[:, None]).astype(dt)
        ok = _np.all(_np.isfinite(r)) and _np.all(r > 0) and _np.all(_np.isfinite(1 / r))
        return r if ok else _np.ones(m.shape, dt)
    return _lead_loop(one, av)


def _balanced_frechet(f, a, e, floor=None):
    """``L_f(a, e)`` as ``D L_f(D^-1 a D, D^-1 e D) D^-1`` with the diagonal
    scaling ``D`` of LAPACK's ``gebal`` (powers of 2 computed from the value of
    ``a``: plain constants, so the identity, exact for every primary matrix
    function, holds at every order of derivative).  ``D^-1 x D`` is ``x * s``
    (:func:`_diag_balance`).

    expm: SciPy chooses the Padé degree and the number of squarings of the block
    ``[[a, c e], [0, a]]`` from norms of its powers; for a badly scaled ``a``
    (``D0 (3I + 0.5N) D0^-1``, ``D0 = diag(1e-2, 1, 1e2)``) the balancing term
    ``c e`` (sized like ``||a||_1``, far above ``a``'s spectral scale) made SciPy
    overscale, and second derivatives lost up to 2.7e-4 relative (jacrev of
    jacrev; 3.8 and NaN at ``diag(1e-3, 1, 1e3)``) against mpmath.  logm,
    fractional_matrix_power: SciPy's Schur-based inverse scaling and squaring of
    the unbalanced block lost ``||a|| / ||logm(a)||``: at ``D (3I + 0.5N) D^-1``,
    ``D = diag(1, 1e3, 1e6)``, first derivatives were off by 7e-12 and second
    ones by 1.1e-11 (single Hessian entries up to 9e-9; fractional_matrix_power's
    jacrev of jacrev 1.8e-9) against mpmath; balanced, 4e-15 and 2e-14.  Tests
    in tests/test_scipy_linalg_scaling.py."""
    s = _diag_balance(a)
    return _frechet(f, a * s, e * s, floor) / s


def _expm_frechet_rule(a, e):
    """``L(a, e)`` for expm's rules (:func:`_balanced_frechet`, with ``floor`` 1)."""
    return _balanced_frechet(expm_p, a, e, 1.0)


def _frechet_vjp(f, g, ans, a):
    """The VJP ``L(A^T, G)`` of a primary matrix function ``f`` (``logm``,
    ``fractional_matrix_power``) as ``L(A, G^T)^T``, balanced
    (:func:`_balanced_frechet`).  The block keeps ``A`` itself
    (not ``A^T``): at a real ``A`` with a negative eigenvalue, nested derivatives
    then take ``f`` of blocks built like forward mode's, where SciPy's real Schur
    form keeps the repeated eigenvalue on SciPy's side of the cut (with ``A^T`` its
    blocks split it into a pair straddling the cut, and reverse-over-forward /
    reverse-over-reverse came out as garbage or NaN)."""
    return sum_to(_mT(_balanced_frechet(f, a, _mT(g))), shape_of(a), _nb(g, ans))


def _expm_impl(a):
    return _sl.expm(a)


expm_p = primitive(_expm_impl, name="scipy.linalg.expm")
defjvp(expm_p, lambda t, ans, a: _expm_frechet_rule(a, t))
defvjp_direct(expm_p, lambda g, ans, a: sum_to(_expm_frechet_rule(_mT(a), g), shape_of(a),
                                               _nb(g, ans)))


def expm(A):
    """``scipy.linalg.expm`` (stacks of matrices too), differentiable through its
    Fréchet derivative."""
    return expm_p(A)


def _real_if_close(r, a):
    if _np.iscomplexobj(r) and not _np.iscomplexobj(a):
        if _np.all(_np.abs(r.imag) <= 1e-10 * max(1.0, float(_np.max(_np.abs(r.real))))):
            return r.real
    return r


def _logm_impl(a):
    return _real_if_close(_lead_loop(lambda m: _sl.logm(m), a), a)


logm_p = primitive(_logm_impl, name="scipy.linalg.logm")
defjvp(logm_p, lambda t, ans, a: _balanced_frechet(logm_p, a, t))
defvjp_direct(logm_p, lambda g, ans, a: _frechet_vjp(logm_p, g, ans, a))


def logm(A, disp=True):
    """``scipy.linalg.logm`` (principal logarithm), differentiable through its
    Fréchet derivative (block-triangular identity)."""
    r = logm_p(A)
    return r if disp else (r, 0.0)


# --- Sylvester and sqrtm -----------------------------------------------------------------------
def _sylv_impl(a, b, q):
    return _lead_loop(_sl.solve_sylvester, a, b, q, core=(2, 2, 2))


sylvester_p = primitive(_sylv_impl, name="scipy.linalg.solve_sylvester")


def _sylv_adj(g, a, b):
    return sylvester_p(_mT(a), _mT(b), g)


defjvp(sylvester_p,
       lambda t, ans, a, b, q: sylvester_p(a, b, -dnp.matmul(_pad(t, a, ans), ans)),
       lambda t, ans, a, b, q: sylvester_p(a, b, -dnp.matmul(ans, _pad(t, b, ans))),
       lambda t, ans, a, b, q: sylvester_p(a, b, _pad(t, q, ans)))
defvjp_direct(sylvester_p,
              lambda g, ans, a, b, q: sum_to(-dnp.matmul(_sylv_adj(g, a, b), _mT(ans)),
                                             shape_of(a), _nb(g, ans)),
              lambda g, ans, a, b, q: sum_to(-dnp.matmul(_mT(ans), _sylv_adj(g, a, b)),
                                             shape_of(b), _nb(g, ans)),
              lambda g, ans, a, b, q: sum_to(_sylv_adj(g, a, b), shape_of(q), _nb(g, ans)))


def solve_sylvester(a, b, q):
    """``scipy.linalg.solve_sylvester``: ``x`` with ``a x + x b = q``,
    differentiable in ``a``, ``b`` and ``q``."""
    return sylvester_p(a, b, q)


def _sqrtm_impl(a):
    return _real_if_close(_lead_loop(lambda m: _sl.sqrtm(m), a), a)


sqrtm_p = primitive(_sqrtm_impl, name="scipy.linalg.sqrtm")


def _sqrtm_frechet(x, a, e):
    """``L`` with ``x L + L x = e`` (``x = sqrtm(a)``), solved balanced:
    ``D L' D^-1`` with ``x' L' + L' x' = e'``, ``x' = sqrtm(D^-1 a D) = D^-1 x D``,
    ``e' = D^-1 e D`` and ``D`` the ``gebal`` scaling of ``a`` (constant powers
    of 2, so exact at every order).  On a badly scaled ``a`` SciPy's value ``x``
    itself is off by ``~eps ||x||`` (entries of ``x`` far below ``||x||``
    relatively far more), and so was the Sylvester equation built on it: at
    ``D (3I + 0.5N) D^-1``, ``D = diag(1, 1e3, 1e6)``, first derivatives were off
    by 7e-12 and second ones by 1e-11 (single Hessian entries 1e-8) against
    mpmath.  Where ``D`` is not the identity, ``x'`` is therefore ``sqrtm`` of the
    balanced matrix (traced, so nested derivatives see its rule, where the
    balancing is the identity), not ``x`` rescaled."""
    s = _diag_balance(a)
    if _np.all(s == 1):
        return sylvester_p(x, x, e)
    xs = sqrtm_p(a * s)
    if _is_complex(xs) and not _is_complex(x):
        xs = dnp.real(xs)     # x's imaginary part was rounding (_real_if_close)
    return sylvester_p(xs, xs, e * s) / s


defjvp(sqrtm_p, lambda t, ans, a: _sqrtm_frechet(ans, a, t))
defvjp_direct(sqrtm_p, lambda g, ans, a: _sqrtm_frechet(_mT(ans), _mT(a), g))


def sqrtm(A, disp=True, blocksize=64):
    """``scipy.linalg.sqrtm`` (principal square root); the derivative solves
    ``X dX + dX X = dA``."""
    r = sqrtm_p(A)
    return r if disp else (r, 0.0)


# --- cosm ... tanhm, signm, fractional_matrix_power, funm -------------------------------------
# SciPy builds the trigonometric and hyperbolic matrix functions from expm (per
# matrix of a stack); composing the traced expm the same way gives SciPy's values
# and the exact derivatives of those compositions.
def _trig_input(name, A):
    return _traced_matrix(name, A, square=True)


def cosm(A):
    """``scipy.linalg.cosm``: ``Re expm(iA)`` for real ``A``, ``(expm(iA) +
    expm(-iA)) / 2`` for complex, as SciPy computes it; differentiable through
    :func:`expm`'s rule (stacks of matrices too).

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import linalg
    >>> ad.jvp(linalg.cosm, (np.zeros((2, 2)),), (np.eye(2),))[1] + 0.0   # -sin(0) = 0
    array([[0., 0.],
           [0., 0.]])
    """
    if not contains_tracer(A):
        return _sl.cosm(A)
    A = _trig_input("cosm", A)
    if _is_complex(A):
        return 0.5 * (expm_p(1j * A) + expm_p(-1j * A))
    return dnp.real(expm_p(1j * A))


def sinm(A):
    """``scipy.linalg.sinm``: ``Im expm(iA)`` for real ``A``, ``-i (expm(iA) -
    expm(-iA)) / 2`` for complex; differentiable through :func:`expm`'s rule."""
    if not contains_tracer(A):
        return _sl.sinm(A)
    A = _trig_input("sinm", A)
    if _is_complex(A):
        return -0.5j * (expm_p(1j * A) - expm_p(-1j * A))
    return dnp.imag(expm_p(1j * A))


def tanm(A):
    """``scipy.linalg.tanm``: ``solve(cosm(A), sinm(A))``, differentiable."""
    if not contains_tracer(A):
        return _sl.tanm(A)
    A = _trig_input("tanm", A)
    return solve_p(cosm(A), sinm(A))


def coshm(A):
    """``scipy.linalg.coshm``: ``(expm(A) + expm(-A)) / 2``, differentiable."""
    if not contains_tracer(A):
        return _sl.coshm(A)
    A = _trig_input("coshm", A)
    return 0.5 * (expm_p(A) + expm_p(-A))


def sinhm(A):
    """``scipy.linalg.sinhm``: ``(expm(A) - expm(-A)) / 2``, differentiable."""
    if not contains_tracer(A):
        return _sl.sinhm(A)
    A = _trig_input("sinhm", A)
    return 0.5 * (expm_p(A) - expm_p(-A))


def tanhm(A):
    """``scipy.linalg.tanhm``: ``solve(coshm(A), sinhm(A))``, differentiable."""
    if not contains_tracer(A):
        return _sl.tanhm(A)
    A = _trig_input("tanhm", A)
    return solve_p(coshm(A), sinhm(A))


def _signm_impl(a):
    return _sl.signm(a)


def _signm_frechet(s, a, e):
    """``L_sign(a, e)`` from ``s = sign(a)``: with ``N = s a = (a^2)^(1/2)`` (its
    eigenvalues in the open right half plane), ``N L + L N = e - s e s``.  In an
    eigenbasis ``L_ij = e_ij (s_i - s_j) / (l_i - l_j)``, and ``(s_i l_i + s_j l_j)
    L_ij = (1 - s_i s_j) e_ij`` says the same; the equation is nonsingular, so it
    also holds at repeated and defective eigenvalues (by continuity)."""
    n = dnp.matmul(s, a)
    q = e - dnp.matmul(dnp.matmul(s, e), s)
    return sylvester_p(n, n, q)


signm_p = primitive(_signm_impl, name="scipy.linalg.signm")
defjvp(signm_p, lambda t, ans, a: _signm_frechet(ans, a, t))
defvjp_direct(signm_p, lambda g, ans, a: sum_to(_signm_frechet(_mT(ans), _mT(a), g), shape_of(a),
                                                _nb(g, ans)))


_NOVALUE = object()


def signm(A, disp=_NOVALUE):
    """``scipy.linalg.signm`` (SciPy's value), differentiable where ``A`` has no
    eigenvalue on the imaginary axis.  The Fréchet derivative ``L`` solves the
    Sylvester equation ``N L + L N = E - S E S`` with ``S = signm(A)``,
    ``N = S A``; the VJP is ``L(A^T, G)``.  (The block-triangular identity is not
    used: SciPy's ``signm`` of the block matrix, whose eigenvalues all repeat,
    falls back to a shifted Newton iteration that can flip the sign of small
    eigenvalues.)  ``disp`` is deprecated in SciPy and passed on to it."""
    if not contains_tracer(A):
        return _sl.signm(A) if disp is _NOVALUE else _sl.signm(A, disp=disp)
    A = _trig_input("signm", A)
    r = signm_p(A)
    if disp is _NOVALUE:
        return r
    # SciPy's warning, and its container: (S, errest) only where its first
    # estimate did not suffice
    plain = _sl.signm(_np.asarray(primal_of(A)), disp=disp)
    return (r, plain[1]) if isinstance(plain, tuple) else r


def _fmp_impl(a, t):
    return _sl.fractional_matrix_power(a, t)


fmp_p = primitive(_fmp_impl, name="scipy.linalg.fractional_matrix_power")


def _fmp_check(a, t):
    t = float(primal_of(t))
    if t != int(t) and _np.any(_np.linalg.svd(primal_of(a), compute_uv=False)[..., -1] == 0):
        raise NotImplementedError(
            "dualad.scipy.linalg.fractional_matrix_power: no derivative in A at a singular "
            "matrix with a non-integer power")


def _fmp_jvp_a(t, ans, a, p):
    _fmp_check(a, p)
    return _balanced_frechet(lambda m: fmp_p(m, p), a, t)


def _fmp_vjp_a(g, ans, a, p):
    _fmp_check(a, p)
    return _frechet_vjp(lambda m: fmp_p(m, p), g, ans, a)


def _fmp_dt(ans, a):
    """``d A^t / dt = logm(A) A^t``."""
    d = dnp.matmul(logm_p(a), ans)
    if _is_complex(d) and not _is_complex(ans):
        raise NotImplementedError(
            "dualad.scipy.linalg.fractional_matrix_power: the derivative in t at an integer "
            "t of a real matrix with a negative or complex-logarithm eigenvalue is complex "
            "while the value is real; pass A as complex to differentiate in t")
    return d


def _fmp_jvp_t(t, ans, a, p):
    return dnp.reshape(t, shape_of(t) + (1,) * ndim_of(ans)) * _fmp_dt(ans, a)


def _fmp_vjp_t(g, ans, a, p):
    r = dnp.sum(g * _fmp_dt(ans, a), axis=tuple(range(-ndim_of(ans), 0)))
    return dnp.real(r) if _is_complex(r) else r


defjvp(fmp_p, _fmp_jvp_a, _fmp_jvp_t)
defvjp_direct(fmp_p, _fmp_vjp_a, _fmp_vjp_t)


def fractional_matrix_power(A, t):
    """``scipy.linalg.fractional_matrix_power`` (SciPy's value; stacks of
    matrices too), differentiable in ``A`` through the block-triangular identity
    ``f([[A, E], [0, A]]) = [[A^t, L(A, E)], [0, A^t]]`` (VJP ``L(A^T, G)``), and in
    ``t``: ``d A^t / dt = logm(A) A^t``.  A singular ``A`` with a non-integer
    ``t`` has no derivative (``NotImplementedError``)."""
    if not contains_tracer(A) and not contains_tracer(t):
        return _sl.fractional_matrix_power(A, t)
    if ndim_of(t) != 0:
        raise ValueError("dualad.scipy.linalg.fractional_matrix_power: t must be a scalar")
    A = _trig_input("fractional_matrix_power", A)
    if isinstance(t, Tracer) and _np.result_type(primal_of(t)).kind not in "fc":
        raise TypeError("dualad.scipy.linalg.fractional_matrix_power: t must be a float")
    return fmp_p(A, t)


def funm(A, func, disp=True):
    """``scipy.linalg.funm`` on plain input.  A traced ``A`` raises
    ``NotImplementedError``: SciPy's Schur-Parlett recurrence divides by
    differences of eigenvalues, so it is inaccurate on the block matrix
    ``[[A, E], [0, A]]`` (every eigenvalue twice) that would give its derivative.
    Use :func:`expm`, :func:`logm`, :func:`sqrtm`, :func:`cosm`, :func:`sinm`,
    :func:`tanm`, :func:`coshm`, :func:`sinhm`, :func:`tanhm`, :func:`signm` or
    :func:`fractional_matrix_power`; ``V diag(f(w)) V^H`` from ``eigh`` serves a
    Hermitian ``A`` only where its eigenvalues are distinct (docs/linalg.md)."""
    if not contains_tracer(A):
        return _sl.funm(A, func, disp=disp)
    raise NotImplementedError(
        "dualad.scipy.linalg.funm has no derivative rule (SciPy's Schur-Parlett "
        "algorithm is inaccurate at the repeated eigenvalues its derivative needs); use "
        "expm, logm, sqrtm, cosm, sinm, tanm, coshm, sinhm, tanhm, signm or "
        "fractional_matrix_power (V diag(f(w)) V^H from eigh is exact only where the "
        "eigenvalues are distinct, see docs/linalg.md)")


# --- block_diag -----------------------------------------------------------------------------
def block_diag(*arrs):
    """``scipy.linalg.block_diag``, differentiable in every block."""
    if not arrs:
        return _np.empty((1, 0))
    mats = []
    for a in arrs:
        nd = ndim_of(a)
        if nd == 0:
            a = dnp.reshape(a, (1, 1))
        elif nd == 1:
            a = dnp.reshape(a, (1,) + shape_of(a))
        elif nd > 2:
            raise ValueError("arguments in the following positions have dimension "
                             "greater than 2")
        mats.append(a)
    if not any(isinstance(m, Tracer) for m in mats):
        return _sl.block_diag(*[_np.asarray(m) for m in mats])
    dt = _np.result_type(*[primal_of(m) for m in mats])
    cols = sum(shape_of(m)[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        r, c = shape_of(m)
        parts = []
        if left:
            parts.append(_np.zeros((r, left), dtype=dt))
        parts.append(m)
        if cols - left - c:
            parts.append(_np.zeros((r, cols - left - c), dtype=dt))
        rows.append(dnp.concatenate(parts, axis=1))
        left += c
    return dnp.concatenate(rows, axis=0)


# --- decompositions with SciPy's conventions ------------------------------------------------
# Thin wrappers over dualad.numpy.linalg's rules.  ``eigh`` and ``svd`` are
# primitives of their own, whose values are SciPy's calls (SciPy's ``eigh``
# picks other eigenvector signs than NumPy's, and ``svd`` takes a LAPACK
# driver), with dualad.numpy.linalg's rules.  Plain input always goes to SciPy.
from ..numpy import linalg as _nl  # noqa: E402


def _seq(nd, *outs):
    """SciPy's container: a tuple for one matrix, a list for a stack."""
    return tuple(outs) if nd <= 2 else list(outs)


def _traced_matrix(name, a, square=False, two_d=False):
    if not isinstance(a, Tracer):
        a = dnp.asarray(a)
    shp = shape_of(a)
    if len(shp) < 2 or (two_d and len(shp) != 2):
        raise ValueError(f"scipy.linalg.{name}: expected a {'2-D' if two_d else '(stack of) 2-D'} "
                         f"array, got shape {shp}")
    if square and shp[-1] != shp[-2]:
        raise ValueError(f"scipy.linalg.{name}: expected square matrices, got shape {shp}")
    return a


def _hermitian_read(a, lower):
    """The symmetric / Hermitian matrix SciPy's LAPACK call reads from ``a``:
    its lower (``lower=True``) or upper triangle, the diagonal real."""
    return _from_lower(a) if lower else _from_lower(_mH(a))


def _match_phases(v, ref):
    """``v`` with each column multiplied by the constant unit scalar that maps it
    onto SciPy's ``ref`` (an eigenvector's sign / phase is a gauge)."""
    vp = _np.asarray(primal_of(v))
    c = _np.sum(_np.conj(vp) * ref, axis=-2)
    mag = _np.abs(c)
    c = _np.where(mag > 0, c / _np.where(mag > 0, mag, 1.0), 1.0)
    if vp.dtype.kind != "c":
        c = _np.sign(c.real) + (c.real == 0)
    return v * c.astype(vp.dtype)[..., None, :]


def _eigh_impl(a, lower=True, driver=None, values_only=False):
    # packed as dualad.numpy.linalg.eigh's: the eigenvalues on row 0.  SciPy's
    # eigenvalues-only call can differ in the last bits: ``values_only`` puts
    # its values there
    w, v = _sl.eigh(a, lower=lower, driver=driver)
    if values_only:
        w = _sl.eigh(a, lower=lower, driver=driver, eigvals_only=True)
    return _np.concatenate([w[..., None, :], v], axis=-2)


eigh_p = primitive(_eigh_impl, name="scipy.linalg.eigh")
defjvp(eigh_p, lambda t, ans, a, lower=True, driver=None, values_only=False:
       _nl._eigh_jvp(t, ans, a))
defvjp_direct(eigh_p, lambda g, ans, a, lower=True, driver=None, values_only=False:
              _nl._eigh_vjp(g, ans, a))


def eigh(a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False,
         type=1, check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    """``scipy.linalg.eigh``: ``w`` or ``(w, v)``, differentiable in ``a`` and ``b``.

    Like SciPy, only the triangle of ``a`` (and ``b``) chosen by ``lower`` is
    read (complex: its diagonal as real), and the derivative is that of the
    function of that triangle.  ``b`` (generalized problem, ``type`` 1, 2, 3)
    reduces to the standard one through ``cholesky(b)``.  ``subset_by_index``
    and ``subset_by_value`` select columns of the full decomposition (the
    selection is constant; its derivative is that of the selected entries).
    Eigenvectors have a sign (complex: phase) gauge per column: differentiate
    functions invariant under it (docs/linalg.md).
    """
    kw = dict(lower=lower, eigvals_only=eigvals_only, type=type, check_finite=check_finite,
              subset_by_index=subset_by_index, subset_by_value=subset_by_value, driver=driver)
    if not contains_tracer(a) and not contains_tracer(b):
        return _sl.eigh(a, b, **kw)
    a = _traced_matrix("eigh", a, square=True)
    nd = ndim_of(a)
    h = _hermitian_read(a, bool(lower))
    plain = b is None and subset_by_index is None and subset_by_value is None
    if b is None:
        packed = eigh_p(h, lower=bool(lower), driver=driver if plain else None,
                        values_only=bool(eigvals_only) and plain)
    else:
        if nd != 2 or type not in (1, 2, 3):
            raise NotImplementedError(
                "dualad.scipy.linalg.eigh with b: a single 2-D matrix pencil and type 1, 2 "
                "or 3 only")
        ell = cholesky(b, lower=True) if lower else _mH(cholesky(b, lower=False))   # b = L L^H
        if type == 1:      # C = L^-1 a L^-H
            x = solve_triangular(ell, h, lower=True)
            c = _mH(solve_triangular(ell, _mH(x), lower=True))
        else:              # C = L^H a L
            c = dnp.matmul(dnp.matmul(_mH(ell), h), ell)
        packed = eigh_p(_from_lower(c), lower=True)
    w, v = _nl._re(packed[..., 0, :]), packed[..., 1:, :]
    if b is not None:
        v = (dnp.matmul(ell, v) if type == 3
             else solve_triangular(ell, v, trans="C", lower=True))
    if subset_by_index is not None or subset_by_value is not None:
        wv = _np.asarray(primal_of(w))
        if subset_by_index is not None:
            lo, hi = (int(i) for i in subset_by_index)
            if lo < 0 or hi >= wv.shape[-1] or hi < lo:
                return _sl.eigh(_np.asarray(primal_of(a)), **kw)     # SciPy's own error
            idx = slice(lo, hi + 1)
        else:
            if nd != 2:
                raise NotImplementedError("dualad.scipy.linalg.eigh(subset_by_value=...) "
                                          "of a stack of traced matrices")
            lo, hi = subset_by_value
            sel = _np.nonzero((wv > lo) & (wv <= hi))[0]       # sorted: contiguous
            idx = slice(int(sel[0]), int(sel[-1]) + 1) if sel.size else slice(0, 0)
        w, v = w[..., idx], v[..., idx]
    if eigvals_only:
        return w
    if not plain:       # our decomposition is not SciPy's call: take SciPy's gauge
        kw["eigvals_only"] = False
        bp = None if b is None else _np.asarray(primal_of(b))
        ref = _sl.eigh(_np.asarray(primal_of(a)), bp, **kw)[1]
        v = _match_phases(v, _np.asarray(ref))
    return _seq(nd, w, v)


def eigvalsh(a, b=None, *, lower=True, overwrite_a=False, overwrite_b=False, type=1,
             check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    """``scipy.linalg.eigvalsh``: :func:`eigh` with ``eigvals_only=True``."""
    return eigh(a, b, lower=lower, eigvals_only=True, type=type, check_finite=check_finite,
                subset_by_index=subset_by_index, subset_by_value=subset_by_value,
                driver=driver)


def _svd_impl(a, lapack_driver="gesdd", values_only=False):
    # packed as dualad.numpy.linalg.svd's; ``values_only``: the singular values
    # of SciPy's ``compute_uv=False`` call (they can differ in the last bits)
    u, s, vh = _sl.svd(a, full_matrices=False, lapack_driver=lapack_driver)
    if values_only:
        s = _sl.svd(a, compute_uv=False, lapack_driver=lapack_driver)
    v = _np.swapaxes(vh, -1, -2)
    if v.dtype.kind == "c":
        v = v.conj()
    return _np.concatenate([u, s[..., None, :], v], axis=-2)


svd_p = primitive(_svd_impl, name="scipy.linalg.svd")
defjvp(svd_p, lambda t, ans, a, lapack_driver="gesdd", values_only=False:
       _nl._svd_jvp(t, ans, a))
defvjp_direct(svd_p, lambda g, ans, a, lapack_driver="gesdd", values_only=False:
              _nl._svd_vjp(g, ans, a))


def _svd_parts(a, lapack_driver="gesdd", values_only=False):
    return _nl._svd_split(svd_p(a, lapack_driver=lapack_driver, values_only=values_only), a)


def svd(a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True,
        lapack_driver="gesdd"):
    """``scipy.linalg.svd``: ``(U, s, Vh)`` or ``s``, differentiable.

    SciPy's default ``full_matrices=True`` works for every shape: for a
    non-square matrix the extra columns of ``U`` (or rows of ``Vh``) are
    SciPy's and move with the least rotation (dualad.numpy.linalg.svd); they
    are not unique, so only basis-free functions of them are meaningful.
    Singular vectors have a sign (complex: phase) gauge shared by ``u_i`` and
    ``v_i`` (docs/linalg.md)."""
    if not contains_tracer(a):
        return _sl.svd(a, full_matrices=full_matrices, compute_uv=compute_uv,
                       check_finite=check_finite, lapack_driver=lapack_driver)
    a = _traced_matrix("svd", a)
    m, n = shape_of(a)[-2:]
    u, s, v = _svd_parts(a, lapack_driver, values_only=not compute_uv)
    if not compute_uv:
        return s
    if full_matrices and m != n:        # SciPy's extra vectors, numpy's least rotation
        fu, _, fvh = _sl.svd(_np.asarray(primal_of(a)), full_matrices=True,
                             lapack_driver=lapack_driver)
        u, v = _nl._full_factors(u, v, fu, fvh)
    return _seq(ndim_of(a), u, s, _mH(v))


def svdvals(a, overwrite_a=False, check_finite=True):
    """``scipy.linalg.svdvals``: the singular values, differentiable (``ds = Re diag(U^H dA V)``)."""
    if not contains_tracer(a):
        return _sl.svdvals(a, check_finite=check_finite)
    return svd(a, compute_uv=False)


def pinv(a, *, atol=None, rtol=None, return_rank=False, check_finite=True):
    """``scipy.linalg.pinv`` from the SVD, with SciPy's cutoff
    ``atol + rtol * max(s)`` (``rtol`` defaults to ``max(M, N) * eps``).
    Smooth where the rank does not change; dropped singular values get
    derivative 0."""
    if not contains_tracer(a):
        return _sl.pinv(a, atol=atol, rtol=rtol, return_rank=return_rank,
                        check_finite=check_finite)
    a = _traced_matrix("pinv", a)
    m, n = shape_of(a)[-2:]
    av = _np.asarray(primal_of(a))
    atol = 0.0 if atol is None else atol
    rtol = max(m, n) * _np.finfo(_fdtype(av)).eps if rtol is None else rtol
    if atol < 0.0 or rtol < 0.0:
        raise ValueError("atol and rtol values must be positive.")
    # NumPy's pinv primitive (Golub-Pereyra rules, right at repeated singular
    # values) with SciPy's cutoff atol + rtol max(s) as a relative one; the
    # singular values are computed here only where that or the rank needs them
    rcond = rtol
    if atol > 0.0 or return_rank:
        sv = _np.linalg.svd(av, compute_uv=False)
        top = _np.max(sv, axis=-1, initial=0.0)
        rcond = rtol + atol / _np.where(top > 0, top, 1.0)
    out = _nl.pinv_p(a, rcond=rcond, hermitian=False)
    if return_rank:
        return out, _np.sum(sv > atol + top[..., None] * rtol, axis=-1)
    return out


def lstsq(a, b, cond=None, overwrite_a=False, overwrite_b=False, check_finite=True,
          lapack_driver=None):
    """``scipy.linalg.lstsq``: ``(x, residues, rank, s)`` as SciPy returns them
    (``residues`` of shape ``()`` for a 1-D ``b``, ``(K,)`` for a 2-D one, empty
    unless ``M > N`` at full rank; ``s`` is None for ``lapack_driver='gelsy'``).
    ``x = pinv(a) b`` with SciPy's cutoff ``cond * max(s)`` (``cond`` defaults
    to eps); ``x``, ``residues`` and ``s`` are differentiable where the rank
    does not change."""
    if not contains_tracer(a) and not contains_tracer(b):
        return _sl.lstsq(a, b, cond=cond, check_finite=check_finite,
                         lapack_driver=lapack_driver)
    a = _traced_matrix("lstsq", a, two_d=True) if isinstance(a, Tracer) else _np.asarray(a)
    if not isinstance(b, Tracer):
        b = _np.asarray(b)
    m, n = shape_of(a)
    dt = _np.result_type(primal_of(a), primal_of(b), _np.float32)
    eps = _np.finfo(dt).eps
    cond = eps if cond is None or cond < 0 else cond
    if isinstance(a, Tracer):
        s = svdvals(a)
        x = dnp.matmul(pinv(a, atol=0.0, rtol=cond), b)
    else:
        s = _sl.svdvals(a)
        x = dnp.matmul(_sl.pinv(a, atol=0.0, rtol=cond), b)
    sv = _np.asarray(primal_of(s))
    rank = int(_np.sum(sv > cond * _np.max(sv, initial=0.0)))
    if m > n and rank == n:
        r = b - dnp.matmul(a, x)
        res = dnp.sum(dnp.real(r * dnp.conj(r)) if _np.dtype(dt).kind == "c" else r * r,
                      axis=0)
    else:
        res = _np.asarray([], dtype=_np.result_type(primal_of(x)))
    if lapack_driver == "gelsy":
        return x, _np.asarray([], dtype=_np.result_type(primal_of(x))), rank, None
    return x, res, rank, s


def norm(a, ord=None, axis=None, keepdims=False, check_finite=True):
    """``scipy.linalg.norm`` (NumPy's ``norm``), differentiable: dualad.numpy.linalg.norm."""
    if not contains_tracer(a):
        return _sl.norm(a, ord=ord, axis=axis, keepdims=keepdims, check_finite=check_finite)
    return _nl.norm(a, ord=ord, axis=axis, keepdims=keepdims)


def qr(a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    """``scipy.linalg.qr`` for modes ``'full'``, ``'economic'`` and ``'r'``
    (SciPy returns ``(R,)``, with ``R`` of shape ``(M, N)``), and
    ``pivoting=True`` (the column permutation is constant: the derivative is
    that of the QR of the permuted matrix).  ``mode='full'`` of a tall traced
    matrix: the extra columns of ``Q`` are SciPy's and move with the least
    rotation (as dualad.numpy.linalg.svd's extra singular vectors).  ``'raw'``
    has no rule.  The rules are
    dualad.numpy.linalg.qr's (LAPACK's gauge: a real diagonal of ``R``)."""
    if not contains_tracer(a):
        return _sl.qr(a, mode=mode, pivoting=pivoting, check_finite=check_finite, lwork=lwork)
    if mode not in ("full", "economic", "r"):
        raise NotImplementedError(f"dualad.scipy.linalg.qr(mode={mode!r}) has no derivative "
                                  f"rule; use mode='full', 'economic' or 'r'")
    a = _traced_matrix("qr", a, two_d=pivoting)
    nd = ndim_of(a)
    m, n = shape_of(a)[-2:]
    if pivoting:
        perm = _sl.qr(_np.asarray(primal_of(a)), mode="r", pivoting=True)[1]
        a = a[:, perm]
    if mode == "full" and m > n:       # SciPy's Q (its extra columns) and R, numpy's rule
        q, r = _nl.qr(a, mode="reduced")
        full_q, full_r = _sl.qr(_np.asarray(primal_of(a)), mode="full")
        q = _nl._completed(q, full_q[..., :, n:])
        r = dnp.concatenate([r, _np.zeros_like(full_r[..., n:, :])], axis=-2)
        return (q, r, perm) if pivoting else _seq(nd, q, r)
    if mode == "r":
        r = _nl.qr(a, mode="r")
        if m > n:
            dt = _np.result_type(primal_of(r))
            r = dnp.concatenate([r, _np.zeros(shape_of(r)[:-2] + (m - n, n), dtype=dt)],
                                axis=-2)
        if pivoting:
            return r, perm
        return (r,) if nd == 2 else r
    q, r = _nl.qr(a, mode="reduced")
    return (q, r, perm) if pivoting else _seq(nd, q, r)


def lu(a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False):
    """``scipy.linalg.lu``: ``(P, L, U)`` with ``a = P L U``, ``(P L, U)`` with
    ``permute_l``, ``(p, L, U)`` (``a = L[p] U``) with ``p_indices``.  On a
    traced square matrix, or a stack of them (each output stacked, as SciPy's),
    ``L`` and ``U`` are differentiable through :func:`lu_factor`'s rule; the
    permutation is constant."""
    if not contains_tracer(a):
        return _sl.lu(a, permute_l=permute_l, check_finite=check_finite, p_indices=p_indices)
    a = _traced_matrix("lu", a)
    shp = shape_of(a)
    if len(shp) < 2 or shp[-1] != shp[-2]:
        raise NotImplementedError(
            f"dualad.scipy.linalg.lu of a traced {shp} array: square matrices and stacks "
            f"of them only (the rule is lu_factor's)")
    lead = shp[:-2]
    if lead:
        _no_empty_batch("lu", lead)
        outs = [lu(a[idx], permute_l=permute_l, p_indices=p_indices)
                for idx in _np.ndindex(*lead)]
        return tuple(
            dnp.reshape(dnp.stack(parts), lead + shape_of(parts[0]))
            if any(isinstance(x, Tracer) for x in parts)
            else _np.reshape(_np.stack(parts), lead + _np.shape(parts[0]))
            for parts in zip(*outs))
    packed, piv = lu_factor(a)
    n = shp[-1]
    dt = _fdtype(a)
    low = dnp.tril(packed, -1) + _eye(n, dt)
    up = dnp.triu(packed)
    perm = _np.arange(n)
    for i, p in enumerate(piv):
        perm[i], perm[p] = perm[p], perm[i]
    pi = _np.argsort(perm)           # a = L[pi] U
    if permute_l:
        return low[pi], up
    if p_indices:
        return pi.astype(_np.int32), low, up
    return _np.eye(n, dtype=dt)[pi], low, up


def _geig_impl(a, b):
    w, v = _sl.eig(a, b)
    return _np.concatenate([w[..., None, :], v.astype(w.dtype, copy=False)], axis=-2)


#: the generalized problem ``A v = w B v``: packed like dualad.numpy.linalg's
#: eig (eigenvalues in row 0, SciPy's unit-norm eigenvectors below, complex).
#: Its derivatives are those of ``eig(C)``, ``C = B^-1 A``, with
#: ``dC = B^-1 (dA - dB C)`` and ``C V = V diag(w)``.
geig_p = primitive(_geig_impl, name="scipy.linalg.eig(a, b)")


def _geig_scaled(x, ans):
    """``x V diag(w)`` (``= x C V``): ``dB``'s term of ``dC V = B^-1 (dA V - dB V diag(w))``."""
    return dnp.matmul(x, _nl._rows(ans, 1, None)) * dnp.expand_dims(_nl._row(ans, 0), -2)


def _geig_jvp_a(t, ans, a, b):
    w, v = _nl._row(ans, 0), _nl._rows(ans, 1, None)
    m = dnp.matmul(_nl.inv_p(v), _nl.solve_p(b, dnp.matmul(t, v)))
    return _nl._eig_tangent(w, v, m)


def _geig_jvp_b(t, ans, a, b):
    w, v = _nl._row(ans, 0), _nl._rows(ans, 1, None)
    m = -dnp.matmul(_nl.inv_p(v), _nl.solve_p(b, _geig_scaled(t, ans)))
    return _nl._eig_tangent(w, v, m)


def _geig_a_cotangent(g, ans, b):
    """``B^-T K``, ``K`` the cotangent of ``C``: the cotangent of ``A`` before
    it is made real."""
    return _nl.solve_p(_mT(b), _nl._eig_matrix_cotangent(g, ans))


def _geig_vjp_a(g, ans, a, b):
    return _nl._realify(_geig_a_cotangent(g, ans, b), a)


def _geig_vjp_b(g, ans, a, b):
    # -B^-T K C^T with C^T = V^-T diag(w) V^T
    w, v = _nl._row(ans, 0), _nl._rows(ans, 1, None)
    c_t = dnp.matmul(_mT(_nl.inv_p(v)) * dnp.expand_dims(w, -2), _mT(v))
    return _nl._realify(-dnp.matmul(_geig_a_cotangent(g, ans, b), c_t), b)


defjvp(geig_p, _geig_jvp_a, _geig_jvp_b)
defvjp_direct(geig_p, _geig_vjp_a, _geig_vjp_b)


def _generalized_eig(a, b, homogeneous_eigvals):
    """``(a, b, w, v)``: eig(a, b) with ``a`` or ``b`` traced (see :data:`geig_p`),
    and the matrices as broadcast to a common stack."""
    if homogeneous_eigvals:
        raise NotImplementedError(
            "dualad.scipy.linalg.eig(a, b, homogeneous_eigvals=True): LAPACK's "
            "(alpha, beta) scaling has no derivative rule; use homogeneous_eigvals=False "
            "(w = alpha / beta)")
    a = _traced_matrix("eig", a, square=True)
    b = _traced_matrix("eig", b, square=True)
    if shape_of(a)[-2:] != shape_of(b)[-2:]:
        raise ValueError(f"scipy.linalg.eig: a and b must have the same shape, got "
                         f"{shape_of(a)} and {shape_of(b)}")
    lead = _np.broadcast_shapes(shape_of(a)[:-2], shape_of(b)[:-2])
    a = dnp.broadcast_to(a, lead + shape_of(a)[-2:])
    b = dnp.broadcast_to(b, lead + shape_of(b)[-2:])
    packed = geig_p(a, b)
    w, v = packed[..., 0, :], packed[..., 1:, :]
    wv = _np.asarray(primal_of(w))
    if not _np.all(_np.isfinite(wv)):
        raise ValueError("dualad.scipy.linalg.eig(a, b): the pencil has infinite (or "
                         "undetermined) eigenvalues (b is singular), which have no "
                         "derivative; differentiate the finite ones through eig(b, a) "
                         "(eigenvalues 1 / w) instead")
    real = all(_np.result_type(primal_of(x)).kind != "c" for x in (a, b))
    if real and _np.all(wv.imag == 0):           # SciPy's eigenvectors are real then
        v = dnp.real(v)
    return a, b, w, v


def eig(a, b=None, left=False, right=True, overwrite_a=False, overwrite_b=False,
        check_finite=True, homogeneous_eigvals=False):
    """``scipy.linalg.eig``: ``w`` (always complex, as SciPy's) and the right
    eigenvectors, differentiable through dualad.numpy.linalg.eig (each
    eigenvector has a complex-scale gauge: differentiate functions invariant
    under it, such as ``V diag(f(w)) V^-1``).  The generalized problem
    ``A v = w B v`` (``b`` given) differentiates as ``eig(B^-1 A)``, in ``a``
    and ``b``, where all eigenvalues are finite.  Left eigenvectors
    (``left=True``) are SciPy's, differentiable with the same gauge (see
    :func:`_left_eigenvectors`).

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import linalg
    >>> a, b = np.diag([2.0, 6.0]), np.diag([1.0, 2.0])
    >>> ad.grad(lambda s: linalg.eigvals(a, s * b).real.sum())(1.0)   # w = (2 + 3) / s
    np.float64(-5.0)
    """
    if not contains_tracer(a) and not contains_tracer(b):
        return _sl.eig(a, b, left=left, right=right, check_finite=check_finite,
                       homogeneous_eigvals=homogeneous_eigvals)
    if b is not None:
        a, b, w, v = _generalized_eig(a, b, homogeneous_eigvals)
    else:
        a = _traced_matrix("eig", a, square=True)
        w, v = _nl.eig(a)
        wdt = _np.result_type(primal_of(w))
        if wdt.kind != "c":
            w = dnp.astype(w, _np.result_type(wdt, _np.complex64))
    outs = [w]
    if left:
        outs.append(_left_eigenvectors(a, b, v))
    if right:
        outs.append(v)
    if homogeneous_eigvals:
        outs[0] = dnp.stack([w, dnp.ones_like(w)], axis=-2)
    return outs[0] if len(outs) == 1 else _seq(ndim_of(a), *outs)


def _left_eigenvectors(a, b, v):
    """SciPy's left eigenvectors ``vl`` (``vl_i^H a = w_i vl_i^H b``, ``b`` = I
    when None) from the traced right ones: the rows of ``V^-1 b^-1`` are the
    ``vl_i^H`` up to scale.  Each column is brought to unit length, as SciPy's,
    then multiplied by a constant phase (a sign, when real) that makes it
    SciPy's vector (SciPy 1.17's ``eig(a, b, left=True, right=False)`` leaves
    all but the first column at LAPACK's scale, against its documentation:
    dualad's columns are unit length there too): like the right vectors', that phase is a gauge, so
    differentiate functions that do not depend on it (``|vl|``, spectral
    projectors ``v_i vl_i^H / (vl_i^H b v_i)``, ...)."""
    vinv_t = _mT(dnp.linalg.inv(v))                       # columns: conj(vl_i) up to scale
    if b is not None:
        vinv_t = dnp.linalg.solve(_mT(b), vinv_t)
    u = dnp.conj(vinv_t) if _is_complex(vinv_t) else vinv_t
    u = u / dnp.sqrt(dnp.sum(dnp.real(u * dnp.conj(u)) if _is_complex(u) else u * u,
                             axis=-2, keepdims=True))
    ap = _np.asarray(primal_of(a))
    bp = None if b is None else _np.asarray(primal_of(b))
    # SciPy's own vectors; right=True: with right=False, SciPy 1.17's generalized
    # eig normalizes only the first column of vl (its loop runs over the dummy vr)
    vl = _sl.eig(ap, bp, left=True, right=True)[1]
    with _np.errstate(invalid="ignore", divide="ignore"):
        vl = vl / _np.linalg.norm(vl, axis=-2, keepdims=True)
    up = _np.asarray(primal_of(u))
    # phase of column i: from SciPy's column that u_i overlaps most (the same
    # column, unless the two LAPACK calls ordered the eigenvalues differently)
    overlap = _np.matmul(_np.conj(_np.swapaxes(up, -1, -2)), vl)    # [..., i, j] = u_i^H vl_j
    j = _np.argmax(_np.abs(overlap), axis=-1)[..., None]
    c = _np.take_along_axis(overlap, j, axis=-1)[..., 0]
    with _np.errstate(invalid="ignore", divide="ignore"):
        phase = c / _np.abs(c)
    phase = _np.where(_np.isfinite(phase), phase, 1).astype(vl.dtype)
    out = u * phase[..., None, :]
    if _np.result_type(primal_of(out)) != vl.dtype:
        out = dnp.astype(out, vl.dtype)
    return out


def eigvals(a, b=None, overwrite_a=False, check_finite=True, homogeneous_eigvals=False):
    """``scipy.linalg.eigvals``: complex eigenvalues, ``dw_i = (V^-1 dA V)_ii``."""
    if not contains_tracer(a) and not contains_tracer(b):
        return _sl.eigvals(a, b, check_finite=check_finite,
                           homogeneous_eigvals=homogeneous_eigvals)
    return eig(a, b, right=False, homogeneous_eigvals=homogeneous_eigvals)


# --- polar ----------------------------------------------------------------------------------
def _polar_impl(a):
    w, s, vh = _sl.svd(a, full_matrices=False)    # scipy.linalg.polar's own steps
    return _np.matmul(w, vh)


polar_p = primitive(_polar_impl, name="scipy.linalg.polar")


def _right_div(x, p):
    """``x p^-1`` for Hermitian ``p``."""
    return _mH(solve_p(p, _mH(x)))


def _polar_jvp(t, ans, a):
    # a = u p (M >= N, p = u^H a) or a = p u (M < N, p = a u^H), p positive
    # definite.  M >= N: u^H du = X solves p X + X p = u^H da - da^H u, and
    # (I - u u^H) du = (I - u u^H) da p^-1; M < N: du u^H = X solves
    # p X + X p = da u^H - u da^H, and du (I - u^H u) = p^-1 da (I - u^H u)
    u = ans
    m, n = shape_of(a)[-2:]
    uh = _mH(u)
    if m >= n:
        p = _nl._herm(dnp.matmul(uh, a))
        x = dnp.matmul(uh, t)
        du = dnp.matmul(u, sylvester_p(p, p, x - _mH(x)))
        if m > n:
            du = du + _right_div(t - dnp.matmul(u, x), p)
        return du
    p = _nl._herm(dnp.matmul(a, uh))
    x = dnp.matmul(t, uh)
    du = dnp.matmul(sylvester_p(p, p, x - _mH(x)), u)
    return du + solve_p(p, t - dnp.matmul(x, u))


def _polar_vjp(g, ans, a):
    # the adjoint under Re(sum(conj(a) b)) of the JVP (p Hermitian: the Sylvester
    # operator is self-adjoint), then conj(adjoint(conj(g))), the transpose
    u = ans
    m, n = shape_of(a)[-2:]
    uh = _mH(u)
    g = _nl._cj(g)
    if m >= n:
        p = _nl._herm(dnp.matmul(uh, a))
        z = sylvester_p(p, p, dnp.matmul(uh, g))
        out = dnp.matmul(u, z - _mH(z))
        if m > n:
            out = out + _right_div(g - dnp.matmul(u, dnp.matmul(uh, g)), p)
    else:
        p = _nl._herm(dnp.matmul(a, uh))
        z = sylvester_p(p, p, dnp.matmul(g, uh))
        out = dnp.matmul(z - _mH(z), u) + solve_p(p, g - dnp.matmul(dnp.matmul(g, uh), u))
    return _nl._cj(out)


defjvp(polar_p, _polar_jvp)
defvjp_direct(polar_p, _polar_vjp)


def polar(a, side="right"):
    """``scipy.linalg.polar``: ``(u, p)`` with ``a = u p`` (``side='right'``) or
    ``a = p u`` (``'left'``), differentiable where ``a`` has full rank.

    ``u`` is a primitive (SciPy's value ``U Vh``); its derivative solves a
    Sylvester equation with the positive definite factor, so it stays exact
    where singular values repeat (an orthogonal ``a``, say), where the SVD's own
    vectors have none.  ``p`` is ``herm(u^H a)`` (``herm(a u^H)`` for
    ``'left'``), SciPy's value to rounding."""
    if side not in ("right", "left"):
        raise ValueError("`side` must be either 'right' or 'left'")
    if not contains_tracer(a):
        return _sl.polar(a, side=side)
    a = _traced_matrix("polar", a)
    u = polar_p(a)
    p = dnp.matmul(_mH(u), a) if side == "right" else dnp.matmul(a, _mH(u))
    return u, _nl._herm(p)


def null_space(A, rcond=None, *, overwrite_a=False, check_finite=True, lapack_driver="gesdd"):
    """``scipy.linalg.null_space``: SciPy's orthonormal basis of the null space
    (the right singular vectors past the numerical rank), differentiable where
    the rank does not change.  The basis is not unique (any rotation of it is
    as good), so it moves in the gauge of least rotation, as the extra vectors
    of :func:`svd` do: basis-free functions of it (the projector
    ``Q Q^H = I - pinv(A) A``, norms of projections) get exact derivatives.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import linalg
    >>> a = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
    >>> ad.grad(lambda a: (linalg.null_space(a)[:, 0] @ np.ones(3)) ** 2)(a) + 0.0
    array([[ 0.,  0., -2.],
           [ 0.,  0., -1.]])
    """
    if not contains_tracer(A):
        return _sl.null_space(A, rcond=rcond, check_finite=check_finite,
                              lapack_driver=lapack_driver)
    A = _traced_matrix("null_space", A)
    if ndim_of(A) > 2:
        return _over_stack("null_space", lambda m: null_space(
            m, rcond=rcond, check_finite=check_finite, lapack_driver=lapack_driver), A)
    av = _np.asarray(primal_of(A))
    u, s, vh = _sl.svd(av, full_matrices=True, lapack_driver=lapack_driver)
    num = _numerical_rank(s, av.shape, rcond)
    basis = _np.conj(vh[num:, :].T)
    if num == 0:
        return basis                       # all of the space: constant
    v = _svd_parts(A, lapack_driver)[2]
    return _nl._completed(v[:, :num], basis)[:, num:]


def orth(A, rcond=None):
    """``scipy.linalg.orth``: SciPy's orthonormal basis of the range (the left
    singular vectors up to the numerical rank), differentiable where the rank
    does not change, in the SVD's gauge (docs/linalg.md)."""
    if not contains_tracer(A):
        return _sl.orth(A, rcond=rcond)
    A = _traced_matrix("orth", A)
    if ndim_of(A) > 2:
        return _over_stack("orth", lambda m: orth(m, rcond=rcond), A)
    av = _np.asarray(primal_of(A))
    num = _numerical_rank(_sl.svdvals(av), av.shape, rcond)
    return _svd_parts(A)[0][:, :num]


def _over_stack(name, f, a):
    """``f`` of each matrix of the stack ``a``, stacked, as SciPy's batching
    does (the bases must have the same shape: the same numerical rank)."""
    lead = shape_of(a)[:-2]
    _no_empty_batch(name, lead)
    outs = [f(a[idx]) for idx in _np.ndindex(*lead)]
    shapes = {shape_of(o) for o in outs}
    if len(shapes) > 1:
        raise ValueError(f"{name}: the matrices of the stack have bases of different sizes "
                         f"{sorted(shapes)} (different numerical ranks), which do not stack; "
                         f"SciPy refuses them too")
    return dnp.reshape(dnp.stack(outs), lead + shape_of(outs[0]))


def _numerical_rank(s, shape, rcond):
    """SciPy's rank for ``null_space`` / ``orth``: the singular values ``s``
    above ``rcond * max(s)``, ``rcond`` by default ``eps * max(M, N)``."""
    if rcond is None:
        rcond = _np.finfo(s.dtype).eps * max(shape)
    return int(_np.sum(s > _np.max(s, initial=0.0) * rcond))


# --- expm_frechet, Lyapunov --------------------------------------------------------------------
def expm_frechet(A, E, method=None, compute_expm=True, check_finite=True):
    """``scipy.linalg.expm_frechet``: ``(expm(A), L(A, E))`` or ``L(A, E)``,
    from ``expm([[A, E], [0, A]])`` (the top-right block is the Fréchet
    derivative), differentiable in ``A`` and ``E`` through :func:`expm`'s rule.
    Values are SciPy's to rounding (SciPy uses another algorithm)."""
    if not contains_tracer(A) and not contains_tracer(E):
        return _sl.expm_frechet(A, E, method=method, compute_expm=compute_expm,
                                check_finite=check_finite)
    if method not in (None, "SPS", "blockEnlarge"):
        raise ValueError(f"Unknown implementation {method}")
    if shape_of(A) != shape_of(E) or ndim_of(A) != 2 or shape_of(A)[0] != shape_of(A)[1]:
        raise ValueError("expected A and E to be square matrices of the same shape")
    n = shape_of(A)[-1]
    dt = _np.result_type(primal_of(A), primal_of(E), _np.float64)   # SciPy's: 64-bit
    if _np.result_type(primal_of(A)) != dt:
        A = dnp.astype(A, dt)
    if _np.result_type(primal_of(E)) != dt:
        E = dnp.astype(E, dt)
    c, cinv = _balance(A, E, 1.0)                 # L is linear in E: balance the block
    big = expm_p(_block(A, E * c))
    lf = big[..., :n, n:] * cinv
    return (big[..., :n, :n], lf) if compute_expm else lf


def solve_continuous_lyapunov(a, q):
    """``scipy.linalg.solve_continuous_lyapunov``: ``x`` with ``a x + x a^H = q``
    (:func:`solve_sylvester` with ``b = a^H``), differentiable in ``a`` and ``q``."""
    if not contains_tracer(a) and not contains_tracer(q):
        return _sl.solve_continuous_lyapunov(a, q)
    return sylvester_p(a, _mH(a), q)


# --- structured matrices (compositions of indexing) --------------------------------------------
def _batches(name):
    """Whether this SciPy's ``scipy.linalg.<name>`` treats N-D input as a batch
    (``hankel`` does from SciPy 1.19; before, it ravels)."""
    r = _BATCHES.get(name)
    if r is None:
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = _BATCHES[name] = getattr(_sl, name)(_np.ones((2, 2))).ndim == 3
    return r


_BATCHES = {}


def _vec(x):
    x = x if isinstance(x, Tracer) else dnp.asarray(x)
    return dnp.reshape(x, (1,)) if ndim_of(x) == 0 else x


def _lead_bcast(c, r):
    lead = _np.broadcast_shapes(shape_of(c)[:-1], shape_of(r)[:-1])
    return (dnp.broadcast_to(c, lead + shape_of(c)[-1:]),
            dnp.broadcast_to(r, lead + shape_of(r)[-1:]))


def toeplitz(c, r=None):
    """``scipy.linalg.toeplitz``: first column ``c``, first row ``r``
    (``conj(c)`` by default; ``r[0]`` is ignored).  An indexing of
    ``concatenate(c[::-1], r[1:])``; N-D input is a batch, as in SciPy."""
    if not contains_tracer(c) and not contains_tracer(r):
        return _sl.toeplitz(c, r)
    c = _vec(c)
    r = dnp.conj(c) if r is None else _vec(r)
    c, r = _lead_bcast(c, r)
    m, n = shape_of(c)[-1], shape_of(r)[-1]
    vals = dnp.concatenate([c[..., ::-1], r[..., 1:]], axis=-1)
    return dnp.take(vals, (m - 1) - _np.arange(m)[:, None] + _np.arange(n)[None, :], axis=-1)


def hankel(c, r=None):
    """``scipy.linalg.hankel``: first column ``c``, last row ``r`` (zeros by
    default; ``r[0]`` is ignored).  An indexing of ``concatenate(c, r[1:])``."""
    if not contains_tracer(c) and not contains_tracer(r):
        return _sl.hankel(c, r)
    c = _vec(c)
    r = dnp.zeros_like(c) if r is None else _vec(r)
    if _batches("hankel") or (ndim_of(c) == 1 and ndim_of(r) == 1):
        c, r = _lead_bcast(c, r)
    else:                 # SciPy before 1.19 ravels N-D input (with a FutureWarning)
        import warnings
        warnings.warn("Beginning in SciPy 1.19, multidimensional input will be treated "
                      "as a batch, not `ravel`ed. To preserve the existing behavior and "
                      "silence this warning, `ravel` arguments before passing them to "
                      "`hankel`.", FutureWarning, stacklevel=2)
        c, r = dnp.ravel(c), dnp.ravel(r)
    m, n = shape_of(c)[-1], shape_of(r)[-1]
    vals = dnp.concatenate([c, r[..., 1:]], axis=-1)
    return dnp.take(vals, _np.arange(m)[:, None] + _np.arange(n)[None, :], axis=-1)


def circulant(c):
    """``scipy.linalg.circulant``: ``out[i, j] = c[(i - j) % n]``, an indexing of ``c``."""
    if not contains_tracer(c):
        return _sl.circulant(c)
    c = _vec(c)
    n = shape_of(c)[-1]
    return dnp.take(c, (_np.arange(n)[:, None] - _np.arange(n)[None, :]) % n, axis=-1)


__all__ += ["eigh", "eigvalsh", "svd", "svdvals", "pinv", "lstsq", "norm", "qr", "lu", "eig",
            "eigvals", "polar", "null_space", "orth", "expm_frechet", "solve_continuous_lyapunov",
            "toeplitz", "hankel", "circulant", "cosm", "sinm", "tanm", "coshm", "sinhm",
            "tanhm", "signm", "fractional_matrix_power", "funm"]


# --- banded, Toeplitz and circulant solves; pinvh, rq, orthogonal_procrustes; more special
# matrices; discrete Lyapunov and the algebraic Riccati equations --------------------------------
from ..transforms import stop_gradient as _stop  # noqa: E402
from ._banded import _shifted as _band_shift  # noqa: E402
from ._banded import solve_banded_p  # noqa: E402


def _valued(value, comp):
    """SciPy's ``value`` exactly (``(comp - stop(comp))`` has primal 0 at every
    nesting level), with the derivatives of the traced ``comp`` (the same
    function computed another way, equal to rounding)."""
    value = _np.asarray(value)
    d = comp - _stop(comp)
    if _np.result_type(primal_of(d)) != value.dtype:
        d = dnp.astype(d, value.dtype) if value.dtype.kind == "c" or _np.result_type(
            primal_of(d)).kind != "c" else dnp.real(d)
    return d + value


def _deep_primal(x):
    while isinstance(x, Tracer):
        x = primal_of(x)
    return _np.asarray(x)


def _asd(x):
    return x if isinstance(x, Tracer) else dnp.asarray(x)


def _over_batch(name, f, args, ndims):
    """SciPy's ``_apply_over_batch`` for traced arguments: core dimensions
    ``ndims`` (``"1|2"``: 2 for an argument of 2 or more dimensions, else 1),
    the leading (batch) axes broadcast and looped over, the results stacked."""
    cores, batches = [], []
    for a, nd in zip(args, ndims):
        shp = shape_of(a)
        if nd == "1|2":
            nd = 2 if len(shp) >= 2 else 1
        cores.append(nd)
        batches.append(shp[:len(shp) - nd])
    if not any(batches):
        return f(*args)
    lead = _np.broadcast_shapes(*batches)
    _no_empty_batch(name, lead)
    args = [dnp.broadcast_to(a, lead + shape_of(a)[len(shape_of(a)) - c:])
            for a, c in zip(args, cores)]
    outs = [f(*[a[idx] for a in args]) for idx in _np.ndindex(*lead)]
    return dnp.reshape(dnp.stack(outs), lead + shape_of(outs[0]))


def _banded_rhs(name, ab, b, nrows):
    if shape_of(ab)[0] != nrows:
        raise ValueError(f"invalid values for the number of lower and upper diagonals: "
                         f"ab has {shape_of(ab)[0]} rows, expected {nrows}")
    if ndim_of(b) == 0 or shape_of(b)[0] != shape_of(ab)[-1]:
        raise ValueError("shapes of ab and b are not compatible.")
    return dnp.reshape(b, (shape_of(b)[0], -1))


def solve_banded(l_and_u, ab, b, overwrite_ab=False, overwrite_b=False, check_finite=True):
    """``scipy.linalg.solve_banded``: ``a x = b`` with ``a`` in banded storage
    ``ab[u + i - j, j] = a[i, j]``, differentiable in ``ab`` (the entries that
    are read) and ``b``.  Values are SciPy's (its own call); the rules are
    banded solves with ``a`` and its transpose, ``O(n (l + u))`` per column
    (the primitive dualad.scipy.interpolate uses).  ``b`` may be ``(n,)`` or
    ``(n, k)``; leading axes of ``ab`` (beyond 2) and of ``b`` (beyond 2, or
    beyond 1 for ``(n,)``) are a batch, broadcast, as in SciPy.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import linalg
    >>> ab = np.array([[0.0, 1.0], [4.0, 4.0], [1.0, 0.0]])   # [[4, 1], [1, 4]]
    >>> ad.grad(lambda b: linalg.solve_banded((1, 1), ab, b)[0])(np.ones(2)) * 15
    array([ 4., -1.])
    """
    if not contains_tracer(ab) and not contains_tracer(b):
        return _sl.solve_banded(l_and_u, ab, b, overwrite_ab=overwrite_ab,
                                overwrite_b=overwrite_b, check_finite=check_finite)
    l, u = (int(v) for v in l_and_u)
    ab, b = _asd(ab), _asd(b)

    def one(ab, b):
        x = solve_banded_p(ab, _banded_rhs("solve_banded", ab, b, l + u + 1), l_and_u=(l, u))
        return dnp.reshape(x, shape_of(b))
    return _over_batch("solve_banded", one, (ab, b), (2, "1|2"))


def _h_to_general(ab, lower):
    """The general banded storage ``(2k + 1, n)`` of the Hermitian matrix that
    ``solveh_banded``'s ``ab`` (``(k + 1, n)``, upper or lower) stands for; the
    diagonal is real (LAPACK does not read its imaginary part)."""
    k = shape_of(ab)[0] - 1
    cplx = _is_complex(ab)
    z = dnp.zeros((1,), dtype=_np.result_type(primal_of(ab)))
    rows = [ab[i] for i in range(k + 1)]
    diag = rows[0] if lower else rows[k]
    if cplx:
        diag = dnp.astype(dnp.real(diag), _np.result_type(primal_of(ab)))
    conj = dnp.conj if cplx else (lambda v: v)
    if lower:       # ab[d, j] = a[j + d, j]; row k - d of the general storage: a[j - d, j]
        upper = [_band_shift(conj(rows[d]), -d, z) for d in range(k, 0, -1)]
        return dnp.stack(upper + [diag] + rows[1:])
    # ab[k + i - j, j] = a[i, j] (i <= j); row k + d: a[j + d, j] = conj(ab[k - d, j + d])
    lower_rows = [_band_shift(conj(rows[k - d]), d, z) for d in range(1, k + 1)]
    return dnp.stack(rows[:k] + [diag] + lower_rows)


def solveh_banded(ab, b, overwrite_ab=False, overwrite_b=False, lower=False, check_finite=True):
    """``scipy.linalg.solveh_banded``: ``a x = b`` for a Hermitian positive
    definite banded ``a`` in SciPy's upper (default) or ``lower=True`` storage.
    The value is SciPy's own call (Cholesky ``pbsv`` / ``ptsv``, with its
    ``LinAlgError`` for a matrix that is not positive definite); the derivative
    is that of the solve with the full Hermitian matrix the stored triangle
    stands for (:func:`solve_banded`'s rules), in ``ab`` and ``b``.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import linalg
    >>> ab = np.array([[0.0, 1.0], [4.0, 4.0]])               # upper: [[4, 1], [1, 4]]
    >>> ad.grad(lambda b: linalg.solveh_banded(ab, b)[0])(np.ones(2)) * 15
    array([ 4., -1.])
    """
    if not contains_tracer(ab) and not contains_tracer(b):
        return _sl.solveh_banded(ab, b, overwrite_ab=overwrite_ab, overwrite_b=overwrite_b,
                                 lower=lower, check_finite=check_finite)
    ab, b = _asd(ab), _asd(b)
    value = _sl.solveh_banded(_deep_primal(ab), _deep_primal(b), lower=lower,
                              check_finite=check_finite)

    def one(ab, b):
        k = shape_of(ab)[0] - 1
        b2 = _banded_rhs("solveh_banded", ab, b, k + 1)
        x = solve_banded_p(_h_to_general(ab, bool(lower)), b2, l_and_u=(k, k))
        return dnp.reshape(x, shape_of(b))
    return _valued(value, _over_batch("solveh_banded", one, (ab, b), (2, "1|2")))


def solve_toeplitz(c_or_cr, b, check_finite=True):
    """``scipy.linalg.solve_toeplitz``: ``T x = b`` for the Toeplitz ``T`` with
    first column ``c`` and first row ``r`` (``c_or_cr = (c, r)``; ``r`` defaults
    to ``conj(c)``, ``r[0]`` is ignored).  The value is SciPy's Levinson
    recursion; the derivative, in ``c``, ``r`` and ``b``, is that of the dense
    solve ``solve(toeplitz(c, r), b)`` (``dx = T^-1 (db - dT x)``), ``O(n^3)``.
    Leading axes of ``c``, ``r`` (beyond 1) and ``b`` are a batch, as in SciPy.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import linalg
    >>> ad.grad(lambda c: linalg.solve_toeplitz(c, np.ones(2))[0])(np.array([2.0, 1.0]))
    array([-0.11111111, -0.11111111])
    """
    tup = isinstance(c_or_cr, tuple)
    if not contains_tracer(c_or_cr) and not contains_tracer(b):
        return _sl.solve_toeplitz(c_or_cr, b, check_finite=check_finite)
    c, r = (c_or_cr if tup else (c_or_cr, None))
    c = dnp.atleast_1d(_asd(c))
    r = dnp.conj(c) if r is None else dnp.atleast_1d(_asd(r))
    b = _asd(b)
    value = _sl.solve_toeplitz((_deep_primal(c), _deep_primal(r)), _deep_primal(b),
                               check_finite=check_finite)

    def one(c, r, b):
        if ndim_of(b) == 0 or shape_of(b)[0] != shape_of(r)[0] or shape_of(c) != shape_of(r):
            raise ValueError("Incompatible dimensions.")
        return solve(toeplitz(c, r), b)
    return _valued(value, _over_batch("solve_toeplitz", one, (c, r, b), (1, 1, "1|2")))


def solve_circulant(c, b, singular="raise", tol=None, caxis=-1, baxis=0, outaxis=0):
    """``scipy.linalg.solve_circulant``: ``C x = b`` for the circulant ``C`` with
    first column ``c``, by FFT (SciPy's algorithm, written with
    ``dualad.numpy.fft``, so the same values), differentiable in ``c`` and
    ``b``.  With ``singular='lstsq'`` the eigenvalues ``|fft(c)| <= tol`` are
    dropped, as SciPy does (the minimum-norm least-squares solution); which
    ones are dropped is decided on the values, so it does not move under a
    derivative.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import linalg
    >>> ad.grad(lambda c: linalg.solve_circulant(c, np.ones(2))[0])(np.array([2.0, 1.0]))
    array([-0.11111111, -0.11111111])
    """
    if not contains_tracer(c) and not contains_tracer(b):
        return _sl.solve_circulant(c, b, singular=singular, tol=tol, caxis=caxis,
                                   baxis=baxis, outaxis=outaxis)
    from ..numpy import fft as _dfft
    c, b = dnp.atleast_1d(_asd(c)), dnp.atleast_1d(_asd(b))
    for nm, v, ax in (("c", c, caxis), ("b", b, baxis)):
        if not -ndim_of(v) <= ax < ndim_of(v):
            raise ValueError(f"`{nm}axis` is out of bounds for {nm} of dimension {ndim_of(v)}")
    nc, nb = shape_of(c)[caxis], shape_of(b)[baxis]
    if nc != nb:
        raise ValueError(f"Shapes of c {shape_of(c)} and b {shape_of(b)} are incompatible")
    if singular not in ("raise", "lstsq"):
        raise ValueError(f"singular must be 'raise' or 'lstsq', got {singular!r}")
    if 0 in shape_of(b):
        return _sl.solve_circulant(_deep_primal(c), _deep_primal(b), singular=singular,
                                   tol=tol, caxis=caxis, baxis=baxis, outaxis=outaxis)
    fc = _dfft.fft(dnp.moveaxis(c, caxis, -1), axis=-1)
    abs_fc = _np.abs(_deep_primal(fc))
    if tol is None:
        tol = abs_fc.max(axis=-1) * nc * _np.finfo(_np.float64).eps
        tol = tol.reshape(tol.shape + (1,)) if tol.shape != () else _np.atleast_1d(tol)
    near = abs_fc <= tol
    singular_ = bool(_np.any(near))
    if singular_:
        if singular == "raise":
            raise _np.linalg.LinAlgError("near singular circulant matrix.")
        fc = dnp.where(near, 1.0, fc)
    fb = _dfft.fft(dnp.moveaxis(b, baxis, -1), axis=-1)
    q = fb / fc
    if singular_:
        mask = _np.ones(shape_of(b)[:baxis % ndim_of(b)] + shape_of(b)[baxis % ndim_of(b) + 1:]
                        + (nb,), dtype=bool) & near
        q = dnp.where(mask, 0.0, q)
    x = _dfft.ifft(q, axis=-1)
    if not (_is_complex(c) or _is_complex(b)):
        x = dnp.real(x)
    if outaxis != -1:
        x = dnp.moveaxis(x, -1, outaxis)
    return x


def pinvh(a, atol=None, rtol=None, lower=True, return_rank=False, check_finite=True):
    """``scipy.linalg.pinvh``: the pseudo-inverse of a Hermitian matrix (one
    triangle read, the lower one by default), with SciPy's cutoff ``|w| > atol +
    rtol max|w|`` on the eigenvalues.  The value is SciPy's; the derivative is
    Golub and Pereyra's (``dualad.numpy.linalg.pinv``'s) for the Hermitian
    matrix the read triangle stands for, smooth where the rank does not change
    (repeated eigenvalues are no special case).  Stacks too.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import linalg
    >>> ad.jvp(linalg.pinvh, (2.0 * np.eye(2),), (np.eye(2),))[1] + 0.0    # -I / 4
    array([[-0.25,  0.  ],
           [ 0.  , -0.25]])
    """
    if not contains_tracer(a):
        return _sl.pinvh(a, atol=atol, rtol=rtol, lower=lower, return_rank=return_rank,
                         check_finite=check_finite)
    a = _traced_matrix("pinvh", a, square=True)
    av = _deep_primal(a)
    value = _sl.pinvh(av, atol=atol, rtol=rtol, lower=lower, return_rank=return_rank,
                      check_finite=check_finite)
    out, rank = value if return_rank else (value, None)
    n = shape_of(a)[-1]
    h = _hermitian_read(a, bool(lower))
    w = _np.linalg.eigvalsh(_deep_primal(h))
    top = _np.max(_np.abs(w), axis=-1, initial=0.0)
    atol_ = 0.0 if atol is None else atol
    rtol_ = n * _np.finfo(_fdtype(av)).eps if rtol is None else rtol
    rcond = rtol_ + atol_ / _np.where(top > 0, top, 1.0)
    comp = _nl.pinv_p(h, rcond=rcond if _np.ndim(rcond) else float(rcond), hermitian=False)
    res = _valued(out, comp)
    return (res, rank) if return_rank else res


def rq(a, overwrite_a=False, lwork=None, mode="full", check_finite=True):
    """``scipy.linalg.rq``: ``a = R Q`` (modes ``'full'``, ``'economic'``,
    ``'r'``; stacks too).  Values are SciPy's; the derivative is that of the QR
    factorisation of ``a^T`` with its rows and columns reversed
    (``a^T J = Q1 R1`` gives ``R = J R1^T J``, ``Q = J Q1^T``), each row of ``Q``
    put in SciPy's sign (phase).  Where ``a`` is wide, ``mode='full'``'s
    extra rows of ``Q`` span the null space of ``a``; they are not unique and
    move in :func:`qr`'s gauge (least rotation); ``R`` and ``Q``'s other rows
    are exact.  At a matrix whose rows are already reduced (a triangular
    ``a``), SciPy's own ``rq`` is discontinuous (LAPACK's Householder
    reflectors flip the sign of a row only where there is something to
    reduce); the derivative is that of the branch with SciPy's signs there.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import linalg
    >>> a = np.array([[2.0, 1.0], [0.0, 3.0]])
    >>> r, q = linalg.rq(a)
    >>> bool(np.allclose(ad.jvp(lambda a: linalg.rq(a)[0] @ linalg.rq(a)[1], (a,), (a,))[1], a))
    True
    """
    if not contains_tracer(a):
        return _sl.rq(a, overwrite_a=overwrite_a, lwork=lwork, mode=mode,
                      check_finite=check_finite)
    if mode not in ("full", "r", "economic"):
        raise ValueError("Mode argument should be one of ['full', 'r', 'economic']")
    a = _traced_matrix("rq", a)
    if ndim_of(a) > 2:
        lead = shape_of(a)[:-2]
        _no_empty_batch("rq", lead)
        outs = [rq(a[idx], lwork=lwork, mode=mode, check_finite=check_finite)
                for idx in _np.ndindex(*lead)]
        if mode == "r":
            return dnp.reshape(dnp.stack(outs), lead + shape_of(outs[0]))
        return [dnp.reshape(dnp.stack([o[i] for o in outs]), lead + shape_of(outs[0][i]))
                for i in range(2)]          # SciPy's container for a stack: a list
    av = _deep_primal(a)
    m, n = av.shape
    r_sp, q_sp = _sl.rq(av, mode="full" if mode == "r" else mode, check_finite=check_finite)
    qmode = "reduced" if mode == "economic" else "complete"
    # dualad.numpy.linalg.qr of a^T J (the transpose, not the conjugate)
    q1, r1 = _nl.qr(_mT(a)[:, ::-1], mode=qmode)
    r_c = _mT(r1)[::-1, ::-1]
    q_c = _mT(q1)[::-1, :]
    ph = _np.sum(_np.conj(_deep_primal(q_c)) * q_sp, axis=-1)
    mag = _np.abs(ph)
    ph = _np.where(mag > 0, ph / _np.where(mag > 0, mag, 1.0), 1.0)
    if not _np.iscomplexobj(av):
        ph = _np.real(ph)
    q_c = q_c * ph[:, None]
    r_c = r_c * _np.conj(ph)[None, :]
    rr = _valued(r_sp, r_c)
    if mode == "r":
        return rr
    return rr, _valued(q_sp, q_c)


def orthogonal_procrustes(A, B, check_finite=True):
    """``scipy.linalg.orthogonal_procrustes``: ``(R, scale)``, ``R`` the unitary
    matrix closest to mapping ``A`` onto ``B`` and ``scale`` the sum of the
    singular values of ``A^H B``.  Values are SciPy's; ``R`` is the unitary
    polar factor of ``A^H B`` (:func:`polar`'s rule, exact at repeated singular
    values) and ``scale = Re tr(R^H A^H B)``, differentiable in ``A`` and ``B``
    where ``A^H B`` has full rank (elsewhere ``R`` is not unique).

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import linalg
    >>> a = np.eye(2)
    >>> ad.grad(lambda b: linalg.orthogonal_procrustes(a, b)[1])(np.diag([2.0, 3.0]))
    array([[1., 0.],
           [0., 1.]])
    """
    if not contains_tracer(A) and not contains_tracer(B):
        return _sl.orthogonal_procrustes(A, B, check_finite=check_finite)
    A, B = _asd(A), _asd(B)
    if ndim_of(A) < 2:
        raise ValueError(f"expected ndim to be at least 2, but observed {ndim_of(A)}")
    if shape_of(A) != shape_of(B):
        raise ValueError(f"the shapes of A and B differ ({shape_of(A)} vs {shape_of(B)})")
    r_sp, s_sp = _sl.orthogonal_procrustes(_deep_primal(A), _deep_primal(B),
                                           check_finite=check_finite)
    m = dnp.matmul(_mH(A), B)
    u = polar_p(m)
    scale = dnp.real(dnp.sum(dnp.conj(u) * m, axis=(-2, -1)))
    return _valued(r_sp, u), _valued(s_sp, scale)


def khatri_rao(a, b):
    """``scipy.linalg.khatri_rao``: the column-wise Kronecker product,
    ``out[..., :, j] = kron(a[..., :, j], b[..., :, j])``; stacks broadcast."""
    if not contains_tracer(a) and not contains_tracer(b):
        return _sl.khatri_rao(a, b)
    a, b = _asd(a), _asd(b)
    if ndim_of(a) < 2 or ndim_of(b) < 2:
        raise ValueError("The both arrays should be 2-dimensional.")
    if shape_of(a)[-1] != shape_of(b)[-1]:
        raise ValueError("The number of columns for both arrays should be equal.")
    c = a[..., :, None, :] * b[..., None, :, :]
    return dnp.reshape(c, shape_of(c)[:-3] + (-1, shape_of(c)[-1]))


def companion(a):
    """``scipy.linalg.companion``: first row ``-a[1:] / a[0]``, ones on the
    subdiagonal; differentiable in ``a``.  N-D ``a`` is a batch, as in SciPy."""
    if not contains_tracer(a):
        return _sl.companion(a)
    a = _asd(a)
    if ndim_of(a) < 1:
        raise ValueError("Incorrect shape for `a`.  `a` must be at least one-dimensional.")
    n = shape_of(a)[-1]
    if n < 2:
        raise ValueError("The length of `a` along the last axis must be at least 2.")
    if _np.any(_deep_primal(a)[..., 0] == 0):
        raise ValueError("The first coefficient(s) of `a` (i.e. elements "
                         "of `a[..., 0]`) must not be zero.")
    first = -a[..., 1:] / a[..., :1]
    lead = shape_of(a)[:-1]
    rest = _np.broadcast_to(_np.eye(n - 2, n - 1, dtype=_np.result_type(primal_of(first))),
                            lead + (n - 2, n - 1))
    return dnp.concatenate([first[..., None, :], rest], axis=-2)


def convolution_matrix(a, n, mode="full"):
    """``scipy.linalg.convolution_matrix``: the Toeplitz matrix ``A`` with
    ``A @ v == np.convolve(a, v, mode)``, differentiable in ``a`` (N-D ``a`` a
    batch, as in SciPy)."""
    if not contains_tracer(a):
        return _sl.convolution_matrix(a, n, mode=mode)
    if n <= 0:
        raise ValueError("n must be a positive integer.")
    a = _asd(a)
    if 0 in shape_of(a) or ndim_of(a) == 0:
        raise ValueError("len(a) must be at least 1.")
    if mode not in ("full", "valid", "same"):
        raise ValueError("'mode' argument must be one of ('full', 'valid', 'same')")
    if ndim_of(a) > 1:
        lead = shape_of(a)[:-1]
        outs = [convolution_matrix(a[idx], n, mode) for idx in _np.ndindex(*lead)]
        return dnp.reshape(dnp.stack(outs), lead + shape_of(outs[0]))
    zeros = _np.zeros(n - 1, dtype=_np.result_type(primal_of(a)))
    az = dnp.concatenate([a, zeros])
    raz = dnp.concatenate([a[::-1], zeros])
    la, lz = shape_of(a)[0], shape_of(az)[0]
    if mode == "full":
        col0, row0 = az, raz[lz - n:]
    else:
        tb = (min(n, la) - 1) // 2 if mode == "same" else min(n, la) - 1
        te = (min(n, la) - 1) - tb if mode == "same" else tb
        col0 = az[tb:lz - te]
        row0 = raz[lz - n - tb:lz - tb]
    return toeplitz(col0, row0)


__all__ += ["solve_banded", "solveh_banded", "solve_toeplitz", "solve_circulant", "pinvh", "rq",
            "orthogonal_procrustes", "khatri_rao", "companion", "convolution_matrix"]


# --- discrete Lyapunov (Stein) equation -----------------------------------------------------
def _stein_2d(a, ah, q, method):
    if _np.array_equal(ah, _np.conj(a).T):
        return _sl.solve_discrete_lyapunov(a, q, method=method)
    # a general Stein equation x = a x ah + q (not reached from the public
    # functions, whose ah is a^H at every nesting level): the Kronecker system
    n, m = q.shape
    dt = _np.result_type(a, ah, q)
    big = _np.eye(n * m, dtype=dt) - _np.kron(a, ah.T)
    return _np.linalg.solve(big, q.reshape(-1)).reshape(n, m)


def _stein_impl(a, ah, q, method=None):
    return _lead_loop(lambda x, y, z: _stein_2d(x, y, z, method), a, ah, q, core=(2, 2, 2))


stein_p = primitive(_stein_impl, name="scipy.linalg.solve_discrete_lyapunov")


def _stein_adj(g, ans, a, ah, method):
    """``z`` with ``z = a^T z ah^T + g``: the transpose of ``q -> x``."""
    return stein_p(_mT(a), _mT(ah), g, method=method)


defjvp(stein_p,
       lambda t, ans, a, ah, q, method=None: stein_p(
           a, ah, dnp.matmul(dnp.matmul(_pad(t, a, ans), ans), ah), method=method),
       lambda t, ans, a, ah, q, method=None: stein_p(
           a, ah, dnp.matmul(dnp.matmul(a, ans), _pad(t, ah, ans)), method=method),
       lambda t, ans, a, ah, q, method=None: stein_p(a, ah, _pad(t, q, ans), method=method))
defvjp_direct(stein_p,
              lambda g, ans, a, ah, q, method=None: sum_to(
                  dnp.matmul(_stein_adj(g, ans, a, ah, method), _mT(dnp.matmul(ans, ah))),
                  shape_of(a), _nb(g, ans)),
              lambda g, ans, a, ah, q, method=None: sum_to(
                  dnp.matmul(_mT(dnp.matmul(a, ans)), _stein_adj(g, ans, a, ah, method)),
                  shape_of(ah), _nb(g, ans)),
              lambda g, ans, a, ah, q, method=None: sum_to(
                  _stein_adj(g, ans, a, ah, method), shape_of(q), _nb(g, ans)))


def solve_discrete_lyapunov(a, q, method=None):
    """``scipy.linalg.solve_discrete_lyapunov``: ``x`` with ``a x a^H - x + q = 0``
    (``method`` ``'direct'`` / ``'bilinear'`` / None as SciPy; stacks too),
    differentiable in ``a`` and ``q``: ``dx`` solves the same equation with
    ``q`` replaced by ``da x a^H + a x da^H + dq``.  Values are SciPy's.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import linalg
    >>> float(ad.grad(lambda a: linalg.solve_discrete_lyapunov(a, np.eye(1))[0, 0])(
    ...     np.array([[0.5]]))[0, 0])               # d/da 1 / (1 - a^2) = 2a / (1 - a^2)^2
    1.7777777777777777
    """
    if not contains_tracer(a) and not contains_tracer(q):
        return _sl.solve_discrete_lyapunov(a, q, method=method)
    if method not in (None, "direct", "bilinear"):
        raise ValueError(f"Unknown method {method!r}: expected None, 'direct' or 'bilinear'")
    a, q = _asd(a), _asd(q)
    if ndim_of(a) < 2 or shape_of(a)[-1] != shape_of(a)[-2] or shape_of(q)[-2:] != shape_of(a)[-2:]:
        raise ValueError(f"solve_discrete_lyapunov: a {shape_of(a)} and q {shape_of(q)} must "
                         f"be square matrices of the same size")
    return stein_p(a, _mH(a), q, method=method)


# --- algebraic Riccati equations ------------------------------------------------------------
def _are_parts(kind, ans, a, b, r, s, e):
    """The gain ``K`` and the closed-loop matrix ``A - B K`` at the solution ``X``
    (``ans``), with registry operations (differentiable again)."""
    if kind == "c":
        xe = ans if e is None else dnp.matmul(ans, e)
        k = solve_p(r, dnp.matmul(_mT(b), xe) + _mT(s))
    else:
        btx = dnp.matmul(_mT(b), ans)
        k = solve_p(r + dnp.matmul(btx, b), dnp.matmul(btx, a) + _mT(s))
    return k, a - dnp.matmul(b, k)


def _are_xa(kind, x, acl, e):
    """The factor next to ``dA`` in the equation's derivative: ``X E`` (continuous)
    or ``X Acl`` (discrete)."""
    if kind == "c":
        return x if e is None else dnp.matmul(x, e)
    return dnp.matmul(x, acl)


def _are_rhs(kind, i, t, ans, a, b, k, acl, e):
    """The equation's derivative in argument ``i`` (a, b, q, r, s, e) at fixed
    ``X``, so that ``dX`` solves the closed-loop Lyapunov equation with it
    (:func:`_are_solve`)."""
    x = ans
    xa = _are_xa(kind, x, acl, e)
    if i == 0:
        m = dnp.matmul(_mT(t), xa)
        return m + _mT(m)
    if i == 1:
        m = dnp.matmul(dnp.matmul(_mT(xa), t), k)
        return -(m + _mT(m))
    if i == 2:
        return t
    if i == 3:
        return dnp.matmul(dnp.matmul(_mT(k), t), k)
    if i == 4:
        m = dnp.matmul(t, k)
        return -(m + _mT(m))
    # e: continuous Acl^T X dE + dE^T X Acl; discrete -(dE^T X E + E^T X dE)
    m = dnp.matmul(_mT(t), dnp.matmul(x, acl) if kind == "c" else -dnp.matmul(x, e))
    return m + _mT(m)


def _sandwich(e, m, trans):
    """``E^-T m E^-1`` (``trans``) or ``E^-1 m E^-T``, by two solves."""
    f = _mT(e) if trans else e
    return _mT(solve_p(f, _mT(solve_p(f, m))))


def _are_m(kind, acl, e):
    """``Acl E^-1`` (continuous) or ``E^-1 Acl`` (discrete)."""
    if e is None:
        return acl
    return _mT(solve_p(_mT(e), _mT(acl))) if kind == "c" else solve_p(e, acl)


def _are_solve(kind, rhs, acl, e):
    """``dX``: continuous ``Acl^T dX E + E^T dX Acl = -rhs``, i.e. with ``M = Acl
    E^-1``, ``M^T dX + dX M = -E^-T rhs E^-1``; discrete ``E^T dX E = Acl^T dX
    Acl + rhs``, i.e. ``Y = M^T Y M + rhs`` with ``M = E^-1 Acl``, ``dX = E^-T Y E^-1``."""
    m = _are_m(kind, acl, e)
    if kind == "c":
        q = rhs if e is None else _sandwich(e, rhs, True)
        return sylvester_p(_mT(m), m, -q)
    y = stein_p(_mT(m), m, rhs)
    return y if e is None else _sandwich(e, y, True)


def _are_cot(kind, g, acl, e):
    """``W`` with ``<g, dX> = <W, rhs>`` (the transpose of :func:`_are_solve`)."""
    m = _are_m(kind, acl, e)
    if kind == "c":
        w = sylvester_p(m, _mT(m), -g)
        return w if e is None else _sandwich(e, w, False)
    return stein_p(m, _mT(m), g if e is None else _sandwich(e, g, False))


def _are_grad(kind, i, w, ans, a, b, k, acl, e):
    # X is symmetric (q and r are read as their symmetric parts), so X^T = X
    x = ans
    xa = _are_xa(kind, x, acl, e)                                  # X E or X Acl
    if kind == "c":
        xaw = dnp.matmul(x, w) if e is None else dnp.matmul(x, dnp.matmul(e, w))
    else:
        xaw = dnp.matmul(x, dnp.matmul(acl, w))                    # X Acl W
    if i == 0:
        return dnp.matmul(xa, _mT(w)) + xaw
    if i == 1:
        return -dnp.matmul(xaw + dnp.matmul(xa, _mT(w)), _mT(k))
    if i == 2:
        return w
    if i == 3:
        return dnp.matmul(dnp.matmul(k, w), _mT(k))
    if i == 4:
        return -dnp.matmul(w + _mT(w), _mT(k))
    f = dnp.matmul(x, acl) if kind == "c" else -dnp.matmul(x, e)
    return dnp.matmul(f, w + _mT(w))


def _make_are(kind, scipy_fun, name):
    def impl(a, b, q, r, s, e, balanced=True, has_e=False):
        return _lead_loop(lambda *m: scipy_fun(*m[:4], e=m[5] if has_e else None, s=m[4],
                                               balanced=balanced),
                          a, b, q, r, s, e, core=(2, 2, 2, 2, 2, 2))

    p = primitive(impl, name=name)

    def jvp_rule(i):
        def rule(t, ans, a, b, q, r, s, e, balanced=True, has_e=False):
            e = e if has_e else None
            k, acl = _are_parts(kind, ans, a, b, r, s, e)
            arg = (a, b, q, r, s, e)[i]
            rhs = _are_rhs(kind, i, _pad(t, arg, ans), ans, a, b, k, acl, e)
            return _are_solve(kind, rhs, acl, e)
        return rule

    def vjp_rule(i):
        def rule(g, ans, a, b, q, r, s, e, balanced=True, has_e=False):
            e_ = e if has_e else None
            k, acl = _are_parts(kind, ans, a, b, r, s, e_)
            w = _are_cot(kind, g, acl, e_)
            arg = (a, b, q, r, s, e)[i]
            return sum_to(_are_grad(kind, i, w, ans, a, b, k, acl, e_), shape_of(arg),
                          _nb(g, ans))
        return rule

    defjvp(p, *[jvp_rule(i) for i in range(6)])
    defvjp_direct(p, *[vjp_rule(i) for i in range(6)])
    return p


care_p = _make_are("c", _sl.solve_continuous_are, "scipy.linalg.solve_continuous_are")
dare_p = _make_are("d", _sl.solve_discrete_are, "scipy.linalg.solve_discrete_are")


def _are_residual_check(name, x, a, b, q, r, s, e, continuous):
    """Warn when SciPy's ``x`` does not solve the equation (SciPy 1.17's balancing
    of the generalized pencil, ``e`` given with ``balanced=True``, sometimes
    returns such an ``x``): the derivative is that of the equation's solution."""
    x, a, b, q, r = (_np.asarray(v) for v in (x, a, b, q, r))
    mt = lambda m: _np.swapaxes(m, -1, -2)
    e_ = _np.broadcast_to(_np.eye(a.shape[-1]), a.shape) if e is None else _np.asarray(e)
    s = _np.zeros(b.shape) if s is None else _np.asarray(s)
    if continuous:
        left = mt(e_) @ x @ b + s
        res = mt(a) @ x @ e_ + mt(e_) @ x @ a - left @ _np.linalg.solve(r, mt(left)) + q
    else:
        left = mt(a) @ x @ b + s
        res = (mt(a) @ x @ a - mt(e_) @ x @ e_
               - left @ _np.linalg.solve(r + mt(b) @ x @ b, mt(left)) + q)
    scale = max(float(_np.max(_np.abs(q), initial=0.0)), float(_np.max(_np.abs(x), initial=0.0)),
                1e-300)
    rel = float(_np.max(_np.abs(res), initial=0.0)) / scale
    if not rel <= 1e-6:
        import warnings
        warnings.warn(f"dualad.scipy.linalg.{name}: SciPy's solution does not satisfy the "
                      f"equation (relative residual {rel:.1e}); its derivative, that of the "
                      f"equation's solution, does not apply to it"
                      + (" (with e, try balanced=False)" if e is not None else ""),
                      RuntimeWarning, stacklevel=4)


def _are(name, p, scipy_fun, a, b, q, r, e, s, balanced):
    if not any(contains_tracer(v) for v in (a, b, q, r, e, s)):
        return scipy_fun(a, b, q, r, e=e, s=s, balanced=balanced)
    a, b, q, r = (dnp.atleast_2d(_asd(v)) for v in (a, b, q, r))
    if any(_is_complex(v) for v in (a, b, q, r, s, e) if v is not None):
        raise NotImplementedError(f"dualad.scipy.linalg.{name}: complex matrices are not "
                                  "supported on traced values (real ones are)")
    # SciPy's own validation (shapes, symmetry of q and r, r and e nonsingular), on the
    # values; and a check that its value solves the equation the rules differentiate
    pv = [_deep_primal(v) for v in (a, b, q, r)]
    sv, ev = (None if v is None else _deep_primal(v) for v in (s, e))
    _are_residual_check(name, scipy_fun(*pv, s=sv, e=ev, balanced=balanced), *pv, sv, ev,
                        name.startswith("solve_c"))
    # q and r are read as their symmetric parts (q itself for the symmetric q SciPy
    # requires), so that X is symmetric in every direction and the rules exact
    q, r = 0.5 * (q + _mT(q)), 0.5 * (r + _mT(r))
    dt = _np.result_type(*(primal_of(v) for v in (a, b, q, r)))
    s = _np.zeros(shape_of(b), dtype=dt) if s is None else dnp.atleast_2d(_asd(s))
    has_e = e is not None
    e = _np.eye(shape_of(a)[-1], dtype=dt) if e is None else dnp.atleast_2d(_asd(e))
    return p(a, b, q, r, s, e, balanced=bool(balanced), has_e=has_e)


def solve_continuous_are(a, b, q, r, e=None, s=None, balanced=True):
    """``scipy.linalg.solve_continuous_are``: ``X`` with ``A^T X E + E^T X A -
    (E^T X B + S) R^-1 (B^T X E + S^T) + Q = 0`` (``e``, ``s``, ``balanced``,
    stacks as SciPy; values are SciPy's), differentiable in ``a``, ``b``,
    ``q``, ``r``, ``s`` and ``e`` (real matrices): implicitly, ``dX`` solves
    the Lyapunov equation ``Acl^T dX E + E^T dX Acl = -dF`` with the
    closed-loop matrix ``Acl = A - B K``, ``K = R^-1 (B^T X E + S^T)``, and
    ``dF`` the equation's derivative at fixed ``X`` (with ``M = Acl E^-1``:
    ``M^T dX + dX M = -E^-T dF E^-1``, a Sylvester equation).  ``q`` and
    ``r`` are read as their symmetric parts ``(q + q^T) / 2`` (``q`` itself
    for the symmetric ``q`` SciPy requires), so their gradients are symmetric.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import linalg
    >>> one = np.ones((1, 1))        # x = a + sqrt(a^2 + 1): dx/da = 1 + a / sqrt(a^2 + 1)
    >>> float(ad.grad(lambda a: linalg.solve_continuous_are(a, one, one, one)[0, 0])(
    ...     0.75 * one)[0, 0])
    1.6
    """
    return _are("solve_continuous_are", care_p, _sl.solve_continuous_are, a, b, q, r, e, s,
                balanced)


def solve_discrete_are(a, b, q, r, e=None, s=None, balanced=True):
    """``scipy.linalg.solve_discrete_are``: ``X`` with ``A^T X A - E^T X E - (A^T
    X B + S) (R + B^T X B)^-1 (B^T X A + S^T) + Q = 0`` (``e``, ``s``,
    ``balanced``, stacks as SciPy; values are SciPy's), differentiable in
    ``a``, ``b``, ``q``, ``r``, ``s`` and ``e`` (real matrices): ``dX`` solves
    the Stein equation ``E^T dX E = Acl^T dX Acl + dF`` with ``Acl = A - B K``,
    ``K = (R + B^T X B)^-1 (B^T X A + S^T)``, and ``dF`` the equation's
    derivative at fixed ``X`` (``Y = E^T dX E`` solves ``Y = M^T Y M + dF``,
    ``M = E^-1 Acl``).
    ``q`` and ``r`` are read as their symmetric parts, as in
    :func:`solve_continuous_are`.  SciPy 1.17 with ``e`` and ``balanced=True``
    sometimes returns a matrix that does not solve the equation (a relative
    residual near 1e-2 in about a third of small random cases with ``e`` near
    ``I``, for both solvers; ``balanced=False`` solved all of them): traced
    input then gets a ``RuntimeWarning`` (the residual of SciPy's value is
    checked).

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy import linalg
    >>> one = np.ones((1, 1))
    >>> x = linalg.solve_discrete_are(one, one, one, one)      # x^2 - x - 1 = 0
    >>> bool(np.isclose(x[0, 0], (1 + np.sqrt(5)) / 2))
    True
    """
    return _are("solve_discrete_are", dare_p, _sl.solve_discrete_are, a, b, q, r, e, s,
                balanced)


__all__ += ["solve_discrete_lyapunov", "solve_continuous_are", "solve_discrete_are"]
