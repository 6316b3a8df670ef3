"""Tests that keep the docs honest: examples validate, commands and flags exist."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO

from generator.cli import main
from generator.data.load import load_bytes
from generator.data.validate import check_document

DOCS = sorted(
    [
        *(REPO / "docs").glob("*.md"),
        *(REPO / "docs" / "de").glob("*.md"),
        REPO / "README.md",
        REPO / "CONTRIBUTING.md",
    ]
)
MODELINE = re.compile(r"\$schema=\.\./generator/schemas/(ad|partnership)\.schema\.json")


def yaml_examples() -> list[tuple[str, str, str]]:
    """Every fenced YAML block that declares its schema: (where, schema, text)."""
    found = []
    for doc in DOCS:
        text = doc.read_text("utf-8")
        for match in re.finditer(r"```ya?ml[^\n]*\n(.*?)```", text, re.DOTALL):
            block = textwrap.dedent(match.group(1))  # blocks inside lists are indented
            schema = MODELINE.search(block)
            if schema:
                line = text.count("\n", 0, match.start()) + 1
                found.append((f"{doc.name}:{line}", schema.group(1), block))
    return found


@pytest.mark.parametrize(
    ("where", "schema", "block"), yaml_examples(), ids=[w for w, _, _ in yaml_examples()]
)
def test_every_example_in_the_docs_validates(where: str, schema: str, block: str) -> None:
    doc = load_bytes(block.encode(), where)
    assert check_document(doc, schema) == []


def test_the_docs_hold_examples_of_both_kinds() -> None:
    assert {schema for _, schema, _ in yaml_examples()} == {"ad", "partnership"}


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    for name in main.commands:
        assert f"tandem {name}" in readme, name


def documented_flags() -> list[tuple[str, str]]:
    pairs = set()
    for doc in DOCS:
        text = doc.read_text("utf-8").replace("\\\n", " ")
        for command, rest in re.findall(r"tandem ([a-z-]+)([^\n`]*)", text):
            if command in main.commands:
                pairs.update((command, flag) for flag in re.findall(r"(--[a-z-]+)", rest))
    return sorted(pairs)


@pytest.mark.parametrize(("command", "flag"), documented_flags())
def test_every_documented_flag_exists(command: str, flag: str) -> None:
    help_text = CliRunner().invoke(main, [command, "--help"]).output
    assert flag in help_text, f"docs use 'tandem {command} {flag}', which does not exist"


def test_every_guide_becomes_a_page(sample_site: Path) -> None:
    for doc in (REPO / "docs").glob("*.md"):
        page = sample_site / doc.stem / "index.html"
        assert page.is_file(), doc
