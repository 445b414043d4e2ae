"""What a valid ballot is, for each ballot type of an axis, with messages that say what to fix.

Choices arrive as JSON-like data (from the API, the session basket or a mediator's form):

- ``approval`` and ``budget``: a list of proposal ids;
- ``ranking``: a list of proposal ids, best first;
- ``points``: a mapping of proposal id to a whole number of points.

``ballot_check`` returns the normalised choices (what a Ballot stores) and the list of problems;
``ballot_validate`` raises ``InvalidBallot`` unless there is none. Only the proposals on the
ballot (selected for the vote on this axis) may be chosen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participation.errors import DomainError
from participation.models import Axis


class InvalidBallot(DomainError):
    """The choices do not make a valid ballot for this axis."""

    code = "invalid_ballot"

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems), field="choices")
        self.problems = problems


@dataclass(frozen=True)
class BallotProposal:
    """A proposal as the ballot sees it: its id, title and cost in the vote."""

    id: int
    title: str
    cost: Decimal


@dataclass
class BallotCheck:
    """Normalised choices, what they add up to, and what is wrong with them (if anything)."""

    choices: list[int] | dict[str, int]
    chosen: list[BallotProposal] = field(default_factory=list)
    total_cost: Decimal = Decimal(0)
    points_used: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems


def euros(amount: Decimal) -> str:
    """An amount as shown in messages: grouped thousands, no cents, with the euro sign."""
    return f"{number_format(amount, decimal_pos=0, use_l10n=True, force_grouping=True)} €"


def ballot_check(
    *, axis: Axis, proposals: Mapping[int, BallotProposal], choices: object
) -> BallotCheck:
    """Check choices against the axis' ballot type and limits; never raises."""
    if axis.ballot_type == Axis.BallotType.POINTS:
        check = _check_points(axis, proposals, choices)
    else:
        check = _check_list(axis, proposals, choices)
    if not check.problems:
        _check_count(axis, len(check.chosen), check.problems)
    if axis.ballot_type == Axis.BallotType.BUDGET and not check.problems:
        _check_budget(axis, check)
    return check


def ballot_validate(
    *, axis: Axis, proposals: Mapping[int, BallotProposal], choices: object
) -> list[int] | dict[str, int]:
    """The normalised choices of a valid ballot; raises InvalidBallot with what to fix."""
    check = ballot_check(axis=axis, proposals=proposals, choices=choices)
    if check.problems:
        raise InvalidBallot(check.problems)
    return check.choices


def _as_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _unknown(value: object) -> str:
    return _(
        "“%(value)s” is not on the ballot of this axis: choose among the proposals "
        "selected for the vote."
    ) % {"value": str(value)[:40]}


def _check_list(
    axis: Axis, proposals: Mapping[int, BallotProposal], choices: object
) -> BallotCheck:
    check = BallotCheck(choices=[])
    if not isinstance(choices, list | tuple):
        check.problems.append(_("Send your choices as a list of proposal numbers."))
        return check
    ids: list[int] = []
    for value in choices:
        proposal_id = _as_id(value)
        if proposal_id not in proposals:
            check.problems.append(_unknown(value))
        elif proposal_id in ids:
            message = (
                _("“%(title)s” appears twice in your ranking: rank each proposal once.")
                if axis.ballot_type == Axis.BallotType.RANKING
                else _("“%(title)s” is chosen twice: choose each proposal once.")
            )
            check.problems.append(message % {"title": proposals[proposal_id].title})
        else:
            ids.append(proposal_id)
    # Order matters only in a ranking; elsewhere it would only tell in which order one clicked.
    check.choices = ids if axis.ballot_type == Axis.BallotType.RANKING else sorted(ids)
    check.chosen = [proposals[proposal_id] for proposal_id in ids]
    check.total_cost = sum((proposal.cost for proposal in check.chosen), Decimal(0))
    return check


def _as_points(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _check_points(
    axis: Axis, proposals: Mapping[int, BallotProposal], choices: object
) -> BallotCheck:
    check = BallotCheck(choices={})
    if not isinstance(choices, Mapping):
        check.problems.append(
            _("Send your choices as a mapping of proposal numbers to points, e.g. {“12”: 3}.")
        )
        return check
    points: dict[int, int] = {}
    for key, value in choices.items():
        proposal_id, amount = _as_id(key), _as_points(value)
        if proposal_id not in proposals:
            check.problems.append(_unknown(key))
        elif amount is None or amount < 1:
            check.problems.append(
                _("Give “%(title)s” a whole number of points, at least 1 (or remove it).")
                % {"title": proposals[proposal_id].title}
            )
        elif amount > axis.points_max_per_proposal:
            check.problems.append(
                _("At most %(max)d points per proposal: “%(title)s” has %(points)d.")
                % {
                    "max": axis.points_max_per_proposal,
                    "title": proposals[proposal_id].title,
                    "points": amount,
                }
            )
        else:
            points[proposal_id] = amount
    check.points_used = sum(points.values())
    if check.points_used > axis.points_total:
        excess = check.points_used - axis.points_total
        check.problems.append(
            ngettext(
                "You gave %(used)d points but have %(total)d to spread: remove %(excess)d point.",
                "You gave %(used)d points but have %(total)d to spread: remove %(excess)d points.",
                excess,
            )
            % {"used": check.points_used, "total": axis.points_total, "excess": excess}
        )
    check.choices = {str(proposal_id): points[proposal_id] for proposal_id in sorted(points)}
    check.chosen = [proposals[proposal_id] for proposal_id in sorted(points)]
    check.total_cost = sum((proposal.cost for proposal in check.chosen), Decimal(0))
    return check


def _check_count(axis: Axis, count: int, problems: list[str]) -> None:
    if count < axis.min_choices:
        problems.append(
            ngettext(
                "Choose at least %(min)d proposal (you chose %(count)d).",
                "Choose at least %(min)d proposals (you chose %(count)d).",
                axis.min_choices,
            )
            % {"min": axis.min_choices, "count": count}
        )
    elif axis.max_choices is not None and count > axis.max_choices:
        excess = count - axis.max_choices
        problems.append(
            ngettext(
                "Choose at most %(max)d proposals (you chose %(count)d): remove %(excess)d.",
                "Choose at most %(max)d proposals (you chose %(count)d): remove %(excess)d.",
                axis.max_choices,
            )
            % {"max": axis.max_choices, "count": count, "excess": excess}
        )


def budget_floor(axis: Axis) -> Decimal:
    """The least a budget ballot must spend (the axis' minimum share of its budget)."""
    return (axis.budget * axis.min_budget_share).quantize(Decimal("0.01"))


def _check_budget(axis: Axis, check: BallotCheck) -> None:
    if check.total_cost > axis.budget:
        check.problems.append(
            _(
                "Your choices cost %(total)s, over the budget of %(budget)s: remove "
                "proposals worth at least %(excess)s."
            )
            % {
                "total": euros(check.total_cost),
                "budget": euros(axis.budget),
                "excess": euros(check.total_cost - axis.budget),
            }
        )
        return
    floor = budget_floor(axis)
    if check.total_cost < floor:
        check.problems.append(
            _(
                "Spend at least %(floor)s of the budget (your choices cost %(total)s): add "
                "proposals worth at least %(missing)s."
            )
            % {
                "floor": euros(floor),
                "total": euros(check.total_cost),
                "missing": euros(floor - check.total_cost),
            }
        )
