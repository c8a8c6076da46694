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

from ..tracer import Trace, Tracer, check_not_escaped, escaped_error

__all__ = ["Dual", "JVPTrace", "jvp_flat"]


class Dual(Tracer):
    """A primal value with its tangent(s), belonging to one :class:`JVPTrace`.

    Under a lazy trace the tangent may be *pending*: ``_job`` then holds what
    computes it, and reading :attr:`tangent` computes it (and the pending
    tangents it depends on) once.
    """

    __slots__ = ("_value", "_tangent", "_trace", "_job")

    def __init__(self, value, tangent, trace, job=None):
        self._value = value
        self._tangent = tangent
        self._trace = trace
        self._job = job

    @property
    def primal(self):
        return self._value

    @property
    def tangent(self):
        if self._job is not None:
            _force(self)
        return self._tangent


def _tangent_out(prim, nargs, tans, ans, vals, kwargs):
    """The output tangent of ``prim`` from its arguments' tangents
    ``[(argnum, tangent), ...]`` (all non-zero), or ``None`` (zero)."""
    if prim.jvp_joint is not None:
        full = [None] * nargs
        for i, ti in tans:
            full[i] = ti
        return prim.jvp_joint(full, ans, *vals, **kwargs)
    rules = prim.jvps
    t = None
    for i, ti in tans:
        c = rules[i](ti, ans, *vals, **kwargs)
        if c is not None:
            t = c if t is None else t + c
    return t


def _force(root):
    """Compute the pending tangent of ``root`` and the pending ones it needs,
    iteratively (no recursion, so long chains are fine)."""
    stack = [root]
    while stack:
        d = stack[-1]
        job = d._job
        if job is None:
            stack.pop()
            continue
        prim, nargs, parents, ans, vals, kwargs = job
        waiting = [p for _, p in parents if p._job is not None]
        if waiting:
            stack.extend(waiting)
            continue
        stack.pop()
        tans = [(i, p._tangent) for i, p in parents if p._tangent is not None]
        d._tangent = _tangent_out(prim, nargs, tans, ans, vals, kwargs) if tans else None
        d._job = None


#: ``JVPTrace.lazy`` once the transform has returned: truthy, so ``process``
#: takes the lazy branch, which raises (a value that escaped the transform is
#: being used); the eager path pays nothing for the check
_FINISHED = "finished"


class JVPTrace(Trace):
    """One forward-mode transform in progress.

    ``lazy=True`` defers every tangent until something reads it.  Forward-over-
    reverse (``hvp``, ``hessian``) uses it: the tape's rules read only some of
    the forward values (``x`` in the rule of ``x ** 2``, not ``ans`` of a sum),
    so the tangents nobody reads -- often a third of the forward pass -- are
    never computed.  Eager is the default: it frees intermediates as it goes.
    """

    __slots__ = ("lazy",)

    def __init__(self, lazy=False):
        super().__init__()
        self.lazy = lazy

    def process(self, prim, args, kwargs):
        if self.lazy:
            return self._process_lazy(prim, args, kwargs)
        if len(args) == 1 and prim.jvp_joint is None:   # the common unary case
            a = args[0]                                  # the only tracer: ours
            v = a._value
            ans = prim(v, **kwargs) if isinstance(v, Tracer) else prim.impl(v, **kwargs)
            t = a.tangent
            if t is not None:
                t = prim.jvps[0](t, ans, v, **kwargs)
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
        vals, parents, ans = self._primal(prim, args, kwargs)
        tans = [(i, ti) for i, p in parents if (ti := p.tangent) is not None]
        t = _tangent_out(prim, len(args), tans, ans, vals, kwargs)
        return ans if t is None else Dual(ans, t, self)

    def _primal(self, prim, args, kwargs):
        """(argument values, [(argnum, our Dual)], output value)."""
        vals = list(args)
        parents = []
        nested = False
        for i, a in enumerate(args):
            if isinstance(a, Tracer):
                if a._trace is self:
                    v = vals[i] = a._value
                    parents.append((i, a))
                    if isinstance(v, Tracer):
                        nested = True
                else:
                    nested = True
        ans = prim(*vals, **kwargs) if nested else prim.impl(*vals, **kwargs)
        return vals, parents, ans

    def _process_lazy(self, prim, args, kwargs):
        if self.lazy is _FINISHED:
            raise escaped_error(used=True)
        if len(args) == 1:                               # the only tracer: ours
            a = args[0]
            v = a._value
            ans = prim(v, **kwargs) if isinstance(v, Tracer) else prim.impl(v, **kwargs)
            return Dual(ans, None, self, (prim, 1, ((0, a),), ans, (v,), kwargs))
        if len(args) == 2:
            a, b = args
            if type(a) is Dual and a._trace is self:
                va = a._value
                if type(b) is Dual and b._trace is self:
                    vb = b._value
                    parents = ((0, a), (1, b))
                else:
                    vb = b
                    parents = ((0, a),)
            else:                                        # then b is ours
                va, vb = a, b._value
                parents = ((1, b),)
            if isinstance(va, Tracer) or isinstance(vb, Tracer):
                ans = prim(va, vb, **kwargs)
            else:
                ans = prim.impl(va, vb, **kwargs)
            return Dual(ans, None, self, (prim, 2, parents, ans, (va, vb), kwargs))
        vals, parents, ans = self._primal(prim, args, kwargs)
        return Dual(ans, None, self, (prim, len(args), parents, ans, vals, kwargs))

    def lift(self, value, tangent):
        return Dual(value, tangent, self)

    def unwrap(self, x):
        """(primal, tangent-or-None) of ``x`` at this trace's level."""
        return self.strip(x), self.tangent_of(x)

    def strip(self, x):
        """``x`` without this trace's wrapper (its tangent is not computed)."""
        if type(x) is Dual and x._trace is self:
            return x._value
        return x

    def tangent_of(self, x):
        """The tangent of ``x`` at this trace's level, ``None`` for zero."""
        if type(x) is Dual and x._trace is self:
            return x.tangent
        return None


def jvp_flat(fun, primals, tangents, trace=None):
    """Push ``tangents`` through ``fun`` on flat lists of values.

    ``fun`` maps a list of inputs to a list of outputs.  Tangents may carry a
    common leading batch; output tangents are ``None`` where an output does not
    depend on the inputs.  Returns ``(outputs, output_tangents)``.
    """
    check_not_escaped(tangents)
    trace = trace or JVPTrace()
    inputs = [Dual(p, t, trace) for p, t in zip(primals, tangents)]
    try:
        outs = fun(inputs)
    finally:
        trace.done = True
    out_vals, out_tans = [], []
    for o in outs:
        v, t = trace.unwrap(o)
        out_vals.append(v)
        out_tans.append(t)
    check_not_escaped(out_vals)
    trace.lazy = _FINISHED          # later uses of this trace's values raise
    return out_vals, out_tans
