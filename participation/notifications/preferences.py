"""E-mail preferences per kind of notification, and the signed one-click unsubscribe links."""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from participation.errors import DomainError, NotFound
from participation.models import (
    MANDATORY_NOTIFICATION_KINDS,
    Notification,
    NotificationPreference,
    User,
)

Delivery = NotificationPreference.Delivery
# The "kind" of an unsubscribe link found in a digest: every kind the person gets in digests.
DIGEST = "digest"
UNSUBSCRIBE_SALT = "participation.notifications.unsubscribe"


@dataclass(frozen=True)
class PreferenceRow:
    kind: str
    label: str
    delivery: str
    mandatory: bool


def preference_list(*, user: User) -> list[PreferenceRow]:
    """Every kind of notification with the person's e-mail choice for it (one query)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return [
        PreferenceRow(
            kind=kind,
            label=str(label),
            delivery=Delivery.IMMEDIATE
            if kind in MANDATORY_NOTIFICATION_KINDS
            else chosen.get(kind, Delivery.IMMEDIATE),
            mandatory=kind in MANDATORY_NOTIFICATION_KINDS,
        )
        for kind, label in Notification.Kind.choices
    ]


def _check_change(kind: str, delivery: str) -> None:
    if kind not in Notification.Kind.values:
        raise DomainError(_("Unknown kind of notification."), field=kind)
    if delivery not in Delivery.values:
        raise DomainError(_("Choose immediately, daily digest or never."), field=kind)
    if kind in MANDATORY_NOTIFICATION_KINDS and delivery != Delivery.IMMEDIATE:
        raise DomainError(_("Messages about your account are always sent at once."), field=kind)


def preferences_update(*, user: User, changes: dict[str, str]) -> list[PreferenceRow]:
    """Set how the person is e-mailed, kind by kind ({kind: delivery}); all or nothing."""
    for kind, delivery in changes.items():
        _check_change(kind, delivery)
    with transaction.atomic():
        for kind, delivery in changes.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery}
            )
    return preference_list(user=user)


def unsubscribe_token(user: User, kind: str) -> str:
    """A signed token naming the person and the kind (or DIGEST) to stop e-mailing; no expiry."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user.pk, "k": kind})


@dataclass(frozen=True)
class Unsubscription:
    user: User
    kinds: list[str]


def unsubscribe_read(token: str) -> Unsubscription:
    """Who and what a token unsubscribes (raises NotFound if forged, damaged or stale)."""
    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
        user = User.objects.get(pk=data["u"], is_active=True)
        kind = data["k"]
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError, ValueError) as error:
        raise NotFound(_("This unsubscribe link is not valid.")) from error
    if kind == DIGEST:
        kinds = list(
            NotificationPreference.objects.filter(user=user, delivery=Delivery.DIGEST)
            .values_list("kind", flat=True)
            .order_by("kind")
        )
    elif kind in Notification.Kind.values and kind not in MANDATORY_NOTIFICATION_KINDS:
        kinds = [kind]
    else:
        raise NotFound(_("This unsubscribe link is not valid."))
    return Unsubscription(user=user, kinds=kinds)


def unsubscribe(*, token: str) -> Unsubscription:
    """Stop e-mailing the kinds a signed link names (the link is the authentication)."""
    unsubscription = unsubscribe_read(token)
    preferences_update(
        user=unsubscription.user,
        changes=dict.fromkeys(unsubscription.kinds, Delivery.OFF),
    )
    return unsubscription
