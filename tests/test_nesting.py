"""Nested transforms: every composition of forward and reverse mode to depth 3,
perturbation confusion, closures sharing variables between levels.

Expected values are closed forms (derived by hand in the comments).
"""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp


def d_fwd(f):
    """Scalar derivative by forward mode."""
    return lambda x: ad.jvp(f, (x,), (np.ones_like(x),))[1]


def d_rev(f):
    """Scalar derivative by reverse mode."""
    return ad.grad(f)


MODES = {"fwd": d_fwd, "rev": d_rev}
PAIRS = list(itertools.product(MODES, repeat=2))
TRIPLES = list(itertools.product(MODES, repeat=3))


def _ids(combos):
    return ["-".join(c) for c in combos]


# ---------------------------------------------------------------------------
# higher derivatives of one function
# ---------------------------------------------------------------------------
def f4(x):
    return x ** 4 + dnp.sin(x) * dnp.exp(x)


# (sin e^x)' = e^x (sin + cos); '' = 2 e^x cos; ''' = 2 e^x (cos - sin)
def d1(x):
    return 4 * x ** 3 + np.exp(x) * (np.sin(x) + np.cos(x))


def d2(x):
    return 12 * x ** 2 + 2 * np.exp(x) * np.cos(x)


def d3(x):
    return 24 * x + 2 * np.exp(x) * (np.cos(x) - np.sin(x))


@pytest.mark.parametrize("x", [0.3, -1.1])
def test_first_derivative_both_modes(x):
    for m in MODES.values():
        assert np.isclose(m(f4)(x), d1(x))


@pytest.mark.parametrize("modes", PAIRS, ids=_ids(PAIRS))
def test_second_derivative_all_nestings(modes):
    a, b = (MODES[m] for m in modes)
    for x in (0.3, -1.1):
        assert np.isclose(a(b(f4))(x), d2(x), rtol=1e-10)


@pytest.mark.parametrize("modes", TRIPLES, ids=_ids(TRIPLES))
def test_third_derivative_all_nestings(modes):
    a, b, c = (MODES[m] for m in modes)
    for x in (0.3, -1.1):
        assert np.isclose(a(b(c(f4)))(x), d3(x), rtol=1e-10)


@pytest.mark.parametrize("modes", PAIRS, ids=_ids(PAIRS))
def test_second_order_vector_function(modes):
    """Hessian-vector product of f(x) = sum(x^3) + (x.x)^2 in all four nestings.

    H = diag(6x) + 4 (x.x) I + 8 x x^T.
    """
    x = np.array([0.5, -1.0, 2.0])
    v = np.array([1.0, 2.0, -0.5])
    H = np.diag(6 * x) + 4 * (x @ x) * np.eye(3) + 8 * np.outer(x, x)

    def f(x):
        return dnp.sum(x ** 3) + dnp.sum(x * x) ** 2

    def inner_grad(x, mode):
        if mode == "rev":
            return ad.grad(f)(x)
        # forward mode gradient, one basis direction at a time
        return dnp.stack([ad.jvp(f, (x,), (e,))[1] for e in np.eye(3)])

    outer, inner = modes
    if outer == "fwd":
        hv = ad.jvp(lambda x: inner_grad(x, inner), (x,), (v,))[1]
    else:
        _, back = ad.vjp(lambda x: inner_grad(x, inner), x)
        (hv,) = back(v)      # H symmetric: v^T H = H v
    np.testing.assert_allclose(hv, H @ v, rtol=1e-10)


# ---------------------------------------------------------------------------
# perturbation confusion
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("modes", PAIRS, ids=_ids(PAIRS))
def test_perturbation_confusion(modes):
    """d/dx [x * d/dy (x + y)] = d/dx [x * 1] = 1, not 2."""
    outer, inner = (MODES[m] for m in modes)

    def f(x):
        return x * inner(lambda y: x + y)(1.0)
    for x in (0.0, 2.0, -3.5):
        assert np.isclose(outer(f)(x), 1.0)


@pytest.mark.parametrize("modes", TRIPLES, ids=_ids(TRIPLES))
def test_perturbation_confusion_depth3(modes):
    """d/dx [x * d/dy [y * d/dz (x + y + z)]] = 1."""
    da, db, dc = (MODES[m] for m in modes)

    def f(x):
        def g(y):
            return y * dc(lambda z: x + y + z)(1.0)
        return x * db(g)(1.0)
    assert np.isclose(da(f)(2.0), 1.0)


@pytest.mark.parametrize("modes", PAIRS, ids=_ids(PAIRS))
def test_inner_derivative_evaluated_at_outer_variable(modes):
    """g(x) = d/dy [x y^2] at y = x = 2 x^2, so g'(x) = 4x."""
    outer, inner = (MODES[m] for m in modes)

    def g(x):
        return inner(lambda y: x * y ** 2)(x)
    for x in (0.5, -2.0):
        assert np.isclose(g(x), 2 * x ** 2)
        assert np.isclose(outer(g)(x), 4 * x)


@pytest.mark.parametrize("modes", TRIPLES, ids=_ids(TRIPLES))
def test_closures_sharing_variables_depth3(modes):
    """d/dz [x y z^2] = 2xyz at z=y: 2xy^2; d/dy at y=x: 4x^2; d/dx: 8x."""
    da, db, dc = (MODES[m] for m in modes)

    def h(x):
        def g(y):
            return dc(lambda z: x * y * z * z)(y)
        return db(g)(x)
    for x in (0.7, -1.5):
        assert np.isclose(h(x), 4 * x ** 2)
        assert np.isclose(da(h)(x), 8 * x)


@pytest.mark.parametrize("modes", PAIRS, ids=_ids(PAIRS))
def test_closure_over_array_shared(modes):
    """Inner derivative closes over the outer array variable.

    g(w) = d/ds [sum(sin(s * w))] at s=1 = sum(w cos(w)); dg/dw_i = cos w_i - w_i sin w_i.
    """
    outer, inner = modes
    w = np.array([0.2, -0.4, 1.3])

    def g(w):
        return MODES[inner](lambda s: dnp.sum(dnp.sin(s * w)))(1.0)
    if outer == "rev":
        got = ad.grad(g)(w)
    else:
        got = np.array([ad.jvp(g, (w,), (e,))[1] for e in np.eye(3)])
    np.testing.assert_allclose(got, np.cos(w) - w * np.sin(w), rtol=1e-10)


def test_same_function_object_reused_across_levels():
    """One Python function differentiated at two levels at once."""
    def sq(v):
        return v * v
    # d/dx [ sq'(x) * sq(x) ] = d/dx [2x * x^2] = 6x^2
    f = lambda x: ad.grad(sq)(x) * sq(x)   # noqa: E731
    assert np.isclose(ad.grad(f)(1.5), 6 * 1.5 ** 2)
    assert np.isclose(d_fwd(f)(1.5), 6 * 1.5 ** 2)


def test_vjp_fn_called_inside_outer_transform():
    """The pullback of an inner vjp is itself differentiated by an outer grad."""
    def f(x):
        _, back = ad.vjp(lambda y: y ** 3 * x, x)
        return back(1.0)[0]          # 3 x^2 * x = 3 x^3
    assert np.isclose(ad.grad(f)(2.0), 9 * 2.0 ** 2)
    assert np.isclose(d_fwd(f)(2.0), 9 * 2.0 ** 2)
