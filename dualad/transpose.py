"""Deriving a missing rule from the other mode's rule.

A JVP rule is linear in its tangent, and a VJP rule is linear in its
cotangent; each is the transpose of the other.  Transposing a linear map is
what reverse mode does, so a missing rule is obtained by running the present
rule on a reverse-mode tape:

* VJP from JVP: sweep back through ``t -> jvp(t, ans, *args)`` seeded with ``g``;
* JVP from VJP: sweep back through ``g -> vjp(g, ans, *args)`` seeded with ``t``.

This needs the present rule to be written with registry operations that have
VJP rules of their own (true of every rule in dualad's tables).  Batched
tangents and cotangents pass through, since the sweep accepts a batch.
"""
from __future__ import annotations

import numpy as _np

from .tracer import primal_of


def _zeros_like(x):
    v = primal_of(x)
    return _np.zeros(_np.shape(v), dtype=_np.result_type(v))


def transpose_rule(rule, want, argnum):
    """A rule for mode ``want`` ('jvp' or 'vjp') from ``rule`` of the other mode."""
    from .reverse import vjp_flat

    if want == "vjp":
        def derived(g, ans, *args, **kwargs):
            t0 = _zeros_like(args[argnum])
            _, back = vjp_flat(lambda ts: [rule(ts[0], ans, *args, **kwargs)], [t0])
            return back([g])[0]
    else:
        def derived(t, ans, *args, **kwargs):
            g0 = _zeros_like(ans)
            _, back = vjp_flat(lambda gs: [rule(gs[0], ans, *args, **kwargs)], [g0])
            return back([t])[0]
    derived._derived = True
    return derived
