"""The dual tensor and the forward (JVP) trace.

A :class:`Dual` holds a primal value and its tangent.  The tangent has shape
``batch + primal.shape``: with an empty batch it is one directional
derivative, with a batch of ``k`` it is ``k`` directions pushed through in one
pass (how :func:`dualad.jacfwd` gets a whole Jacobian).  An absent tangent is
never stored: a value that does not depend on the trace's inputs is simply not
a :class:`Dual` (the symbolic zero).

>>> import numpy as np
>>> from dualad.forward import jvp_flat
>>> import dualad.numpy as dnp
>>> out, tan = jvp_flat(lambda x: [dnp.sin(x[0])], [np.float64(0.0)], [np.float64(1.0)])
>>> float(tan[0])
1.0
"""
from __future__ import annotations

from ..tracer import Trace, Tracer

__all__ = ["Dual", "JVPTrace", "jvp_flat"]


class Dual(Tracer):
    """A primal value with its tangent(s), belonging to one :class:`JVPTrace`."""

    __slots__ = ("_value", "tangent", "_trace")

    def __init__(self, value, tangent, trace):
        self._value = value
        self.tangent = tangent
        self._trace = trace

    @property
    def primal(self):
        return self._value


class JVPTrace(Trace):
    """One forward-mode transform in progress."""

    __slots__ = ()

    def process(self, prim, args, kwargs):
        if len(args) == 1 and prim.jvp_joint is None:   # the common unary case
            a = args[0]                                  # the only tracer: ours
            v = a._value
            ans = prim(v, **kwargs) if isinstance(v, Tracer) else prim.impl(v, **kwargs)
            t = prim.jvps[0](a.tangent, ans, v, **kwargs)
            return ans if t is None else Dual(ans, t, self)
        if len(args) == 2:                               # the common binary case
            a, b = args
            ta = tb = None
            if type(a) is Dual and a._trace is self:
                va, ta = a._value, a.tangent
            else:
                va = a
            if type(b) is Dual and b._trace is self:
                vb, tb = b._value, b.tangent
            else:
                vb = b
            if isinstance(va, Tracer) or isinstance(vb, Tracer):
                ans = prim(va, vb, **kwargs)
            else:
                ans = prim.impl(va, vb, **kwargs)
            if prim.jvp_joint is not None:
                t = prim.jvp_joint([ta, tb], ans, va, vb, **kwargs)
                return ans if t is None else Dual(ans, t, self)
            rules = prim.jvps
            t = None if ta is None else rules[0](ta, ans, va, vb, **kwargs)
            if tb is not None:
                c = rules[1](tb, ans, va, vb, **kwargs)
                if c is not None:
                    t = c if t is None else t + c
            return ans if t is None else Dual(ans, t, self)
        vals = list(args)
        tans = []
        nested = False
        for i, a in enumerate(args):
            if isinstance(a, Tracer):
                if a._trace is self:
                    v = vals[i] = a._value
                    tans.append((i, a.tangent))
                    if isinstance(v, Tracer):
                        nested = True
                else:
                    nested = True
        ans = prim(*vals, **kwargs) if nested else prim.impl(*vals, **kwargs)
        if prim.jvp_joint is not None:
            full = [None] * len(args)
            for i, ti in tans:
                full[i] = ti
            t = prim.jvp_joint(full, ans, *vals, **kwargs)
            return ans if t is None else Dual(ans, t, self)
        rules = prim.jvps
        t = None
        for i, ti in tans:
            c = rules[i](ti, ans, *vals, **kwargs)
            if c is not None:
                t = c if t is None else t + c
        if t is None:
            return ans
        return Dual(ans, t, self)

    def lift(self, value, tangent):
        return Dual(value, tangent, self)

    def unwrap(self, x):
        """(primal, tangent-or-None) of ``x`` at this trace's level."""
        if type(x) is Dual and x._trace is self:
            return x._value, x.tangent
        return x, None


def jvp_flat(fun, primals, tangents, trace=None):
    """Push ``tangents`` through ``fun`` on flat lists of values.

    ``fun`` maps a list of inputs to a list of outputs.  Tangents may carry a
    common leading batch; output tangents are ``None`` where an output does not
    depend on the inputs.  Returns ``(outputs, output_tangents)``.
    """
    trace = trace or JVPTrace()
    inputs = [Dual(p, t, trace) for p, t in zip(primals, tangents)]
    outs = fun(inputs)
    out_vals, out_tans = [], []
    for o in outs:
        v, t = trace.unwrap(o)
        out_vals.append(v)
        out_tans.append(t)
    return out_vals, out_tans
