"""Deriving a missing rule from the other mode's rule.

A JVP rule is linear in its tangent, and a VJP rule is linear in its
cotangent; each is the transpose of the other.  Transposing a linear map is
what reverse mode does, so a missing rule is obtained by running the present
rule on a reverse-mode tape:

* VJP from JVP: sweep back through ``t -> jvp(t, ans, *args)`` seeded with ``g``;
* JVP from VJP: sweep back through ``g -> vjp(g, ans, *args)`` seeded with ``t``.

This needs the present rule to be written with registry operations that have
VJP rules of their own (true of every rule in dualad's tables).  A rule that
is not (raw NumPy on its tangent or cotangent, ``float(t)``...) fails on the
traced input: that failure is reported as the ``NotImplementedError`` of a
missing rule, naming the primitive and the mode.  Batched tangents and
cotangents pass through, since the sweep accepts a batch.
"""
from __future__ import annotations

import threading

import numpy as _np

from .registry import _MODE_NAMES, missing_rule_error
from .tracer import Tracer, primal_of
from .tree import flatten


def _zeros_like(x):
    v = primal_of(x)
    return _np.zeros(_np.shape(v), dtype=_np.result_type(v))


def _probe_like(x):
    """A fixed direction of the shape of ``x``: no zero entries, mixed signs
    (and phases, for complex ``x``), so that a rule's value at it shows
    whether the rule is linear."""
    v = primal_of(x)
    dt = _np.result_type(v)
    dt = dt if dt.kind in "fc" else _np.dtype(_np.float64)
    k = _np.arange(_np.size(v), dtype=float)
    r = (1.0 + 0.5 * _np.cos(1.3 * k + 0.4)) * _np.where(k % 2 == 0, 1.0, -1.0)
    if dt.kind == "c":
        r = r * _np.exp(1j * (0.9 * k + 0.3))
    return r.astype(dt).reshape(_np.shape(v))


def _pairing(a, b):
    """``Re(sum(a * b))`` and ``sum(|a * b|)`` on plain values (``b``
    broadcast over ``a``'s leading batch)."""
    p = _np.asarray(primal_of(a)) * _np.asarray(primal_of(b))
    return float(_np.sum(p.real)), float(_np.sum(_np.abs(p)))


def _level_of(d, ans, args, kwargs):
    """The highest trace level among the values a rule is called with (0 if
    none is traced)."""
    level = 0
    for v in (d, ans, *args, *kwargs.values()):
        if isinstance(v, Tracer):
            if v._trace.level > level:
                level = v._trace.level
        elif isinstance(v, (list, tuple, dict)):
            for leaf in flatten(v)[0]:
                if isinstance(leaf, Tracer) and leaf._trace.level > level:
                    level = leaf._trace.level
    return level


def transpose_rule(rule, want, argnum, name, check=False):
    """A rule for mode ``want`` ('jvp' or 'vjp') of primitive ``name``, from
    ``rule`` of the other mode.

    With ``check`` (user primitives), the rule is recorded at a fixed nonzero
    direction ``r`` instead of at 0, and its linearity is checked on every
    call: for a linear rule ``L``, ``<L^T d, r> = <d, L r>``.  A rule that
    fails this (``t * t``, ``sin(t)``) raises the ``NotImplementedError`` of a
    missing rule instead of giving a silently wrong transpose."""
    from .reverse import vjp_flat

    given = "vjp" if want == "jvp" else "jvp"
    runs_on = "tangent" if given == "jvp" else "cotangent"     # what the given rule takes
    like = "args" if want == "vjp" else "ans"
    odd_checked = [not check]

    def not_linear():
        return missing_rule_error(
            name, want, argnum,
            f": its {_MODE_NAMES[given]} rule is not linear in its "
            f"{runs_on}, so it has no "
            f"transpose (a {given.upper()} rule must be linear in it)")

    running = threading.local()     # per thread: .levels, see derived

    def derived(d, ans, *args, **kwargs):
        # The given rule may call the primitive itself.  On values of an
        # outer transform (autograd's ``g * myexp(x)``) that needs this rule
        # again, at a lower level: each re-entry goes down, so it ends.  On
        # the tangent (or on anything at the level of a call still running)
        # it would transpose the same thing forever: refused.
        levels = getattr(running, "levels", None)
        if levels is None:
            levels = running.levels = []
        level = _level_of(d, ans, args, kwargs)
        if levels and level >= levels[-1]:
            raise missing_rule_error(
                name, want, argnum,
                f": its {_MODE_NAMES[given]} rule calls '{name}' itself on its "
                f"{runs_on}, so transposing it would never end")
        levels.append(level)
        try:
            return transposed(d, ans, *args, **kwargs)
        finally:
            levels.pop()

    def transposed(d, ans, *args, **kwargs):
        x = args[argnum] if like == "args" else ans
        point = _probe_like(x) if check else _zeros_like(x)
        try:
            outs, back = vjp_flat(lambda ds: [rule(ds[0], ans, *args, **kwargs)], [point])
        except (TypeError, NotImplementedError) as e:    # the rule cannot be traced
            raise missing_rule_error(
                name, want, argnum,
                f": its {_MODE_NAMES[given]} rule cannot be transposed, since it "
                f"does not run on a traced {runs_on} "
                f"({type(e).__name__}: {e}); write it with dualad.numpy operations, "
                f"not raw NumPy, for that") from e
        res = back([d])[0]
        if check and res is not None:
            lhs, scale_l = _pairing(res, point)
            rhs, scale_r = _pairing(d, outs[0])
            tol = _np.sqrt(_np.finfo(_np.result_type(primal_of(point))).eps)
            if (_np.isfinite(lhs) and _np.isfinite(rhs)
                    and abs(lhs - rhs) > tol * (scale_l + scale_r) + 1e-300):
                raise not_linear()
            if not odd_checked[0]:
                # once per rule: a linear rule is odd, L(-r) = -L(r); this catches
                # the nonlinear rules the pairing cannot (|t|, max(t, 0))
                y = _np.asarray(primal_of(outs[0]))
                y_neg = _np.asarray(primal_of(rule(-point, ans, *args, **kwargs)))
                if not _np.allclose(y_neg, -y, rtol=tol, atol=tol * _np.max(_np.abs(y),
                                                                            initial=0.0)):
                    raise not_linear()
                odd_checked[0] = True
        return res
    derived._derived = True
    return derived
