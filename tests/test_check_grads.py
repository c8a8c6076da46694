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


@pytest.mark.parametrize("seed", range(5))
def test_a_vjp_off_by_two_percent_in_float32_is_caught_for_every_seed(seed):
    # the finite-difference pairing alone let this through for seed 0: reverse mode
    # is also held to the transpose of forward mode, to rounding
    off = _user_sin(lambda t, x: 1.0, lambda g, x: 1.02, name="vjp_off_2pc")
    with pytest.raises(AssertionError, match="VJP of f"):
        check_grads(off, (np.array([0.3, -0.7, 1.1, 0.5], np.float32),), order=1, seed=seed)


def test_one_wrong_entry_among_thousands_is_caught():
    n = 5000
    factor = np.where(np.arange(n) == 1234, 1.05, 1.0)
    one_off = _user_sin(lambda t, x: 1.0, lambda g, x: factor, name="one_entry_off")
    for seed in range(3):
        with pytest.raises(AssertionError, match="VJP of f"):
            check_grads(one_off, (np.linspace(0.0, 1.0, n),), order=1, seed=seed)


def test_the_worst_mismatch_is_reported_over_outputs_and_inputs():
    # output 0 off by 1%, output 1 off by a factor 3: the message names output 1
    mild = _user_sin(lambda t, x: 1.01, lambda g, x: 1.0, name="mild")
    bad = _user_sin(lambda t, x: 3.0, lambda g, x: 1.0, name="bad")
    with pytest.raises(AssertionError, match=r"output 1"):
        check_grads(lambda x: (mild(x), bad(x)), (X64,), order=1, modes=("forward",))
    mild_r = _user_sin(lambda t, x: 1.0, lambda g, x: 1.01, name="mild_r")
    bad_r = _user_sin(lambda t, x: 1.0, lambda g, x: 3.0, name="bad_r")
    with pytest.raises(AssertionError, match=r"input 1"):
        check_grads(lambda x, y: dnp.sum(mild_r(x)) + dnp.sum(bad_r(y)), (X64, X64 + 0.2),
                    order=1, modes=("reverse",))


def test_modes_as_one_string_and_empty_modes():
    off = _user_sin(lambda t, x: 1.0, lambda g, x: 1.1, name="rev_off")
    check_grads(off, (X64,), modes="forward")            # only forward: the rule is right
    with pytest.raises(AssertionError, match="VJP of f"):
        check_grads(off, (X64,), modes="reverse")
    with pytest.raises(ValueError, match="nothing would be checked"):
        check_grads(off, (X64,), modes=())


def test_a_failure_mentions_the_step_for_badly_scaled_inputs():
    # x ~ 1e-6: the default step is as large as x, so log's differences are
    # wrong; the message says which step was used and how to change it
    with pytest.raises(AssertionError, match=r"step eps=1e-06.*pass an eps="):
        check_grads(dnp.log, (np.array([2e-6]),), order=1, modes=("forward",))
    check_grads(dnp.log, (np.array([2e-6]),), order=1, eps=1e-12)


@pytest.mark.parametrize("order, exc, words", [
    (0, ValueError, "order=0 would check nothing"),
    (-1, ValueError, "order=-1 would check nothing"),
    (1.5, TypeError, "order must be a positive int"),
    ("2", TypeError, "order must be a positive int"),
    (True, TypeError, "order must be a positive int"),
])
def test_an_order_that_checks_nothing_or_is_not_an_int_is_refused(order, exc, words):
    # order=0 / -1 returned None without checking anything (modes=() is refused
    # for that reason), 1.5 checked order 1 only, "2" failed with "'<' not
    # supported between instances of 'str' and 'int'"
    with pytest.raises(exc, match=words):
        check_grads(lambda x: x ** 2, (1.0,), order=order)
    check_grads(lambda x: x ** 2, (1.0,), order=np.int64(1))


@pytest.mark.parametrize("args", [(), ((),), ({},), (None,)])
def test_args_with_nothing_to_differentiate_are_refused(args):
    # () failed with "ValueError: max() arg is an empty sequence"
    with pytest.raises(ValueError, match="nothing to differentiate"):
        check_grads(lambda *a: 3.0, args)
