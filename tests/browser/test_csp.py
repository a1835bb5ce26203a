"""Under the Content-Security-Policy the pages' own scripts still run, from static files.

A script the policy blocks is a console error ("Refused to execute inline script"), which
``check_page`` fails on; the steps also check that each moved script does its work.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP
from tests.factories import make_hazard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_moved_scripts_run_under_the_policy(
    open_browser, journey_factory, personas, enterprise_a1
):
    make_hazard(enterprise_a1, personas.inspector, "found")
    journey = journey_factory(None, "csp")
    county = open_browser(DESKTOP, journey)
    page = county.page

    with journey.step("the dashboard draws its charts from static/js/dashboard.js"):
        county.login(personas.county)
        response = page.goto(reverse("reports:dashboard"))
        assert "script-src 'self'" in response.headers["content-security-policy"]
        expect(page.locator("#chart-townships svg")).to_have_count(1)
        expect(page.locator("#chart-trend svg")).to_have_count(1)
        expect(page.locator("#chart-trend")).to_contain_text("排查隐患数")
        county.check_page()

    with journey.step("the register page shows the major-hazard fields only for 重大"):
        page.goto(reverse("hazards:register") + f"?enterprise={enterprise_a1.pk}")
        expect(page.locator("#major-fields")).to_be_hidden()
        page.locator('input[name="level"][value="major"]').check()
        expect(page.locator("#major-fields")).to_be_visible()
        page.locator('input[name="level"][value="general"]').check()
        expect(page.locator("#major-fields")).to_be_hidden()
        county.check_page()

    with journey.step("a print button opens the print dialog (static/js/print.js)"):
        page.goto(reverse("inspections:daily"))
        page.evaluate("() => { window.__printed = 0; window.print = () => window.__printed++; }")
        page.locator("[data-print]").first.click()
        assert page.evaluate("() => window.__printed") == 1
        county.check_page()
