"""The house rules the linters cannot state: no import cycle between modules, no overlong module.

The layer contracts themselves are in pyproject.toml ([tool.importlinter], run by `make test`).
"""

from __future__ import annotations

from pathlib import Path

import grimp

from bot.settings import PROJECT_ROOT

MAX_LINES = 400
REASON = "Long because:"  # a module over MAX_LINES says why in its docstring, with these words
# Known cycles, each with its way out; none may be added.
KNOWN_CYCLES: set[str] = set()


def test_no_module_imports_itself_through_others():
    graph = grimp.build_graph("bot", "handlers")
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if graph.find_shortest_chain(imported, module) is not None:
                details = graph.get_import_details(importer=module, imported=imported)
                typing_only = details and all(
                    "TYPE_CHECKING" in d["line_contents"] for d in details
                )
                if not typing_only:
                    cycles.append(f"{module} -> {imported}")
    # a package's __init__ that imports its own modules is no cycle of logic
    cycles = [c for c in cycles if not _parent_and_child(*c.split(" -> "))]
    assert set(cycles) <= KNOWN_CYCLES, sorted(set(cycles) - KNOWN_CYCLES)


def _parent_and_child(a: str, b: str) -> bool:
    return a.startswith(b + ".") or b.startswith(a + ".")


def test_long_modules_say_why_they_are_long():
    unexplained = []
    for folder in ("bot", "handlers", "bench"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if text.count("\n") > MAX_LINES and REASON not in _docstring(text):
                unexplained.append(str(path.relative_to(PROJECT_ROOT)))
    assert unexplained == [], f"over {MAX_LINES} lines without '{REASON} …' at the top"


def _docstring(text: str) -> str:
    start = text.find('"""')
    return text[start : text.find('"""', start + 3)] if start != -1 else ""


def test_the_top_of_bot_holds_a_handful_of_modules():
    top = sorted(p.name for p in Path(PROJECT_ROOT / "bot").glob("*.py"))
    assert top == [
        "__init__.py", "__main__.py", "app.py", "cli.py", "context.py", "engine.py", "settings.py"
    ]  # fmt: skip
