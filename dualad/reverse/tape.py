"""The Wengert tape and the backward sweep.

A :class:`Tape` is a flat list of records in execution order, one per
primitive call that depended on a traced input::

    (primitive, [(argnum, input slot), ...], argument values, kwargs, output)

(the kwargs of the call, plus ``residuals`` for primitives whose forward
pass hands its VJP rules intermediate results).

The slot of a record is its index in the list; inputs of the transform are
records of their own (``None``).  The backward sweep walks the list once from
the end, keeping one cotangent per slot and calling each primitive's VJP rule
for every traced argument.  There is no recursion and no graph search, so a
chain of 10^5 operations costs 10^5 steps.  Cotangents may carry a leading
batch, which is how :func:`dualad.jacrev` gets all rows in one sweep.

A tape belongs to one transform call (and so to one thread); it is dropped with
the function that holds it.

>>> import numpy as np
>>> import dualad.numpy as dnp
>>> from dualad.reverse import vjp_flat
>>> outs, back = vjp_flat(lambda x: [x[0] * x[0]], [np.float64(3.0)])
>>> float(back([np.float64(1.0)])[0])
6.0
"""
from __future__ import annotations

import numpy as _np

from ..tracer import Trace, Tracer, check_not_escaped, escaped_error, primal_of

_ndarray = _np.ndarray

__all__ = ["Tape", "Var", "vjp_flat"]

#: arrays smaller than this are kept on the tape even when no rule reads them
#: (a placeholder saves nothing on small arrays); the test suite sets it to 0
#: so that every declaration of :func:`dualad.registry.vjp_reads` is exercised
STUB_MIN_SIZE = 4096

_STUBS = {}


def _stub(v):
    """A placeholder for a value no VJP rule reads: same shape and dtype, NaN
    everywhere (so a wrong declaration shows), no memory.  Views, small arrays
    and non-float arrays stay (replacing them would free nothing)."""
    p = v if type(v) is _ndarray else primal_of(v)   # under outer transforms' values
    if (type(p) is not _ndarray or p.size < STUB_MIN_SIZE or p.base is not None
            or p.dtype.kind not in "fc"):
        return v
    return _nan_array(p.dtype, p.shape)


def _nan_like(v):
    """A NaN placeholder with the shape and dtype of ``v`` (any level of
    tracing; non-float dtypes become float64)."""
    v = primal_of(v)
    dt = _np.result_type(v)
    return _nan_array(dt if dt.kind in "fc" else _np.dtype(_np.float64), _np.shape(v))


def _nan_array(dtype, shape):
    """A read-only array of NaN of ``shape`` and ``dtype``, cached: it takes
    no memory."""
    key = (dtype, shape)
    s = _STUBS.get(key)
    if s is None:
        if len(_STUBS) > 256:            # bounded: shapes vary in long sessions
            _STUBS.clear()
        s = _STUBS[key] = _np.broadcast_to(_np.full((), _np.nan, dtype=dtype), shape)
    return s


def _plan(reads, key):
    """``(keep ans, positions to replace by placeholders)`` for a record with
    ``key[0]`` values whose traced arguments are ``key[1:]``; ``False`` when a
    rule has no declaration (keep everything)."""
    keep_ans = False
    keep = set()
    for argnum in key[1:]:
        r = reads.get(argnum)
        if r is None:                 # an undeclared rule: keep everything
            return False
        keep_ans = keep_ans or r[0]
        keep |= r[1]
    return keep_ans, tuple(i for i in range(key[0]) if i not in keep)


def _saved(reads, key, vals, ans):
    """(values, output) as the record keeps them, given the rules' declaration
    (``key``: see :func:`_plan`)."""
    plans = reads.plans
    plan = plans.get(key)
    if plan is None:
        if len(plans) > 256:          # bounded: many-argument calls vary their traced subset
            plans.clear()
        plan = plans[key] = _plan(reads, key)
    if plan is False:
        return vals, ans
    keep_ans, stub = plan
    if stub:
        vals = list(vals)
        for i in stub:
            vals[i] = _stub(vals[i])
    return vals, (ans if keep_ans else _stub(ans))


#: the keys of :func:`_saved` for one-argument and two-argument calls
_UNARY = (1, 0)
_FIRST, _SECOND, _BOTH = (2, 0), (2, 1), (2, 0, 1)


def _with_residuals(prim, vals, kwargs):
    """``(ans, kwargs of the record)``: the forward pass of a primitive whose
    VJP rules take ``residuals=`` (see :func:`dualad.registry.vjp_residuals`)."""
    ans, res = prim.vjp_fwd(*vals, **kwargs)
    return ans, {**kwargs, "residuals": res}


class _Closed:
    """The records of a tape whose function has returned.  The sweep (and the
    transforms' bookkeeping) read and release them; recording more raises: only a
    value that escaped the transform can reach a finished tape, and its records
    would be wrong (and would pile up on a tape nobody sweeps)."""

    __slots__ = ("items",)

    def __init__(self, items):
        self.items = items

    def append(self, record):
        raise escaped_error(used=True)

    def clear(self):
        self.items.clear()

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


class Var(Tracer):
    """A value recorded on a :class:`Tape`, at slot ``_slot``."""

    __slots__ = ("_value", "_trace", "_slot")

    def __init__(self, value, trace, slot):
        self._value = value
        self._trace = trace
        self._slot = slot


class Tape(Trace):
    """One reverse-mode transform in progress: the records and the sweep."""

    __slots__ = ("records",)

    def __init__(self):
        super().__init__()
        self.records = []

    def process(self, prim, args, kwargs):
        recs = self.records
        if len(args) == 1:                      # the common unary case
            a = args[0]                         # the only tracer, so one of ours
            v = a._value
            if isinstance(v, Tracer):
                ans = prim(v, **kwargs)
                big = True                      # a traced value: let _saved look
            else:
                if prim.vjp_fwd is None:
                    ans = prim.impl(v, **kwargs)
                else:
                    ans, kwargs = _with_residuals(prim, (v,), kwargs)
                big = type(v) is _ndarray or type(ans) is _ndarray
            parents = ((0, a._slot),)
            reads = prim.vjp_reads
            if big and reads is not None:
                sv, sa = _saved(reads, _UNARY, (v,), ans)
                recs.append((prim, parents, sv, kwargs, sa))
            else:
                recs.append((prim, parents, (v,), kwargs, ans))
            return Var(ans, self, len(recs) - 1)
        if len(args) == 2:                      # the common binary case
            a, b = args
            if type(a) is Var and a._trace is self:
                va = a._value
                if type(b) is Var and b._trace is self:
                    vb = b._value
                    parents = ((0, a._slot), (1, b._slot))
                    key = _BOTH
                else:
                    vb = b
                    parents = ((0, a._slot),)
                    key = _FIRST
            else:                               # then b is ours
                va, vb = a, b._value
                parents = ((1, b._slot),)
                key = _SECOND
            if isinstance(va, Tracer) or isinstance(vb, Tracer):
                ans = prim(va, vb, **kwargs)
                big = True
            else:
                if prim.vjp_fwd is None:
                    ans = prim.impl(va, vb, **kwargs)
                else:
                    ans, kwargs = _with_residuals(prim, (va, vb), kwargs)
                big = type(ans) is _ndarray
            reads = prim.vjp_reads
            if big and reads is not None:
                sv, sa = _saved(reads, key, (va, vb), ans)
                recs.append((prim, parents, sv, kwargs, sa))
            else:
                recs.append((prim, parents, (va, vb), kwargs, ans))
            return Var(ans, self, len(recs) - 1)
        vals = list(args)
        parents = []
        nested = False
        for i, a in enumerate(args):
            if isinstance(a, Tracer):
                if a._trace is self:
                    v = vals[i] = a._value
                    parents.append((i, a._slot))
                    if isinstance(v, Tracer):
                        nested = True
                else:
                    nested = True
        if nested:
            ans = prim(*vals, **kwargs)
        elif prim.vjp_fwd is None:
            ans = prim.impl(*vals, **kwargs)
        else:
            ans, kwargs = _with_residuals(prim, vals, kwargs)
        if prim.vjp_reads is not None:
            key = (len(vals),) + tuple(argnum for argnum, _ in parents)
            sv, sa = _saved(prim.vjp_reads, key, vals, ans)
            recs.append((prim, parents, sv, kwargs, sa))
        else:
            recs.append((prim, parents, vals, kwargs, ans))
        return Var(ans, self, len(recs) - 1)

    def input(self, value):
        self.records.append(None)
        return Var(value, self, len(self.records) - 1)

    def backward(self, seeds, wanted, consume=False, tangent_only=None):
        """Sweep back from ``seeds`` ({slot: cotangent}); cotangents of ``wanted`` slots.

        Entries are ``None`` where no path connects a wanted slot to a seed.
        With ``tangent_only`` (a forward trace, see :func:`_tangent_only`)
        the cotangents of the inputs are computed as tangents of that trace
        only: entries for inputs are then :class:`TangentOnly` (or ``None``).
        """
        recs = self.records
        if type(recs) is _Closed:
            recs = recs.items
        if not seeds:
            return [None] * len(wanted)
        top = max(seeds)
        if tangent_only is not None:
            _tangent_only(recs, top, seeds, tangent_only)
        cts = [None] * (top + 1)
        for s, g in seeds.items():
            cts[s] = g if cts[s] is None else cts[s] + g
        for i in range(top, -1, -1):
            g = cts[i]
            if g is None:
                continue
            rec = recs[i]
            if rec is None:          # an input: keep its cotangent
                continue
            cts[i] = None
            prim, parents, vals, kwargs, ans = rec
            if consume:              # a one-shot sweep drops each record once used
                recs[i] = rec = None
            rules = prim.vjps
            for argnum, p in parents:
                c = rules[argnum](g, ans, *vals, **kwargs)
                if c is not None:
                    old = cts[p]
                    cts[p] = c if old is None else old + c
        return [cts[s] if s <= top else None for s in wanted]


class TangentOnly:
    """A cotangent of which only the tangent at one forward trace is wanted
    (``hvp`` wants the derivative of the gradient, not the gradient): the
    sweep never computes the gradient's own value at the inputs, nor at the
    slots that reach them only through rules linear in the cotangent."""

    __slots__ = ("tangent",)

    def __init__(self, tangent):
        self.tangent = tangent

    def __add__(self, other):          # contributions of several records
        return TangentOnly(self.tangent + other.tangent)


def _tangent_rule(rule, trace, linear):
    """``rule`` as it feeds a tangent-only slot.

    ``linear``: the values the rule reads carry no tangent at ``trace``, so the
    rule is linear in the cotangent with constant coefficients and the
    tangent of its result is the rule applied to the cotangent's tangent
    (no primal computed).  Otherwise the rule runs on the traced values and
    its result's tangent is kept.
    """
    if linear:
        def tangent_rule(g, ans, *vals, **kwargs):
            t = g.tangent if type(g) is TangentOnly else trace.tangent_of(g)
            if t is None:
                return None
            c = rule(t, trace.strip(ans), *[trace.strip(v) for v in vals], **kwargs)
            return None if c is None else TangentOnly(c)
    else:
        def tangent_rule(g, ans, *vals, **kwargs):
            c = rule(g, ans, *vals, **kwargs)
            t = None if c is None else trace.tangent_of(c)
            return None if t is None else TangentOnly(t)
    return tangent_rule


class _TangentOnlyRules:
    """Stands in for a record's primitive in a tangent-only sweep: the rules
    of the arguments whose slots want tangents only give :class:`TangentOnly`.
    ``linear_only``: every argument is such a slot, reached by a linear rule,
    so the record itself needs only its cotangent's tangent."""

    __slots__ = ("vjps", "linear_only")

    def __init__(self, prim, parents, wanted, vals, ans, trace):
        rules = prim.vjps
        declared = prim.vjp_reads
        self.vjps = {}
        self.linear_only = True
        for argnum, p in parents:
            if p not in wanted:               # a full cotangent: the usual rule
                self.vjps[argnum] = rules[argnum]
                self.linear_only = False
                continue
            reads = None if declared is None else declared.get(argnum)
            linear = reads is not None and not (
                (reads[0] and trace.strip(ans) is not ans)
                or any(trace.strip(vals[j]) is not vals[j] for j in reads[1]))
            self.vjps[argnum] = _tangent_rule(rules[argnum], trace, linear)
            self.linear_only = self.linear_only and linear


def _tangent_only(recs, top, seeds, trace):
    """Rewrite the records (up to ``top``) whose arguments want only the
    tangent at ``trace``.  Those slots are the inputs (``None`` records) not
    seeded themselves and, working forward, every record all of whose rules
    are linear and feed such slots (its own cotangent is then needed as a
    tangent only).  The sweep is one-shot, so rewriting in place is safe."""
    wanted = set()
    for i in range(top + 1):
        rec = recs[i]
        if rec is None:
            if i not in seeds:            # an input that is also an output keeps it all
                wanted.add(i)
            continue
        parents = rec[1]
        if any(p in wanted for _, p in parents):
            prim, parents, vals, kwargs, ans = rec
            rules = _TangentOnlyRules(prim, parents, wanted, vals, ans, trace)
            recs[i] = (rules, parents, vals, kwargs, ans)
            if rules.linear_only and i not in seeds:
                wanted.add(i)


def vjp_flat(fun, primals):
    """Record ``fun`` on a new tape; return ``(outputs, backward)``.

    ``fun`` maps a list of inputs to a list of outputs.  ``backward(cts)``
    takes one cotangent per output (``None`` for zero; all with a common
    leading batch, if any) and returns one per input (``None`` where an input
    does not reach any output).
    """
    tape = Tape()
    inputs = [tape.input(p) for p in primals]
    in_slots = [v._slot for v in inputs]
    try:
        outs = fun(inputs)
    finally:
        tape.done = True            # the sweep records nothing: values of this tape end here
        tape.records = _Closed(tape.records)
    out_vals, out_slots = [], []
    for o in outs:
        if type(o) is Var and o._trace is tape:
            out_vals.append(o._value)
            out_slots.append(o._slot)
        else:
            out_vals.append(o)
            out_slots.append(None)
    check_not_escaped(out_vals)

    def backward(cts, consume=False, tangent_only=None):
        check_not_escaped(cts)
        seeds = {}
        for s, g in zip(out_slots, cts):
            if s is not None and g is not None:
                seeds[s] = seeds[s] + g if s in seeds else g
        if tangent_only is None:
            return tape.backward(seeds, in_slots, consume)
        # only the inputs' tangents at forward trace ``tangent_only`` are wanted:
        # their values are NaN placeholders (see TangentOnly)
        res = tape.backward(seeds, in_slots, True, tangent_only)
        return [tangent_only.lift(_nan_like(tangent_only.strip(p)), c.tangent)
                if type(c) is TangentOnly else c for c, p in zip(res, primals)]

    backward.tape = tape
    return out_vals, backward
