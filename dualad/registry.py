"""The primitive registry: the one table both differentiation modes read.

A :class:`Primitive` holds a plain NumPy implementation, one JVP rule and one
VJP rule per positional argument.  Calling a primitive on untraced values goes
straight to the implementation; calling it on a traced value hands the call to
the innermost trace among its arguments (see :mod:`dualad.tracer`).

Rule signatures (``batch`` means any number of leading axes)::

    jvp rule:  rule(t, ans, *args, **kwargs)  -> tangent of ``ans``
               t has shape batch + shape(args[i]); the result batch + shape(ans)
    vjp rule:  rule(g, ans, *args, **kwargs)  -> cotangent of ``args[i]``
               g has shape batch + shape(ans); the result batch + shape(args[i])

Rules are written with registry operations (``dualad.numpy``), never raw NumPy,
so that applying a rule to traced values is differentiated in turn.  A rule
given as ``None`` means "zero derivative in this argument".

Example
-------
>>> import dualad as ad, dualad.numpy as dnp
>>> @ad.primitive
... def cube(x):
...     return x * x * x
>>> ad.defjvp(cube, lambda t, ans, x: 3 * x * x * t)
>>> ad.defvjp(cube, lambda ans, x: lambda g: 3 * x * x * g)
>>> float(ad.grad(cube)(2.0))
12.0
"""
from __future__ import annotations

import functools
import weakref

from .tracer import Tracer, ndim_of, shape_of, strip_all

__all__ = [
    "Primitive", "primitive", "defjvp", "defvjp", "defvjp_direct",
    "defjvp_varargs", "defvjp_varargs", "defjvp_joint", "nondifferentiable", "vjp_reads",
    "vjp_residuals", "REGISTRY",
]

#: every primitive, by name (library names are unique: "sin", "linalg.inv",
#: "special.gammaln"): the table the coverage docs and tests read.  Entries are
#: weak: a primitive nobody holds any more (one a user function defines at every
#: call) leaves the table with it
REGISTRY: "weakref.WeakValueDictionary[str, Primitive]" = weakref.WeakValueDictionary()


def _zero_rule(*args, **kwargs):
    return None


class _Rules(dict):
    """argnum -> rule; a missing entry is derived, or raises a clear error."""

    __slots__ = ("prim", "mode")

    def __init__(self, prim, mode):
        super().__init__()
        self.prim = prim
        self.mode = mode

    def __missing__(self, argnum):
        rule = self.prim._derive_rule(self.mode, argnum)
        self[argnum] = rule
        return rule


class Primitive:
    """A differentiable function known to both modes.

    Use :func:`primitive` to make one; attach rules with :func:`defjvp` and
    :func:`defvjp`.
    """

    __slots__ = ("name", "impl", "jvps", "vjps", "nondiff", "jvp_joint", "_jvp_varargs",
                 "_vjp_varargs", "vjp_reads", "vjp_fwd", "user", "__wrapped__", "__dict__",
                 "__weakref__")

    def __init__(self, impl, name=None, nondiff=False):
        self.impl = impl
        self.name = name or getattr(impl, "__name__", repr(impl))
        self.jvps = _Rules(self, "jvp")
        self.vjps = _Rules(self, "vjp")
        self.nondiff = nondiff
        self.jvp_joint = None
        self.vjp_reads = None       # see vjp_reads(): None = the rules may read everything
        self.vjp_fwd = None         # see vjp_residuals()
        self.user = False           # made by dualad.primitive: its rules are checked
        self._jvp_varargs = None
        self._vjp_varargs = None
        self.__wrapped__ = impl
        self.__doc__ = getattr(impl, "__doc__", None)
        self.__name__ = self.name
        self.__qualname__ = self.name
        self.__module__ = getattr(impl, "__module__", None)
        key = self.name
        if key in REGISTRY:          # e.g. a user primitive defined again
            key = f"{self.name}@{id(self):x}"
        REGISTRY[key] = self

    def __call__(self, *args, **kwargs):
        top = None
        for a in args:
            if isinstance(a, Tracer):
                t = a._trace
                if top is None or t.level > top.level:
                    top = t
        if top is None:
            if kwargs:
                for v in kwargs.values():
                    if isinstance(v, Tracer):
                        raise TypeError(
                            f"{self.name}: a traced value was passed as a keyword "
                            f"argument; pass differentiable arguments positionally")
            return self.__wrapped__(*args, **kwargs)   # the function as given
        if self.nondiff:
            return self.impl(*strip_all(args), **kwargs)
        if kwargs and kwargs.get("out") is not None:
            raise TypeError(f"{self.name}(..., out=...) cannot write a traced value into "
                            f"an array (its derivative would be lost); use the returned "
                            f"value instead")
        return top.process(self, args, kwargs)

    def __repr__(self):
        return f"<dualad primitive {self.name}>"

    def __get__(self, obj, objtype=None):
        # behave like a function when stored as a class attribute
        if obj is None:
            return self
        return functools.partial(self, obj)

    # -- rules that were not given -------------------------------------------
    def has_rule(self, mode, argnum=0):
        """True if a rule for ``mode`` ('jvp'/'vjp') exists or can be derived."""
        table = self.jvps if mode == "jvp" else self.vjps
        if self.nondiff or dict.__contains__(table, argnum):
            return True
        if mode == "jvp" and self.jvp_joint is not None:
            return True
        varargs = self._jvp_varargs if mode == "jvp" else self._vjp_varargs
        if varargs is not None:
            return True
        other = self.vjps if mode == "jvp" else self.jvps
        other_var = self._vjp_varargs if mode == "jvp" else self._jvp_varargs
        return dict.__contains__(other, argnum) or other_var is not None

    def _derive_rule(self, mode, argnum):
        varargs = self._jvp_varargs if mode == "jvp" else self._vjp_varargs
        if varargs is not None:
            return functools.partial(_call_varargs, varargs, argnum)
        other = self.vjps if mode == "jvp" else self.jvps
        other_var = self._vjp_varargs if mode == "jvp" else self._jvp_varargs
        if dict.__contains__(other, argnum) or other_var is not None:
            other_rule = other[argnum]
            if other_rule is _zero_rule:
                return _zero_rule
            from .transpose import transpose_rule
            return transpose_rule(other_rule, mode, argnum, self.name, check=self.user)
        raise missing_rule_error(self.name, mode, argnum)


_MODE_NAMES = {"jvp": "forward (JVP)", "vjp": "reverse (VJP)"}


def missing_rule_error(name, mode, argnum, why=""):
    """The ``NotImplementedError`` for primitive ``name`` lacking a rule for
    ``mode`` ('jvp'/'vjp') in argument ``argnum``, ``why`` saying more."""
    return NotImplementedError(
        f"primitive '{name}' has no {_MODE_NAMES[mode]} rule for argument {argnum}, "
        f"and none can be derived{why}; add one with "
        f"dualad.{'defjvp' if mode == 'jvp' else 'defvjp'}")


def _call_varargs(rule, argnum, x, ans, *args, **kwargs):
    return rule(argnum, x, ans, *args, **kwargs)


def primitive(f=None, *, name=None):
    """Turn a NumPy function into a dualad primitive.

    The function receives plain values only.  Give it derivative rules with
    :func:`defjvp` and/or :func:`defvjp`; a rule for one mode is enough, the
    other is derived by transposition.

    >>> import dualad as ad, numpy
    >>> @ad.primitive
    ... def logcosh(x):
    ...     return numpy.logaddexp(x, -x) - numpy.log(2.0)
    >>> ad.defjvp(logcosh, lambda t, ans, x: t * ad.numpy.tanh(x))
    >>> round(float(ad.grad(logcosh)(0.5)), 6)
    0.462117
    """
    if f is None:
        return lambda g: primitive(g, name=name)
    return Primitive(f, name=name)


def user_primitive(f=None, *, name=None):
    """:func:`primitive` as ``dualad.primitive`` gives it to users: on traced
    values, a result that is a tuple, list or dict (several outputs) raises a
    ``TypeError`` at the call, saying what to do, instead of failing later in
    whatever uses it.  Called on plain values the function runs unchanged.

    >>> import dualad as ad, numpy
    >>> two = ad.primitive(lambda x: (numpy.sin(x), numpy.cos(x)), name="two")
    >>> ad.grad(lambda x: two(x)[0])(0.5)
    Traceback (most recent call last):
    ...
    TypeError: primitive 'two' returned a tuple on traced values; a dualad primitive returns one array or scalar. Make one primitive per output, or stack the outputs into one array
    """
    if f is None:
        return lambda g: user_primitive(g, name=name)
    p = Primitive(f, name=name)
    p.impl = _one_output(f, p.name)
    p.user = True
    return p


def _one_output(impl, name):
    """``impl`` checked to return one value (see :func:`user_primitive`)."""
    @functools.wraps(impl)
    def one_output(*args, **kwargs):
        out = impl(*args, **kwargs)
        if isinstance(out, (tuple, list, dict)):
            raise TypeError(
                f"primitive '{name}' returned a {type(out).__name__} on traced values; "
                f"a dualad primitive returns one array or scalar. Make one primitive "
                f"per output, or stack the outputs into one array")
        return out
    return one_output


def nondifferentiable(f, name=None):
    """A primitive with zero derivative everywhere (floor, sign, comparisons).

    Traced arguments are replaced by their values at every level, and the
    result is a plain array: it does not depend on any input's perturbation.
    """
    return Primitive(f, name=name, nondiff=True)


def _checked(prim, mode, argnum, rule):
    """A user's rule, its result checked against the shape it must have:
    the tangent of the output (JVP; a broadcastable result is broadcast) or
    the cotangent of argument ``argnum`` (VJP), after any leading batch."""
    from numpy import broadcast_shapes, broadcast_to

    def checked_rule(d, ans, *args, **kwargs):
        out = rule(d, ans, *args, **kwargs)
        if out is None:
            return out
        batch = tuple(shape_of(d))[:max(ndim_of(d) - ndim_of(ans if mode == "vjp" else
                                                               args[argnum]), 0)]
        want = batch + tuple(shape_of(ans if mode == "jvp" else args[argnum]))
        got = tuple(shape_of(out))
        if got == want:
            return out
        if mode == "jvp":
            try:
                if broadcast_shapes(got, want) == want:
                    from .numpy import broadcast_to as traced_broadcast_to
                    return (traced_broadcast_to if isinstance(out, Tracer) else broadcast_to)(
                        out, want)
            except ValueError:
                pass
        what = "the output's tangent" if mode == "jvp" else f"argument {argnum}'s cotangent"
        raise ValueError(
            f"the {_MODE_NAMES[mode]} rule of primitive '{prim.name}' for argument "
            f"{argnum} returned shape {got}, but {what} has shape {want}"
            f"{' (leading batch ' + str(batch) + ')' if batch else ''}; "
            f"{'sum over the broadcast axes' if mode == 'vjp' else 'fix the rule'}")
    checked_rule.__name__ = getattr(rule, "__name__", "rule")
    return checked_rule


def _rules_changed(prim):
    if not isinstance(prim, Primitive):
        raise TypeError(
            f"{getattr(prim, '__name__', type(prim).__name__)} is not a dualad primitive: "
            f"make it one first (decorate the function with @dualad.primitive, or "
            f"p = dualad.primitive(f)) and give the rules to the primitive")
    # a declaration (vjp_reads, vjp_residuals) holds for the rules it was made for
    prim.vjp_reads = None
    prim.vjp_fwd = None


def _rule_or_zero(rule):
    return _zero_rule if rule is None else rule


def defjvp(prim, *rules):
    """Give ``prim`` one JVP rule per positional argument.

    Each rule is ``rule(t, ans, *args, **kwargs)`` returning the tangent of the
    output caused by tangent ``t`` of that argument.  ``t`` may carry leading
    batch axes; write rules that broadcast over them.  ``None`` means the
    output does not depend on that argument.
    """
    _rules_changed(prim)
    for i, r in enumerate(rules):
        prim.jvps[i] = _checked(prim, "jvp", i, r) if prim.user and r is not None else _rule_or_zero(r)
    _clear_derived(prim.vjps)


def defvjp(prim, *makers):
    """Give ``prim`` one VJP rule per positional argument (autograd style).

    Each maker is ``maker(ans, *args, **kwargs)`` returning a function of the
    output cotangent ``g`` that gives the cotangent of that argument.
    """
    _rules_changed(prim)
    rules = [None if m is None else _from_maker(m) for m in makers]
    defvjp_direct(prim, *rules)


def _from_maker(maker):
    def rule(g, ans, *args, **kwargs):
        return maker(ans, *args, **kwargs)(g)
    rule.__name__ = getattr(maker, "__name__", "vjp")
    return rule


def defjvp_joint(prim, rule):
    """One JVP rule for all arguments at once: ``rule(tangents, ans, *args, **kw)``.

    ``tangents`` has one entry per positional argument, ``None`` where that
    argument carries no tangent.  Used where per-argument rules would build
    zeros (concatenate, stack).  Per-argument rules, if also given, serve
    reverse mode's transposition.
    """
    _rules_changed(prim)
    prim.jvp_joint = rule


def defvjp_direct(prim, *rules):
    """Like :func:`defvjp` with rules ``rule(g, ans, *args, **kwargs)``.

    This is the form the library's own rule tables use: no closure per call.
    """
    _rules_changed(prim)
    for i, r in enumerate(rules):
        prim.vjps[i] = _checked(prim, "vjp", i, r) if prim.user and r is not None else _rule_or_zero(r)
    _clear_derived(prim.jvps)


def defjvp_varargs(prim, rule):
    """One JVP rule for every positional argument: ``rule(i, t, ans, *args)``."""
    _rules_changed(prim)
    prim._jvp_varargs = rule
    _clear_derived(prim.jvps)
    _clear_derived(prim.vjps)


def defvjp_varargs(prim, rule):
    """One VJP rule for every positional argument: ``rule(i, g, ans, *args)``."""
    _rules_changed(prim)
    prim._vjp_varargs = rule
    _clear_derived(prim.jvps)
    _clear_derived(prim.vjps)


def vjp_reads(prim, reads):
    """Declare which values the VJP rules of ``prim`` read, so the tape keeps only those.

    ``reads`` maps an argument position to the values its VJP rule reads:
    ``"ans"`` and/or argument positions.  Values a rule does not read are used
    only for their shape and dtype; the tape stores a placeholder of the same
    shape and dtype (a broadcast NaN, no memory) instead of the array, so
    intermediates nobody needs are freed during the forward pass, as with
    ``save_for_backward`` elsewhere.  Argument positions missing from
    ``reads`` keep everything.  Declare after the rules; redefining a rule
    clears the declaration.

    >>> import numpy as np, dualad as ad, dualad.numpy as dnp
    >>> from dualad.registry import REGISTRY
    >>> REGISTRY["exp"].vjp_reads      # exp's rule reads only its output
    {0: (True, frozenset())}
    """
    table = _ReadsTable()
    for argnum, names in reads.items():
        names = tuple(names)
        bad = [n for n in names if n != "ans" and not isinstance(n, int)]
        if bad:
            raise ValueError(f"vjp_reads({prim.name}): {bad!r} is neither 'ans' nor "
                             f"an argument position")
        table[int(argnum)] = ("ans" in names, frozenset(n for n in names if n != "ans"))
    prim.vjp_reads = table


class _ReadsTable(dict):
    """``{argnum: (reads ans, frozenset of argument positions read)}``, and
    ``plans``: what the tape derives from it per call pattern (cached)."""

    def __init__(self):
        super().__init__()
        self.plans = {}


def vjp_residuals(prim, fwd):
    """Let the VJP rules of ``prim`` reuse work done by its forward pass.

    ``fwd(*args, **kwargs)`` returns ``(ans, residuals)``, where ``ans`` is
    what ``prim.impl(*args, **kwargs)`` returns and ``residuals`` anything
    the rules can use (a softmax, a factorization), or ``None``.  When the
    tape records a call on plain values it calls ``fwd`` instead of the
    implementation and passes ``residuals=`` to the VJP rules of that record.
    Under other transforms (forward mode, the inner level of a nested
    transform) the rules are called without it, so they must also work
    without it, recomputing what they need.  Declare after the rules:
    redefining a rule clears the declaration.

    >>> import numpy as np, dualad as ad, dualad.numpy as dnp
    >>> def fwd(x):                    # exp(x) is the value and the derivative
    ...     e = np.exp(x)
    ...     return e, e
    >>> my_exp = ad.primitive(np.exp, name="doc_my_exp")
    >>> ad.defvjp_direct(my_exp, lambda g, ans, x, residuals=None:
    ...                  g * (dnp.exp(x) if residuals is None else residuals))
    >>> vjp_residuals(my_exp, fwd)
    >>> float(ad.grad(my_exp)(0.0)), float(ad.grad(ad.grad(my_exp))(0.0))
    (1.0, 1.0)
    """
    prim.vjp_fwd = fwd


def _clear_derived(table):
    # rules derived by transposition are cached; drop them when rules change
    for k in [k for k, v in table.items() if getattr(v, "_derived", False)]:
        del table[k]
