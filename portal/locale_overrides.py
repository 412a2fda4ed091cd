"""Translations our locale adds to other packages' strings, and Azerbaijani month names.

Nothing imports this module at run time. It is here so that ``make messages``
(``makemessages --no-obsolete``, which keeps only the msgids found in our sources) keeps these
msgids in ``locale/ru`` and ``locale/az``: our catalogs come first (``LOCALE_PATHS``), so
what we translate here replaces or completes the packages' own catalogs. Each group says why
it is here; when a package starts shipping a good translation, drop its group.

The admin's JavaScript strings (calendar and clock widgets) are in ``locale/*/djangojs.po``,
kept by hand: makemessages only finds JavaScript strings in JavaScript files.
"""

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

# Month names inside a date ("8 dekabr 2026"): Azerbaijani writes them in lower case, but
# Django's az catalog capitalises them. Django's DATE_FORMAT for az is "j E Y", and "E" takes
# the "alt. month" names (the form used inside a date); "F" (a month on its own, e.g. the
# events' month filter "Dekabr 2026") keeps the capital letter that starts the phrase.
MONTHS_IN_DATES = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)

# Django 6.1 strings that its ru and az catalogs do not have yet: the empty choice of every
# select, the date hierarchy's label, the logged-out page.
DJANGO = (
    gettext_noop("- Select an option -"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("Logout"),
    gettext_noop("No %s matches the given query."),
    gettext_noop('The app "%s" could not be found.'),
    ngettext_lazy("…and %(count)d more object.", "…and %(count)d more objects.", "count"),
)

# Admin titles that Django's ru and az catalogs build by putting a model's name into a
# sentence: Russian then gets the wrong case ("Добавить мера", "Выберите регистрация для
# изменения") and Azerbaijani a title that starts in lower case ("saziş bəndi əlavə et").
# Ours put the name after a colon, where its dictionary form is right in both.
ADMIN_TITLES = (
    gettext_noop("Add %s"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Search %(name)s"),
    gettext_noop("Pagination %(name)s"),
    gettext_noop("Change history: %s"),
)

# django-simple-history has no Azerbaijani catalog, and its Russian one sits under ru_RU,
# which Django does not load for "ru". (The history table's own headings are in our
# templates/simple_history/object_history_list.html.)
SIMPLE_HISTORY = (
    gettext_noop("View history: %s"),
    gettext_noop("Revert %s"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    gettext_noop("Deleted %(type_name)s"),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop(
        "Choose a date from the list below to revert to a previous version of this object."
    ),
    gettext_noop("View %(verbose_name)s"),
    gettext_noop("Revert %(verbose_name)s"),
    gettext_noop("Press the 'Revert' button below to revert to this version of the object."),
    gettext_noop("Press the 'Change History' button below to edit the history."),
    gettext_noop("Revert"),
    gettext_noop("Change History"),
    gettext_noop("Close"),
)

# django-axes (admin log-in attempts, shown to administrators): no Azerbaijani catalog, and
# its Russian one misses the newer strings.
AXES = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Locked Out"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Clean up expired attempts"),
)
