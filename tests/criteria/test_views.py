import io
import json

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria.models import Criterion, Standard
from tests.conftest import login
from tests.criteria.conftest import file_data
from tests.factories import UserFactory

LIST = reverse("criteria:list")
SEARCH = reverse("criteria:search")
LOAD = reverse("criteria:load")
TEMPLATE = reverse("criteria:template")
READERS = ["inspector", "supervisor", "county", "admin"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", READERS)
def test_every_role_reads_the_library(client, personas, who):
    response = login(client, getattr(personas, who)).get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "工贸企业重大事故隐患判定标准" in page
    assert "未对承包单位、承租单位的安全生产工作统一协调、管理" in page
    assert "核对日期：2026-11-30" in page
    assert "现行" in page


@pytest.mark.django_db
def test_the_library_needs_a_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_a_user_without_a_role_is_refused(client, db):
    assert login(client, UserFactory(username="nobody")).get(LIST).status_code == 403


@pytest.mark.django_db
def test_the_list_filters_by_industry_and_keyword(client, personas):
    login(client, personas.inspector)
    page = client.get(LIST, {"industry": "fireworks", "q": "库房"}).content.decode()
    assert "烟花爆竹生产经营单位重大生产安全事故隐患判定标准" in page
    assert "工（库）房实际作业人员数量超过核定人数。" in page
    assert "化工和危险化学品生产经营单位" not in page
    assert "共 3 条。" in page


@pytest.mark.django_db
def test_repealed_standards_show_only_on_request_and_say_so(client, personas):
    login(client, personas.inspector)
    assert "重大火灾隐患判定方法" not in client.get(LIST).content.decode()
    page = client.get(LIST, {"repealed": "on"}).content.decode()
    assert "重大火灾隐患判定方法" in page and "已废止" in page
    assert "由" in page and "《重大火灾隐患判定规则》" in page


@pytest.mark.django_db
def test_a_standard_without_items_says_they_are_not_loaded(client, personas):
    page = login(client, personas.county).get(LIST, {"industry": "non_coal_mine"})
    page = page.content.decode()
    assert "金属非金属矿山重大事故隐患判定标准" in page
    assert "本标准的条文尚未导入。" in page


@pytest.mark.django_db
def test_the_list_takes_the_same_queries_for_three_items_and_all(
    client, personas, django_assert_num_queries
):
    login(client, personas.inspector)
    client.get(LIST)  # warm the session and role caches
    with CaptureQueriesContext(connection) as few:
        response = client.get(LIST, {"industry": "fireworks", "q": "库房"})
    assert response.context["item_count"] == 3
    with django_assert_num_queries(len(few.captured_queries)):  # standards, items: no N+1
        response = client.get(LIST, {"repealed": "on"})
    assert response.context["item_count"] == Criterion.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("who", READERS)
def test_every_role_may_search_for_the_picker(client, personas, who):
    response = login(client, getattr(personas, who)).get(
        SEARCH, {"q": "承包", "industry": "machinery"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-standard="《工贸企业重大事故隐患判定标准》（应急管理部令第10号）"' in page
    assert 'data-clause="第三条第（一）项：未对承包单位' in page


@pytest.mark.django_db
def test_the_search_offers_only_the_industrys_in_force_items(client, personas):
    login(client, personas.inspector)
    page = client.get(SEARCH, {"q": "特种作业", "industry": "hazchem"}).content.decode()
    assert "化工和危险化学品" in page and "工贸企业" not in page
    Standard.objects.filter(code="HG121").update(repealed_on="2026-01-01")
    page = client.get(SEARCH, {"q": "特种作业", "industry": "hazchem"}).content.decode()
    assert "没有找到匹配的判定条目" in page


@pytest.mark.django_db
def test_an_empty_search_lists_the_first_items_and_says_there_are_more(client, personas):
    page = login(client, personas.inspector).get(SEARCH, {"industry": "hazchem"}).content
    assert page.decode().count("data-criterion-pick") == 15
    assert "只显示前 15 条" in page.decode()


@pytest.mark.django_db
def test_the_search_needs_a_role(client, db):
    assert client.get(SEARCH).status_code == 302
    assert login(client, UserFactory(username="nobody")).get(SEARCH).status_code == 403


@pytest.mark.django_db
def test_the_search_takes_the_same_queries_for_one_result_and_fifteen(
    client, personas, django_assert_num_queries
):
    login(client, personas.inspector)
    client.get(SEARCH)
    with CaptureQueriesContext(connection) as one:
        page = client.get(SEARCH, {"q": "罐区", "industry": "hazchem"}).content.decode()
    assert page.count("data-criterion-pick") == 1
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(SEARCH, {"industry": "hazchem"}).content.decode()
    assert page.count("data-criterion-pick") == 15


def test_the_picker_searches_with_the_enterprises_industry_and_names_its_fields():
    html = render_to_string(
        "criteria/_picker.html",
        {"industry": "machinery", "standard_field": "id_s", "clause_field": "id_c"},
    )
    assert f'hx-get="{SEARCH}"' in html
    assert '"industry": "machinery"' in html
    assert 'data-standard-field="id_s"' in html and 'data-clause-field="id_c"' in html
    assert "js/criteria.js" in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["inspector", "supervisor", "county"])
def test_only_administrators_load_criteria(client, personas, who):
    login(client, getattr(personas, who))
    assert client.get(LOAD).status_code == 403
    assert client.get(TEMPLATE).status_code == 403
    upload = io.BytesIO(json.dumps(file_data(), ensure_ascii=False).encode())
    upload.name = "c.json"
    assert client.post(LOAD, {"file": upload}).status_code == 403
    assert not Standard.objects.filter(code="F1").exists()


@pytest.mark.django_db
def test_an_administrator_loads_a_file_and_loading_it_again_changes_nothing(client, personas):
    login(client, personas.admin)
    assert client.get(LOAD).status_code == 200
    for expected in ("新增 3 条，更新 0 条，无变化 0 条", "新增 0 条，更新 0 条，无变化 3 条"):
        upload = io.BytesIO(json.dumps(file_data(), ensure_ascii=False).encode())
        upload.name = "c.json"
        response = client.post(LOAD, {"file": upload}, follow=True)
        assert response.status_code == 200
        assert expected in response.content.decode()
    assert Criterion.objects.filter(standard__code="F1").count() == 2


@pytest.mark.django_db
def test_a_bad_file_shows_every_error_and_loads_nothing(client, personas):
    login(client, personas.admin)
    data = file_data(item={"industries": ["航天"]})
    data["items"][1]["standard"] = "NOPE"
    upload = io.BytesIO(json.dumps(data, ensure_ascii=False).encode())
    upload.name = "c.json"
    response = client.post(LOAD, {"file": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "发现 2 处错误，未导入任何数据。" in page
    assert "未知行业“航天”。" in page and "没有代号为“NOPE”的标准。" in page
    assert not Standard.objects.filter(code="F1").exists()


@pytest.mark.django_db
def test_a_file_that_is_not_json_is_refused_in_chinese(client, personas):
    login(client, personas.admin)
    upload = io.BytesIO(b"PK\x03\x04 not json")
    upload.name = "c.xlsx"
    response = client.post(LOAD, {"file": upload})
    assert response.status_code == 400
    assert "文件不是" in response.content.decode()


@pytest.mark.django_db
def test_a_dry_run_upload_writes_nothing(client, personas):
    login(client, personas.admin)
    upload = io.BytesIO(json.dumps(file_data(), ensure_ascii=False).encode())
    upload.name = "c.json"
    response = client.post(LOAD, {"file": upload, "dry_run": "on"})
    assert "试导入通过（未写入任何数据）。" in response.content.decode()
    assert not Standard.objects.filter(code="F1").exists()


@pytest.mark.django_db
def test_an_administrator_downloads_the_template(client, personas):
    response = login(client, personas.admin).get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(b"".join(response.streaming_content))
    assert set(data) == {"standards", "items"}


@pytest.mark.django_db
@pytest.mark.parametrize("who", READERS)
def test_the_navigation_links_the_library_for_every_role(client, personas, who):
    page = login(client, getattr(personas, who)).get(reverse("hazards:list")).content.decode()
    assert f'href="{LIST}"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"\x00\x01garbage" * 50, "文件不是有效的 JSON"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00\xff\xfe", "文件不是 UTF-8 编码的文本"),
        (b'{"standards": [1], "items": "x"}', "文件须包含 standards 和 items 两个列表"),
        (b'{"standards": [1]}', "每一项须是一个对象"),
    ],
)
def test_a_malformed_upload_is_refused_in_chinese_without_a_500(client, personas, raw, says):
    login(client, personas.admin)
    upload = io.BytesIO(raw)
    upload.name = "crafted.json"
    response = client.post(LOAD, {"file": upload})
    assert response.status_code == 400
    assert says in response.content.decode()


@pytest.mark.django_db
def test_the_search_offers_to_look_in_every_industry(client, personas):
    login(client, personas.inspector)
    page = client.get(SEARCH, {"q": "罐区", "industry": "machinery"}).content.decode()
    assert "没有找到匹配的判定条目" in page
    assert "在全部行业中查找" in page and "q=%E7%BD%90%E5%8C%BA&amp;industry=" in page
    page = client.get(SEARCH, {"q": "罐区", "industry": ""}).content.decode()
    assert "构成一级、二级重大危险源的危险化学品罐区" in page
    assert "在全部行业中查找" not in page
