"""Agreements and their measures in the site search (registered by AgreementsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from portal.languages import fallback_order
from portal.search import Document, SearchKind, joined, written
from portal.text import plain_text

from .models import Agreement, Measure


def _plain(texts: dict[str, str]) -> dict[str, str]:
    return {code: plain_text(text) for code, text in texts.items()}


class AgreementKind(SearchKind):
    key = "agreements"
    label = _("Agreements")
    model = Agreement
    position = 30

    def indexed(self):
        return Agreement.objects.public()

    def document(self, agreement) -> Document:
        reference = dict.fromkeys(written(agreement, "title"), agreement.reference_number)
        return Document(
            title=written(agreement, "title"),
            summary=_plain(written(agreement, "summary")),
            body=joined(
                _plain(written(agreement, "full_text")), written(agreement, "signed_at"), reference
            ),
            date=agreement.signed_on,
        )


class MeasureKind(SearchKind):
    """A measure is public while its agreement is: a change of the agreement (status, title)
    indexes its measures again."""

    key = "measures"
    label = _("Measures")
    model = Measure
    position = 40
    depends_on = {Agreement: lambda agreement: agreement.measures.all()}

    def indexed(self):
        return Measure.objects.public().select_related("agreement")

    def document(self, measure) -> Document:
        titles = written(measure, "title")
        agreement_titles = written(measure.agreement, "title")
        context = {}
        for code in titles:
            shown = next((c for c in fallback_order(code) if c in agreement_titles), None)
            context[code] = agreement_titles.get(shown, "")
        return Document(
            title={code: f"{measure.number} {title}" for code, title in titles.items()},
            summary=_plain(written(measure, "description")),
            context=context,
            date=measure.due_on,
        )
