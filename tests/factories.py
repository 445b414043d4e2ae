"""factory-boy factories shared by the whole suite."""

from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from participation.models import Axis, Phase, Process, Role, User
from proposals.markup import render_markdown
from proposals.models import Comment, Evaluation, Proposal

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    language = "fr"

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Verified e-mail address by default; pass verified=False for an unverified one."""
        if create:
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=extracted is not False
            )


class ProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Process

    slug = factory.Sequence(lambda n: f"process-{n}")
    title = factory.Sequence(lambda n: f"Process {n}")
    is_published = True


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    process = factory.SubFactory(ProcessFactory)
    kind = Phase.Kind.PROPOSALS
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Axis

    process = factory.SubFactory(ProcessFactory)
    slug = factory.Sequence(lambda n: f"axis-{n}")
    title = factory.Sequence(lambda n: f"Axis {n}")
    budget = Decimal("100000")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    process = factory.SubFactory(ProcessFactory)
    kind = Role.Kind.ORGANISER


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    axis = factory.SubFactory(AxisFactory)
    author = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Proposal {n}")
    summary = "A short summary"
    body = "Some **Markdown** body"
    body_html = factory.LazyAttribute(lambda p: render_markdown(p.body))
    estimated_cost = Decimal("10000")
    status = Proposal.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    proposal = factory.SubFactory(ProposalFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"Comment {n}")


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    proposal = factory.SubFactory(ProposalFactory)
    evaluator = factory.SubFactory(UserFactory)
    feasible = True
    reason = "Checked with the services"
