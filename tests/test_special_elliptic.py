"""Elliptic integrals and functions (``dualad.scipy.special._elliptic``):
``ellipkinc``, ``ellipeinc``, ``ellipkm1``, ``ellipj`` and Carlson's ``elliprf``,
``elliprd``, ``elliprj``, ``elliprc``, ``elliprg``.

Truths: SciPy's own values (bit for bit), first and second partial derivatives
from mpmath at 40 digits (pasted below), Richardson central differences of the
SciPy functions, the closed forms ``sn' = cn dn`` etc."""
import numpy as np
import pytest
import scipy.special as ss

import dualad as ad
from dualad.scipy import special as sp

# mpmath 1.3.0, mp.dps = 40: mp.diff of mp.ellipf / ellipe / ellipk(1-p) / elliprf /
# elliprd / elliprj / elliprc / elliprg / ellipfun (amplitude: findroot of ellipf = u)
MP = {
    ('ellipkinc', (0.7, 0.3)): (["1.0687426652811643181", "0.058569954708701202175"], [["0.18044513418028190343", "0.2533113997185878291"], ["0.2533113997185878291", "0.025383342679204165499"]]),
    ('ellipkinc', (4.0, 0.5)): (["1.1837635809489034809", "1.8187517342763671154"], [["0.41028771229128796928", "0.47503984517737358088"], ["0.47503984517737358088", "3.7989451916745312233"]]),
    ('ellipkinc', (-2.5, -3.0)): (["0.69429266457017056462", "-0.13746354323476258596"], [["-0.48139691434517696505", "0.059935704806289444894"], ["0.059935704806289444894", "-0.043529648183964180594"]]),
    ('ellipkinc', (1.5, 0.999)): (["12.911291691609168092", "42.667871576065602235"], [["151.71662168094187486", "1070.780678322892448"], ["1070.780678322892448", "5444.608586903580392"]]),
    ('ellipeinc', (0.7, 0.3)): (["0.93567893608600389318", "-0.05396184696448806215"], [["-0.15797882563927058984", "-0.22177288199193404971"], ["-0.22177288199193404971", "-0.0076801795736885669924"]]),
    ('ellipeinc', (4.0, 0.5)): (["0.84476327544930989296", "-1.107592875774314321"], [["-0.29279156521605570226", "-0.33900030549959358791"], ["-0.33900030549959358791", "-0.71115885850205279449"]]),
    ('ellipeinc', (-2.5, -3.0)): (["1.4403147995508345131", "0.41613457931917815745"], [["0.99866113466533275792", "-0.12433702249677732474"], ["-0.12433702249677732474", "0.046445172680735928582"]]),
    ('ellipeinc', (1.5, 0.999)): (["0.077451584542070506155", "-1.1493231078910540931"], [["-0.91010977299779965858", "-6.4233433969304792777"], ["-6.4233433969304792777", "-20.780054288375649739"]]),
    ('ellipkm1', (0.3,)): (["-1.4739562556144810294"], [["5.2782061241376655141"]]),
    ('ellipkm1', (1e-08,)): (["-49999997.725841289861"], [["4999999987500002.232"]]),
    ('ellipkm1', (2.5,)): (["-0.13727230490874352603"], [["0.064222798006708669134"]]),
    ('elliprf', (0.5, 2.0, 3.0)): (["-0.1598367623481586757", "-0.07291306903933936452", "-0.05592530320731484204"], [["0.2389182783303710118", "0.028974564436273103725", "0.020782291828168766731"], ["0.028974564436273103725", "0.034700336296417855599", "0.00849388291601226124"], ["0.020782291828168766731", "0.00849388291601226124", "0.018836347688287785738"]]),
    ('elliprf', (1.0, 1.0, 1.0)): (["-0.16666666666666666667", "-0.16666666666666666667", "-0.16666666666666666667"], [["0.15", "0.05", "0.05"], ["0.05", "0.15", "0.05"], ["0.05", "0.05", "0.15"]]),
    ('elliprf', (0.001, 1.0, 2.0)): (["-10.719050424486703735", "-0.28873062091900759994", "-0.17255884209323703111"], [["5582.31162160087652", "5.2203802820659139814", "2.6379418665316324922"], ["5.2203802820659139814", "0.31170377227067491699", "0.058085889412885284411"], ["2.6379418665316324922", "0.058085889412885284411", "0.099057215930219314857"]]),
    ('elliprd', (0.5, 2.0, 3.0)): (["-0.12469375096901260039", "-0.05096329749607356744", "-0.11301808612972671443"], [["0.21188568341503765393", "0.024576817824313010982", "0.052212633355462217346"], ["0.024576817824313010982", "0.027656062645143215636", "0.019935903179246993946"], ["0.052212633355462217346", "0.019935903179246993946", "0.072189030762697229835"]]),
    ('elliprd', (2.0, 0.7, 2.0)): (["-0.074173437765997502248", "-0.15151697743640762021", "-0.22252031329799250674"], [["0.041152583433624681473", "0.029747515257850044355", "0.041152583433624681473"], ["0.029747515257850044355", "0.2011604593260267209", "0.089242545773550133065"], ["0.041152583433624681473", "0.089242545773550133065", "0.20576291716812340737"]]),
    ('elliprj', (0.5, 2.0, 3.0, 1.5)): (["-0.21802801322663292296", "-0.085486133399650021129", "-0.062470909463932385337", "-0.21136521309941043508"], [["0.38971281515116365095", "0.044180626608994300611", "0.031111420752540107525", "0.11234540667692770542"], ["0.044180626608994300611", "0.048256382420442929797", "0.011507611967858817896", "0.040392946300110392824"], ["0.031111420752540107525", "0.011507611967858817896", "0.02479821408735681386", "0.028807798057181888136"], ["0.11234540667692770542", "0.040392946300110392824", "0.028807798057181888136", "0.20335402842553052329"]]),
    ('elliprj', (1.0, 1.0, 1.0, 1.0)): (["-0.3", "-0.3", "-0.3", "-0.6"], [["0.32142857142857142857", "0.10714285714285714286", "0.10714285714285714286", "0.21428571428571428571"], ["0.10714285714285714286", "0.32142857142857142857", "0.10714285714285714286", "0.21428571428571428571"], ["0.10714285714285714286", "0.10714285714285714286", "0.32142857142857142857", "0.21428571428571428571"], ["0.21428571428571428571", "0.21428571428571428571", "0.21428571428571428571", "0.85714285714285714286"]]),
    ('elliprj', (0.02, 2.0, 1.0, 3.0)): (["-1.9864344757343218606", "-0.1238235233922990598", "-0.21249969385134298562", "-0.17724230702203606794"], [["60.487724824508076242", "0.47035630109647040435", "0.90506876626682595702", "0.63685010812862544528"], ["0.47035630109647040435", "0.075103243792726600408", "0.044338085229521962911", "0.035202369881281025827"], ["0.90506876626682595702", "0.044338085229521962911", "0.23865387833348959123", "0.061939270170162475824"], ["0.63685010812862544528", "0.035202369881281025827", "0.061939270170162475824", "0.099341585153264377733"]]),
    ('elliprc', (0.5, 2.0)): (["-0.18639344742172855059", "-0.16715994317154521161"], [["0.28501107336930313234", "0.068542317223970629857"], ["0.068542317223970629857", "0.10823437807266625124"]]),
    ('elliprc', (2.0, 2.0)): (["-0.058925565098878960367", "-0.11785113019775792073"], [["0.026516504294495532165", "0.01767766952966368811"], ["0.01767766952966368811", "0.07071067811865475244"]]),
    ('elliprc', (2.0, -1.5)): (["0.02567454241580342782", "0.21002771797971241365"], [["-0.036257188934863880651", "-0.022668376164015079715"], ["-0.022668376164015079715", "0.17980321642769230736"]]),
    ('elliprg', (0.5, 2.0, 3.0)): (["0.15680102385031162758", "0.12384714539801193198", "0.11287225962637903344"], [["-0.060148002178526253822", "-0.010984626150766565199", "-0.0087857528447865188272"], ["-0.010984626150766565199", "-0.019984465483086667791", "-0.0054874428858164492699"], ["-0.0087857528447865188272", "-0.0054874428858164492699", "-0.013689455873054452923"]]),
    ('elliprg', (1.0, 1.0, 1.0)): (["0.16666666666666666667", "0.16666666666666666667", "0.16666666666666666667"], [["-0.05", "-0.016666666666666666667", "-0.016666666666666666667"], ["-0.016666666666666666667", "-0.05", "-0.016666666666666666667"], ["-0.016666666666666666667", "-0.016666666666666666667", "-0.05"]]),
    ('sn', (0.7, 0.3)): (["0.72677515157869401709", "-0.039781232854063613947"], [["-0.67031539976532339812", "-0.12839588919713290898"], ["-0.12839588919713290898", "-0.00044380613223595537395"]]),
    ('sn', (2.0, 0.9)): (["0.069551977330307818006", "-0.14610441742904735336"], [["-0.16253056903522325828", "0.08906827394946762657"], ["0.08906827394946762657", "-0.59402918429699078242"]]),
    ('cn', (0.7, 0.3)): (["-0.59317373509293768763", "0.032468339661020641717"], [["-0.58887562902809380531", "0.16697226852361051824"], ["0.16697226852361051824", "-0.0030412531397928842198"]]),
    ('cn', (5.0, 0.99)): (["-0.19303086229489081169", "17.86389698456619376"], [["-0.15626706214355811932", "16.905601132260672944"], ["16.905601132260672944", "110.25325382635112798"]]),
    ('dn', (0.4, 0.0001)): (["-0.000035867732571742074351", "-0.075823156516936841784"], [["-0.000069670290880522668124", "-0.35867660598481385016"], ["-0.35867660598481385016", "0.0016614627497837952312"]]),
    ('dn', (2.0, 0.9)): (["-0.16862243754318741177", "-0.96791553833922026896"], [["0.30406452885363468294", "-0.82609166238533912877"], ["-0.82609166238533912877", "-0.39637195432847805256"]]),
    ('ph', (0.7, 0.3)): (["0.93811363968143021572", "-0.051349192474007186351"], [["-0.14695769687454337487", "-0.2050481923232036508"], ["-0.2050481923232036508", "0.0015791735165153401585"]]),
    ('ph', (5.0, 0.99)): (["0.19585652188382901571", "-18.125395540859902959"], [["0.16514206742066149669", "-17.762707818932570706"], ["-17.762707818932570706", "-55.44887189244669943"]]),
}




def _sn(u, m):
    return sp.ellipj(u, m)[0]


def _cn(u, m):
    return sp.ellipj(u, m)[1]


def _dn(u, m):
    return sp.ellipj(u, m)[2]


def _ph(u, m):
    return sp.ellipj(u, m)[3]


FUNS = {"ellipkinc": sp.ellipkinc, "ellipeinc": sp.ellipeinc, "ellipkm1": sp.ellipkm1,
        "elliprf": sp.elliprf, "elliprd": sp.elliprd, "elliprj": sp.elliprj,
        "elliprc": sp.elliprc, "elliprg": sp.elliprg, "sn": _sn, "cn": _cn, "dn": _dn,
        "ph": _ph}


@pytest.mark.parametrize("key", list(MP), ids=[f"{k[0]}{k[1]}" for k in MP])
def test_against_mpmath(key):
    name, pt = key
    f = FUNS[name]
    g_mp, h_mp = MP[key]
    n = len(pt)
    g_mp = np.array(g_mp, float)
    h_mp = np.array(h_mp, float)
    args = tuple(range(n))
    g = np.array(ad.grad(f, argnums=args)(*pt), float)
    np.testing.assert_allclose(g, g_mp, rtol=2e-14, atol=1e-15 * np.abs(g_mp).max())
    h_rev = np.array(ad.hessian(f, argnums=args)(*pt), float)
    np.testing.assert_allclose(h_rev, h_mp, rtol=5e-13, atol=5e-14 * np.abs(h_mp).max())
    # forward over forward: the jacobian of the forward gradient
    x = np.array(pt)
    h_fwd = ad.jacfwd(ad.jacfwd(lambda v: f(*[v[i] for i in range(n)])))(x)
    np.testing.assert_allclose(h_fwd, h_mp, rtol=5e-13, atol=5e-14 * np.abs(h_mp).max())


def _rich(f, x, h):
    """Richardson-extrapolated central difference of the plain function ``f``."""
    d1 = (f(x + h) - f(x - h)) / (2 * h)
    d2 = (f(x + h / 2) - f(x - h / 2)) / h
    return (4 * d2 - d1) / 3


@pytest.mark.parametrize("fn, sfn, pt", [
    (sp.ellipkinc, ss.ellipkinc, (1.1, 0.7)),
    (sp.ellipeinc, ss.ellipeinc, (-3.7, 0.4)),
    (sp.elliprj, ss.elliprj, (0.3, 1.7, 2.2, 0.9)),
    (sp.elliprg, ss.elliprg, (0.3, 1.7, 2.2)),
    (lambda u, m: sp.ellipj(u, m)[2], lambda u, m: ss.ellipj(u, m)[2], (1.2, 0.6)),
])
def test_against_richardson_of_scipy(fn, sfn, pt):
    n = len(pt)
    g = np.array(ad.grad(fn, argnums=tuple(range(n)))(*pt), float)
    h = np.array(ad.hessian(fn, argnums=tuple(range(n)))(*pt), float)
    for i in range(n):
        def fi(t, i=i):
            a = list(pt)
            a[i] = t
            return sfn(*a)
        assert g[i] == pytest.approx(_rich(fi, pt[i], 1e-3), rel=1e-9)

        def gi(t, i=i):        # SciPy-differenced gradient entry i at pt with arg i moved
            a = list(pt)
            a[i] = t
            return np.array([_rich(lambda s, j=j: sfn(*[s if k == j else a[k] for k in range(n)]),
                                   a[j], 1e-3) for j in range(n)])
        np.testing.assert_allclose(h[i], _rich(gi, pt[i], 1e-2), rtol=2e-5, atol=1e-6)


def test_values_are_scipys():
    rng = np.random.default_rng(1)
    x, y, z, p = 10 ** rng.uniform(-2, 2, (4, 7))
    phi, m = rng.uniform(-6, 6, 7), rng.uniform(-3, 0.99, 7)
    cases = [(sp.elliprf, ss.elliprf, (x, y, z)), (sp.elliprd, ss.elliprd, (x, y, z)),
             (sp.elliprj, ss.elliprj, (x, y, z, p)), (sp.elliprc, ss.elliprc, (x, -y)),
             (sp.elliprg, ss.elliprg, (x, y, z)), (sp.ellipkinc, ss.ellipkinc, (phi, m)),
             (sp.ellipeinc, ss.ellipeinc, (phi, m)), (sp.ellipkm1, ss.ellipkm1, (x,))]
    for f, sf, args in cases:
        out, _ = ad.jvp(f, args, tuple(np.ones_like(a) for a in args))
        np.testing.assert_array_equal(np.asarray(out), sf(*args))
        assert f(*args) is not None and np.array_equal(f(*args), sf(*args))
    um = (phi, np.abs(m) / 3)
    outs, _ = ad.jvp(lambda u, mm: sp.ellipj(u, mm), um, (np.ones(7), np.ones(7)))
    for o, r in zip(outs, ss.ellipj(*um)):
        np.testing.assert_array_equal(np.asarray(o), r)


def test_ellipj_closed_forms_in_u():
    u, m = np.linspace(-4, 4, 9), 0.7
    sn, cn, dn, ph = ss.ellipj(u, m)
    for k, want in enumerate([cn * dn, -sn * dn, -m * sn * cn, dn]):
        got = ad.jvp(lambda v: sp.ellipj(v, m)[k], (u,), (np.ones_like(u),))[1]
        np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15)


def test_broadcasting_batches_and_modes():
    phi = np.array([[0.3], [1.2], [-2.0]])
    m = np.array([0.1, 0.5, 0.9, -1.0])
    f = lambda a, b: sp.ellipkinc(a, b) * sp.ellipeinc(a, b)
    jf = ad.jacfwd(f, argnums=1)(phi, m)
    jr = ad.jacrev(f, argnums=1)(phi, m)
    assert jf.shape == (3, 4, 4)
    np.testing.assert_allclose(jf, jr, rtol=1e-14, atol=1e-16)
    x, y, z = np.array([0.5, 1.0]), np.array([[2.0], [3.0], [4.0]]), 1.5
    g = ad.grad(lambda a: sp.elliprd(a, y, z).sum())(x)
    want = [sum(_rich(lambda t: ss.elliprd(t, yy, z), xx, 1e-3) for yy in y.ravel()) for xx in x]
    np.testing.assert_allclose(g, want, rtol=1e-9)
    # vjp with a cotangent over the broadcast output
    out, vjp = ad.vjp(lambda a: sp.elliprc(a, y), x)
    np.testing.assert_allclose(vjp(np.ones(out.shape))[0], ad.jacfwd(lambda a: sp.elliprc(a, y).sum(0))(x).diagonal(), rtol=1e-14)


def test_float32_zero_d_and_empty():
    g = ad.grad(sp.ellipkinc, argnums=1)(np.float32(0.7), np.float32(0.3))
    assert np.asarray(g).dtype == np.float32
    assert float(g) == pytest.approx(0.0585699547087012, rel=1e-6)   # mpmath dps 40
    g = ad.grad(lambda x: sp.elliprf(x, np.float32(2), np.float32(3)))(np.float32(0.5))
    assert np.asarray(g).dtype == np.float32
    assert np.asarray(ad.grad(sp.ellipkm1)(np.float32(0.3))).dtype == np.float32
    assert np.asarray(ad.grad(lambda u: sp.ellipj(u, np.float32(0.5))[0])(np.float32(1.0))).dtype == np.float32
    e = np.zeros((0,))
    assert ad.jacfwd(lambda x: sp.elliprf(x, 1.0, 2.0))(e).shape == (0, 0)
    assert ad.jacrev(lambda x: sp.ellipeinc(x, 0.5))(e).shape == (0, 0)
    assert np.ndim(ad.grad(sp.elliprg)(np.float64(1.0), 2.0, 3.0)) == 0


def test_scipy_ufuncs_on_traced_values():
    g1 = ad.grad(lambda m: ss.ellipkinc(1.0, m))(0.5)
    g2 = ad.grad(lambda m: sp.ellipkinc(1.0, m))(0.5)
    assert g1 == g2
    g3 = ad.grad(lambda x: ss.elliprj(x, 2.0, 3.0, 1.5))(0.5)
    assert float(g3) == pytest.approx(-0.21802801322663292296, rel=1e-14)
    g4 = ad.grad(lambda u: ss.ellipj(u, 0.3)[0])(0.7)
    assert float(g4) == pytest.approx(float(MP[("sn", (0.7, 0.3))][0][0]), rel=1e-14)


def test_errors():
    with pytest.raises(NotImplementedError, match="p < 0"):
        ad.grad(lambda p: sp.elliprj(1.0, 2.0, 3.0, p))(-1.0)
    with pytest.raises(NotImplementedError, match="complex"):
        ad.grad(lambda x: sp.elliprf(x, 2.0 + 1j, 3.0).real)(1.0)
    with pytest.raises(TypeError, match="3 positional"):
        sp.elliprd(1.0, 2.0)
    # plain p < 0 and complex arguments are SciPy's
    assert sp.elliprj(1.0, 2.0, 3.0, -1.0) == ss.elliprj(1.0, 2.0, 3.0, -1.0)
    assert sp.elliprf(1.0, 2.0 + 1j, 3.0) == ss.elliprf(1.0, 2.0 + 1j, 3.0)


def test_edges():
    # m = 0: dF/dm = (phi - sin phi cos phi) / 4, exact limit, no 1/m cancellation
    phi = 0.9
    assert float(ad.grad(sp.ellipkinc, argnums=1)(phi, 0.0)) == pytest.approx(
        (phi - np.sin(phi) * np.cos(phi)) / 4, rel=1e-15)
    # ellipkm1 near p = 0 (K(1 - p) ~ log(4 / sqrt p)): mpmath, dps 40
    assert float(ad.grad(sp.ellipkm1)(1e-12)) == pytest.approx(-499999999996.57454877, rel=1e-14)
    # coincident arguments need no special case
    assert float(ad.grad(sp.elliprc, argnums=0)(2.0, 2.0)) == pytest.approx(
        -1 / (6 * 2.0 ** 1.5), rel=1e-15)
    # multiple periods: F(phi + pi) = F(phi) + 2K, so dF/dm gains 2 K'(m)
    d0 = ad.grad(sp.ellipkinc, argnums=1)(0.4, 0.6)
    d1 = ad.grad(sp.ellipkinc, argnums=1)(0.4 + np.pi, 0.6)
    assert float(d1 - d0) == pytest.approx(2 * float(ad.grad(sp.ellipk)(0.6)), rel=1e-13)
    # outside SciPy's domain (m > 1 for ellipkinc): NaN value, NaN derivative
    for f in (sp.ellipkinc, sp.ellipeinc):
        assert np.isnan(ss.ellipkinc(0.5, 2.0))
        assert np.isnan(ad.grad(f, argnums=(0, 1))(0.5, 2.0)).all()
    assert np.isnan(ad.grad(lambda m: sp.ellipj(0.5, m)[0])(1.5))


def test_elliprg_two_zero_arguments():
    """R_G(0, 0, z) = sqrt(z) / 2: the partial in z is 1 / (4 sqrt z); the partials in the
    zero arguments are infinite (mpmath's difference quotients grow like log(1/h))."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        J = ad.jacrev(lambda v: sp.elliprg(v[0], v[1], v[2]))(np.array([0.0, 0.0, 2.0]))
        Jf = ad.jacfwd(lambda v: sp.elliprg(v[0], v[1], v[2]))(np.array([0.0, 2.0, 0.0]))
    assert J[0] == np.inf and J[1] == np.inf
    assert J[2] == pytest.approx(1 / (4 * np.sqrt(2.0)), rel=1e-15)
    assert Jf[0] == np.inf and Jf[2] == np.inf
    assert Jf[1] == pytest.approx(1 / (4 * np.sqrt(2.0)), rel=1e-15)
