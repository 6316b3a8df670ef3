"""Places found lazily are the places the full builder finds, and two processes check a tree
as one does.

The loader keeps only the data and the text; the line and column of a key or value are read
again from that text when a message needs one. Held here to the full builder (which keeps
every place while it loads) on every example file, the sample, and hostile texts: the same
data (types included), the same source text of values, the same error, the same place for
every path, asked one at a time and all together.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE, TODAY
from test_examples import GENERATED

from generator.data import load, pool
from generator.data.load import Document, JsonPath, LoadError, load_bytes, load_file
from generator.data.validate import CheckedTree, _check_task, check_tree
from generator.forks import can_fork

EXAMPLES = Path(__file__).parent / "examples"
AD = "name: Jo Doe\nowner: jodoe\noffers:\n  - {skill: Scrum, level: advanced}\n"
HOSTILE: dict[str, bytes] = {
    "anchor": b"a: &x 1\nb: 2\n",
    "alias": b"a: &x 1\nb: *x\n",
    "anchor on a list": b"a: &x [1, 2]\n",
    "explicit tag": b"a: !!str 1\n",
    "python tag": b"a: !!python/object:os.system ls\n",
    "local tag": b"a: !local x\n",
    "non-specific tag": b"a: ! 12\n",
    "tag on a mapping": b"a: !!map {b: 1}\n",
    "merge key": b"base: {x: 1}\nmore:\n  <<: {x: 2}\n",
    "quoted merge key": b'"<<": 1\nb: 2\n',
    "duplicate key": b"a: 1\nb: 2\na: 3\n",
    "duplicate after a mapping": b"a:\n  x: 1\n  y: [1, 2]\nb: 2\na:\n  z: 1\n",
    "duplicate in a list item": b"l:\n  - {k: 1, k: 2}\n",
    "duplicate, one quoted": b"a: 1\n'a': 2\n",
    "list as a key": b"[a, b]: 1\n",
    "mapping as a key": b"? {a: 1}\n: 2\n",
    "explicit key": b"? a\n: 1\n",
    "key that looks like a number": b"1: one\ntrue: yes\n2026-01-01: day\n~: none\n",
    "two documents": b"a: 1\n---\nb: 2\n",
    "one document marked": b"---\na: 1\n...\n",
    "only a marker": b"---\n",
    "a list": b"- a\n- b\n",
    "a scalar": b"just text\n",
    "a null": b"~\n",
    "empty": b"",
    "comments only": b"# nothing\n  # here\n",
    "escape for ESC": b'a: "\\x1b[31m"\n',
    "half an emoji": b'a: "\\ud83e"\n',
    "escape in a key": b'"\\x07": 1\n',
    "harmless backslash": b'a: "C:\\\\path"\nb: x\\y\n',
    "tab escape": b'a: "x\\ty"\n',
    "control character": b"a: x\x07y\n",
    "next line": "a: x\u0085y\n".encode(),
    "line separator": "a: x\u2028y\n".encode(),
    "tab indentation": b"a:\n\tb: 1\n",
    "bad indentation": b"a:\n  b: 1\n c: 2\n",
    "unclosed quote": b'a: "open\n',
    "unclosed flow": b"a: [1, 2\n",
    "windows line ends": b"a: 1\r\nb:\r\n  - x\r\n  - 2026-01-02\r\n",
    "byte order mark": b"\xef\xbb\xbfa: 1\nb: x\n",
    "not utf-8": b"a: caf\xe9\n",
    "utf-16": "a: 1\n".encode("utf-16"),
    "too large": b"a: |\n" + b"  lorem ipsum dolor\n" * 15_000,
    "deep block": "".join(f"{'  ' * i}a:\n" for i in range(18)).encode(),
    "sixteen levels": b"a: " + b"[" * 15 + b"]" * 15 + b"\n",
    "deep flow": b"a: " + b"[" * 2_000 + b"]" * 2_000 + b"\n",
    "values of every kind": (
        b"a: 012\nb: 1e3\nc: .inf\nd: -.5\ne: 2027-02-30\nf: 2027-02-28\ng: TRUE\nh: no\n"
        b"i:\nj: ''\nk: '2027-01-01'\nl: 0x1F\nm: +1\nn: -\no: 1_000\np: null\nq: .\n"
        b"r: [[1, [2, {s: 2026-12-01}]], [], {}]\nt: |\n  block\n  text\nu: >-\n  folded\n"
        b"v: 123456789012345678901234567890\nw: 1.5e400\n"
    ),
    "long list": b"l: [" + b", ".join(b"%d" % i for i in range(3_000)) + b"]\n",
    "many keys": b"".join(b"k%d: %d\n" % (i, i) for i in range(2_000)),
    "an ad": AD.encode(),
}


def example_files() -> Iterator[tuple[str, bytes]]:
    for folder in (EXAMPLES, SAMPLE):
        for path in sorted(folder.rglob("*.y*ml")):
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(folder.parent).as_posix(), path.read_bytes()
    for case, (name, content, _) in GENERATED.items():
        yield f"generated/{case}/{name}", content
    for case, content in HOSTILE.items():
        yield f"hostile/{case}", content


CASES = dict(example_files())


def eager(content: bytes, name: str) -> tuple[Any, Any, Any, Any] | LoadError:
    """Data, raw text, value places and key places from the builder that keeps every place."""
    try:
        if len(content) > load.MAX_BYTES:
            return load_error(content, name)
        text = load._decode(content, name)
        if not text.strip() or load._only_comments(text):
            return load_error(content, name)
        builder = load._Builder(name, text)
        data, raw = builder.build()
    except LoadError as exc:
        return exc
    return data, raw, dict(builder.values), dict(builder.keys)


def load_error(content: bytes, name: str) -> LoadError:
    with pytest.raises(LoadError) as caught:
        load_bytes(content, name)
    return caught.value


def eager_position(
    values: dict[JsonPath, tuple[int, int]],
    keys: dict[JsonPath, tuple[int, int]],
    path: JsonPath,
    *,
    key: bool,
) -> tuple[int, int]:
    """`Document.position` as it was, over maps built while loading."""
    if key and path in keys:
        return keys[path]
    while path not in values and path:
        path = path[:-1]
    return values.get(path, (1, 1))


def asked_paths(values: dict[JsonPath, Any], keys: dict[JsonPath, Any]) -> list[JsonPath]:
    """Every known path, and paths that are not there below and beside them."""
    asked = [*values, *keys]
    for path in list(values)[:40]:
        asked += [(*path, "missing"), (*path, 0), (*path, 10_000), (*path, -1), (*path, "a", 3)]
    return [*asked, ("no such key",), ("no such key", 2)]


@pytest.mark.parametrize("name", sorted(CASES))
def test_lazy_loading_gives_what_the_full_builder_gives(name: str) -> None:
    content = CASES[name]
    expected = eager(content, name)
    if isinstance(expected, LoadError):
        with pytest.raises(LoadError) as caught:
            load_bytes(content, name)
        assert caught.value.problem == expected.problem
        return
    data, raw, values, keys = expected
    doc = load_bytes(content, name)
    assert repr(doc.data) == repr(data)  # repr tells 1 from 1.0 and True, a date from text
    assert doc.raw == raw
    asked = asked_paths(values, keys)
    for index, path in enumerate(asked):
        for key in (False, True):
            want = eager_position(values, keys, path, key=key)
            if index % (len(asked) // 50 + 1) == 0:  # each read up to it: 50 of a long file
                alone = Document(doc.path, doc.data, doc.raw, doc.text)
                assert alone.position(path, key=key) == want, (path, key)
            assert doc.position(path, key=key) == want, (path, key)  # soon from the map
    assert doc.values == values
    assert doc.keys == keys


def test_places_come_from_the_text_that_was_loaded_not_the_file_now(tmp_path: Path) -> None:
    path = tmp_path / "ad.yml"
    path.write_text(AD, "utf-8")
    doc = load_file(path)
    path.write_text("# moved\n\n\n" + AD.replace("offers:", "offers:\n  # here"), "utf-8")
    assert doc.position(("offers", 0, "skill")) == (4, 13)
    path.unlink()
    assert doc.position(("owner",), key=True) == (2, 1)
    path.write_bytes(b"\xff\xfe not even text")
    assert doc.position(("offers", 0)) == (4, 5)


def test_a_document_without_its_text_places_everything_at_the_start() -> None:
    doc = Document("ads/x.yml", {"offers": [{"skill": "Scrum"}]})
    assert doc.position(("offers", 0, "skill")) == (1, 1)
    assert doc.position(("offers",), key=True) == (1, 1)


def test_a_file_that_grows_while_read_is_still_capped(tmp_path: Path) -> None:
    path = tmp_path / "ad.yml"
    path.write_bytes(b"a: " + b"x" * (load.MAX_BYTES + 10))
    assert len(load.read_capped(path)) == load.MAX_BYTES + 1
    path.write_bytes(b"a: 1\n")
    assert load.read_capped(path) == b"a: 1\n"


def test_a_plain_read_reads_what_a_capped_read_reads_and_nothing_else(tmp_path: Path) -> None:
    sizes = [0, 1, 4095, 4096, 65537, load.MAX_BYTES, load.MAX_BYTES + 1, load.MAX_BYTES + 10]
    for size in sizes:
        path = tmp_path / f"{size}.yml"
        path.write_bytes(b"x" * size)
        assert load.read_plain(path) == load.read_capped(path), size
    os.symlink(tmp_path / "1.yml", tmp_path / "link.yml")
    os.mkfifo(tmp_path / "pipe.yml")
    (tmp_path / "folder.yml").mkdir()
    for name in ("link.yml", "pipe.yml", "folder.yml", "missing.yml"):
        assert load.read_plain(tmp_path / name) is None, name  # the caller says why


# --- two processes ---------------------------------------------------------------------------


def tree_with_every_example(root: Path) -> Path:
    """The valid examples and every invalid case's data files side by side in one tree."""
    for folder in ("ads", "partnerships"):
        (root / folder).mkdir(parents=True)
        for case in [EXAMPLES / "valid", *sorted((EXAMPLES / "invalid").iterdir())]:
            for path in sorted((case / folder).glob("*")) if (case / folder).is_dir() else []:
                if path.is_file() and not path.is_symlink() and path.suffix != ".expect":
                    (root / folder / f"{case.name}-{path.name}").write_bytes(path.read_bytes())
    return root


def outcome(tree: CheckedTree) -> tuple[Any, ...]:
    def records(found: Any) -> list[Any]:
        return [(i, r.path, repr(r.data), r.source.raw, r.source.text) for i, r in found.items()]

    return tree.problems, records(tree.ads), records(tree.partnerships), tree.ad_ids


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 3 files, so that both processes take many of them from a small tree."""
    monkeypatch.setattr(pool, "CHUNK", 3)


@pytest.mark.usefixtures("small_chunks")
def test_two_processes_check_a_tree_as_one_does(tmp_path: Path) -> None:
    root = tree_with_every_example(tmp_path / "tree")
    today = dt.date.fromisoformat(TODAY)
    assert can_fork(), "this test needs a second core and fork"
    one = check_tree(root, today, parallel_from=10**9)
    two = check_tree(root, today, parallel_from=0)
    assert outcome(two) == outcome(one)
    assert len(one.problems) > 100 and len(one.ads) > 10


@pytest.mark.usefixtures("small_chunks")
def test_chunks_come_back_in_the_order_of_the_list(tmp_path: Path) -> None:
    root = tree_with_every_example(tmp_path / "tree")
    tasks = [(p, p.name, "ad") for p in sorted((root / "ads").iterdir())]
    one = [_check_task(task) for task in tasks]
    two = pool.checked_in_order(_check_task, tasks, parallel_from=0)
    assert [v.problems for v in two] == [v.problems for v in one]
    assert [v.record and v.record.path for v in two] == [v.record and v.record.path for v in one]


@pytest.mark.usefixtures("small_chunks")
def test_when_the_second_process_dies_this_one_checks_its_share(tmp_path: Path) -> None:
    root = tree_with_every_example(tmp_path / "tree")
    tasks = [(p, p.name, "ad") for p in sorted((root / "ads").iterdir())]
    parent = os.getpid()

    def dies_in_the_fork(task: tuple[Path, str, str]) -> Any:
        if os.getpid() != parent:
            os._exit(3)
        return _check_task(task)

    two = pool.checked_in_order(dies_in_the_fork, tasks, parallel_from=0)
    assert [v.problems for v in two] == [_check_task(task).problems for task in tasks]


def test_one_process_where_none_may_fork(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree_with_every_example(tmp_path / "tree")
    today = dt.date.fromisoformat(TODAY)
    monkeypatch.setattr(pool, "can_fork", lambda: False)
    parent = os.getpid()

    def only_here(task: tuple[Path, str, str]) -> Any:
        assert os.getpid() == parent
        return _check_task(task)

    tasks = [(p, p.name, "ad") for p in sorted((root / "ads").iterdir())]
    assert len(pool.checked_in_order(only_here, tasks, parallel_from=0)) == len(tasks)
    assert outcome(check_tree(root, today, parallel_from=0)) == outcome(
        check_tree(root, today, parallel_from=10**9)
    )
