"""Read and write elections in the Pabulib `.pb` format (pabulib.org, arXiv:2012.06539).

A `.pb` file has three sections, in this order: META (`key;value` rows), PROJECTS (one row per
project, with at least `project_id` and `cost`) and VOTES (one row per voter, with at least
`voter_id` and `vote`, plus `points` for cumulative and scoring ballots). Fields are separated
by `;` and may be quoted with `"` (a quote inside a quoted field is doubled), exactly as the
`csv` module reads them. Line endings may be mixed (`\\r\\n`, `\\n`, `\\r`).

Reading is strict: anything malformed raises `PabulibError` with the line number and the reason,
and nothing is returned. Pure Python, no Django: the results engine and the import/export
both use it.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

SECTIONS = ("meta", "projects", "votes")
VOTE_TYPES = ("approval", "choose-1", "cumulative", "scoring", "ordinal")
# Vote types whose ballots carry a `points` column.
POINTS_VOTE_TYPES = ("cumulative", "scoring")

# A plain decimal number: no sign tricks, no NaN/Infinity, no digit separators. A comma is
# accepted as the decimal mark because pabutools accepts it too.
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


class PabulibError(ValueError):
    """A malformed Pabulib file: `line` is the 1-based line number (None if not tied to one)."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        self.reason = reason
        self.line = line
        super().__init__(f"line {line}: {reason}" if line is not None else reason)


@dataclass(frozen=True, slots=True)
class Project:
    """A project: its id, its exact cost and its other columns (name, category, selected...)."""

    project_id: str
    cost: Decimal
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Vote:
    """One voter's ballot: projects in file order (the ranking, for ordinal ballots)."""

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[Decimal, ...] | None = None
    columns: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Election:
    """A whole `.pb` file. Treat the mappings as read-only; `meta` keeps the file's order."""

    meta: Mapping[str, str]
    projects: tuple[Project, ...]
    votes: tuple[Vote, ...]

    @property
    def vote_type(self) -> str:
        """The META `vote_type` (approval, choose-1, cumulative, scoring or ordinal)."""
        return self.meta["vote_type"]

    @property
    def budget(self) -> Decimal:
        """The META `budget`, exact."""
        return parse_number(self.meta["budget"], "budget")

    def project(self, project_id: str) -> Project:
        """The project with this id (KeyError if there is none)."""
        for project in self.projects:
            if project.project_id == project_id:
                return project
        raise KeyError(project_id)


def parse_number(text: str, what: str, line: int | None = None) -> Decimal:
    """Parse an exact decimal number, raising `PabulibError` naming `what` if it is not one."""
    text = text.strip()
    if not _NUMBER.fullmatch(text):
        raise PabulibError(f"{what} is not a number: {text!r}", line)
    return Decimal(text.replace(",", "."))


def read(source: str | bytes | os.PathLike[str]) -> Election:
    """Read an election from a path, from bytes (UTF-8) or from the text of a file.

    A `str` holding no line break is taken as a path: a `.pb` file always has several lines.
    """
    if isinstance(source, bytes):
        return parse(_decode(source))
    if isinstance(source, str) and (not source or "\n" in source or "\r" in source):
        return parse(source)
    try:
        data = Path(source).read_bytes()
    except OSError as error:
        raise PabulibError(f"cannot read {os.fspath(source)!r}: {error.strerror}") from error
    return parse(_decode(data))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = _line_of_offset(data, error.start)
        raise PabulibError(f"not UTF-8 text (byte {data[error.start]:#04x})", line) from None


def _line_of_offset(data: bytes, offset: int) -> int:
    head = data[:offset]
    # Count \r\n once, then lone \r and lone \n: the same line breaks the reader honours.
    crlf = head.count(b"\r\n")
    return head.count(b"\n") + head.count(b"\r") - crlf + 1


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, fields) for each non-blank row."""
    # newline="" keeps \r, \n and \r\n all as line ends, and quoted line breaks intact.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    previous_end = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise PabulibError(f"unreadable row: {error}", previous_end + 1) from None
        start, previous_end = previous_end + 1, reader.line_num
        if any(map(str.strip, row)):
            yield start, row


def parse(text: str) -> Election:
    """Parse the text of a `.pb` file into an `Election`; raise `PabulibError` if malformed."""
    sections = _split_sections(text.removeprefix("\ufeff"))
    meta = _parse_meta(_section(sections, "meta"))
    projects = _parse_projects(_section(sections, "projects"))
    votes = _parse_votes(_section(sections, "votes"), meta, {p.project_id for p in projects})
    _check_counts(sections["meta"], meta, len(projects), len(votes))
    return Election(meta=meta, projects=tuple(projects), votes=tuple(votes))


_Section = list[tuple[int, list[str]]]


def _section_name(row: list[str]) -> str | None:
    name = row[0].strip().lower()
    if name in SECTIONS and not any(cell.strip() for cell in row[1:]):
        return name
    return None


def _split_sections(text: str) -> dict[str, _Section]:
    """Group the rows by section (header row first), checking the sections' order."""
    sections: dict[str, _Section] = {}
    current: _Section | None = None
    for line, row in _rows(text):
        name = _section_name(row)
        if name is None:
            if current is None:
                raise PabulibError("expected the META section first", line)
            current.append((line, row))
            continue
        if name in sections:
            raise PabulibError(f"second {name.upper()} section", line)
        expected = SECTIONS[len(sections)]
        if name != expected:
            raise PabulibError(
                f"{name.upper()} section found where {expected.upper()} was due", line
            )
        sections[name] = current = []
    if not sections:
        raise PabulibError("empty file: no META, PROJECTS and VOTES sections")
    return sections


def _section(sections: dict[str, _Section], name: str) -> _Section:
    """A section's rows, header first; errors found earlier in the file are raised first."""
    if name not in sections:
        raise PabulibError(f"missing {name.upper()} section")
    if not sections[name]:
        raise PabulibError(f"{name.upper()} section has no header row")
    return sections[name]


def _header(section: _Section, required: tuple[str, ...], what: str) -> list[str]:
    line, row = section[0]
    header = [cell.strip() for cell in row]
    for column in required:
        if column not in header:
            raise PabulibError(f"{what} header lacks the {column!r} column", line)
    seen: set[str] = set()
    for column in header:
        if not column:
            raise PabulibError(f"{what} header has an empty column name", line)
        if column in seen:
            raise PabulibError(f"{what} header repeats the column {column!r}", line)
        seen.add(column)
    return header


def _fields(line: int, row: list[str], width: int) -> list[str]:
    if len(row) != width:
        raise PabulibError(f"expected {width} fields, found {len(row)}", line)
    return list(map(str.strip, row))


def _parse_meta(section: _Section) -> dict[str, str]:
    _header(section, (), "META")
    width = len(section[0][1])
    if width != 2:
        raise PabulibError("META header must have two columns (key;value)", section[0][0])
    meta: dict[str, str] = {}
    lines: dict[str, int] = {}
    for line, row in section[1:]:
        key, value = _fields(line, row, 2)
        if key in meta:
            raise PabulibError(f"META key {key!r} given twice", line)
        meta[key], lines[key] = value, line
    if "budget" not in meta:
        raise PabulibError("META lacks the budget")
    budget = parse_number(meta["budget"], "budget", lines["budget"])
    if budget < 0:
        raise PabulibError("budget is negative", lines["budget"])
    vote_type = meta.get("vote_type")
    if vote_type is None:
        raise PabulibError("META lacks the vote_type")
    if vote_type not in VOTE_TYPES:
        raise PabulibError(f"unknown vote_type {vote_type!r}", lines["vote_type"])
    return meta


def _parse_projects(section: _Section) -> list[Project]:
    header = _header(section, ("project_id", "cost"), "PROJECTS")
    id_at, cost_at = header.index("project_id"), header.index("cost")
    others = [(i, name) for i, name in enumerate(header) if i not in (id_at, cost_at)]
    projects: list[Project] = []
    seen: set[str] = set()
    for line, row in section[1:]:
        cells = _fields(line, row, len(header))
        project_id = cells[id_at]
        if not project_id:
            raise PabulibError("empty project_id", line)
        if "," in project_id:
            raise PabulibError(f"project_id {project_id!r} contains a comma", line)
        if project_id in seen:
            raise PabulibError(f"duplicate project_id {project_id!r}", line)
        seen.add(project_id)
        cost = parse_number(cells[cost_at], f"cost of project {project_id!r}", line)
        if cost < 0:
            raise PabulibError(f"cost of project {project_id!r} is negative", line)
        columns = {name: cells[i] for i, name in others if cells[i].lower() != "none"}
        projects.append(Project(project_id=project_id, cost=cost, columns=columns))
    return projects


class _VoteReader:
    """Parses VOTES rows for one vote type; keeps the per-row work small (90,000-row files)."""

    def __init__(self, header: list[str], vote_type: str, project_ids: set[str]) -> None:
        self.vote_type = vote_type
        self.project_ids = project_ids
        self.width = len(header)
        self.id_at, self.vote_at = header.index("voter_id"), header.index("vote")
        self.points_at = header.index("points") if vote_type in POINTS_VOTE_TYPES else None
        special = (self.id_at, self.vote_at, self.points_at)
        self.others = [(i, name) for i, name in enumerate(header) if i not in special]

    def vote(self, line: int, row: list[str]) -> Vote:
        cells = _fields(line, row, self.width)
        voter_id = cells[self.id_at]
        if not voter_id:
            raise PabulibError("empty voter_id", line)
        projects = self._projects(line, cells[self.vote_at])
        points = None
        if self.points_at is not None:
            points = self._points(line, cells[self.points_at], len(projects))
        columns = {name: cells[i] for i, name in self.others if cells[i].lower() != "none"}
        return Vote(voter_id=voter_id, projects=projects, points=points, columns=columns)

    def _projects(self, line: int, text: str) -> tuple[str, ...]:
        if not text:
            return ()
        projects = tuple(map(str.strip, text.split(",")))
        distinct = set(projects)
        if not distinct <= self.project_ids:
            unknown = next(p for p in projects if p not in self.project_ids)
            if not unknown:
                raise PabulibError("empty project id in vote", line)
            raise PabulibError(f"vote for unknown project {unknown!r}", line)
        if len(distinct) != len(projects):
            raise PabulibError("vote names the same project twice", line)
        if self.vote_type == "choose-1" and len(projects) > 1:
            raise PabulibError("choose-1 vote names more than one project", line)
        return projects

    def _points(self, line: int, text: str, count: int) -> tuple[Decimal, ...]:
        parts = text.split(",") if text else []
        if len(parts) != count:
            raise PabulibError(f"{len(parts)} points for {count} projects", line)
        points = tuple(parse_number(part, "points", line) for part in parts)
        if self.vote_type == "cumulative" and any(value < 0 for value in points):
            raise PabulibError("negative points in a cumulative vote", line)
        return points


def _parse_votes(section: _Section, meta: dict[str, str], project_ids: set[str]) -> list[Vote]:
    vote_type = meta["vote_type"]
    required = (
        ("voter_id", "vote", "points") if vote_type in POINTS_VOTE_TYPES else ("voter_id", "vote")
    )
    reader = _VoteReader(_header(section, required, "VOTES"), vote_type, project_ids)
    votes: list[Vote] = []
    seen: set[str] = set()
    for line, row in section[1:]:
        vote = reader.vote(line, row)
        if vote.voter_id in seen:
            raise PabulibError(f"duplicate voter_id {vote.voter_id!r}", line)
        seen.add(vote.voter_id)
        votes.append(vote)
    return votes


def _check_counts(section: _Section, meta: dict[str, str], projects: int, votes: int) -> None:
    """A declared count that disagrees with the rows is the mark of a truncated file."""
    for key, actual in (("num_projects", projects), ("num_votes", votes)):
        declared = meta.get(key)
        if declared is None:
            continue
        line = next(line for line, row in section if row[0].strip() == key)
        if not declared.isdigit():
            raise PabulibError(f"{key} is not a whole number: {declared!r}", line)
        if int(declared) != actual:
            raise PabulibError(f"{key} says {declared} but the file has {actual}", line)


def write(election: Election, path: str | os.PathLike[str] | None = None) -> str:
    """Write the election as `.pb` text (`\\n` line ends, UTF-8); also save it if `path` is given.

    Reading the text back gives an equal `Election`. Columns a project or vote lacks are
    written as `None`, as Pabulib does (and reading skips `None` values).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(election.meta.items())
    project_columns = _column_union(project.columns for project in election.projects)
    writer.writerow(["PROJECTS"])
    writer.writerow(["project_id", "cost", *project_columns])
    for project in election.projects:
        extra = [project.columns.get(name, "None") for name in project_columns]
        writer.writerow([project.project_id, str(project.cost), *extra])
    _write_votes(writer, election)
    text = buffer.getvalue()
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def _write_votes(writer: csv.writer, election: Election) -> None:  # type: ignore[valid-type]
    with_points = election.meta.get("vote_type") in POINTS_VOTE_TYPES
    vote_columns = _column_union(vote.columns for vote in election.votes)
    writer.writerow(["VOTES"])
    writer.writerow(["voter_id", "vote", *(["points"] if with_points else []), *vote_columns])
    for vote in election.votes:
        row = [vote.voter_id, ",".join(vote.projects)]
        if with_points:
            row.append(",".join(str(value) for value in vote.points or ()))
        row.extend(vote.columns.get(name, "None") for name in vote_columns)
        writer.writerow(row)


def _column_union(all_columns: Iterator[Mapping[str, str]]) -> list[str]:
    names: dict[str, None] = {}
    for columns in all_columns:
        names.update(dict.fromkeys(columns))
    return list(names)
