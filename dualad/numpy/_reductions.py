"""Reductions: the rule table.

``max`` / ``min`` split the derivative equally between tied maxima (so the
derivative of ``max(x)`` sums to 1); this matches ``maximum``'s convention.
``std`` (and ``nanstd``) has derivative 0 where the variance is 0.  The
``nan`` functions give derivative 0 at NaN entries.  ``argmax``, ``argmin``,
``argsort``, ``lexsort``, ``searchsorted``, ``digitize``, ``nonzero``, ``all``,
``any``, ... are value-only (plain results).
See docs/conventions.md.
"""
from __future__ import annotations

import builtins

import numpy as _np

from ..registry import defjvp, defvjp_direct, nondifferentiable, primitive, vjp_reads
from ..tracer import Tracer, ndim_of, primal_of, shape_of
from ._broadcast import broadcast_number, norm_axes
from ._short_axis import extreme
from ._ufuncs import times_finite_zero


def _sum_impl(x, axis=None, keepdims=False):
    if type(x) is _np.ndarray:     # what np.sum does for an ndarray, minus its wrapper
        return _np.add.reduce(x, axis=axis, keepdims=keepdims)
    return _np.sum(x, axis=axis, keepdims=keepdims)


def expand_reduced(g, x, axis, keepdims):
    """Cotangent ``g`` of a reduction of ``x``, broadcast back to ``batch + x.shape``."""
    nd = ndim_of(x)
    xs = shape_of(x)
    gs = shape_of(g)
    axes = norm_axes(axis, nd)
    nb = len(gs) - (nd if keepdims else nd - len(axes))
    plain = type(g) in _NUMPY_OPERANDS     # ndarray or NumPy scalar
    if plain and not gs:             # a full reduction's scalar: broadcast as it is
        return broadcast_number(g, tuple(xs))
    if not keepdims:
        kept = gs[:nb] + tuple(1 if (i - nd) in axes else d for i, d in enumerate(xs))
        g = _np.reshape(g, kept) if plain else reshape(g, kept)
    full = gs[:nb] + tuple(xs)
    # a plain cotangent is broadcast directly: a read-only view, no dispatch
    return _np.broadcast_to(g, full) if plain else broadcast_to(g, full)


sum_p = primitive(_sum_impl, name="sum")
defjvp(sum_p, lambda t, ans, x, axis=None, keepdims=False:
       sum_p(t, axis=norm_axes(axis, ndim_of(x)), keepdims=keepdims))
defvjp_direct(sum_p, lambda g, ans, x, axis=None, keepdims=False:
              expand_reduced(g, x, axis, keepdims))
vjp_reads(sum_p, {0: ()})      # the rule needs x's shape only


def _axis_arg(axis):
    if isinstance(axis, list):
        axis = tuple(axis)
    return axis


# --- out= / initial= / where= ----------------------------------------------------
# With plain values these go to NumPy's own reduction.  With a traced value,
# out= is refused by the dispatch (a traced value cannot be written into an
# array); initial= and where= are spelled with the differentiable pieces: the
# entries where= leaves out are replaced by a constant (derivative 0) and
# initial= joins the result as one more operand.
def _to_numpy(out, a, *others):
    """Whether a call with ``out`` / these operands goes to NumPy as it is."""
    return out is not None or not builtins.any(
        isinstance(x, Tracer) for x in (a,) + others)


def _extras(**kw):
    return {k: v for k, v in kw.items() if v is not None}


def _mask(where, a):
    """``where=`` as a plain boolean array of ``a``'s shape (``None`` stays ``None``)."""
    if where is None:
        return None
    return _np.broadcast_to(_np.asarray(primal_of(where), dtype=bool), shape_of(a))


def _masked(a, mask, fill):
    """``a`` with the constant ``fill`` where ``mask`` is False."""
    if mask is None or mask.all():
        return a
    from ._ufuncs import where as where_
    return where_(mask, a, fill)


def _kept(mask, a, axis, keepdims):
    """How many entries each slot of a reduction of ``a`` over ``axis`` keeps."""
    if mask is None:
        return _count(a, axis)
    return _np.sum(mask, axis=norm_axes(_axis_arg(axis), ndim_of(a)), keepdims=keepdims)


def _need_initial(name, where, initial):
    if where is not None and initial is None:
        raise ValueError(f"reduction operation '{name}' does not have an identity, so to "
                         f"use a where mask one has to specify 'initial'")


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):  # noqa: A001
    """``numpy.sum``, differentiable in ``a``, and in ``initial`` when it is traced
    (derivative 1 in every entry of the result; ``numpy.sum`` on a plain array
    dispatches on the array only, so call ``dualad.numpy.sum`` for that case)."""
    if out is not None or initial is not None or where is not None:
        if _to_numpy(out, a, initial):
            return _np.sum(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                           **_extras(initial=initial, where=where))
        r = sum(_masked(a, _mask(where, a), 0), axis=axis, dtype=dtype, keepdims=keepdims)
        if initial is None:
            return r
        # initial is one more operand, in the sum's dtype (NumPy casts it), with
        # derivative 1 when traced
        rdt = _np.result_type(primal_of(r))
        if _np.result_type(primal_of(initial)) != rdt:
            if isinstance(initial, Tracer):
                from ._ufuncs import astype
                initial = astype(initial, rdt)
            else:
                initial = _np.asarray(initial).astype(rdt)
        return r + initial
    if dtype is not None:
        from ._ufuncs import astype
        a = astype(a, dtype)
    return sum_p(a, axis=_axis_arg(axis), keepdims=bool(keepdims))


def _count(a, axis):
    shape = shape_of(a)
    n = 1
    for ax in norm_axes(axis, len(shape)):
        n *= shape[ax]
    return n


def _as_count(n, s):
    """An entry count ``n`` (a Python int or a NumPy integer array) as a divisor of
    ``s`` that keeps ``s``'s dtype, as NumPy's ``true_divide(s, n, out=s)`` does
    (a float32 sum divided by an int64 count stays float32; for a division the
    float32 quotient equals NumPy's float64 quotient rounded to float32)."""
    if isinstance(n, (int, float)):
        return n
    dt = _np.result_type(primal_of(s))
    if dt.kind not in "fc":
        return n
    return _np.asarray(n, dtype=dt)


def mean(a, axis=None, dtype=None, out=None, keepdims=False, where=None):
    """``numpy.mean``, differentiable in ``a``."""
    if _to_numpy(out, a) and (out is not None or where is not None):
        return _np.mean(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                        **_extras(where=where))
    axis = _axis_arg(axis)
    s = sum(a, axis=axis, dtype=dtype, keepdims=keepdims, where=where)
    n = _kept(_mask(where, a), a, axis, keepdims)
    if _np.result_type(primal_of(s)).kind not in "fc":
        from ._ufuncs import astype
        s = astype(s, _np.float64)
    return s / _as_count(n, s)


# --- max / min -----------------------------------------------------------------
def _extreme_weights(ans, x, axis, keepdims):
    """1/k at each of the k positions attaining the extreme, 0 elsewhere."""
    full = expand_reduced(ans, x, axis, keepdims)
    hit = equal(x, full).astype(_real_dtype(primal_of(x)))  # plain, whatever the level
    a = primal_of(ans)
    if _np.count_nonzero(hit) == _np.size(a) and not _np.isnan(a).any():
        # every slot attains its extreme (no NaN) and the hits are as many as the
        # slots: exactly one per slot, no ties, so the weights are the hits
        return hit
    return hit / _np.sum(hit, axis=norm_axes(axis, ndim_of(x)), keepdims=True)


def _real_dtype(v):
    dt = _np.result_type(v)
    return _np.finfo(dt).dtype if dt.kind in "fc" else _np.dtype(_np.float64)


def _make_extreme(npfunc, ufunc, name):
    def impl(x, axis=None, keepdims=False):
        if type(x) is _np.ndarray:    # NumPy's values, faster over a short last axis
            return extreme(ufunc, x, axis, keepdims)
        return npfunc(x, axis=axis, keepdims=keepdims)
    p = primitive(impl, name=name)
    defjvp(p, lambda t, ans, x, axis=None, keepdims=False:
           sum_p(t * _extreme_weights(ans, x, axis, keepdims),
                 axis=norm_axes(axis, ndim_of(x)), keepdims=keepdims))
    defvjp_direct(p, lambda g, ans, x, axis=None, keepdims=False:
                  expand_reduced(g, x, axis, keepdims) * _extreme_weights(ans, x, axis, keepdims))
    return p


max_p = _make_extreme(_np.max, _np.maximum, "max")
min_p = _make_extreme(_np.min, _np.minimum, "min")


def max(a, axis=None, out=None, keepdims=False, initial=None, where=None):  # noqa: A001
    """``numpy.max``; tied maxima share the derivative equally."""
    if out is not None or initial is not None or where is not None:
        if _to_numpy(out, a, initial):
            return _np.max(a, axis=axis, out=out, keepdims=keepdims,
                           **_extras(initial=initial, where=where))
        _need_initial("maximum", where, initial)    # so initial is given from here on
        if _np.size(primal_of(a)) == 0:     # empty slices: the result is initial
            r = _np.max(primal_of(a), axis=axis, keepdims=keepdims, initial=-_np.inf)
        else:
            r = max_p(_masked(a, _mask(where, a), -_np.inf), axis=_axis_arg(axis),
                      keepdims=bool(keepdims))
        from ._ufuncs import maximum
        return maximum(r, initial)
    return max_p(a, axis=_axis_arg(axis), keepdims=bool(keepdims))


def min(a, axis=None, out=None, keepdims=False, initial=None, where=None):  # noqa: A001
    """``numpy.min``; tied minima share the derivative equally."""
    if out is not None or initial is not None or where is not None:
        if _to_numpy(out, a, initial):
            return _np.min(a, axis=axis, out=out, keepdims=keepdims,
                           **_extras(initial=initial, where=where))
        _need_initial("minimum", where, initial)    # so initial is given from here on
        if _np.size(primal_of(a)) == 0:     # empty slices: the result is initial
            r = _np.min(primal_of(a), axis=axis, keepdims=keepdims, initial=_np.inf)
        else:
            r = min_p(_masked(a, _mask(where, a), _np.inf), axis=_axis_arg(axis),
                      keepdims=bool(keepdims))
        from ._ufuncs import minimum
        return minimum(r, initial)
    return min_p(a, axis=_axis_arg(axis), keepdims=bool(keepdims))


amax = max
amin = min


# --- prod ----------------------------------------------------------------------
def _prod_impl(x, axis=None, keepdims=False):
    return _np.prod(x, axis=axis, keepdims=keepdims)


def _prod_others(x, axis):
    """For each entry, the product of the other entries along ``axis``.

    On plain values, the product divided by each entry, with the zero
    entries handled apart: exact to rounding while the product of the
    nonzero entries is a normal number (else as on traced values).  On traced values (the rule is
    itself being differentiated), the product of the entries before times
    that of the entries after, from two cumulative products: no division, so
    no cancellation at small entries, and ``cumprod``'s rules keep every
    order of derivative exact, zeros included.
    """
    if isinstance(x, Tracer):
        return _others_by_scans(x, norm_axes(axis, ndim_of(x)))
    from ._normal import all_normal
    from ._ufuncs import equal, where
    ax = norm_axes(axis, ndim_of(x))
    is0 = equal(x, 0)
    safe = where(is0, 1.0, x)
    nz = _np.sum(is0, axis=ax, keepdims=True)
    p_nz = prod_p(safe, axis=ax, keepdims=True)
    if not all_normal(p_nz):
        # the product of the nonzero entries underflows (or overflows): the
        # products of the others need not, and no quotient recovers them
        return _others_by_scans(x, ax)
    if not _np.any(nz):
        return p_nz / safe
    zeros_prod = prod_p(where(is0, x, 1.0), axis=ax, keepdims=True)
    zsum = sum_p(where(is0, x, 0.0), axis=ax, keepdims=True)
    other_zeros = where(nz == 1, 1.0, where(nz == 2, zsum - x, 0.0))
    return where(is0, p_nz * other_zeros, p_nz / safe * zeros_prod)


def _others_by_scans(x, ax):
    """:func:`_prod_others` as (product before) * (product after), the
    reduced axes ``ax`` flattened into one last axis."""
    from ._cumulative import cumprod_p, _flip
    from ._shape import concatenate, reshape, transpose
    shape = shape_of(x)
    nd = len(shape)
    kept = [i for i in range(nd) if i - nd not in ax]
    perm = kept + [a + nd for a in ax]
    lead = tuple(shape[i] for i in kept)
    n = _np.prod([shape[a] for a in ax], dtype=int)
    if n == 0:
        return x
    xf = reshape(transpose(x, perm), lead + (n,))
    one = _np.ones(lead + (1,), dtype=_np.result_type(primal_of(x)))

    def before(v):                    # exclusive cumulative product
        return concatenate([one, cumprod_p(v, axis=-1)[..., :-1]], axis=-1)

    others = before(xf) * _flip(before(_flip(xf, -1)), -1)
    back = reshape(others, tuple(shape[p] for p in perm))
    return transpose(back, list(_np.argsort(perm)))


prod_p = primitive(_prod_impl, name="prod")
# a zero tangent direction contributes 0 even where the others' product overflows
defjvp(prod_p, lambda t, ans, x, axis=None, keepdims=False:
       sum_p(times_finite_zero(t, _prod_others(x, axis)), axis=norm_axes(axis, ndim_of(x)),
             keepdims=keepdims))
defvjp_direct(prod_p, lambda g, ans, x, axis=None, keepdims=False:
              expand_reduced(g, x, axis, keepdims) * _prod_others(x, axis))


def prod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """``numpy.prod``; exact derivatives also where entries are zero."""
    if out is not None or initial is not None or where is not None:
        if _to_numpy(out, a, initial):
            return _np.prod(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                            **_extras(initial=initial, where=where))
        r = prod(_masked(a, _mask(where, a), 1), axis=axis, dtype=dtype, keepdims=keepdims)
        return r if initial is None else r * initial
    if dtype is not None:
        from ._ufuncs import astype
        a = astype(a, dtype)
    return prod_p(a, axis=_axis_arg(axis), keepdims=bool(keepdims))

__all__ = ["sum", "mean", "max", "min", "amax", "amin", "prod"]


# --- value-only reductions (integer or boolean results) --------------------------
# argmax / argmin pick one index (the first, as NumPy does); their results do
# not depend smoothly on the values, so they trace as constants.
_ARGS = ["argmax", "argmin", "nanargmax", "nanargmin", "argsort", "argwhere", "nonzero",
         "flatnonzero", "all", "any"]
for _n in _ARGS:
    globals()[_n] = nondifferentiable(getattr(_np, _n), name=_n)


def on_values(f):
    """``f`` called on the values of its arguments, also inside lists and tuples
    (``lexsort``'s keys) and keywords (``searchsorted``'s ``sorter``)."""
    def strip(v):
        return type(v)(strip(u) for u in v) if isinstance(v, (list, tuple)) else primal_of(v)

    def g(*args, **kwargs):
        return f(*strip(args), **{k: strip(v) for k, v in kwargs.items()})
    g.__name__ = f.__name__
    g.__doc__ = f"``numpy.{f.__name__}`` on the values of its arguments."
    return g


# the other index-valued functions, value-only the same way
_INDEX_VALUED = ["lexsort", "searchsorted", "digitize"]
for _n in _INDEX_VALUED:
    globals()[_n] = nondifferentiable(on_values(getattr(_np, _n)), name=_n)
_ARGS += _INDEX_VALUED
del _n


# --- variance and standard deviation ---------------------------------------------
def _std_sqrt_factor(ans):
    from ._ufuncs import equal, where
    return where(equal(ans, 0), 0.0, 0.5 / where(equal(ans, 0), 1.0, ans))


def _std_sqrt_impl(v):
    return _np.sqrt(v)


# sqrt of a variance, with derivative 0 (not inf) where the variance is 0: a
# constant sample is a minimum of std, and 0 is its one-sided-derivative-free
# choice that keeps NaN out of gradients (see docs/conventions.md).  A zero
# tangent stays 0 where the variance is NaN (nanstd's all-NaN slices, where
# nanvar's where() has already zeroed it), as in the singular ufuncs' rules.
std_sqrt = primitive(_std_sqrt_impl, name="std_sqrt")
defjvp(std_sqrt, lambda t, ans, v: times_finite_zero(t, _std_sqrt_factor(ans)))
defvjp_direct(std_sqrt, lambda g, ans, v: times_finite_zero(g, _std_sqrt_factor(ans)))


def _ddof(ddof, correction):
    if correction is not None:
        if ddof not in (0, None):
            raise ValueError("ddof and correction can't be provided simultaneously.")
        return correction
    return ddof


def _sq_dev(a, axis, mean_=None):
    """``|a - mean(a)|**2`` with the mean taken over ``axis`` (real for complex ``a``)."""
    from ._ufuncs import _is_complex, conj, real
    m = globals()["mean"](a, axis=axis, keepdims=True) if mean_ is None else mean_
    d = a - m
    if _is_complex(a):
        return real(d * conj(d))
    return d * d


def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None,
        mean=None, correction=None):
    """``numpy.var``; ``ddof`` (or ``correction``) and tuple axes supported."""
    if _to_numpy(out, a) and (out is not None or where is not None):
        return _np.var(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims,
                       **_extras(where=where, mean=mean, correction=correction))
    from ._ufuncs import astype
    ddof = _ddof(ddof, correction)
    axis = _axis_arg(axis)
    if dtype is not None:
        a = astype(a, dtype)
    elif _np.result_type(primal_of(a)).kind not in "fc":
        a = astype(a, _np.float64)
    if where is not None:
        mask = _mask(where, a)
        m = globals()["mean"](a, axis=axis, keepdims=True, where=where) if mean is None else mean
        s = sum_p(_masked(_sq_dev(a, axis, m), mask, 0.0), axis=axis, keepdims=bool(keepdims))
        with _np.errstate(invalid="ignore", divide="ignore"):
            return s / _as_count(_np.maximum(_kept(mask, a, axis, keepdims) - ddof, 0), s)
    n = _count(a, axis)
    s = sum_p(_sq_dev(a, axis, mean), axis=axis, keepdims=bool(keepdims))
    return s / builtins.max(n - ddof, 0)


def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None,
        mean=None, correction=None):
    """``numpy.std``; at zero variance the derivative is 0 (no NaN)."""
    if _to_numpy(out, a) and (out is not None or where is not None):
        return _np.std(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims,
                       **_extras(where=where, mean=mean, correction=correction))
    return std_sqrt(var(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims, where=where,
                        mean=mean, correction=correction))


def ptp(a, axis=None, out=None, keepdims=False):
    """``numpy.ptp``: ``max - min`` (ties share the derivative, as in ``max``)."""
    if out is not None:
        return _np.ptp(a, axis=axis, out=out, keepdims=keepdims)
    return max(a, axis=axis, keepdims=keepdims) - min(a, axis=axis, keepdims=keepdims)


# --- the NaN-skipping family ---------------------------------------------------------
def _nan_fill(a, fill):
    """``a`` with NaNs replaced by ``fill`` (their derivative is 0) and the NaN mask."""
    from ._ufuncs import isnan, where
    mask = isnan(a)
    if not _np.any(mask):
        return a, mask
    return where(mask, fill, a), mask


def nansum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """``numpy.nansum``: NaNs count as 0 (and get derivative 0)."""
    if _to_numpy(out, a, initial) and (out is not None or initial is not None
                                         or where is not None):
        return _np.nansum(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                          **_extras(initial=initial, where=where))
    return sum(_nan_fill(a, 0.0)[0], axis=axis, dtype=dtype, keepdims=keepdims,
               initial=initial, where=where)


def nanprod(a, axis=None, dtype=None, out=None, keepdims=False, initial=None, where=None):
    """``numpy.nanprod``: NaNs count as 1 (and get derivative 0)."""
    if _to_numpy(out, a, initial) and (out is not None or initial is not None
                                         or where is not None):
        return _np.nanprod(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                           **_extras(initial=initial, where=where))
    return prod(_nan_fill(a, 1.0)[0], axis=axis, dtype=dtype, keepdims=keepdims,
               initial=initial, where=where)


def _nan_count(mask, axis, keepdims, kept=None):
    """How many entries are not NaN (and kept by ``where=``, if given) per slot."""
    valid = ~mask if kept is None else ~mask & kept
    return _np.sum(valid, axis=axis, keepdims=keepdims)


def nanmean(a, axis=None, dtype=None, out=None, keepdims=False, *, where=None):
    """``numpy.nanmean``: the mean of the non-NaN entries."""
    if _to_numpy(out, a) and (out is not None or where is not None):
        return _np.nanmean(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims,
                           **_extras(where=where))
    axis = _axis_arg(axis)
    filled, mask = _nan_fill(a, 0.0)
    n = _nan_count(_np.asarray(mask), axis, keepdims, _mask(where, a))
    s = sum(filled, axis=axis, dtype=dtype, keepdims=keepdims, where=where)
    with _np.errstate(invalid="ignore", divide="ignore"):
        return s / _as_count(n, s)


def nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None,
           mean=None, correction=None):
    """``numpy.nanvar``: the variance of the non-NaN entries."""
    if _to_numpy(out, a) and (out is not None or where is not None):
        return _np.nanvar(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims,
                          **_extras(where=where, mean=mean, correction=correction))
    ddof = _ddof(ddof, correction)
    axis = _axis_arg(axis)
    filled, mask = _nan_fill(a, 0.0)
    mask = _np.asarray(mask)
    kept = _mask(where, a)
    m = (nanmean(a, axis=axis, dtype=dtype, keepdims=True, where=where)
         if mean is None else mean)
    sq = _masked(_sq_dev(filled, axis, m), ~mask if kept is None else ~mask & kept, 0.0)
    n = _nan_count(mask, axis, keepdims, kept)
    s = sum(sq, axis=axis, keepdims=keepdims)
    dof = n - ddof
    with _np.errstate(invalid="ignore", divide="ignore"):
        out = s / _as_count(_np.maximum(dof, 0), s)
    if _np.any(dof <= 0):     # as numpy.nanvar: NaN (a constant) where no degree of freedom
        from ._ufuncs import where as where_
        out = where_(dof <= 0, _np.nan, out)
    return out


def nanstd(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, where=None,
           mean=None, correction=None):
    """``numpy.nanstd``; derivative 0 at zero variance, as in ``std``."""
    if _to_numpy(out, a) and (out is not None or where is not None):
        return _np.nanstd(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims,
                          **_extras(where=where, mean=mean, correction=correction))
    return std_sqrt(nanvar(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims,
                           where=where, mean=mean, correction=correction))


def _nan_extreme(fn, fill, a, axis, keepdims):
    from ._ufuncs import where as where_
    axis = _axis_arg(axis)
    filled, mask = _nan_fill(a, fill)
    out = fn(filled, axis=axis, keepdims=keepdims)
    mask = _np.asarray(mask)
    if _np.any(mask):
        allnan = _np.all(mask, axis=axis, keepdims=keepdims)
        if _np.any(allnan):
            out = where_(allnan, _np.nan, out)
    return out


def nanmax(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """``numpy.nanmax``: NaNs are skipped; ties share the derivative as in ``max``."""
    if out is not None or initial is not None or where is not None:
        if _to_numpy(out, a, initial):
            return _np.nanmax(a, axis=axis, out=out, keepdims=keepdims,
                              **_extras(initial=initial, where=where))
        _need_initial("maximum", where, initial)    # so initial is given from here on
        # NaNs and left-out entries give way to initial
        return max(_nan_fill(a, -_np.inf)[0], axis=axis, keepdims=keepdims,
                   initial=initial, where=where)
    return _nan_extreme(max, -_np.inf, a, axis, keepdims)


def nanmin(a, axis=None, out=None, keepdims=False, initial=None, where=None):
    """``numpy.nanmin``: NaNs are skipped; ties share the derivative as in ``min``."""
    if out is not None or initial is not None or where is not None:
        if _to_numpy(out, a, initial):
            return _np.nanmin(a, axis=axis, out=out, keepdims=keepdims,
                              **_extras(initial=initial, where=where))
        _need_initial("minimum", where, initial)    # so initial is given from here on
        # NaNs and left-out entries give way to initial
        return min(_nan_fill(a, _np.inf)[0], axis=axis, keepdims=keepdims,
                   initial=initial, where=where)
    return _nan_extreme(min, _np.inf, a, axis, keepdims)


__all__ += ["var", "std", "ptp", "nansum", "nanprod", "nanmean", "nanvar", "nanstd",
            "nanmax", "nanmin"] + _ARGS

# imported last: these modules import _broadcast, which this one imports
from ._shape import broadcast_to, reshape  # noqa: E402
from ._ufuncs import _NUMPY_OPERANDS, equal  # noqa: E402
