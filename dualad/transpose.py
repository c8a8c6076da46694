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

import numpy as _np

from .registry import _MODE_NAMES, missing_rule_error
from .tracer import primal_of


def _zeros_like(x):
    v = primal_of(x)
    return _np.zeros(_np.shape(v), dtype=_np.result_type(v))


def transpose_rule(rule, want, argnum, name):
    """A rule for mode ``want`` ('jvp' or 'vjp') of primitive ``name``, from
    ``rule`` of the other mode."""
    from .reverse import vjp_flat

    given = "vjp" if want == "jvp" else "jvp"

    def derived(d, ans, *args, **kwargs):
        zero = _zeros_like(args[argnum] if want == "vjp" else ans)
        try:
            _, back = vjp_flat(lambda ds: [rule(ds[0], ans, *args, **kwargs)], [zero])
        except (TypeError, NotImplementedError) as e:    # the rule cannot be traced
            raise missing_rule_error(
                name, want, argnum,
                f": its {_MODE_NAMES[given]} rule cannot be transposed, since it "
                f"does not run on a traced {'tangent' if given == 'jvp' else 'cotangent'} "
                f"(write it with dualad.numpy operations, not raw NumPy, for that)") from e
        return back([d])[0]
    derived._derived = True
    return derived
