"""统一社会信用代码 (GB 32100-2015): real codes pass, every other check character fails."""

import random

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from enterprises.validators import ALPHABET, check_character, normalize_uscc, validate_uscc
from tests.factories import valid_uscc

# Published codes of real enterprises (business licences and annual reports).
REAL_CODES = [
    "91350100M000100Y43",  # the example in GB 32100-2015's explanatory material
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "9144030071526726XG",  # 腾讯科技（深圳）有限公司
    "914403001922038216",  # 华为技术有限公司
    "91110000802100433B",  # 百度在线网络技术（北京）有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_a_real_credit_code_is_accepted(code):
    validate_uscc(code)
    validate_uscc(code.lower())  # typed in lower case, normalized on save


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_other_check_character_is_refused_with_the_right_one_named(code):
    for wrong in ALPHABET:
        if wrong == code[17]:
            continue
        with pytest.raises(ValidationError) as info:
            validate_uscc(code[:17] + wrong)
        assert info.value.code == "check"
        assert f"最后一位应为 {code[17]}" in info.value.messages[0]


@pytest.mark.parametrize(
    ("value", "code", "text"),
    [
        ("91350100M000100Y4", "length", "应为18位，当前为17位"),
        ("", "length", "当前为0位"),
        ("91350100M000100Y433", "length", "当前为19位"),
        ("91350100M000100I43", "charset", "不使用 I、O、Z、S、V"),
        ("913501A0M000100Y43", "charset", "行政区划数字"),
    ],
)
def test_malformed_codes_are_refused_with_a_chinese_message(value, code, text):
    with pytest.raises(ValidationError) as info:
        validate_uscc(value)
    assert info.value.code == code
    assert text in info.value.messages[0]


def test_spaces_around_a_code_are_ignored():
    assert normalize_uscc("  91350100m000100y43 ") == "91350100M000100Y43"


seeds = st.integers(min_value=0, max_value=2**32 - 1)


@given(seeds, st.integers(min_value=1, max_value=30))
@settings(max_examples=300, deadline=None)
def test_every_generated_code_is_valid_and_any_changed_check_character_is_not(seed, shift):
    code = valid_uscc(random.Random(seed))
    validate_uscc(code)
    assert check_character(code[:17]) == code[17]
    wrong = ALPHABET[(ALPHABET.index(code[17]) + shift) % 31]
    with pytest.raises(ValidationError, match="校验位错误"):
        validate_uscc(code[:17] + wrong)


@given(seeds, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=30))
@settings(max_examples=300, deadline=None)
def test_changing_any_single_character_breaks_the_check(seed, position, shift):
    code = valid_uscc(random.Random(seed))
    pool = "0123456789" if 2 <= position < 8 else ALPHABET
    replacement = pool[(pool.index(code[position]) + shift) % len(pool)]
    if replacement == code[position]:  # a shift of 10 or 20 in the digits-only pool
        replacement = pool[(pool.index(code[position]) + 1) % len(pool)]
    changed = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError, match="校验位错误"):
        validate_uscc(changed)
