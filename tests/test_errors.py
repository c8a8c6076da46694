"""Every error in the contract: raised at the call that caused it, with a
message naming what is wrong, and leaving no state behind (the next call
works normally)."""
from __future__ import annotations

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp

X = np.array([0.5, -1.0, 2.0])


def _works_after():
    """A normal call in each mode, after an error."""
    assert np.allclose(ad.grad(lambda x: dnp.sum(x ** 2))(X), 2 * X)
    assert np.allclose(ad.jvp(lambda x: x ** 2, (X,), (np.ones(3),))[1], 2 * X)
    out, back = ad.vjp(dnp.sin, X)
    assert np.allclose(back(np.ones(3))[0], np.cos(X))
    # nesting still tells levels apart
    assert np.isclose(ad.grad(lambda x: x * ad.grad(lambda y: x + y)(1.0))(2.0), 1.0)


# ---------------------------------------------------------------------------
# grad of a non-scalar
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3,), (2, 2), (1,)])
def test_grad_of_non_scalar(shape):
    with pytest.raises(TypeError) as e:
        ad.grad(lambda x: x * 2.0)(np.ones(shape))
    msg = str(e.value)
    assert str(shape) in msg
    assert "jacobian" in msg and "vjp" in msg
    _works_after()


def test_value_and_grad_of_non_scalar():
    with pytest.raises(TypeError, match=r"\(3,\)"):
        ad.value_and_grad(dnp.sin)(X)
    _works_after()


def test_grad_of_container_output():
    with pytest.raises(TypeError, match="jacobian|vjp"):
        ad.grad(lambda x: (dnp.sum(x), dnp.sum(x)))(X)
    _works_after()


# ---------------------------------------------------------------------------
# tangent / cotangent mismatches
# ---------------------------------------------------------------------------
def test_tangent_shape_mismatch():
    with pytest.raises(ValueError) as e:
        ad.jvp(dnp.sin, (np.ones(3),), (np.ones(4),))
    assert "(4,)" in str(e.value) and "(3,)" in str(e.value)
    _works_after()


def test_tangent_shape_mismatch_matrix():
    with pytest.raises(ValueError) as e:
        ad.jvp(lambda a: a @ a, (np.eye(2),), (np.ones((2, 3)),))
    assert "(2, 3)" in str(e.value) and "(2, 2)" in str(e.value)
    _works_after()


def test_tangent_dtype_mismatch():
    x = np.ones(3, dtype=np.float32)
    with pytest.raises(ValueError) as e:
        ad.jvp(dnp.sin, (x,), (np.ones(3, dtype=np.float64),))
    msg = str(e.value)
    assert "(3,)" in msg and "float64" in msg and "float32" in msg
    _works_after()


def test_complex_tangent_for_real_primal():
    with pytest.raises(ValueError) as e:
        ad.jvp(dnp.sin, (X,), (np.ones(3, dtype=complex),))
    assert "complex" in str(e.value)
    _works_after()


def test_cotangent_shape_mismatch():
    out, back = ad.vjp(lambda x: dnp.outer(x, x), X)
    with pytest.raises(ValueError) as e:
        back(np.ones(3))
    assert "(3,)" in str(e.value) and "(3, 3)" in str(e.value)
    # the same pullback still works with the right cotangent
    (c,) = back(np.ones((3, 3)))
    np.testing.assert_allclose(c, 2 * np.sum(X) * np.ones(3))
    _works_after()


def test_cotangent_dtype_mismatch():
    x = np.ones(2, dtype=np.float32)
    out, back = ad.vjp(dnp.exp, x)
    with pytest.raises(ValueError) as e:
        back(np.ones(2, dtype=np.float64))
    msg = str(e.value)
    assert "(2,)" in msg and "float64" in msg and "float32" in msg
    _works_after()


def test_tangent_structure_mismatch():
    with pytest.raises(ValueError):
        ad.jvp(lambda p: p["a"], ({"a": 1.0},), ({"b": 1.0},))
    with pytest.raises((ValueError, TypeError)):
        ad.jvp(lambda a, b: a * b, (1.0, 2.0), (1.0,))
    _works_after()


def test_cotangent_structure_mismatch():
    out, back = ad.vjp(lambda x: (x, 2 * x), 1.0)
    with pytest.raises(ValueError):
        back(1.0)
    _works_after()


# ---------------------------------------------------------------------------
# integer / bool inputs
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("x,name", [(np.arange(3), "int64"),
                                    (np.array([True, False]), "bool"),
                                    (np.arange(3, dtype=np.int8), "int8")])
def test_integer_input_named(x, name):
    with pytest.raises(TypeError, match=name):
        ad.grad(lambda v: dnp.sum(v * 1.0))(x)
    _works_after()


# ---------------------------------------------------------------------------
# NumPy functions without a rule
# ---------------------------------------------------------------------------
# candidates unlikely ever to get a rule; the test uses the first that has none
_NO_RULE_FUNCS = ["ix_", "common_type", "array2string"]


def _function_without_rule():
    from dualad.numpy import _dispatch
    for name in _NO_RULE_FUNCS:
        f = getattr(np, name, None)
        if f is not None and f not in _dispatch._FUNCTIONS:
            try:
                f(np.array([1.0, 2.0, 3.0]))
            except Exception:  # noqa: BLE001 - needs other arguments
                continue
            return name
    raise AssertionError("every candidate in _NO_RULE_FUNCS has a rule now: "
                         "add a NumPy function that has none")


def test_numpy_function_without_rule_named():
    name = _function_without_rule()
    f = getattr(np, name)
    called = []

    def fun(x):
        called.append("before")
        y = f(x)
        called.append("after")      # must not be reached: the error is at the call
        return np.sum(y)
    for transform in (lambda: ad.grad(fun)(np.array([1.0, 2.0, 3.0])),
                      lambda: ad.jvp(fun, (np.array([1.0, 2.0, 3.0]),),
                                     (np.ones(3),))):
        called.clear()
        with pytest.raises(NotImplementedError, match=name):
            transform()
        assert called == ["before"]
    _works_after()


def _myop(a):
    return a


def test_ufunc_without_rule_named():
    from dualad.numpy import _dispatch
    # a ufunc dualad cannot know about: made by the user with np.frompyfunc
    ufuncs = [np.frompyfunc(_myop, 1, 1)]
    ufuncs += [u for u in (np.spacing, np.nextafter) if u not in _dispatch._UFUNCS]
    for uf in ufuncs:
        args = (np.ones(3),) * (uf.nin - 1)
        with pytest.raises(NotImplementedError, match=uf.__name__.split()[0]):
            ad.grad(lambda x: np.sum(uf(x, *args)))(X)
        with pytest.raises(NotImplementedError, match=uf.__name__.split()[0]):
            ad.jvp(lambda x: uf(x, *args), (X,), (X,))
    _works_after()


def test_ufunc_out_argument_refused():
    buf = np.zeros(3)
    with pytest.raises(TypeError):
        ad.grad(lambda x: np.sum(np.sin(x, out=buf)))(X)
    _works_after()


# ---------------------------------------------------------------------------
# item assignment of a traced value into a plain ndarray
# ---------------------------------------------------------------------------
def test_item_assignment_into_ndarray():
    def f(x):
        out = np.zeros(3)
        out[0] = x[1]
        return np.sum(out)
    for call in (lambda: ad.grad(f)(X), lambda: ad.jvp(f, (X,), (np.ones(3),))):
        with pytest.raises(TypeError) as e:
            call()
        msg = str(e.value)
        # says what to do instead
        assert "stop_gradient" in msg or "stack" in msg or "where" in msg
    _works_after()


def test_slice_assignment_into_ndarray():
    def f(x):
        out = np.zeros(5)
        out[1:4] = x
        return np.sum(out)
    with pytest.raises((TypeError, ValueError)) as e:
        ad.grad(f)(X)
    assert "stop_gradient" in str(e.value) or "concatenate" in str(e.value) \
        or "stack" in str(e.value)
    _works_after()


@pytest.mark.parametrize("body", [
    "out[0] = x[1]",                 # STORE_SUBSCR, a scalar: __float__ converts
    "out[1:4] = x",                  # a slice: __array__ converts
    "out[0] += x[1]",
    "out[np.array([0, 2])] = x[:2]",
    "out[out == 0] = x[0]",
])
def test_item_assignment_message_names_the_assignment_not_an_index(body, tmp_path):
    # the conversion happens at the store into the plain array; the message
    # used to explain traced *indices* ("an index must be an integer array"),
    # which the index here is not
    src = tmp_path / "user_code.py"
    src.write_text("import numpy as np\n"
                   "def f(x):\n"
                   "    out = np.zeros(5)\n"
                   f"    {body}\n"
                   "    return np.sum(out)\n")
    ns = {}
    exec(compile(src.read_text(), str(src), "exec"), ns)
    for call in (lambda: ad.grad(ns["f"])(X), lambda: ad.jvp(ns["f"], (X,), (np.ones(3),))):
        with pytest.raises(TypeError) as e:
            call()
        msg = str(e.value)
        assert "an item assignment into a NumPy array" in msg
        assert "an index must be" not in msg
        assert "dualad.numpy.index_update" in msg and "index_add" in msg
        assert f"{src}:4" in msg
    # what the message says to write works
    g = ad.grad(lambda x: dnp.sum(dnp.index_update(np.zeros(5), 0, x[1]) * 2.0))(X)
    assert np.array_equal(g, [0.0, 2.0, 0.0])
    _works_after()


def test_float_of_traced_value():
    with pytest.raises(TypeError):
        ad.grad(lambda x: float(x) * 2.0)(1.0)
    _works_after()


# ---------------------------------------------------------------------------
# errors raised by user code inside a transform
# ---------------------------------------------------------------------------
class _Boom(Exception):
    pass


@pytest.mark.parametrize("depth", [1, 2])
def test_user_exception_propagates_and_leaves_no_state(depth):
    def f(x):
        if x > 0:
            raise _Boom("from user code")
        return x

    g = f
    for _ in range(depth - 1):
        g = ad.grad(g)
    with pytest.raises(_Boom):
        ad.grad(g)(1.0)
    with pytest.raises(_Boom):
        ad.jvp(g, (1.0,), (1.0,))
    _works_after()


def test_has_aux_without_pair():
    with pytest.raises(TypeError, match="pair|aux"):
        ad.grad(lambda x: x ** 2, has_aux=True)(1.0)
    _works_after()


def test_custom_primitive_without_rules():
    @ad.primitive
    def opaque(x):
        return x * 2.0
    with pytest.raises(NotImplementedError, match="opaque"):
        ad.grad(opaque)(1.0)
    with pytest.raises(NotImplementedError, match="opaque"):
        ad.jvp(opaque, (1.0,), (1.0,))
    # untraced calls still work
    assert opaque(3.0) == 6.0
    _works_after()


def test_one_rule_that_cannot_be_transposed_names_the_missing_mode():
    # a rule in raw NumPy runs in its own mode, but cannot be traced to derive
    # the other one: the contract's NotImplementedError, chaining the cause
    @ad.primitive
    def vjp_only(x):
        return np.sin(x)
    ad.defvjp(vjp_only, lambda ans, x: lambda g: np.array(g, dtype=float) * np.cos(x))
    with pytest.raises(NotImplementedError, match=r"^primitive 'vjp_only' has no forward "
                                                  r"\(JVP\) rule for argument 0") as e:
        ad.jvp(vjp_only, (np.ones(2),), (np.ones(2),))
    assert isinstance(e.value.__cause__, TypeError) and "defjvp" in str(e.value)
    np.testing.assert_allclose(ad.grad(lambda x: dnp.sum(vjp_only(x)))(X), np.cos(X))

    @ad.primitive
    def jvp_only(x):
        return np.sin(x)
    ad.defjvp(jvp_only, lambda t, ans, x: float(np.sum(t)) * np.cos(x))
    with pytest.raises(NotImplementedError, match=r"^primitive 'jvp_only' has no reverse "
                                                  r"\(VJP\) rule for argument 0") as e:
        ad.grad(lambda x: dnp.sum(jvp_only(x)))(X)
    assert isinstance(e.value.__cause__, TypeError) and "defvjp" in str(e.value)
    assert np.isclose(ad.jvp(jvp_only, (0.5,), (1.0,))[1], np.cos(0.5))
    _works_after()


def test_ufunc_reduce_and_accumulate_run_along_axis_0():
    # numpy's ufunc.reduce / accumulate default to axis 0, not to all axes
    x = np.arange(1.0, 7.0).reshape(2, 3)
    out, tan = ad.jvp(lambda x: np.add.accumulate(x), (x,), (np.ones_like(x),))
    assert out.shape == (2, 3) and np.allclose(tan, [[1, 1, 1], [2, 2, 2]])
    g = ad.grad(lambda x: np.multiply.reduce(x).sum())(x)
    assert np.allclose(g, [[4, 5, 6], [1, 2, 3]])


@pytest.mark.parametrize("argnums, exc, words", [
    (2, ValueError, "out of range"),
    ((0, 5), ValueError, "out of range"),
    ((), ValueError, "empty"),
    ((0, 1.5), TypeError, "int or a tuple of ints"),
    ((0, [1]), TypeError, "int or a tuple of ints"),      # unhashable: not cached
    ("0", TypeError, "int or a tuple of ints"),
    (True, TypeError, "True is a bool"),
    (np.True_, TypeError, "True_ is a bool"),
    ((1, False), TypeError, r"got \(1, False\): False is a bool"),   # equals (1, 0)
])
def test_bad_argnums_are_named(argnums, exc, words):
    # the checks of argnums are cached for hashable values: errors are raised
    # on every call, with the same message, and leave the transform usable
    ad.grad(lambda x, y: x * y, argnums=(1, 0))(1.0, 2.0)   # cached; (1, False) equals it
    g = ad.grad(lambda x, y: x * y, argnums=argnums)
    for _ in range(2):
        with pytest.raises(exc, match=words):
            g(1.0, 2.0)
    assert float(ad.grad(lambda x, y: x * y, argnums=1)(3.0, 2.0)) == 3.0
    _works_after()


def test_errors_name_the_public_call_and_no_internal_types():
    import re
    xi = np.array([1, 2, 3])
    with pytest.raises(TypeError, match=r"^hessian: argument 0 has dtype int64"):
        ad.hessian(lambda x: dnp.sum(x ** 2))(xi)
    with pytest.raises(TypeError, match=r"^value_and_grad with has_aux=True .* returned an "
                                        r"array of shape \(3,\)"):
        ad.value_and_grad(lambda a: 2 * a, has_aux=True)(np.ones(3))
    with pytest.raises(TypeError, match=r"^grad with has_aux=True .* returned a scalar$"):
        ad.grad(lambda a: dnp.sum(a), has_aux=True)(np.ones(3))
    with pytest.raises(TypeError, match=r"returned a tuple of length 3$") as info:
        ad.jacobian(lambda a: (a, a, a), has_aux=True)(np.ones(3))
    assert not re.search(r"\b(Var|Dual|Tracer)\b", str(info.value))


def test_scipy_function_that_converts_its_input_is_named():
    import scipy.optimize
    import scipy.special
    with pytest.raises(TypeError, match=r"scipy\.special\.logsumexp converts its input .* "
                                        r"call dualad\.scipy\.special\.logsumexp instead"):
        ad.grad(lambda x: scipy.special.logsumexp(x))(np.ones(3))
    with pytest.raises(TypeError, match=r"scipy\.optimize\.rosen converts its input .* "
                                        r"write it with dualad\.numpy functions"):
        ad.grad(scipy.optimize.rosen)(np.ones(3))
    # a decorated SciPy function: named, not its decorator's wrapper
    with pytest.raises(TypeError, match=r"scipy\.special\.spherical_jn converts its input"):
        ad.grad(lambda x: scipy.special.spherical_jn(1, x))(0.5)
    with pytest.raises(TypeError, match=r"would be lost\. The conversion happened in "
                                        r"`np\.array\(\[x\[0\], 1\.0\]\)`.*dualad\.numpy\.array "
                                        r"instead"):   # not SciPy: the user's own line
        ad.grad(lambda x: np.array([x[0], 1.0]).sum())(np.ones(3))


def test_a_user_primitive_returning_several_outputs_is_named_at_the_call():
    """A primitive returns one value; a tuple (or list, dict) result on traced
    values is refused where the primitive is called, in both modes, and the
    next call works.  On plain values the function runs as written."""
    two = ad.primitive(lambda x: (np.sin(x), np.cos(x)), name="two_outputs")
    ad.defjvp(two, lambda t, ans, x: t)
    x = np.array([0.3, 0.5])
    assert isinstance(two(x), tuple)
    for call in (lambda: ad.grad(lambda x: dnp.sum(two(x)[0]))(x),
                 lambda: ad.jvp(lambda x: two(x)[0], (x,), (x,))):
        with pytest.raises(TypeError, match="primitive 'two_outputs' returned a tuple.*one "
                                            "primitive per output"):
            call()
    assert ad.grad(lambda x: dnp.sum(dnp.sin(x)))(x) == pytest.approx(np.cos(x))


# ---------------------------------------------------------------------------
# user primitives whose rules are wrong, and misuse of the registry
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("rule", [
    lambda t, ans, x: t * t,                 # caught by <L^T d, r> = <d, L r>
    lambda t, ans, x: dnp.sin(t) * ans,
    lambda t, ans, x: dnp.abs(t) * ans,      # homogeneous: caught by L(-r) = -L(r)
    lambda t, ans, x: dnp.maximum(t, 0.0),
])
def test_a_nonlinear_jvp_rule_is_not_transposed(rule):
    p = ad.primitive(lambda x: np.exp(x), name="nonlinear_jvp")
    ad.defjvp(p, rule)
    for call in (lambda: ad.grad(lambda x: dnp.sum(p(x)))(X),
                 lambda: ad.jacrev(p)(X), lambda: ad.hessian(lambda x: dnp.sum(p(x)))(X)):
        with pytest.raises(NotImplementedError, match=r"'nonlinear_jvp' has no reverse .*"
                                                      r"not linear in its tangent"):
            call()
    _works_after()


def test_a_nonlinear_vjp_rule_is_not_transposed():
    p = ad.primitive(lambda x: np.exp(x), name="nonlinear_vjp")
    ad.defvjp(p, lambda ans, x: lambda g: g * g * ans)
    with pytest.raises(NotImplementedError, match=r"'nonlinear_vjp' has no forward .*"
                                                  r"not linear in its cotangent"):
        ad.jvp(p, (X,), (np.ones(3),))
    _works_after()


@pytest.mark.parametrize("x", [X, np.array([0.3 + 0.2j, -1.0 + 1.0j])])
def test_linear_one_rule_primitives_are_transposed_exactly(x):
    # exp with only a JVP rule (or only a VJP rule): the derived rule is exact,
    # also where a probe direction would matter (complex input, second order)
    e1 = ad.primitive(lambda z: np.exp(z), name="exp_jvp_only")
    ad.defjvp(e1, lambda t, ans, z: t * ans)
    e2 = ad.primitive(lambda z: np.exp(z), name="exp_vjp_only")
    ad.defvjp(e2, lambda ans, z: lambda g: g * ans)
    g = np.linspace(0.5, 1.5, x.size).astype(x.dtype) * (1j if x.dtype.kind == "c" else 1)
    np.testing.assert_allclose(ad.vjp(e1, x)[1](g)[0], g * np.exp(x), rtol=1e-14)
    np.testing.assert_allclose(ad.jvp(e2, (x,), (g,))[1], g * np.exp(x), rtol=1e-14)
    if x.dtype.kind == "f":
        H = ad.hessian(lambda x: dnp.sum(e1(x)))(x)
        np.testing.assert_allclose(H, np.diag(np.exp(x)), rtol=1e-14)


def test_a_rule_that_calls_its_own_primitive_is_named():
    p = ad.primitive(lambda x: 2.0 * x, name="twice")
    ad.defjvp(p, lambda t, ans, x: p(t))
    assert ad.jvp(p, (1.0,), (3.0,))[1] == 6.0          # forward mode runs it
    with pytest.raises(NotImplementedError, match="calls 'twice' itself"):
        ad.grad(p)(1.0)
    _works_after()


def test_user_rules_returning_the_wrong_shape_are_named():
    summed = ad.primitive(lambda x: np.sum(x), name="summed")
    ad.defvjp(summed, lambda ans, x: lambda g: g)           # forgot to broadcast
    with pytest.raises(ValueError, match=r"'summed' .* returned shape \(\), but argument "
                                         r"0's cotangent has shape \(3,\)"):
        ad.grad(summed)(X)
    five = ad.primitive(lambda x: 2.0 * x, name="five")
    ad.defjvp(five, lambda t, ans, x: 2.0 * np.ones(5))
    with pytest.raises(ValueError, match=r"'five' .* returned shape \(5,\), but the "
                                         r"output's tangent has shape \(3,\)"):
        ad.jvp(five, (X,), (X,))
    # a tangent that broadcasts to the output's shape is accepted, in every mode
    spread = ad.primitive(lambda s: np.ones(3) * s, name="spread")
    ad.defjvp(spread, lambda t, ans, s: 1.0 * t)
    assert np.array_equal(ad.jvp(spread, (2.0,), (1.0,))[1], np.ones(3))
    assert np.array_equal(ad.jacfwd(spread)(2.0), np.ones(3))
    assert np.array_equal(ad.jacrev(spread)(2.0), np.ones(3))
    _works_after()


def test_defjvp_on_a_plain_function_says_to_make_a_primitive():
    def plain(x):
        return x
    with pytest.raises(TypeError, match="plain is not a dualad primitive.*@dualad.primitive"):
        ad.defjvp(plain, lambda t, ans, x: t)
    with pytest.raises(TypeError, match="not a dualad primitive"):
        ad.defvjp(plain, lambda ans, x: lambda g: g)


def test_primitives_defined_per_call_do_not_accumulate():
    import gc
    from dualad.registry import REGISTRY

    def model(x):
        p = ad.primitive(lambda v: v * 3.0, name="per_call")
        ad.defjvp(p, lambda t, ans, v: 3.0 * t)
        return p(x)
    gc.collect()
    before = len(REGISTRY)
    for _ in range(50):
        assert ad.grad(model)(1.0) == 3.0
    gc.collect()
    assert len(REGISTRY) <= before + 1


# ---------------------------------------------------------------------------
# out= on traced values, and traced values that escape their transform
# ---------------------------------------------------------------------------
def test_out_argument_of_dualad_functions_refused_on_traced_values():
    buf = np.zeros(3)
    with pytest.raises(TypeError, match=r"sin\(\.\.\., out=\.\.\.\) cannot write a traced"):
        ad.grad(lambda v: dnp.sum(dnp.sin(v, out=buf) * v))(X)
    assert np.array_equal(buf, np.zeros(3))            # nothing was written
    assert np.array_equal(dnp.sin(X, out=buf), np.sin(X))   # plain values: NumPy's out=
    _works_after()


def test_a_traced_value_that_escapes_its_transform_is_an_error():
    leak = []

    def inner(y):
        leak.append(y * 2.0)
        return dnp.sum(y)

    def outer(x):
        ad.grad(inner)(x)
        return dnp.sum(leak[-1] * x)       # the true derivative would be 4x

    for transform in (lambda f: ad.grad(f)(X), lambda f: ad.jvp(f, (X,), (X,)),
                      lambda f: ad.jacfwd(f)(X), lambda f: ad.jacrev(f)(X),
                      lambda f: ad.hessian(f)(X)):
        with pytest.raises(RuntimeError, match="escaped the transform"):
            transform(outer)
    stale = leak[-1]                       # from a transform that finished long ago
    with pytest.raises(RuntimeError, match="escaped the transform"):
        ad.grad(lambda x: dnp.sum(stale * x))(X)
    with pytest.raises(RuntimeError, match="escaped the transform"):
        ad.jvp(lambda x: stale, (X,), (X,))
    # values of enclosing transforms used inside inner ones are not escapes
    g = ad.grad(lambda x: dnp.sum(ad.grad(lambda y: dnp.sum(x * y * y))(x)))(X)
    np.testing.assert_allclose(g, 4.0 * X)
    _works_after()


def test_computing_with_an_escaped_traced_value_raises_and_records_nothing():
    """Outside any transform too: the escaped value's finished tape or forward
    trace refuses the operation (it returned a traced value, and each failing
    call added a record to a tape nobody sweeps: memory grew without bound)."""
    box = {}

    def keep(x):
        box["v"] = x * 2.0
        return dnp.sum(x * 3.0)

    for run in (lambda: ad.grad(keep)(X), lambda: ad.jvp(keep, (X,), (X,)),
                lambda: ad.hvp(keep, (X,), (X,))):
        run()
        v = box["v"]
        for use in (lambda: v * 2.0, lambda: np.sin(v), lambda: ad.grad(lambda x: dnp.sum(x * v))(X),
                    lambda: ad.jvp(lambda x: x, (X,), (v,)),
                    lambda: ad.vjp(lambda x: x * 2.0, X)[1](v)):
            with pytest.raises(RuntimeError, match="a traced value that escaped"):
                use()
        tape = getattr(v, "_trace", None)
        records = getattr(tape, "records", None)
        if records is not None:                 # reverse mode: nothing was recorded
            assert len(records) == 0
    _works_after()


@pytest.mark.parametrize("arg", [iter([1.0, 2.0]), {1.0}, object()], ids=["iterator", "set", "object"])
def test_inputs_that_are_not_arrays_are_named_by_type(arg):
    with pytest.raises(TypeError, match=rf"argument 0 of type {type(arg).__name__} is not an array"):
        ad.grad(lambda x: 1.0)(arg)
    _works_after()


def test_a_bug_in_a_rule_shows_in_the_transposition_error():
    p = ad.primitive(lambda x: np.sin(x), name="buggy_rule")
    ad.defjvp(p, lambda t, ans, x: t + "oops")
    with pytest.raises(NotImplementedError, match=r"'buggy_rule' .* cannot be transposed.*"
                                                  r"\(UFuncTypeError: .*<U4"):
        ad.grad(p)(1.0)
    _works_after()


@pytest.mark.parametrize("name", ["jv", "yv", "iv", "ive"])
@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_a_traced_bessel_order_is_refused_not_zero(name, mode):
    # d/dv J_v(1.3) at v = 1.5 is about -0.352 (mpmath); it used to come back 0
    import scipy.special
    from dualad.scipy import special
    for f in (getattr(special, name), getattr(scipy.special, name)):
        def h(v):
            return f(v, 1.3)
        with pytest.raises(NotImplementedError, match=f"special.{name}.*'v'.*stop_gradient"):
            if mode == "forward":
                ad.jvp(h, (1.5,), (1.0,))
            else:
                ad.grad(h)(1.5)
        # the argument x stays differentiable, and a constant order is fine
        d = ad.grad(lambda x: f(1.5, x))(1.3)
        e = 1e-6
        assert d == pytest.approx((f(1.5, 1.3 + e) - f(1.5, 1.3 - e)) / (2 * e), rel=1e-7)
        assert ad.grad(lambda v: f(ad.stop_gradient(v), 1.3) * v)(1.5) == pytest.approx(
            f(1.5, 1.3))


def _message(f, x=np.array([1.0, 2.0])):
    with pytest.raises((TypeError, AttributeError)) as e:
        ad.grad(f)(x)
    _works_after()
    return str(e.value)


def test_conversions_name_the_call_that_made_them():
    # NumPy functions written in C (asarray) run on the user's line: the
    # message quotes it and names dualad's function
    m = _message(lambda x: np.sum(np.asarray(x)))
    assert "`np.asarray(x)`" in m and "test_errors.py" in m and "dualad.numpy.asarray" in m
    # a NumPy function written in Python that converts a later argument
    m = _message(lambda x: np.sum(np.full(3, x[0])))
    assert "numpy.full" in m and "dualad.numpy.full" in m
    m = _message(lambda x: np.sum(np.ones(2), initial=x[0]))
    assert "numpy.sum" in m and "dualad.numpy.sum" in m
    # a type is not suggested as a replacement
    m = _message(lambda x: np.float64(x[0]))
    assert "`np.float64(x[0])`" in m and "dualad.numpy.float64" not in m

    def assign(x):
        a = np.zeros(2)
        a[0] = x[0]
        return a.sum()
    assert "`a[0]`" in _message(assign)


def test_scipy_calls_that_convert_name_dualads_function():
    import scipy.linalg
    import scipy.stats
    m = _message(lambda x: np.sum(scipy.stats.norm(x[0], 1.0).logpdf(0.3)))
    assert "scipy.stats.norm.logpdf" in m and "dualad.scipy.stats.norm" in m
    m = _message(lambda x: np.sum(scipy.stats.kstwobign.logpdf(x)))
    assert "dualad.scipy.stats has no kstwobign" in m
    m = _message(lambda x: np.sum(scipy.linalg.circulant(x)))
    assert "dualad.scipy.linalg.circulant" in m


def test_shape_assignment_says_reshape():
    def f(x):
        x.shape = (2, 1)
        return np.sum(x)
    m = _message(f)
    assert "x.reshape" in m and "Var" not in m


def test_numpy_vectorize_points_to_dualads():
    m = _message(lambda x: np.sum(np.vectorize(lambda t: t ** 2)(x)))
    assert "numpy.vectorize" in m and "dualad.numpy.vectorize" in m


def test_numpy_internals_writing_into_traced_values_name_the_numpy_call():
    # np.histogram with a traced range= runs NumPy's Python code on traced values
    m = _message(lambda x: np.sum(np.histogram(np.array([0.1, 0.5, 0.9]), bins=3,
                                               range=(x[0] - 1.0, 2.0))[1]))
    assert "numpy.histogram" in m and "dualad.numpy.histogram" in m
    m = _message(lambda x: np.sum(np.full_like(np.zeros(3), x[0])))
    assert "numpy.full_like" in m and "dualad.numpy.full_like" in m


def test_item_assignment_into_a_traced_array_names_both_replacements():
    def assign(x):
        x[1:] = 1.0
        return dnp.sum(x)

    def augment(x):
        x[1:] += 1.0
        return dnp.sum(x)

    for f in (assign, augment):
        with pytest.raises(TypeError, match=r"immutable.*index_update\(x, i, v\).*"
                                            r"x\[i\] \+= v.*index_add\(x, i, v\)"):
            ad.grad(f)(np.ones(3))
    # the replacements it names give the derivatives of what was meant
    g = ad.grad(lambda x: dnp.sum(dnp.index_add(x, slice(1, None), x[1:] ** 2)))(np.ones(3))
    np.testing.assert_allclose(g, [1.0, 3.0, 3.0])
    g = ad.grad(lambda x: dnp.sum(dnp.index_update(x, slice(1, None), 1.0) * x))(np.full(3, 2.0))
    np.testing.assert_allclose(g, [4.0, 1.0, 1.0])
    _works_after()


def test_a_traced_value_of_another_threads_transform_is_an_error():
    """Thread B's grad of y * a, with a traced by thread A's running grad, returned
    A's traced value to B's caller (not plain NumPy, and not B's derivative)."""
    import threading
    box, ready, done, res = {}, threading.Event(), threading.Event(), {}

    def thread_a():
        def fa(x):
            box["a"] = dnp.sin(x)
            ready.set()
            done.wait(10)
            return box["a"]
        res["a"] = ad.grad(fa)(0.5)

    def thread_b():
        ready.wait(10)
        try:
            res["b"] = ad.grad(lambda y: y * box["a"])(2.0)
        except RuntimeError as e:
            res["b"] = e
        finally:
            done.set()

    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert isinstance(res["b"], RuntimeError) and "another thread" in str(res["b"])
    assert res["a"] == np.cos(0.5)                 # A's own transform is unaffected
    _works_after()


@pytest.mark.parametrize("f, called", [
    (lambda x: dnp.sum([x[0], x[1]]), "dualad.numpy.sum"),
    (lambda x: dnp.dot([x[0], x[1]], np.ones(2)), "dualad.numpy.dot"),
    (lambda x: dnp.linalg.norm([x[0], x[1]]), "dualad.numpy.linalg.norm"),
    (lambda x: dnp.sum(dnp.exp([x[0], x[1]])), "dualad.numpy.exp"),      # a ufunc: C converts
])
def test_a_list_of_traced_values_given_to_a_dualad_function_is_named(f, called):
    """The user already called dualad's function: the message must not tell
    them to call it instead, but to stack the list into one traced array."""
    with pytest.raises(TypeError) as info:
        ad.grad(f)(np.array([1.0, 2.0]))
    msg = str(info.value)
    assert f"{called} was given a list or tuple holding traced values" in msg
    assert "dualad.numpy.stack" in msg and "instead, which accepts" not in msg


def test_a_traced_value_used_as_an_index_is_named_as_such():
    with pytest.raises(TypeError) as info:
        ad.grad(lambda v: dnp.sum(np.ones(3)[v[0]]))(np.array([1.0]))
    msg = str(info.value)
    assert "an index must be an integer array" in msg and "NumPy's ones" not in msg


@pytest.mark.parametrize("fn", ["split", "array_split"])
@pytest.mark.parametrize("shape, axis", [((2, 3), 2), ((2, 3), -3), ((2, 3), 1.0), ((), 0)])
@pytest.mark.parametrize("sections", [1, [1]])
def test_split_bad_axis_raises_what_numpy_raises(fn, shape, axis, sections):
    # NumPy reads ary.shape[axis] first: IndexError "tuple index out of range"
    # (TypeError for a float axis), not the AxisError dualad raised before
    x = np.arange(float(np.prod(shape))).reshape(shape)
    with pytest.raises(Exception) as want:
        getattr(np, fn)(x, sections, axis=axis)
    for call in (lambda: ad.jvp(lambda t: getattr(np, fn)(t, sections, axis=axis), (x,), (x,)),
                 lambda: ad.vjp(lambda t: getattr(dnp, fn)(t, sections, axis=axis), x)):
        with pytest.raises(Exception) as got:
            call()
        assert type(got.value) is type(want.value)
        assert str(got.value) == str(want.value)


@pytest.mark.parametrize("make, who", [
    (lambda f: ad.grad(f), "grad"),
    (lambda f: ad.value_and_grad(f), "value_and_grad"),
    (lambda f: ad.jacobian(f), "jacobian"),
    (lambda f: ad.jacfwd(f), "jacfwd"),
    (lambda f: ad.jacrev(f), "jacrev"),
    (lambda f: ad.hessian(f), "hessian"),
    (lambda f: ad.jvp(f, (1.0,), (1.0,)), "jvp"),
    (lambda f: ad.vjp(f, 1.0), "vjp"),
    (lambda f: ad.hvp(f, (1.0,), (1.0,)), "hvp"),
])
@pytest.mark.parametrize("value", [np.float64(3.0), None, np.ones(2)])
def test_a_value_instead_of_a_function_is_refused_when_the_transform_is_made(make, who, value):
    # grad(f(x)) was accepted and failed later, inside dualad, with
    # "'numpy.float64' object is not callable"
    with pytest.raises(TypeError, match=rf"^{who}: f must be the function to differentiate, "
                                        rf"but got .* of type {type(value).__name__}; pass "
                                        rf"the function itself \(f, not the value f\(x\)\)"):
        make(value)
    _works_after()
