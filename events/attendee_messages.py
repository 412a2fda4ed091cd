"""The admin's page for writing to an event's registrants, in three steps: write (who gets
it, subject and text per language), preview (how many people, in which language each group
reads it), send (events.services.send_event_message; the worker delivers the emails).

Sending needs the "add message to attendees" permission (event managers have it) and the
right to see the event. The preview carries a one-time key, so sending it twice sends once;
if the number of people changed since the preview, the page shows the new preview instead
of sending.
"""

import uuid
from collections import Counter
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.languages import column, language_label

from . import services
from .forms import EventMessageForm
from .models import Event, EventMessage


@dataclass(frozen=True)
class LanguageGroup:
    label: str
    count: int
    subject: str
    body: str


@dataclass(frozen=True)
class Preview:
    count: int
    audience: str
    groups: list[LanguageGroup]


def preview_of(event: Event, draft: EventMessage) -> Preview:
    """Who the draft would reach now, grouped by the language each person would read."""
    recipients = event.registrations.in_audience(draft.audience)
    read_in = Counter()
    for language, count in Counter(recipients.values_list("language", flat=True)).items():
        read_in[services.message_language(draft, language)] += count
    groups = [
        LanguageGroup(
            label=language_label(code),
            count=read_in[code],
            subject=getattr(draft, column("subject", code)),
            body=getattr(draft, column("body", code)),
        )
        for code in draft.sendable_languages()
    ]
    return Preview(sum(read_in.values()), draft.get_audience_display(), groups)


def message_view(model_admin, request, pk: int):
    event = get_object_or_404(Event, pk=pk)
    allowed = model_admin.has_view_or_change_permission(request, event)
    if not (allowed and request.user.has_perm("events.add_eventmessage")):
        raise PermissionDenied
    form = EventMessageForm(request.POST or None, event=event, initial={"key": uuid.uuid4()})
    preview = None
    if request.method == "POST" and form.is_valid() and "edit" not in request.POST:
        preview = preview_of(event, form.draft())
        if not preview.count:
            form.add_error("audience", _("Nobody in this group has an email address to write to."))
            preview = None
        elif "send" in request.POST:
            expected = form.cleaned_data["expected_count"]
            if expected != preview.count:
                messages.warning(
                    request,
                    _(
                        "The group has changed since the preview: %(before)d then, %(now)d now. "
                        "Check the preview and send again."
                    )
                    % {"before": expected or 0, "now": preview.count},
                )
            else:
                return _send(model_admin, request, event, form)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": event,
        "title": _("Message to attendees"),
        "event": event,
        "form": form,
        "preview": preview,
        "sent": EventMessage.objects.filter(event=event)[:10],
    }
    return TemplateResponse(request, "admin/events/event/message.html", context)


def _send(model_admin, request, event, form):
    try:
        message = services.send_event_message(
            event=event,
            audience=form.cleaned_data["audience"],
            subjects=form.texts("subject"),
            bodies=form.texts("body"),
            sent_by=request.user,
            key=form.cleaned_data["key"],
        )
    except services.RegistrationError as error:
        messages.error(request, error.message)
        return redirect("admin:events_event_message", event.pk)
    count = message.recipient_count
    model_admin.message_user(
        request,
        ngettext(
            "The message is queued for %d person: the worker sends it in a moment.",
            "The message is queued for %d people: the worker sends them in a moment.",
            count,
        )
        % count,
        messages.SUCCESS,
    )
    return redirect("admin:events_eventmessage_change", message.pk)
