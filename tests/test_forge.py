"""Links into the forge's editor: GitHub and GitLab, as each documents its URLs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from generator.data.problems import TandemError
from generator.site.forge import MAX_URL_LENGTH, forge_from_config

GITHUB = forge_from_config("https://github.com/acme/tandem/", branch="main")
GITLAB = forge_from_config("https://gitlab.example.com/people/tandem.git", branch="release/2027")


def test_no_repo_url_means_no_forge() -> None:
    assert forge_from_config(None) is None
    assert forge_from_config("") is None


def test_github_edit_and_new_file() -> None:
    assert GITHUB is not None
    assert GITHUB.edit_url("ads/jana-schulz.yml") == (
        "https://github.com/acme/tandem/edit/main/ads/jana-schulz.yml"
    )
    url = GITHUB.new_file_url("ads", "jana.yml", "name: Jana & Co\nlanguages: [de]\n")
    assert url is not None
    parts = urlsplit(url)
    assert parts.path == "/acme/tandem/new/main/ads"
    assert parse_qs(parts.query) == {
        "filename": ["jana.yml"],
        "value": ["name: Jana & Co\nlanguages: [de]\n"],
    }


def test_gitlab_edit_and_new_file_on_a_branch_with_a_slash() -> None:
    assert GITLAB is not None and GITLAB.kind == "gitlab"
    assert GITLAB.edit_url("partnerships/a b.yml") == (
        "https://gitlab.example.com/people/tandem/-/edit/release/2027/partnerships/a%20b.yml"
    )
    url = GITLAB.new_file_url("partnerships", "x.yml", "title: '#1 ?&='\n")
    assert url is not None
    parts = urlsplit(url)
    assert parts.path == "/people/tandem/-/new/release/2027/partnerships"
    assert parse_qs(parts.query) == {"file_name": ["x.yml"], "content": ["title: '#1 ?&='\n"]}


def test_a_url_too_long_for_a_forge_is_not_offered() -> None:
    assert GITHUB is not None
    assert GITHUB.new_file_url("ads", "x.yml", "a" * MAX_URL_LENGTH) is None


def test_self_hosted_forge_needs_its_kind() -> None:
    with pytest.raises(TandemError, match="set `forge: github` or `forge: gitlab`"):
        forge_from_config("https://git.example.com/acme/tandem")
    forge = forge_from_config("https://git.example.com/acme/tandem", kind="gitlab")
    assert forge is not None and forge.edit_url("ads/a.yml").startswith(
        "https://git.example.com/acme/tandem/-/edit/main/"
    )


@pytest.mark.parametrize(
    ("repo_url", "branch", "message"),
    [
        ("http://github.com/acme/tandem", "main", "https address"),
        ("javascript:alert(1)//github.com/a/b", "main", "https address"),
        ("https://github.com/acme/tandem?x=1", "main", "https address"),
        ("https://github.com/acme", "main", "owner and the repository"),
        ("https://github.com/acme/tandem", "../main", "not a usable branch"),
        ("https://github.com/acme/tandem", "main?x=<b>", "not a usable branch"),
    ],
)
def test_unusable_settings_are_named(repo_url: str, branch: str, message: str) -> None:
    with pytest.raises(TandemError, match=message) as caught:
        forge_from_config(repo_url, branch=branch, source="mkdocs.yml")
    assert caught.value.problems[0].path == "mkdocs.yml"
