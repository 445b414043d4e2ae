"""Read and write elections in the Pabulib `.pb` format (pabulib.org, arXiv:2012.06539).

A `.pb` file has three sections, in this order: META (`key;value` rows), PROJECTS (one row per
project, with at least `project_id` and `cost`) and VOTES (one row per voter, with at least
`voter_id` and `vote`, plus `points` for cumulative and scoring ballots). Fields are separated
by `;` and may be quoted with `"` (a quote inside a quoted field is doubled), exactly as the
`csv` module reads them. Line endings may be mixed (`\\r\\n`, `\\n`, `\\r`).

Reading is strict: anything malformed raises `PabulibError` with the line number and the reason,
and nothing is returned. No Django: the results engine and the import/export both use it.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

import numpy as np

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


class _VotesField:
    """The `votes` field of `Election`: a tuple of votes, or votes `parse` checked but left as
    columns (`_ParsedVotes`), which become the tuple the first time they are asked for.

    Building 100,000 `Vote` objects takes longer than the rest of reading a big file, and the
    results only need the ballots' arrays (`ballot_arrays`).
    """

    def __get__(self, election: Election | None, owner: type | None = None) -> tuple[Vote, ...]:
        if election is None:
            raise AttributeError("votes")  # for `dataclass`: the field has no default
        votes = election.__dict__["votes"]
        return votes.build() if isinstance(votes, _ParsedVotes) else votes

    def __set__(self, election: Election, votes: tuple[Vote, ...] | _ParsedVotes) -> None:
        election.__dict__["votes"] = votes  # only `__init__` gets here: the class is frozen


@dataclass(frozen=True)
class Election:
    """A whole `.pb` file. Treat the mappings as read-only; `meta` keeps the file's order.

    The votes of an election `parse` read are built the first time `votes` is used.
    """

    meta: Mapping[str, str]
    projects: tuple[Project, ...]
    votes: tuple[Vote, ...] = _VotesField()  # a descriptor, not a default

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


class BallotArrays(NamedTuple):
    """An election's ballots in compressed rows: voter v's entries are `starts[v]:starts[v+1]`."""

    starts: np.ndarray  # int64, one more than there are voters
    projects: np.ndarray  # int64 positions in `Election.projects`, in ballot order
    points: list[Decimal] | None  # aligned with `projects`, for cumulative and scoring ballots


def ballot_arrays(election: Election) -> BallotArrays | None:
    """The ballots of an election `parse` read, as arrays, without building its votes.

    None when there are none at hand (an election built in code, or a file with unusual vote
    rows): then use `election.votes`. Do not change the arrays in place.
    """
    votes = election.__dict__["votes"]
    return votes.arrays if isinstance(votes, _ParsedVotes) else None


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


class _Rows(NamedTuple):
    """Rows as the `csv` module reads them, blank ones included, and the line each starts on."""

    lines: Sequence[int]
    rows: list[list[str]]
    end: int  # the last line read
    # The error at the first unreadable row, which ends `rows`: it is raised once the rows
    # before it have been checked, so that an earlier mistake is reported first.
    unreadable: PabulibError | None = None

    def then(self, more: _Rows) -> _Rows:
        """These rows followed by `more`, read from where these end."""
        lines = [*self.lines, *more.lines]
        return _Rows(lines, self.rows + more.rows, more.end, more.unreadable)


def _read_rows(stream: io.StringIO, after: int, *, until_votes: bool = False) -> _Rows:
    """Read rows one by one, to the end, to the first unreadable row or, if `until_votes`, to
    the row naming the VOTES section; `after` is the number of lines before the stream."""
    reader = csv.reader(stream, delimiter=";")
    lines: list[int] = []
    rows: list[list[str]] = []
    while True:
        start = after + reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            unreadable = PabulibError(f"unreadable row: {error}", start)
            return _Rows(lines, rows, after + reader.line_num, unreadable)
        lines.append(start)
        rows.append(row)
        if until_votes and row and _section_name(row) == "votes":
            break
    return _Rows(lines, rows, after + reader.line_num)


def _all_rows(text: str, after: int) -> _Rows:
    """The rows of `text`, read in one call unless a row is unreadable or spans lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    try:
        rows = list(reader)
    except csv.Error:
        return _read_rows(io.StringIO(text, newline=""), after)
    if reader.line_num != len(rows):  # a quoted field spans lines: rows and lines differ
        return _read_rows(io.StringIO(text, newline=""), after)
    return _Rows(range(after + 1, after + len(rows) + 1), rows, after + len(rows))


def parse(text: str) -> Election:
    """Parse the text of a `.pb` file into an `Election`; raise `PabulibError` if malformed."""
    sections = _split_sections(text.removeprefix("\ufeff"))
    meta = _parse_meta(_section(sections, "meta"))
    projects = tuple(_parse_projects(_section(sections, "projects")))
    votes = _parse_votes(_section(sections, "votes"), meta, projects)
    _check_counts(sections["meta"], meta, len(projects), len(votes))
    return Election(meta=meta, projects=projects, votes=votes)


class _Section:
    """A section's non-blank rows after the row naming it, its header (column names) first,
    and the line each row starts on.

    The rows are given either as rows or, for a plain block of text (`_plain_block`), as
    columns (one list of fields per column): the other form is only built if asked for.
    """

    def __init__(
        self,
        lines: Sequence[int],
        rows: Sequence[Sequence[str]] | None = None,
        columns: list[list[str]] | None = None,
    ) -> None:
        self.lines = lines
        self._rows = rows
        self._columns = columns

    @property
    def rows(self) -> Sequence[Sequence[str]]:
        if self._rows is None:
            self._rows = list(zip(*self._columns or (), strict=True))
        return self._rows

    def header(self) -> Sequence[str]:
        """The first row, the column names."""
        if self._rows is None and self._columns is not None:
            return [column[0] for column in self._columns]
        return self.rows[0]

    def columns(self) -> list[list[str]] | None:
        """The fields column by column, header first; None if the rows differ in length."""
        if self._columns is None and len(set(map(len, self.rows))) == 1:
            self._columns = [
                list(map(itemgetter(at), self.rows)) for at in range(len(self.rows[0]))
            ]
        return self._columns

    def body(self) -> Iterator[tuple[int, Sequence[str]]]:
        """(line, row) for each row after the header."""
        return zip(self.lines[1:], self.rows[1:], strict=True)


# What the first field of a blank row or of a row naming a section reads, stripped and lowered.
_FIRST_OF_BLANK_OR_NAME = frozenset(("", *SECTIONS))


def _is_blank(row: Sequence[str]) -> bool:
    return not any(map(str.strip, row))


def _section_name(row: Sequence[str]) -> str | None:
    name = row[0].strip().lower()
    if name in SECTIONS and _is_blank(row[1:]):
        return name
    return None


def _split_sections(text: str) -> dict[str, _Section]:
    """Group the non-blank rows by section (header row first), checking the sections' order.

    The rows up to the one naming the VOTES section are read one by one; the rest, most of a
    big file, is read at once: column by column if it is a plain block, else as rows.
    """
    stream = io.StringIO(text, newline="")  # keeps \r, \n and \r\n all as line ends
    rows = _read_rows(stream, 0, until_votes=True)
    votes = None
    if rows.unreadable is None:
        rest = stream.read()
        votes = _plain_block(rest, rows.end)
        if votes is None:
            rows = rows.then(_all_rows(rest, rows.end))
    sections = _group(rows)
    if votes is not None:  # the rows end with the VOTES name: its section was left empty
        sections["votes"] = votes
    return sections


def _plain_block(text: str, after: int) -> _Section | None:
    """The rows of `text` as columns, or None unless they make a plain block of lines.

    Plain means no quote for the `csv` module to interpret, no field over its size limit, the
    same number of fields on every line, and no blank row nor row naming a section. Splitting
    the whole text at once then gives exactly the rows `csv` would give one by one.
    """
    if '"' in text:
        return None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1]:
        lines.pop()  # blank lines at the end, which are no rows
    if not lines or max(map(len, lines)) > csv.field_size_limit():
        return None
    separators = lines[0].count(";")
    if set(map(str.count, lines, repeat(";"))) != {separators}:
        return None
    fields = ";".join(lines).split(";")
    columns = [fields[at :: separators + 1] for at in range(separators + 1)]
    if not _FIRST_OF_BLANK_OR_NAME.isdisjoint(map(str.lower, map(str.strip, columns[0]))):
        return None
    return _Section(range(after + 1, after + len(lines) + 1), columns=columns)


def _group(rows: _Rows) -> dict[str, _Section]:
    """Group the non-blank rows by section, raising the first error in the file's order.

    Only a row whose first field is empty or a section name can be blank or name a section, so
    one quick pass finds the few candidates.
    """
    lines, all_rows, _, unreadable = rows
    candidates = [
        i
        for i, row in enumerate(all_rows)
        if not row or row[0].strip().lower() in _FIRST_OF_BLANK_OR_NAME
    ]
    blank: list[int] = []
    named: list[tuple[int, str]] = []
    for i in candidates:
        if _is_blank(all_rows[i]):
            blank.append(i)
        elif (name := _section_name(all_rows[i])) is not None:
            named.append((i, name))
    # `blank` is sorted, so the first non-blank row is where it stops counting 0, 1, 2...
    first = next((at for at, i in enumerate(blank) if at != i), len(blank))
    if first < len(all_rows) and (not named or named[0][0] != first):
        raise PabulibError("expected the META section first", lines[first])
    sections: dict[str, _Section] = {}
    bounds = [start for start, _ in named] + [len(all_rows)]
    for (start, name), end in zip(named, bounds[1:], strict=True):
        if name in sections:
            raise PabulibError(f"second {name.upper()} section", lines[start])
        expected = SECTIONS[len(sections)]
        if name != expected:
            raise PabulibError(
                f"{name.upper()} section found where {expected.upper()} was due", lines[start]
            )
        sections[name] = _section_rows(lines, all_rows, range(start + 1, end), blank)
    if unreadable is not None:
        raise unreadable
    if not sections:
        raise PabulibError("empty file: no META, PROJECTS and VOTES sections")
    return sections


def _section_rows(
    lines: Sequence[int], rows: list[list[str]], span: range, blank: list[int]
) -> _Section:
    """The rows in `span` but the blank ones."""
    skipped = {i for i in blank if i in span}
    if not skipped:
        return _Section(lines[span.start : span.stop], rows[span.start : span.stop])
    kept = [i for i in span if i not in skipped]
    return _Section([lines[i] for i in kept], [rows[i] for i in kept])


def _section(sections: dict[str, _Section], name: str) -> _Section:
    """A section's rows, header first; errors found earlier in the file are raised first."""
    if name not in sections:
        raise PabulibError(f"missing {name.upper()} section")
    if not sections[name].lines:
        raise PabulibError(f"{name.upper()} section has no header row")
    return sections[name]


def _header(section: _Section, required: tuple[str, ...], what: str) -> list[str]:
    line = section.lines[0]
    header = [cell.strip() for cell in section.header()]
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
    width = len(section.header())
    if width != 2:
        raise PabulibError("META header must have two columns (key;value)", section.lines[0])
    meta: dict[str, str] = {}
    lines: dict[str, int] = {}
    for line, row in section.body():
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
    for line, row in section.body():
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
    """Parses VOTES rows for one vote type.

    Big files have close to 100,000 rows, so `all_votes` first tries to check them all at
    once, column by column, with the per-value work done in C (`map`, `str.split`, NumPy)
    rather than in Python code per voter. It checks everything `vote` and `_parse_votes`
    check, but instead of finding which row is wrong it gives up on anything unusual (a field
    to strip, an unknown project, a repeated voter...): reading row by row with `vote` then
    names the first faulty line, or accepts what was only unusual.
    """

    def __init__(self, header: list[str], vote_type: str, projects: tuple[Project, ...]) -> None:
        self.vote_type = vote_type
        self.positions = {project.project_id: at for at, project in enumerate(projects)}
        self.project_ids = self.positions.keys()
        self.width = len(header)
        self.id_at, self.vote_at = header.index("voter_id"), header.index("vote")
        self.points_at = header.index("points") if vote_type in POINTS_VOTE_TYPES else None
        special = (self.id_at, self.vote_at, self.points_at)
        self.others = [(i, name) for i, name in enumerate(header) if i not in special]

    def all_votes(self, section: _Section) -> _ParsedVotes | None:
        """Every row's vote, checked, or None if some row must be read by `vote`."""
        columns = section.columns()
        if columns is None:
            return None
        voter_ids = list(map(str.strip, columns[self.id_at][1:]))
        if "" in voter_ids or len(set(voter_ids)) != len(voter_ids):
            return None
        texts = columns[self.vote_at][1:]
        arrays = self._ballot_arrays(texts)
        if arrays is None:
            return None
        points = None
        if self.points_at is not None:
            points = self._all_points(columns[self.points_at][1:], np.diff(arrays.starts))
            if points is None:
                return None
            stripped, values = points
            arrays = arrays._replace(points=[values[text] for text in _items(stripped)])
        others = {name: columns[at][1:] for at, name in self.others}
        return _ParsedVotes(voter_ids, texts, points, others, arrays)

    def _ballot_arrays(self, texts: list[str]) -> BallotArrays | None:
        # The fields are not stripped: a project id with spaces around it is then unknown, and
        # `_projects` deals with it.
        try:
            named = map(self.positions.__getitem__, _items(texts))
            projects = np.fromiter(named, dtype=np.int64)
        except KeyError:
            return None
        sizes = _item_counts(texts)
        if self.vote_type == "choose-1" and sizes.max(initial=0) > 1:
            return None
        starts = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(sizes, out=starts[1:])
        # A vote names a project twice if a (voter, project) pair comes twice.
        voters = np.repeat(np.arange(len(texts), dtype=np.int64), sizes)
        pairs = np.sort(voters * len(self.positions) + projects)
        if (pairs[1:] == pairs[:-1]).any():
            return None
        return BallotArrays(starts, projects, None)

    def _all_points(
        self, texts: list[str], sizes: np.ndarray
    ) -> tuple[list[str], dict[str, Decimal]] | None:
        """The stripped fields and the value of each distinct point in them."""
        stripped = list(map(str.strip, texts))
        if not np.array_equal(_item_counts(stripped), sizes):
            return None
        # Points take few distinct values: each is parsed once (Decimals are immutable).
        try:
            values = {text: parse_number(text, "points") for text in set(_items(stripped))}
        except PabulibError:
            return None
        if self.vote_type == "cumulative" and any(value < 0 for value in values.values()):
            return None
        return stripped, values

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


class _ParsedVotes:
    """Votes `_VoteReader.all_votes` checked, kept as its columns until `build` is called."""

    def __init__(
        self,
        voter_ids: list[str],
        texts: list[str],
        points: tuple[list[str], dict[str, Decimal]] | None,
        others: dict[str, list[str]],
        arrays: BallotArrays,
    ) -> None:
        self.voter_ids = voter_ids
        self.texts = texts  # the vote fields, unstripped (they have no spaces to strip)
        self.points = points  # the stripped points fields and the value of each point
        self.others = others  # the other columns' fields, unstripped
        self.arrays = arrays
        self.votes: tuple[Vote, ...] | None = None

    def __len__(self) -> int:
        return len(self.voter_ids)

    def build(self) -> tuple[Vote, ...]:
        """The votes, as `_VoteReader.vote` reads them; built once."""
        if self.votes is None:
            projects = _comma_lists(self.texts)
            points: Iterator[tuple[Decimal, ...] | None] = repeat(None)
            if self.points is not None:
                texts, values = self.points
                points = (tuple(map(values.__getitem__, parts)) for parts in _comma_lists(texts))
            columns = _column_dicts(self.others, len(self))
            self.votes = tuple(map(Vote, self.voter_ids, projects, points, columns))
        return self.votes


def _items(texts: list[str]) -> list[str]:
    """The comma-separated items of all the fields, in order (an empty field has none)."""
    joined = ",".join(filter(None, texts))
    return joined.split(",") if joined else []


def _item_counts(texts: list[str]) -> np.ndarray:
    """How many comma-separated items each field has (an empty field has none)."""
    commas = np.fromiter(map(str.count, texts, repeat(",")), dtype=np.int64, count=len(texts))
    filled = np.fromiter(map(bool, texts), dtype=np.bool_, count=len(texts))
    return np.where(filled, commas + 1, 0)


def _comma_lists(texts: list[str]) -> list[tuple[str, ...]]:
    """Each field split at its commas; an empty field is an empty list."""
    return [tuple(text.split(",")) if text else () for text in texts]


def _column_dicts(fields: dict[str, list[str]], count: int) -> list[dict[str, str]]:
    """Each row's fields of these columns, stripped, as a dict by column name."""
    if not fields:
        return [{} for _ in range(count)]
    stripped = [list(map(str.strip, column)) for column in fields.values()]
    rows = list(map(dict, map(zip, repeat(list(fields)), zip(*stripped, strict=True))))
    for name, values in zip(fields, stripped, strict=True):
        # "None" is Pabulib's empty value: rare, so it is removed afterwards.
        empty = {value for value in set(values) if value.lower() == "none"}
        if empty:
            for row, value in zip(rows, values, strict=True):
                if value in empty:
                    del row[name]
    return rows


def _parse_votes(
    section: _Section, meta: dict[str, str], projects: tuple[Project, ...]
) -> tuple[Vote, ...] | _ParsedVotes:
    vote_type = meta["vote_type"]
    required = (
        ("voter_id", "vote", "points") if vote_type in POINTS_VOTE_TYPES else ("voter_id", "vote")
    )
    reader = _VoteReader(_header(section, required, "VOTES"), vote_type, projects)
    parsed = reader.all_votes(section)
    if parsed is not None:
        return parsed
    votes: list[Vote] = []
    seen: set[str] = set()
    for line, row in section.body():
        vote = reader.vote(line, row)
        if vote.voter_id in seen:
            raise PabulibError(f"duplicate voter_id {vote.voter_id!r}", line)
        seen.add(vote.voter_id)
        votes.append(vote)
    return tuple(votes)


def _check_counts(section: _Section, meta: dict[str, str], projects: int, votes: int) -> None:
    """A declared count that disagrees with the rows is the mark of a truncated file."""
    for key, actual in (("num_projects", projects), ("num_votes", votes)):
        declared = meta.get(key)
        if declared is None:
            continue
        rows = zip(section.lines, section.rows, strict=True)
        line = next(line for line, row in rows if row[0].strip() == key)
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
