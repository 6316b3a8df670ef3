"""Print the username of a GitLab merge request's author, for `tandem check-owner`.

GitLab has no predefined variable for it: $GITLAB_USER_LOGIN is whoever started the
pipeline (a maintainer who re-runs it would pass as the author), and the job token cannot
read merge requests. So this asks the API with TANDEM_API_TOKEN, a project access token
with the Reporter role and the read_api scope, stored as a masked CI/CD variable.

Anything missing or odd ends with exit status 1 and a message: the check fails closed.
Runs from the base commit's checkout, like the checker itself; standard library only.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

NEEDED = ("CI_API_V4_URL", "CI_MERGE_REQUEST_PROJECT_ID", "CI_MERGE_REQUEST_IID")
HELP = "see docs/maintainers.md, section GitLab"


def fail(message: str) -> int:
    print(f"error: cannot tell who wrote this merge request: {message}; {HELP}", file=sys.stderr)
    return 1


def author_url(env: dict[str, str]) -> str:
    project = urllib.parse.quote(env["CI_MERGE_REQUEST_PROJECT_ID"], safe="")
    iid = urllib.parse.quote(env["CI_MERGE_REQUEST_IID"], safe="")
    return f"{env['CI_API_V4_URL'].rstrip('/')}/projects/{project}/merge_requests/{iid}"


def main() -> int:
    env = dict(os.environ)
    missing = [name for name in NEEDED if not env.get(name)]
    if missing:
        return fail(f"{', '.join(missing)} not set (is this a merge request pipeline?)")
    token = env.get("TANDEM_API_TOKEN", "")
    if not token:
        return fail("the CI/CD variable TANDEM_API_TOKEN is not set (or is protected)")
    # The URL is GitLab's own API address ($CI_API_V4_URL), set by the runner.
    request = urllib.request.Request(author_url(env), headers={"PRIVATE-TOKEN": token})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            data = json.load(response)
    except (OSError, ValueError) as error:
        return fail(f"the API did not answer with the merge request ({error})")
    author = data.get("author") if isinstance(data, dict) else None
    username = author.get("username") if isinstance(author, dict) else None
    if not isinstance(username, str) or not username.strip():
        return fail("the API's answer names no author")
    print(username.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
