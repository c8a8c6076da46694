"""Specs for dualad/scipy/special/_orthopoly_misc.py: the orthogonal polynomials
(in ``x``, integer and real orders at once), ``hyp2f1`` / ``hyp1f1`` / ``hyp0f1``
(in the last argument), ``fresnel``, ``sici``, ``shichi`` (real and complex, the
complex ones built from (Re, Im) pairs), ``exprel``, ``powm1``, ``cosm1``, the
degree functions, ``radian``, ``rgamma`` (also across its poles), ``poch`` and
``gammasgn``; second order throughout."""
import numpy as np
from hypothesis import strategies as st

from dualad.scipy import special as sp
from dualad.testing.strategies import array_args, arrays

from . import Spec


def one(low, high, avoid=None):
    return st.tuples(arrays(low=low, high=high, avoid=avoid))


# orders broadcast against x: integer (recurrence loops, n = 0 included) and real
_N = np.array([0, 1, 3])
_NF = np.array([0.0, 2.5, 0.3])


def _orders(f):
    return lambda x: (f(_N, x[..., None]), f(_NF, x[..., None]))


SPECS = [
    Spec("special.eval_legendre", _orders(sp.eval_legendre), one(-0.9, 0.9),
         covers=("special.eval_legendre", "special.eval_jacobi")),
    Spec("special.eval_sh_legendre", _orders(sp.eval_sh_legendre), one(0.05, 0.95),
         covers=("special.eval_sh_legendre", "special.eval_jacobi")),
    Spec("special.eval_chebyt", _orders(sp.eval_chebyt), one(-0.9, 0.9),
         covers=("special.eval_chebyt", "special.eval_chebyu", "special.eval_gegenbauer")),
    Spec("special.eval_chebyu", _orders(sp.eval_chebyu), one(-0.9, 0.9),
         covers=("special.eval_chebyu", "special.eval_gegenbauer")),
    Spec("special.eval_chebyc", _orders(sp.eval_chebyc), one(-1.8, 1.8),
         covers=("special.eval_chebyc", "special.eval_chebys")),
    Spec("special.eval_chebys", _orders(sp.eval_chebys), one(-1.8, 1.8),
         covers=("special.eval_chebys", "special.eval_gegenbauer")),
    Spec("special.eval_sh_chebyt", _orders(sp.eval_sh_chebyt), one(0.05, 0.95),
         covers=("special.eval_sh_chebyt", "special.eval_sh_chebyu")),
    Spec("special.eval_sh_chebyu", _orders(sp.eval_sh_chebyu), one(0.05, 0.95),
         covers=("special.eval_sh_chebyu", "special.eval_gegenbauer")),
    Spec("special.eval_hermite", lambda x: sp.eval_hermite(_N, x[..., None]), one(-2.0, 2.0)),
    Spec("special.eval_hermitenorm", lambda x: sp.eval_hermitenorm(_N, x[..., None]),
         one(-2.0, 2.0)),
    Spec("special.eval_laguerre", _orders(sp.eval_laguerre), one(0.1, 4.0),
         covers=("special.eval_laguerre", "special.eval_genlaguerre")),
    Spec("special.eval_genlaguerre",
         lambda x: (sp.eval_genlaguerre(_N, 0.7, x[..., None]),
                    sp.eval_genlaguerre(_NF, -0.5, x[..., None])), one(0.1, 4.0)),
    Spec("special.eval_gegenbauer",
         lambda x: (sp.eval_gegenbauer(_N, 0.8, x[..., None]),
                    sp.eval_gegenbauer(_NF, 2.5, x[..., None])), one(-0.9, 0.9)),
    Spec("special.eval_jacobi",
         lambda x: (sp.eval_jacobi(_N, 0.4, -0.3, x[..., None]),
                    sp.eval_jacobi(_NF, 1.5, 2.0, x[..., None])), one(-0.9, 0.9)),
    Spec("special.eval_sh_jacobi",
         lambda x: (sp.eval_sh_jacobi(_N, 2.5, 1.2, x[..., None]),
                    sp.eval_sh_jacobi(_NF, 3.0, 1.0, x[..., None])), one(0.05, 0.95),
         covers=("special.eval_sh_jacobi", "special.eval_jacobi")),
    Spec("special.ortho_complex",
         lambda x, y: (sp.eval_legendre(3, x + 1j * y), sp.eval_chebyu(2.5, x + 1j * y),
                       sp.eval_jacobi(2, 0.4, 1.2, x + 1j * y),
                       sp.eval_genlaguerre(3, 0.5, x + 1j * y)),
         array_args(2, low=-0.8, high=0.8),
         covers=("special.eval_legendre", "special.eval_chebyu", "special.eval_jacobi",
                 "special.eval_genlaguerre", "special.eval_gegenbauer")),
    Spec("special.hyp2f1",
         lambda z: (sp.hyp2f1(0.5, 1.5, 2.5, z), sp.hyp2f1(-3.0, 2.5, 1.5, z),
                    sp.hyp2f1(2.3, -0.7, 4.1, z)), one(-0.9, 0.9)),
    Spec("special.hyp2f1_complex", lambda x, y: sp.hyp2f1(0.5, 1.5, 2.5, x + 1j * y),
         array_args(2, low=-0.6, high=0.6), covers=("special.hyp2f1",)),
    Spec("special.hyp1f1", lambda x: (sp.hyp1f1(0.5, 1.5, x), sp.hyp1f1(-2.5, 3.2, x)),
         one(-3.0, 3.0)),
    Spec("special.hyp1f1_complex", lambda x, y: sp.hyp1f1(0.5, 1.5, x + 1j * y),
         array_args(2, low=-2.0, high=2.0), covers=("special.hyp1f1",)),
    Spec("special.hyp0f1", lambda z: (sp.hyp0f1(0.5, z), sp.hyp0f1(2.5, z)), one(-4.0, 4.0)),
    Spec("special.hyp0f1_complex", lambda x, y: sp.hyp0f1(1.5, x + 1j * y),
         array_args(2, low=-2.0, high=2.0), covers=("special.hyp0f1",)),
    Spec("special.fresnel", lambda x: sp.fresnel(x), one(-3.0, 3.0),
         covers=("special.fresnel_s", "special.fresnel_c")),
    # the phase reduced modulo 4 at larger |x| (atol: the derivatives grow like pi x)
    Spec("special.fresnel_far", lambda x: sp.fresnel(x), one(20.0, 21.0),
         covers=("special.fresnel_s", "special.fresnel_c"), atol=1e-5),
    Spec("special.fresnel_complex", lambda x, y: sp.fresnel(x + 1j * y),
         array_args(2, low=-1.5, high=1.5), covers=("special.fresnel_s", "special.fresnel_c")),
    # |x| < 1: the series of sin x / x; beyond: the quotient
    Spec("special.sici", lambda x: sp.sici(x), one(0.05, 4.0),
         covers=("special.sici_si", "special.sici_ci")),
    Spec("special.sici_negative", lambda x: sp.sici(x), one(-4.0, -0.05),
         covers=("special.sici_si", "special.sici_ci")),
    Spec("special.sici_complex", lambda x, y: sp.sici(x + 1j * y),
         array_args(2, low=0.2, high=2.0), covers=("special.sici_si", "special.sici_ci")),
    Spec("special.shichi", lambda x: sp.shichi(x), one(0.05, 4.0),
         covers=("special.shichi_shi", "special.shichi_chi")),
    Spec("special.shichi_complex", lambda x, y: sp.shichi(x + 1j * y),
         array_args(2, low=0.2, high=2.0), covers=("special.shichi_shi", "special.shichi_chi")),
    Spec("special.si_shi_zero", lambda x: (sp.sici(x)[0], sp.shichi(x)[0]), one(-1.5, 1.5),
         covers=("special.sici_si", "special.shichi_shi")),
    Spec("special.exprel", sp.exprel, one(-4.0, 4.0)),
    Spec("special.powm1", sp.powm1, array_args(2, low=0.2, high=2.5)),
    Spec("special.cosm1", sp.cosm1, one(-4.0, 4.0)),
    Spec("special.degrees",
         lambda x: (sp.sindg(x), sp.cosdg(x), sp.tandg(0.4 * x), sp.cotdg(0.4 * x + 90.0)),
         one(-150.0, 150.0),
         covers=("special.sindg", "special.cosdg", "special.tandg", "special.cotdg")),
    Spec("special.radian", sp.radian, array_args(3, low=-50.0, high=50.0)),
    Spec("special.rgamma", sp.rgamma, one(-4.0, 4.0)),
    Spec("special.rgamma_complex", lambda x, y: sp.rgamma(x + 1j * y),
         array_args(2, low=-2.0, high=2.0), covers=("special.rgamma",)),
    Spec("special.poch", sp.poch, array_args(2, low=0.3, high=3.0)),
    Spec("special.gammasgn", lambda x: x * sp.gammasgn(x), one(-3.0, 3.0,
                                                                avoid=(-3.0, -2.0, -1.0, 0.0))),
]
