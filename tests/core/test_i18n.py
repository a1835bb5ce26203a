"""Every word a user sees is Chinese inside gettext: no bare Chinese in a template."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import login

BASE_DIR = Path(settings.BASE_DIR)
CJK = re.compile(r"[\u4e00-\u9fff]")

# Translated blocks and comments may hold Chinese; they are removed before the search.
BLOCK_TRANSLATE = re.compile(
    r"{%-?\s*blocktrans(?:late)?\b.*?%}.*?{%-?\s*endblocktrans(?:late)?\s*-?%}", re.S
)
BLOCK_COMMENT = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.S)
LINE_COMMENT = re.compile(r"{#.*?#}", re.S)
# Inside {{ }} and {% %} a Chinese string literal is shown to the user unless it is
# translated ({% translate "…" %}, _("…")) or is a date format ("Y年n月j日").
TAG_OR_VARIABLE_BODY = re.compile(r"{%(.*?)%}|{{(.*?)}}", re.S)
TRANSLATING_TAG = re.compile(r"^\s*-?\s*(?:translate|trans)\b")
STRING_LITERAL = re.compile(r"(_\(\s*|date:\s*)?(\"[^\"]*\"|'[^']*')")
TAG_OR_VARIABLE = re.compile(r"{%.*?%}|{{.*?}}", re.S)


def template_files():
    roots = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    return sorted({path for root in roots for path in root.rglob("*.html")})


def untranslated_chinese(source):
    """The lines of a template that show Chinese outside translate tags and comments."""
    text = BLOCK_TRANSLATE.sub(" ", source)
    text = BLOCK_COMMENT.sub(" ", text)
    text = LINE_COMMENT.sub(" ", text)
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        code_free = TAG_OR_VARIABLE.sub(" ", line)
        if CJK.search(code_free) or any(
            untranslated_literal(match) for match in TAG_OR_VARIABLE_BODY.finditer(line)
        ):
            found.append((number, line.strip()))
    return found


def untranslated_literal(tag):
    body = tag.group(1) if tag.group(1) is not None else tag.group(2)
    if tag.group(1) is not None and TRANSLATING_TAG.match(body):
        return False
    return any(
        CJK.search(literal.group(2)) and not literal.group(1)
        for literal in STRING_LITERAL.finditer(body)
    )


def test_the_template_walk_finds_the_project_templates():
    names = {path.relative_to(BASE_DIR).as_posix() for path in template_files()}
    assert "templates/base.html" in names
    assert "templates/500.html" in names
    assert len(names) > 20


@pytest.mark.parametrize(
    "source",
    [
        "<h1>隐患台账</h1>",
        '<input placeholder="企业名称">',
        "{% load i18n %}<p>{% translate '合格' %} 不合格</p>",
        "{% blocktranslate %}共 {{ n }} 条{% endblocktranslate %}<span>条</span>",
        '{{ hazard.location|default:"未填写" }}',
        '{% include "includes/field.html" with label="企业名称" %}',
    ],
)
def test_the_check_catches_bare_chinese(source):
    assert untranslated_chinese(source)


@pytest.mark.parametrize(
    "source",
    [
        '{% load i18n %}<h1>{% translate "隐患台账" %}</h1>',
        "{% blocktranslate with n=count %}共 {{ n }} 条{% endblocktranslate %}",
        "{% blocktranslate trimmed %}\n  第 {{ a }} 页\n{% endblocktranslate %}",
        "{# 网格员看到的页面 #}<p>{{ hazard.description }}</p>",
        "{% comment %}\n说明：只给乡镇监管看\n{% endcomment %}",
        '<input placeholder="{% translate "企业名称" %}">',
        '{% translate "逾期" as overdue %}<b>{{ overdue }}</b>',
        '{{ job.error|default:_("任务失败。") }}',
        '{{ order.issued_on|date:"Y年n月j日" }}',
    ],
)
def test_the_check_accepts_translated_chinese(source):
    assert untranslated_chinese(source) == []


@pytest.mark.parametrize("path", template_files(), ids=lambda p: p.relative_to(BASE_DIR).as_posix())
def test_no_template_shows_chinese_outside_translate_tags(path):
    found = untranslated_chinese(path.read_text(encoding="utf-8"))
    assert found == [], "\n".join(f"{path.name}:{n}: {line}" for n, line in found)


def test_the_language_is_simplified_chinese():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.USE_I18N is True


def test_a_page_declares_its_language_as_simplified_chinese(client, personas):
    login(client, personas.inspector)
    response = client.get("/")
    page = response.content.decode()
    if response.status_code in (301, 302):
        page = client.get(response["Location"]).content.decode()
    assert '<html lang="zh-Hans">' in page


def test_the_login_page_declares_its_language_too(client, db):
    page = client.get(settings.LOGIN_URL if settings.LOGIN_URL.startswith("/") else "/login/")
    assert '<html lang="zh-Hans">' in page.content.decode()


def test_the_server_error_page_is_chinese_through_gettext(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="zh-Hans">' in page
    assert "服务器内部错误" in page
