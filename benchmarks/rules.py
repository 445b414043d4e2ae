"""Speed and memory of the results engine, against pabutools, on the shared Pabulib elections.

    python benchmarks/rules.py [--cap 60] [--only NAME_PART] [--output docs/benchmarks.md]

For each file and rule: our time (the rule alone, and parse + rule), pabutools' time (taken
from tests/rules/references.json when make_references.py measured it, else run in a
subprocess stopped after --cap seconds), the ratio, whether the winners are identical, whether
the official winners (`selected` column) are reproduced, and our peak memory (tracemalloc,
parse + rule, measured in a separate pass). Writes a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from votes import pabulib  # noqa: E402
from votes.rules import (  # noqa: E402
    OFFICIAL_RULES,
    equal_shares,
    greedy,
    official,
    profile_from_election,
    warm_up,
)

SHARED = ROOT / ".." / "shared" / "pabulib"
REFERENCES = ROOT / "tests" / "rules" / "references.json"
RULES = ("greedy", "equal_shares_plain", "equal_shares", "equal_shares_until_overspend")
TARGETS = {"greedy": 0.5, "equal_shares": 2.0, "equal_shares_until_overspend": 2.0}
MEMORY_TARGET_MB = 500
RUNS = 5  # timed runs of each rule on each file


def run_rule(rule: str, election: pabulib.Election):
    """Our outcome of one rule (as the references name them), from a parsed election."""
    if rule == "official":
        return official(election)
    profile = profile_from_election(election)
    if rule == "greedy":
        scheme = "approval" if profile.kind == "ranking" else "descending"
        return greedy(profile, rank_points=scheme)
    completion = {
        "equal_shares_plain": "none",
        "equal_shares": "add1",
        "equal_shares_until_overspend": "add1_until_overspend",
    }[rule]
    return equal_shares(profile, completion=completion)


@dataclass
class Row:
    file: str
    rule: str
    ours: float
    with_parse: float
    slowest: float
    peak_mb: float
    theirs: str = "—"
    ratio: str = "—"
    identical: str = "—"
    official: str = "—"


def timed(path: Path, rule: str) -> tuple[float, float, float, list[str]]:
    """(rule seconds, parse + rule seconds, slowest parse + rule, winners) over RUNS runs:
    the medians, so that one run slowed by other work on the machine does not count."""
    rule_times, times = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        election = pabulib.read(path)
        parsed = time.perf_counter()
        outcome = run_rule(rule, election)
        end = time.perf_counter()
        rule_times.append(end - parsed)
        times.append(end - start)
    winners = list(outcome.winners)
    return statistics.median(rule_times), statistics.median(times), max(times), winners


def peak_memory(path: Path, rule: str) -> float:
    """Peak traced memory (MB) of parsing the file and running the rule."""
    tracemalloc.start()
    run_rule(rule, pabulib.read(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def pabutools_run(path: Path, rule: str, cap: float) -> dict | None:
    """pabutools' winners and time in a subprocess, or None after `cap` seconds."""
    command = [sys.executable, __file__, "--pabutools", str(path), rule]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=cap, check=True)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout)


def pabutools_child(path: str, rule: str) -> None:
    """Entry point of the subprocess: one pabutools run, printed as JSON."""
    from pabutools.election import parse_pabulib

    from benchmarks.make_references import compute

    instance, profile = parse_pabulib(path)
    start = time.perf_counter()
    winners = compute(rule, instance, profile)
    print(json.dumps({"winners": winners, "seconds": time.perf_counter() - start}))


def compare(row: Row, winners: list[str], reference: dict | None, cap: float) -> None:
    if reference is None:
        row.theirs = f"> {cap:g}"
        return
    row.identical = "yes" if reference["winners"] == winners else "**no**"
    if reference.get("method") == "decisive steps":  # not the whole loop: no time to compare
        row.theirs, row.identical = "not run†", row.identical + "†"
        return
    row.theirs = f"{reference['seconds']:.2f}"
    row.ratio = f"{reference['seconds'] / max(row.ours, 1e-6):,.0f}×"


def file_rows(path: Path, references: dict, cap: float, live: bool) -> list[Row]:
    """One row per rule, and one for the official rule when the file declares a known one."""
    rows = []
    known = references.get(path.name, {})
    for rule in RULES:
        ours, with_parse, slowest, winners = timed(path, rule)
        row = Row(path.name, rule, ours, with_parse, slowest, peak_memory(path, rule))
        reference = known.get(rule)
        # pabutools has no "until overspend" switch of its own: only the reference run.
        if reference is None and live and rule != "equal_shares_until_overspend":
            reference = pabutools_run(path, rule, cap)
            compare(row, winners, reference, cap)
        elif reference is not None:
            compare(row, winners, reference, cap)
        rows.append(row)
    election = pabulib.read(path)
    if election.meta.get("rule") in OFFICIAL_RULES:
        ours, with_parse, slowest, winners = timed(path, "official")
        memory = peak_memory(path, "official")
        name = f"official ({election.meta['rule']})"
        row = Row(path.name, name, ours, with_parse, slowest, memory)
        if any("selected" in p.columns for p in election.projects):
            selected = {p.project_id for p in election.projects if p.columns["selected"] == "1"}
            row.official = "yes" if set(winners) == selected else "**no**"
        else:
            row.official = "n/a‡"
        rows.append(row)
    return rows


def misses(rows: list[Row]) -> list[str]:
    """Rows above the targets in their slowest run: greedy 0.5 s, parse + Equal Shares
    with a completion 2 s."""
    found = []
    for row in rows:
        target = TARGETS.get(row.rule)
        timing = row.ours if row.rule == "greedy" else row.slowest
        if target is not None and timing > target:
            found.append(f"{row.file} {row.rule}: {timing:.2f} s (target {target} s)")
        if row.peak_mb > MEMORY_TARGET_MB:
            found.append(f"{row.file} {row.rule}: {row.peak_mb:.0f} MB peak")
    return found


def markdown(rows: list[Row], cap: float) -> str:
    import numba
    import numpy

    try:
        from importlib.metadata import version

        pabutools_version = version("pabutools")
    except Exception:  # noqa: BLE001 - the table is still useful without it
        pabutools_version = "?"
    lines = [
        "# Results engine benchmarks",
        "",
        f"Generated by `python benchmarks/rules.py` on {date.today().isoformat()}: "
        f"{os.cpu_count()} CPUs ({platform.machine()}), Python {platform.python_version()}, "
        f"NumPy {numpy.__version__}, numba {numba.__version__}, pabutools {pabutools_version}. "
        "The machine was shared with other work, so times are indicative (a few tens of "
        "percent); the engine's compiled loops were compiled before timing (`warm_up`).",
        "",
        f"- *ours*: the rule alone; *parse + rule*: reading the .pb file too; medians of "
        f"{RUNS} runs, and the slowest of them (targets, checked on the slowest: greedy under "
        "0.5 s, parse + Equal Shares with a completion under 2 s, peak memory under 500 MB).",
        "- *pabutools*: pabutools 1.2.3 on the same file and rule, from "
        "`tests/rules/references.json` (measured by `benchmarks/make_references.py`) or run "
        f"live and stopped after {cap:g} s. *identical*: same winners in the same order.",
        "- Rules: `greedy` (ordinal ballots as approvals, cumulative by total points), "
        "`equal_shares_plain` (no completion), `equal_shares` (+1 completion then greedy "
        "fill), `equal_shares_until_overspend` (+1 while the outcome fits, then greedy fill), "
        "`official` (the file's META rule; *official*: the `selected` winners reproduced).",
        "- *peak MB*: tracemalloc peak of parsing plus the rule (NumPy arrays included; the "
        "arrays the compiled loops allocate are not traced: a few MB on the largest file).",
        "- † pabutools' +1 loop on Budapest would take some 22,000 runs (hours): its reference "
        "was computed at the decisive steps only (the step where the loop stops, the next one, "
        "and two earlier samples), see `benchmarks/make_references.py`.",
        "- ‡ the file has no `selected` column: no official winners to compare with.",
        "- pabutools' times were measured under `nice` while other work shared the machine.",
        "",
        "| file | rule | ours (s) | parse + rule (s) | slowest (s) | pabutools (s) | ratio "
        "| identical | official | peak MB |",
        "|---|---|---:|---:|---:|---:|---:|:---:|:---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.file.removesuffix('.pb')} | {row.rule} | {row.ours:.3f} | "
            f"{row.with_parse:.3f} | {row.slowest:.3f} | {row.theirs} | {row.ratio} | "
            f"{row.identical} | {row.official} | {row.peak_mb:.0f} |"
        )
    found = misses(rows)
    lines += ["", "## Targets missed", ""]
    lines += [f"- {miss}" for miss in found] or ["None."]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Benchmark every shared file (smallest first) and write the markdown table."""
    if len(sys.argv) == 4 and sys.argv[1] == "--pabutools":
        pabutools_child(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=60.0, help="seconds per pabutools run")
    parser.add_argument("--only", default="", help="only files whose name contains this")
    parser.add_argument("--no-pabutools", action="store_true", help="no live pabutools runs")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    args = parser.parse_args()
    references = json.loads(REFERENCES.read_text()) if REFERENCES.exists() else {}
    warm_up()  # compiling the engine's loops (once per machine) is not what is measured
    rows = []
    for path in sorted(SHARED.glob("*.pb"), key=lambda p: p.stat().st_size):
        if args.only in path.name:
            rows.extend(file_rows(path, references, args.cap, not args.no_pabutools))
            print(f"{path.name} done", file=sys.stderr, flush=True)
    Path(args.output).write_text(markdown(rows, args.cap))
    print("\n".join(misses(rows)) or "all targets met")


if __name__ == "__main__":
    main()
