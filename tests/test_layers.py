"""The import rule of DESIGN.md ("Shape of the code"), read from the code itself.

portal/ is a kernel that imports no app, except its composition root (portal/urls.py and the
home page, portal/home.py), which alone knows every app; no app imports the composition
root. The check reads every import statement (also those inside functions), so it fails the
moment a new one breaks the rule.
"""

import ast
from pathlib import Path

import pytest

BASE = Path(__file__).resolve().parent.parent
APPS = ("agreements", "events")
COMPOSITION_ROOT = {"portal/urls.py", "portal/home.py"}
ROOT_MODULES = {"portal.urls", "portal.home"}


def modules_imported(path: Path, package: str | None = None) -> set[str]:
    """Every module (and module.name) that ``path`` imports; relative imports are resolved
    against ``package`` (by default the file's own)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    if package is None:
        package = ".".join(path.relative_to(BASE).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def source_files(folder: str):
    for path in sorted((BASE / folder).rglob("*.py")):
        relative = path.relative_to(BASE).as_posix()
        if "/migrations/" not in relative:
            yield relative, path


def imports_of(names: set[str], packages) -> list[str]:
    return sorted(
        name for name in names if any(name == p or name.startswith(f"{p}.") for p in packages)
    )


@pytest.mark.parametrize(
    ("relative", "path"),
    [pair for pair in source_files("portal") if pair[0] not in COMPOSITION_ROOT],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_the_kernel_imports_no_app(relative, path):
    assert imports_of(modules_imported(path), APPS) == [], relative


@pytest.mark.parametrize(
    ("relative", "path"),
    [pair for app in APPS for pair in source_files(app)],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_no_app_imports_the_composition_root(relative, path):
    assert imports_of(modules_imported(path), ROOT_MODULES) == [], relative


def test_the_check_sees_imports_inside_functions_and_relative_ones(tmp_path):
    """The negative control: a kernel file that imports an app in each way is caught."""
    fake = tmp_path / "probe.py"
    fake.write_text(
        "from agreements.models import Agreement\n"
        "def later():\n    import events.models\n"
        "from .urls import urlpatterns\n",
        encoding="utf-8",
    )
    names = modules_imported(fake, package="portal")
    assert imports_of(names, APPS) == ["agreements.models", "agreements.models.Agreement",
                                       "events.models"]  # fmt: skip
    assert imports_of(names, ROOT_MODULES) == ["portal.urls", "portal.urls.urlpatterns"]
