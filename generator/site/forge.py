"""Where the data lives: links into the forge's web editor (GitHub or GitLab).

Both forges open a file in their editor from a plain URL, and a prefilled "new file" editor
from query parameters; from there one click proposes the change as a pull (merge) request.

- GitHub: `<repo>/edit/<branch>/<path>` and `<repo>/new/<branch>/<folder>?filename=…&value=…`
- GitLab: `<repo>/-/edit/<branch>/<path>` and
  `<repo>/-/new/<branch>/<folder>?file_name=…&content=…`
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urlencode, urlsplit

from generator.data.problems import Problem, TandemError

ForgeKind = Literal["github", "gitlab"]
FORGE_KINDS: tuple[ForgeKind, ...] = ("github", "gitlab")

MAX_URL_LENGTH = 8000
"""Longer URLs are refused by some forges and proxies; the form then offers copy and download."""

_BRANCH = re.compile(r"^(?!/)(?!.*//)(?!.*\.\.)[A-Za-z0-9._/-]{1,200}(?<!/)$")


@dataclass(frozen=True)
class Forge:
    """A repository on GitHub or GitLab and the branch that the site is built from."""

    kind: ForgeKind
    repo_url: str
    """`https://host/owner/name`, without a trailing slash."""
    branch: str

    @property
    def label(self) -> str:
        return "GitHub" if self.kind == "github" else "GitLab"

    def _base(self, action: Literal["edit", "new", "blob"]) -> str:
        dash = "/-" if self.kind == "gitlab" else ""
        return f"{self.repo_url}{dash}/{action}/{quote(self.branch, safe='/')}"

    def edit_url(self, path: str) -> str:
        """The forge's editor on `path` (relative to the repository root)."""
        return f"{self._base('edit')}/{quote(path, safe='/')}"

    def view_url(self, path: str) -> str:
        """The file as the forge shows it, with its history one click away."""
        return f"{self._base('blob')}/{quote(path, safe='/')}"

    def new_file_base(self, folder: str) -> str:
        """The "new file" editor in `folder`, before the name and content parameters."""
        return f"{self._base('new')}/{quote(folder, safe='/')}"

    @property
    def name_parameter(self) -> str:
        return "filename" if self.kind == "github" else "file_name"

    @property
    def content_parameter(self) -> str:
        return "value" if self.kind == "github" else "content"

    def new_file_url(self, folder: str, filename: str, content: str) -> str | None:
        """The "new file" editor with `filename` and `content` filled in; None when the URL
        would be longer than forges accept (copy and download still work then)."""
        query = urlencode(
            {self.name_parameter: filename, self.content_parameter: content},
            quote_via=quote,
        )
        url = f"{self.new_file_base(folder)}?{query}"
        return url if len(url) <= MAX_URL_LENGTH else None


def forge_from_config(
    repo_url: str | None, *, branch: str = "main", kind: str | None = None, source: str = ""
) -> Forge | None:
    """The forge that `mkdocs.yml` names, or None without `repo_url`.

    `kind` is needed only when the host's name does not say (a self-hosted GitLab at
    git.example.com, say). Raises TandemError naming `source` when the settings are unusable.
    """
    if not repo_url:
        return None
    url = repo_url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or parts.query or parts.fragment:
        raise _config_error(source, f"repo_url {repo_url!r} must be the repository's https address")
    if parts.path.count("/") < 2 or any(not p for p in parts.path.split("/")[1:]):
        raise _config_error(source, f"repo_url {repo_url!r} must name the owner and the repository")
    if url.endswith(".git"):
        url = url[: -len(".git")]
    wanted = kind or _kind_from_host(parts.hostname)
    detected = next((k for k in FORGE_KINDS if k == wanted), None)
    if detected is None:
        raise _config_error(
            source,
            f"cannot tell which forge {parts.hostname} is; "
            "set `forge: github` or `forge: gitlab` under the tandem plugin",
        )
    if not _BRANCH.match(branch):
        raise _config_error(source, f"branch {branch!r} is not a usable branch name")
    return Forge(kind=detected, repo_url=url, branch=branch)


def _kind_from_host(host: str) -> str | None:
    if "github" in host:
        return "github"
    if "gitlab" in host:
        return "gitlab"
    return None


def _config_error(source: str, message: str) -> TandemError:
    return TandemError([Problem(source or "mkdocs.yml", 1, 1, message)])
