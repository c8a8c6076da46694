"""hvp's sweep computes only the tangent of the gradient at the inputs
(reverse.tape.TangentOnly): the gradient's own value there is never formed.

Checked against Hessians built by central differences of a hand-written
gradient or closed forms, on functions whose inputs feed every kind of rule:
linear ones with constant coefficients (getitem, sum, add, a constant factor,
matmul by a constant, where), and ones reading the traced input itself
(x * x, x / y, x @ x.T), mixed at one input.
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import dualad as ad
import dualad.numpy as dnp
from dualad.forward import JVPTrace, jvp_flat
from dualad.reverse import vjp_flat

A = np.array([[1.0, -2.0, 0.5], [0.3, 0.0, 1.5], [2.0, 1.0, -1.0]])

# (f, closed-form Hessian of f at x)
CASES = {
    "slices": (lambda x: dnp.sum(x[::2] ** 2 * x[1::2]) + dnp.sum(x[1:] ** 3),
               lambda x: _hess_slices(x)),
    "constant factor, sum, add": (lambda x: dnp.sum(3.0 * x) + dnp.sum(x * x) * 0.5 + x[0],
                                  lambda x: np.eye(3)),
    "matmul by a constant": (lambda x: dnp.sum(dnp.tanh(A @ x)),
                             lambda x: A.T @ np.diag(-2 * np.tanh(A @ x) / np.cosh(A @ x) ** 2) @ A),
    "where on a plain condition": (lambda x: dnp.sum(dnp.where(np.array([True, False, True]),
                                                                x ** 2, 2 * x)),
                                   lambda x: np.diag([2.0, 0.0, 2.0])),
    "input read by its rule": (lambda x: x[0] * x[1] * x[2] + dnp.sum(x * x * x),
                               lambda x: _hess_product(x) + np.diag(6 * x)),
}


def _hess_slices(x):
    # len(x) == 3: x[::2] ** 2 * x[1::2] broadcasts x1 against (x0, x2), so
    # f = x0^2 x1 + x2^2 x1 + x1^3 + x2^3
    H = np.zeros((3, 3))
    H[0, 0] = 2 * x[1]
    H[0, 1] = H[1, 0] = 2 * x[0]
    H[2, 1] = H[1, 2] = 2 * x[2]
    H[1, 1] = 6 * x[1]
    H[2, 2] = 2 * x[1] + 6 * x[2]
    return H


def _hess_product(x):
    H = np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            if i != j:
                H[i, j] = np.prod([x[k] for k in range(3) if k not in (i, j)])
    return H


finite = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize("name", sorted(CASES))
@given(x=st.lists(finite, min_size=3, max_size=3), v=st.lists(finite, min_size=3, max_size=3))
def test_hvp_matches_closed_form(name, x, v):
    f, hess = CASES[name]
    x, v = np.array(x), np.array(v)
    np.testing.assert_allclose(ad.hvp(f, (x,), (v,)), hess(x) @ v, rtol=1e-10, atol=1e-10)


def test_several_inputs_one_fed_only_linearly():
    # x enters through a slice and a sum only; y through a product with x
    def f(x, y):
        return dnp.sum(x[1:] * y) + dnp.sum(x) ** 2
    x, y = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0])
    vx, vy = np.array([1.0, 0.0, 2.0]), np.array([3.0, 1.0])
    hx, hy = ad.hvp(f, (x, y), (vx, vy))
    # d2f/dx2 = 2 * ones; d2f/dx[1:]dy = I
    np.testing.assert_allclose(hx, 2 * np.full(3, vx.sum()) + np.r_[0.0, vy])
    np.testing.assert_allclose(hy, vx[1:])


def test_output_is_the_input_and_unused_inputs():
    assert float(ad.hvp(lambda x: x, (2.0,), (1.0,))) == 0.0
    hx, hy = ad.hvp(lambda x, y: x ** 3, (2.0, 5.0), (1.0, 1.0))
    assert float(hx) == 12.0 and float(hy) == 0.0


def test_the_gradient_value_is_never_formed():
    # the reverse sweep asked for tangents only gives NaN placeholders for the
    # gradient's value and the exact tangent of the gradient
    x, v = np.array([1.0, 2.0, 4.0]), np.array([1.0, -1.0, 0.5])
    trace = JVPTrace()

    def grad_dual(xs):
        outs, back = vjp_flat(lambda ys: [dnp.sum(ys[0][1:] ** 2) + dnp.sum(ys[0])], xs)
        return back([np.float64(1.0)], tangent_only=trace)

    (g,), (hv,) = jvp_flat(grad_dual, [x], [v], trace)
    assert np.isnan(g).all() and g.shape == x.shape
    np.testing.assert_allclose(hv, [0.0, -2.0, 1.0])


def test_nested_under_outer_transforms():
    # third derivatives: grad and jvp of a quantity built from hvp; the inputs
    # of the inner tape then carry the outer transforms' tracers
    v = np.array([1.0, 2.0, -1.0])
    x = np.array([0.5, -1.0, 2.0])

    def q(x):                       # v^T H(x) v for f = sum(x^4) + x0 x1 x2
        f = lambda y: dnp.sum(y ** 4) + y[0] * y[1] * y[2]
        return dnp.sum(v * ad.hvp(f, (x,), (v,)))

    # q = sum 12 x^2 v^2 + 2 (v0 v1 x2 + v0 v2 x1 + v1 v2 x0)
    dq = 24 * x * v ** 2 + 2 * np.array([v[1] * v[2], v[0] * v[2], v[0] * v[1]])
    np.testing.assert_allclose(ad.grad(q)(x), dq)
    t = np.array([0.3, 0.0, 1.0])
    np.testing.assert_allclose(ad.jvp(q, (x,), (t,))[1], dq @ t)


def _shared_linear(x):
    a = 2.0 * x[::-1]              # linear in x: its cotangent is wanted as a tangent only
    return dnp.sum(a ** 3) + dnp.sum(-a) + dnp.sum(a[1:] * a[:-1])


def _mixed_parents(x):
    y = x * x                      # read by its rule: y's cotangent is needed in full
    z = y + x[0]                   # so z's is too, though add is linear
    return dnp.sum(dnp.sin(z)) + dnp.sum(3.0 * (x - 1.0) ** 2)


DEEP = {
    "linear chain before a cube": lambda x: dnp.sum(((2.0 * x[1:] - x[:-1]) * 3.0) ** 3),
    "linear value also read by a rule": _shared_linear,
    "linear record with a full-cotangent parent": _mixed_parents,
    "matmul chain": lambda x: dnp.sum(dnp.tanh(A @ (A.T @ x - 1.0))),
}


@pytest.mark.parametrize("name", sorted(DEEP))
@given(x=st.lists(finite, min_size=3, max_size=3), v=st.lists(finite, min_size=3, max_size=3))
def test_hvp_matches_differences_of_the_gradient(name, x, v):
    # the reference uses neither hvp nor forward mode: central differences of
    # the reverse-mode gradient along v
    f = DEEP[name]
    x, v = np.array(x), np.array(v)
    g = ad.grad(f)
    eps = 1e-6
    fd = (g(x + eps * v) - g(x - eps * v)) / (2 * eps)
    hv = ad.hvp(f, (x,), (v,))
    scale = 1.0 + np.abs(fd).max()
    np.testing.assert_allclose(hv, fd, rtol=1e-5, atol=1e-5 * scale)
    np.testing.assert_allclose(hv, ad.hessian(f)(x) @ v, rtol=1e-10, atol=1e-10 * scale)


def test_an_input_that_is_also_a_seeded_output_keeps_its_value():
    # outputs (x, sum(x**2)): x's cotangent is the seed plus 2x from the
    # second output; it is then computed in full, not as a tangent only
    x, v = np.array([1.0, 3.0]), np.array([2.0, -1.0])
    trace = JVPTrace()

    def grad_dual(xs):
        outs, back = vjp_flat(lambda ys: [ys[0], dnp.sum(ys[0] ** 2)], xs)
        return back([np.ones(2), np.float64(1.0)], tangent_only=trace)

    (g,), (t,) = jvp_flat(grad_dual, [x], [v], trace)
    np.testing.assert_allclose(g, 1.0 + 2 * x)
    np.testing.assert_allclose(t, 2 * v)
