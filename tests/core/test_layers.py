"""Knowledge flows one way: core ← grid ← jobs ← enterprises ← hazards ← inspections ← reports.

A module may import the layers below its own, never one above. The helpers at the bottom
(core, grid, jobs) are checked here against every app of the project, one added later too, every import statement of every module, including
those inside functions: an app reaches down to them by registering (jobs.registry,
core.demo's per-app modules, core.middleware.register_upload_check), never the reverse.
"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["core", "grid", "jobs", "enterprises", "hazards", "inspections", "reports"]

# The site's shell in core (the home page and the navigation) shows each role its own
# entries, so it reads grid's roles; no other core module may.
CORE_SHELL = set()  # the home page and the navigation read the roles: they live in grid


def imports_of(path):
    """(line, module) of every absolute import in ``path``, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def project_apps():
    """The top-level names of this project's apps (an app added later counts too)."""
    names = {app.split(".")[0] for app in settings.INSTALLED_APPS}
    return {name for name in names if (ROOT / name / "apps.py").exists()}


def upward_imports(layer, allowed=()):
    """``file:line module`` for each import of a project app above ``layer``."""
    above = project_apps() - set(LAYERS[: LAYERS.index(layer) + 1])
    found = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        for line, module in imports_of(path):
            top = module.split(".")[0]
            if top in above and (name, top) not in allowed:
                found.append(f"{name}:{line} {module}")
    return found


def test_core_imports_no_app():
    allowed = {(name, "grid") for name in CORE_SHELL}
    assert upward_imports("core", allowed) == []


def test_grid_imports_nothing_above_it_outside_the_scoping_shortcuts():
    scoping_shortcuts = {
        ("grid/scoping.py", app) for app in ["enterprises", "hazards", "inspections"]
    }
    assert upward_imports("grid", scoping_shortcuts) == []


def test_grid_scoping_imports_nothing_above_it():
    assert [f for f in upward_imports("grid") if f.startswith("grid/scoping.py")] == []


def test_jobs_names_no_app():
    assert upward_imports("jobs") == []


def test_every_app_of_the_project_counts_as_above_the_helpers():
    assert set(LAYERS) <= project_apps()


def test_the_check_finds_an_import_inside_a_function(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from hazards.models import Hazard\n    import reports\n")
    assert list(imports_of(module)) == [(2, "hazards.models"), (3, "reports")]
