"""The rule a Pabulib file declares it was decided by (META `rule`)."""

from __future__ import annotations

from votes.pabulib import Election, PabulibError, parse_number
from votes.rules.equal_shares import equal_shares
from votes.rules.greedy import greedy
from votes.rules.outcome import Outcome
from votes.rules.profile import profile_from_election

OFFICIAL_RULES = (
    "greedy",
    "greedy-threshold",
    "greedy-no-skip",
    "equalshares/add1",
    "equalshares/add1-comparison",
)


def official(election: Election) -> Outcome:
    """Apply the rule of the file's META `rule`: greedy, greedy-threshold (eligible from META
    `min_project_score_threshold` votes or points), greedy-no-skip (stop at the first project
    that does not fit), equalshares/add1 (Equal Shares with the +1 completion, without
    greedy fill) or equalshares/add1-comparison (raising budgets while the outcome still
    fits, as Wieliczka 2023 did). Ranking ballots score k, k-1, ..., 1 by rank (k: longest ballot),
    as Kraków does. Raise ValueError on any other rule."""
    rule = election.meta.get("rule", "")
    profile = profile_from_election(election)
    if rule == "greedy":
        return greedy(profile)
    if rule == "greedy-threshold":
        return greedy(profile, threshold=_threshold(election))
    if rule == "greedy-no-skip":
        return greedy(profile, skip=False)
    # The rule names the completion only: no greedy fill (Assen 2024 confirms it: a fill
    # would add project 7, which the city did not fund).
    if rule == "equalshares/add1":
        return equal_shares(profile, completion="add1", greedy_fill=False)
    if rule == "equalshares/add1-comparison":
        return equal_shares(profile, completion="add1_until_overspend", greedy_fill=False)
    known = ", ".join(OFFICIAL_RULES)
    raise ValueError(f"unknown rule {rule!r} in META (known rules: {known})")


def _threshold(election: Election):
    text = election.meta.get("min_project_score_threshold")
    if text is None:
        raise ValueError("rule greedy-threshold needs META min_project_score_threshold")
    try:
        return parse_number(text, "min_project_score_threshold")
    except PabulibError as error:
        raise ValueError(str(error)) from None
