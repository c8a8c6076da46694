"""dualad on a real model: logistic regression, fitted by Newton's method.

Every derivative dualad computes here is checked against its closed form:

* forward mode (jvp): the change of the predicted probabilities along a
  direction v of the weights, sigma'(Xw) * (X v);
* reverse mode (vjp): the pullback of a cotangent u on the probabilities,
  X^T (sigma'(Xw) * u);
* grad: the gradient of the mean negative log-likelihood, X^T (p - y) / n;
* hessian (forward over reverse): X^T diag(p (1 - p)) X / n;

and then the model is fitted with Newton steps built from these, and the
result compared with the optimality condition (zero gradient).

Run:  python examples/demo.py
"""
from __future__ import annotations

import sys

import numpy as np

try:
    import dualad as ad
except ImportError:          # running from a checkout without `pip install .`
    import os
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import dualad as ad
import dualad.numpy as dnp


def predict(w, X):
    """Probabilities of class 1: sigma(X w), written with ordinary NumPy calls."""
    return 1.0 / (1.0 + np.exp(-(X @ w)))


def loss(w, X, y, l2=1e-2):
    """Mean negative log-likelihood plus a small ridge penalty.

    Written stably: log(1 + e^z) - y z, with log(1 + e^z) = logaddexp(0, z).
    """
    z = X @ w
    nll = dnp.mean(dnp.logaddexp(0.0, z) - y * z)
    return nll + 0.5 * l2 * dnp.sum(w ** 2)


def make_data(n=400, d=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    X[:, 0] = 1.0                                    # intercept
    w_true = np.array([0.5, -1.0, 2.0, 0.0, 0.7])[:d]
    p = 1.0 / (1.0 + np.exp(-(X @ w_true)))
    y = (rng.random(n) < p).astype(float)
    return X, y, w_true


def report(name, got, exact, tol=1e-10):
    err = float(np.max(np.abs(np.asarray(got) - np.asarray(exact))))
    ok = err <= tol * max(1.0, float(np.max(np.abs(exact))))
    print(f"  {name:<50s} max |dualad - closed form| = {err:.2e}  {'ok' if ok else 'MISMATCH'}")
    return ok


def main():
    X, y, w_true = make_data()
    n, d = X.shape
    l2 = 1e-2
    w = np.zeros(d)
    w[1] = 0.3
    rng = np.random.default_rng(1)
    v = rng.standard_normal(d)
    u = rng.standard_normal(n)
    ok = True

    p = predict(w, X)
    s = p * (1 - p)                                  # sigma'(z)

    print(f"logistic regression, n = {n} samples, d = {d} weights\n")
    print("derivatives at w0 =", w)

    # forward mode: J v in one pass, J never formed
    p0, dp = ad.jvp(lambda w: predict(w, X), (w,), (v,))
    ok &= report("jvp  d p(w)[v]          = s * (X v)", dp, s * (X @ v))

    # reverse mode: u^T J in one pass
    p0, pullback = ad.vjp(lambda w: predict(w, X), w)
    (uJ,) = pullback(u)
    ok &= report("vjp  u^T dp/dw          = X^T (s * u)", uJ, X.T @ (s * u))

    # grad of the scalar loss
    g = ad.grad(loss)(w, X, y, l2)
    ok &= report("grad dL/dw              = X^T (p - y)/n + l2 w", g, X.T @ (p - y) / n + l2 * w)

    # value and gradient from one forward and one reverse pass
    val, g2 = ad.value_and_grad(loss)(w, X, y, l2)
    exact_val = np.mean(np.logaddexp(0.0, X @ w) - y * (X @ w)) + 0.5 * l2 * w @ w
    ok &= report("value_and_grad: value", val, exact_val)

    # the Hessian, forward over reverse
    H = ad.hessian(loss)(w, X, y, l2)
    H_exact = X.T @ (s[:, None] * X) / n + l2 * np.eye(d)
    ok &= report("hessian d2L/dw2         = X^T diag(s) X/n + l2 I", H, H_exact)

    # the Jacobian of the probabilities, d columns, by the cheaper mode
    J = ad.jacobian(lambda w: predict(w, X))(w)
    ok &= report("jacobian dp/dw          = diag(s) X", J, s[:, None] * X)

    # Newton's method with these derivatives
    print("\nNewton's method:")
    for it in range(8):
        val, g = ad.value_and_grad(loss)(w, X, y, l2)
        gnorm = float(np.linalg.norm(g))
        print(f"  step {it}: loss = {float(val):.10f}   |grad| = {gnorm:.3e}")
        if gnorm < 1e-12:
            break
        w = w - np.linalg.solve(ad.hessian(loss)(w, X, y, l2), g)
    p = predict(w, X)
    g_exact = X.T @ (p - y) / n + l2 * w
    print(f"\nfitted weights: {np.round(w, 3)}")
    print(f"true weights:   {w_true}")
    print(f"closed-form gradient at the fit: {float(np.linalg.norm(g_exact)):.2e} "
          f"(optimality: should be ~0)")
    ok &= bool(np.linalg.norm(g_exact) < 1e-9)

    # sensitivity of the fitted loss to the ridge weight (w held fixed: by the
    # envelope theorem this is also the derivative of the optimal loss)
    dval = ad.grad(lambda c: loss(w, X, y, c))(l2)
    ok &= report("d loss(w*, l2) / d l2   = |w*|^2 / 2", dval, 0.5 * w @ w)

    print("\nall derivatives match their closed forms" if ok else "\nMISMATCH found")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
