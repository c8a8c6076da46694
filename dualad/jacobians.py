"""Whole Jacobians and Hessians: every direction in one batched pass.

* :func:`jacfwd` seeds all ``n`` input directions at once as a *batch* of
  tangents (shape ``(k,) + x.shape``) and gets every column of the Jacobian
  from one forward pass (:func:`dualad.forward.jvp_flat`).
* :func:`jacrev` records the function once on a tape and sweeps it backwards
  once with a batch of ``m`` basis cotangents (shape ``(k,) + out.shape``,
  :func:`dualad.reverse.vjp_flat`), getting every row.
* :func:`jacobian` with ``mode="auto"`` picks the cheaper of the two from the
  input size ``n``, the output size ``m`` and measured cost constants (see
  ``docs/jacobians.md``); :func:`explain_mode` (or the ``explain`` attribute
  of the returned function) tells which mode is chosen and why.
* :func:`hessian` is ``jacfwd(grad(f))``: one reverse sweep over values that
  carry a batch of tangents gives all columns of H (forward-over-reverse).
* :func:`hvp` is ``H @ v`` from one forward-over-reverse pass; H is never formed.

There is no Python loop over basis vectors.  When there are many directions
they are pushed through in chunks of ``chunk_size`` so that memory stays
bounded.  The automatic chunk size keeps every batched intermediate near
:data:`CHUNK_BYTES` (1 MiB, cache-sized, which is also the fastest on the
benchmarks): ``chunk = CHUNK_BYTES // (itemsize * s)``, where ``s`` is the
size of the largest array the function computes (found once per
argument-shape signature by recording the function on a tape, and cached);
a smaller chunk is raised towards :data:`MIN_CHUNK` (16) directions as far
as :data:`MAX_CHUNK_BYTES` (64 MiB) allows, ``chunk = max(CHUNK_BYTES //
(itemsize * s), min(MIN_CHUNK, MAX_CHUNK_BYTES // (itemsize * s)))``, capped
at the number of directions and never below 1 (so 8, not 16, for ``s = 10^6``
in float64).
Chunked and unchunked results are identical: each column (row) is computed by
the same operations whatever batch it travels in.

The Jacobian of ``f`` at ``x`` has shape ``out.shape + in.shape``.  With a
tuple ``argnums`` the result is a tuple, one Jacobian per argument; container
(pytree) inputs and outputs give containers of Jacobians (output structure
outside, input structure inside).

>>> import numpy as np, dualad as ad, dualad.numpy as dnp
>>> ad.jacobian(lambda x: dnp.sin(x) * x[0])(np.array([0.0, 1.0]))
array([[0.        , 0.        ],
       [0.84147098, 0.        ]])
>>> ad.hessian(lambda x: dnp.sum(x ** 3))(np.array([1.0, 2.0]))
array([[ 6.,  0.],
       [ 0., 12.]])
>>> ad.hvp(lambda x: dnp.sum(x ** 3), (np.array([1.0, 2.0]),), (np.array([1.0, 1.0]),))
array([ 6., 12.])
"""
from __future__ import annotations

import functools
import math

import numpy as _np

from . import tree as _tree
from .forward import JVPTrace, jvp_flat
from .reverse import vjp_flat
from .tracer import Tracer, primal_of, shape_of
from .transforms import (_Flat, _norm_argnums, argnums_arg, _unwrap_level, as_output,
                         check_callable,
                         derivative_output, distinct_outputs, scalar_value_and_grad, tangent_leaves)

__all__ = ["jacobian", "jacfwd", "jacrev", "hessian", "hvp", "explain_mode",
           "ModeDecision", "CHUNK_BYTES", "MIN_CHUNK", "MAX_CHUNK_BYTES", "COST"]

#: target size (bytes) of one batched intermediate; sets the automatic chunk
#: size.  Small enough to stay in cache (a batched op on fresh multi-megabyte
#: arrays is several times slower per element on the benchmark machine).
CHUNK_BYTES = 2 ** 20
#: at least this many directions per pass (Python overhead is paid per pass) ...
MIN_CHUNK = 16
#: ... unless one batched intermediate would then exceed this hard bound (bytes)
MAX_CHUNK_BYTES = 64 * 2 ** 20

#: The auto-mode cost model, in units of one plain evaluation of ``f``
#: (measured by ``benchmarks/bench_jacobians.py --calibrate``; see docs/jacobians.md):
#:
#:   forward: passes_f * FWD_PASS + n * FWD_DIR
#:   reverse: REV_RECORD + passes_r * REV_PASS + m * REV_DIR
COST = {
    "FWD_PASS": 10.0,    # one forward pass (dual bookkeeping), per pass
    "FWD_DIR": 1.0,      # each tangent direction carried by a pass
    "REV_RECORD": 4.0,   # recording the tape, once
    "REV_PASS": 14.0,    # one backward sweep, per sweep
    "REV_DIR": 1.4,      # each cotangent direction carried by a sweep
}


# ---------------------------------------------------------------------------
# small array helpers that also work on values traced by an outer transform
# ---------------------------------------------------------------------------
def _dnp():
    from . import numpy as dnp
    return dnp


def _reshape(a, shape):
    if isinstance(a, Tracer):
        return _dnp().reshape(a, shape)
    return _np.reshape(a, shape)


def _transpose2(a):
    if isinstance(a, Tracer):
        return _dnp().transpose(a)
    return _np.ascontiguousarray(_np.transpose(a))


def _concat(blocks):
    if len(blocks) == 1:
        return blocks[0]
    if any(isinstance(b, Tracer) for b in blocks):
        return _dnp().concatenate(blocks, axis=0)
    return _np.concatenate(blocks, axis=0)


def _astype(a, dt):
    """``a`` as dtype ``dt``; a complex derivative of a real input keeps its real part."""
    if isinstance(a, Tracer):
        if a.dtype == dt:
            return a
        if a.dtype.kind == "c" and dt.kind != "c":
            a = _dnp().real(a)
        return a if a.dtype == dt else _dnp().astype(a, dt)
    a = _np.asarray(a)
    if a.dtype == dt:
        return a
    if a.dtype.kind == "c" and dt.kind != "c":
        a = a.real
    return a.astype(dt)


def _size(shape):
    return int(math.prod(shape))


def _float_dtype(*vals):
    dt = _np.result_type(*[primal_of(v) for v in vals])
    if dt.kind not in "fc":
        dt = _np.dtype(_np.float64)
    return dt


def _block_dtype(o, leaf):
    """The dtype of the Jacobian block ``d o / d leaf``: the input's precision
    (float32 in, float32 out, as ``grad`` gives it, whatever the output's
    precision), complex if the output or the input is."""
    ld = _float_dtype(leaf)
    if ld.kind != "c" and _float_dtype(o).kind == "c":
        return _np.result_type(ld, _np.complex64)
    return ld


_BASIS_CACHE = {}
_BASIS_CACHE_LEN = 16


def _basis(start, c, offset, size, shape, dtype):
    """Rows ``start..start+c`` of the identity restricted to one leaf's columns.

    Shape ``(c,) + shape``; ``None`` if none of these rows touches the leaf.
    The arrays are read-only and kept in a small cache: repeated Jacobians of
    the same shapes do not rebuild (or re-fault the memory of) their seeds.
    """
    lo = max(start, offset)
    hi = min(start + c, offset + size)
    if lo >= hi:
        return None
    key = (start, c, offset, size, tuple(shape), _np.dtype(dtype).str)
    e = _BASIS_CACHE.get(key)
    if e is not None:
        return e
    e = _np.zeros((c, size), dtype=dtype)
    r = _np.arange(lo - start, hi - start)
    e[r, r + start - offset] = 1
    e = e.reshape((c,) + tuple(shape))
    e.flags.writeable = False
    if c * size * e.itemsize <= 2 * CHUNK_BYTES:   # only cache-sized seeds
        try:
            while len(_BASIS_CACHE) >= _BASIS_CACHE_LEN:
                _BASIS_CACHE.pop(next(iter(_BASIS_CACHE)), None)
        except (StopIteration, RuntimeError):   # another thread changed it
            pass
        _BASIS_CACHE[key] = e
    return e


def _owned(t):
    """``t`` is a fresh C-contiguous array that may be handed to the user as is."""
    return (type(t) is _np.ndarray and t.base is None and t.flags.writeable
            and t.flags.c_contiguous)


# ---------------------------------------------------------------------------
# mode choice
# ---------------------------------------------------------------------------
class ModeDecision:
    """Which mode a Jacobian uses, and why (see :func:`explain_mode`).

    Attributes: ``mode`` ("forward" or "reverse"), ``requested`` (the mode
    asked for), ``n`` (input size), ``m`` (output size), ``chunk_forward``,
    ``chunk_reverse`` (directions per pass), ``passes_forward``,
    ``passes_reverse``, ``cost_forward``, ``cost_reverse`` (model estimates in
    units of one evaluation of f), ``largest`` (size of the largest array f
    computes) and ``reason`` (one sentence).
    """

    __slots__ = ("mode", "requested", "n", "m", "chunk_forward", "chunk_reverse",
                 "passes_forward", "passes_reverse", "cost_forward", "cost_reverse",
                 "largest", "reason")

    def __init__(self, **kw):
        for k, v in kw.items():
            setattr(self, k, v)

    def __repr__(self):
        return (f"ModeDecision(mode={self.mode!r}, n={self.n}, m={self.m}, "
                f"cost_forward={self.cost_forward:.3g}, cost_reverse={self.cost_reverse:.3g}, "
                f"chunk_forward={self.chunk_forward}, chunk_reverse={self.chunk_reverse})")

    def __str__(self):
        return self.reason


def _auto_chunk(ndirs, largest, itemsize, chunk_size):
    if ndirs == 0:
        return 1
    if chunk_size is not None:
        if not isinstance(chunk_size, (int, _np.integer)) or chunk_size < 1:
            raise ValueError(f"chunk_size must be a positive int or None, got {chunk_size!r}")
        return int(min(chunk_size, ndirs))
    per_dir = max(1, largest) * itemsize
    c = max(CHUNK_BYTES // per_dir, min(MIN_CHUNK, MAX_CHUNK_BYTES // per_dir))
    return int(max(1, min(ndirs, c)))


def _decide(requested, n, m, largest, itemsize, chunk_size, n_complex=0, m_complex=0):
    """``n_complex``: how many of the n inputs are complex (forward mode pushes
    their imaginary directions too, in a second round of passes); ``m_complex``:
    how many of the m outputs are complex when some input is real (reverse mode
    pulls their imaginary directions back too)."""
    cf = _auto_chunk(n, largest, itemsize, chunk_size)
    cr = _auto_chunk(m, largest, itemsize, chunk_size)
    pf = (-(-n // cf) if n else 0) + (-(-n_complex // cf) if n_complex else 0)
    pr = (-(-m // cr) if m else 0) + (-(-m_complex // cr) if m_complex else 0)
    C = COST
    cost_f = pf * C["FWD_PASS"] + (n + n_complex) * C["FWD_DIR"]
    cost_r = C["REV_RECORD"] + pr * C["REV_PASS"] + (m + m_complex) * C["REV_DIR"]
    if requested == "auto":
        mode = "forward" if cost_f <= cost_r else "reverse"
        why = (f"auto chose {mode} mode: n={n} inputs, m={m} outputs; estimated cost "
               f"forward {cost_f:.3g} ({pf} pass(es) of {cf} directions) vs reverse "
               f"{cost_r:.3g} (tape + {pr} sweep(s) of {cr} directions), in units of "
               f"one evaluation of f")
    else:
        mode = requested
        why = (f"{mode} mode was requested: n={n} inputs, m={m} outputs; "
               f"{(pf if mode == 'forward' else pr)} pass(es) of "
               f"{(cf if mode == 'forward' else cr)} directions")
    return ModeDecision(mode=mode, requested=requested, n=n, m=m, chunk_forward=cf,
                        chunk_reverse=cr, passes_forward=pf, passes_reverse=pr,
                        cost_forward=cost_f, cost_reverse=cost_r, largest=largest,
                        reason=why)


def _n_complex(flat):
    return sum(_size(shape_of(l)) for l in flat.leaves
               if _np.iscomplexobj(primal_of(l)))


def _signature(args, kwargs):
    leaves, tree = _tree.flatten((args, kwargs))
    return (tree, tuple((type(l), _np.shape(primal_of(l)), _np.result_type(primal_of(l)))
                        if isinstance(l, (_np.ndarray, _np.generic, Tracer, float, int, complex))
                        else (type(l), id(l)) for l in leaves))


def _probe(flat):
    """Out sizes and largest intermediate, from one tape recording on plain values."""
    plain = [primal_of(l) for l in flat.leaves]
    outs, back = vjp_flat(flat, plain)
    recs = back.tape.records
    largest = 0
    for r in recs:
        if r is not None:
            largest = max(largest, _size(shape_of(r[4])))
    recs.clear()
    osizes = [_size(shape_of(o)) for o in outs]
    largest = max([largest] + osizes + [_size(shape_of(l)) for l in plain])
    m_complex = 0
    if any(not _np.iscomplexobj(p) for p in plain):
        m_complex = sum(s for s, o in zip(osizes, outs) if _np.iscomplexobj(primal_of(o)))
    return sum(osizes), largest, m_complex


# ---------------------------------------------------------------------------
# the two engines, on a _Flat
# ---------------------------------------------------------------------------
def _jac_forward(flat, chunk):
    """Forward-mode Jacobian blocks ``(outs, [[J_ij]], aux)``.

    For a complex input the real unit directions give ``u = df/dx``; the
    imaginary ones ``v = df/dy`` are pushed too (a second pass), and the block
    is ``Re(u) - i Re(v)``: the matrix that reverse mode gives under the pairing
    of docs/complex.md (``f'(z)`` for a holomorphic ``f``, ``df/dx - i df/dy``
    for a real-valued one), so the two modes agree for every function.
    """
    outs, result, aux = _jac_forward_pass(flat, chunk, imag=False)
    cplx = [_np.iscomplexobj(primal_of(l)) for l in flat.leaves]
    if any(cplx):
        _, result_i, _ = _jac_forward_pass(flat, chunk, imag=True)
        for row, row_i in zip(result, result_i):
            for j, c in enumerate(cplx):
                if c:
                    row[j] = _conj_pairing(row[j], row_i[j])
    return outs, result, aux


def _conj_pairing(u, v):
    """``Re(u) - i Re(v)`` (see :func:`_jac_forward`)."""
    if isinstance(u, Tracer) or isinstance(v, Tracer):
        dnp = _dnp()
        return dnp.real(u) - 1j * dnp.real(v)
    out = _np.asarray(u.real, dtype=u.dtype).copy()
    out.imag = -_np.real(v)
    return out


def _jac_forward_pass(flat, chunk, imag):
    leaves = flat.leaves
    shapes = [tuple(shape_of(l)) for l in leaves]
    sizes = [_size(s) for s in shapes]
    offsets = [int(o) for o in _np.cumsum([0] + sizes[:-1])]
    n = sum(sizes)
    dts = [_float_dtype(l) for l in leaves]
    pieces = None  # per output: (start, c, tangent block) for every chunk
    outs = None
    aux = None
    for start in (range(0, n, chunk) if n else [0]):
        c = min(chunk, n - start)
        idx, tans = [], []
        for j in range(len(leaves)):
            e = _basis(start, c, offsets[j], sizes[j], shapes[j], dts[j])
            if imag and e is not None:     # the imaginary unit directions, complex leaves only
                e = 1j * e if dts[j].kind == "c" else None
            if e is not None:
                idx.append(j)
                tans.append(e)

        def sub(active, idx=idx):
            full = list(leaves)
            for j, a in zip(idx, active):
                full[j] = a
            return flat(full)

        trace = JVPTrace()
        outs, out_tans = jvp_flat(sub, [leaves[j] for j in idx], tans, trace)
        if flat.has_aux and aux is None:
            aux = _unwrap_level(flat.aux, trace, flat.who)
        if pieces is None:
            pieces = [[] for _ in outs]
        for i, t in enumerate(out_tans):
            pieces[i].append((start, c, t))
    result = []
    for i, o in enumerate(outs):
        oshape = tuple(shape_of(o))
        mi = _size(oshape)
        dt = _float_dtype(o, *leaves)
        if any(isinstance(t, Tracer) for _, _, t in pieces[i]):
            # nested under another transform: assemble with traced operations
            bl = [_np.zeros((c, mi), dtype=dt) if t is None else _reshape(t, (c, mi))
                  for _, c, t in pieces[i]]
            A = _transpose2(_concat(bl))                      # (m_i, n)
        elif (len(pieces[i]) == 1 and len(outs) == 1 and pieces[i][0][2] is not None
              and _owned(pieces[i][0][2]) and pieces[i][0][2].dtype == dt):
            # one chunk: the output tangent (n, m_i) is A.T already, no copy
            A = pieces[i][0][2].reshape(n, mi).T
        else:
            # rows of A.T are the tangent blocks: contiguous copies, and A is a
            # transposed (Fortran-ordered) view, no transposing copy
            At = _np.zeros((n, mi), dtype=dt)
            for start, c, t in pieces[i]:
                if t is not None:
                    At[start:start + c] = _np.reshape(t, (c, mi))
            A = At.T
        pieces[i] = None
        row = []
        for j in range(len(leaves)):
            Aj = A if len(leaves) == 1 else A[:, offsets[j]:offsets[j] + sizes[j]]
            row.append(as_output(_astype(_reshape(Aj, oshape + shapes[j]),
                                         _block_dtype(o, leaves[j]))))
        result.append(row)
    return outs, result, aux


def _jac_reverse(flat, outs, back, chunk):
    """Reverse-mode Jacobian blocks ``[[J_ij]]``.

    A real unit cotangent on a complex output gives, at a real input, only
    ``Re(df/dx)``; the imaginary unit cotangents give ``-Im(df/dx)`` (a second
    round of sweeps, for the complex outputs only), and the block is their
    combination ``Re(u) - i Re(v)``, the complex ``df/dx`` that forward mode
    gives.  At a complex input one cotangent per output is the whole story.
    """
    result = _jac_reverse_pass(flat, outs, back, chunk, imag=False)
    ocplx = [_np.iscomplexobj(primal_of(o)) for o in outs]
    lreal = [not _np.iscomplexobj(primal_of(l)) for l in flat.leaves]
    if any(ocplx) and any(lreal):
        result_i = _jac_reverse_pass(flat, outs, back, chunk, imag=True)
        for i, oc in enumerate(ocplx):
            for j, lr in enumerate(lreal):
                if oc and lr:
                    result[i][j] = _conj_pairing(result[i][j], result_i[i][j])
    return result


def _jac_reverse_pass(flat, outs, back, chunk, imag):
    leaves = flat.leaves
    shapes = [tuple(shape_of(l)) for l in leaves]
    oshapes = [tuple(shape_of(o)) for o in outs]
    osizes = [_size(s) for s in oshapes]
    ooffsets = list(_np.cumsum([0] + osizes[:-1]))
    m = sum(osizes)
    odts = [_float_dtype(o) for o in outs]
    blocks = [[[] for _ in leaves] for _ in outs]
    for start in (range(0, m, chunk) if m else []):
        c = min(chunk, m - start)
        cts = [_basis(start, c, ooffsets[i], osizes[i], oshapes[i], odts[i])
               for i in range(len(outs))]
        if imag:   # the imaginary unit cotangents, on the complex outputs only
            cts = [None if e is None or odts[i].kind != "c" else 1j * e
                   for i, e in enumerate(cts)]
            if all(e is None for e in cts):
                continue
        res = back(cts)
        # rows start..start+c belong to outputs overlapping the window
        for i in range(len(outs)):
            lo = max(start, ooffsets[i])
            hi = min(start + c, ooffsets[i] + osizes[i])
            if lo >= hi:
                continue
            for j, (g, l) in enumerate(zip(res, leaves)):
                if g is None:
                    rows = _np.zeros((hi - lo, _size(shapes[j])), dtype=_float_dtype(outs[i], l))
                else:
                    rows = _reshape(g, (c, _size(shapes[j])))
                    if hi - lo != c:
                        rows = rows[lo - start:hi - start]
                blocks[i][j].append(rows)
    result = []
    for i, o in enumerate(outs):
        row = []
        for j, l in enumerate(leaves):
            if blocks[i][j]:
                J = _reshape(_concat(blocks[i][j]), oshapes[i] + shapes[j])
                if isinstance(J, _np.ndarray) and not J.flags.writeable:
                    J = J.copy()   # e.g. f(x) = x hands back the (shared) seed
            else:  # an empty output
                J = _np.zeros(oshapes[i] + shapes[j], dtype=_block_dtype(o, l))
            row.append(as_output(_astype(J, _block_dtype(o, l))))
        result.append(row)
    return result


def _assemble(flat, single, result):
    """Output structure outside, input structure (per argnum) inside."""
    per_out = []
    for row in result:
        parts = flat.split(row)
        per_out.append(parts[0] if single else tuple(parts))
    return flat.out_tree.unflatten(per_out)


# ---------------------------------------------------------------------------
# public transforms
# ---------------------------------------------------------------------------
_MODES = ("auto", "forward", "reverse")


def jacobian(f, argnums=0, mode="auto", has_aux=False, chunk_size=None):
    """A function returning the Jacobian of ``f``, shape ``out.shape + in.shape``.

    ``mode`` is ``"auto"`` (the cheaper of forward and reverse, from the
    input size n and output size m; see :func:`explain_mode`), ``"forward"``
    (all n columns as one batch of tangents) or ``"reverse"`` (all m rows as
    one batch of cotangents in one backward sweep).  ``chunk_size`` bounds the
    number of directions per pass (default: automatic, see the module doc).
    With ``has_aux`` ``f`` returns ``(out, aux)`` and the result is
    ``(jacobian, aux)``.

    The returned function has an ``explain(*args)`` method giving the
    :class:`ModeDecision` for those arguments, and ``last_decision``, the
    decision of its latest call.

    >>> import numpy as np, dualad as ad, dualad.numpy as dnp
    >>> jf = ad.jacobian(lambda x: dnp.outer(x, x)[0])
    >>> jf(np.array([1.0, 2.0]))
    array([[2., 0.],
           [2., 1.]])
    >>> jf.explain(np.ones(3)).mode
    'forward'
    """
    return _jacobian(f, argnums, mode, has_aux, chunk_size)


def _jacobian(f, argnums, mode, has_aux, chunk_size, who=None):
    """:func:`jacobian`; ``who`` names the public caller in error messages."""
    if mode not in _MODES:
        raise ValueError(f"jacobian: mode must be one of {_MODES}, got {mode!r}")
    who = who or {"auto": "jacobian", "forward": "jacfwd", "reverse": "jacrev"}[mode]
    check_callable(f, who)
    argnums = argnums_arg(argnums)
    cache = {}

    def decide(flat, args, kwargs):
        n = sum(_size(shape_of(l)) for l in flat.leaves)
        itemsize = max([_float_dtype(l).itemsize for l in flat.leaves] or [8])
        if mode == "reverse":
            return None  # decided after the recording, which gives m for free
        try:
            key = _signature(args, kwargs)
            hash(key)
        except TypeError:
            key = None
        info = cache.get(key) if key is not None else None
        if info is None:
            info = _probe(flat)
            if key is not None:
                if len(cache) > 64:
                    cache.clear()
                cache[key] = info
        m, largest, mc = info
        return _decide(mode, n, m, largest, itemsize, chunk_size, _n_complex(flat), mc)

    @functools.wraps(f)
    def jac_f(*args, **kwargs):
        single, nums = _norm_argnums(argnums, len(args), who)
        flat = _Flat(f, args, kwargs, nums, has_aux, who)
        d = decide(flat, args, kwargs)
        if d is None or d.mode == "reverse":
            outs, back = vjp_flat(flat, flat.leaves)
            tape = back.tape
            try:
                if d is None:
                    n = sum(_size(shape_of(l)) for l in flat.leaves)
                    m = sum(_size(shape_of(o)) for o in outs)
                    largest = max([0] + [_size(shape_of(r[4])) for r in tape.records
                                         if r is not None])
                    largest = max(largest, n, m)
                    itemsize = max([_float_dtype(l).itemsize for l in flat.leaves] or [8])
                    d = _decide("reverse", n, m, largest, itemsize, chunk_size)
                result = _jac_reverse(flat, outs, back, d.chunk_reverse)
                aux = _unwrap_level(flat.aux, tape, flat.who) if has_aux else None
            finally:
                tape.records.clear()
        else:
            outs, result, aux = _jac_forward(flat, d.chunk_forward)
        jac_f.last_decision = d
        if sum(len(row) for row in result) > 1:     # no two blocks share memory
            blocks = iter(distinct_outputs([b for row in result for b in row]))
            result = [[next(blocks) for _ in row] for row in result]
        J = _assemble(flat, single, result)
        return (J, aux) if has_aux else J

    def explain(*args, **kwargs):
        single, nums = _norm_argnums(argnums, len(args), who)
        flat = _Flat(f, args, kwargs, nums, has_aux, who)
        n = sum(_size(shape_of(l)) for l in flat.leaves)
        itemsize = max([_float_dtype(l).itemsize for l in flat.leaves] or [8])
        m, largest, mc = _probe(flat)
        return _decide(mode, n, m, largest, itemsize, chunk_size, _n_complex(flat), mc)

    jac_f.explain = explain
    jac_f.last_decision = None
    return jac_f


def jacfwd(f, argnums=0, has_aux=False, chunk_size=None):
    """:func:`jacobian` in forward mode: all columns from one batched forward pass.

    >>> import numpy as np, dualad as ad, dualad.numpy as dnp
    >>> ad.jacfwd(lambda x: dnp.exp(x))(np.zeros(2))
    array([[1., 0.],
           [0., 1.]])
    """
    return jacobian(f, argnums, mode="forward", has_aux=has_aux, chunk_size=chunk_size)


def jacrev(f, argnums=0, has_aux=False, chunk_size=None):
    """:func:`jacobian` in reverse mode: all rows from one batched backward sweep.

    >>> import numpy as np, dualad as ad, dualad.numpy as dnp
    >>> ad.jacrev(lambda x: dnp.sum(x ** 2))(np.array([1.0, 2.0]))
    array([2., 4.])
    """
    return jacobian(f, argnums, mode="reverse", has_aux=has_aux, chunk_size=chunk_size)


def explain_mode(f, *args, argnums=0, mode="auto", chunk_size=None, **kwargs):
    """The :class:`ModeDecision` :func:`jacobian` makes for ``f`` at ``args``.

    Costs one recording of ``f``.  ``str()`` of the result is a sentence.

    >>> import numpy as np, dualad.numpy as dnp
    >>> from dualad.jacobians import explain_mode
    >>> explain_mode(lambda x: dnp.sum(x ** 2), np.ones(1000)).mode
    'reverse'
    >>> explain_mode(lambda x: dnp.ones(1000) * x, 1.0).mode
    'forward'
    """
    return jacobian(f, argnums, mode=mode, chunk_size=chunk_size).explain(*args, **kwargs)


def _scalar_grad(f, nums, single, has_aux, who, before_sweep=None, tangent_only=None):
    """The gradient of scalar ``f`` (reverse mode), checked with ``who`` in errors."""

    def grad_f(*args, **kwargs):
        _, aux, g = scalar_value_and_grad(f, args, kwargs, nums, single, has_aux, who,
                                          before_sweep, tangent_only)
        return (g, aux) if has_aux else g

    return grad_f


def hessian(f, argnums=0, has_aux=False, chunk_size=None):
    """A function returning the Hessian of scalar ``f``, shape ``in.shape + in.shape``.

    Computed as ``jacfwd(grad(f))``: the gradient's reverse sweep runs over
    values carrying a batch of tangents, one per input direction, so all
    columns of H come from one forward-over-reverse pass (chunked for large
    inputs, see ``chunk_size``).  With a tuple ``argnums`` the result is a
    nested tuple ``H[i][j]`` of shape ``x_i.shape + x_j.shape``.

    >>> import numpy as np, dualad as ad, dualad.numpy as dnp
    >>> ad.hessian(lambda x, y: x * x * y, argnums=(0, 1))(2.0, 3.0)
    ((array(6.), array(4.)), (array(4.), array(0.)))
    """
    check_callable(f, "hessian")
    argnums = argnums_arg(argnums)
    jacs = {}   # one Jacobian transform (with its shape cache) per argument count

    @functools.wraps(f)
    def hess_f(*args, **kwargs):
        s, nums = _norm_argnums(argnums, len(args), "hessian")
        jf = jacs.get(len(args))
        if jf is None:
            g = _scalar_grad(f, nums, s, has_aux, "hessian")
            jf = jacs[len(args)] = _jacobian(g, argnums, "forward", has_aux, chunk_size,
                                             who="hessian")
        out = jf(*args, **kwargs)
        hess_f.last_decision = jf.last_decision
        return out

    hess_f.last_decision = None
    return hess_f


def hvp(f, primals, tangents):
    """``H @ v`` for scalar ``f``: one forward-over-reverse pass, H never formed.

    ``primals`` and ``tangents`` are tuples with one entry per positional
    argument of ``f`` (a bare array is taken as a 1-tuple).  The gradient is
    taken with respect to every primal and pushed forward along ``tangents``:
    with one primal the result has its shape; with several it is a tuple
    ``(sum_j H[0][j] v_j, sum_j H[1][j] v_j, ...)``.

    >>> import numpy as np, dualad as ad, dualad.numpy as dnp
    >>> f = lambda x: dnp.sum(x[0] * x ** 2)
    >>> ad.hvp(f, (np.array([1.0, 2.0]),), (np.array([1.0, 0.0]),))
    array([6., 4.])
    """
    check_callable(f, "hvp")
    if not isinstance(primals, (tuple, list)):
        primals = (primals,)
        tangents = (tangents,) if not isinstance(tangents, (tuple, list)) else tangents
    if not isinstance(tangents, (tuple, list)):
        raise TypeError("hvp: tangents must be a tuple like primals "
                        "(one entry per positional argument of f)")
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ValueError(f"hvp: {len(primals)} primals but {len(tangents)} tangents")
    k = len(primals)
    nums = tuple(range(k))
    single = k == 1
    # forward over reverse: f runs on duals with lazy tangents, so the tangents
    # that the sweep's rules never read are never computed; the sweep itself
    # computes its tangents eagerly (it frees its intermediates as it goes)
    trace = JVPTrace(lazy=True)

    def eager():
        trace.lazy = False
    g = _scalar_grad(f, nums, single, False, "hvp", before_sweep=eager, tangent_only=trace)
    flat_in = _Flat(lambda *a: g(*a), primals, {}, nums, False, "hvp")
    t_leaves = tangent_leaves(flat_in, primals, tangents, "hvp")
    outs, out_tans = jvp_flat(flat_in, flat_in.leaves, t_leaves, trace)
    res = distinct_outputs([derivative_output(t, o, t_leaves) for o, t in zip(outs, out_tans)])
    return flat_in.out_tree.unflatten(res)
