"""Every admin page a staff member can open answers, in every language, with and without data."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import (
    AgreementFactory,
    EventFactory,
    MeasureFactory,
    NewsArticleFactory,
    RegistrationFactory,
    SignatoryFactory,
)

pytestmark = pytest.mark.django_db

MODELS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in {"portal", "agreements", "events"}
)


@pytest.fixture
def content():
    agreement = AgreementFactory(title_ru="Соглашение", title_az="Saziş")
    SignatoryFactory(agreement=agreement)
    MeasureFactory(agreement=agreement)
    RegistrationFactory(event=EventFactory(venue_name_ru="Зал"))
    NewsArticleFactory(title_en=None, title_az="Xəbər", lead_az="Qısa", body_az="Mətn")


@pytest.mark.parametrize("language", ["en", "ru", "az"])
@pytest.mark.parametrize(("app", "model"), MODELS)
def test_changelist_add_and_change_pages_answer(staff_client, content, app, model, language):
    headers = {"accept-language": language}
    changelist = staff_client.get(reverse(f"admin:{app}_{model}_changelist"), headers=headers)
    assert changelist.status_code == 200
    assert f'lang="{language}"' in changelist.content.decode()[:200]
    add = staff_client.get(reverse(f"admin:{app}_{model}_add"), headers=headers)
    assert add.status_code in (200, 403)  # some objects are only made by the site itself
    model_class = next(m for m in admin.site._registry if m._meta.model_name == model)
    obj = model_class._default_manager.first()
    if obj is not None:
        change = staff_client.get(
            reverse(f"admin:{app}_{model}_change", args=[obj.pk]), headers=headers
        )
        assert change.status_code == 200
