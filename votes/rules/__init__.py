"""The results engine: pure Python rules (NumPy, no Django) computing participatory-budgeting
outcomes from a `Profile` of projects, budget and ballots.

    profile = make_profile(projects=[("a", 100), ("b", 50)], budget=120,
                           ballots=[["a"], ["a", "b"], ["b"]])
    outcome = equal_shares(profile)          # or greedy(profile), ranking(profile)
    outcome.winners, outcome.projects["b"].explanation
"""

from votes.rules.equal_shares import Completion, Utility, equal_shares
from votes.rules.greedy import greedy
from votes.rules.official import OFFICIAL_RULES, official
from votes.rules.outcome import (
    Comparison,
    Outcome,
    ProjectResult,
    Round,
    Status,
    Tie,
    compare_outcomes,
)
from votes.rules.profile import BallotKind, Profile, make_profile, profile_from_election
from votes.rules.ranking import RankingMethod, ranking
from votes.rules.scores import RankPoints, TieBreaking

__all__ = [
    "OFFICIAL_RULES",
    "BallotKind",
    "Comparison",
    "Completion",
    "Outcome",
    "Profile",
    "ProjectResult",
    "RankPoints",
    "RankingMethod",
    "Round",
    "Status",
    "Tie",
    "TieBreaking",
    "Utility",
    "compare_outcomes",
    "equal_shares",
    "greedy",
    "make_profile",
    "official",
    "profile_from_election",
    "ranking",
    "warm_up",
]


def warm_up() -> None:
    """Compile the engine's loops (numba), or load them from numba's cache, so that the
    first real computation does not wait for it: Equal Shares with its completion on a
    tiny election goes through all of them."""
    profile = make_profile(
        projects=[("a", 30), ("b", 20), ("c", 20), ("d", 10)],
        budget=45,
        ballots=[["a", "b"], ["b", "c"], ["a"], ["c", "d"], ["a", "d"]],
    )
    equal_shares(profile)
