"""Python protocols on traced values, independent derivative outputs, and
NumPy's own behaviour at the edges (empty reductions with initial=, dtypes of
dot with Python scalars, ufunc methods, non-numeric outputs)."""
import copy

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp

X = np.array([3.0, 1.0, 2.0])


# --- Python protocols --------------------------------------------------------------
def test_deepcopy_and_copy_keep_the_derivative():
    # deepcopy is the identity on values: d/dx sum(x^2) = 2x
    assert np.array_equal(ad.grad(lambda x: dnp.sum(copy.deepcopy(x) ** 2))(X), 2 * X)
    assert np.array_equal(ad.grad(lambda x: dnp.sum(copy.copy(x) ** 2))(X), 2 * X)
    g = ad.grad(lambda p: dnp.sum(copy.deepcopy(p)["w"] ** 2))({"w": X})
    assert np.array_equal(g["w"], 2 * X)
    J = ad.jacfwd(lambda x: copy.deepcopy([x, 1.0])[0] * 2.0)(X)
    assert np.array_equal(J, 2 * np.eye(3))


def test_builtin_divmod():
    # mod(x, 2) has derivative 1 in x; mod(7, x) = 7 - floor(7 / x) x: -floor(7 / x)
    g = ad.grad(lambda x: dnp.sum(divmod(x, 2.0)[1] + divmod(7.0, x)[1]))(X)
    assert np.array_equal(g, 1 - np.floor(7 / X))
    q, r = ad.jvp(lambda x: divmod(x, 2.0), (X,), (np.ones(3),))[0]
    assert np.array_equal(q, [1, 0, 1]) and np.array_equal(r, [1, 1, 0])


def test_format_reversed_and_metadata_read_the_value():
    seen = []

    def f(x):
        seen.append(f"{x[0]:.3f} {x.itemsize} {x.nbytes}")
        return dnp.sum(dnp.stack(list(reversed(x))) * np.arange(3.0))

    g = ad.grad(f)(X)
    assert seen == ["3.000 8 24"]
    assert np.array_equal(g, [2.0, 1.0, 0.0])   # reversed: x[2] * 0 + x[1] * 1 + x[0] * 2


@pytest.mark.parametrize("call, words", [
    ("x.sort()", "dualad.numpy.sort"),
    ("x.fill(0.0)", "full_like"),
    ("x.put([0], 1.0)", "index_update"),
    ("x.resize(4)", "dualad.numpy.resize"),
])
def test_in_place_methods_say_what_to_write(call, words):
    with pytest.raises(TypeError, match="in place") as e:
        ad.grad(lambda x: eval(call) or dnp.sum(x))(X)
    assert words in str(e.value) and "Var" not in str(e.value)


@pytest.mark.parametrize("attr", ["view", "strides", "flat", "searchsorted"])
def test_missing_ndarray_attributes_are_named(attr):
    with pytest.raises(AttributeError, match=rf"ndarray\.{attr} is not available") as e:
        ad.jvp(lambda x: getattr(x, attr) and x, (X,), (X,))
    assert "stop_gradient" in str(e.value)
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        ad.grad(lambda x: x.nonsense)(X)


# --- derivatives handed back are independent arrays ----------------------------------
def _independent(*arrays):
    for i, a in enumerate(arrays):
        assert isinstance(a, np.ndarray) and a.flags.writeable
        for b in arrays[:i]:
            assert not np.shares_memory(a, b)


Y = np.array([3.0, 4.0])


@pytest.mark.parametrize("make", [
    lambda: ad.grad(lambda x, y: dnp.sum(dnp.exp(x + y)), argnums=(0, 1))(Y, Y + 1),
    lambda: ad.value_and_grad(lambda x, y: dnp.sum(x + y), argnums=(0, 1))(Y, Y)[1],
    lambda: ad.vjp(lambda x, y: x + y, Y, Y)[1](np.ones(2)),
    lambda: ad.grad(lambda p: dnp.sum(p[0] + p[1]))([Y, Y]),
    lambda: tuple(ad.grad(lambda p: dnp.sum(p["a"] - p["b"]))({"a": Y, "b": Y}).values()),
    lambda: ad.jacrev(lambda x, y: x + y, argnums=(0, 1))(Y, Y),
    lambda: ad.jacfwd(lambda x, y: x + y, argnums=(0, 1))(Y, Y),
    lambda: ad.jacobian(lambda p: p[0] + p[1], mode="reverse")((Y, Y)),
    lambda: ad.hvp(lambda x, y: dnp.sum((x + y) ** 2), (Y, Y), (Y, Y)),
    lambda: ad.jvp(lambda x: (x * 2,) * 2, (Y,), (Y,))[1],
])
def test_derivatives_of_different_arguments_do_not_share_memory(make):
    ds = make()
    _independent(*ds)
    before = [d.copy() for d in ds]
    ds[0][...] = -7.0                       # writing into one leaves the others alone
    for d, b in zip(ds[1:], before[1:]):
        assert np.array_equal(d, b)


# --- max / min with initial= on empty slices ------------------------------------------
@pytest.mark.parametrize("red, init", [(dnp.max, -1.0), (dnp.min, 5.0), (np.max, 2.0)])
def test_extreme_with_initial_of_empty_input(red, init):
    g = ad.grad(lambda x: red(x, initial=init))(np.ones(0))
    assert g.shape == (0,)
    J = ad.jacrev(lambda x: red(x, axis=1, initial=init))(np.ones((3, 0)))
    assert J.shape == (3, 3, 0)
    v, t = ad.jvp(lambda x: red(x, axis=1, initial=init), (np.ones((2, 0), np.float32),),
                  (np.ones((2, 0), np.float32),))
    assert np.array_equal(v, [init, init]) and v.dtype == np.float32
    assert np.array_equal(t, [0.0, 0.0]) and t.dtype == np.float32
    # the derivative goes to initial itself, once per (empty) slice (plain
    # numpy.max does not dispatch on initial=, so only dualad's own function)
    if red is not np.max:
        assert ad.grad(lambda c: dnp.sum(red(np.ones((3, 0)), axis=1, initial=c)))(2.0) == 3.0


# --- dtypes as NumPy gives them --------------------------------------------------------
@pytest.mark.parametrize("dualad_ns", [dnp, np])     # dualad's function, or numpy's dispatching
@pytest.mark.parametrize("call", [
    lambda m, x: m.dot(x, 2.0), lambda m, x: m.dot(2.0, x), lambda m, x: m.dot(x, 2),
    lambda m, x: m.inner(x, 2.0), lambda m, x: m.dot(x, np.float32(2.0)),
    lambda m, x: m.dot(x.astype(np.complex64), 1j),
])
def test_dot_with_a_scalar_promotes_like_numpy(dualad_ns, call):
    # numpy.dot and numpy.inner convert Python scalars with asarray: float64
    x = np.ones(3, np.float32)
    expected = call(np, x).dtype       # NumPy itself, on a plain array
    v, t = ad.jvp(lambda x: call(dualad_ns, x), (x,), (x,))
    assert v.dtype == expected and t.dtype == expected
    # Jacobian blocks keep the input's precision (contract)
    J = ad.jacrev(lambda x: call(dualad_ns, x))(x)
    assert J.dtype == (np.complex64 if expected.kind == "c" else np.float32)


# --- ufunc methods on dualad's ufuncs ------------------------------------------------
def test_ufunc_methods_of_dualad_ufuncs():
    x = np.arange(1.0, 7.0).reshape(2, 3)
    assert np.array_equal(dnp.add.reduce(x), np.add.reduce(x))
    assert dnp.add.nin == 2 and dnp.sin.nout == 1 and dnp.multiply.identity == 1
    g = ad.grad(lambda x: dnp.add.reduce(x, axis=1).sum() + dnp.multiply.reduce(x).sum())(x)
    assert np.array_equal(g, 1 + x[::-1])         # d/dx[0] prod = x[1] and back
    t = ad.jvp(lambda x: dnp.add.accumulate(x), (x,), (np.ones_like(x),))[1]
    assert np.array_equal(t, [[1, 1, 1], [2, 2, 2]])
    g = ad.grad(lambda x: dnp.multiply.outer(x[0], x[1]).sum())(x)
    assert np.array_equal(g, [[15.0] * 3, [6.0] * 3])   # sum(x0) sum(x1)
    with pytest.raises(TypeError, match="numpy.add.at.*in place.*index_add"):
        ad.grad(lambda x: dnp.add.at(x, [0], 1.0))(x)


# --- outputs that are not numbers --------------------------------------------------------
@pytest.mark.parametrize("transform", [
    lambda f: ad.grad(f)(X), lambda f: ad.jacfwd(f)(X), lambda f: ad.jacrev(f)(X),
    lambda f: ad.jvp(f, (X,), (X,)), lambda f: ad.hessian(f)(X),
    lambda f: ad.vjp(f, X),
])
@pytest.mark.parametrize("out", ["a", object(), np.array(["a", "b"])])
def test_non_numeric_output_is_refused(transform, out):
    with pytest.raises(TypeError, match="only numbers and arrays of numbers"):
        transform(lambda x: out)
    # numbers without a derivative still give zeros
    assert np.array_equal(ad.grad(lambda x: 3)(X), np.zeros(3))
    assert np.array_equal(ad.jvp(lambda x: x > 0, (X,), (X,))[1], np.zeros(3))


# --- norms are NumPy scalars, as NumPy's are -----------------------------------------
A = np.array([[1.0, 2.0], [3.0, 4.0]])


@pytest.mark.parametrize("f", [
    lambda x: np.linalg.norm(x), lambda x: dnp.linalg.norm(x, 3), lambda x: dnp.linalg.norm(x, -1.5),
    lambda x: dnp.linalg.norm(A * x), lambda x: dnp.linalg.norm(A * x, "nuc"),
    lambda x: dnp.linalg.norm(A * x, 2), lambda x: dnp.linalg.vector_norm(x),
    lambda x: dnp.linalg.matrix_norm(A * x), lambda x: dnp.linalg.norm(0.0 * x),
])
def test_norm_values_are_numpy_scalars(f):
    x = np.array([3.0, 4.0])
    plain = f(x)
    assert type(plain) is np.float64
    v, t = ad.jvp(f, (x,), (x,))
    assert type(v) is np.float64 and type(t) is np.float64 and v == plain
    assert type(ad.value_and_grad(f)(x)[0]) is np.float64
    # keepdims and axis= results stay arrays, as in NumPy
    assert type(ad.jvp(lambda x: dnp.linalg.norm(x, keepdims=True), (x,), (x,))[0]) is np.ndarray


def test_index_add_of_plain_lists_is_numpys_add_at():
    a = np.zeros(3)
    np.add.at(a, [0, 0, 2], [1.0, 2.0, 3.0])
    assert np.array_equal(dnp.index_add(np.zeros(3), [0, 0, 2], [1.0, 2.0, 3.0]), a)
    assert np.array_equal(dnp.index_add([0.0, 0.0, 0.0], np.array([1]), 2), [0.0, 2.0, 0.0])


def test_index_add_keeps_float32_with_a_python_number():
    x = np.ones(3, np.float32)
    a = x.copy()
    np.add.at(a, [0, 0], 1.0)
    out = dnp.index_add(x, [0, 0], 1.0)
    assert out.dtype == np.float32 and np.array_equal(out, a)
    t = ad.jvp(lambda x: dnp.index_add(x, [0, 0], 1.0), (x,), (x,))[1]
    assert t.dtype == np.float32
