import pytest

from core.ids import parse_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [("42", 42), (" 7 ", 7), (42, 42), ("9" * 18, int("9" * 18))],
)
def test_an_id_written_in_ascii_digits_is_read(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    "value", [None, "", "abc", "-1", "1.5", "²", "١٢", "9" * 19, "9223372036854775808"]
)
def test_anything_else_is_not_an_id(value):
    assert parse_id(value) is None
