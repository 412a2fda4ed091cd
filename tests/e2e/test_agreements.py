import pytest
from django.core.management import call_command

from agreements.demo import AGREEMENT_SLUG

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_visitor_filters_opens_the_action_program_and_downloads_the_csv(
    live_server, page, screenshot
):
    call_command("load_demo")
    page.goto(f"{live_server.url}/en/")
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Agreements", exact=True
    ).click()
    page.wait_for_url("**/en/agreements/")
    page.get_by_label("Sector").select_option(label="Tourism")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/en/agreements/?*sector=tourism*")
    assert page.get_by_role("status").first.inner_text() == "1 agreement"
    screenshot("agreements")
    screenshot("agreements", phone=True)

    page.get_by_role("link", name="Action Program for 2022").click()
    page.wait_for_url(f"**/en/agreements/{AGREEMENT_SLUG}/")
    signatories = page.locator(".signatories").inner_text()
    assert "Mikayil Jabbarov" in signatories and "Igor Babushkin" in signatories
    tourism = page.get_by_role("progressbar", name="Progress of measure 6.1")
    assert tourism.get_attribute("value") == "70"
    assert page.get_by_role("progressbar", name="Overall progress").is_visible()
    page.get_by_text("1 progress report").first.click()  # opens a report timeline
    screenshot("agreement")
    screenshot("agreement", phone=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Measures (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == f"{AGREEMENT_SLUG}-measures.csv"
    content = download.path().read_text(encoding="utf-8-sig")
    assert content.startswith("agreement,number,title")
    assert "Develop navigation and inter-port cooperation" in content

    page.goto(f"{live_server.url}/en/agreements/overview/")
    assert page.get_by_role("figure", name="Measures by sector and status").is_visible()
    screenshot("agreements-overview")
