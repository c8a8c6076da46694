"""The coverage table, generated from the registry itself.

``python -m dualad.testing.coverage > docs/coverage.md`` imports every dualad
module (so every library primitive is registered), reads
:data:`dualad.registry.REGISTRY` and the derivative specs in ``tests/specs``
and writes a Markdown table: one row per primitive, whether its JVP and VJP
rules are written out (``explicit``), obtained by transposing the other
mode's rule (``derived``), identically zero (``zero``, for nondifferentiable
primitives) or missing, and the derivative orders at which the finite
difference tests check it.  It also counts the public differentiable functions
of ``dualad.numpy`` and ``dualad.scipy``.

``tests/test_coverage.py`` fails if ``docs/coverage.md`` differs from this
module's output, so the table cannot go stale.

>>> from dualad.registry import Primitive, defjvp, defvjp_direct
>>> p = Primitive(lambda x: 2 * x, name="_coverage_doc_example")
>>> rule_status(p)
('missing', 'missing')
>>> defjvp(p, lambda t, ans, x: 2 * t)
>>> rule_status(p)
('explicit', 'derived')
"""
from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import types

__all__ = ["import_all", "rule_status", "spec_orders", "public_functions", "render", "main"]

#: the namespaces whose public functions users call (and that are counted)
PUBLIC_PACKAGES = ("dualad.numpy", "dualad.scipy")


def import_all():
    """Import every module of the dualad package; return the names that failed."""
    import dualad
    failed = []
    for info in pkgutil.walk_packages(dualad.__path__, "dualad."):
        if info.name.startswith("dualad.testing.coverage"):
            continue
        try:
            importlib.import_module(info.name)
        except Exception as e:  # noqa: BLE001 - an optional layer (e.g. missing SciPy piece)
            failed.append(f"{info.name} ({type(e).__name__})")
    return failed


def _explicit(table):
    return {k for k, v in dict.items(table) if not getattr(v, "_derived", False)}


def rule_status(prim):
    """``(jvp, vjp)``, each ``'explicit'``, ``'derived'``, ``'zero'`` or ``'missing'``.

    A rule counts as explicit when one was given for every argument that has
    a rule in either mode (or one rule for all arguments: joint / varargs).
    Derived means the mode has no rule of its own for some argument but the
    other mode has one, which is transposed.
    """
    if prim.nondiff:
        return "zero", "zero"
    jv, vj = _explicit(prim.jvps), _explicit(prim.vjps)
    jall = prim.jvp_joint is not None or prim._jvp_varargs is not None
    vall = prim._vjp_varargs is not None
    args = jv | vj
    out = []
    for own, own_all, other, other_all in ((jv, jall, vj, vall), (vj, vall, jv, jall)):
        if own_all or (args and own >= args):
            out.append("explicit")
        elif own or other or other_all:
            # some arguments, or all, come from the other mode by transposition
            out.append("explicit+derived" if own else "derived")
        else:
            out.append("missing")
    return tuple(out)


def _find_specs_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    for root in (os.getcwd(), os.path.dirname(os.path.dirname(here))):
        if os.path.isfile(os.path.join(root, "tests", "specs", "__init__.py")):
            return root
    return None


def spec_orders():
    """``{primitive name: (orders tested, modes)}`` from ``tests/specs``.

    Returns ``None`` when the specs are not available (an installed copy
    without the repository's tests).
    """
    root = _find_specs_dir()
    if root is None:
        return None
    if root not in sys.path:
        sys.path.insert(0, root)
    from tests.specs import all_specs
    out = {}
    for spec in all_specs():
        for name in spec.covers:
            orders, modes = out.setdefault(name, (set(), set()))
            orders.update(range(1, spec.order + 1))
            modes.update(spec.modes)
    return out


def _is_dualad_function(obj):
    from ..registry import Primitive
    if isinstance(obj, Primitive):
        return True
    return isinstance(obj, types.FunctionType) and (obj.__module__ or "").startswith("dualad")


def public_functions():
    """``{public name: object}`` for the functions of ``dualad.numpy`` and ``dualad.scipy``.

    Public means: in a module without a leading underscore in its dotted
    path, a name without one, a dualad primitive or a function defined in
    dualad (NumPy's own re-exported names are not counted).  Namespace
    objects such as ``dualad.scipy.stats.norm`` are walked one level.
    """
    out = {}
    for pkg in PUBLIC_PACKAGES:
        try:
            root = importlib.import_module(pkg)
        except ImportError:
            continue
        mods = [root]
        if hasattr(root, "__path__"):
            for info in pkgutil.walk_packages(root.__path__, pkg + "."):
                if any(part.startswith("_") for part in info.name.split(".")):
                    continue
                try:
                    mods.append(importlib.import_module(info.name))
                except Exception:  # noqa: BLE001
                    continue
        for mod in mods:
            short = mod.__name__[len("dualad."):]
            for name in sorted(_exported(mod)):
                obj = getattr(mod, name)
                if _is_dualad_function(obj):
                    out[f"{short}.{name}"] = obj
                elif (isinstance(obj, types.SimpleNamespace)
                      or (not isinstance(obj, (types.ModuleType, type))
                          and type(obj).__module__.startswith("dualad")
                          and hasattr(obj, "__dict__"))):
                    for sub, f in sorted(vars(obj).items()):
                        if not sub.startswith("_") and _is_dualad_function(f):
                            out[f"{short}.{name}.{sub}"] = f
    return out


def _exported(mod):
    """Names ``mod`` offers its users (helpers imported from elsewhere excluded)."""
    if hasattr(mod, "__all__"):
        return [n for n in mod.__all__ if hasattr(mod, n)]
    from ..registry import Primitive
    parts = mod.__name__.split(".")
    prefix = "" if mod.__name__ == "dualad.numpy" else parts[-1] + "."
    own = (mod.__name__ + ".", mod.__name__ + "._")
    names = []
    for name, obj in vars(mod).items():
        if name.startswith("_"):
            continue
        if isinstance(obj, Primitive):
            if (obj.name.startswith(prefix) if prefix else "." not in obj.name):
                names.append(name)
        elif isinstance(obj, types.FunctionType):
            m = obj.__module__ or ""
            if m == mod.__name__ or m.startswith(own):
                names.append(name)
        else:
            names.append(name)
    return names


#: public functions that return indices, shapes or dtypes: never differentiated
_VALUE_ONLY = {"shape", "ndim", "size", "result_type", "einsum_path", "nonzero",
               "flatnonzero", "argwhere", "searchsorted", "digitize", "histogram"}


def _nondiff_function(obj, name=""):
    """True for functions that are never differentiated (zero / value-only)."""
    from ..registry import Primitive
    last = name.rsplit(".", 1)[-1]
    if last in _VALUE_ONLY or last.startswith(("arg", "nanarg")):
        return True
    if isinstance(obj, Primitive):
        return obj.nondiff
    mod = obj.__module__ or ""
    return mod.endswith("._inspect") or getattr(obj, "_dualad_nondiff", False)


def render(registry=None, specs="auto"):
    """The Markdown text of ``docs/coverage.md``."""
    from ..registry import REGISTRY
    failed = import_all()
    registry = REGISTRY if registry is None else registry
    specs = spec_orders() if specs == "auto" else specs
    prims = {}
    for key, p in registry.items():
        mod = getattr(p.impl, "__module__", "") or ""
        if "@" in key or not (mod.startswith("dualad") or mod.startswith("numpy")
                              or mod.startswith("scipy")):
            continue              # user-defined primitives are not the library's
        prims[p.name] = p

    rows = []
    counts = {"prims": 0, "both_explicit": 0, "both": 0, "zero": 0, "tested": 0,
              "order2": 0, "untested": []}
    for name in sorted(prims):
        p = prims[name]
        jvp, vjp = rule_status(p)
        counts["prims"] += 1
        if p.nondiff:
            counts["zero"] += 1
        elif jvp == vjp == "explicit":
            counts["both_explicit"] += 1
        if p.nondiff or (jvp != "missing" and vjp != "missing"):
            counts["both"] += 1
        if specs is None:
            tested = "n/a"
        elif name in specs:
            orders, modes = specs[name]
            tested = ", ".join(str(o) for o in sorted(orders))
            if set(modes) != {"forward", "reverse"}:
                tested += " (" + "/".join(sorted(modes)) + " only)"
            counts["tested"] += 1
            if 2 in orders:
                counts["order2"] += 1
        else:
            tested = "**none**"
            counts["untested"].append(name)
        rows.append(f"| `{name}` | {jvp} | {vjp} | {tested} |")

    public = public_functions()
    diff_public = {k: v for k, v in public.items() if not _nondiff_function(v, k)}
    prim_public = {k for k, v in diff_public.items() if hasattr(v, "jvps")}

    lines = [
        "# Coverage: every primitive, both modes",
        "",
        "<!-- GENERATED by `python -m dualad.testing.coverage > docs/coverage.md`;"
        " do not edit. tests/test_coverage.py fails when this file is stale. -->",
        "",
        "Generated from `dualad.registry.REGISTRY` (after importing every dualad "
        "module) and the derivative specs in `tests/specs/`.",
        "",
        "* **JVP / VJP**: `explicit` — a rule written for that mode; `derived` — "
        "obtained by transposing the other mode's rule (exact, but slower); "
        "`explicit+derived` — explicit for some arguments, derived for others; "
        "`zero` — a nondifferentiable primitive (comparisons, rounding, ...) whose "
        "derivative is identically zero; `missing` — no rule, the mode raises "
        "`NotImplementedError`.",
        "* **Tested orders**: the derivative orders checked against central finite "
        "differences by `tests/test_rules.py` (order 2 checks forward-over-forward, "
        "forward-over-reverse, reverse-over-forward and reverse-over-reverse); "
        "both modes unless marked.",
        "",
        "## Summary",
        "",
        f"* primitives in the registry: **{counts['prims']}**",
        f"* with JVP and VJP rules both written out: **{counts['both_explicit']}**",
        f"* differentiable in both modes (explicit or derived), or zero-derivative: "
        f"**{counts['both']}**",
        f"* nondifferentiable (zero-derivative) primitives: {counts['zero']}",
        f"* covered by a finite-difference spec: **{counts['tested']}** "
        f"(at second order: {counts['order2']})",
        f"* public differentiable functions in `dualad.numpy` and `dualad.scipy` "
        f"(names, aliases included; each reaches both modes): **{len(diff_public)}** "
        f"({len(prim_public)} of them primitives themselves, the rest wrappers "
        f"composed of primitives)",
    ]
    if counts["untested"]:
        lines.append(f"* primitives with no spec: {', '.join(f'`{n}`' for n in counts['untested'])}")
    if failed:
        lines.append(f"* modules that failed to import: {', '.join(failed)}")
    lines += [
        "",
        "## Primitives",
        "",
        "| primitive | JVP | VJP | tested orders |",
        "|---|---|---|---|",
        *rows,
        "",
        "## Public differentiable functions",
        "",
        "Counted: public names of `dualad.numpy` and `dualad.scipy` modules that are "
        "dualad primitives or functions written in dualad, excluding the "
        "zero-derivative and value-only ones (comparisons, `zeros_like`, ...) and "
        "those that only refuse traced values (`chebroots`, `polydiv`, ...).",
        "",
        ", ".join(f"`{n}`" for n in sorted(diff_public)) or "(none)",
        "",
    ]
    return "\n".join(lines)


def main(argv=None):
    sys.stdout.write(render())


if __name__ == "__main__":
    main()
