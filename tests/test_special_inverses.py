"""Inverse functions in ``dualad.scipy.special``: ``gammaincinv`` / ``gammainccinv``
(the far tails), against mpmath.

Every first derivative (forward and reverse) and every second derivative (all
four nestings: forward-over-reverse, reverse-over-reverse, forward-over-forward,
reverse-over-forward) is compared with truths computed once with mpmath 1.3.0
at ``mp.dps = 50`` (working precision 70) and pasted here (mpmath is not a
dependency): ``x`` solves ``F(theta, x) = y`` by Newton's method from SciPy's
value, and the derivatives of ``x`` in ``(theta, y)`` follow by implicit
differentiation, ``x_u = -G_u / G_x``, ``x_uv = -(G_uv + G_ux x_v + G_vx x_u +
G_xx x_u x_v) / G_x`` (``G = F - y``), with the ``x``-derivatives of ``F``
in closed form (the density and its derivatives) and the parameter derivatives
by ``mp.diff(..., relative=True)`` of ``mp.gammainc``.  Two points were
cross-checked by ``mp.diff`` of ``mp.findroot`` (the inverse itself).
Truths beyond the largest float (``d2x/dy2`` in the far tails, e.g. -8.7e332
at ``a = 3``, ``y = 1e-200``) must come out as the infinity of their sign.

Tolerances: the derivatives are those at SciPy's ``x``, whose own relative
error (up to 2e-14 in the far tails, 1e-13 at ``a = 1e-3``) carries over;
``dx/dy = 1/p(x)`` is ``exp`` of a sum of terms of size ``gammaln(a)`` (8e4
at ``a = 1e4``), so it is good to about 1e-11 there.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special as ss

import dualad as ad
from dualad.scipy import special as dsp


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _all_derivs(f, z):
    """``f`` of a vector ``z``: the gradient forward and reverse, the Hessian in all
    four nestings."""
    gr = ad.grad(f)
    gf = ad.jacfwd(f)
    firsts = {"reverse": gr(z), "forward": gf(z)}
    seconds = {"fwd(rev)": ad.jacfwd(gr)(z), "rev(rev)": ad.jacrev(gr)(z),
               "fwd(fwd)": ad.jacfwd(gf)(z), "rev(fwd)": ad.jacrev(gf)(z)}
    return firsts, seconds


def _close(got, want, rtol, what):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    big = np.abs(want) > np.finfo(float).max
    np.testing.assert_array_equal(got[big], np.where(want[big] > 0, np.inf, -np.inf),
                                  err_msg=what + " (overflowing truth)")
    np.testing.assert_allclose(got[~big], want[~big], rtol=rtol, atol=0, err_msg=what)


# (which, a, y, x, (dx/da, dx/dy), (d2x/da2, d2x/dady, d2x/dy2), rtol first, rtol second)
GAMMA = [
    ("P", 0.001, 0.9, 9.821659644066881e-47, (1.0348231948429885579e-41, 1.0912955160074312842e-43),
     (1.0696072544557728675e-36, 1.1388905946654684772e-38, 1.2113380227682486703e-40)),
    ("P", 0.1, 1e-10, 6.073048362407963e-101, (1.3988263560615451328e-97, 6.0730483624079618362e-90),
     (3.1939975852642807262e-94, 1.3927533076991370427e-86, 5.4657435261671651163e-79)),
    ("P", 1.0, 1e-300, 1e-300, (6.9119831223331218964e-298, 1.0),
     (4.7637335514377953923e-295, 690.19831223331217232, 1.0)),
    ("P", 3.0, 1e-300, 1.8171205928321398e-100, (1.3986823839848702201e-98, 6.0570686427737987618e+199),
     (1.0672928518116610712e-96, 4.6420843844736546211e+201, -4.0380457618491990733e+499)),
    ("P", 3.0, 1e-200, 3.914867641168864e-67, (2.0117791959934791057e-65, 1.304955880389621214e+133),
     (1.0204418731955755472e-63, 6.662432123965276432e+134, -8.6997058692641415827e+332)),
    ("P", 30.0, 1e-300, 1.2044497038599612e-09, (9.6175367142794599808e-10, 4.0148323463558595069e+289),
     (7.0516008127542746661e-10, 3.0720178267920408442e+289, -3.8810046014669314828e+589)),
    ("P", 1000.0, 1e-50, 598.742983464849, (0.76549365622952630194, 1.4866933668500759129e+50),
     (0.00011554302935966461267, 1.0312706773153010815e+47, -1.4775470675811391706e+100)),
    ("P", 10000.0, 1e-300, 6737.687191590329, (0.81553911359412453811, 2.0640053410974505945e+300),
     (9.1419016910771151846e-6, 1.3311470954680112114e+296, -2.062069247274929966e+600)),
    ("P", 10000.0, 0.3, 9947.319262019584, (0.99737794828425647359, 286.59994898283091419),
     (1.311075096307348768e-7, 0.014380764642912441645, -426.75131410460100602)),
    ("Q", 0.001, 1e-300, 677.3551998031188, (1005.6142854801979009, -9.9852947944584544396e+299),
     (-998525.96683971904076, -3.6465884437642787691e+297, 9.9853164086736628e+599)),
    ("Q", 0.1, 0.9999999999, 6.073053387272577e-101, (1.3988275084312255026e-97, -6.0730528847859279871e-90),
     (3.1940002049433121407e-94, -1.3927543398069420623e-86, 5.4657471440693883638e-79)),
    ("Q", 1.0, 1e-200, 460.51701859880916, (6.7117322541606135316, -1.0000000000000000179e+200),
     (-1.6158437317651439206, -2.1667774630881937442e+197, 1.0000000000000000358e+400)),
    ("Q", 3.0, 1e-300, 703.1964976004614, (5.650323669154920982, -1.0028481998446657696e+300),
     (-0.3800928322805784679, -1.4052319241479496512e+297, 1.0028441321790471891e+600)),
    ("Q", 30.0, 0.9, 23.22944415010172, (0.88243592275213427368, -26.29253829614573361),
     (0.0019784607128375720242, -0.5207679559876727529, -171.72908706383226929)),
    ("Q", 1000.0, 1e-50, 1548.8890796376038, (1.234876092163919487, -2.8075474171848887163e+50),
     (-0.0001162800049319899006, -1.0378150940733856851e+47, 2.7983947474171485916e+100)),
    ("Q", 10000.0, 1e-200, 13331.645867165933, (1.1506780804444407123, -3.9967291965154879624e+200),
     (-7.5003600140912864653e-6, -1.6422728763976580355e+196, 3.9931428287642836788e+400)),
]


def _gamma_tol(which, a, y):
    """(first, second order) rtol, about 3 times the error measured: dx/dy for large
    ``a`` (module docstring); gammainccinv below y ~ 1e-150, where d2x/dy2 overflows,
    differentiates -log p in ``a`` (a near-cancelling sum, about 2e-11 at ``a = 1e-3``)."""
    if a >= 1e3:
        return 3e-11, 1e-10
    return 6e-13, (5e-11 if which == "Q" and y < 1e-150 else 1e-12)


@pytest.mark.parametrize("case", GAMMA, ids=[f"{c[0]}-a{c[1]:g}-y{c[2]:g}" for c in GAMMA])
def test_gamma_inverses_far_tails(case):
    which, a, y, x, d1, d2 = case
    f = dsp.gammainccinv if which == "Q" else dsp.gammaincinv
    ref = ss.gammainccinv if which == "Q" else ss.gammaincinv
    assert f(a, y) == ref(a, y)
    np.testing.assert_allclose(f(a, y), x, rtol=5e-13)     # SciPy's own error
    tol1, tol2 = _gamma_tol(which, a, y)
    hess = np.array([[d2[0], d2[1]], [d2[1], d2[2]]])
    firsts, seconds = _all_derivs(lambda z: f(z[0], z[1]), np.array([a, y]))
    for mode, g in firsts.items():
        _close(g, d1, tol1, f"{which} a={a} y={y} first {mode}")
    for mode, h in seconds.items():
        _close(h, hess, tol2, f"{which} a={a} y={y} second {mode}")


def test_gamma_inverse_underflow_is_zero():
    # gammainccinv(1e-3, 0.6) = (0.4 Gamma(1.001))^1000 ~ 1e-398 underflows to 0: every
    # derivative is below the smallest float too, and must come out 0, never NaN
    firsts, seconds = _all_derivs(lambda z: dsp.gammainccinv(z[0], z[1]), np.array([1e-3, 0.6]))
    for mode, v in list(firsts.items()) + list(seconds.items()):
        np.testing.assert_array_equal(v, 0.0, err_msg=mode)


# --- betaincinv / betainccinv / stdtrit ---------------------------------------------------
# Truths as above (mpmath 1.3.0, mp.dps = 50, implicit differentiation; the x-derivatives
# of F in closed form, the parameter derivatives by mp.diff of mp.betainc, and for stdtrit
# of F = stdtr(df, t) = I_(df/(df+t^2))(df/2, 1/2)/2 for t < 0, 1 minus that for t > 0).
# betainc (2, 3, 0.3) and stdtrit (3, 0.1) were cross-checked by mp.diff of mp.findroot.
BETA = [
    ('P', 0.5, 0.5, 1e-10, 2.4674011002723397e-20,
     (2.2582761295861944938e-18, -6.8410884638571170432e-20, 4.9348022005446794891e-10),
     ((1.97619409766862813e-16, -6.205623401845178655e-18, 4.4178562151614952332e-8), (3.5202373228401986047e-19, -1.3682176927714233588e-9), 4.9348022005446793092)),
    ('P', 2.0, 3.0, 0.3, 0.27238394207510536,
     (0.13752211378441105607, -0.06799256991321103783, 0.57787339862999604008),
     ((-0.044885032167361617568, -0.020116927236015465778, 0.052201239182500362822), (0.034158442561227838762, -0.11709019815855830161), -0.30808620817062118902)),
    ('P', 2.0, 3.0, 0.9999999999, 0.9997075768387249,
     (0.00010558359313336186744, -0.0007688685767131827762, 974815.07052551274222),
     ((-0.000079404075840570335756, 0.0002639518057989531928, -351925.47795165552076), (-0.0015152194994987591503, 2238313.7561159250445), 6498291293182528.2364)),
    ('P', 0.05, 2.0, 1e-10, 3.7688948287301064e-201,
     (3.4714569724829386827e-197, -2.3933707793929931957e-201, 7.5377896574602115538e-190),
     ((3.1836075053621692031e-193, -2.2044149164447865874e-197, 6.9278383656509563048e-186), (2.9977426328637828502e-201, -4.7867415587859859513e-190), 1.4321800349174400594e-178)),
    ('P', 30.0, 0.3, 1e-10, 0.5129640431000497,
     (0.011533027111594041291, -0.10378731262375949259, 167131351.31510919545),
     ((-0.00051703822455273389219, 0.00098550847299561790194, -1864160.0466119125218), (0.2174395268370242125, -26901791.878960476785), -1619309845754411397.0)),
    ('P', 1000.0, 2000.0, 1e-10, 0.28021094749426084,
     (0.00021976597024849274596, -0.000097049008402781655819, 12374354.890186382485),
     ((-1.2709959207108737618e-7, -4.5103041953408718461e-8, 1215.0001866874813965), (6.7494804839333672942e-8, -3462.1637553077887799), -120657429146107730.89)),
    ('P', 1000.0, 2000.0, 0.3, 0.3287930277405216,
     (0.00022226659787083688518, -0.00010999144315639996956, 0.02464144945122126535),
     ((-1.4669598651704282256e-7, -3.7807398976369788944e-8, 1.8852228397248744146e-7), (7.3621597428752707036e-8, -6.2264882068364915724e-6), -0.03653444819829537662)),
    ('Q', 0.5, 0.5, 0.9999999999, 2.4674015085797216e-20,
     (2.2582764951212710425e-18, -6.8410895959255584528e-20, -4.9348026088520441895e-10),
     ((1.9761944100693028579e-16, -6.2056244061150150834e-18, -4.4178565643642620717e-8), (3.5202379053717066409e-19, 1.3682178059782628163e-9), 4.9348022005446793092)),
    ('Q', 2.0, 3.0, 1e-10, 0.9997075768467906,
     (0.00010558359022151732744, -0.00076886855819329117723, -974815.12429261967156),
     ((-0.000079404073650973939146, 0.00026395179949062081535, 351925.49736504434067), (-0.0015152194700426196005, -2238313.8885266231188), 6498292189287839.6178)),
    ('Q', 0.05, 2.0, 1e-10, 0.9999382798663599,
     (0.00064657796857770293118, -0.00031356739910776888213, -308594.63649959850775),
     ((-0.01914514516048636947, 0.0029808627822904229334, 3232757.1160439569023), (-0.0012723661849965323256, -1413480.3990670606476), 1543033499283522.5338)),
    ('Q', 30.0, 0.3, 0.9999999999, 0.5129640444829007,
     (0.011533027096169912467, -0.10378731284634590739, -167131337.91688055255),
     ((-0.00051703822491297013279, 0.00098550848506898821037, 1864159.9123819168442), (0.21743952733708779883, 26901789.664059724937), -1619309581984562377.0)),
    ('Q', 1000.0, 2000.0, 0.7, 0.3287930277405216,
     (0.00022226659787083688519, -0.00010999144315639996991, -0.024641449451221263322),
     ((-1.4669598651704282303e-7, -3.7807398976369788719e-8, -1.8852228397248736882e-7), (7.3621597428752707183e-8, 6.2264882068364910404e-6), -0.036534448198295359245)),
    # x within 1e-9 of 1 (b = 0.02): 1 - x from the reflection, SciPy's x holds only
    # 1e-16 of it (the derivatives at x itself were off by 4e-10)
    ('P', 4.0, 0.02, 0.3, 0.9999999970856593,
     (8.2483282872046680154e-10, -2.6006198873975629839e-6, 2.0816719170977328466e-7),
     ((-4.6541151654513303415e-10, 7.3592607262905109779e-7, -5.8916631038134297424e-8), (-0.0020608000739510128731, 0.00017535020698279478598), -0.000014571703674587539444)),
    ('Q', 4.0, 0.02, 0.7, 0.9999999970856593,
     (8.2483282872046353101e-10, -2.60061988739755325e-6, -2.0816719170977247577e-7),
     ((-4.6541151654513118875e-10, 7.3592607262904834331e-7, 5.8916631038134068487e-8), (-0.0020608000739510056753, -0.00017535020698279414588), -0.000014571703674587483977)),
]
STDTRIT = [
    (0.5, 1e-10, -1.02849115631634e+19, (9.0616214793409620533e+20, 2.0569823126326797989e+29), (-8.3490431101563910828e+22, -1.8534639421208459406e+31, -6.1709469378980391718e+39)),
    (0.5, 0.3, -1.0095258786071661, (1.3570909676775231652, 8.5335276523831592897), (-7.570042241680425112, -20.260345669804443947, -72.588429773141716164)),
    (0.5, 0.9999999999, 1.0284909861208814e+19, (-9.0616199457782138311e+20, 2.0569818020463254585e+29), (8.3490416672082094661e+22, -1.8534634752442224492e+31, 6.1709448955527063026e+39)),
    (1.0, 1e-10, -3183098861.837907, (69034964920.576146312, 31830988618379064835.0), (-1637455099123.1602416, -7.2218063782414050276e+20, -6.366197723675812735e+29)),
    (1.0, 0.3, -0.7265425280053609, (0.23627464225386786911, 4.7999264594573068877), (-0.54906528013308986314, -2.6467460056353338407, -21.911670704945387913)),
    (1.0, 0.9999999999, 3183098598.467148, (-69034958945.227264048, 31830983350964105792.0), (1637454951688.8318453, -7.2218051568346032199e+20, 6.366196143451390396e+29)),
    (3.0, 1e-10, -2225.7692846830932, (5044.1434861652297003, 7419234543206.2489892), (-14946.350312741959862, -19286880278332.628426, -9.8923115261870900727e+22)),
    (3.0, 0.3, -0.5843897274398187, (0.021291848008553622421, 3.375389360306621747), (-0.014995019544226246597, -0.18768820422552545823, -7.9701661983208850753)),
    (3.0, 0.9999999999, 2225.769223296075, (-5044.1433265848758908, 7419233724712.8026438), (14946.349794132733885, -19286878082386.673635, 9.8923096163691936964e+22)),
    (30.0, 1e-10, -9.377489780407144, (0.13435255417545379087, 4148805503.9465239668), (-0.01172149130327519215, -133610223.46072157128, -42427086532341162648.0)),
    (30.0, 0.3, -0.5300190039065045, (0.00018882609110826987948, 2.9204480817575461342), (-0.000012690235201557370067, -0.0014983371470730678701, -4.6278902106096969109)),
    (30.0, 0.9999999999, 9.377489746079775, (-0.1343525530699578943, 4148805152.903265499), (0.011721491196136836943, -133610211.66856579016, 42427079428864006598.0)),
    (1000.0, 1e-10, -6.427876283134213, (0.000067128731172677367619, 1583409090.4482103774), (-1.3545191378380597507e-7, -48383.92139042491514, -15491898703570408954.0)),
    (1000.0, 0.3, -0.524567707309227, (1.6723706468683389255e-7, 2.8774164147365492389), (-3.3455903222388167962e-10, -1.3132975485529252151e-6, -4.3463187537266869169)),
    (1000.0, 0.9999999999, 6.427876270033028, (-0.000067128730772347024167, 1583408962.2676763093), (1.3545191297148154774e-7, -48383.917282360480959, 15491896166292679018.0)),
    (1000000.0, 1e-10, -6.361406848876743, (6.5947058349493036798e-11, 1535770692.0176860068), (-1.3189528803277091657e-16, -0.046994507335684613336, -15003368730558119519.0)),
    (1000000.0, 0.3, -0.5244006798602089, (1.6715221059258500827e-13, 2.8761049714782799777), (-3.3430450616035608138e-19, -1.3122145295746711678e-12, -4.3378349795050829994)),
    (1000000.0, 0.9999999999, 6.36140683616972, (-6.5947057960658756267e-11, 1535770567.8792667195), (1.3189528725509100284e-16, -0.046994503350848453377, 15003366275106035508.0)),
]


def _beta_tol(a, b):
    """(first, second order) rtol, about 3 times the error measured.  For a, b ~ 1e3,
    dx/dy = exp(betaln(a, b) - ...) (terms of size 2e3) is good to 3e-12, and its
    a-derivative (psi(a+b) - psi(a) + log x - ..., a near-cancelling sum) to 3e-10."""
    return (1e-11, 1e-9) if max(a, b) >= 1e3 else (1e-12, 3e-12)


@pytest.mark.parametrize("case", BETA, ids=[f"{c[0]}-{c[1]:g}-{c[2]:g}-y{c[3]:g}" for c in BETA])
def test_beta_inverses(case):
    which, a, b, y, x, d1, (h0, h1, h2) = case
    f = dsp.betainccinv if which == "Q" else dsp.betaincinv
    ref = ss.betainccinv if which == "Q" else ss.betaincinv
    assert f(a, b, y) == ref(a, b, y)
    np.testing.assert_allclose(f(a, b, y), x, rtol=1e-14)
    hess = np.array([h0, (h0[1],) + h1, (h0[2], h1[1], h2)])
    tol1, tol2 = _beta_tol(a, b)
    firsts, seconds = _all_derivs(lambda z: f(z[0], z[1], z[2]), np.array([a, b, y]))
    for mode, g in firsts.items():
        _close(g, d1, tol1, f"{which} {a} {b} {y} first {mode}")
    for mode, h in seconds.items():
        _close(h, hess, tol2, f"{which} {a} {b} {y} second {mode}")


@pytest.mark.parametrize("case", STDTRIT, ids=[f"df{c[0]:g}-p{c[1]:g}" for c in STDTRIT])
def test_stdtrit(case):
    df, p, t, d1, d2 = case
    assert dsp.stdtrit(df, p) == ss.stdtrit(df, p)
    np.testing.assert_allclose(dsp.stdtrit(df, p), t, rtol=1e-15)
    hess = np.array([[d2[0], d2[1]], [d2[1], d2[2]]])
    firsts, seconds = _all_derivs(lambda z: dsp.stdtrit(z[0], z[1]), np.array([df, p]))
    for mode, g in firsts.items():
        _close(g, d1, 5e-14, f"df={df} p={p} first {mode}")
    for mode, h in seconds.items():
        _close(h, hess, 3e-13, f"df={df} p={p} second {mode}")


@pytest.mark.parametrize("name", ["betaincinv", "betainccinv"])
def test_beta_inverse_values_and_broadcasting(name):
    a = np.array([[0.5], [2.0]])
    b = np.array([1.5, 3.0, 0.7])
    y = np.array([[[0.1]], [[0.6]]])
    want = getattr(ss, name)(a, b, y)
    got = getattr(dsp, name)(a, b, y)
    assert got.shape == want.shape and got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)
    for k in range(3):
        g = ad.grad(lambda *args: np.sum(getattr(ss, name)(*args)), argnums=k)(a, b, y)
        assert g.shape == (a, b, y)[k].shape and np.all(np.isfinite(g))
    f32 = getattr(dsp, name)(np.float32(2.0), np.float32(3.0), np.float32(0.4))
    assert f32.dtype == getattr(ss, name)(np.float32(2.0), np.float32(3.0), np.float32(0.4)).dtype


def test_stdtrit_values_and_broadcasting():
    df = np.array([[0.7], [4.0], [np.inf]])
    p = np.array([1e-3, 0.2, 0.5, 0.9])
    np.testing.assert_array_equal(dsp.stdtrit(df, p), ss.stdtrit(df, p))
    g = ad.grad(lambda d: np.sum(ss.stdtrit(d, p)))(df[:2])
    assert g.shape == (2, 1) and np.all(np.isfinite(g))
    # df = inf is the normal quantile: derivative in p is 1 / phi(ndtri(p))
    x = ss.ndtri(0.2)
    np.testing.assert_allclose(ad.grad(dsp.stdtrit, argnums=1)(np.inf, 0.2),
                               np.sqrt(2 * np.pi) * np.exp(x * x / 2), rtol=1e-14)


def test_beta_inverse_ends():
    # y = 0 and 1: x = 0 and 1, constant in a and b (derivative 0, not NaN)
    for y in (0.0, 1.0):
        g = ad.grad(dsp.betaincinv, argnums=(0, 1))(2.0, 3.0, y)
        np.testing.assert_array_equal(g, [0.0, 0.0])
