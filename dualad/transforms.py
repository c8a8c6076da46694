"""The user-facing transforms: jvp, vjp, grad, value_and_grad, stop_gradient.

They turn user arguments (scalars, arrays, nested containers) into flat lists,
run the forward trace (:mod:`dualad.forward`) or the tape
(:mod:`dualad.reverse`), and turn the results back into plain NumPy values in
the user's structure.
"""
from __future__ import annotations

import collections as _collections
import collections.abc as _abc
import copy as _copy
import dataclasses as _dataclasses
import functools
import itertools as _itertools
import operator as _operator
import types as _types

import numpy as _np

from . import tree as _tree
from .forward import JVPTrace, jvp_flat
from .numpy._casting import cast_like
from .registry import nondifferentiable
from .reverse import vjp_flat
from .tracer import Tracer, primal_of, shape_of

__all__ = ["jvp", "vjp", "grad", "value_and_grad", "stop_gradient"]


# ---------------------------------------------------------------------------
# inputs and outputs
# ---------------------------------------------------------------------------
def _dtype_of(x):
    v = primal_of(x)
    return v.dtype if isinstance(v, (_np.ndarray, _np.generic)) else _np.result_type(v)


def as_input(x, who="argument"):
    """A differentiable input: floats and complex kept, Python ints promoted."""
    if type(x) is _np.ndarray and x.dtype.kind in "fc":     # the common case
        return x
    if isinstance(x, Tracer):
        dt = x.dtype
        if dt.kind not in "fc":
            raise TypeError(f"{who} has dtype {dt}; only floating-point and "
                            f"complex values can be differentiated")
        return x
    if isinstance(x, (bool, _np.bool_)):
        raise TypeError(f"{who} is a bool; only floating-point and complex "
                        f"values can be differentiated")
    if isinstance(x, int):
        return _np.float64(x)
    if isinstance(x, float):
        return _np.float64(x)
    if isinstance(x, complex):
        return _np.complex128(x)
    if not isinstance(x, (_np.ndarray, _np.generic)):
        given = x
        try:
            x = _np.asarray(x)
        except Exception as e:  # noqa: BLE001
            raise _not_an_array(who, given) from e
        if x.dtype == object:       # a set, a generator, an object NumPy wraps whole
            raise _not_an_array(who, given)
    if x.dtype.kind not in "fc":
        raise TypeError(
            f"{who} has dtype {x.dtype}; only floating-point and complex values "
            f"can be differentiated. Convert it first, e.g. x.astype(float), or "
            f"leave it out of argnums.")
    return x


def _not_an_array(who, x):
    return TypeError(f"{who} of type {type(x).__name__} is not an array, "
                     f"a scalar or a tuple/list/dict of them")


def as_output(x):
    """Plain NumPy (ndarray or NumPy scalar) for a value handed back to the user."""
    if isinstance(x, (_np.ndarray, _np.generic, Tracer)):
        return x
    return _np.asarray(x)[()]


def _zeros_like(x):
    v = primal_of(x)
    dt = _np.result_type(v)
    if dt.kind not in "fc":
        dt = _np.dtype(_np.float64)
    z = _np.zeros(_np.shape(v), dtype=dt)
    return z if isinstance(v, _np.ndarray) else z[()]


def derivative_output(d, like, given=()):
    """Derivative ``d`` of value ``like`` as handed to the user: zeros for the
    symbolic zero ``None``, the dtype of ``like``, and an array the user may
    write to (read-only broadcast views, other views and the user's own
    ``given`` tangents or cotangents passed straight through are copied)."""
    if d is None:
        return _zeros_like(like)
    d = as_output(cast_like(d, like))
    if type(d) is _np.ndarray and (d.base is not None or not d.flags.writeable
                                   or (given and any(d is g for g in given))):
        d = d.copy()
    return d


def distinct_outputs(ds):
    """``ds`` (a list of derivatives for the user) with every array that is,
    or overlaps, an earlier entry copied, so that writing into one derivative
    never changes another (a rule may hand one cotangent to two arguments,
    as ``x + y`` does).  Disjoint views of one buffer stay as they are."""
    ids = set()
    for d in ds:                # the common case: distinct arrays owning their data
        if type(d) is _np.ndarray:
            if d.base is not None or id(d) in ids:
                break
            ids.add(id(d))
    else:
        return ds
    roots = {}
    for k, d in enumerate(ds):
        if type(d) is not _np.ndarray:
            continue
        root = d
        while isinstance(root.base, _np.ndarray):
            root = root.base
        prior = roots.setdefault(id(root), [])
        if any(d is e or _np.may_share_memory(d, e) for e in prior):
            d = ds[k] = d.copy()
            roots.setdefault(id(d), []).append(d)
        else:
            prior.append(d)
    return ds


def _check_like(v, ref, kind, idx):
    """Tangent / cotangent ``v`` checked and converted against value ``ref``."""
    rshape = shape_of(ref)
    rdt = _dtype_of(ref)
    if isinstance(v, Tracer):
        vdt = v.dtype
        vshape = v.shape
    else:
        if isinstance(v, (_np.ndarray, _np.generic)):
            vdt = v.dtype
        else:
            try:
                arr = _np.asarray(v)
            except Exception as e:  # noqa: BLE001
                raise TypeError(f"{kind} {idx} is not an array") from e
            if arr.dtype.kind not in "biufc":
                raise TypeError(f"{kind} {idx} has dtype {arr.dtype}")
            target = rdt if rdt.kind in "fc" else _np.dtype(_np.float64)
            if arr.dtype.kind == "c" and target.kind == "f":
                raise ValueError(f"{kind} {idx} is complex but the value it "
                                 f"belongs to has dtype {rdt}")
            v = arr.astype(target)
            v = v if arr.ndim else v[()]
            vdt = v.dtype
        vshape = _np.shape(v)
    if tuple(vshape) != tuple(rshape):
        raise ValueError(f"{kind} {idx} has shape {tuple(vshape)} but the value it "
                         f"belongs to has shape {tuple(rshape)}")
    if rdt.kind in "fc" and vdt != rdt:
        raise ValueError(f"{kind} {idx} has dtype {vdt} but the value it belongs "
                         f"to has dtype {rdt} (shapes {tuple(vshape)} and "
                         f"{tuple(rshape)}); convert it with .astype({rdt})")
    return v


def check_callable(f, who):
    """Refuse a non-callable ``f`` when the transform is made, not at its call
    deep inside dualad (a common slip: ``grad(f(x))`` instead of ``grad(f)``)."""
    if not callable(f):
        shown = repr(f)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise TypeError(f"{who}: f must be the function to differentiate, but got "
                        f"{shown} of type {type(f).__name__}; pass the function itself "
                        f"(f, not the value f(x))")


def argnums_arg(argnums):
    """``argnums`` as a transform keeps it, converted once when it is made.

    NumPy integers become ints, so that every call finds the checks of an int
    or a tuple of ints in :func:`_norm_argnums`' cache.  Anything else (a
    bool, a float, a tuple holding one...) is kept, a tuple as an
    :class:`_Uncached` one, so that it is checked, and refused, afresh at
    every call: ``(True,)`` must not hit the cached ``(1,)``, which it equals.
    """
    if type(argnums) is int:
        return argnums
    try:
        if type(argnums) is tuple:
            return tuple(_argnum(n) for n in argnums)
        return _argnum(argnums)
    except TypeError:
        return _Uncached(argnums) if type(argnums) is tuple else argnums


class _Uncached(tuple):
    """A tuple argnums that :func:`_norm_argnums` checks at every call."""


def _argnum(n):
    """``n`` as an int position: any integer (``operator.index``) but a bool."""
    if isinstance(n, (bool, _np.bool_)):
        raise TypeError(f"{n!r} is a bool, not a position")
    return _operator.index(n)


def _norm_argnums(argnums, nargs, who):
    """``(single, nums)``: whether ``argnums`` is one int, and the argument
    positions it names, each in ``range(nargs)``."""
    if type(argnums) is int or type(argnums) is tuple:      # usually hashable: cached
        try:
            return _norm_argnums_cached(argnums, nargs, who)
        except TypeError:             # unhashable entries: the check names the error
            pass
    return _norm_argnums_checked(argnums, nargs, who)


def _norm_argnums_checked(argnums, nargs, who):
    single = not isinstance(argnums, (tuple, list))
    items = (argnums,) if single else tuple(argnums)
    if not items:
        raise ValueError(f"{who}: argnums is empty")
    nums = []
    for n in items:
        try:
            nums.append(_argnum(n))
        except TypeError as e:
            raise TypeError(f"{who}: argnums must be an int or a tuple of ints, "
                            f"got {argnums!r}: {e}") from None
    for n in nums:
        if not -nargs <= n < nargs:
            raise ValueError(f"{who}: argnums {argnums!r} is out of range for a "
                             f"call with {nargs} positional arguments")
    return single, tuple(n % nargs for n in nums)


_norm_argnums_cached = functools.lru_cache(maxsize=256)(_norm_argnums_checked)


def _split_aux(out, who):
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise TypeError(f"{who} with has_aux=True needs the function to return a "
                        f"pair (output, aux); it returned {_describe(out)}")
    return out[0], out[1]


def _describe(out):
    """What a function returned, in the user's terms (no internal type names)."""
    v = primal_of(out)
    if isinstance(v, (tuple, list)):
        return f"a {type(v).__name__} of length {len(v)}"
    shape = getattr(v, "shape", None)
    if shape is not None and shape != ():
        return f"an array of shape {shape}"
    if shape == () or isinstance(v, (int, float, complex)):
        return "a scalar"
    return f"a {type(v).__name__}"


def _unwrap_level(x, trace, who="has_aux=True", copy=False):
    """Aux value ``x`` with this trace's wrapper stripped from every leaf
    (values of outer transforms stay wrapped: those are still being traced).

    Sets, frozensets, deques and dataclass instances holding such values are
    rebuilt around the plain values; any other object holding one is refused
    with a TypeError (a wrapper must not reach the user).  With ``copy``,
    every array is copied (``vjp``: its tape keeps the originals)."""
    if isinstance(x, Tracer) and not copy:       # the common case: one value
        return x._value if x._trace is trace else x
    if x is None:
        return None
    leaves, tree = _tree.flatten(x)
    return tree.unflatten([_plain_leaf(v, trace, who, copy) for v in leaves])


#: leaf types that never hold a traced value
_ATOMS = frozenset((float, int, bool, complex, str, bytes, type(None), _np.float64,
                    _np.float32, _np.int64, _np.bool_, _np.complex128, range, slice))


def _plain_leaf(v, trace, who, copy):
    if isinstance(v, Tracer):
        if v._trace is trace:
            v = v._value
        return _copy_array(v) if copy else v
    t = type(v)
    if t is _np.ndarray:
        if v.dtype != object:
            return _copy_array(v) if copy else v
    elif t in _ATOMS or isinstance(v, (_np.generic, str, bytes, type)):
        return v
    return _plain_container(v, trace, who, copy)


def _plain_container(v, trace, who, copy):
    """A leaf ``v`` of an aux value that is a container but not a pytree."""
    def strip(e):
        return _unwrap_level(e, trace, who, copy)

    name = type(v).__name__
    if isinstance(v, (set, frozenset, _collections.deque)):
        items = list(v)
        new = [strip(e) for e in items]
        if all(a is b for a, b in zip(new, items)):
            return v
        try:
            if isinstance(v, _collections.deque):
                return type(v)(new, maxlen=v.maxlen)
            return type(v)(new)
        except Exception as e:  # noqa: BLE001 - e.g. arrays are not hashable
            raise TypeError(
                f"{who}: the aux value holds traced values inside a {name}, and it "
                f"cannot be rebuilt around their plain values ({type(e).__name__}: "
                f"{e}); return them in a tuple or a list instead") from None
    if _dataclasses.is_dataclass(v):
        changes = {}
        for field in _dataclasses.fields(v):
            old = getattr(v, field.name, _MISSING)
            if old is not _MISSING:
                new = strip(old)
                if new is not old:
                    changes[field.name] = new
        if not changes:
            return v
        try:
            out = _copy.copy(v)
            for k, val in changes.items():
                object.__setattr__(out, k, val)
        except Exception as e:  # noqa: BLE001
            raise TypeError(
                f"{who}: the aux value holds traced values inside the dataclass "
                f"{name}, and it cannot be copied with their plain values "
                f"({type(e).__name__}: {e}); return them in a tuple, list or dict "
                f"instead") from None
        return out
    if _holds_level(v, trace):
        raise TypeError(
            f"{who}: the aux value holds a traced value inside a {name} object, "
            f"which dualad cannot rebuild around plain values; return such values "
            f"in a tuple, list, dict, namedtuple, set or dataclass instead (or "
            f"store dualad.stop_gradient(value) in the {name})")
    return v


_MISSING = object()


def _holds_level(v, trace, budget=10000, max_depth=8):
    """Whether object ``v`` holds (in its items or attributes, a bounded
    search) a traced value of ``trace``."""
    stack, seen = [(v, 0)], set()
    while stack and budget > 0:
        o, depth = stack.pop()
        if isinstance(o, Tracer):
            if o._trace is trace:
                return True
            continue
        t = type(o)
        if (t in _ATOMS or (t is _np.ndarray and o.dtype != object)
                or isinstance(o, (_np.generic, str, bytes, type, _types.ModuleType,
                                  _types.FunctionType, _types.BuiltinFunctionType))
                or depth >= max_depth or id(o) in seen):
            continue
        seen.add(id(o))
        budget -= 1
        kids = []
        try:
            if isinstance(o, dict):
                kids.extend(o.values())
            elif isinstance(o, _abc.Collection):
                kids.extend(_itertools.islice(iter(o), budget))
            attrs = getattr(o, "__dict__", None)
            if type(attrs) is dict:
                kids.extend(attrs.values())
        except Exception:  # noqa: BLE001 - an object that cannot be looked into
            pass
        stack.extend((k, depth + 1) for k in kids)
    return False


def _copy_array(x):
    return x.copy() if type(x) is _np.ndarray else x


def _check_numeric_output(v, who):
    """An untraced output of ``f`` must be a number or an array of numbers
    (its derivative is zero); anything else is refused, not given zeros."""
    if type(v) in (float, int, bool, complex):
        return
    try:
        kind = (v.dtype if isinstance(v, (_np.ndarray, _np.generic))
                else _np.asarray(v).dtype).kind
    except Exception:  # noqa: BLE001 - whatever asarray refuses is not a number
        kind = "O"
    if kind not in "biufc":
        raise TypeError(f"{who}: f returned a value of type {type(v).__name__}"
                        f"{'' if kind == 'O' else f' of dtype {_np.asarray(v).dtype}'}; "
                        f"only numbers and arrays of numbers (or containers of them) "
                        f"can be differentiated")


class _Flat:
    """Adapts ``f(*args)`` with some arguments differentiated to a function of
    a flat list of leaves, recording the output structure and aux."""

    def __init__(self, f, args, kwargs, argnums, has_aux, who):
        self.f, self.args, self.kwargs = f, list(args), kwargs
        self.pick = None   # argnums with repeats: the position of each entry's argument
        if len(argnums) > 1 and len(set(argnums)) < len(argnums):
            unique = tuple(dict.fromkeys(argnums))
            self.pick = tuple(unique.index(i) for i in argnums)
            argnums = unique
        self.argnums, self.has_aux, self.who = argnums, has_aux, who
        self.trees = []
        self.leaves = []
        for i in argnums:
            a = args[i]
            if type(a) is _np.ndarray and a.dtype.kind in "fc":   # one array: one leaf
                self.trees.append(_tree.LEAF)
                self.leaves.append(a)
                continue
            lv, tr = _tree.flatten(a)
            self.trees.append(tr)
            self.leaves.extend(as_input(l, f"{who}: argument {i}") for l in lv)
        self.out_tree = None
        self.aux = None

    def rebuild(self, flat):
        args = list(self.args)
        for i, part in zip(self.argnums, self.parts(flat)):
            args[i] = part
        return args

    def split(self, flat):
        """One structure per entry of argnums: an argument named twice gets
        its derivative twice (the repeat copied, so each may be written to)."""
        out = self.parts(flat)
        if self.pick is None:
            return out
        seen = set()
        res = []
        for k in self.pick:
            res.append(_tree.tree_map(_copy_array, out[k]) if k in seen else out[k])
            seen.add(k)
        return res

    def parts(self, flat):
        """One structure per differentiated argument."""
        out, k = [], 0
        for tr in self.trees:
            if tr is _tree.LEAF:
                out.append(flat[k])
                k += 1
                continue
            n = tr.num_leaves
            out.append(tr.unflatten(flat[k:k + n]))
            k += n
        return out

    def __call__(self, flat):
        out = self.f(*self.rebuild(flat), **self.kwargs)
        if self.has_aux:
            out, self.aux = _split_aux(out, self.who)
        leaves, self.out_tree = _tree.flatten(out)
        for v in leaves:
            if not isinstance(v, Tracer):
                _check_numeric_output(v, self.who)
        return leaves


# ---------------------------------------------------------------------------
# forward mode
# ---------------------------------------------------------------------------
def tangent_leaves(flat, primals, tangents, who):
    """The tangents' leaves, checked against the primals' structure, shapes, dtypes."""
    if len(primals) != len(tangents):
        raise ValueError(f"{who}: {len(primals)} primals but {len(tangents)} tangents")
    t_leaves = []
    for i, (p, t) in enumerate(zip(primals, tangents)):
        ptree = _tree.flatten(p)[1]
        tl, ttree = _tree.flatten(t)
        if ptree != ttree:
            raise ValueError(f"{who}: tangent {i} has structure {ttree} but primal "
                             f"{i} has structure {ptree}")
        t_leaves.extend(tl)
    return [_check_like(t, p, "tangent", i)
            for i, (t, p) in enumerate(zip(t_leaves, flat.leaves))]


def jvp(f, primals, tangents, has_aux=False):
    """``(f(*primals), J·tangents)``: one forward pass.

    ``primals`` and ``tangents`` are tuples of the same structure (scalars,
    arrays, or nested tuples/lists/dicts of them).

    >>> import dualad as ad, dualad.numpy as dnp
    >>> y, dy = ad.jvp(dnp.sin, (0.0,), (2.0,))
    >>> float(y), float(dy)
    (0.0, 2.0)
    """
    check_callable(f, "jvp")
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("jvp: primals and tangents must be tuples "
                        "(one entry per positional argument of f)")
    flat = _Flat(f, primals, {}, tuple(range(len(primals))), has_aux, "jvp")
    t_leaves = tangent_leaves(flat, primals, tangents, "jvp")
    trace = JVPTrace()
    outs, out_tans = jvp_flat(flat, flat.leaves, t_leaves, trace)
    outs = [as_output(o) for o in outs]
    out_tans = distinct_outputs([derivative_output(t, o, t_leaves)
                                 for o, t in zip(outs, out_tans)])
    res = (flat.out_tree.unflatten(outs), flat.out_tree.unflatten(out_tans))
    if has_aux:  # aux is returned without its tangent
        return res + (_unwrap_level(flat.aux, trace, "jvp"),)
    return res


# ---------------------------------------------------------------------------
# reverse mode
# ---------------------------------------------------------------------------
def vjp(f, *primals, has_aux=False):
    """``(f(*primals), vjp_fn)``; ``vjp_fn(cotangent)`` gives one cotangent per primal.

    The tape is kept by ``vjp_fn``, which may be called many times.

    >>> import numpy as np, dualad as ad
    >>> out, back = ad.vjp(lambda x, y: x * y, np.array([1.0, 2.0]), 3.0)
    >>> back(np.array([1.0, 1.0]))
    (array([3., 3.]), np.float64(3.0))
    """
    check_callable(f, "vjp")
    flat = _Flat(f, primals, {}, tuple(range(len(primals))), has_aux, "vjp")
    outs, back = vjp_flat(flat, flat.leaves)
    tape = back.tape
    out_tree = flat.out_tree
    out_vals = [as_output(o) for o in outs]
    in_leaves = flat.leaves

    def vjp_fn(cotangent):
        cl, ctree = _tree.flatten(cotangent)
        if ctree != out_tree:
            raise ValueError(f"vjp: the cotangent has structure {ctree} but the "
                             f"output has structure {out_tree}")
        cl = [_check_like(c, o, "cotangent", i) for i, (c, o) in enumerate(zip(cl, out_vals))]
        cts = back(cl)
        cts = distinct_outputs([derivative_output(c, x, cl) for c, x in zip(cts, in_leaves)])
        return tuple(flat.split(cts))

    # the tape keeps the outputs (and values aux may hold) for its VJP rules:
    # the user gets copies, so writing into them cannot change vjp_fn
    res = (out_tree.unflatten([_copy_array(o) for o in out_vals]), vjp_fn)
    if has_aux:
        return res + (_unwrap_level(flat.aux, tape, "vjp", copy=True),)
    return res


def scalar_value_and_grad(f, args, kwargs, nums, single, has_aux, who, before_sweep=None,
                          tangent_only=None):
    """``(value, aux, grad)`` of real scalar ``f`` from one tape and one sweep.

    The shared core of :func:`value_and_grad` and of the second-order
    transforms; ``who`` names the caller in error messages; ``before_sweep()``,
    if given, runs between the forward pass and the sweep.  With
    ``tangent_only`` (a forward trace the arguments belong to), only the
    gradient's tangent at that trace is computed: its value is a NaN
    placeholder (``hvp`` discards it).
    """
    flat = _Flat(f, args, kwargs, nums, has_aux, who)
    outs, back = vjp_flat(flat, flat.leaves)
    tape = back.tape
    try:
        if flat.out_tree.kind == "none":
            raise TypeError(f"{who} requires f to return a scalar, but it returned "
                            f"None (is a return statement missing?)")
        if len(outs) != 1 or flat.out_tree.kind != "leaf":
            raise TypeError(f"{who} requires f to return a scalar, but it returned "
                            f"a {flat.out_tree!r} container; use jacobian or vjp")
        out = outs[0]
        shape = shape_of(out)
        if shape != ():
            raise TypeError(f"{who} requires f to return a scalar, but it returned "
                            f"an array of shape {tuple(shape)}; use "
                            f"dualad.jacobian or dualad.vjp for non-scalar outputs")
        dt = _dtype_of(out)
        if dt.kind not in "f":
            if dt.kind == "c":
                raise TypeError(f"{who} requires a real-valued output, but f returned "
                                f"{dt}; differentiate the real part, or use vjp")
            dt = _np.dtype(_np.float64)
        if before_sweep is not None:
            before_sweep()
        cts = back([dt.type(1)], consume=True, tangent_only=tangent_only)
        aux = _unwrap_level(flat.aux, tape, who) if has_aux else None
    finally:
        tape.records.clear()  # release the tape as soon as the sweep is done
    grads = [derivative_output(c, x) for c, x in zip(cts, flat.leaves)]
    if len(grads) > 1:
        distinct_outputs(grads)
    grads = flat.split(grads)
    return as_output(out), aux, (grads[0] if single else tuple(grads))


def value_and_grad(f, argnums=0, has_aux=False):
    """A function giving ``(f(*args), df/dargs)`` from one forward and one reverse pass.

    ``f`` must return a real scalar.  With ``has_aux``, ``f`` returns
    ``(value, aux)`` and the result is ``((value, aux), grad)``.

    >>> import dualad as ad, dualad.numpy as dnp
    >>> v, g = ad.value_and_grad(lambda x: dnp.sum(x ** 2))(dnp.array([1.0, 2.0]))
    >>> float(v), g
    (5.0, array([2., 4.]))
    """
    return _value_and_grad(f, argnums, has_aux, "value_and_grad")


def _value_and_grad(f, argnums, has_aux, who):
    check_callable(f, who)
    argnums = argnums_arg(argnums)

    @functools.wraps(f)
    def value_and_grad_f(*args, **kwargs):
        single, nums = _norm_argnums(argnums, len(args), who)
        value, aux, g = scalar_value_and_grad(f, args, kwargs, nums, single, has_aux, who)
        return ((value, aux), g) if has_aux else (value, g)

    return value_and_grad_f


def grad(f, argnums=0, has_aux=False):
    """The gradient of a real scalar function, same structure as its argument(s).

    >>> import dualad as ad, dualad.numpy as dnp
    >>> float(ad.grad(lambda x: dnp.sin(x) * x)(0.0))
    0.0
    >>> ad.grad(lambda x, y: x * y, argnums=(0, 1))(2.0, 3.0)
    (np.float64(3.0), np.float64(2.0))
    """
    vg = _value_and_grad(f, argnums, has_aux, "grad")

    @functools.wraps(f)
    def grad_f(*args, **kwargs):
        (value, g) = vg(*args, **kwargs)
        if has_aux:
            return g, value[1]
        return g

    return grad_f


def _stop_gradient_impl(x):
    return x


_stop = nondifferentiable(_stop_gradient_impl, name="stop_gradient")


def stop_gradient(x):
    """``x`` itself, seen as a constant by every transform (pytrees too); a
    Python number comes back as a NumPy scalar, like every other result.

    >>> import dualad as ad
    >>> float(ad.grad(lambda x: x * ad.stop_gradient(x))(3.0))
    3.0
    >>> ad.stop_gradient(2.0)
    np.float64(2.0)
    """
    return _tree.tree_map(_stopped, x)


def _stopped(v):
    v = _stop(v)
    return as_output(v) if isinstance(v, (int, float, complex)) else v
