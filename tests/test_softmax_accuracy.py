"""Softmax-weight derivatives keep full relative accuracy where a weight is near 1.

Truths are independent: the closed forms of the derivatives (Hessian of
logsumexp ``diag(p) - p p^T``, Jacobian of log_softmax ``delta - p``, of softmax
``p (delta - p)``, ...) evaluated with the standard library's ``decimal``
(a small ``mp`` stand-in below, so the tests need no mpmath: exp, log and sums
at 60 digits, the other operations at decimal's default 28, both far beyond
float64's 16), with every ``1 - p_i`` formed as the sum of the other weights
(no cancellation, whatever the spread).
Entries must match to ``1e-13`` relative -- also the tiny ones (``4e-18`` at a
spread of 40, ``1e-304`` at 700); the tolerance adds only a few units of the
smallest normal number for results in the subnormal range.
"""
from __future__ import annotations

import decimal
import itertools

import numpy as np
import pytest

import dualad as ad
import dualad.numpy as dnp
from dualad.scipy import special as dsp



class _Decimal60:
    """The few mpmath calls the truths need, on ``decimal`` at 60 digits (its own
    context: the thread's default context is left alone)."""
    ctx = decimal.Context(prec=60, Emin=-999999, Emax=999999)

    def mpf(self, x):
        return decimal.Decimal(x if isinstance(x, (int, str, decimal.Decimal)) else float(x))

    def exp(self, x):
        return self.ctx.exp(self.mpf(x))

    def log(self, x):
        return self.ctx.ln(self.mpf(x))

    def fsum(self, xs):
        total = decimal.Decimal(0)
        for x in xs:
            total = self.ctx.add(total, x)
        return total


mp = _Decimal60()
RTOL = 1e-13
ATOL = 1e-306           # only entries at or below the smallest normal numbers

NESTINGS = {
    "hessian": ad.hessian,
    "fwd(rev)": lambda f: ad.jacfwd(ad.jacrev(f)),
    "rev(fwd)": lambda f: ad.jacrev(ad.jacfwd(f)),
    "fwd(fwd)": lambda f: ad.jacfwd(ad.jacfwd(f)),
    "rev(rev)": lambda f: ad.jacrev(ad.jacrev(f)),
}
FIRST = {"fwd": ad.jacfwd, "rev": ad.jacrev}
SPREADS = (0.0, 5.0, 30.0, 40.0, 300.0, 700.0)


def points(n, spread, seed):
    """``n`` entries spanning ``spread`` (one at each end), centred on 0 so the
    logsumexp stays moderate; float64 values that mpmath takes exactly."""
    rng = np.random.default_rng(seed)
    u = rng.uniform(0.0, 1.0, n)
    u[rng.permutation(n)[:2]] = (0.0, 1.0)
    return np.round(spread * (u - 0.5), 3)


def mp_weights(a, base="e"):
    """The softmax weights of a 1-d slice in mpmath, and the exact ``1 - p_i``."""
    sc = mp.log(2) if base == "2" else mp.mpf(1)
    e = [mp.exp(sc * mp.mpf(float(v))) for v in a]
    s = mp.fsum(e)
    p = [v / s for v in e]
    q = [mp.fsum(p[:i] + p[i + 1:]) for i in range(len(p))]
    return p, q


def delta_minus(p, q, i, j):
    """``delta_ij - p_j`` without cancellation."""
    return q[i] if i == j else -p[j]


def mp_lse_hessian(a, base="e"):
    p, q = mp_weights(a, base)
    n = len(a)
    sc = mp.log(2) if base == "2" else mp.mpf(1)
    return [[sc * p[i] * delta_minus(p, q, i, j) for j in range(n)] for i in range(n)]


def assert_close(got, truth, what, terms=None):
    """Entrywise ``|got - truth| <= RTOL * scale + ATOL`` with ``scale = |truth|``
    (or the given sum of the absolute values of the truth's terms)."""
    got = np.asarray(got, dtype=np.float64)
    t = np.array([[float(v) for v in row] for row in truth]) if np.ndim(truth) == 2 else \
        np.array([float(v) for v in truth])
    scale = np.abs(t) if terms is None else np.array(terms, dtype=float)
    err = np.abs(got - t)
    bad = err > RTOL * scale + ATOL
    assert not bad.any(), (f"{what}: worst at {np.argwhere(bad)[0]}: got "
                           f"{got[tuple(np.argwhere(bad)[0])]!r}, truth "
                           f"{t[tuple(np.argwhere(bad)[0])]!r}")


CASES = [(n, s, seed) for n in (2, 3, 6) for s in SPREADS for seed in (0, 1)]


@pytest.mark.parametrize("nest", list(NESTINGS))
@pytest.mark.parametrize("n,spread,seed", CASES)
def test_logsumexp_hessian(n, spread, seed, nest):
    a = points(n, spread, seed)
    truth = mp_lse_hessian(a)
    H = NESTINGS[nest]
    assert_close(H(dnp.logsumexp)(a), truth, f"dnp.logsumexp {nest} at {a}")
    assert_close(H(dsp.logsumexp)(a), truth, f"special.logsumexp {nest} at {a}")
    assert_close(H(np.logaddexp.reduce)(a), truth, f"logaddexp.reduce {nest} at {a}")
    assert_close(H(np.logaddexp2.reduce)(a), mp_lse_hessian(a, "2"),
                 f"logaddexp2.reduce {nest} at {a}")


def test_logsumexp_hessian_spread_40_entry():
    h = ad.hessian(dnp.logsumexp)(np.array([0.0, 40.0]))
    assert h[1, 1] > 0 and abs(h[1, 1] / float(mp.exp(-40) / (1 + mp.exp(-40)) ** 2) - 1) < 1e-14


@pytest.mark.parametrize("nest", list(NESTINGS))
@pytest.mark.parametrize("spread", SPREADS)
@pytest.mark.parametrize("axis,keepdims", [(1, False), ((0, 2), False), ((0, 2), True),
                                           (-1, True), (None, False)])
def test_logsumexp_axes(spread, axis, keepdims, nest):
    """Several slices (and several reduced axes): the Hessian of the sum of the
    slices' logsumexps is block-diagonal, each block ``diag(p) - p p^T``."""
    shape = (2, 3, 2)
    a = points(12, spread, 3).reshape(shape)
    nd = len(shape)
    axes = tuple(range(nd)) if axis is None else \
        tuple(sorted(ax % nd for ax in (axis if isinstance(axis, tuple) else (axis,))))
    kept = [i for i in range(nd) if i not in axes]
    truth = [[mp.mpf(0)] * a.size for _ in range(a.size)]
    for kidx in itertools.product(*(range(shape[i]) for i in kept)):
        flat = []
        for ridx in itertools.product(*(range(shape[i]) for i in axes)):
            idx = [0] * nd
            for i, v in zip(kept, kidx):
                idx[i] = v
            for i, v in zip(axes, ridx):
                idx[i] = v
            flat.append(int(np.ravel_multi_index(idx, shape)))
        block = mp_lse_hessian(a.ravel()[flat])
        for r, i in enumerate(flat):
            for c, j in enumerate(flat):
                truth[i][j] = block[r][c]
    for name, f in [("dnp", dnp.logsumexp), ("special", dsp.logsumexp)]:
        got = NESTINGS[nest](lambda x: dnp.sum(f(x, axis=axis, keepdims=keepdims)))(a)
        assert_close(got.reshape(a.size, a.size), truth, f"{name} axis={axis} {nest}")
    got = NESTINGS[nest](lambda x: dnp.sum(np.logaddexp.reduce(
        x, axis=axis, keepdims=keepdims)))(a)
    assert_close(got.reshape(a.size, a.size), truth, f"logaddexp.reduce axis={axis} {nest}")


@pytest.mark.parametrize("first", list(FIRST))
@pytest.mark.parametrize("n,spread,seed", CASES)
def test_log_softmax_and_softmax_jacobians(n, spread, seed, first):
    a = points(n, spread, seed)
    p, q = mp_weights(a)
    J = FIRST[first]
    ls_truth = [[delta_minus(p, q, i, j) for j in range(n)] for i in range(n)]
    sm_truth = [[p[i] * delta_minus(p, q, i, j) for j in range(n)] for i in range(n)]
    assert_close(J(dsp.log_softmax)(a), ls_truth, f"log_softmax {first} at {a}")
    assert_close(J(dsp.softmax)(a), sm_truth, f"softmax {first} at {a}")
    # plain first-order cotangent and tangent paths (the benchmark's rule)
    for k in range(n):
        e = np.eye(n)[k]
        g = ad.vjp(dsp.log_softmax, a)[1](e)[0]
        assert_close(g, ls_truth[k], f"log_softmax vjp e_{k} at {a}")
        t = ad.jvp(dsp.log_softmax, (a,), (e,))[1]
        assert_close(t, [row[k] for row in ls_truth], f"log_softmax jvp e_{k} at {a}")


@pytest.mark.parametrize("nest", list(NESTINGS))
@pytest.mark.parametrize("n,spread,seed", [c for c in CASES if c[2] == 0])
def test_log_softmax_and_softmax_hessians(n, spread, seed, nest):
    a = points(n, spread, seed)
    p, q = mp_weights(a)
    H = NESTINGS[nest]
    lse_h = mp_lse_hessian(a)
    for k in range(n):
        # log_softmax_k = a_k - logsumexp(a): Hessian -(diag(p) - p p^T)
        got = H(lambda x: dsp.log_softmax(x)[k])(a)
        assert_close(got, [[-v for v in row] for row in lse_h], f"log_softmax[{k}] {nest}")
        # d2 p_k / da_i da_j = p_k ((d_ki - p_i)(d_kj - p_j) - p_i (d_ij - p_j))
        c = [[delta_minus(p, q, i, j) for j in range(n)] for i in range(n)]
        truth = [[p[k] * (c[k][i] * c[k][j] - p[i] * c[i][j]) for j in range(n)]
                 for i in range(n)]
        terms = [[float(p[k] * (abs(c[k][i] * c[k][j]) + abs(p[i] * c[i][j])))
                  for j in range(n)] for i in range(n)]
        got = H(lambda x: dsp.softmax(x)[k])(a)
        assert_close(got, truth, f"softmax[{k}] {nest} at {a}", terms)


@pytest.mark.parametrize("nest", ["hessian", "rev(rev)", "fwd(fwd)"])
@pytest.mark.parametrize("spread", SPREADS)
def test_logsumexp_with_b(spread, nest):
    """``log(sum b exp(a))``, b > 0: the Hessian in (a, b) jointly.  With
    ``w = b exp(a) / S`` and ``u = exp(a) / S``: d2/da2 = diag(w) - w w^T,
    d2/da_i db_j = u_i (delta_ij - w_j), d2/db2 = -u u^T."""
    a = points(4, spread, 5)
    b = np.array([0.5, 2.0, 1.0, 3.0])
    n = len(a)
    e = [mp.exp(mp.mpf(float(v))) for v in a]
    s = mp.fsum([mp.mpf(float(bi)) * ei for bi, ei in zip(b, e)])
    u = [ei / s for ei in e]
    w = [mp.mpf(float(bi)) * ui for bi, ui in zip(b, u)]
    q = [mp.fsum(w[:i] + w[i + 1:]) for i in range(n)]
    dm = [[delta_minus(w, q, i, j) for j in range(n)] for i in range(n)]
    truth = [[None] * (2 * n) for _ in range(2 * n)]
    for i in range(n):
        for j in range(n):
            truth[i][j] = w[i] * dm[i][j]
            truth[i][n + j] = truth[n + j][i] = u[j] * dm[j][i]   # u_j (d_ij - w_i)
            truth[n + i][n + j] = -u[i] * u[j]
    got = NESTINGS[nest](lambda z: dsp.logsumexp(z[:n], b=z[n:]))(np.concatenate([a, b]))
    assert_close(got, truth, f"special.logsumexp(b) {nest} at {a}")


@pytest.mark.parametrize("n,spread,seed", [c for c in CASES if c[0] > 2])
def test_logaddexp_accumulate_dominant_last(n, spread, seed):
    """``logaddexp.accumulate``: entry ``i`` is the logsumexp of the first
    ``i + 1`` entries; with the entries in increasing order each new entry
    dominates (where a scan's steps cancel), and every Hessian entry of every
    output is exact to 1e-13."""
    a = np.sort(points(n, spread, seed))
    for nest in ("hessian", "rev(fwd)", "fwd(fwd)"):
        for i in range(n):
            got = NESTINGS[nest](lambda x: np.logaddexp.accumulate(x)[i])(a)
            truth = [[mp.mpf(0)] * n for _ in range(n)]
            blk = mp_lse_hessian(a[:i + 1])
            for r in range(i + 1):
                for c in range(i + 1):
                    truth[r][c] = blk[r][c]
            assert_close(got, truth, f"logaddexp.accumulate[{i}] {nest} at {a}")


@pytest.mark.parametrize("spread", SPREADS)
def test_logaddexp_accumulate_dominant_first(spread):
    """The first entry dominates: the diagonal of every output's Hessian is exact."""
    a = -np.sort(-points(4, spread, 7))
    for i in range(4):
        got = ad.hessian(lambda x: np.logaddexp.accumulate(x)[i])(a)
        blk = mp_lse_hessian(a[:i + 1])
        assert_close(np.diag(got)[:i + 1], [blk[r][r] for r in range(i + 1)],
                     f"logaddexp.accumulate[{i}] diagonal at {a}")


@pytest.mark.parametrize("spread", (0.0, 5.0, 40.0, 300.0))
def test_third_order(spread):
    """d3 logsumexp / da_i da_j da_k: p_i (d_ij - p_j)(d_ik - p_k) - p_i p_j (d_jk - p_k)
    - p_i p_k (d_ij - p_j); compared against the sum of the terms' magnitudes."""
    a = points(3, spread, 2)
    p, q = mp_weights(a)
    n = len(a)
    c = [[delta_minus(p, q, i, j) for j in range(n)] for i in range(n)]
    truth = np.empty((n, n, n), dtype=object)
    terms = np.empty((n, n, n))
    for i, j, k in itertools.product(range(n), repeat=3):
        # d/da_k of p_i c_ij:  p_i c_ik c_ij + p_i d(c_ij)/da_k, d(c_ij)/da_k = -p_j c_jk
        t1, t2 = p[i] * c[i][k] * c[i][j], -p[i] * p[j] * c[j][k]
        truth[i, j, k] = t1 + t2
        terms[i, j, k] = float(abs(t1) + abs(t2))
    for name, f in [("dnp", dnp.logsumexp), ("special", dsp.logsumexp),
                    ("reduce", np.logaddexp.reduce)]:
        for nest in (lambda g: ad.jacfwd(ad.hessian(g)), lambda g: ad.jacrev(ad.hessian(g)),
                     lambda g: ad.jacfwd(ad.jacfwd(ad.jacfwd(g)))):
            got = nest(f)(a)
            t = np.array([float(v) for v in truth.ravel()]).reshape(truth.shape)
            err = np.abs(got - t)
            assert (err <= 1e-12 * terms + ATOL).all(), (name, spread, got, t)


def test_float32_stays_float32():
    a = np.array([0.0, 20.0, 3.0], dtype=np.float32)
    for f in (dnp.logsumexp, dsp.logsumexp, np.logaddexp.reduce,
              lambda x: dsp.log_softmax(x)[1], lambda x: dsp.softmax(x)[0],
              lambda x: np.logaddexp.accumulate(x)[-1]):
        for nest in NESTINGS.values():
            h = nest(f)(a)
            assert h.dtype == np.float32
    # the dominant entry's p (1 - p) = 2e-9 keeps float32's relative accuracy (it
    # was 0 or noise: 1 - p rounds in float32); every Hessian entry to 1e-5
    p, q = mp_weights(a)
    truth = mp_lse_hessian(a)
    for nest in NESTINGS.values():
        h = nest(dnp.logsumexp)(a).astype(np.float64)
        t = np.array([[float(v) for v in row] for row in truth])
        assert (np.abs(h - t) <= 1e-5 * np.abs(t)).all(), (h, t)


@pytest.mark.parametrize("nest", list(NESTINGS))
def test_minus_inf_entries(nest):
    """``-inf`` entries get weight 0 and a zero row and column; an all ``-inf``
    slice gives zeros."""
    a = np.array([[0.0, -np.inf, 40.0], [-np.inf, -np.inf, -np.inf]])
    h = NESTINGS[nest](lambda x: dnp.sum(dnp.logsumexp(x, axis=1)))(a).reshape(6, 6)
    blk = mp_lse_hessian([0.0, 40.0])
    truth = [[mp.mpf(0)] * 6 for _ in range(6)]
    for r, i in enumerate((0, 2)):
        for c, j in enumerate((0, 2)):
            truth[i][j] = blk[r][c]
    assert_close(h, truth, f"logsumexp with -inf {nest}")
    h = NESTINGS[nest](lambda x: dnp.sum(np.logaddexp.reduce(x, axis=1)))(a).reshape(6, 6)
    assert_close(h, truth, f"logaddexp.reduce with -inf {nest}")


def test_initial_entry():
    """``logaddexp.reduce(a, initial=c)`` is the logsumexp of ``[c, a]``: the block of
    ``a`` in its Hessian, with the constant entry's weight in ``1 - p_i``."""
    a = np.array([40.0, 0.0, 1.0])
    full = mp_lse_hessian(np.array([2.0, 40.0, 0.0, 1.0]))
    truth = [row[1:] for row in full[1:]]
    for nest in NESTINGS.values():
        got = nest(lambda x: np.logaddexp.reduce(x, initial=2.0))(a)
        assert_close(got, truth, "logaddexp.reduce initial=2")


def test_logsumexp_complex_with_b():
    """Complex a or b with b given (today3 audit): the value was the real
    log|S| (NaN where Re sign < 0) instead of SciPy's complex log S, and the
    derivative of log|S| with return_sign used the sign instead of its
    conjugate (-0.8134 against -0.40037).  Values against SciPy, derivatives
    (first and second order, both modes) against central differences."""
    import scipy.special as ss

    from dualad.testing import check_grads
    rng = np.random.default_rng(21)
    za = rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))
    ra = rng.standard_normal((2, 3))
    zb = rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))
    rb = rng.uniform(0.2, 2.0, (2, 3))
    for a, b in ((za, rb), (ra, zb), (za, zb)):
        for kw in ({}, {"axis": 1}, {"axis": 0, "keepdims": True}):
            for sign in (False, True):
                want = ss.logsumexp(a, b=b, return_sign=sign, **kw)
                got = dsp.logsumexp(a, b=b, return_sign=sign, **kw)
                jv = ad.jvp(lambda x: dsp.logsumexp(x, b=b, return_sign=sign, **kw), (a,), (a,))[0]
                for w, g in zip(want if sign else (want,), got if sign else (got,)):
                    np.testing.assert_allclose(g, w, rtol=1e-15, atol=1e-15)
                    assert np.asarray(g).dtype == np.asarray(w).dtype
                np.testing.assert_allclose(jv[0] if sign else jv, want[0] if sign else want,
                                           rtol=1e-15, atol=1e-15)
            f = lambda x, y: dsp.logsumexp(x, b=y, axis=1)                       # noqa: E731
            check_grads(f, (a, b.astype(complex)), order=2)
            check_grads(lambda x, y: dsp.logsumexp(x, b=y, axis=1, return_sign=True)[0],
                        (a, b), order=2)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_fully_masked_slice_does_not_spread_nan(name):
    """A slice of all -inf (a fully masked row of attention weights) has SciPy's
    value NaN.  A loss that leaves it out must not get NaN gradients through
    the rule's NaN * 0 (today3 audit: the reverse Jacobian of the other rows
    was NaN in the masked row's columns; forward mode gave 0).  Truth: the
    rows are independent, so those entries are 0; the rest against central
    differences of SciPy's function on the unmasked row."""
    import warnings

    import scipy.special as ss
    f = getattr(dsp, name)
    x = np.array([[0.0, 1.0, 2.0], [-np.inf, -np.inf, -np.inf]])
    w = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]])
    h = np.array([[1.0, 0.5], [0.0, 1.0]])
    mask = np.array([[True] * 3, [False] * 3])
    c = np.array([0.3, -1.2, 0.7])

    def loss(wt):                            # the masked row feeds a shared parameter
        z = dnp.where(mask, h @ wt.T, -np.inf)
        return dnp.sum(c * f(z, axis=1)[0])

    def loss_plain(wt):
        return np.sum(c * getattr(ss, name)(h[:1] @ wt.T, axis=1)[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)      # SciPy's own, on the NaN row
        for jac in (ad.grad, ad.jacfwd):
            g = jac(loss)(w)
            assert np.all(np.isfinite(g))
            want = np.zeros_like(w)
            for idx in np.ndindex(w.shape):
                e = np.zeros_like(w)
                e[idx] = 1e-6
                want[idx] = (loss_plain(w + e) - loss_plain(w - e)) / 2e-6
            np.testing.assert_allclose(g, want, rtol=1e-7, atol=1e-9)
        j = ad.jacrev(lambda v: f(v, axis=1))(x)
        assert np.all(j[0, :, 1, :] == 0) and np.all(np.isfinite(j[0]))
