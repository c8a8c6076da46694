"""Checking derivatives against central finite differences.

:func:`check_grads` compares every derivative of ``f`` up to ``order``, in
every mode, with central differences, and raises ``AssertionError`` naming the
worst mismatch.  Higher orders are checked by applying the same check to the
derivative functions themselves (JVP along a fixed direction, VJP along a
fixed cotangent), so order 2 exercises forward-over-forward,
forward-over-reverse, reverse-over-forward and reverse-over-reverse.

>>> import numpy as np, dualad.numpy as dnp
>>> from dualad.testing import check_grads
>>> check_grads(lambda x: dnp.sin(x) * x, (np.array([0.1, 0.7]),), order=2)

Complex values follow dualad's transpose convention: the reverse check pairs
values with ``Re(sum(a * b))`` (no conjugate).  When that pairing fails for
real inputs of at most :data:`LOCATE_MAX_ENTRIES` entries, the VJP is then
compared entry by entry with differences of ``<u, f>``, so the message names
the wrong entry rather than only the pairing.

At each order the derivatives are also taken for a batch of two directions
at once (a leading axis on the tangents, on the cotangents), as ``jacfwd`` /
``jacrev`` / ``hessian`` take them, and each row must equal the
one-direction result: a rule that mishandles batch axes fails here.  For
float32 / complex64 arguments the finite differences are taken in float64
(the same function at the same points), so the float32 derivatives are held
to about 2e-3 instead of to the error of float32 differences.

:mod:`dualad.testing.strategies` has Hypothesis strategies for arrays and
shapes suited to derivative checks.
"""
from __future__ import annotations

import numpy as _np

from .. import tree as _tree
from ..forward import jvp_flat as _jvp_flat
from ..reverse import vjp_flat as _vjp_flat
from ..transforms import jvp, vjp
from ..transpose import _pairing

__all__ = ["check_grads", "numerical_jvp"]

_DEFAULTS = {  # dtype kind/size -> (step, atol, rtol); the differences are always
    8: (1e-6, 1e-5, 1e-5),     # taken in float64 (see _hi)
    4: (1e-6, 2e-3, 2e-3),
}


def _hi(xs):
    """float32 / complex64 values as float64 / complex128 (others unchanged)."""
    out = []
    for x in xs:
        a = _np.asarray(x)
        if a.dtype == _np.float32 or a.dtype == _np.complex64:
            a = a.astype(_np.complex128 if a.dtype.kind == "c" else _np.float64)
            out.append(a if a.ndim else a.dtype.type(a))
        else:
            out.append(x)
    return out


def _like(vs, xs):
    """Directions ``vs`` in the dtypes of the points ``xs`` (float32 checks evaluate
    the derivative functions at float64 points for the differences)."""
    out = []
    for v, x in zip(vs, xs):
        dt = _np.result_type(x)
        a = _np.asarray(v)
        if a.dtype != dt:
            a = a.astype(dt)
        out.append(a if a.ndim else dt.type(a))
    return out


def _tols(leaves, eps, atol, rtol):
    size = 8
    for l in leaves:
        dt = _np.result_type(l)
        if dt in (_np.float32, _np.complex64):
            size = 4
    e, a, r = _DEFAULTS[size]
    return (eps or e), (a if atol is None else atol), (r if rtol is None else rtol)


def _random_like(x, rng):
    x = _np.asarray(x)
    v = rng.standard_normal(x.shape)
    if x.dtype.kind == "c":
        v = v + 1j * rng.standard_normal(x.shape)
    return v.astype(x.dtype) if x.ndim else x.dtype.type(v)


def _axpy(a, x, y):
    return _tree.tree_map(lambda p: p, [xi + a * yi for xi, yi in zip(x, y)])


def _flat_fun(f, tree):
    def g(*leaves):
        return f(*tree.unflatten(list(leaves)))
    return g


def _as_float(leaves):
    out = []
    for l in leaves:
        a = _np.asarray(l)
        if a.dtype.kind not in "fc":
            a = a.astype(_np.float64)
        out.append(a if a.ndim else a.dtype.type(a))
    return out


def _out_leaves(out):
    return [_np.asarray(o) for o in _tree.flatten(out)[0]]


def _pairs(a, b):
    """``(Re(sum(a * b)), sum(|a * b|))`` over the leaves ``a``, ``b``."""
    re = mag = 0.0
    for x, y in zip(a, b):
        r, m = _pairing(x, y)
        re, mag = re + r, mag + m
    return re, mag


def _pair(a, b):
    return _pairs(a, b)[0]


def numerical_jvp(f, args, tangents, eps=1e-6):
    """Central difference ``(f(x + eps t) - f(x - eps t)) / (2 eps)``, leaf by leaf."""
    plus = f(*[a + eps * t for a, t in zip(args, tangents)])
    minus = f(*[a - eps * t for a, t in zip(args, tangents)])
    return [(_np.asarray(p, dtype=_np.result_type(p, _np.float64)) - m) / (2 * eps)
            for p, m in zip(_out_leaves(plus), _out_leaves(minus))]


def _mismatch(name, ad, fd, atol, rtol, ref="central finite differences give"):
    """``(excess, message)`` for the worst entry of ``ad`` against ``fd``
    (``excess`` = error / allowed error, above 1 when out of tolerance), or
    ``None`` when every entry is within tolerance."""
    ad = _np.asarray(ad)
    fd = _np.asarray(fd)
    if ad.shape != fd.shape:
        return _np.inf, (f"check_grads: {name}: shape {ad.shape} from AD but "
                         f"{fd.shape} from finite differences")
    err = _np.abs(ad - fd)
    bound = atol + rtol * _np.abs(fd)
    bad = ~(err <= bound)
    if not _np.any(bad):
        return None
    with _np.errstate(divide="ignore", invalid="ignore"):
        ratio = _np.where(bad, _np.where(_np.isfinite(err), err / bound, _np.inf), 0.0)
    i = _np.unravel_index(_np.argmax(ratio), err.shape) if err.ndim else ()
    i = tuple(int(k) for k in i)
    return float(ratio[i]), (
        f"check_grads: {name}: AD gives {ad[i].item()!r}, {ref} "
        f"{fd[i].item()!r} (abs error {err[i]:.3g}, allowed {bound[i]:.3g}) at index {i}")


def _raise_worst(found, hint=""):
    """Raise the worst of ``found`` (results of :func:`_mismatch`), if any."""
    found = [f for f in found if f is not None]
    if found:
        raise AssertionError(max(found, key=lambda f: f[0])[1] + hint)


def _compare(name, ad, fd, atol, rtol, ref="central finite differences give"):
    _raise_worst([_mismatch(name, ad, fd, atol, rtol, ref)])


def check_grads(f, args, order=2, modes=("forward", "reverse"), atol=None, rtol=None,
                eps=None, seed=0):
    """Check derivatives of ``f`` at ``args`` up to ``order`` in each of ``modes``.

    ``args`` is a tuple of positional arguments (arrays, scalars or nested
    containers of them).  ``modes`` is a tuple of ``"forward"`` and/or
    ``"reverse"`` (or one of them as a string).  Raises ``AssertionError``
    describing the worst mismatch over every output and input; returns
    ``None`` when every check passes.  ``order`` is a positive int (0, a
    float or a bool is refused, as are empty ``modes`` and ``args`` with
    nothing to differentiate).  ``eps`` is the finite-difference step
    (default 1e-6: pass one suited to inputs far from unit scale); ``seed``
    picks the random directions.  Reverse mode is checked against the
    differences and, when forward mode is checked too, against the transpose
    of forward mode to rounding.
    """
    if not isinstance(args, (tuple, list)):
        raise TypeError("check_grads: args must be a tuple of positional arguments")
    if isinstance(order, (bool, _np.bool_)) or not isinstance(order, (int, _np.integer)):
        raise TypeError(f"check_grads: order must be a positive int (the highest "
                        f"derivative to check), got {order!r}")
    if order < 1:
        raise ValueError(f"check_grads: order={order} would check nothing; use 1 for "
                         f"first derivatives, 2 (the default) for second, ...")
    if isinstance(modes, str):
        modes = (modes,)
    if not modes:
        raise ValueError("check_grads: modes is empty, so nothing would be checked; "
                         "use 'forward' and/or 'reverse'")
    for m in modes:
        if m not in ("forward", "reverse"):
            raise ValueError(f"check_grads: unknown mode {m!r}; use 'forward' and/or 'reverse'")
    leaves, tree = _tree.flatten(tuple(args))
    if not leaves:
        raise ValueError(f"check_grads: args {args!r} hold no arrays or numbers, so there "
                         f"is nothing to differentiate; pass the point as a tuple of "
                         f"positional arguments, e.g. (x,)")
    leaves = _as_float(leaves)
    g = _flat_fun(f, tree)
    eps, atol, rtol = _tols(leaves, eps, atol, rtol)
    rng = _np.random.default_rng(seed)
    _check(g, leaves, order, modes, atol, rtol, eps, rng, "f")


def _check(g, leaves, order, modes, atol, rtol, eps, rng, label):
    if order < 1:
        return
    v = [_random_like(l, rng) for l in leaves]
    fd = numerical_jvp(g, _hi(leaves), _hi(v), eps)
    hint = (f" (finite differences with step eps={eps:g}; for inputs far from unit "
            f"scale, pass an eps= suited to them)")
    tl = None
    if "forward" in modes:
        _, tan = jvp(g, tuple(leaves), tuple(v))
        tl = _out_leaves(tan)
        _raise_worst([_mismatch(f"JVP of {label} (output {k})", a, b, atol, rtol)
                      for k, (a, b) in enumerate(zip(tl, fd))], hint)
        _check_batched_jvp(g, leaves, v, tl, atol, rtol, rng, label)

        def g_fwd(*xs, v=v):
            return jvp(g, tuple(xs), tuple(_like(v, xs)))[1]
        _check(g_fwd, leaves, order - 1, modes, atol, rtol, eps, rng, f"JVP of {label}")
    if "reverse" in modes:
        out = g(*leaves)
        outs, otree = _tree.flatten(out)
        u = [_random_like(_np.asarray(o), rng) for o in outs]
        _, back = vjp(g, *leaves)
        cts = back(otree.unflatten(u))
        lhs = _pair(cts, v)
        rhs = _pair(u, fd)
        pair_atol = atol * max(1.0, float(_np.sqrt(sum(_np.size(o) for o in outs))))
        found = _mismatch(f"VJP of {label} (<vjp(u), v> against <u, J v>)", lhs, rhs,
                          pair_atol, rtol)
        if found is None and tl is not None:
            found = _transpose_mismatch(label, cts, v, u, tl, leaves, 1e-3 * pair_atol)
        if found is not None:
            _locate_vjp_error(g, leaves, u, cts, eps, atol, rtol, label)
            _raise_worst([found], hint)
        _check_batched_vjp(g, leaves, u, cts, atol, rtol, rng, label)

        def g_rev(*xs, u=u, otree=otree):
            out, back = vjp(g, *xs)
            return back(otree.unflatten(_like(u, _tree.flatten(out)[0])))
        _check(g_rev, leaves, order - 1, modes, atol, rtol, eps, rng, f"VJP of {label}")


def _transpose_mismatch(label, cts, v, u, tl, leaves, floor):
    """Reverse mode against forward mode (already checked against finite
    differences): ``<vjp(u), v> = <u, jvp(v)>`` holds to rounding, so it is
    held to ``sqrt(eps)`` of ``sum |vjp(u) v| + sum |u jvp(v)|`` (plus
    ``floor``, a thousandth of the finite-difference check's absolute
    tolerance, for derivatives that are rounding noise around 0).  This
    catches a VJP that is off by less than the finite differences can resolve
    (1% in float32, one entry in thousands)."""
    (lhs, scale_l), (rhs, scale_r) = _pairs(cts, v), _pairs(u, tl)
    scale = scale_l + scale_r
    dts = [_np.result_type(l) for l in leaves]
    tiny = _np.sqrt(max(_np.finfo(d).eps if d.kind in "fc" else 2.2e-16 for d in dts))
    err = abs(lhs - rhs)
    allowed = tiny * scale + floor
    if not (_np.isfinite(lhs) and _np.isfinite(rhs)) or err <= allowed:
        return None
    return err / allowed, (
        f"check_grads: VJP of {label}: reverse mode does not transpose forward mode: "
        f"<vjp(u), v> = {lhs!r} but <u, jvp(v)> = {rhs!r} (abs error {err:.3g}, "
        f"allowed {allowed:.3g}) for random u, v")


#: a failed reverse check is traced to one entry of the VJP when the inputs
#: have at most this many entries (two evaluations of f per entry)
LOCATE_MAX_ENTRIES = 2000


def _locate_vjp_error(g, leaves, u, cts, eps, atol, rtol, label):
    """After a failed ``<vjp(u), v>`` check: compare the VJP entry by entry
    with central differences of ``<u, f>`` along each real unit direction and
    raise for the worst entry (returns if none is out of tolerance, or if
    the inputs are complex or too many to go through)."""
    c_leaves = _tree.flatten(cts)[0]
    if (sum(_np.size(l) for l in leaves) > LOCATE_MAX_ENTRIES
            or any(_np.result_type(l).kind == "c" for l in leaves)):
        return
    hi = _hi(leaves)
    zeros = [_np.zeros(_np.shape(l)) for l in hi]
    found = []
    for j, (leaf, c) in enumerate(zip(hi, c_leaves)):
        c = _np.zeros(_np.shape(leaf)) if c is None else _np.real(_np.asarray(c))
        fd = _np.empty(_np.shape(leaf))
        for idx in _np.ndindex(*_np.shape(leaf)):
            e = list(zeros)
            e[j] = _np.zeros(_np.shape(leaf))
            e[j][idx] = 1.0
            fd[idx] = _pair(u, numerical_jvp(g, hi, [x if _np.ndim(x) else x[()] for x in e], eps))
        found.append(_mismatch(f"VJP of {label} (input {j}, against central differences "
                               f"of <u, f> for a random cotangent u)", c, fd, atol, rtol))
    _raise_worst(found)


def _flat_outputs(g):
    return lambda ls: _tree.flatten(g(*ls))[0]


def _check_batched_jvp(g, leaves, v, tl, atol, rtol, rng, label):
    """The JVP along a batch ``[v, w]`` must give, row by row, the JVPs along
    ``v`` (``tl``, already checked) and ``w``."""
    w = [_random_like(l, rng) for l in leaves]
    _, tw = jvp(g, tuple(leaves), tuple(w))
    tw = _out_leaves(tw)
    batch = [_np.stack([_np.asarray(a), _np.asarray(b)]) for a, b in zip(v, w)]
    _, tb = _jvp_flat(_flat_outputs(g), list(leaves), batch)
    for k, (t, a, b) in enumerate(zip(tb, tl, tw)):
        t = _np.zeros((2,) + _np.shape(a), _np.result_type(a)) if t is None else _np.asarray(t)
        if t.dtype.kind == "c" and _np.asarray(a).dtype.kind != "c":
            t = t.real                     # as jvp returns it for a real output
        for r, want in ((0, a), (1, b)):
            _compare(f"JVP of {label} along a batch of 2 directions (output {k}, row {r})",
                     t[r], want, atol, rtol, ref="the single direction gives")


def _check_batched_vjp(g, leaves, u, cts, atol, rtol, rng, label):
    """The VJP of a batch ``[u, u2]`` of cotangents must give, row by row, the
    VJPs of ``u`` (``cts``, already checked) and ``u2``."""
    outs, back = _vjp_flat(_flat_outputs(g), list(leaves))
    u2 = [_random_like(_np.asarray(o), rng) for o in outs]
    c1 = _tree.flatten(cts)[0]
    c2 = back(u2)
    batch = [_np.stack([_np.asarray(a), _np.asarray(b)]) for a, b in zip(u, u2)]
    cb = back(batch)
    for j, (c, a, b) in enumerate(zip(cb, c1, c2)):
        if c is None and a is None and b is None:
            continue
        shape = _np.shape(leaves[j])
        zero = _np.zeros(shape)
        a = zero if a is None else _np.asarray(a)
        b = zero if b is None else _np.asarray(b)
        c = _np.zeros((2,) + shape) if c is None else _np.asarray(c)
        if _np.result_type(leaves[j]).kind != "c":     # as vjp returns them for a real input
            c, b = _np.real(c), _np.real(b)
        for r, want in ((0, a), (1, b)):
            _compare(f"VJP of {label} for a batch of 2 cotangents (input {j}, row {r})",
                     c[r], want, atol, rtol, ref="the single cotangent gives")
