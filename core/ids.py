"""Ids that arrive as text in query strings and form data."""


def parse_id(value):
    """The integer id in ``value``, or None when it is not one.

    ASCII digits only (``"²".isdigit()`` is true, ``int("²")`` fails) and at most 18 of
    them (no 64-bit integer column holds more; SQLite raises OverflowError on lookup).
    """
    text = str(value if value is not None else "").strip()
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None
