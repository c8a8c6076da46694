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
values with ``Re(sum(a * b))`` (no conjugate).

:mod:`dualad.testing.strategies` has Hypothesis strategies for arrays and
shapes suited to derivative checks.
"""
from __future__ import annotations

import numpy as _np

from .. import tree as _tree
from ..transforms import jvp, vjp

__all__ = ["check_grads", "numerical_jvp"]

_DEFAULTS = {  # dtype kind/size -> (step, atol, rtol)
    8: (1e-6, 1e-5, 1e-5),
    4: (1e-2, 1e-1, 5e-2),
}


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


def _pair(a, b):
    return float(sum(_np.real(_np.sum(_np.asarray(x) * _np.asarray(y))) for x, y in zip(a, b)))


def numerical_jvp(f, args, tangents, eps=1e-6):
    """Central difference ``(f(x + eps t) - f(x - eps t)) / (2 eps)``, leaf by leaf."""
    plus = f(*[a + eps * t for a, t in zip(args, tangents)])
    minus = f(*[a - eps * t for a, t in zip(args, tangents)])
    return [(_np.asarray(p, dtype=_np.result_type(p, _np.float64)) - m) / (2 * eps)
            for p, m in zip(_out_leaves(plus), _out_leaves(minus))]


def _compare(name, ad, fd, atol, rtol):
    ad = _np.asarray(ad)
    fd = _np.asarray(fd)
    if ad.shape != fd.shape:
        raise AssertionError(f"check_grads: {name}: shape {ad.shape} from AD but "
                             f"{fd.shape} from finite differences")
    err = _np.abs(ad - fd)
    bound = atol + rtol * _np.abs(fd)
    bad = ~(err <= bound)
    if _np.any(bad):
        i = _np.unravel_index(_np.argmax(_np.where(bad, err - bound, -_np.inf)), err.shape) if err.ndim else ()
        raise AssertionError(
            f"check_grads: {name}: AD gives {ad[i]!r}, central finite differences give "
            f"{fd[i]!r} (abs error {err[i]:.3g}, allowed {bound[i]:.3g}) at index {i}")


def check_grads(f, args, order=2, modes=("forward", "reverse"), atol=None, rtol=None,
                eps=None, seed=0):
    """Check derivatives of ``f`` at ``args`` up to ``order`` in each of ``modes``.

    ``args`` is a tuple of positional arguments (arrays, scalars or nested
    containers of them).  Raises ``AssertionError`` describing the worst
    mismatch; returns ``None`` when every check passes.
    """
    if not isinstance(args, (tuple, list)):
        raise TypeError("check_grads: args must be a tuple of positional arguments")
    for m in modes:
        if m not in ("forward", "reverse"):
            raise ValueError(f"check_grads: unknown mode {m!r}; use 'forward' and/or 'reverse'")
    leaves, tree = _tree.flatten(tuple(args))
    leaves = _as_float(leaves)
    g = _flat_fun(f, tree)
    eps, atol, rtol = _tols(leaves, eps, atol, rtol)
    rng = _np.random.default_rng(seed)
    _check(g, leaves, order, modes, atol, rtol, eps, rng, "f")


def _check(g, leaves, order, modes, atol, rtol, eps, rng, label):
    if order < 1:
        return
    v = [_random_like(l, rng) for l in leaves]
    fd = numerical_jvp(g, leaves, v, eps)
    if "forward" in modes:
        _, tan = jvp(g, tuple(leaves), tuple(v))
        tl = _out_leaves(tan)
        for k, (a, b) in enumerate(zip(tl, fd)):
            _compare(f"JVP of {label} (output {k})", a, b, atol, rtol)

        def g_fwd(*xs, v=v):
            return jvp(g, tuple(xs), tuple(v))[1]
        _check(g_fwd, leaves, order - 1, modes, atol, rtol, eps, rng, f"JVP of {label}")
    if "reverse" in modes:
        out = g(*leaves)
        outs, otree = _tree.flatten(out)
        u = [_random_like(_np.asarray(o), rng) for o in outs]
        _, back = vjp(g, *leaves)
        cts = back(otree.unflatten(u))
        lhs = _pair(cts, v)
        rhs = _pair(u, fd)
        _compare(f"VJP of {label} (<vjp(u), v> against <u, J v>)", lhs, rhs,
                 atol * max(1.0, float(_np.sqrt(sum(_np.size(o) for o in outs)))), rtol)

        def g_rev(*xs, u=u, otree=otree):
            _, back = vjp(g, *xs)
            return back(otree.unflatten(u))
        _check(g_rev, leaves, order - 1, modes, atol, rtol, eps, rng, f"VJP of {label}")
