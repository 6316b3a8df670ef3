"""Thin command line over the core: validate, match, new-ad, new-partnership, check-owner, …

Exit status: 0 fine, 1 problems found, 2 wrong usage. Core exceptions become messages here;
no traceback reaches a user.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import signal
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from generator.cycles import paused_cycle_collection
from generator.data.load import LoadError
from generator.data.model import FORMATS as AD_FORMATS
from generator.data.model import LEVELS, Ad
from generator.data.problems import Problem, TandemError, has_errors
from generator.workflow import scaffold
from generator.workflow.problem_output import OUTPUT_FORMATS, count_line, format_problems

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def _today(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date:
    from generator.pipeline import resolve_today

    try:
        return resolve_today(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def common(func: F) -> F:
    """--root and --today, as every command takes them."""
    func = click.option(
        "--today",
        callback=_today,
        metavar="YYYY-MM-DD",
        help="The day to check against (default: $TANDEM_TODAY, $SOURCE_DATE_EPOCH, else today).",
    )(func)
    func = click.option(
        "--root",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help="The repository folder with ads/ and partnerships/.",
    )(func)
    return func


EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE
"""What a shell reports for a command whose reader went away (`tandem match | head -1`)."""


def problems_exit(func: F) -> F:
    """Turn the core's errors into messages and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with paused_cycle_collection():  # one run's data is acyclic: see generator/cycles.py
                return func(*args, **kwargs)
        except BrokenPipeError:
            _silence_output()
            sys.exit(EXIT_BROKEN_PIPE)
        except TandemError as exc:
            click.echo(format_problems(exc.problems, "text"), err=True, nl=False)
            sys.exit(1)
        except LoadError as exc:
            click.echo(str(exc.problem), err=True)
            sys.exit(1)
        except OSError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _silence_output() -> None:
    """The reader is gone: end quietly, without a second error when Python flushes at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError):  # a stream without a file descriptor
            continue
    os.close(devnull)


class _Program(click.Group):
    """The command group. Run as the `tandem` program, it ends as soon as the command has
    written its output, without freeing what the command built: at 10,000 ads a few hundred
    thousand objects, 0.1–0.3 s of a command's wall time (as mypy's `hard_exit`). Tests
    call `main.main` through click's runner, which never comes here."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return self.main(*args, **kwargs)
        except SystemExit as done:
            _end_now(done.code)


def _end_now(code: object) -> NoReturn:
    """`sys.exit(code)` without Python's clean-up, the output flushed first. Only the
    program itself may: every second process has been waited for and every file written
    closed by then (`forks.Forked`, `kept.StoredChecks.save`)."""
    if code is None or isinstance(code, int):
        status = code or 0
    else:  # as `sys.exit` does with a message
        print(code, file=sys.stderr)
        status = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        _silence_output()
        status = EXIT_BROKEN_PIPE
    os._exit(status)


@click.group(cls=_Program, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tandem")
def main() -> None:
    """Tandem: learning-partner ads and partnership logs, checked and matched."""


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(OUTPUT_FORMATS),
    default="text",
    show_default=True,
    help="text for people, json for tools, github for annotations, gitlab for a "
    "code-quality report.",
)
@common
@problems_exit
def validate(files: tuple[Path, ...], fmt: str, root: Path, today: dt.date) -> None:
    """Check every ad and partnership log; report every problem at once.

    With FILES, only problems in those files are reported (the rules across files still
    look at the whole tree).
    """
    from generator.pipeline import check

    problems = list(check(root, today).problems)
    if files:
        wanted = {_relative(root, f) for f in files}
        problems = [p for p in problems if p.path in wanted]
    click.echo(format_problems(problems, fmt), nl=False)
    if fmt == "text":
        click.echo(("" if not problems else "\n") + count_line(problems), err=True)
    sys.exit(1 if has_errors(problems) else 0)


def _relative(root: Path, file: Path) -> str:
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return file.as_posix()


@main.command()
@click.argument("ad_id", required=False)
@click.option("--top", type=click.IntRange(1, 50), default=5, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@common
@problems_exit
def match(ad_id: str | None, top: int, fmt: str, root: Path, today: dt.date) -> None:
    """Suggested partners for every open ad, or for AD_ID."""
    from generator.matching.present import suggestions_text
    from generator.pipeline import gather

    if fmt == "json":
        _print_partners_json(ad_id, top, root, today)
        return
    data = gather(root, today, top=top, warnings=False)
    result = _for_ad(data.suggestions, ad_id, data.ads)
    names = {ad.id: ad.name for ad in data.ads}
    for line in suggestions_text(result, names):
        click.echo(line)


def _print_partners_json(ad_id: str | None, top: int, root: Path, today: dt.date) -> None:
    """Each list written as JSON by the process that found it (see `suggest_partners_as`)."""
    from generator.matching.present import encoded_words, lists_json_text, suggestion_list_json
    from generator.pipeline import modelled, suggested_kept

    data = modelled(root, today, warnings=False)
    form = functools.partial(suggestion_list_json, words=encoded_words())
    lists = suggested_kept(root, data, form=form, top=top, lists=True)
    click.echo(lists_json_text(_for_ad(lists, ad_id, data.ads)))


def _for_ad(
    result: Mapping[str, Sequence[T]], ad_id: str | None, ads: Iterable[Ad]
) -> dict[str, Sequence[T]]:
    """Every ad's list, or only AD_ID's (empty when it has none); an unknown id is a usage error."""
    if ad_id is None:
        return dict(result)
    if ad_id not in {ad.id for ad in ads}:
        raise click.BadParameter(f"no ad '{ad_id}' in ads/", param_hint="AD_ID")
    return {ad_id: result.get(ad_id, [])}


def _print(fmt: str, as_json: Callable[[], str], as_text: Callable[[], Iterable[str]]) -> None:
    """JSON for tools (the text of `present.json_text`), or lines for people."""
    if fmt == "json":
        click.echo(as_json())
        return
    for line in as_text():
        click.echo(line)


def _ask(value: Any, prompt: str, **kwargs: Any) -> Any:
    """A missing value: asked for in a terminal, else a usage error naming the flag."""
    if value not in (None, (), ""):
        return value
    if not sys.stdin.isatty():
        flag = kwargs.pop("flag")
        raise click.UsageError(f"missing {flag} (or run in a terminal to be asked)")
    kwargs.pop("flag", None)
    return click.prompt(prompt, **kwargs)


def _many(value: tuple[str, ...], prompt: str, flag: str) -> list[str]:
    if value:
        return list(value)
    answer = _ask(None, prompt, flag=flag)
    return [part.strip() for part in str(answer).split(";") if part.strip()]


def _answer(field: str, given: Any, prompt: str, *, flag: str) -> Any:
    """One field of a new ad: from its option, else asked until the answer is right.

    In a terminal a wrong option is explained and asked for again, like a wrong answer;
    the answers given so far are kept either way.
    """
    if given not in (None, (), ""):
        try:
            return scaffold.answer(field, given)
        except scaffold.AnswerError as exc:
            if not sys.stdin.isatty():
                raise click.BadParameter(str(exc), param_hint=flag) from None
            click.echo(f"  {flag}: {exc}; please answer again", err=True)
    elif not sys.stdin.isatty():
        raise click.UsageError(f"missing {flag} (or run in a terminal to be asked)")
    while True:
        try:
            return scaffold.answer(field, click.prompt(prompt))
        except scaffold.AnswerError as exc:
            click.echo(f"  {exc}; please try again", err=True)


def _new_id(root: Path, ident: str) -> str:
    """The id of a new ad; in a terminal, asked again while it is refused."""
    while (refusal := scaffold.id_refusal(root, "ads", ident)) is not None:
        if not sys.stdin.isatty():
            raise TandemError([refusal])
        click.echo(f"  {refusal.message.removesuffix(' (--id)')}", err=True)
        ident = click.prompt("Id for your ad (the file name, e.g. jana-schulz-2)").strip()
    return ident


@main.command("new-ad")
@click.option("--name", help="Your name as colleagues know it.")
@click.option("--owner", help="Your GitHub or GitLab login (only you may change the ad).")
@click.option("--location", help="Site or city.")
@click.option("--languages", help="Languages you can learn and teach in, as codes: de,en.")
@click.option(
    "--offer",
    "offers",
    multiple=True,
    metavar="SKILL[:LEVEL]",
    help=f"What you can teach; level {', '.join(LEVELS)} (default {scaffold.DEFAULT_LEVEL}). "
    "Repeat for more.",
)
@click.option(
    "--seek",
    "seeks",
    multiple=True,
    metavar="SKILL[:GOAL]",
    help="What you want to learn, with your goal. Repeat for more.",
)
@click.option(
    "--hours",
    metavar="H",
    help=f"Hours per week, a number such as 1.5 ({scaffold.bounds('hours')}).",
)
@click.option(
    "--weeks",
    metavar="W",
    help=f"For how many weeks, a whole number such as 12 ({scaffold.bounds('weeks')}).",
)
@click.option("--contact", help="Chat handle, profile link or e-mail.")
@click.option("--team", help="Team or department.")
@click.option("--remote/--no-remote", default=True, show_default=True)
@click.option("--format", "formats", multiple=True, type=click.Choice(AD_FORMATS))
@click.option(
    "--expires",
    type=click.DateTime(["%Y-%m-%d"]),
    help=f"Last day on the site (default: in {scaffold.DEFAULT_MONTHS} months).",
)
@click.option("--manager-support", is_flag=True, help="Your line manager agreed the time.")
@click.option("--id", "ident", help="File name without .yml (default: from --name).")
@common
@problems_exit
def new_ad(
    name: str | None,
    owner: str | None,
    location: str | None,
    languages: str | None,
    offers: tuple[str, ...],
    seeks: tuple[str, ...],
    hours: str | None,
    weeks: str | None,
    contact: str | None,
    team: str | None,
    remote: bool,
    formats: tuple[str, ...],
    expires: dt.datetime | None,
    manager_support: bool,
    ident: str | None,
    root: Path,
    today: dt.date,
) -> None:
    """Write ads/<id>.yml, valid and ready for a pull request.

    In a terminal, asks for what is missing and checks each answer as it is given.
    """
    try:
        last_day = scaffold.expiry(today, expires.date() if expires else None)
    except scaffold.AnswerError as exc:
        raise click.BadParameter(
            str(exc), param_hint="--expires" if expires else "--today"
        ) from None
    levels = "/".join(LEVELS)
    ad_name = _answer("name", name, "Your name", flag="--name")
    ident = _new_id(root, ident or scaffold.ad_id_for(ad_name))
    data = scaffold.ad_data(
        name=ad_name,
        owner=_answer("owner", owner, "Your GitHub or GitLab login", flag="--owner"),
        location=_answer("location", location, "Location: your site or city", flag="--location"),
        languages=_answer(
            "languages",
            languages,
            "Languages you can learn and teach in, two-letter codes such as de,en",
            flag="--languages",
        ),
        offers=_answer(
            "offers", offers, f"You offer, SKILL:LEVEL ({levels}), ';' between", flag="--offer"
        ),
        seeks=_answer("seeks", seeks, "You seek, SKILL:GOAL, ';' between", flag="--seek"),
        hours=_answer(
            "hours",
            hours,
            f"Hours per week, a number such as 1.5 ({scaffold.bounds('hours')})",
            flag="--hours",
        ),
        weeks=_answer(
            "weeks",
            weeks,
            f"Weeks, a whole number such as 12 ({scaffold.bounds('weeks')})",
            flag="--weeks",
        ),
        contact=_answer(
            "contact", contact, "Contact (chat handle, profile link or e-mail)", flag="--contact"
        ),
        today=today,
        team=_answer("team", team, "Team or department", flag="--team") if team else None,
        remote=remote,
        formats=list(formats) or None,
        expires=last_day,
        manager_support=manager_support,
    )
    text = scaffold.to_yaml(data, "ad")
    try:
        path = scaffold.write_new(root, "ads", ident, text, "ad", today=today)
    except (TandemError, OSError):
        if sys.stdin.isatty():  # typed at the prompts: not in the shell's history
            click.echo(f"Your answers, kept so you need not type them again:\n\n{text}", err=True)
        raise
    click.echo(
        f"wrote {path.relative_to(root).as_posix()}; check it with 'tandem validate' "
        "and open a pull request"
    )


@main.command("new-partnership")
@click.option("--title", help="A short title for your partnership.")
@click.option(
    "--format",
    "form",
    type=click.Choice(AD_FORMATS),
    default=AD_FORMATS[0],
    show_default=True,
)
@click.option(
    "--partner",
    "partners",
    multiple=True,
    metavar="AD_ID",
    help="The ad id of each partner (2 for a tandem, 3–5 for a circle).",
)
@click.option("--id", "ident", help="File name without .yml (default: the partners' ids).")
@common
@problems_exit
def new_partnership(
    title: str | None,
    form: str,
    partners: tuple[str, ...],
    ident: str | None,
    root: Path,
    today: dt.date,
) -> None:
    """Write partnerships/<id>.yml in the preparation phase."""
    from generator.data.ids import ADS, discover, joined_id

    chosen = _many(partners, "Partner ad ids, ';' between", "--partner")
    ads = {path.stem for path in discover(root, ADS).files}
    missing = [p for p in chosen if p not in ads]
    if missing:
        raise click.BadParameter(f"no ad {', '.join(missing)} in ads/", param_hint="--partner")
    data = scaffold.partnership_data(
        title=_ask(title, "Title", flag="--title"), form=form, partners=chosen, today=today
    )
    ident = ident or joined_id(chosen)
    text = scaffold.to_yaml(data, "partnership")
    path = scaffold.write_new(root, "partnerships", ident, text, "partnership", today=today)
    click.echo(f"wrote {path.relative_to(root).as_posix()}; add goals when you plan")


@main.command("check-owner")
@click.option("--base", required=True, metavar="REV", help="The revision the change starts from.")
@click.option("--actor", required=True, metavar="LOGIN", help="Who made the change.")
@common
@problems_exit
def check_owner(base: str, actor: str, root: Path, today: dt.date) -> None:
    """Refuse every change since REV that the actor may not make.

    Ads: their owner; logs: a partner's owner; skills.yml, places.yml: a curator; anything
    else: a maintainer. Owners and roles are read at REV. In CI, run this from a checkout of
    the base revision with --root pointing at the pull request's checkout.
    """
    from generator.workflow.ownership import GitError
    from generator.workflow.ownership import check_owner as run_check

    try:
        problems = run_check(root, base, actor)
    except GitError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(format_problems(problems, "text"), nl=False)
    if not problems:
        click.echo(f"ok: every change is {actor}'s to make")
    sys.exit(1 if has_errors(problems) else 0)


@main.command()
@click.option(
    "--within",
    type=click.IntRange(0, 365),
    default=14,
    show_default=True,
    help="Also list ads that expire within this many days.",
)
@click.option("--close", is_flag=True, help="Set status: closed in ads already expired.")
@common
@problems_exit
def expire(within: int, close: bool, root: Path, today: dt.date) -> None:
    """List ads past or near their expiry date; with --close, close the expired ones.

    Every expired ad listed is closed, or named with the reason it was not (exit status 1).
    """
    from generator.workflow.expire import close_expired, find_expiring

    items = find_expiring(root, today, within)
    for item in items:
        click.echo(_expiry_line(item, root))
    if not items:
        click.echo(f"no ad expires within {within} days")
    if not close:
        return
    refused = []
    for outcome in close_expired(root, today):
        shown = _shown(outcome.ad.path, root)
        if outcome.refused is None:
            click.echo(f"closed {shown} (status: closed)")
        else:
            line, col = outcome.ad.place
            refused.append(Problem(shown, line, col, f"not closed: {outcome.refused}"))
    if refused:
        raise TandemError(refused)


def _shown(path: Path, root: Path) -> str:
    return _relative(root, path) if path.is_absolute() else path.as_posix()


def _expiry_line(item: Any, root: Path) -> str:
    days = item.days_left
    when = (
        f"expired {-days} day{'s' * (-days != 1)} ago"
        if days < 0
        else "expires today"
        if days == 0
        else f"expires in {days} day{'s' * (days != 1)}"
    )
    return f"{_shown(item.path, root)}: {when} ({item.expires}), owner @{item.owner}"


@main.command()
@click.option("--base", required=True, metavar="REV", help="The revision the change starts from.")
@common
@problems_exit
def report(base: str, root: Path, today: dt.date) -> None:
    """A Markdown summary for a pull request: problems, and partners for changed ads."""
    from generator.workflow.pr_report import pull_request_report

    click.echo(pull_request_report(root, base, today), nl=False)


@main.command()
@click.argument("ad_id", required=False)
@click.option("--top", type=click.IntRange(1, 20), default=3, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@common
@problems_exit
def circles(ad_id: str | None, top: int, fmt: str, root: Path, today: dt.date) -> None:
    """Suggested circles (3–5 people, one shared goal) for ads open to a circle format."""
    from generator.matching.circles import suggest_circles, suggest_circles_as
    from generator.matching.present import (
        circle_list_json,
        circles_text,
        encoded_words,
        lists_json_text,
    )
    from generator.pipeline import modelled

    data = modelled(root, today, warnings=False)
    if fmt == "json":  # each list written by the process that formed it
        form = functools.partial(circle_list_json, words=encoded_words())
        lists = suggest_circles_as(
            data.ads, data.partnerships, today=today, taxonomy=data.taxonomy, form=form, top=top
        )
        click.echo(lists_json_text(_for_ad(lists, ad_id, data.ads)))
        return
    found = suggest_circles(
        data.ads, data.partnerships, today=today, taxonomy=data.taxonomy, top=top
    )
    names = {ad.id: ad.name for ad in data.ads}
    for line in circles_text(_for_ad(found, ad_id, data.ads), names):
        click.echo(line)


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@common
@problems_exit
def pairings(fmt: str, root: Path, today: dt.date) -> None:
    """A plan for maintainers: one partner or circle per open ad, so most people get one."""
    from generator.matching.present import (
        pairings_json_text,
        pairings_text,
        word_ahead,
        write_ahead,
    )
    from generator.pipeline import modelled, plan_kept

    data = modelled(root, today, warnings=False)
    plan = plan_kept(root, data, meanwhile=write_ahead if fmt == "json" else word_ahead)
    names = {ad.id: ad.name for ad in data.ads}
    _print(fmt, lambda: pairings_json_text(plan), lambda: pairings_text(plan, names))
