"""What the tape keeps (dualad.registry.vjp_reads): only the values rules read."""
import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp
import dualad.reverse.tape as tape_mod
from dualad.registry import defvjp_direct, primitive, vjp_reads, vjp_residuals
from dualad.reverse import vjp_flat


@pytest.fixture
def default_threshold(monkeypatch):
    monkeypatch.setattr(tape_mod, "STUB_MIN_SIZE", 4096)


def test_unread_intermediates_are_not_kept(default_threshold):
    x = np.linspace(-1.0, 1.0, 10_000)
    outs, back = vjp_flat(lambda xs: [dnp.sum(dnp.sin(xs[0]) * 2.0 + dnp.exp(1.5 * xs[0]))],
                          [x])
    recs = {r[0].name: r for r in back.tape.records if r is not None}
    # sin keeps x (its rule reads x) but not its output; exp keeps its output,
    # not its argument; the add keeps neither operand (shapes suffice); views
    # (and so the user's input here) are kept, replacing them frees nothing
    assert recs["sin"][2][0] is x
    assert recs["sin"][4].strides == (0,) and np.isnan(recs["sin"][4]).all()
    assert recs["exp"][2][0].strides == (0,) and recs["exp"][4].strides == (8,)
    assert all(v.strides == (0,) for v in recs["add"][2])
    g = back([np.float64(1.0)])[0]
    np.testing.assert_allclose(g, 2 * np.cos(x) + 1.5 * np.exp(1.5 * x), rtol=1e-14)


def test_small_arrays_are_kept_as_they_are(default_threshold):
    x = np.ones(10)
    _, back = vjp_flat(lambda xs: [dnp.sum(dnp.sin(xs[0]))], [x])
    sin_rec = [r for r in back.tape.records if r is not None and r[0].name == "sin"][0]
    assert sin_rec[4].strides == (8,)


def test_peak_memory_of_a_gradient_is_bounded(default_threshold):
    import tracemalloc
    f = lambda x: dnp.sum(dnp.sin(x) * dnp.exp(-x ** 2) + dnp.log1p(x ** 2) + dnp.tanh(x))
    x = np.linspace(-2.0, 2.0, 200_000)
    g = ad.grad(f)
    g(x)
    tracemalloc.start()
    g(x)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # 10 intermediates of 1.6 MB each without the declarations; the rules read 4
    assert peak < 8 * x.nbytes, peak / x.nbytes


def test_declarations_are_checked_and_cleared_by_new_rules():
    p = primitive(lambda x: x * 3.0, name="test_saved_triple")
    defvjp_direct(p, lambda g, ans, x: g * 3.0)
    with pytest.raises(ValueError, match="neither 'ans' nor an argument position"):
        vjp_reads(p, {0: ("x",)})
    vjp_reads(p, {0: ()})
    assert p.vjp_reads == {0: (False, frozenset())}
    defvjp_direct(p, lambda g, ans, x: g * 3.0 + 0.0 * x)
    assert p.vjp_reads is None


# --- a cotangent that is one number broadcast stays one ----------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_folded_broadcast_cotangents(dtype):
    # sum's cotangent is one number broadcast; constant factors and negations
    # keep it one number (dualad.numpy._ufuncs._scaled); the results must be the
    # same values and dtypes as unfolded, and arrays the user owns
    x = np.linspace(-1.0, 2.0, 5000).astype(dtype)
    cases = [
        (lambda x: dnp.sum(3.0 * x), np.full(5000, 3.0)),
        (lambda x: dnp.sum(x * 2), np.full(5000, 2.0)),
        (lambda x: dnp.sum(-x), np.full(5000, -1.0)),
        (lambda x: dnp.sum(1.0 - x), np.full(5000, -1.0)),
        (lambda x: dnp.sum(100.0 * (1.0 - x) ** 2), -200.0 * (1.0 - x.astype(float))),
        (lambda x: -dnp.sum(0.5 * dnp.square(x)), -x.astype(float)),
    ]
    for f, want in cases:
        g = ad.grad(f)(x)
        assert g.dtype == dtype and g.flags.writeable and g.base is None
        np.testing.assert_allclose(g, want, rtol=1e-6 if dtype == np.float32 else 1e-13)
        g[0] = 123.0                      # the user's own array: no shared buffer
        np.testing.assert_allclose(ad.grad(f)(x)[0], want[0],
                                   rtol=1e-6 if dtype == np.float32 else 1e-13)


def test_folded_cotangents_under_second_order():
    x = np.linspace(-1.0, 1.0, 5000)
    v = np.cos(np.arange(5000.0))
    f = lambda x: dnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
    from scipy.optimize import rosen_der, rosen_hess_prod
    np.testing.assert_allclose(ad.grad(f)(x), rosen_der(x), rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(ad.hvp(f, (x,), (v,)), rosen_hess_prod(x, v),
                               rtol=1e-12, atol=1e-9)


# --- residuals: intermediates of the forward pass handed to the VJP rules -----
def _counting_exp():
    """exp as a user primitive whose VJP reuses the forward value as residual,
    recording what each call of the rule was given."""
    seen = {"fwd": 0, "residuals": []}

    def fwd(x):
        seen["fwd"] += 1
        e = np.exp(x)
        return e, ("from the forward pass", e)

    def rule(g, ans, x, residuals=None):
        seen["residuals"].append(residuals is not None)
        return g * (dnp.exp(x) if residuals is None else residuals[1])

    p = primitive(np.exp, name="test_residual_exp")
    defvjp_direct(p, rule)
    vjp_residuals(p, fwd)
    return p, seen


def test_residuals_reach_the_rules_of_plain_calls():
    p, seen = _counting_exp()
    x = np.array([-1.0, 0.5, 2.0])
    g = ad.grad(lambda x: dnp.sum(p(x) * x))(x)
    np.testing.assert_allclose(g, np.exp(x) * (1 + x), rtol=1e-15)
    assert seen == {"fwd": 1, "residuals": [True]}
    # a batch of cotangents (jacrev) reads the same residuals
    np.testing.assert_allclose(ad.jacrev(p)(x), np.diag(np.exp(x)), rtol=1e-15)
    assert seen["fwd"] == 2 and seen["residuals"][-1] is True
    # untraced calls go to the implementation, not to fwd
    np.testing.assert_array_equal(p(x), np.exp(x))
    assert seen["fwd"] == 2


def test_residuals_are_not_passed_under_outer_transforms():
    # the tape passes residuals only where it records plain values: in
    # forward-over-reverse the rule recomputes (and is differentiated through
    # that); in reverse-over-reverse the outer tape's record has residuals
    # and the inner one's does not
    p, seen = _counting_exp()
    x = np.array([-1.0, 0.5, 2.0])
    hess = ad.hessian(lambda x: dnp.sum(p(x)))
    hess(x)                             # the first call probes shapes on a tape
    seen.update(fwd=0, residuals=[])
    np.testing.assert_allclose(hess(x), np.diag(np.exp(x)), rtol=1e-14)
    assert seen["fwd"] == 0 and seen["residuals"] and not any(seen["residuals"])
    seen.update(fwd=0, residuals=[])
    h = ad.grad(lambda x: dnp.sum(ad.grad(lambda y: dnp.sum(p(y) * y))(x)))(x)
    np.testing.assert_allclose(h, np.exp(x) * (2 + x), rtol=1e-14)
    assert seen["fwd"] == 1 and sorted(seen["residuals"]) == [False, True]


def test_new_rules_clear_residuals():
    p, seen = _counting_exp()
    defvjp_direct(p, lambda g, ans, x: g * ans)     # takes no residuals keyword
    assert p.vjp_fwd is None
    np.testing.assert_allclose(ad.grad(lambda x: dnp.sum(p(x)))(np.ones(2)), np.full(2, np.e))
    assert seen["fwd"] == 0


def test_log_softmax_gradient_from_residuals():
    # on the tape, log_softmax's rule takes softmax = e / s from the forward
    # pass; against the closed form softmax * sum(y) - y, also with -inf
    # logits (softmax 0 there) and where a row maximum is infinite (no residuals)
    from scipy.special import softmax
    from dualad.scipy.special import log_softmax
    rng = np.random.default_rng(5)
    z = rng.standard_normal((7, 5)) * 4
    z[2, 1] = -np.inf
    y = rng.random((7, 5))
    y[2, 1] = 0.0
    with np.errstate(invalid="ignore"):          # the loss holds 0 * -inf
        g = ad.grad(lambda z: -dnp.sum(log_softmax(z, axis=1) * y))(z)
    want = softmax(z, axis=1) * y.sum(axis=1, keepdims=True) - y
    np.testing.assert_allclose(g, want, rtol=1e-13, atol=1e-15)
    assert g[2, 1] == 0.0
    # a row holding +inf: where a maximum is infinite there are no residuals
    # and the rule reads exp(ans); the row's finite entries get the limit
    # -y (softmax tends to one-hot at the infinity), the infinite one NaN
    z2 = z.copy()
    z2[4, 3] = np.inf
    with np.errstate(invalid="ignore"):
        g2 = ad.grad(lambda z: -dnp.sum(log_softmax(z, axis=1) * y))(z2)
    np.testing.assert_array_equal(np.isnan(g2[4]), [False, False, False, True, False])
    np.testing.assert_allclose(np.delete(g2[4], 3), -np.delete(y[4], 3), rtol=1e-15)
    np.testing.assert_allclose(np.delete(g2, 4, 0), np.delete(want, 4, 0), rtol=1e-13,
                               atol=1e-15)
