"""Staff roles: which admin pages each group of staff may use.

Each role is a Django group with exactly the permissions listed here; ``manage.py
setup_roles`` (run by ``make run`` and on every deploy) creates the groups and resets their
permissions to this list, so a permission added by hand in the admin does not survive the
next deploy. Superusers are in no group: they may do everything. Registrants' personal data
(registrations, outgoing emails, the check-in page, exports) belongs to event managers only.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

EDIT = ("add", "change", "delete", "view")

EDITORS = "Editors"
EVENT_MANAGERS = "Event managers"
AGREEMENTS_OFFICERS = "Agreements officers"
# The groups' names as staff read them (the group names themselves stay in English).
ROLE_LABELS = {
    EDITORS: _("Editors"),
    EVENT_MANAGERS: _("Event managers"),
    AGREEMENTS_OFFICERS: _("Agreements officers"),
}

ROLES: dict[str, dict[str, tuple[str, ...]]] = {
    EDITORS: {
        "portal.newsarticle": EDIT,
        "portal.page": EDIT,
        "portal.keyfigure": EDIT,
        "portal.sector": EDIT,
        "portal.siteprofile": ("add", "change", "view"),
    },
    EVENT_MANAGERS: {
        "events.event": EDIT,
        "events.eventquestion": EDIT,
        "events.eventquestionchoice": EDIT,
        # Messages to attendees are written on the event's page and never changed after.
        "events.eventmessage": ("add", "view"),
        # Registrations are added only through the public form and the check-in page.
        "events.registration": ("change", "delete", "view", "check_in", "export_registration"),
        "events.outboxemail": ("change", "view"),
    },
    AGREEMENTS_OFFICERS: {
        "agreements.party": EDIT,
        "agreements.agreement": EDIT,
        "agreements.signatory": EDIT,
        "agreements.agreementdocument": EDIT,
        "agreements.measure": EDIT,
        "agreements.progressreport": EDIT,
        # To pick related news for an agreement (the admin's autocomplete needs it).
        "portal.newsarticle": ("view",),
    },
}


def codenames(model: str, actions: tuple[str, ...]) -> list[str]:
    """("events.registration", ("view", "check_in")) -> view_registration, check_in."""
    model_name = model.split(".")[1]
    return [f"{action}_{model_name}" if action in EDIT else action for action in actions]


def role_permissions(role: str) -> list[Permission]:
    permissions = []
    for model, actions in ROLES[role].items():
        app_label, model_name = model.split(".")
        wanted = set(codenames(model, actions))
        found = list(
            Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model_name,
                codename__in=wanted,
            )
        )
        missing = wanted - {permission.codename for permission in found}
        if missing:
            raise LookupError(f"{role}: no permission {', '.join(sorted(missing))} on {model}")
        permissions.extend(found)
    return permissions


def setup_roles() -> dict[str, int]:
    """Create the staff groups and give each exactly its permissions (idempotent).
    Returns the number of permissions per group."""
    counts = {}
    with transaction.atomic():
        for role in ROLES:
            group, _created = Group.objects.get_or_create(name=role)
            permissions = role_permissions(role)
            group.permissions.set(permissions)
            counts[role] = len(permissions)
    return counts
