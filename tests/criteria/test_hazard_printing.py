"""The chosen library items are printed: the hazard page, the 整改通知书 and the 督办单."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hazards import workflow
from tests.conftest import login
from tests.factories import make_criterion, make_hazard, make_standard

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(db):
    return make_criterion(make_standard("PRN", title="打印测试标准"), "（二）", article="第四条")


def test_the_hazard_page_shows_the_chosen_item(client, personas, enterprise_a1, item):
    hazard = make_hazard(enterprise_a1, personas.inspector, level="major", criteria=[item])
    html = login(client, personas.inspector).get(reverse("hazards:detail", args=[hazard.pk]))
    assert "打印测试标准 第四条第（二）项" in html.content.decode()


def test_the_notice_prints_the_item_of_each_major_hazard(client, personas, enterprise_a1, item):
    major = make_hazard(enterprise_a1, personas.inspector, level="major", criteria=[item])
    login(client, personas.inspector)
    html = client.get(reverse("hazards:notice", args=[major.pk])).content.decode()
    assert "判定依据：打印测试标准 第四条第（二）项" in html


def test_the_enterprise_notice_prefetches_the_items(client, personas, enterprise_a1, item):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(
                reverse("hazards:notice_enterprise"), {"enterprise": enterprise_a1.pk}
            )
        assert response.status_code == 200
        return len(ctx.captured_queries)

    login(client, personas.inspector)
    make_hazard(enterprise_a1, personas.inspector, level="major", criteria=[item])
    few = queries()
    for _ in range(4):
        make_hazard(enterprise_a1, personas.inspector, level="major", criteria=[item])
    assert queries() == few


def test_the_supervision_order_prints_the_item_and_its_text(client, personas, enterprise_a1, item):
    hazard = make_hazard(enterprise_a1, personas.inspector, level="major", criteria=[item])
    order = workflow.issue_order(
        hazard,
        by=personas.county,
        deadline=timezone.localdate() + datetime.timedelta(days=7),
        requirements="挂牌督办",
    )
    html = login(client, personas.county).get(reverse("hazards:order_detail", args=[order.pk]))
    body = html.content.decode()
    assert "打印测试标准 第四条第（二）项：测试条文（非标准原文）。" in body
