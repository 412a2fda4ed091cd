"""The error summary of a public form: what went wrong, at the top of the page.

After a failed submission the page lists every mistake in one box above the heading, each a
link to the field it is about (GOV.UK's error summary pattern); static/js/forms.js moves the
focus to the box, and the page title starts with "Error:" (templates/base.html), so that a
screen reader user hears at once that the form came back. A form gets this from
``ErrorSummaryMixin``; the template includes ``includes/error_summary.html``.

A kernel module: it imports no app.
"""

from dataclasses import dataclass


@dataclass
class SummaryItem:
    anchor: str  # the id of the input to focus; "" for an error about the whole form
    label: str
    message: str


def input_id(bound_field) -> str:
    """The id of the input a summary link leads to: the field's own, or the first option's
    for a group of radio buttons or checkboxes (whose labels name no single input)."""
    return bound_field.id_for_label or bound_field.field.widget.id_for_label(
        bound_field.auto_id, "0"
    )


class ErrorSummaryMixin:
    """For a public form: ``error_summary`` lists its errors for the summary box.

    ``summary_labels`` gives a shorter name to a field whose label is a whole sentence
    (a consent checkbox's, say)."""

    summary_labels: dict = {}

    @property
    def error_summary(self) -> list[SummaryItem]:
        if not self.is_bound or not self.errors:
            return []
        items = [SummaryItem("", "", message) for message in self.non_field_errors()]
        for field in self:
            label = self.summary_labels.get(field.name, field.label)
            anchor = "" if field.is_hidden else input_id(field)
            items += [SummaryItem(anchor, str(label), message) for message in field.errors]
        return items
