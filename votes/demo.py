"""Voting demo data: a process whose vote is open, and a past edition with published results.

Called at the end of ``participation.demo.load_demo`` (after the demo accounts exist); each
process is created once (by its slug). Ballots go through the voting services, so the demo
holds exactly what real use would: voter records, secret ballots, assisted paper ballots.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from participation.models import Axis, Phase, Process, Role, User
from proposals.markup import render_markdown
from proposals.models import Proposal
from votes import services

OPEN_SLUG = "petits-projets-nantes-nord"
PAST_SLUG = "budget-participatif-quartiers-2025"
ORGANISER = "organisation@example.org"
MEDIATOR = "mediation@example.org"
ONLINE_VOTERS = [
    "yann.le-goff@example.org",
    "amina.diallo@example.org",
    "louise.bernard@example.org",
    "thomas.nguyen@example.org",
    "sophie.martin@example.org",
    "karim.benali@example.org",
]
PLACES = ["Médiathèque Jacques Demy", "Maison de quartier de la Boissière", "Mairie annexe Nord"]

OPEN_AXES = [
    {
        "slug": "espaces-publics",
        "title": "Espaces publics",
        "description": "Des aménagements simples pour les rues, places et squares du quartier.",
        "budget": Decimal("50000"),
        "ballot_type": Axis.BallotType.BUDGET,
        "result_rule": Axis.ResultRule.GREEDY,
        "proposals": [
            ("Des bancs et de l'ombre place de la Mairie", 12000),
            ("Un jardin partagé au square des Tilleuls", 18000),
            ("Des arceaux vélo devant les écoles", 6000),
            ("Une boîte à livres au marché", 2000),
            ("Éclairer le chemin de la Boissière", 25000),
        ],
    },
    {
        "slug": "jeunesse",
        "title": "Jeunesse",
        "description": "Des projets pour et avec les jeunes du quartier.",
        "budget": Decimal("20000"),
        "ballot_type": Axis.BallotType.POINTS,
        "points_total": 10,
        "points_max_per_proposal": 5,
        "result_rule": Axis.ResultRule.GREEDY,
        "proposals": [
            ("Un studio de musique au centre socioculturel", 9000),
            ("Un terrain de basket rénové", 11000),
            ("Des ateliers de code le mercredi", 4000),
            ("Un festival de fin d'année", 6000),
        ],
    },
]
PAST_AXES = [
    {
        "slug": "quartiers",
        "title": "Quartiers",
        "description": "Les projets de proximité votés par les habitantes et habitants en 2025.",
        "budget": Decimal("80000"),
        "ballot_type": Axis.BallotType.APPROVAL,
        "max_choices": 3,
        "result_rule": Axis.ResultRule.GREEDY,
        "proposals": [
            ("Une aire de jeux inclusive au parc de Procé", 35000),
            ("Des fontaines à eau dans les parcs", 15000),
            ("Un composteur collectif par quartier", 10000),
            ("Une fresque participative sur le mur du gymnase", 8000),
            ("Des toilettes publiques accessibles", 40000),
            ("Un potager pédagogique à l'école Chêne d'Aron", 12000),
        ],
    },
]


def _process(slug: str, title: str, summary: str, voting: tuple, age: timedelta) -> Process:
    now = timezone.now()
    process = Process.objects.create(
        slug=slug,
        title=title,
        summary=summary,
        description=summary,
        place="Nantes",
        is_published=True,
    )
    # Older than the main demo process, which stays first in the lists.
    Process.objects.filter(pk=process.pk).update(created_at=now - age)
    start, end = voting
    Phase.objects.create(
        process=process,
        kind=Phase.Kind.PROPOSALS,
        starts_at=start - timedelta(days=60),
        ends_at=start - timedelta(days=20),
    )
    Phase.objects.create(
        process=process, kind=Phase.Kind.VOTING, starts_at=start, ends_at=end, title="Vote"
    )
    for email, kind in ((ORGANISER, Role.Kind.ORGANISER), (MEDIATOR, Role.Kind.MEDIATOR)):
        user = User.objects.filter(email=email).first()
        if user is not None:
            Role.objects.get_or_create(user=user, process=process, kind=kind)
    return process


def _axes(process: Process, specs: list[dict], authors: list[User]) -> list[Axis]:
    axes = []
    for position, spec in enumerate(specs):
        fields = {key: value for key, value in spec.items() if key != "proposals"}
        axis = Axis.objects.create(process=process, position=position, **fields)
        axis.demo_proposals = [
            Proposal.objects.create(
                axis=axis,
                author=authors[index % len(authors)] if authors else None,
                title=title,
                summary=title,
                body=title,
                body_html=render_markdown(title),
                estimated_cost=Decimal(cost),
                status=Proposal.Status.PUBLISHED,
                published_at=timezone.now() - timedelta(days=30),
                selected_for_vote=True,
            )
            for index, (title, cost) in enumerate(spec["proposals"])
        ]
        axes.append(axis)
    return axes


def _choices(axis: Axis, seed: int) -> list[int] | dict[str, int]:
    """A plausible ballot, different from one voter to the next, always valid."""
    chance = random.Random(seed)  # the same demo on every machine
    # Earlier proposals are more popular, so the results are not all ties.
    proposals = sorted(axis.demo_proposals, key=lambda p: chance.random() * (1 + p.pk % 7))
    if axis.ballot_type == Axis.BallotType.POINTS:
        first, second = proposals[0], proposals[1]
        return {str(first.pk): 5, str(second.pk): chance.randint(1, 5)}
    chosen, spent = [], Decimal(0)
    limit = min(axis.max_choices or len(proposals), chance.randint(1, len(proposals)))
    for proposal in proposals:
        if len(chosen) == limit:
            break
        if axis.ballot_type == Axis.BallotType.BUDGET and spent + proposal.vote_cost > axis.budget:
            continue
        chosen.append(proposal.pk)
        spent += proposal.vote_cost
    return chosen


def _vote(axis: Axis, online: list[User], mediator: User | None, paper: int) -> None:
    for seed, voter in enumerate(online):
        services.ballot_cast(voter=voter, axis=axis, choices=_choices(axis, seed))
    if mediator is None:
        return
    for number in range(paper):
        services.ballot_record_assisted(
            mediator=mediator,
            axis=axis,
            choices=_choices(axis, number + len(online)),
            person=services.AssistedPerson(
                full_name=f"Habitante ou habitant {number + 1}",
                birth_date=date(1940 + number, 1 + number % 12, 1 + number % 28),
            ),
            place=PLACES[number % len(PLACES)],
            channel="paper" if number % 2 else "assisted",
        )


def load_voting_demo() -> list[Process]:
    """Create the voting demo processes that do not exist yet; return those created."""
    voters = list(User.objects.filter(email__in=ONLINE_VOTERS).order_by("email"))
    mediator = User.objects.filter(email=MEDIATOR).first()
    organiser = User.objects.filter(email=ORGANISER).first()
    created = []
    now = timezone.now()
    if not Process.objects.filter(slug=OPEN_SLUG).exists():
        process = _process(
            OPEN_SLUG,
            "Petits projets — Nantes Nord",
            "Le vote est ouvert : choisissez les petits projets du quartier, axe par axe.",
            (now - timedelta(days=3), now + timedelta(days=12)),
            timedelta(days=1),
        )
        for axis in _axes(process, OPEN_AXES, voters):
            _vote(axis, voters[:3], mediator, paper=4)
        created.append(process)
    if not Process.objects.filter(slug=PAST_SLUG).exists() and organiser is not None:
        created.append(_past_edition(voters, mediator, organiser))
    return created


def _past_edition(voters: list[User], mediator: User | None, organiser: User) -> Process:
    """The 2025 edition: voted (online and on paper), closed, computed and published."""
    now = timezone.now()
    process = _process(
        PAST_SLUG,
        "Budget participatif des quartiers — édition 2025",
        "L'édition passée : les projets votés et leurs résultats.",
        (now - timedelta(days=1), now + timedelta(days=1)),
        timedelta(days=365),
    )
    axes = _axes(process, PAST_AXES, voters)
    for axis in axes:
        _vote(axis, voters, mediator, paper=18)
        services.voting_close(actor=organiser, axis=axis)
    # Then the calendar moves to where a past edition belongs.
    process.phases.filter(kind=Phase.Kind.VOTING).update(
        starts_at=now - timedelta(days=200), ends_at=now - timedelta(days=185)
    )
    process.phases.filter(kind=Phase.Kind.PROPOSALS).update(
        starts_at=now - timedelta(days=260), ends_at=now - timedelta(days=220)
    )
    for axis in axes:
        result = services.result_compute(axis_id=axis.pk)
        services.result_publish(actor=organiser, result=result)
    return process
