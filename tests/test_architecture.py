"""The README's map of the library, held against the code: imports flow one way, in no circle.

Every module's imports are read from its source (the top of the file and inside
functions alike), so a lazy import cannot hide an arrow that runs back up.
"""
import ast
import pathlib
import subprocess
import sys

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "kerasbook"

# The floors of the README's map, from the ground up. A part may import parts on
# its own floor or below, never above.
FLOORS = [
    ["config"],
    ["runtime"],
    ["saving"],  # files and configs: knows other parts only through their registered classes
    ["ops"],
    ["initializers", "activations", "regularizers", "constraints"],
    ["engine"],
    ["layers", "optimizers", "losses", "metrics", "callbacks", "backend"],
    ["models"],
    ["widgets", "utils", "datasets", "preprocessing", "testing"],
    ["__init__"],
]
FLOOR_OF = {part: floor for floor, parts in enumerate(FLOORS) for part in parts}


def module_name(path):
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path):
    """The kerasbook modules `path` imports, as dotted names, wherever the import statement stands."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("kerasbook"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("kerasbook"):
                continue
            # `from . import losses` names a module; `from .x import f` names a function of x
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if is_module(candidate) else target)
    return {module for module in found if module != name}


def is_module(dotted):
    path = PACKAGE.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def part_of(dotted):
    pieces = dotted.split(".")
    return pieces[1] if len(pieces) > 1 else "__init__"


def import_graph():
    return {module_name(path): imported_modules(path) for path in PACKAGE.rglob("*.py")}


def test_every_part_of_the_package_has_a_floor():
    parts = {part_of(module) for module in import_graph()}
    assert parts == set(FLOOR_OF), f"parts without a floor: {parts - set(FLOOR_OF)}; gone: {set(FLOOR_OF) - parts}"


def test_no_import_runs_up_a_floor():
    upward = [f"{module} imports {target}"
              for module, targets in import_graph().items() for target in targets
              if FLOOR_OF[part_of(target)] > FLOOR_OF[part_of(module)]]
    assert not upward, "imports that run back up the README's map:\n" + "\n".join(sorted(upward))


def find_cycle(graph):
    """One cycle of `graph` ({node: successors}) as a list of nodes, or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        for successor in sorted(graph.get(node, ())):
            if state.get(successor) == "open":
                return path[path.index(successor):] + [successor]
            if successor not in state:
                cycle = visit(successor, path + [successor])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node, [node])
            if cycle:
                return cycle
    return None


def test_no_module_imports_itself_through_a_circle():
    graph = {module: {t for t in targets if not module.startswith(t + ".")}  # a module's own package runs first
             for module, targets in import_graph().items()}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_no_two_parts_import_each_other():
    parts = {}
    for module, targets in import_graph().items():
        parts.setdefault(part_of(module), set()).update(
            part_of(target) for target in targets if part_of(target) != part_of(module))
    assert find_cycle(parts) is None, " -> ".join(find_cycle(parts))


def test_the_checks_see_an_upward_import_and_a_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    trainer = PACKAGE / "models" / "trainer.py"
    assert "kerasbook.callbacks" in imported_modules(trainer)  # the loop imports callbacks ...
    assert FLOOR_OF["callbacks"] < FLOOR_OF["models"]  # ... which sit below it


def test_import_kerasbook_loads_no_jupyter_or_plotting_library():
    code = ("import sys, kerasbook; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'ipywidgets', 'IPython'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
