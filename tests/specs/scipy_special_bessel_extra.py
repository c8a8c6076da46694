"""Specs for dualad/scipy/special/_bessel_extra.py: spherical Bessel functions
(value and ``derivative=True``), Hankel functions, Airy functions (plain and
scaled), ``wofz``, ``voigt_profile``, ``struve`` and ``modstruve``; second order, real and complex
arguments (complex ones built from real (Re, Im) pairs)."""
import numpy as np
from hypothesis import strategies as st

from dualad.scipy import special as sp
from dualad.testing.strategies import array_args, arrays

from . import Spec


def one(low, high, avoid=None):
    return st.tuples(arrays(low=low, high=high, avoid=avoid))


_N = np.array([0, 1, 3])

SPECS = [
    # n broadcast against x (orders 0, 1, 3 at once): the value's rule is the
    # derivative=True primitive, whose own rule is the three-term recurrence
    Spec("special.spherical_jn",
         lambda x: (sp.spherical_jn(_N, x[..., None]), sp.spherical_jn(2, x, derivative=True)),
         one(-4.0, 4.0), covers=("special.spherical_jn", "special.spherical_jn_d")),
    Spec("special.spherical_yn",
         lambda x: (sp.spherical_yn(_N, x[..., None]), sp.spherical_yn(2, x, derivative=True)),
         one(0.5, 4.0), covers=("special.spherical_yn", "special.spherical_yn_d")),
    Spec("special.spherical_in",
         lambda x: (sp.spherical_in(_N, x[..., None]), sp.spherical_in(2, x, derivative=True)),
         one(-3.0, 3.0), covers=("special.spherical_in", "special.spherical_in_d")),
    Spec("special.spherical_kn",
         lambda x: (sp.spherical_kn(_N, x[..., None]), sp.spherical_kn(2, x, derivative=True)),
         one(0.5, 4.0), covers=("special.spherical_kn", "special.spherical_kn_d")),
    Spec("special.spherical_complex",
         lambda x, y: (sp.spherical_jn(1, x + 1j * y), sp.spherical_yn(2, x + 1j * y, True),
                       sp.spherical_in(0, x + 1j * y, True), sp.spherical_kn(1, x + 1j * y)),
         array_args(2, low=0.5, high=3.0),
         covers=("special.spherical_jn", "special.spherical_yn_d", "special.spherical_in_d",
                 "special.spherical_kn")),
    Spec("special.hankel1", lambda x: (sp.hankel1(0, x), sp.hankel1(1.5, x), sp.hankel1(-0.7, x)),
         one(0.5, 5.0)),
    Spec("special.hankel2", lambda x: (sp.hankel2(0, x), sp.hankel2(1.5, x)), one(0.5, 5.0)),
    Spec("special.hankel1e", lambda x: (sp.hankel1e(0, x), sp.hankel1e(2.5, x)), one(0.5, 5.0)),
    Spec("special.hankel2e", lambda x: (sp.hankel2e(0, x), sp.hankel2e(2.5, x)), one(0.5, 5.0)),
    # |z| >= 25, Re z > 0: the scaled functions' derivatives from Hankel's expansion
    # (order 6: the series from |z| = 36, its early terms rising before they fall)
    Spec("special.hankel_e_far",
         lambda x, y: (sp.hankel1e(0.3, x), sp.hankel2e(1.0, x + 1j * y), sp.hankel1e(6.0, x)),
         array_args(2, low=26.0, high=40.0), covers=("special.hankel1e", "special.hankel2e")),
    Spec("special.hankel_complex",
         lambda x, y: (sp.hankel1(1.5, x + 1j * y), sp.hankel2e(0.3, x - 1j * y)),
         array_args(2, low=0.5, high=3.0), covers=("special.hankel1", "special.hankel2e")),
    Spec("special.airy", lambda x: sp.airy(x), one(-4.0, 3.0),
         covers=("special.airy_ai", "special.airy_aip", "special.airy_bi", "special.airy_bip")),
    Spec("special.airy_complex", lambda x, y: sp.airy(x + 1j * y),
         array_args(2, low=-2.0, high=2.0),
         covers=("special.airy_ai", "special.airy_aip", "special.airy_bi", "special.airy_bip")),
    # x > 0: the scaled functions are not twice differentiable at 0 (x^(3/2))
    Spec("special.airye", lambda x: sp.airye(x), one(0.2, 8.0),
         covers=("special.airye_ai", "special.airye_aip", "special.airye_bi", "special.airye_bip")),
    # x >= 10: the asymptotic series of DLMF 9.7.5
    Spec("special.airye_far", lambda x: sp.airye(x), one(10.5, 30.0),
         covers=("special.airye_ai", "special.airye_aip", "special.airye_bi", "special.airye_bip")),
    Spec("special.airye_negative", lambda x: sp.airye(x)[2:], one(-5.0, -0.2),
         covers=("special.airye_bi", "special.airye_bip")),
    # complex: eBi, eBip are not holomorphic (exp(-|Re zeta|)); away from Re zeta = 0
    # (arg z = +-pi/3, pi): arg z below 45 degrees (Re zeta > 0), between 95 and 132 (< 0)
    Spec("special.airye_complex", lambda x, y: sp.airye(x + 2.0 + 1j * y),
         array_args(2, low=0.5, high=2.5),
         covers=("special.airye_ai", "special.airye_aip", "special.airye_bi", "special.airye_bip")),
    Spec("special.airye_complex_left", lambda x, y: sp.airye(-0.5 * x + 1j * (y + 1.5)),
         array_args(2, low=0.5, high=2.5),
         covers=("special.airye_ai", "special.airye_aip", "special.airye_bi", "special.airye_bip")),
    Spec("special.wofz", lambda x: sp.wofz(x), one(-3.0, 3.0)),
    Spec("special.wofz_complex", lambda x, y: sp.wofz(x + 1j * y),
         array_args(2, low=-3.0, high=3.0),
         covers=("special.wofz",)),
    # |z| >= 6.5: w' from the asymptotic series of z w - i/sqrt(pi)
    Spec("special.wofz_far", lambda x, y: sp.wofz(4.0 * x + 1j * y),
         array_args(2, low=2.0, high=4.0),
         covers=("special.wofz",), atol=1e-8),
    Spec("special.voigt_profile", sp.voigt_profile,
         array_args(3, low=0.0, high=1.0).map(
             lambda a: (6.0 * a[0] - 3.0, 0.5 + 1.5 * a[1], 0.1 + 1.9 * a[2])),
         covers=("special.voigt_profile", "special.wofz")),
    # sigma = 0 (SciPy's Lorentzian): derivatives in x and gamma from the heat series
    Spec("special.voigt_profile_sigma0", lambda x, g: sp.voigt_profile(x, 0.0, g),
         array_args(2, low=0.3, high=2.0), covers=("special.voigt_profile",)),
    # |x| < 2: the power series of the derivative; above: F_(v-1) - (v/x) F_v
    Spec("special.struve", lambda x: (sp.struve(0, x), sp.struve(1.5, x), sp.struve(-0.5, x)),
         one(0.2, 6.0)),
    Spec("special.modstruve",
         lambda x: (sp.modstruve(0, x), sp.modstruve(1.5, x), sp.modstruve(-0.5, x)),
         one(0.2, 6.0)),
    Spec("special.struve_negative", lambda x: (sp.struve(1, x), sp.modstruve(2.0, x)),
         one(-4.0, 4.0), covers=("special.struve", "special.modstruve")),
]
