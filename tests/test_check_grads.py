"""dualad.testing.check_grads must catch wrong rules: off by a few percent in
float32, wrong only for batched tangents or cotangents, wrong only at second
order; and must not cry wolf on correct float32 functions."""
import re

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp
from dualad.testing import check_grads

X32 = np.array([0.3, -0.7, 1.1], np.float32)
X64 = np.array([0.3, -0.7, 1.1])


def _user_sin(jvp_factor, vjp_factor=None, name="user_sin"):
    p = ad.primitive(np.sin, name=name)
    vjp_factor = vjp_factor or jvp_factor
    ad.defjvp(p, lambda t, ans, x: jvp_factor(t, x) * t * dnp.cos(x))
    ad.defvjp(p, lambda ans, x: lambda g: vjp_factor(g, x) * g * dnp.cos(x))
    return p


@pytest.mark.parametrize("x", [X32, X64], ids=["float32", "float64"])
def test_a_rule_off_by_a_few_percent_is_caught(x):
    off = _user_sin(lambda t, x: 1.04)
    with pytest.raises(AssertionError, match="JVP of f"):
        check_grads(off, (x,), order=1)
    shifted = ad.primitive(np.sin, name="shifted_sin")
    ad.defjvp(shifted, lambda t, ans, x: t * (dnp.cos(x) + 0.08))
    ad.defvjp(shifted, lambda ans, x: lambda g: g * (dnp.cos(x) + 0.08))
    with pytest.raises(AssertionError):
        check_grads(shifted, (x,), order=1)


def test_a_rule_wrong_only_for_batched_tangents_is_caught():
    # right for one direction, 1.5x for a batch of them (a leading axis on t)
    batch_wrong = _user_sin(lambda t, x: 1.0 if np.ndim(t) == np.ndim(x) else 1.5,
                            lambda g, x: 1.0, name="batch_wrong_jvp")
    with pytest.raises(AssertionError, match="batch of 2 directions"):
        check_grads(batch_wrong, (X64,), order=1)
    batch_wrong_r = _user_sin(lambda t, x: 1.0,
                              lambda g, x: 1.0 if np.ndim(g) == np.ndim(x) else 1.5,
                              name="batch_wrong_vjp")
    with pytest.raises(AssertionError, match="batch of 2 cotangents"):
        check_grads(batch_wrong_r, (X64,), order=1)


def test_a_rule_wrong_only_at_second_order_is_caught_at_order_2():
    p = ad.primitive(np.sin, name="sin_bad_second")
    # the factor's own derivative is wrong: cos computed as a primitive whose rule lies
    c = ad.primitive(np.cos, name="cos_bad")
    ad.defjvp(c, lambda t, ans, x: t * 2.0 * dnp.sin(x))      # should be -sin
    ad.defvjp(c, lambda ans, x: lambda g: g * 2.0 * dnp.sin(x))
    ad.defjvp(p, lambda t, ans, x: t * c(x))
    ad.defvjp(p, lambda ans, x: lambda g: g * c(x))
    check_grads(p, (X64,), order=1)                           # first order is right
    with pytest.raises(AssertionError):
        check_grads(p, (X64,), order=2)


@pytest.mark.parametrize("f", [dnp.exp, lambda x: 1.0 / (x + 1.2), lambda x: dnp.tan(x * 1.2),
                               lambda x: dnp.sum(dnp.outer(x, x) ** 2)])
def test_no_false_alarm_on_float32(f):
    check_grads(f, (X32,), order=2)


def test_strategy_values_stay_in_their_range():
    from hypothesis import given, settings
    from dualad.testing.strategies import arrays, values

    @settings(max_examples=60, derandomize=True, deadline=None)
    @given(values(1e-12, 1e-6), arrays((3,), low=1e-12, high=1e-6))
    def check(v, a):
        assert 1e-12 <= v <= 1e-6
        assert np.all((a >= 1e-12) & (a <= 1e-6))
    check()


def test_a_wrong_vjp_is_traced_to_its_worst_entry():
    """Reverse mode checks one pairing <vjp(u), v>; when it fails, the message
    names the entry of the VJP that is wrong, with both values."""
    x = np.array([0.3, -0.7, 1.1, 0.5])
    wrong_at_2 = _user_sin(lambda t, x: 1.0,
                           lambda g, x: np.where(np.arange(4) == 2, 1.3, 1.0),
                           name="wrong_at_2")
    with pytest.raises(AssertionError, match=r"input 0.*index \(2,\)") as e:
        check_grads(wrong_at_2, (x,), order=1, modes=("reverse",))
    # the values quoted are the VJP entry and the differences of <u, f>, which
    # differ by the 30% put into the rule
    ad_val, fd_val = (float(v) for v in re.findall(r"gives? ([-0-9.e]+)", str(e.value)))
    assert ad_val == pytest.approx(1.3 * fd_val, rel=1e-6)
