"""Locked versions: constraints.txt agrees with pyproject.toml, and the README and CI use it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def declared() -> list[Requirement]:
    """Every requirement in pyproject.toml: the runtime ones and those of every extra."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    extras = project.get("optional-dependencies", {}).values()
    return [Requirement(r) for r in project["dependencies"] + [r for e in extras for r in e]]


def pinned() -> dict[str, Version]:
    """constraints.txt as {canonical name: version}; every line a comment or `name==version`."""
    pins: dict[str, Version] = {}
    lines = (REPO / "constraints.txt").read_text("utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        match = PIN.fullmatch(line.strip())
        assert match, f"constraints.txt:{number}: not `name==version`: {line!r}"
        name = canonicalize_name(match[1])
        assert name not in pins, f"constraints.txt:{number}: {name} is pinned twice"
        pins[name] = Version(match[2])
    return pins


def test_every_declared_dependency_is_pinned_inside_its_range() -> None:
    pins = pinned()
    wrong = []
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        if name not in pins:
            wrong.append(f"{requirement.name} is not pinned")
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            wrong.append(f"{requirement.name}=={pins[name]} is outside {requirement.specifier}")
    assert wrong == [], "run .ci/lock: " + "; ".join(wrong)


def test_every_declared_dependency_has_an_upper_bound() -> None:
    unbounded = [
        str(r)
        for r in declared()
        if not any(s.operator in ("<", "<=", "==", "~=") for s in r.specifier)
    ]
    assert unbounded == []


def test_tandem_itself_is_not_pinned() -> None:
    assert "tandem" not in pinned()


def test_the_readme_and_ci_install_the_locked_versions() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    serve, test = re.findall(r"```sh\n(python3 -m venv \.venv && .*)\n```", readme)[:2]
    assert ".venv/bin/pip install -c constraints.txt -e . &&" in serve
    assert ".venv/bin/pip install -c constraints.txt -e '.[test]' &&" in test
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert f"\n{test} || status=$?\n" in ci  # the README's test command, exactly
