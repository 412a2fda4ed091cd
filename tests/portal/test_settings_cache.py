"""portal.settings_cache: a remembered setting follows Django's announced changes."""

from django.test import override_settings

from portal.settings_cache import setting


def test_a_remembered_setting_follows_override_settings_and_comes_back():
    before = setting("LANGUAGE_COOKIE_NAME")
    assert setting("LANGUAGE_COOKIE_NAME") == before  # remembered
    with override_settings(LANGUAGE_COOKIE_NAME="portal_language"):
        assert setting("LANGUAGE_COOKIE_NAME") == "portal_language"
    assert setting("LANGUAGE_COOKIE_NAME") == before


def test_a_missing_setting_gives_the_default_until_it_is_set():
    assert setting("PORTAL_NOT_A_SETTING", 7) == 7
    with override_settings(PORTAL_NOT_A_SETTING=3):
        assert setting("PORTAL_NOT_A_SETTING", 7) == 3
    assert setting("PORTAL_NOT_A_SETTING", 7) == 7
