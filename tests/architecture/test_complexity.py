"""No function of the tool is harder to follow than cyclomatic complexity 25 (radon's measure:
branches, loops, boolean operators and comprehensions each count). Above that a function does
several things, and a rule written inside it is hard to find and easy to write twice."""

from pathlib import Path

from radon.complexity import cc_visit

SOURCE = Path(__file__).resolve().parents[2] / "src" / "bcp_drill"
MOST = 25


def _blocks(path: Path) -> list[tuple[str, int, int]]:
    found = []
    pending = list(cc_visit(path.read_text(encoding="utf-8")))
    while pending:
        block = pending.pop()
        found.append((getattr(block, "fullname", block.name), block.lineno, block.complexity))
        pending += list(getattr(block, "methods", [])) + list(getattr(block, "closures", []))
    return found


def test_no_function_is_more_complex_than_25() -> None:
    too_complex = [f"{path.relative_to(SOURCE.parent)}:{line} {name} ({complexity})"
                   for path in sorted(SOURCE.rglob("*.py"))
                   for name, line, complexity in _blocks(path) if complexity > MOST]
    assert not too_complex, "split these into functions that each do one thing:\n" + "\n".join(too_complex)


def test_the_measure_sees_a_complex_function() -> None:
    # The check above cannot pass for want of seeing: 26 branches are counted as more than 25.
    source = "def f(x):\n" + "".join(f"    if x == {n}:\n        return {n}\n" for n in range(26)) + "    return 0\n"
    assert max(block.complexity for block in cc_visit(source)) > MOST
