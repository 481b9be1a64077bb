"""The dependency direction of DESIGN.md section 3, enforced.

surveys/ imports neither analysis/ nor feedback/ nor any web or database code;
analysis/ imports surveys/ but no web or database code.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "surveys": {"analysis", "feedback", "flask", "flask_wtf", "flask_sqlalchemy", "sqlalchemy",
                "wtforms", "alembic", "numpy", "sklearn", "matplotlib"},
    "analysis": {"feedback", "flask", "flask_wtf", "flask_login", "flask_sqlalchemy",
                 "flask_babel", "sqlalchemy", "wtforms", "alembic"},
}


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module a file imports, at any depth in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
            names.add("__import__")
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_against_the_dependency_direction(package):
    offenders = {}
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    for path in files:
        bad = imported_modules(path) & (FORBIDDEN[package] | {"__import__"})
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_the_checker_sees_a_forbidden_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from flask import current_app\n    import sqlalchemy.orm\n")
    assert {"flask", "sqlalchemy"} <= imported_modules(sample)
