"""The Meltano UI's pageviews (UA view 188384771), for the same projects as the CLI.

From v1.1.0 (2019-10-16) to v2.6.x Meltano's web UI sent an automatic
pageview on every route change (vue-analytics), with custom dimension 1 =
the project_id and, from v1.2.1, dimension 2 = the Meltano version; v2.7.0
(2022-09-23) removed the tracker. No events were ever sent from the UI (the research
note meltano-ui-ga-pageviews.md has the facts).

One row is one (date, dimension1, dimension2, pagePath, pageTitle) with its
pageviews and unique pageviews, as GA aggregates them. A fifth of the
projects use the UI; each one runs a Meltano release that it upgrades now
and then, and visits the routes of that release's router:

* paths from the route templates of the version's era (``ROUTES``), with the
  project's own plugin names (custom and inherited ones too), slugified
  schedule names, model/design names and report/dashboard slugs in the
  segments; ``/pipelines/create?extractor=...&loader=...`` rebuilt without
  URL-encoding as vue-analytics did; trailing-slash variants;
* embed paths ``/-/embed/<token_urlsafe(32)>`` (from v1.19.0), some with
  ``?today=<date>``;
* typed unknown paths and old bookmarks outside their era (title
  ``Meltano: Not Found``);
* ``(not set)`` dimension 1 on a few hits, dimension 2 ``(not set)`` before
  v1.2.1, and no hits at all from v1.27.1 (its UI broke with tracking on).

Planted answers: ``ui_pageviews`` (per project, route template and day).
"""

from __future__ import annotations

import base64
import bisect
import datetime as dt
import functools
import hashlib
import itertools
import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ga_emulator.dataset import (
    LAST_GA_DAY,
    NOT_SET,
    DatasetConfig,
    Project,
    is_outage,
    iter_days,
    projects,
)
from ga_emulator.seeds import seeded_rng

if TYPE_CHECKING:
    import random
    from collections.abc import Callable

#: v1.1.0 set dimension 1; earlier releases sent no project id this way.
UI_FIRST_DAY = dt.date(2019, 10, 16)
#: The day before v2.7.0 deleted setupAnalytics.js.
UI_LAST_DAY = dt.date(2022, 9, 22)
#: The page_route of a path no route of its version matches.
UNKNOWN = "(unknown)"
NOT_FOUND_TITLE = "Meltano: Not Found"
#: Share (per mille) of projects that ever open the UI.
UI_PER_MILLE = 200

Version = tuple[int, int, int]
NEVER: Version = (99, 0, 0)


def _v(text: str) -> Version:
    major, minor, patch = (int(part) for part in text.split("."))
    return major, minor, patch


def _releases() -> tuple[tuple[Version, dt.date], ...]:
    """Meltano releases 1.1.0-2.6.0 with their dates (1.x: about weekly).

    Minor releases between the anchors are spread evenly; the patch
    releases the routes and the tracker changed in come a few days after
    their minor release.
    """
    anchors = (
        (1, dt.date(2019, 10, 16)),
        (19, dt.date(2020, 2, 6)),
        (87, dt.date(2021, 11, 5)),
        (105, dt.date(2022, 5, 23)),
    )
    patches = {2: 1, 11: 1, 12: 2, 16: 1, 27: 2, 38: 1}
    found: list[tuple[Version, dt.date]] = []
    for (low, since), (high, until) in itertools.pairwise(anchors):
        step = (until - since) / (high - low)
        for minor in range(low, high + (high == anchors[-1][0])):
            day = since + step * (minor - low)
            found.append(((1, minor, 0), day))
            found.extend(
                ((1, minor, patch), day + dt.timedelta(days=2 * patch))
                for patch in range(1, patches.get(minor, 0) + 1)
            )
    found += [
        ((2, 0, 0), dt.date(2022, 6, 8)),
        ((2, 0, 1), dt.date(2022, 6, 14)),
        ((2, 0, 2), dt.date(2022, 6, 21)),
        ((2, 1, 0), dt.date(2022, 6, 29)),
        ((2, 2, 0), dt.date(2022, 7, 12)),
        ((2, 3, 0), dt.date(2022, 7, 21)),
        ((2, 4, 0), dt.date(2022, 8, 4)),
        ((2, 5, 0), dt.date(2022, 8, 15)),
        ((2, 6, 0), dt.date(2022, 9, 1)),
    ]
    return tuple(found)


RELEASES = _releases()
_RELEASE_DAYS = [day for _, day in RELEASES]
#: v1.2.1 renamed appVersion to dimension2.
DIMENSION2_FROM = _v("1.2.1")
#: v1.27.1 read a tracking id the server did not send: no hits until 1.27.2.
BROKEN = _v("1.27.1")
EMBED_FROM = _v("1.19.0")
#: v1.87.0 hid Explore and Dashboards by default (ui.analysis: false).
ANALYSIS_OFF_FROM = _v("1.87.0")


@dataclass(frozen=True, slots=True)
class Route:
    """One route of Meltano's router: its template and the releases that had it."""

    template: str
    since: Version
    until: Version = NEVER  # first release without it
    title: str = "Meltano"

    def serves(self, version: Version) -> bool:
        """Whether the release's router has this route."""
        return self.since <= version < self.until

    @property
    def analysis(self) -> bool:
        """An Explore, report or dashboard screen (hidden from v1.87.0)."""
        return self.template.startswith(("/analyze", "/reports", "/dashboard"))


_A, _B, _C = _v("1.1.0"), _v("1.16.1"), _v("1.23.0")
_D, _E, _V2 = _v("1.38.1"), _v("1.45.0"), _v("2.0.0")
_EXTRACT, _LOAD = "Meltano: Pipeline - Extract", "Meltano: Pipeline - Load"
_SCHEDULE, _BUILDER = "Meltano: Pipeline - Schedule", "Meltano: Report Builder"
#: Every route by era, as the contract with the tap and dbt fixes them.
ROUTES = (
    Route("/pipeline/extract", _A, _B, _EXTRACT),
    Route("/pipeline/extract/:extractor/configure", _A, _B, _EXTRACT),
    Route("/pipeline/extract/:extractor/select", _A, _v("1.6.0"), _EXTRACT),
    Route("/pipeline/load", _A, _B, _LOAD),
    Route("/pipeline/load/:loader", _A, _B, _LOAD),
    Route("/pipeline/transform", _A, _v("1.11.1"), "Meltano: Pipeline - Transform"),
    Route("/pipeline/schedule", _A, _B, _SCHEDULE),
    Route("/pipeline/schedule/create", _A, _B, _SCHEDULE),
    Route("/pipeline/schedule/log/:jobId", _A, _B, "Meltano: Job Log"),
    Route("/orchestrate", _A, _v("1.13.0"), "Meltano: Orchestrate"),
    Route("/model", _A, _v("1.15.1"), "Meltano: Model"),
    Route("/analyze/:namespace+/:model/:design", _A, _V2, _BUILDER),
    Route("/analyze/:namespace+/:model/:design/reports/report/:slug", _A,
          _v("1.12.2"), _BUILDER),
    Route("/reports/:slug", _v("1.12.2"), _V2, "Meltano: Report"),
    Route("/dashboard", _A, _v("1.14.0"), "Meltano: Dashboards"),
    Route("/dashboard/:slug", _A, _v("1.14.0"), "Meltano: Dashboard"),
    Route("/dashboards", _v("1.14.0"), _V2, "Meltano: Dashboards"),
    Route("/dashboards/:slug", _v("1.14.0"), _V2, "Meltano: Dashboard"),
    Route("/data", _B, _C, "Meltano: Data"),
    Route("/data/extract/:extractor", _B, _C, "Meltano: Data - Extract"),
    Route("/data/schedule/:jobId", _B, _C, "Meltano: Job Log"),
    Route("/connections", _C, _D, "Meltano: Connections"),
    Route("/connections/:extractor", _C, _D, "Meltano: Connections"),
    Route("/pipelines", _C, NEVER, "Meltano: Pipelines"),
    Route("/pipelines/:jobId", _C, _v("2.1.0"), "Meltano: Job Log"),
    Route("/analyze/:extractor", _C, _D, "Meltano: Analyze - Explore"),
    Route("/extractors", _D, NEVER, "Meltano: Extractors"),
    Route("/extractors/:extractor", _D, _E, "Meltano: Extractors"),
    Route("/pipelines/create", _D, NEVER, "Meltano: Pipelines"),
    Route("/extractors/:plugin", _E, NEVER, "Meltano: Extractors"),
    Route("/loaders", _E, NEVER, "Meltano: Loaders"),
    Route("/loaders/:plugin", _E, NEVER, "Meltano: Loaders"),
    Route("/cron-job-settings/:jobId", _v("1.97.0"), NEVER, "Meltano: Schedule"),
    Route("/pipelines/:stateId", _v("2.1.0"), NEVER, "Meltano: Job Log"),
    Route("/-/embed/:token", (0, 0, 0)),
)  # fmt: skip
#: Screens a bare route name (no parameter) has, which users also reach with
#: a trailing slash (``/pipelines/``).
_LISTS = frozenset(r.template for r in ROUTES if ":" not in r.template)
#: Paths users typed or kept as bookmarks that no release routes; ``{}`` is
#: one of the project's extractors. Plus, per release, old routes of
#: earlier eras (see ``_unknown_path``).
TYPED = (
    "/settings",
    "/admin",
    "/extractor",
    "/pipelnes",
    "/extractors/{}/configure",
    "/pipelines/create/new",
    "/api/v1/plugins",
)
#: Designs of a model, and the names users typed for reports and dashboards
#: (their slugs are in the paths); ``{}`` is the project's name.
DESIGNS = ("commits", "issues", "projects", "{}_kpis")
REPORT_NAMES = ("Weekly signups", "Revenue by region", "{} KPIs", "My dashboard")


def version_text(version: Version) -> str:
    """``1.12.2``: dimension 2 as Meltano sent it."""
    return ".".join(str(part) for part in version)


def parse_version(dimension2: str) -> Version:
    """The release a dimension 2 names; ``(not set)`` is the v1.1.0 era's."""
    if dimension2 == NOT_SET:
        return _A
    return _v(dimension2)


def _segments_match(pattern: list[str], path: list[str]) -> bool:
    if not pattern:
        return not path
    head, *rest = pattern
    if head.endswith("+"):
        # One or more segments, then what follows must match exactly.
        return any(_segments_match(rest, path[cut:]) for cut in range(1, len(path) + 1))
    if not path or (not head.startswith(":") and head != path[0]):
        return False
    return _segments_match(rest, path[1:])


@functools.lru_cache(maxsize=65_536)
def page_route(page_path: str, dimension2: str) -> str:
    """The route template of a page path for the release in dimension 2.

    The contract's rules: the query string and trailing slashes are dropped,
    a literal segment wins over a parameter, ``:namespace+`` is one or more
    segments, anything else (or a route outside its era) is ``(unknown)``.
    """
    version = parse_version(dimension2)
    segments = [s for s in page_path.split("?", 1)[0].split("/") if s]
    best: tuple[tuple[bool, ...], str] | None = None
    for route in ROUTES:
        if not route.serves(version):
            continue
        pattern = [s for s in route.template.split("/") if s]
        if _segments_match(pattern, segments):
            literals = tuple(not s.startswith(":") for s in pattern)
            if best is None or literals > best[0]:
                best = (literals, route.template)
    return best[1] if best else UNKNOWN


@dataclass(frozen=True, slots=True)
class PageRow:
    """One aggregated UA pageview row of the UI view."""

    date: str  # YYYYMMDD
    dimension1: str  # the project_id as the UI sent it, or (not set)
    dimension2: str  # the Meltano version, or (not set) before v1.2.1
    page_path: str
    page_title: str
    pageviews: int
    unique_pageviews: int


@dataclass(frozen=True, slots=True)
class UiUser:
    """A project that used the UI: when, and how it upgraded Meltano."""

    project: Project
    first_day: dt.date
    last_day: dt.date
    #: Days between its upgrades, and how far behind the newest release it
    #: stays at each.
    upgrade_every: int
    lag: int
    #: The embed tokens of the reports and dashboards it shared.
    embed_tokens: tuple[str, ...]

    def version(self, day: dt.date) -> Version | None:
        """The release the project runs on ``day`` (None: before v1.1.0)."""
        upgraded = self.first_day + dt.timedelta(
            days=(day - self.first_day).days // self.upgrade_every * self.upgrade_every
        )
        newest = bisect.bisect_right(
            _RELEASE_DAYS, upgraded - dt.timedelta(days=self.lag)
        )
        return RELEASES[newest - 1][0] if newest else None


@functools.lru_cache(maxsize=16)
def ui_users(seed: int, count: int) -> tuple[UiUser, ...]:
    """The projects that use the UI, drawn from generators of their own.

    A project still active on the CLI's last GA day kept using the UI (the
    UI's GA outlived the CLI's by v2.0-v2.6).
    """
    users = []
    for index, project in enumerate(projects(seed, count)):
        rng = seeded_rng("ui-user", seed, index)
        if rng.randrange(1000) >= UI_PER_MILLE:
            continue
        last = UI_LAST_DAY if project.last_day == LAST_GA_DAY else project.last_day
        first = max(project.first_day, UI_FIRST_DAY)
        if first > last:
            continue
        tokens = tuple(
            base64.urlsafe_b64encode(rng.randbytes(32)).rstrip(b"=").decode()
            for _ in range(rng.choice((0, 0, 1, 2)))
        )
        users.append(
            UiUser(
                project,
                first,
                last,
                upgrade_every=rng.randint(14, 120),
                lag=rng.randint(0, 60),
                embed_tokens=tokens,
            )
        )
    return tuple(users)


def slugify(text: str) -> str:
    """What Meltano's UI made of a typed name for a URL (``Nightly load`` -> ...)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _schedule_names(project: Project) -> list[str]:
    """The schedules' names: the default ``<tap>-to-<target>``, and typed ones."""
    tap, target = project.taps[0], project.targets[0]
    default = f"{tap.removeprefix('tap-')}-to-{target.removeprefix('target-')}"
    return [default, slugify("Nightly load"), slugify(f"Client {project.name} daily")]


def _fill(
    rng: random.Random, template: str, user: UiUser, version: Version, day: dt.date
) -> str:
    """A path of ``template`` with the project's own names in its segments."""
    project = user.project
    tap = rng.choice(project.taps)
    suffix = tap.removeprefix("tap-")
    values = {
        ":extractor": tap,
        ":loader": rng.choice(project.targets),
        ":jobId": rng.choice(_schedule_names(project)),
        ":stateId": rng.choice(_schedule_names(project)),
        # ``:namespace+`` may be two segments.
        ":namespace+": rng.choice(
            (f"model-{suffix}", f"{project.name}/model-{suffix}")
        ),
        ":model": suffix.replace("-", "_"),
        ":design": rng.choice(DESIGNS).format(project.name),
        ":slug": slugify(rng.choice(REPORT_NAMES).format(project.name)),
        ":token": rng.choice(user.embed_tokens or ("",)),
    }
    if template.startswith("/extractors/"):
        values[":plugin"] = tap
    else:
        values[":plugin"] = values[":loader"]
    path = "/".join(values.get(s, s) for s in template.split("/"))
    if template in _LISTS and rng.random() < 0.2:
        path += "/"
    if template == "/pipelines/create" and rng.random() < 0.6:
        # vue-analytics rebuilt the query without URL-encoding it.
        path += f"?extractor={tap}"
        if version >= _E and rng.random() < 0.5:
            path += f"&loader={values[':loader']}"
    if template == "/-/embed/:token" and rng.random() < 0.3:
        path += f"?today={day.isoformat()}"
    return path


def _unknown_path(rng: random.Random, user: UiUser, version: Version) -> str:
    """A typed path, or an old bookmark whose route this release no longer has."""
    old = [r.template for r in ROUTES if r.until <= version and ":" not in r.template]
    if old and rng.random() < 0.5:
        return rng.choice(old)
    return rng.choice(TYPED).format(rng.choice(user.project.taps))


# Every UI day fits (about 1,070, a few rows each).
@functools.lru_cache(maxsize=2048)
def _day(config: DatasetConfig, day: dt.date) -> tuple[PageRow, ...]:
    """Every pageview row of one day, sorted by its dimensions."""
    if not max(config.first_day, UI_FIRST_DAY) <= day <= UI_LAST_DAY or is_outage(
        config, day
    ):
        return ()
    rng = seeded_rng("ui-day", config.seed, day.isoformat())
    visit = 0.35 if day.weekday() < 5 else 0.12
    date = day.strftime("%Y%m%d")
    views: dict[tuple[str, str, str, str], list[int]] = {}
    for user in ui_users(config.seed, config.projects):
        if not user.first_day <= day <= user.last_day or rng.random() >= visit:
            continue
        version = user.version(day)
        if version is None or version == BROKEN:
            continue
        dimension2 = version_text(version) if version >= DIMENSION2_FROM else NOT_SET
        embeds = version >= EMBED_FROM and bool(user.embed_tokens)
        routes = [
            r
            for r in ROUTES
            if r.serves(version) and (embeds or not r.template.startswith("/-/"))
        ]
        weights = [
            0.2 if r.analysis and version >= ANALYSIS_OFF_FROM else 1.0 for r in routes
        ]
        for _ in range(rng.randint(1, 5)):
            if rng.random() < 0.04:
                path, title = _unknown_path(rng, user, version), NOT_FOUND_TITLE
            else:
                route = rng.choices(routes, weights)[0]
                path = _fill(rng, route.template, user, version, day)
                title = route.title
            # A hit before ``set`` reached the tracker carries no dimension 1.
            dimension1 = NOT_SET if rng.random() < 0.03 else user.project.project_id
            pageviews = 1 + int(rng.expovariate(0.6))
            found = views.setdefault((dimension1, dimension2, path, title), [0, 0])
            found[0] += pageviews
            found[1] += rng.randint(1, pageviews)
    return tuple(
        PageRow(date, *key, pageviews=pv, unique_pageviews=upv)
        for key, (pv, upv) in sorted(views.items())
    )


def rows_in_range(
    config: DatasetConfig, view_id: str, start: dt.date, end: dt.date
) -> list[PageRow]:
    """The UI view's rows from start to end inclusive (none for any other view)."""
    if view_id not in config.ui_view_ids:
        return []
    rows: list[PageRow] = []
    for day in iter_days(start, end):
        rows.extend(_day(config, day))
    return rows


def canonical_project_id(dimension1: str) -> str | None:
    """The project_id the tap's rekey gives a dimension 1 (no label here).

    A UUID in canonical lowercase; any other id is derived as Meltano 2.x
    did (``uuid.UUID(sha256(id)[::2])``, the tap's ``derive_project_uuid``);
    ``(not set)`` and the empty string carry none.
    """
    if dimension1 in {NOT_SET, ""}:
        return None
    try:
        return str(uuid.UUID(dimension1))
    except ValueError:
        digest = hashlib.sha256(dimension1.encode()).hexdigest()[::2]
        return str(uuid.UUID(digest))


def ui_pageviews(
    config: DatasetConfig,
    first: dt.date,
    last: dt.date,
    *,
    resolve: Callable[[str], str | None] = canonical_project_id,
) -> dict[tuple[str | None, str, str], tuple[int, int]]:
    """The planted answer: ``{(project_id, page_route, day): (pageviews, unique)}``.

    ``project_id`` is ``resolve(dimension1)`` (by default the tap's rekey
    rule); ``page_route`` the route template of the path for the row's
    release (``page_route``), ``(unknown)`` or ``/-/embed/:token``; ``day``
    ISO. Summed over the rows that share a key, for the first UI view.
    """
    view = config.ui_view_ids[0]
    answer: dict[tuple[str | None, str, str], tuple[int, int]] = {}
    for row in rows_in_range(config, view, first, last):
        day = f"{row.date[:4]}-{row.date[4:6]}-{row.date[6:]}"
        key = (resolve(row.dimension1), page_route(row.page_path, row.dimension2), day)
        pageviews, unique = answer.get(key, (0, 0))
        answer[key] = (pageviews + row.pageviews, unique + row.unique_pageviews)
    return answer
