"""Fit a reversible first-order reaction A <-> B to concentration data, end to end.

Model: dA/dt = -k1 A + k2 B, dB/dt = k1 A - k2 B, A(0) = a0, B(0) = 0.  With
s = k1 + k2 the closed-form solution is

    A(t) = a0 (k2 + k1 exp(-s t)) / s,     B(t) = a0 - A(t).

The data are generated here from known constants (k1 = 0.8 /min, k2 = 0.3 /min,
a0 = 2.0 mol/L) with 1 % multiplicative noise from a fixed seed.  The
parameters are fitted on a log scale (so they stay positive) three ways:

* ``least_squares`` on the residual vector (Jacobian from dualad, forward mode);
* ``minimize`` with trust-exact on the sum of squares (gradient and Hessian);
* the equilibrium constant K = k1 / k2 from the fit, with a standard error
  from the Gauss-Newton covariance, computed with ``dualad.grad``.

Run:  python examples/fit_kinetics.py
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import dualad as ad  # noqa: E402
import dualad.numpy as dnp  # noqa: E402
from dualad.optimize import least_squares, minimize  # noqa: E402

TRUE = {"k1": 0.8, "k2": 0.3, "a0": 2.0}


def concentrations(logp, t):
    """A(t) and B(t), stacked as a (2, len(t)) array, for log-parameters logp."""
    k1, k2, a0 = dnp.exp(logp[0]), dnp.exp(logp[1]), dnp.exp(logp[2])
    s = k1 + k2
    a = a0 * (k2 + k1 * dnp.exp(-s * t)) / s
    return dnp.stack([a, a0 - a])


def make_data(seed=0):
    t = np.linspace(0.0, 8.0, 25)
    logp = np.log([TRUE["k1"], TRUE["k2"], TRUE["a0"]])
    clean = concentrations(logp, t)
    rng = np.random.default_rng(seed)
    return t, clean * (1.0 + 0.01 * rng.standard_normal(clean.shape))


def main():
    t, data = make_data()

    def residuals(logp):
        return concentrations(logp, t) - data       # shape (2, 25): flattened

    x0 = np.log([0.1, 0.1, 1.0])
    fit = least_squares(residuals, x0, method="trf")
    k1, k2, a0 = np.exp(fit.x)
    print("least_squares (trf), residual Jacobian from dualad")
    print(f"  status {fit.status}: {fit.message}")
    print(f"  k1 = {k1:.4f} /min (true {TRUE['k1']}), k2 = {k2:.4f} /min "
          f"(true {TRUE['k2']}), a0 = {a0:.4f} mol/L (true {TRUE['a0']})")
    print(f"  cost = {fit.cost:.3e}, nfev = {fit.nfev}, njev = {fit.njev}")

    def sse(logp):
        r = residuals(logp)
        return 0.5 * dnp.sum(r * r)

    res = minimize(sse, x0, method="trust-exact", options={"gtol": 1e-8})
    print("minimize (trust-exact), gradient and Hessian from dualad")
    print(f"  success {res.success} ({res.message}); parameters "
          f"{np.array2string(np.exp(res.x), precision=4)}; f = {res.fun:.3e}")
    print(f"  nit = {res.nit}, nfev = {res.nfev}, njev = {res.njev}, nhev = {res.nhev}")
    print(f"  agrees with least_squares: {np.allclose(res.x, fit.x, rtol=1e-6)}")

    # uncertainty: Gauss-Newton covariance of log-parameters, delta method for K
    m, n = fit.fun.size, fit.x.size
    sigma2 = 2 * fit.cost / (m - n)
    cov = sigma2 * np.linalg.inv(fit.jac.T @ fit.jac)

    def log_k(logp):
        return logp[0] - logp[1]          # log K = log k1 - log k2
    g = ad.grad(log_k)(fit.x)
    se = float(np.sqrt(g @ cov @ g))
    K = float(np.exp(log_k(fit.x)))
    print(f"equilibrium constant K = k1/k2 = {K:.3f} (true "
          f"{TRUE['k1'] / TRUE['k2']:.3f}); relative standard error {se:.3f}")


if __name__ == "__main__":
    main()
