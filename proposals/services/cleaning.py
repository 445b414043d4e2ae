"""Checks of what participants type, turned into DomainErrors that name the field."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from participation.errors import DomainError
from participation.models import Axis

BODY_MAX_LENGTH = 20000
COMMENT_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 1000


def text(value: object, *, field: str, max_length: int, required: bool = True) -> str:
    """Stripped text within `max_length`; refused when required and empty."""
    cleaned = str(value or "").strip()
    if required and not cleaned:
        raise DomainError(_("This field is required."), field=field)
    if len(cleaned) > max_length:
        raise DomainError(
            _("Please write at most %(max)d characters (you wrote %(length)d).")
            % {"max": max_length, "length": len(cleaned)},
            field=field,
        )
    return cleaned


def decimal(value: object, *, field: str, places: int = 2) -> Decimal:
    """A finite decimal number, rounded to `places` decimals."""
    try:
        number = Decimal(str(value).strip().replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError) as error:
        raise DomainError(_("Please enter a number."), field=field) from error
    if not number.is_finite():
        raise DomainError(_("Please enter a number."), field=field)
    return number.quantize(Decimal(1).scaleb(-places))


def cost(value: object, *, axis: Axis, field: str = "estimated_cost") -> Decimal:
    """A positive amount of money no greater than the axis' budget."""
    amount = decimal(value, field=field)
    if amount <= 0:
        raise DomainError(_("The cost must be greater than zero."), field=field)
    if axis.budget and amount > axis.budget:
        raise DomainError(
            _("The cost cannot exceed the budget of this axis (%(budget)s €).")
            % {"budget": f"{axis.budget:,.0f}".replace(",", "\u202f")},
            field=field,
        )
    return amount


def coordinates(latitude: object, longitude: object) -> tuple[Decimal | None, Decimal | None]:
    """Both coordinates or neither, each within its range."""
    if latitude in (None, "") and longitude in (None, ""):
        return None, None
    if latitude in (None, "") or longitude in (None, ""):
        field = "latitude" if latitude in (None, "") else "longitude"
        raise DomainError(_("Please give both the latitude and the longitude."), field=field)
    lat = decimal(latitude, field="latitude", places=6)
    lon = decimal(longitude, field="longitude", places=6)
    if not -90 <= lat <= 90:
        raise DomainError(_("The latitude must be between -90 and 90."), field="latitude")
    if not -180 <= lon <= 180:
        raise DomainError(_("The longitude must be between -180 and 180."), field="longitude")
    return lat, lon
