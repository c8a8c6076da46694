"""Differentiable ``scipy.spatial.distance``: ``cdist``, ``pdist``,
``squareform`` and the vector metrics ``euclidean``, ``sqeuclidean``,
``cityblock``, ``chebyshev``, ``minkowski``, ``cosine``, ``correlation``,
``braycurtis``, ``canberra``, ``seuclidean``, ``mahalanobis`` and
``jensenshannon``, with SciPy's signatures, defaults, values and output dtypes.

Without traced inputs every call is SciPy's own.  With them, each metric is
computed from the coordinate differences directly, as SciPy computes it (no
``|a|^2 + |b|^2 - 2 a.b`` expansion), on arrays whose first axis is the feature
axis: ``cdist`` broadcasts ``XA.T[:, :, None]`` against ``XB.T[:, None, :]``,
``pdist`` pairs the rows ``i < j``.  The squared Euclidean distance is one
primitive, ``"spatial.sqeuclidean"`` (its value SciPy's ``cdist`` in the
``cdist`` layout, its rules a loop over the features, so nothing of size
``n m k`` is formed); the other metrics are compositions of dualad operations.
Every metric is differentiable, to any order, in the points and in its
parameters (``w``, ``V``, ``VI``, ``p``, ``base``).

At zero distance (``cdist(X, X)``'s diagonal) ``euclidean``, ``seuclidean``,
``mahalanobis``, ``minkowski`` and ``jensenshannon`` have derivative 0 (and
second derivative 0), as ``dualad.numpy.linalg.norm`` at the zero vector: no NaN
reaches ``exp(-cdist(X, X) ** 2)``.

>>> import numpy as np, dualad as ad
>>> from dualad.scipy.spatial import distance
>>> X = np.array([[0.0, 0.0], [3.0, 4.0]])
>>> ad.grad(lambda X: distance.pdist(X).sum())(X)
array([[-0.6, -0.8],
       [ 0.6,  0.8]])
>>> ad.grad(lambda X: distance.cdist(X, X).sum())(X)      # the zero diagonal adds 0
array([[-1.2, -1.6],
       [ 1.2,  1.6]])
"""
from __future__ import annotations


import numpy as _np
import scipy.spatial.distance as _ssd

from ... import numpy as dnp
from ...numpy._broadcast import sum_to
from ...registry import defjvp, defvjp_direct, primitive, vjp_reads
from ...tracer import contains_tracer, ndim_of, primal_of, shape_of

__all__ = ["cdist", "pdist", "squareform", "euclidean", "sqeuclidean", "cityblock",
           "chebyshev", "minkowski", "cosine", "correlation", "braycurtis", "canberra",
           "seuclidean", "mahalanobis", "jensenshannon"]


def _traced(*xs):
    return any(contains_tracer(x) for x in xs)


def _plain(x):
    """The plain value of ``x`` (a traced value's primal, recursively)."""
    while True:
        p = primal_of(x)
        if p is x:
            return x
        x = p


# ---------------------------------------------------------------------------
# the primitives: (squared) Euclidean distance along axis 0 (the feature axis)

def _cdist_layout(U, V):
    return (U.ndim == 3 and V.ndim == 3 and U.shape[2] == 1 and V.shape[1] == 1
            and U.dtype == _np.float64 and V.dtype == _np.float64 and U.shape[0] > 0)


def _sq_impl(U, V):
    U = _np.asarray(U)
    V = _np.asarray(V)
    if _cdist_layout(U, V):      # (k, n, 1) against (k, 1, m): SciPy's own values
        return _ssd.cdist(U[:, :, 0].T, V[:, 0, :].T, "sqeuclidean")
    acc = _np.zeros(_np.broadcast_shapes(U.shape[1:], V.shape[1:]), _np.result_type(U, V))
    for c in range(U.shape[0]):
        d = U[c] - V[c]
        acc += d * d
    return acc


def _euc_impl(U, V):
    U = _np.asarray(U)
    V = _np.asarray(V)
    if _cdist_layout(U, V):
        return _ssd.cdist(U[:, :, 0].T, V[:, 0, :].T, "euclidean")
    return _np.sqrt(_sq_impl(U, V))


_sq_p = primitive(_sq_impl, name="spatial.sqeuclidean")
_euc_p = primitive(_euc_impl, name="spatial.euclidean")


def _feat(t, c, r):
    """Feature ``c`` of ``t`` (``batch + (k, ...)``, the core of ``r`` axes)."""
    return t[(Ellipsis, c) + (slice(None),) * (r - 1)]


def _is_plain(*xs):
    return all(type(x) is _np.ndarray for x in xs)


def _scale(ans, euclid, plain):
    """The factor of the cotangent / tangent sum: 2 (squared distance) or ``1/d``
    (Euclidean), 0 where ``d == 0`` (every order: the ``where`` picks a constant)."""
    if not euclid:
        return 2.0
    if plain:
        with _np.errstate(divide="ignore", invalid="ignore"):
            return _np.where(ans > 0, 1.0 / ans, 0.0)
    pos = ans > 0
    return dnp.where(pos, 1.0 / dnp.where(pos, ans, 1.0), 0.0)


def _pair_jvp(k, euclid):
    def rule(t, ans, U, V):
        args = (U, V)
        x, y = args[k], args[1 - k]
        r = ndim_of(x)
        plain = _is_plain(t, ans, U, V)
        acc = None
        for c in range(shape_of(x)[0]):
            term = (x[c] - y[c]) * _feat(t, c, r)
            acc = term if acc is None else acc + term
        if acc is None:
            return 0.0 * dnp.zeros_like(ans)
        return acc * _scale(ans, euclid, plain)
    return rule


def _plain_pair_vjp(k, euclid, g, ans, U, V, r):
    """The cotangent of argument ``k`` on plain arrays: the products
    ``w (x_c - y_c)`` summed over the other argument's axes, one feature at a
    time in one buffer."""
    w = g * _scale(ans, euclid, True)
    buf = _np.empty(w.shape, _np.result_type(w, U, V))
    core = tuple((U, V)[k].shape[1:])
    rows = []
    for c in range(U.shape[0]):
        _np.subtract(U[c], V[c], out=buf)
        _np.multiply(buf, w, out=buf)
        res = sum_to(buf, core, 0)
        res = res.copy() if _np.may_share_memory(res, buf) else res
        rows.append(res if k == 0 else 0.0 - res)     # 0.0 - res: no -0.0
    return _np.stack(rows, axis=-r)


def _pair_vjp(k, euclid):
    def rule(g, ans, U, V):
        args = (U, V)
        x, y = args[k], args[1 - k]
        r = ndim_of(x)
        nb = ndim_of(g) - ndim_of(ans)
        core = tuple(shape_of(x)[1:])
        kk = shape_of(x)[0]
        if _is_plain(g, ans, U, V):
            if nb == 0 and kk:
                return _plain_pair_vjp(k, euclid, g, ans, U, V, r)
            w = g * _scale(ans, euclid, True)
            rows = [sum_to(w * (x[c] - y[c]), core, nb) for c in range(kk)]
            if not rows:
                return _np.zeros(shape_of(g)[:nb] + tuple(shape_of(x)), w.dtype)
            return _np.stack(rows, axis=-r)
        w = g * _scale(ans, euclid, False)
        rows = [sum_to(w * (x[c] - y[c]), core, nb) for c in range(kk)]
        if not rows:
            return dnp.zeros(shape_of(g)[:nb] + tuple(shape_of(x)))
        return dnp.stack(rows, axis=-r)
    return rule


for _p, _e in ((_sq_p, False), (_euc_p, True)):
    defjvp(_p, _pair_jvp(0, _e), _pair_jvp(1, _e))
    defvjp_direct(_p, _pair_vjp(0, _e), _pair_vjp(1, _e))
vjp_reads(_sq_p, {0: (0, 1), 1: (0, 1)})
vjp_reads(_euc_p, {0: ("ans", 0, 1), 1: ("ans", 0, 1)})


# ---------------------------------------------------------------------------
# the metrics on feature-first arrays U, V of equal ndim r: (k, ...) -> (...)

def _safe_sqrt(s):
    """``sqrt(s)`` with derivative 0 at ``s == 0`` (every order); NaN for ``s < 0``."""
    pos = s > 0
    return dnp.where(pos, dnp.sqrt(dnp.where(pos, s, 1.0)), dnp.where(s == 0, 0.0, _np.nan))


def _safe_root(s, p):
    """``s ** (1/p)`` with derivative 0 at ``s == 0``."""
    pos = s > 0
    return dnp.where(pos, dnp.where(pos, s, 1.0) ** (1.0 / p), dnp.where(s == 0, 0.0, _np.nan))


def _col(w, r):
    return dnp.reshape(w, (-1,) + (1,) * (r - 1))


def _m_sqeuclidean(U, V, w=None):
    if w is None:
        return _sq_p(U, V)
    d = U - V
    return dnp.sum(d * (_col(w, ndim_of(U)) * d), axis=0)


def _m_euclidean(U, V, w=None):
    if w is None:
        return _euc_p(U, V)
    return _safe_sqrt(_m_sqeuclidean(U, V, w))


def _m_cityblock(U, V, w=None):
    a = dnp.abs(U - V)
    if w is not None:
        a = _col(w, ndim_of(U)) * a
    return dnp.sum(a, axis=0)


def _m_chebyshev(U, V, w=None):
    if w is not None:
        keep = _np.asarray(_plain(w)) > 0
        if not keep.all():
            U, V = U[keep], V[keep]
    return dnp.max(dnp.abs(U - V), axis=0)


def _m_minkowski(U, V, p=2, w=None):
    if not contains_tracer(p):
        if p == 1:
            return _m_cityblock(U, V, w)
        if p == 2:
            return _m_euclidean(U, V, w)
        if p == _np.inf:
            return _m_chebyshev(U, V, w if w is None else _np.asarray(_plain(w)) != 0)
    a = dnp.abs(U - V)
    pos = a > 0
    ap = dnp.where(pos, dnp.where(pos, a, 1.0) ** p, 0.0)
    if w is not None:
        ap = _col(w, ndim_of(U)) * ap
    return _safe_root(dnp.sum(ap, axis=0), p)


def _m_correlation(U, V, w=None, centered=True):
    r = ndim_of(U)
    wc = None if w is None else _col(w, r)
    if centered:
        if wc is None:
            U = U - dnp.mean(U, axis=0, keepdims=True)
            V = V - dnp.mean(V, axis=0, keepdims=True)
        else:
            sw = dnp.sum(w)
            U = U - dnp.sum(wc * U, axis=0, keepdims=True) / sw
            V = V - dnp.sum(wc * V, axis=0, keepdims=True) / sw
    Vw = V if wc is None else V * wc
    Uw = U if wc is None else U * wc
    uv = dnp.sum(U * Vw, axis=0)
    uu = dnp.sum(U * Uw, axis=0)
    vv = dnp.sum(V * Vw, axis=0)
    return dnp.clip(1.0 - uv / dnp.sqrt(uu * vv), 0.0, 2.0)


def _m_cosine(U, V, w=None):
    return _m_correlation(U, V, w, centered=False)


def _m_braycurtis(U, V, w=None):
    a, b = dnp.abs(U - V), dnp.abs(U + V)
    if w is not None:
        wc = _col(w, ndim_of(U))
        a, b = wc * a, wc * b
    return dnp.sum(a, axis=0) / dnp.sum(b, axis=0)


def _m_canberra(U, V, w=None):
    den = dnp.abs(U) + dnp.abs(V)
    pos = den > 0
    t = dnp.where(pos, dnp.abs(U - V) / dnp.where(pos, den, 1.0), 0.0)
    if w is not None:
        t = _col(w, ndim_of(U)) * t
    return dnp.sum(t, axis=0)


def _m_seuclidean(U, V, V_):
    return _m_euclidean(U, V, 1.0 / V_)


def _m_mahalanobis(U, V, VI):
    d = U - V
    t = dnp.tensordot(VI, d, axes=([0], [0]))       # t_b = sum_a d_a VI_ab
    return _safe_sqrt(dnp.sum(d * t, axis=0))


def _m_jensenshannon(U, V, base=None):
    from ..special import rel_entr
    U = U / dnp.sum(U, axis=0, keepdims=True)
    V = V / dnp.sum(V, axis=0, keepdims=True)
    m = (U + V) / 2.0
    js = dnp.sum(rel_entr(U, m), axis=0) + dnp.sum(rel_entr(V, m), axis=0)
    if base is not None:
        js = js / dnp.log(base)
    return _safe_sqrt(js / 2.0)


_METRICS = {"euclidean": _m_euclidean, "sqeuclidean": _m_sqeuclidean,
            "cityblock": _m_cityblock, "chebyshev": _m_chebyshev,
            "minkowski": _m_minkowski, "cosine": _m_cosine, "correlation": _m_correlation,
            "braycurtis": _m_braycurtis, "canberra": _m_canberra,
            "seuclidean": _m_seuclidean, "mahalanobis": _m_mahalanobis,
            "jensenshannon": _m_jensenshannon}

# the keyword each metric takes in cdist / pdist (SciPy's names)
_KWARGS = {"euclidean": ("w",), "sqeuclidean": ("w",), "cityblock": ("w",),
           "chebyshev": ("w",), "minkowski": ("p", "w"), "cosine": ("w",),
           "correlation": ("w", "centered"), "braycurtis": ("w",), "canberra": ("w",),
           "seuclidean": ("V",), "mahalanobis": ("VI",), "jensenshannon": ("base",)}


def _canonical(metric):
    name = metric.lower()
    alias = getattr(_ssd, "_METRIC_ALIAS", {})
    info = alias.get(name)
    return info.canonical_name if info is not None else name


# ---------------------------------------------------------------------------
# the vector functions

def _check_weights(w, k):
    wp = _np.asarray(_plain(w))
    if wp.ndim != 1:
        raise ValueError("Input vector should be 1-D.")
    if _np.any(wp < 0):
        raise ValueError("Input weights should be all non-negative")


def _vector(name, ref, u, v, **kw):
    """The traced value of metric ``name`` of the vectors ``u``, ``v``, cast to
    the dtype of SciPy's value ``ref`` (computed on the plain values, which also
    validates the arguments as SciPy does)."""
    u, v = dnp.asarray(u), dnp.asarray(v)
    out = _METRICS[name](u, v, **kw)
    dt = _np.asarray(ref).dtype
    if _np.dtype(out.dtype) != dt:
        out = dnp.astype(out, dt)
    return out


def _plain_args(*xs):
    return [None if x is None else _plain(x) for x in xs]


def euclidean(u, v, w=None):
    """``scipy.spatial.distance.euclidean``: ``sqrt(sum(w (u - v)^2))``."""
    ref = _ssd.euclidean(*_plain_args(u, v, w))
    return _vector("euclidean", ref, u, v, w=w) if _traced(u, v, w) else ref


def sqeuclidean(u, v, w=None):
    """``scipy.spatial.distance.sqeuclidean``: ``sum(w (u - v)^2)``."""
    ref = _ssd.sqeuclidean(*_plain_args(u, v, w))
    return _vector("sqeuclidean", ref, u, v, w=w) if _traced(u, v, w) else ref


def cityblock(u, v, w=None):
    """``scipy.spatial.distance.cityblock``: ``sum(w |u - v|)``."""
    ref = _ssd.cityblock(*_plain_args(u, v, w))
    return _vector("cityblock", ref, u, v, w=w) if _traced(u, v, w) else ref


def chebyshev(u, v, w=None):
    """``scipy.spatial.distance.chebyshev``: ``max |u - v|`` over the entries with ``w > 0``
    (the weights carry no derivative)."""
    ref = _ssd.chebyshev(*_plain_args(u, v, w))
    return _vector("chebyshev", ref, u, v, w=w) if _traced(u, v) else ref


def minkowski(u, v, p=2, w=None):
    """``scipy.spatial.distance.minkowski``: ``sum(w |u - v|^p)^(1/p)``, differentiable in
    ``p`` too."""
    up, vp, pp, wp = _plain_args(u, v, p, w)
    ref = _ssd.minkowski(up, vp, pp, wp)
    return _vector("minkowski", ref, u, v, p=p, w=w) if _traced(u, v, p, w) else ref


def cosine(u, v, w=None):
    """``scipy.spatial.distance.cosine``: ``1 - u.v / (|u| |v|)``, clipped to [0, 2]."""
    ref = _ssd.cosine(*_plain_args(u, v, w))
    return _vector("cosine", ref, u, v, w=w) if _traced(u, v, w) else ref


def correlation(u, v, w=None, centered=True):
    """``scipy.spatial.distance.correlation``: the cosine distance of the (weighted-)mean
    centred vectors."""
    up, vp, wp = _plain_args(u, v, w)
    ref = _ssd.correlation(up, vp, wp, centered)
    return (_vector("correlation", ref, u, v, w=w, centered=centered)
            if _traced(u, v, w) else ref)


def braycurtis(u, v, w=None):
    """``scipy.spatial.distance.braycurtis``: ``sum(w |u - v|) / sum(w |u + v|)``."""
    ref = _ssd.braycurtis(*_plain_args(u, v, w))
    return _vector("braycurtis", ref, u, v, w=w) if _traced(u, v, w) else ref


def canberra(u, v, w=None):
    """``scipy.spatial.distance.canberra``: ``sum(w |u - v| / (|u| + |v|))``, terms with a
    zero denominator left out (derivative 0 there)."""
    ref = _ssd.canberra(*_plain_args(u, v, w))
    return _vector("canberra", ref, u, v, w=w) if _traced(u, v, w) else ref


def seuclidean(u, v, V):
    """``scipy.spatial.distance.seuclidean``: ``sqrt(sum((u - v)^2 / V))``."""
    ref = _ssd.seuclidean(*_plain_args(u, v, V))
    return _vector("seuclidean", ref, u, v, V_=V) if _traced(u, v, V) else ref


def mahalanobis(u, v, VI):
    """``scipy.spatial.distance.mahalanobis``: ``sqrt((u - v) VI (u - v))``."""
    ref = _ssd.mahalanobis(*_plain_args(u, v, VI))
    return _vector("mahalanobis", ref, u, v, VI=VI) if _traced(u, v, VI) else ref


def jensenshannon(p, q, base=None, *, axis=0, keepdims=False):
    """``scipy.spatial.distance.jensenshannon``: the square root of the Jensen-Shannon
    divergence of ``p / sum(p)`` and ``q / sum(q)`` along ``axis``."""
    pp, qp, bp = _plain_args(p, q, base)
    ref = _ssd.jensenshannon(pp, qp, bp, axis=axis, keepdims=keepdims)
    if not _traced(p, q, base):
        return ref
    p, q = dnp.asarray(p), dnp.asarray(q)
    p = p / dnp.sum(p, axis=axis, keepdims=True)
    q = q / dnp.sum(q, axis=axis, keepdims=True)
    from ..special import rel_entr
    m = (p + q) / 2.0
    js = (dnp.sum(rel_entr(p, m), axis=axis, keepdims=keepdims)
          + dnp.sum(rel_entr(q, m), axis=axis, keepdims=keepdims))
    if base is not None:
        js = js / dnp.log(base)
    out = _safe_sqrt(js / 2.0)
    dt = _np.asarray(ref).dtype
    return out if _np.dtype(out.dtype) == dt else dnp.astype(out, dt)


# ---------------------------------------------------------------------------
# cdist, pdist

def _metric_kwargs(name, kwargs, fun):
    allowed = _KWARGS[name]
    extra = set(kwargs) - set(allowed)
    if extra:
        raise TypeError(f"{fun}: metric {name!r} got unexpected keyword "
                        f"argument(s) {sorted(extra)}; it takes {list(allowed)}")
    return dict(kwargs)


def _as_float64(X):
    X = dnp.asarray(X)
    return X if _np.dtype(X.dtype) == _np.float64 else dnp.astype(X, _np.float64)


def _check_2d(X, name):
    if len(shape_of(X)) != 2:
        raise ValueError(f"{name} must be a 2-dimensional array.")


def _callable_pairs(metric, rowsA, rowsB, pairs, kwargs):
    vals = [dnp.astype(dnp.asarray(metric(rowsA[i], rowsB[j], **kwargs)), _np.float64)
            for i, j in pairs]
    return dnp.stack(vals) if vals else dnp.zeros(0)


def _metric_name(metric, who):
    """The canonical name of the string ``metric``, refusing one without a derivative
    here (SciPy's TypeError for a metric that is neither a string nor callable)."""
    if not isinstance(metric, str):
        raise TypeError("2nd argument metric must be a string identifier or a function.")
    name = _canonical(metric)
    if name not in _METRICS:
        raise NotImplementedError(
            f"{who}: metric {metric!r} has no derivative in dualad (differentiable metrics: "
            f"{sorted(_METRICS)}); pass a callable metric written with dualad.numpy, or "
            f"plain arrays for SciPy's own")
    return name


def cdist(XA, XB, metric="euclidean", *, out=None, **kwargs):
    """``scipy.spatial.distance.cdist``: the distances between the rows of ``XA``
    (``mA x n``) and of ``XB`` (``mB x n``), an ``mA x mB`` float64 array.

    ``metric`` is one of the metrics of this module (SciPy's aliases too) or a
    callable ``metric(u, v, **kwargs)`` written with dualad operations, called once
    per pair as SciPy does.  Its keyword (``w``, ``p``, ``V``, ``VI``, ``base``,
    ``centered``) may be traced.  ``out`` cannot hold a traced value.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy.spatial import distance
    >>> XA, XB = np.array([[0.0, 0.0]]), np.array([[3.0, 4.0], [1.0, 0.0]])
    >>> distance.cdist(XA, XB)
    array([[5., 1.]])
    >>> ad.grad(lambda XB: distance.cdist(XA, XB, "sqeuclidean").sum())(XB)
    array([[6., 8.],
           [2., 0.]])
    """
    if not _traced(XA, XB, *kwargs.values()):
        return _ssd.cdist(XA, XB, metric, out=out, **kwargs)
    if out is not None:
        raise TypeError("cdist: out= cannot hold a traced value; use the returned array")
    XA, XB = dnp.asarray(XA), dnp.asarray(XB)
    _check_2d(XA, "XA")
    _check_2d(XB, "XB")
    (mA, n), (mB, nB) = shape_of(XA), shape_of(XB)
    if n != nB:
        raise ValueError("XA and XB must have the same number of columns "
                         "(i.e. feature dimension.)")
    XA, XB = _as_float64(XA), _as_float64(XB)
    if callable(metric):
        pairs = [(i, j) for i in range(mA) for j in range(mB)]
        return dnp.reshape(_callable_pairs(metric, XA, XB, pairs, kwargs), (mA, mB))
    name = _metric_name(metric, "cdist")
    kw = _metric_kwargs(name, kwargs, "cdist")
    if not (name in ("euclidean", "sqeuclidean") and kw.get("w") is None):
        # SciPy's own argument checks (and errors) on the plain values (the primitive
        # of the unweighted Euclidean metrics has SciPy's values and needs none)
        _ssd.cdist(_plain(XA), _plain(XB), metric,
                   **{k: _plain(v) for k, v in kw.items()})
    if name == "seuclidean" and kw.get("V") is None:
        kw["V"] = dnp.var(dnp.concatenate([XA, XB]), axis=0, ddof=1)
    if name == "mahalanobis" and kw.get("VI") is None:
        X = dnp.concatenate([XA, XB])
        kw["VI"] = dnp.linalg.inv(dnp.cov(X.T)).T
    if name == "seuclidean":
        kw["V_"] = kw.pop("V")
    U = dnp.reshape(XA.T, (n, mA, 1))
    V = dnp.reshape(XB.T, (n, 1, mB))
    if n == 0:
        return _np.zeros((mA, mB)) + 0.0 * dnp.sum(XA) + 0.0 * dnp.sum(XB)
    res = _METRICS[name](U, V, **kw)
    return dnp.astype(res, _np.float64) if _np.dtype(res.dtype) != _np.float64 else res


def pdist(X, metric="euclidean", *, out=None, **kwargs):
    """``scipy.spatial.distance.pdist``: the distances between the rows ``i < j`` of ``X``
    (``m x n``), in SciPy's order (a condensed vector of length ``m (m - 1) / 2``).

    The metrics and keywords are ``cdist``'s.

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy.spatial import distance
    >>> X = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]])
    >>> distance.pdist(X, "cityblock")
    array([7., 1., 6.])
    """
    if not _traced(X, *kwargs.values()):
        return _ssd.pdist(X, metric, out=out, **kwargs)
    if out is not None:
        raise TypeError("pdist: out= cannot hold a traced value; use the returned array")
    X = dnp.asarray(X)
    _check_2d(X, "X")
    m, n = shape_of(X)
    X = _as_float64(X)
    I, J = _np.triu_indices(m, 1)
    if callable(metric):
        return _callable_pairs(metric, X, X, list(zip(I.tolist(), J.tolist())), kwargs)
    name = _metric_name(metric, "pdist")
    kw = _metric_kwargs(name, kwargs, "pdist")
    if not (name in ("euclidean", "sqeuclidean") and kw.get("w") is None):
        _ssd.pdist(_plain(X), metric, **{k: _plain(v) for k, v in kw.items()})
    if name == "seuclidean" and kw.get("V") is None:
        kw["V"] = dnp.var(X, axis=0, ddof=1)
    if name == "mahalanobis" and kw.get("VI") is None:
        kw["VI"] = dnp.linalg.inv(dnp.cov(X.T)).T
    if name == "seuclidean":
        kw["V_"] = kw.pop("V")
    if n == 0 or len(I) == 0:
        return _np.zeros(len(I)) + 0.0 * dnp.sum(X)
    XT = X.T
    if name in ("euclidean", "sqeuclidean") and kw.get("w") is None:
        # the m x m matrix of the primitive (one pass over the features, no gather of
        # the pairs) and its upper triangle; SciPy's pdist values
        from ...numpy._poly import _exact
        full = (_euc_p if name == "euclidean" else _sq_p)(
            dnp.reshape(XT, (n, m, 1)), dnp.reshape(XT, (n, 1, m)))
        return _exact(_ssd.pdist(_plain(X), name), full[I, J])
    res = _METRICS[name](XT[:, I], XT[:, J], **kw)
    return dnp.astype(res, _np.float64) if _np.dtype(res.dtype) != _np.float64 else res


def squareform(X, force="no", checks=True):
    """``scipy.spatial.distance.squareform``: a condensed distance vector to the
    symmetric matrix with zero diagonal, or such a matrix to its condensed vector
    (its upper triangle, which alone carries the derivative).  Differentiable both
    ways; SciPy's checks and errors (on the values).

    >>> import numpy as np, dualad as ad
    >>> from dualad.scipy.spatial import distance
    >>> ad.grad(lambda d: distance.squareform(d).sum())(np.array([1.0, 2.0, 3.0]))
    array([2., 2., 2.])
    """
    ref = _ssd.squareform(_plain(X), force=force, checks=checks)
    if not _traced(X):
        return ref
    X = dnp.asarray(X)
    if ref.ndim == 2:                         # vector -> matrix
        nm = ref.shape[0]
        idx = _np.zeros((nm, nm), dtype=_np.intp)
        iu = _np.triu_indices(nm, 1)
        idx[iu] = _np.arange(1, len(iu[0]) + 1)
        idx += idx.T
        full = dnp.concatenate([dnp.zeros(1, dtype=X.dtype), X])
        return full[idx]
    nm = shape_of(X)[0]
    return X[_np.triu_indices(nm, 1)]
