import pytest
from django.core.management import call_command

from agreements.demo import AGREEMENT_SLUG
from agreements.models import Agreement, Measure, ProgressReport
from portal.demo import FOUNDING_ARTICLE_SLUG

pytestmark = pytest.mark.django_db


def test_load_demo_creates_the_action_program_once():
    call_command("load_demo")
    agreement = Agreement.objects.with_progress().get(slug=AGREEMENT_SLUG)
    assert [s.name for s in agreement.signatories.all()] == ["Mikayil Jabbarov", "Igor Babushkin"]
    assert agreement.signed_on.isoformat() == "2021-12-07"
    assert agreement.parties.count() == 2
    sectors = set(agreement.measures.values_list("sector__slug", flat=True))
    assert sectors == {
        "industry", "agriculture", "investment", "smb", "culture", "tourism", "sports",
        "navigation-ports", "trade",
    }  # fmt: skip
    assert all("Demo data" in m.description for m in agreement.measures.all())
    assert all(r.text.startswith("Demo report") for r in ProgressReport.objects.all())
    assert agreement.related_news.filter(slug=FOUNDING_ARTICLE_SLUG).exists()
    assert 0 < agreement.overall_progress < 100
    counts = (Measure.objects.count(), ProgressReport.objects.count())

    agreement.title = "Edited by staff"
    agreement.save()
    call_command("load_demo")
    assert (Measure.objects.count(), ProgressReport.objects.count()) == counts
    assert Agreement.objects.get(slug=AGREEMENT_SLUG).title == "Edited by staff"
