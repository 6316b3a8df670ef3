"""Thin command line over the core: validate, match, new-ad, new-partnership, check-owner, …

Exit status: 0 fine, 1 problems found, 2 wrong usage. Core exceptions become messages here;
no traceback reaches a user.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from generator import scaffold
from generator.i18n import Locale
from generator.load import LoadError
from generator.problems import TandemError, has_errors
from generator.report import FORMATS, format_problems, summary_line

F = TypeVar("F", bound=Callable[..., Any])


def _today(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date:
    from generator.pipeline import resolve_today

    try:
        return resolve_today(value)
    except ValueError:
        raise click.BadParameter("use the form YYYY-MM-DD (also for $TANDEM_TODAY)") from None


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


def problems_exit(func: F) -> F:
    """Turn the core's errors into messages and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tandem")
def main() -> None:
    """Tandem: learning-partner ads and partnership logs, checked and matched."""


@main.command()
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
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

    _, _, problems = check(root, today)
    if files:
        wanted = {_relative(root, f) for f in files}
        problems = [p for p in problems if p.path in wanted]
    click.echo(format_problems(problems, fmt), nl=False)
    if fmt == "text":
        click.echo(("" if not problems else "\n") + summary_line(problems), err=True)
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
    from generator.match import reason_text, suggestions_json
    from generator.pipeline import gather

    data = gather(root, today, top=top)
    result = data.suggestions
    if ad_id is not None:
        if ad_id not in {ad.id for ad in data.ads}:
            raise click.BadParameter(f"no ad '{ad_id}' in ads/", param_hint="AD_ID")
        result = {ad_id: result.get(ad_id, [])}
    if fmt == "json":
        click.echo(json.dumps(suggestions_json(result), indent=2, ensure_ascii=False))
        return
    names = {ad.id: ad.name for ad in data.ads}
    locale = Locale("en")
    for ident, suggestions in result.items():
        click.echo(f"{names[ident]} ({ident})")
        if not suggestions:
            click.echo("  no suggestions")
        for s in suggestions:
            kind = "mutual" if s.mutual else "one-way"
            click.echo(f"  {s.score:3d}  {names[s.partner]} ({s.partner}), {kind}")
            for reason in s.reasons:
                click.echo(f"       - {reason_text(reason, locale)}")


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


@main.command("new-ad")
@click.option("--name", help="Your name as colleagues know it.")
@click.option("--owner", help="Your forge login (only you may change the ad).")
@click.option("--location", help="Site or city.")
@click.option("--languages", help="Languages you can learn in, as ISO codes: de,en.")
@click.option(
    "--offer",
    "offers",
    multiple=True,
    metavar="SKILL[:LEVEL]",
    help="What you can teach; level basic, advanced or expert. Repeat for more.",
)
@click.option(
    "--seek",
    "seeks",
    multiple=True,
    metavar="SKILL[:GOAL]",
    help="What you want to learn, with your goal. Repeat for more.",
)
@click.option("--hours", type=click.FloatRange(0.5, 20), help="Hours per week (0.5–20).")
@click.option("--weeks", type=click.IntRange(1, 52), help="For how many weeks (1–52).")
@click.option("--contact", help="Chat handle, profile link or e-mail.")
@click.option("--team", help="Team or department.")
@click.option("--remote/--no-remote", default=True, show_default=True)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["tandem", "wol-circle", "lernos-circle"]),
)
@click.option(
    "--expires",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Last day on the site (default: in 6 months).",
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
    hours: float | None,
    weeks: int | None,
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
    """Write ads/<id>.yml, valid and ready for a pull request."""
    data = scaffold.ad_data(
        name=_ask(name, "Your name", flag="--name"),
        owner=_ask(owner, "Your forge login", flag="--owner"),
        location=_ask(location, "Location (site or city)", flag="--location"),
        languages=[
            c.strip()
            for c in str(_ask(languages, "Languages, e.g. de,en", flag="--languages")).split(",")
            if c.strip()
        ],
        offers=_many(
            offers, "You offer, SKILL:LEVEL (basic/advanced/expert), ';' between", "--offer"
        ),
        seeks=_many(seeks, "You seek, SKILL:GOAL, ';' between", "--seek"),
        hours=_ask(
            hours, "Hours per week (0.5–20)", type=click.FloatRange(0.5, 20), flag="--hours"
        ),
        weeks=_ask(weeks, "Weeks (1–52)", type=click.IntRange(1, 52), flag="--weeks"),
        contact=_ask(contact, "Contact (chat handle, profile link or e-mail)", flag="--contact"),
        today=today,
        team=team,
        remote=remote,
        formats=list(formats) or None,
        expires=expires.date() if expires else None,
        manager_support=manager_support,
    )
    ident = ident or scaffold.ad_id_for(data["name"])
    path = scaffold.write_new(root, "ads", ident, scaffold.to_yaml(data, "ad"), "ad")
    click.echo(
        f"wrote {path.relative_to(root).as_posix()}; check it with 'tandem validate' "
        "and open a pull request"
    )


@main.command("new-partnership")
@click.option("--title", help="A short title for your partnership.")
@click.option(
    "--format",
    "form",
    type=click.Choice(["tandem", "wol-circle", "lernos-circle"]),
    default="tandem",
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
    chosen = _many(partners, "Partner ad ids, ';' between", "--partner")
    missing = [
        p for p in chosen if not any((root / "ads" / f"{p}{s}").exists() for s in (".yml", ".yaml"))
    ]
    if missing:
        raise click.BadParameter(f"no ad {', '.join(missing)} in ads/", param_hint="--partner")
    data = scaffold.partnership_data(
        title=_ask(title, "Title", flag="--title"), form=form, partners=chosen, today=today
    )
    ident = ident or "-".join(chosen)[:64].strip("-")
    path = scaffold.write_new(
        root, "partnerships", ident, scaffold.to_yaml(data, "partnership"), "partnership"
    )
    click.echo(f"wrote {path.relative_to(root).as_posix()}; add goals when you plan")


@main.command("check-owner")
@click.option("--base", required=True, metavar="REV", help="The revision the change starts from.")
@click.option("--actor", required=True, metavar="LOGIN", help="Who made the change.")
@common
@problems_exit
def check_owner(base: str, actor: str, root: Path, today: dt.date) -> None:
    """Refuse changes to ads and logs that the actor does not own."""
    from generator.ownership import GitError
    from generator.ownership import check_owner as run_check

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
    """List ads past or near their expiry date; with --close, close the expired ones."""
    from generator.expire import close_expired, find_expiring

    items = find_expiring(root / "ads", today, within)
    for item in items:
        click.echo(_expiry_line(item, root))
    if not items:
        click.echo(f"no ad expires within {within} days")
    if close:
        for item in close_expired(root / "ads", today):
            click.echo(f"closed {_shown(item.path, root)} (status: closed)")


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
    from generator.summary import pull_request_summary

    click.echo(pull_request_summary(root, base, today), nl=False)


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
    from generator.circles import circles_json, suggest_circles
    from generator.match import reason_text
    from generator.pipeline import modelled

    data = modelled(root, today)
    result = suggest_circles(
        data.ads, data.partnerships, today=today, taxonomy=data.taxonomy, top=top
    )
    if ad_id is not None:
        if ad_id not in {ad.id for ad in data.ads}:
            raise click.BadParameter(f"no ad '{ad_id}' in ads/", param_hint="AD_ID")
        result = {ad_id: result.get(ad_id, [])}
    if fmt == "json":
        click.echo(json.dumps(circles_json(result), indent=2, ensure_ascii=False))
        return
    names = {ad.id: ad.name for ad in data.ads}
    for ident, found in result.items():
        click.echo(f"{names[ident]} ({ident})")
        if not found:
            click.echo("  no circle (open to wol-circle or lernos-circle, with others to meet?)")
        for circle in found:
            members = ", ".join(f"{names[m]} ({m})" for m in circle.members)
            click.echo(f"  {circle.score:3d}  {circle.theme}: {members}")
            for reason in circle.reasons:
                click.echo(f"       - {reason_text(reason, Locale('en'))}")


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@common
@problems_exit
def pairings(fmt: str, root: Path, today: dt.date) -> None:
    """A plan for maintainers: one partner or circle per open ad, so most people get one."""
    from generator.match import reason_text
    from generator.pairings import pairings_json, plan_pairings
    from generator.pipeline import modelled

    data = modelled(root, today)
    plan = plan_pairings(data.ads, data.partnerships, today=today, taxonomy=data.taxonomy)
    if fmt == "json":
        click.echo(json.dumps(pairings_json(plan), indent=2, ensure_ascii=False))
        return
    names = {ad.id: ad.name for ad in data.ads}
    placed = sum(len(p.members) for p in plan if p.score)
    click.echo(f"{placed} of {len(plan and {m for p in plan for m in p.members})} open ads placed")
    for proposal in plan:
        members = ", ".join(f"{names[m]} ({m})" for m in proposal.members)
        click.echo(f"  {proposal.score:3d}  {members}")
        for reason in proposal.reasons:
            click.echo(f"       - {reason_text(reason, Locale('en'))}")
