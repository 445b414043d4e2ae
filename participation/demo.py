"""The demo process "Numérique en Commun[s] — Nantes", loaded by ``manage.py load_demo``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from participation.models import Axis, Phase, Process, Role, User
from proposals.markup import render_markdown
from proposals.models import Comment, Evaluation, ModerationDecision, Proposal, Report

DEMO_SLUG = "numerique-en-communs-nantes"
DEMO_PASSWORD = "demo-en-commun-2026"  # noqa: S105 — local demo accounts only, listed in README

ACCOUNTS = [
    # (e-mail, display name, role in the process or None, staff)
    ("citoyenne@example.org", "Camille Citoyenne", None, False),
    ("moderation@example.org", "Morgane Modération", Role.Kind.MODERATOR, False),
    ("evaluation@example.org", "Étienne Évaluation", Role.Kind.EVALUATOR, False),
    ("organisation@example.org", "Olivia Organisation", Role.Kind.ORGANISER, False),
    ("mediation@example.org", "Medhi Médiation", Role.Kind.MEDIATOR, False),
    ("admin@example.org", "Admin En Commun", None, True),
]
AUTHORS = [
    ("yann.le-goff@example.org", "Yann Le Goff"),
    ("amina.diallo@example.org", "Amina Diallo"),
    ("louise.bernard@example.org", "Louise Bernard"),
    ("thomas.nguyen@example.org", "Thomas Nguyen"),
    ("sophie.martin@example.org", "Sophie Martin"),
    ("karim.benali@example.org", "Karim Benali"),
]

AXES = [
    {
        "slug": "lieux",
        "title": "Lieux",
        "description": "Des lieux ouverts à toutes et tous pour apprendre, réparer et se "
        "retrouver autour du numérique : médiathèques, tiers-lieux, espaces publics numériques.",
        "budget": Decimal("150000"),
        "ballot_type": Axis.BallotType.BUDGET,
        "min_choices": 1,
        "result_rule": Axis.ResultRule.GREEDY,
    },
    {
        "slug": "donnees",
        "title": "Données",
        "description": "Des données publiques ouvertes, compréhensibles et utiles aux "
        "habitantes et habitants, produites et gouvernées avec elles et eux.",
        "budget": Decimal("100000"),
        "ballot_type": Axis.BallotType.APPROVAL,
        "min_choices": 1,
        "max_choices": 3,
        "result_rule": Axis.ResultRule.EQUAL_SHARES,
    },
    {
        "slug": "communs",
        "title": "Communs",
        "description": "Des communs numériques — logiciels libres, savoirs partagés, "
        "infrastructures coopératives — entretenus par et pour le territoire.",
        "budget": Decimal("120000"),
        "ballot_type": Axis.BallotType.POINTS,
        "min_choices": 1,
        "points_total": 10,
        "points_max_per_proposal": 5,
        "result_rule": Axis.ResultRule.GREEDY,
    },
]

# (axis, title, summary, cost, place)
PROPOSALS = [
    (
        "lieux",
        "Un atelier de réparation d'ordinateurs à la médiathèque Jacques Demy",
        "Réparer plutôt que jeter : un atelier mensuel animé par des bénévoles et un technicien.",
        18000,
        "Médiathèque Jacques Demy",
    ),
    (
        "lieux",
        "Des permanences numériques dans les maisons de quartier",
        "Un conseiller numérique présent deux demi-journées par semaine dans six quartiers.",
        42000,
        "Maisons de quartier de Bellevue, Malakoff, Dervallières, Nantes Nord, Clos Toreau, Breil",
    ),
    (
        "lieux",
        "Un fablab mobile dans un camion",
        "Imprimante 3D, découpe laser et ateliers d'initiation qui viennent aux habitants.",
        65000,
        "Itinérant",
    ),
    (
        "lieux",
        "Wifi public gratuit et sobre dans les parcs",
        "Des bornes à faible consommation, sans collecte de données, dans cinq parcs.",
        30000,
        "Jardin des Plantes, parc de Procé, île de Versailles",
    ),
    (
        "lieux",
        "Un espace numérique pour les seniors à l'EHPAD de la Madeleine",
        "Tablettes adaptées et ateliers hebdomadaires pour garder le lien avec les proches.",
        12000,
        "Quartier Madeleine – Champ de Mars",
    ),
    (
        "lieux",
        "Des bornes de recharge de téléphones solaires",
        "Recharger son téléphone gratuitement dans l'espace public, grâce au soleil.",
        24000,
        "Place du Commerce, gare Sud",
    ),
    (
        "lieux",
        "Un tiers-lieu numérique à l'île de Nantes",
        "Un lieu partagé pour associations, coworking solidaire et ateliers ouverts.",
        90000,
        "Île de Nantes",
    ),
    (
        "lieux",
        "Accessibilité des espaces publics numériques",
        "Claviers adaptés, lecteurs d'écran et loupes pour les personnes en situation de handicap.",
        15000,
        "Toutes les médiathèques",
    ),
    (
        "lieux",
        "Des ateliers parents-enfants sur les écrans",
        "Comprendre les usages des écrans en famille, avec des animateurs formés.",
        8000,
        "Centres socioculturels",
    ),
    (
        "lieux",
        "Du wifi gratuit au parc de Procé",
        "Pouvoir se connecter librement au parc, sans inscription ni publicité.",
        9000,
        "Parc de Procé",
    ),
    (
        "donnees",
        "Publier les horaires réels des bus en données ouvertes",
        "Les retards et horaires en temps réel, réutilisables par toutes les applications.",
        25000,
        "",
    ),
    (
        "donnees",
        "Un observatoire citoyen de la qualité de l'air",
        "Des capteurs installés par les habitants et des données publiées chaque heure.",
        38000,
        "Écoles volontaires",
    ),
    (
        "donnees",
        "Un budget de la ville expliqué et ouvert",
        "Le budget municipal en données ouvertes, avec une visualisation compréhensible.",
        20000,
        "",
    ),
    (
        "donnees",
        "Cartographier les arbres de la ville",
        "Recensement participatif des arbres, de leur essence et de leur état.",
        16000,
        "Toute la ville",
    ),
    (
        "donnees",
        "Des ateliers « lire les données » pour les associations",
        "Former les associations à utiliser les données publiques pour leurs projets.",
        9000,
        "Maison des associations",
    ),
    (
        "donnees",
        "Ouvrir les données d'accessibilité des bâtiments publics",
        "Savoir avant de se déplacer si un bâtiment est accessible en fauteuil.",
        22000,
        "",
    ),
    (
        "donnees",
        "Un registre public des algorithmes utilisés par la ville",
        "Lister et expliquer les traitements algorithmiques qui concernent les habitants.",
        14000,
        "",
    ),
    (
        "donnees",
        "Mesurer et publier la consommation énergétique des écoles",
        "Des compteurs et un tableau de bord ouvert pour piloter les économies d'énergie.",
        35000,
        "Groupes scolaires",
    ),
    (
        "donnees",
        "Des données sur les places de stationnement vélo",
        "Recenser les arceaux et leur taux d'occupation pour mieux les implanter.",
        12000,
        "Centre-ville",
    ),
    (
        "donnees",
        "Un portail des données des associations sportives",
        "Créneaux, équipements et disponibilités en données ouvertes.",
        10000,
        "",
    ),
    (
        "communs",
        "Soutenir les logiciels libres utilisés par la ville",
        "Un fonds pour contribuer aux logiciels libres dont dépendent les services municipaux.",
        40000,
        "",
    ),
    (
        "communs",
        "Une bibliothèque d'objets connectés à emprunter",
        "Emprunter un capteur, un micro-ordinateur ou un outil comme on emprunte un livre.",
        14000,
        "Médiathèque Floresca Guépin",
    ),
    (
        "communs",
        "Un wiki des savoirs du quartier",
        "Histoire, bonnes adresses et savoir-faire, écrits par les habitants sous licence libre.",
        8000,
        "Quartier Nantes Nord",
    ),
    (
        "communs",
        "Des ordinateurs reconditionnés pour les étudiants",
        "Collecter le matériel de la ville, le reconditionner sous Linux et le donner.",
        30000,
        "Campus du Tertre",
    ),
    (
        "communs",
        "Un hébergement coopératif pour les associations",
        "Messagerie, agenda et stockage libres et locaux, plutôt que des services des géants.",
        26000,
        "",
    ),
    (
        "communs",
        "Former les agents municipaux aux communs numériques",
        "Des sessions pour comprendre, utiliser et contribuer aux communs.",
        12000,
        "Hôtel de ville",
    ),
    (
        "communs",
        "Une fête annuelle des communs",
        "Une journée de rencontres, d'ateliers et de contributions ouvertes à toutes et tous.",
        9000,
        "Parc des Chantiers",
    ),
    (
        "communs",
        "Traduire et documenter des logiciels libres en breton et en gallo",
        "Rendre les outils libres disponibles dans les langues de la région.",
        7000,
        "",
    ),
    (
        "communs",
        "Un réseau de stockage partagé entre médiathèques",
        "Des serveurs mutualisés et libres pour les fonds numériques des médiathèques.",
        35000,
        "Réseau des médiathèques",
    ),
    (
        "communs",
        "Une cartographie libre des lieux de médiation numérique",
        "Une carte ouverte, contribuée et à jour de tous les lieux d'accompagnement.",
        6000,
        "",
    ),
]

COMMENTS = [
    "Très bonne idée, j'y participerais volontiers comme bénévole.",
    "Est-ce que le coût inclut l'entretien sur plusieurs années ?",
    "Dans mon quartier, c'est exactement ce qui manque.",
    "Il faudrait penser aux horaires pour les personnes qui travaillent.",
    "Attention à ne pas doublonner avec ce qui existe déjà au centre socioculturel.",
]
# Replies to the comments of even rank in COMMENTS (0, 2, 4), each answering its comment.
REPLIES = {
    0: "Merci ! La personne qui porte le projet cherche justement des bénévoles.",
    2: "Tout à fait, on peut s'appuyer sur les associations du quartier.",
    4: "Bonne remarque : le projet prévoit de s'associer au centre socioculturel.",
}


def _account(email: str, name: str, *, staff: bool = False) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": name, "is_staff": staff, "is_superuser": staff}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _phases(process: Process, now) -> None:
    day = timedelta(days=1)
    plan = [
        (Phase.Kind.INFORMATION, now - 30 * day, now - 15 * day, "Découvrir la démarche"),
        (Phase.Kind.PROPOSALS, now - 15 * day, now + 20 * day, "Déposer et discuter des idées"),
        (Phase.Kind.REVIEW, now + 20 * day, now + 35 * day, "Analyse des propositions"),
        (Phase.Kind.VOTING, now + 35 * day, now + 50 * day, "Voter pour chaque axe"),
        (Phase.Kind.RESULTS, now + 50 * day, now + 120 * day, "Résultats et réalisation"),
    ]
    for kind, start, end, title in plan:
        Phase.objects.create(process=process, kind=kind, starts_at=start, ends_at=end, title=title)


def _proposals(process: Process, authors: list[User], now) -> list[Proposal]:
    axes = {axis.slug: axis for axis in process.axes.all()}
    created = []
    for index, (axis_slug, title, summary, cost, place) in enumerate(PROPOSALS):
        body = (
            f"{summary}\n\n**Pourquoi ?** Parce que le numérique doit être un bien commun, "
            f"accessible à chacune et chacun.\n\n**Comment ?**\n\n- avec les associations "
            f"du territoire ;\n- avec les services de la ville ;\n- avec les habitantes et "
            f"habitants volontaires."
        )
        created.append(
            Proposal.objects.create(
                axis=axes[axis_slug],
                author=authors[index % len(authors)],
                title=title,
                summary=summary,
                body=body,
                body_html=render_markdown(body),
                estimated_cost=Decimal(cost),
                place=place,
                status=Proposal.Status.PUBLISHED,
                created_at=now - timedelta(days=14, hours=-index * 7),
                published_at=now - timedelta(days=13, hours=-index * 7),
                support_count=(index * 7) % 23,
            )
        )
    return created


def _comments(proposals: list[Proposal], authors: list[User], now) -> None:
    for index, proposal in enumerate(proposals[::2]):
        count = 0
        for offset, text in enumerate(COMMENTS[: 1 + index % len(COMMENTS)]):
            root = Comment.objects.create(
                proposal=proposal,
                author=authors[(index + offset + 1) % len(authors)],
                body=text,
                created_at=now - timedelta(days=10, hours=-offset),
            )
            count += 1
            if offset % 2 == 0:
                reply = Comment.objects.create(
                    proposal=proposal,
                    parent=root,
                    depth=1,
                    author=authors[(index + offset + 2) % len(authors)],
                    body=REPLIES[offset],
                    created_at=now - timedelta(days=9, hours=-offset),
                )
                Comment.objects.create(
                    proposal=proposal,
                    parent=reply,
                    depth=2,
                    author=root.author,
                    body="Merci pour la précision !",
                    created_at=now - timedelta(days=8, hours=-offset),
                )
                count += 2
        proposal.comment_count = count
        proposal.save(update_fields=["comment_count"])


def _evaluations(proposals: list[Proposal], evaluator: User) -> None:
    feasible = proposals[0]
    Evaluation.objects.create(
        proposal=feasible,
        evaluator=evaluator,
        feasible=True,
        reason="Le service des médiathèques confirme la faisabilité ; coût ajusté après devis.",
        validated_cost=Decimal("19500"),
    )
    infeasible = proposals[5]
    Evaluation.objects.create(
        proposal=infeasible,
        evaluator=evaluator,
        feasible=False,
        reason="L'installation sur le domaine public classé n'est pas autorisée à cet endroit.",
    )
    # A duplicate (wifi in one park) merged into the wifi-in-the-parks proposal.
    merged = proposals[9]
    merged.status = Proposal.Status.MERGED
    merged.merged_into = proposals[3]
    merged.save(update_fields=["status", "merged_into"])


# (axis, author index or None for Camille, status, title, summary, cost)
MODERATION_STATES = [
    ("lieux", None, Proposal.Status.DRAFT, "Une grainothèque numérique à la médiathèque",
     "Échanger des graines et des savoirs de jardinage, avec un catalogue en ligne.", 5000),
    ("donnees", 1, Proposal.Status.PENDING, "Un tableau de bord des pistes cyclables",
     "Les travaux, les fermetures et les comptages vélo, mis à jour chaque jour.", 18000),
    ("communs", 2, Proposal.Status.REJECTED, "Vendre les données des habitants",
     "Financer le budget participatif par la vente des données personnelles.", 1000),
    ("lieux", 3, Proposal.Status.HIDDEN, "Dépannage informatique à domicile — appelez-moi !",
     "Tarifs imbattables, devis gratuit, contactez mon entreprise.", 500),
]  # fmt: skip
REJECTION_REASON = (
    "Contraire à la charte du budget participatif : les données personnelles ne se vendent pas."
)
SELECTED = [0, 1, 3, 10, 12, 14, 20, 21, 23]  # feasible or not yet evaluated, published


def _moderation_states(process, proposals, authors, accounts, now) -> None:
    """A draft, a pending, a rejected and a hidden proposal, selections, reports and a log."""
    axes = {axis.slug: axis for axis in process.axes.all()}
    moderator = accounts["moderation@example.org"]
    camille = accounts["citoyenne@example.org"]
    made = {}
    for axis_slug, author_index, status, title, summary, cost in MODERATION_STATES:
        author = camille if author_index is None else authors[author_index]
        made[status] = Proposal.objects.create(
            axis=axes[axis_slug],
            author=author,
            title=title,
            summary=summary,
            body=summary,
            body_html=render_markdown(summary),
            estimated_cost=Decimal(cost),
            status=status,
            created_at=now - timedelta(days=3),
            submitted_at=None if status == Proposal.Status.DRAFT else now - timedelta(days=2),
            published_at=now - timedelta(days=2) if status == Proposal.Status.HIDDEN else None,
            rejection_reason=REJECTION_REASON if status == Proposal.Status.REJECTED else "",
        )
    ModerationDecision.objects.create(
        process=process,
        moderator=moderator,
        action=ModerationDecision.Action.REJECT,
        proposal=made[Proposal.Status.REJECTED],
        reason=REJECTION_REASON,
        created_at=now - timedelta(days=1),
    )
    # Hidden by three reports, waiting in the moderation queue.
    for reporter in authors[:3]:
        Report.objects.create(
            proposal=made[Proposal.Status.HIDDEN], reporter=reporter, reason="Publicité."
        )
    comment = Comment.objects.filter(proposal=proposals[0]).order_by("pk").first()
    if comment is not None:
        Report.objects.create(
            comment=comment, reporter=authors[5], reason="Hors sujet, à mon avis."
        )
    for index in SELECTED:
        proposals[index].selected_for_vote = True
        proposals[index].save(update_fields=["selected_for_vote"])


@transaction.atomic
def load_demo() -> tuple[Process, bool]:
    """Create the demo process, its axes, proposals, comments and accounts, once."""
    existing = Process.objects.filter(slug=DEMO_SLUG).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    process = Process.objects.create(
        slug=DEMO_SLUG,
        title="Numérique en Commun[s] — Nantes",
        summary="Budget participatif du numérique d'intérêt général : lieux, données, communs.",
        description=(
            "Numérique en Commun[s] rassemble celles et ceux qui font un numérique d'intérêt "
            "général. À Nantes, 370 000 € sont confiés aux habitantes et habitants : proposez "
            "des projets dans les trois axes du programme, discutez-les, puis votez."
        ),
        place="Nantes",
        is_published=True,
        report_threshold=3,
    )
    for position, axis in enumerate(AXES):
        Axis.objects.create(process=process, position=position, **axis)
    _phases(process, now)
    accounts = {email: _account(email, name, staff=staff) for email, name, _, staff in ACCOUNTS}
    for email, _, role, _ in ACCOUNTS:
        if role is not None:
            Role.objects.create(user=accounts[email], process=process, kind=role)
    authors = [_account(email, name) for email, name in AUTHORS]
    proposals = _proposals(process, authors, now)
    _comments(proposals, authors, now)
    _evaluations(proposals, accounts["evaluation@example.org"])
    _moderation_states(process, proposals, authors, accounts, now)
    from votes.demo import load_voting_demo  # the vote's demo needs the accounts above

    load_voting_demo()
    return process, True
