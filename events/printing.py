"""What the printable attendee list and name badges show (events.views, static/css/print.css).

Both list an event's confirmed attendees by name. The order is the alphabet's rather than the
database's collation (which differs between SQLite, PostgreSQL and their locales): letters
with marks sort beside their base letter (Ç after C, Ş after S, Ə after E), capitals and
small letters together, Cyrillic after Latin.
"""

import unicodedata
from dataclasses import dataclass
from itertools import batched

from .models import Event, Registration

BADGES_PER_SHEET = 8  # 2 × 4 on an A4 sheet


# Letters without a decomposition that still belong beside a base letter: Azerbaijani ə
# comes after e, and dotless ı sorts with i.
BESIDE = str.maketrans({"ə": "e\uffff", "ı": "i"})


def name_key(name: str) -> tuple[str, str]:
    """Sorts names by their letters without marks first, then as written."""
    folded = unicodedata.normalize("NFKD", name.casefold().translate(BESIDE))
    bare = "".join(char for char in folded if not unicodedata.combining(char))
    return bare, name


def attendees(event: Event) -> list[Registration]:
    """The confirmed registrations whose names we still have, by name."""
    registrations = event.registrations.filter(
        status=Registration.Status.CONFIRMED, anonymised_at__isnull=True
    )
    return sorted(registrations, key=lambda person: (name_key(person.full_name), person.pk))


@dataclass(frozen=True)
class Badge:
    name: str
    organisation: str
    size: str  # the name's type size: "large", "medium" or "small" (print.css)


def name_size(name: str) -> str:
    """Long names get smaller type, so that every name fits its badge in two lines."""
    longest_word = max((len(word) for word in name.split()), default=0)
    if len(name) <= 18 and longest_word <= 11:
        return "large"
    if len(name) <= 32 and longest_word <= 16:
        return "medium"
    return "small"


def badge_sheets(people: list[Registration]) -> list[list[Badge]]:
    """The badges, BADGES_PER_SHEET to a printed sheet."""
    badges = [
        Badge(person.full_name, person.organisation, name_size(person.full_name))
        for person in people
    ]
    return [list(sheet) for sheet in batched(badges, BADGES_PER_SHEET)]
