"""Fit the hyperparameters of a Gaussian process, with the model in plain NumPy.

The negative log marginal likelihood of a GP with a squared-exponential kernel,

    NLML(theta) = 1/2 y^T K^-1 y + 1/2 log det K + n/2 log(2 pi),
    K = sf^2 exp(-|x_i - x_j|^2 / (2 ell^2)) + sn^2 I,

is written below with `import numpy as np` only (Cholesky factor, two
solves, the log-determinant from the factor's diagonal): unmodified NumPy
code, which dualad differentiates when it is called on traced values.
The hyperparameters (length scale ell, signal sd sf, noise sd sn) are fitted
on a log scale with `dualad.optimize.minimize` twice, by L-BFGS-B (gradient)
and by trust-exact (gradient and exact Hessian), and the gradient is checked
against central finite differences with `dualad.testing.check_grads`.

The data: 30 noisy samples of sin(x) on [-3, 3] (noise sd 0.1, fixed seed).

Run:  python examples/gp_hyperparameters.py
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import dualad as ad  # noqa: E402
from dualad.optimize import minimize  # noqa: E402
from dualad.testing import check_grads  # noqa: E402

rng = np.random.default_rng(0)
X = rng.uniform(-3.0, 3.0, size=(30, 1))
Y = np.sin(X[:, 0]) + 0.1 * rng.standard_normal(30)


def nlml(log_theta):
    """Negative log marginal likelihood; plain NumPy."""
    ell, sf, sn = np.exp(log_theta[0]), np.exp(log_theta[1]), np.exp(log_theta[2])
    d2 = np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1)
    K = sf ** 2 * np.exp(-0.5 * d2 / ell ** 2) + sn ** 2 * np.eye(len(Y))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, Y))
    return 0.5 * Y @ alpha + np.sum(np.log(np.diag(L))) + 0.5 * len(Y) * np.log(2 * np.pi)


def main():
    x0 = np.log([1.0, 1.0, 0.5])
    value, grad = ad.value_and_grad(nlml)(x0)
    print(f"NLML at the start {value:.4f}, gradient {np.array2string(grad, precision=4)}")
    check_grads(nlml, (x0,), order=2)        # raises AssertionError on a mismatch
    print("check_grads: gradient and Hessian agree with finite differences")

    for method in ("L-BFGS-B", "trust-exact"):
        res = minimize(nlml, x0, method=method)
        ell, sf, sn = np.exp(res.x)
        print(f"{method:12s} NLML {res.fun:.6f} after {res.nit} iterations, {res.nfev} "
              f"evaluations: ell = {ell:.3f}, sf = {sf:.3f}, sn = {sn:.4f}")

    # the Hessian at the optimum: a Laplace approximation of the uncertainty in log theta
    cov = np.linalg.inv(ad.hessian(nlml)(res.x))
    se = np.sqrt(np.diag(cov))
    print(f"standard errors of log(ell, sf, sn): {np.array2string(se, precision=3)}")


if __name__ == "__main__":
    main()
