from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from hazards import selectors
from tests.factories import make_hazard

pytestmark = pytest.mark.django_db


def test_hazard_get_is_404_outside_the_scope(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector)
    assert selectors.hazard_get(personas.supervisor, hazard.pk) == hazard
    with pytest.raises(Http404, match="not found"):
        selectors.hazard_get(personas.other_supervisor, hazard.pk)


def test_photo_get_is_404_outside_the_scope(personas, enterprise_a1):
    photo = make_hazard(enterprise_a1, personas.inspector, "fixed").photos.get()
    assert selectors.photo_get(personas.county, photo.pk) == photo
    with pytest.raises(Http404, match="not found"):
        selectors.photo_get(personas.other_inspector, photo.pk)


def test_the_list_count_is_what_an_export_of_the_same_filter_gets(personas, enterprise_a1):
    for state in ("found", "deadline", "fixed", "closed", "void"):
        make_hazard(enterprise_a1, personas.inspector, state)
    params = {"status": "open", "level": "general"}
    ledger = selectors.hazard_list(personas.supervisor, params)
    assert ledger.qs.count() == len(list(selectors.hazard_list(personas.supervisor, params).qs))
    assert ledger.qs.count() == 3


def test_the_overdue_board_reads_the_as_of_date(personas, enterprise_a1):
    hazard = make_hazard(
        enterprise_a1, personas.inspector, "deadline", at=timezone.now() - timedelta(days=20)
    )
    today = timezone.localdate()
    [group] = selectors.overdue_board(personas.supervisor, today)
    assert group.hazards == [hazard]
    assert group.max_days == (today - hazard.deadline).days
    assert selectors.overdue_board(personas.supervisor, hazard.deadline) == []


def test_my_work_due_soon_is_the_next_seven_days(personas, enterprise_a1):
    hazard = make_hazard(enterprise_a1, personas.inspector, "deadline")  # due in 14 days
    as_of = timezone.localdate()
    assert list(selectors.my_work(personas.inspector, as_of)["due_soon"]) == []
    later = selectors.my_work(personas.inspector, hazard.deadline - timedelta(days=7))
    assert list(later["due_soon"]) == [hazard]
