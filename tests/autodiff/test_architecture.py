"""The engine's modules import one way, and none reads another's private names."""

import ast
from pathlib import Path

import autodiff

PACKAGE = Path(autodiff.__file__).parent
# Each module may import only modules to its left.
ORDER = [
    "ops",
    "checks",
    "mode",
    "graph",
    "value",
    "functional",
    "extend",
    "gradcheck",
    "testing",
    "trace",
    "replay_numpy",
    "replay_python",
    "compile",
]


def _imports(module):
    """(imported module, names, line) for each package-relative import of ``module``, anywhere in it."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module is None:  # from . import ops
                found += [(alias.name, [], node.lineno) for alias in node.names]
            else:
                found.append((node.module, [alias.name for alias in node.names], node.lineno))
    return found


def test_every_module_of_the_package_has_its_place():
    modules = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__"}
    assert modules <= set(ORDER), f"place {sorted(modules - set(ORDER))} in ORDER"


def test_imports_point_one_way():
    for position, module in enumerate(ORDER):
        if not (PACKAGE / f"{module}.py").exists():
            continue
        for imported, _, line in _imports(module):
            # ops.Op.__call__ builds a Value, so it imports extend at call time (a comment there says why).
            if (module, imported) == ("ops", "extend"):
                continue
            assert imported in ORDER[:position], f"{module}.py line {line} imports {imported}, which comes after it"


def test_no_module_imports_another_modules_private_names():
    for module in ORDER:
        for imported, names, line in _imports(module):
            private = [n for n in names if n.startswith("_")]
            assert not private, f"{module}.py line {line} imports private {private} from {imported}"


def test_the_walk_knows_no_op_by_name():
    source = (PACKAGE / "graph.py").read_text(encoding="utf-8")
    assert "from .ops" not in source and "import ops" not in source
