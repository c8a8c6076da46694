"""Robustness of the transforms at their edges (audit /tmp/audit/robust):

* what ``vjp`` returns never aliases what its ``vjp_fn`` keeps;
* a user primitive whose one rule calls the primitive itself (autograd style)
  nests in every order, while a rule that would transpose forever is refused;
* dict subclasses (OrderedDict, defaultdict) are pytrees, and an aux value
  comes back as plain NumPy whatever container holds it (or a TypeError);
* containers nested thousands of levels deep;
* the messages of a few errors.

Derivatives are checked against closed forms (every derivative of exp is exp).
"""
from __future__ import annotations

import collections
import dataclasses
import itertools

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp
from dualad.tracer import Tracer
from dualad.tree import flatten

X = np.array([0.1, 0.2, -0.7])


def _no_tracer(x):
    """Nothing inside ``x`` (pytrees, sets, deques, dataclasses) is a tracer."""
    todo = [x]
    while todo:
        v = todo.pop()
        assert not isinstance(v, Tracer), repr(v)
        if isinstance(v, (set, frozenset, collections.deque, list, tuple)):
            todo.extend(v)
        elif isinstance(v, dict):
            todo.extend(v.values())
        elif dataclasses.is_dataclass(v):
            todo.extend(getattr(v, f.name) for f in dataclasses.fields(v))


# ---------------------------------------------------------------------------
# 1. vjp's outputs are the user's own arrays
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("f, df", [
    (dnp.exp, np.exp),
    (lambda x: dnp.sqrt(x * x + 1.0), lambda x: x / np.sqrt(x * x + 1.0)),
    (lambda x: dnp.exp(x)[::-1][::-1], np.exp),                 # a view of what exp keeps
    (lambda x: dnp.reshape(dnp.exp(x), (3, 1)).ravel(), np.exp),
])
def test_writing_into_vjp_output_leaves_vjp_fn_alone(f, df):
    out, vjp_fn = ad.vjp(f, X)
    out *= 0.0
    out[...] = 7.0
    np.testing.assert_allclose(vjp_fn(np.ones(3))[0], df(X), rtol=1e-14)


def test_writing_into_vjp_pytree_output_and_aux_leaves_vjp_fn_alone():
    c = np.array([2.0, 3.0, 4.0])

    def f(x):
        e = dnp.exp(x)
        y = e * c
        return {"y": y, "c": c}, (e, [y], c)

    out, vjp_fn, aux = ad.vjp(f, X, has_aux=True)
    for a in (out["y"], out["c"], aux[0], aux[1][0], aux[2]):
        assert type(a) is np.ndarray and a.flags.writeable
        a[...] = -1.0
    ct = {"y": np.ones(3), "c": np.ones(3)}
    np.testing.assert_allclose(vjp_fn(ct)[0], c * np.exp(X), rtol=1e-14)
    np.testing.assert_array_equal(c, [2.0, 3.0, 4.0])     # the user's constant untouched


def test_vjp_of_the_identity_hands_back_a_copy():
    x = X.copy()
    out, vjp_fn = ad.vjp(lambda x: x, x)
    assert out is not x and not np.shares_memory(out, x)
    out[:] = 0.0
    np.testing.assert_array_equal(x, X)
    np.testing.assert_array_equal(vjp_fn(np.arange(3.0))[0], np.arange(3.0))


def test_writing_into_vjp_fn_results_leaves_later_calls_alone():
    out, vjp_fn = ad.vjp(lambda x, y: (dnp.exp(x) * y, dnp.sum(x)), X, 2.0)
    ct = (np.ones(3), 1.0)
    first = vjp_fn(ct)
    first[0][...] = 0.0
    second = vjp_fn(ct)
    np.testing.assert_allclose(second[0], 2.0 * np.exp(X) + 1.0, rtol=1e-14)
    np.testing.assert_allclose(second[1], np.sum(np.exp(X)), rtol=1e-14)


def test_writing_into_other_transform_results_changes_nothing_later():
    f = lambda x: (dnp.sum(dnp.exp(x)), dnp.exp(x))     # noqa: E731
    g = ad.grad(f, has_aux=True)
    d, aux = g(X)
    d[...] = 0.0
    aux[...] = 0.0
    d2, aux2 = g(X)
    np.testing.assert_allclose(d2, np.exp(X), rtol=1e-14)
    np.testing.assert_allclose(aux2, np.exp(X), rtol=1e-14)
    y, t = ad.jvp(dnp.exp, (X,), (np.ones(3),))
    y[...] = 0.0
    t[...] = 0.0
    np.testing.assert_allclose(ad.jvp(dnp.exp, (X,), (np.ones(3),))[1], np.exp(X), rtol=1e-14)


# ---------------------------------------------------------------------------
# 2. a one-rule primitive whose rule calls the primitive itself
# ---------------------------------------------------------------------------
def _exp_vjp_only():
    @ad.primitive
    def myexp(x):
        return np.exp(x)
    ad.defvjp(myexp, lambda ans, x: lambda g: g * myexp(x))      # autograd style
    return myexp


def _exp_jvp_only():
    @ad.primitive
    def myexp2(x):
        return np.exp(x)
    ad.defjvp(myexp2, lambda t, ans, x: t * myexp2(x))
    return myexp2


def _fwd(f):
    return lambda x: ad.jvp(f, (x,), (1.0,))[1]


@pytest.mark.parametrize("make", [_exp_vjp_only, _exp_jvp_only])
@pytest.mark.parametrize("order", [1, 2, 3])
def test_self_calling_one_rule_primitive_nests_in_every_order(make, order):
    p = make()
    for ds in itertools.product((_fwd, ad.grad), repeat=order):
        f = p
        for d in ds:
            f = d(f)
        got = f(0.3)
        assert not isinstance(got, Tracer)
        np.testing.assert_allclose(got, np.exp(0.3), rtol=1e-14,
                                   err_msg=" o ".join(d.__name__ for d in ds))


@pytest.mark.parametrize("make", [_exp_vjp_only, _exp_jvp_only])
def test_self_calling_one_rule_primitive_arrays_and_traced_tangents(make):
    p = make()
    J2 = ad.jacfwd(ad.jacfwd(p))(X)                 # forward over forward
    want = np.zeros((3, 3, 3))
    want[np.arange(3), np.arange(3), np.arange(3)] = np.exp(X)
    np.testing.assert_allclose(J2, want, rtol=1e-14)
    np.testing.assert_allclose(ad.hessian(lambda x: dnp.sum(p(x)))(X), np.diag(np.exp(X)),
                               rtol=1e-14)
    # the inner tangent traced by the outer jvp: d/dy [exp'(x) y] = exp(x)
    v = ad.jvp(lambda y: ad.jvp(p, (0.3,), (y,))[1], (2.0,), (1.0,))[1]
    np.testing.assert_allclose(v, np.exp(0.3), rtol=1e-14)
    # and d/dx [exp'(x) y] = exp(x) y
    v = ad.jvp(lambda x: ad.jvp(p, (x,), (2.0,))[1], (0.3,), (1.0,))[1]
    np.testing.assert_allclose(v, 2.0 * np.exp(0.3), rtol=1e-14)


def test_vjp_only_rule_calling_itself_on_the_cotangent_is_linear_and_works():
    twice = ad.primitive(lambda x: 2.0 * x, name="twice_vjp")
    ad.defvjp(twice, lambda ans, x: lambda g: twice(g))
    assert ad.jvp(twice, (1.0,), (3.0,))[1] == 6.0
    assert ad.jvp(_fwd(lambda x: twice(x) * x), (1.5,), (1.0,))[1] == 4.0   # (2x^2)'' = 4


@pytest.mark.parametrize("outer", [
    lambda f: f,
    lambda f: _fwd(f),
    lambda f: ad.grad(f),
])
def test_rule_calling_its_primitive_on_its_tangent_is_still_refused(outer):
    p = ad.primitive(lambda x: 2.0 * x, name="twice_again")
    ad.defjvp(p, lambda t, ans, x: p(t))
    with pytest.raises(NotImplementedError, match="calls 'twice_again' itself on its tangent"):
        outer(ad.grad(p))(1.0)
    # and a rule needing its own gradient (which needs that rule) as well
    r = ad.primitive(np.exp, name="exp_via_grad")
    ad.defjvp(r, lambda t, ans, x: t * ad.grad(r)(x))
    with pytest.raises(NotImplementedError, match="calls 'exp_via_grad' itself"):
        outer(_fwd(r))(0.3)
    assert np.isclose(ad.grad(dnp.sin)(0.3), np.cos(0.3))


# ---------------------------------------------------------------------------
# 3. dict subclasses; aux in any container
# ---------------------------------------------------------------------------
def test_ordereddict_and_defaultdict_inputs():
    od = collections.OrderedDict([("b", 2.0), ("a", np.array([1.0, 3.0]))])
    g = ad.grad(lambda d: d["a"][1] * d["b"] ** 2)(od)
    assert type(g) is collections.OrderedDict and list(g) == ["b", "a"]
    np.testing.assert_allclose(g["b"], 2 * 3.0 * 2.0)
    np.testing.assert_allclose(g["a"], [0.0, 4.0])

    dd = collections.defaultdict(list, {"w": X, "b": 0.5})
    v, g = ad.value_and_grad(lambda d: dnp.sum(d["w"] * d["b"]))(dd)
    assert type(g) is collections.defaultdict and g.default_factory is list
    np.testing.assert_allclose(g["w"], 0.5 * np.ones(3))
    np.testing.assert_allclose(g["b"], np.sum(X))
    np.testing.assert_allclose(v, 0.5 * np.sum(X))

    out, t = ad.jvp(lambda d: collections.OrderedDict(s=dnp.sin(d["a"]), c=d["b"]),
                    (od,), (collections.OrderedDict([("b", 1.0), ("a", np.ones(2))]),))
    assert type(out) is collections.OrderedDict and list(t) == ["s", "c"]
    np.testing.assert_allclose(t["s"], np.cos([1.0, 3.0]))
    out, vjp_fn = ad.vjp(lambda d: d["a"] * d["b"], od)
    ct = vjp_fn(np.ones(2))[0]
    assert type(ct) is collections.OrderedDict and list(ct) == ["b", "a"]
    np.testing.assert_allclose(ct["a"], [2.0, 2.0])
    np.testing.assert_allclose(ct["b"], 4.0)


def test_ordereddict_tangent_must_match_order_and_kind():
    od = collections.OrderedDict([("b", 2.0), ("a", 1.0)])
    with pytest.raises(ValueError, match=r"OrderedDict\(\{'a': \*, 'b': \*\}\).*"
                                         r"OrderedDict\(\{'b': \*, 'a': \*\}\)"):
        ad.jvp(lambda d: d["a"], (od,), (collections.OrderedDict(a=1.0, b=0.0),))
    with pytest.raises(ValueError, match="structure"):
        ad.jvp(lambda d: d["a"], (od,), ({"a": 1.0, "b": 0.0},))


def test_other_dict_subclasses_are_dicts():
    class Params(dict):
        pass

    g = ad.grad(lambda p: p["x"] * p["y"])(Params(x=2.0, y=3.0))
    assert type(g) is Params and g == {"x": 3.0, "y": 2.0}

    class Odd(dict):                 # cannot be built from pairs: a plain dict
        def __init__(self, a, b):
            super().__init__(x=a, y=b)

    g = ad.grad(lambda p: p["x"] * p["y"])(Odd(2.0, 3.0))
    assert type(g) is dict and g == {"x": 3.0, "y": 2.0}


@dataclasses.dataclass
class _Box:
    v: object
    n: int = 0


@dataclasses.dataclass(frozen=True)
class _Frozen:
    v: object


class _Opaque:
    def __init__(self, v):
        self.v = v


def _aux_cases(x):
    s = dnp.sum(x)
    return [
        collections.OrderedDict(a=x * 2.0),
        collections.defaultdict(int, a=s),
        {s, 1.0},
        frozenset([s]),
        collections.deque([x, s], maxlen=5),
        _Box([x, {"s": s}], 3),
        _Frozen((s, _Box(s))),
    ]


@pytest.mark.parametrize("k", range(7))
def test_aux_in_any_rebuildable_container_comes_back_plain(k):
    def f(x):
        return dnp.sum(dnp.sin(x)), _aux_cases(x)[k]

    want = _aux_cases(X)[k]
    results = [
        ad.grad(f, has_aux=True)(X)[1],
        ad.value_and_grad(f, has_aux=True)(X)[0][1],
        ad.jvp(f, (X,), (np.ones(3),), has_aux=True)[2],
        ad.vjp(f, X, has_aux=True)[2],
        ad.jacfwd(f, has_aux=True)(X)[1],
        ad.jacrev(f, has_aux=True)(X)[1],
    ]
    for aux in results:
        _no_tracer(aux)
        assert type(aux) is type(want)
        la, lw = flatten(aux)[0], flatten(want)[0]
        if isinstance(want, (set, frozenset)):
            assert aux == want
        elif isinstance(want, collections.deque):
            assert aux.maxlen == 5
            np.testing.assert_allclose(aux[0], X)
        else:
            for a, w in zip(la, lw):
                if dataclasses.is_dataclass(w):
                    _no_tracer(a)
                else:
                    np.testing.assert_allclose(a, w)


def test_aux_inside_an_object_dualad_cannot_rebuild_is_refused():
    f = lambda x: (dnp.sum(x), _Opaque([dnp.sin(x)]))     # noqa: E731
    for call in (lambda: ad.grad(f, has_aux=True)(X),
                 lambda: ad.jvp(f, (X,), (X,), has_aux=True),
                 lambda: ad.vjp(f, X, has_aux=True)):
        with pytest.raises(TypeError, match=r"_Opaque object.*tuple, list, dict"):
            call()
    with pytest.raises(TypeError, match=r"inside a set.*tuple or a list"):
        ad.grad(lambda x: (dnp.sum(x), {(x * 2.0,)}), has_aux=True)(X)   # arrays: unhashable
    # an object holding no traced value comes back as it is
    o = _Opaque([1.0])
    assert ad.grad(lambda x: (dnp.sum(x), o), has_aux=True)(X)[1] is o


def test_aux_keeps_the_values_of_outer_transforms():
    # the inner grad's aux holds a value of the outer grad: it must stay traced
    def outer(y):
        g, aux = ad.grad(lambda x: (x * y, collections.OrderedDict(p=x * y * y)),
                         has_aux=True)(2.0)
        return g + aux["p"]           # = y + 2 y^2

    assert np.isclose(ad.grad(outer)(3.0), 1.0 + 4.0 * 3.0)


# ---------------------------------------------------------------------------
# 4. deep containers
# ---------------------------------------------------------------------------
def _nest(v, depth):
    for _ in range(depth):
        v = [v]
    return v


def _leaf(t):
    while isinstance(t, list):
        t = t[0]
    return t


@pytest.mark.parametrize("depth", [500, 3000])
def test_deeply_nested_containers(depth):
    t = _nest(1.5, depth)
    g = ad.grad(lambda t: _leaf(t) * 3.0)(t)
    assert _leaf(g) == 3.0 and flatten(g)[1] == flatten(t)[1]
    out, tan = ad.jvp(lambda t: _nest(dnp.sin(_leaf(t)), depth), (t,), (_nest(1.0, depth),))
    assert np.isclose(_leaf(tan), np.cos(1.5)) and flatten(tan)[1] == flatten(t)[1]
    out, vjp_fn = ad.vjp(lambda t: _nest(dnp.sin(_leaf(t)), depth), t)
    assert np.isclose(_leaf(vjp_fn(_nest(2.0, depth))[0]), 2.0 * np.cos(1.5))
    aux = ad.grad(lambda x: (x * x, _nest(x, depth)), has_aux=True)(1.5)[1]
    assert _leaf(aux) == 1.5 and not isinstance(_leaf(aux), Tracer)
    with pytest.raises(ValueError, match="structure"):
        ad.jvp(lambda t: _leaf(t), (t,), (_nest(1.0, depth + 1),))


# ---------------------------------------------------------------------------
# 5. messages
# ---------------------------------------------------------------------------
def test_dict_keys_that_cannot_be_sorted_are_named():
    with pytest.raises(TypeError, match=r"keys of a dict \(1, 'a'\) cannot be sorted.*"
                                        r"OrderedDict"):
        ad.grad(lambda d: d[1] * d["a"])({1: 2.0, "a": 3.0})
    od = collections.OrderedDict([(1, 2.0), ("a", 3.0)])        # the way out it names
    assert ad.grad(lambda d: d[1] * d["a"])(od) == collections.OrderedDict([(1, 3.0),
                                                                             ("a", 2.0)])


def test_structure_messages_name_namedtuples():
    P = collections.namedtuple("P", "a b")
    with pytest.raises(ValueError, match=r"structure \(\*, \*\) but primal 0 has "
                                         r"structure P\(\*, \*\)"):
        ad.jvp(lambda p: p.a * p.b, (P(2.0, 3.0),), ((1.0, 0.0),))


def test_grad_of_a_function_returning_none_says_so():
    for g in (ad.grad, ad.value_and_grad):
        with pytest.raises(TypeError, match=r"returned None.*return statement") as e:
            g(lambda x: None)(1.0)
        assert "container" not in str(e.value)
