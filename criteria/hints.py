"""Hints that a hazard may be major: the in-force items whose keywords its text contains.

One query for the candidate items of the industry, then plain string matching in Python;
it runs for one hazard at a time (its page, its workflow guard), never per row of a list.
"""

from criteria.models import Criterion

MIN_KEYWORD_LENGTH = 2
MAX_HINTS = 3


def keyword_list(keywords):
    return [w for w in (keywords or "").split() if len(w) >= MIN_KEYWORD_LENGTH]


def matching_criteria(text, industry, on=None, *, exclude=(), limit=MAX_HINTS):
    """The in-force items of ``industry`` with a keyword in ``text``, most matches first."""
    text = text or ""
    if not text.strip():
        return []
    candidates = (
        Criterion.objects.in_force(on)
        .for_industry(industry)
        .exclude(keywords="")
        .exclude(pk__in=list(exclude))
        .select_related("standard")
    )
    scored = []
    for item in candidates:
        hits = [w for w in keyword_list(item.keywords) if w in text]
        if hits:
            scored.append((-len(hits), item.standard.position, item.position, item.pk, item, hits))
    scored.sort(key=lambda row: row[:4])
    found = []
    for *_key, item, hits in scored[:limit]:
        item.matched_keywords = hits
        found.append(item)
    return found
