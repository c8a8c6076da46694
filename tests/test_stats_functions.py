"""dualad.scipy.stats sample statistics (zscore, zmap, entropy, skew, kurtosis,
sem, gmean, hmean, pmean, variation, moment, describe, median_abs_deviation,
iqr, trim_mean, pearsonr).

Truths: SciPy's own values (rtol 1e-13, shape and dtype), and for the
derivatives Richardson-extrapolated central differences of the SciPy function
(first order: jacfwd and jacrev, i.e. forward and reverse mode; second order:
differences of differences, against hessian and jacfwd(jacrev))."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.stats as sst

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import stats

from ._derivatives import richardson, richardson_jacobian, traced_value

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

RNG = np.random.default_rng(7)
X = np.round(RNG.normal(size=(5, 3)) + 2.5, 3) + np.arange(15).reshape(5, 3) * 1e-3
P = np.abs(X) + 0.25                     # positive data for the means / entropy
V = np.array([0.7, 2.1, 1.3, 3.9, 2.6, 0.2])
W = np.array([1.0, 2.0, 0.5, 1.5, 3.0, 1.0])

# name: (dualad function, SciPy function, arguments, float arguments to differentiate)
CASES = {
    "zscore": (stats.zscore, sst.zscore, (X,), (0,)),
    "zscore_axis1_ddof": (lambda a: stats.zscore(a, axis=1, ddof=1),
                          lambda a: sst.zscore(a, axis=1, ddof=1), (X,), (0,)),
    "zscore_none": (lambda a: stats.zscore(a, axis=None), lambda a: sst.zscore(a, axis=None),
                    (X,), (0,)),
    "zmap": (lambda s, c: stats.zmap(s, c, ddof=1), lambda s, c: sst.zmap(s, c, ddof=1),
             (X[:2], X), (0, 1)),
    "entropy": (stats.entropy, sst.entropy, (P,), (0,)),
    "entropy_kl": (lambda p, q: stats.entropy(p, q, base=2.0, axis=1, keepdims=True),
                   lambda p, q: sst.entropy(p, q, base=2.0, axis=1, keepdims=True),
                   (P, P[::-1] + 0.5), (0, 1)),
    "entropy_none": (lambda p: stats.entropy(p, axis=None), lambda p: sst.entropy(p, axis=None),
                     (P,), (0,)),
    "skew": (stats.skew, sst.skew, (X,), (0,)),
    "skew_unbiased": (lambda a: stats.skew(a, axis=1, bias=False, keepdims=True),
                      lambda a: sst.skew(a, axis=1, bias=False, keepdims=True), (X,), (0,)),
    "kurtosis": (stats.kurtosis, sst.kurtosis, (X,), (0,)),
    "kurtosis_pearson_unbiased": (
        lambda a: stats.kurtosis(a, axis=None, fisher=False, bias=False),
        lambda a: sst.kurtosis(a, axis=None, fisher=False, bias=False), (X,), (0,)),
    "sem": (stats.sem, sst.sem, (X,), (0,)),
    "sem_tuple_axis": (lambda a: stats.sem(a, axis=(0, 1), ddof=0),
                       lambda a: sst.sem(a, axis=(0, 1), ddof=0), (X,), (0,)),
    "variation": (lambda a: stats.variation(a, axis=1, ddof=1),
                  lambda a: sst.variation(a, axis=1, ddof=1), (X,), (0,)),
    "gmean": (stats.gmean, sst.gmean, (P,), (0,)),
    "gmean_weights": (lambda a, w: stats.gmean(a, weights=w), lambda a, w: sst.gmean(a, weights=w),
                      (V, W), (0, 1)),
    "hmean": (lambda a: stats.hmean(a, axis=None), lambda a: sst.hmean(a, axis=None), (P,), (0,)),
    "hmean_weights": (lambda a, w: stats.hmean(a, weights=w),
                      lambda a, w: sst.hmean(a, weights=w), (V, W), (0, 1)),
    "pmean": (lambda a: stats.pmean(a, 2.5, axis=1), lambda a: sst.pmean(a, 2.5, axis=1),
              (P,), (0,)),
    "pmean_p": (lambda a, p: stats.pmean(a, p, weights=W), lambda a, p: sst.pmean(a, float(p), weights=W),
                (V, -1.3), (0, 1)),
    "moment": (lambda a: stats.moment(a, 3), lambda a: sst.moment(a, 3), (X,), (0,)),
    "moment_orders": (lambda a: stats.moment(a, [0, 1, 2, 5], axis=1, keepdims=True),
                      lambda a: sst.moment(a, [0, 1, 2, 5], axis=1, keepdims=True), (X,), (0,)),
    "moment_center": (lambda a, c: stats.moment(a, 4, center=c),
                      lambda a, c: sst.moment(a, 4, center=c), (V, 1.7), (0, 1)),
    "mad": (stats.median_abs_deviation, sst.median_abs_deviation, (X,), (0,)),
    "mad_normal_mean": (
        lambda a: stats.median_abs_deviation(a, axis=None, center=np.mean, scale="normal"),
        lambda a: sst.median_abs_deviation(a, axis=None, center=np.mean, scale="normal"),
        (X,), (0,)),
    "iqr": (stats.iqr, sst.iqr, (X,), (0,)),
    "iqr_options": (
        lambda a: stats.iqr(a, axis=0, rng=(80, 10), scale="normal", interpolation="hazen",
                            keepdims=True),
        lambda a: sst.iqr(a, axis=0, rng=(80, 10), scale="normal", interpolation="hazen",
                          keepdims=True), (X,), (0,)),
    "trim_mean": (lambda a: stats.trim_mean(a, 0.25), lambda a: sst.trim_mean(a, 0.25),
                  (X,), (0,)),
    "trim_mean_none": (lambda a: stats.trim_mean(a, 0.1, axis=None),
                       lambda a: sst.trim_mean(a, 0.1, axis=None), (X,), (0,)),
    "pearsonr_r": (lambda x, y: stats.pearsonr(x, y).statistic,
                   lambda x, y: sst.pearsonr(x, y).statistic, (V, V ** 1.5 - W), (0, 1)),
    "pearsonr_p": (lambda x, y: stats.pearsonr(x, y).pvalue,
                   lambda x, y: sst.pearsonr(x, y).pvalue, (V, V ** 1.5 - 3 * W), (0, 1)),
    "pearsonr_p_axis": (
        lambda x, y: stats.pearsonr(x, y, axis=1, alternative="less").pvalue,
        lambda x, y: sst.pearsonr(x, y, axis=1, alternative="less").pvalue,
        (X.T, X.T[::-1] ** 2), (0, 1)),
    "pearsonr_p_greater": (
        lambda x, y: stats.pearsonr(x, y, alternative="greater").pvalue,
        lambda x, y: sst.pearsonr(x, y, alternative="greater").pvalue,
        (X, X[::-1]), (0, 1)),
}


def _jac_ok(got, want, rtol, atol=0.0):
    got, want = np.asarray(got, float), np.asarray(want, float)
    assert got.shape == want.shape
    scale = max(np.max(np.abs(want)), 1e-300)
    err = np.max(np.abs(got - want))
    assert err <= rtol * scale or err <= atol, err / scale
    MAXREL[0] = max(MAXREL[0], err / scale)


MAXREL = [0.0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_first_derivatives(name):
    f, ref, args, nums = CASES[name]
    want = np.asarray(ref(*args))
    got = traced_value(f, *[np.asarray(a, float) for a in args])
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-300)
    # untraced arguments go straight to SciPy: its very values
    np.testing.assert_array_equal(np.asarray(f(*args)), want)
    for k in nums:
        truth = richardson_jacobian(ref, args, k, h=1e-3)
        for jac in (ad.jacfwd, ad.jacrev):
            _jac_ok(jac(f, argnums=k)(*[np.asarray(a, float) for a in args]), truth, 2e-8)


def _hess_truth(ref, args, k):
    def g(v):
        a = list(args)
        a[k] = v
        return richardson_jacobian(ref, a, k, h=2e-3)
    return richardson_jacobian(lambda v: g(v), [np.asarray(args[k], float)], 0, h=2e-3)


# small arguments: the truth is differences of differences of SciPy's function
S = np.array([0.7, 2.1, 1.3, 3.9, 2.6])
SECOND = {
    "zscore": (lambda a: stats.zscore(a, ddof=1), lambda a: sst.zscore(a, ddof=1), (S,), 0),
    "entropy_kl": (lambda p, q: stats.entropy(p, q, base=2.0),
                   lambda p, q: sst.entropy(p, q, base=2.0), (S, S[::-1] + 0.5), 1),
    "entropy": (stats.entropy, sst.entropy, (S,), 0),
    "skew_unbiased": (lambda a: stats.skew(a, bias=False), lambda a: sst.skew(a, bias=False),
                      (S,), 0),
    "kurtosis": (stats.kurtosis, sst.kurtosis, (S,), 0),
    "gmean_weights": CASES["gmean_weights"][:3] + (1,),
    "hmean": (stats.hmean, sst.hmean, (S,), 0),
    "pmean_a": (lambda a, p: stats.pmean(a, p), lambda a, p: sst.pmean(a, float(p)),
                (S, 2.5), 0),
    "pmean_p": CASES["pmean_p"][:3] + (1,),
    "moment_center": CASES["moment_center"][:3] + (1,),
    "moment": (lambda a: stats.moment(a, 3), lambda a: sst.moment(a, 3), (S,), 0),
    "variation": (stats.variation, sst.variation, (S,), 0),
    "sem": (stats.sem, sst.sem, (S,), 0),
    "pearsonr_r": (lambda x, y: stats.pearsonr(x, y).statistic,
                   lambda x, y: sst.pearsonr(x, y).statistic, (S, S ** 1.5 - W[:5]), 1),
    "pearsonr_p": (lambda x, y: stats.pearsonr(x, y).pvalue,
                   lambda x, y: sst.pearsonr(x, y).pvalue, (S, S ** 1.5 - 3 * W[:5]), 0),
    "mad": (stats.median_abs_deviation, sst.median_abs_deviation, (S,), 0),
    "trim_mean": (lambda a: stats.trim_mean(a, 0.2), lambda a: sst.trim_mean(a, 0.2), (S,), 0),
}


@pytest.mark.parametrize("name", sorted(SECOND))
def test_second_derivatives(name):
    f, ref, args, k = SECOND[name]
    out = np.asarray(ref(*args))
    wv = np.linspace(0.5, 1.5, out.size).reshape(out.shape)   # every entry counts
    fs = lambda *a: dnp.sum(f(*a) * wv)          # noqa: E731
    rs = lambda *a: np.sum(ref(*a) * wv)         # noqa: E731
    truth = _hess_truth(rs, args, k)
    a = [np.asarray(v, float) for v in args]
    _jac_ok(ad.hessian(fs, argnums=k)(*a), truth, 2e-6, atol=1e-8)
    _jac_ok(ad.jacfwd(ad.jacrev(fs, argnums=k), argnums=k)(*a), truth, 2e-6, atol=1e-8)


def test_pmean_p_at_zero():
    # value of gmean, and the first and second derivatives in p of SciPy's pmean
    a = np.array([0.5, 1.5, 4.0])
    assert float(traced_value(lambda p: stats.pmean(a, p), np.float64(0.0))) == \
        pytest.approx(float(sst.gmean(a)), rel=1e-14)
    f = lambda p: float(sst.pmean(a, float(p)))    # noqa: E731
    d1 = richardson(f, 0.0, 1e-2)
    d2 = richardson(lambda p: richardson(f, p, 1e-2), 0.0, 1e-2)
    g = ad.grad(lambda p: stats.pmean(a, p))
    assert float(g(0.0)) == pytest.approx(d1, rel=1e-8)
    assert float(ad.jacfwd(lambda p: stats.pmean(a, p))(0.0)) == pytest.approx(d1, rel=1e-8)
    assert float(ad.grad(g)(0.0)) == pytest.approx(d2, rel=1e-6)


def test_jvp_and_vjp_directly():
    t = np.linspace(-1, 1, V.size)
    _, tan = ad.jvp(lambda v: stats.skew(v), (V,), (t,))
    truth = richardson_jacobian(sst.skew, (V,), 0) @ t
    assert float(tan) == pytest.approx(float(truth), rel=1e-8)
    out, pull = ad.vjp(lambda v: stats.zscore(v), V)
    ct = np.linspace(0.5, 2, V.size)
    (g,) = pull(ct) if isinstance(pull(ct), tuple) else (pull(ct),)
    np.testing.assert_allclose(g, ct @ richardson_jacobian(sst.zscore, (V,), 0), rtol=1e-8)


def test_float32_kept():
    a = X.astype(np.float32)
    for f, ref in ((stats.skew, sst.skew), (stats.zscore, sst.zscore),
                   (stats.gmean, sst.gmean), (stats.sem, sst.sem),
                   (lambda v: stats.moment(v, 2), lambda v: sst.moment(v, 2))):
        got = traced_value(f, a)
        want = np.asarray(ref(a))
        assert got.dtype == np.float32 == want.dtype
        np.testing.assert_allclose(got, want, rtol=2e-6)
        assert ad.jacrev(f)(a).dtype == np.float32


def test_constant_data_nan_with_zero_derivative():
    c = np.full(4, 2.0)
    for f in (stats.skew, stats.kurtosis, stats.zscore):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = np.asarray(getattr(sst, f.__name__)(c))
        assert np.all(np.isnan(traced_value(f, c))) and np.all(np.isnan(want))
        np.testing.assert_array_equal(ad.jacrev(f)(c), np.zeros(np.shape(want) + (4,)))
    with pytest.warns(sst.ConstantInputWarning):
        r = stats.pearsonr(ad.stop_gradient(c), c)
    assert np.isnan(r.statistic) and np.isnan(r.pvalue)
    g = ad.grad(lambda v: stats.pearsonr(c, v).pvalue)(V[:4])
    np.testing.assert_array_equal(g, np.zeros(4))


def test_pearsonr_result_and_n2():
    r, p = stats.pearsonr(ad.stop_gradient(V), V ** 2)      # unpacks like SciPy's
    ref = sst.pearsonr(V, V ** 2)
    assert float(r) == pytest.approx(ref.statistic, rel=1e-13)
    assert float(p) == pytest.approx(ref.pvalue, rel=1e-13)
    x2, y2 = np.array([1.0, 3.0]), np.array([2.0, 1.0])
    res = ad.jacrev(lambda v: stats.pearsonr(x2, v).statistic)(y2)
    np.testing.assert_array_equal(res, [0.0, 0.0])
    got = traced_value(lambda v: stats.pearsonr(x2, v).pvalue, y2)
    assert float(got) == float(sst.pearsonr(x2, y2).pvalue) == 1.0


def test_plain_calls_are_scipy():
    r = stats.pearsonr(V, W)
    assert isinstance(r, type(sst.pearsonr(V, W)))
    assert type(stats.describe(X)) is type(sst.describe(X))
    # every SciPy option works untraced
    assert stats.skew([1.0, np.nan, 3.0, 7.0], nan_policy="omit") == \
        sst.skew([1.0, np.nan, 3.0, 7.0], nan_policy="omit")


def test_describe_traced():
    ref = sst.describe(X, ddof=1, bias=False)
    got = stats.describe(ad.stop_gradient(X), bias=False)
    assert got.nobs == ref.nobs
    for g, w in zip((got.minmax[0], got.minmax[1], got.mean, got.variance, got.skewness,
                     got.kurtosis), (*ref.minmax, ref.mean, ref.variance, ref.skewness,
                                     ref.kurtosis)):
        np.testing.assert_allclose(np.asarray(g), w, rtol=1e-13)
    jac = ad.jacrev(lambda a: stats.describe(a, axis=None).variance)(X)
    np.testing.assert_allclose(jac, richardson_jacobian(lambda a: np.var(a, ddof=1), (X,), 0),
                               rtol=1e-8)


def test_errors():
    tr = lambda f: ad.grad(lambda v: dnp.sum(f(v)))(V)     # noqa: E731
    with pytest.raises(NotImplementedError, match="nan_policy='omit'"):
        tr(lambda v: stats.skew(v, nan_policy="omit"))
    with pytest.raises(NotImplementedError, match="nan_policy='raise'"):
        tr(lambda v: stats.zscore(v, nan_policy="raise"))
    with pytest.raises(ValueError, match="nan_policy must be"):
        tr(lambda v: stats.gmean(v, nan_policy="bogus"))
    with pytest.raises(NotImplementedError, match="method"):
        tr(lambda v: stats.pearsonr(v, W, method=sst.PermutationMethod()).statistic)
    with pytest.raises(ValueError, match="alternative"):
        tr(lambda v: stats.pearsonr(v, W, alternative="sideways").statistic)
    with pytest.raises(ValueError, match="length at least 2"):
        tr(lambda v: stats.pearsonr(v[:1], W[:1]).statistic)
    with pytest.raises(ValueError, match="integral"):
        tr(lambda v: stats.moment(v, 1.5))
    with pytest.raises(ValueError, match="base"):
        tr(lambda v: stats.entropy(v, base=-1.0))
    with pytest.raises(ValueError, match="not a valid scale"):
        tr(lambda v: stats.median_abs_deviation(v, scale="bogus"))
    with pytest.raises(ValueError, match="Proportion too big"):
        tr(lambda v: stats.trim_mean(v, 0.8))
    with pytest.raises(NotImplementedError, match="finite `p`"):
        tr(lambda v: stats.pmean(v, np.inf))
    with pytest.raises(NotImplementedError, match="rng"):
        ad.grad(lambda q: stats.iqr(V, rng=(q, 75.0)))(25.0)


def test_negative_entries_hmean_nan_with_warning():
    a = np.array([1.0, -2.0, 3.0])
    with pytest.warns(RuntimeWarning, match="harmonic mean"):
        v = traced_value(stats.hmean, a)
    assert np.isnan(v)


def test_zero_d_and_empty():
    # a 0-d input is one observation along axis, as SciPy's decorated functions
    x0 = np.float64(2.0)
    for name in ("skew", "kurtosis", "gmean", "hmean", "variation", "moment", "entropy",
                 "median_abs_deviation"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = np.asarray(getattr(sst, name)(x0))
            got = traced_value(getattr(stats, name), x0)
        assert got.shape == want.shape == ()
        np.testing.assert_array_equal(got, want)
    assert float(ad.grad(stats.gmean)(2.0)) == 1.0
    e = np.zeros((0, 3))
    for name in ("skew", "sem", "gmean", "entropy"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            np.testing.assert_array_equal(traced_value(getattr(stats, name), e),
                                          getattr(sst, name)(e))
