"""One-time keys: a form or a phone creates an official record at most once per key.

Every form that creates a hazard, an order, an inspection or an enforcement record carries
a hidden key (``one_time_key`` in core.forms), made when the form is drawn; the phone makes
one for each offline record. ``once`` stores the key with the record it created
(``core.models.ClientKey``), so Back + submit, a phone sending its queue twice or two
submits at once get the record already created. Names no app: each caller passes the
refusal its pages answer (``refused``).
"""

import uuid

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.models import ClientKey


class KeyRefused(Exception):
    """A one-time key that another user's record (or another kind of record) already holds."""

    status_code = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


def once(key, kind, *, by, create, fetch, refused=KeyRefused):
    """Create a record at most once per one-time ``key`` (a UUID from the form or the phone).

    The first call runs ``create()`` and stores the key with the new record's id in the same
    transaction; a repeat gets ``fetch(id)``, the record already created. The returned
    record says which in ``repeated``. Without a key, ``create()`` simply runs. A key held by
    another user or kind raises ``refused`` (an exception class taking the message)."""
    if key is None:
        record = create()
        record.repeated = False
        return record
    found = ClientKey.objects.filter(key=key).first()
    if found is None:
        try:
            with transaction.atomic():
                record = create()
                ClientKey.objects.create(key=key, kind=kind, object_id=record.pk, created_by=by)
        except IntegrityError:
            # Someone else's call with the same key committed first: theirs is the record.
            found = ClientKey.objects.filter(key=key).first()
            if found is None:
                raise
        else:
            record.repeated = False
            return record
    if found.kind != kind or found.created_by_id != by.pk:
        raise refused(_("该提交的一次性令牌无效，请刷新页面后重新填写。"))
    record = fetch(found.object_id)
    record.repeated = True
    return record


def created_for(key, kind, *, by):
    """The id of the record ``by``'s one-time ``key`` already created, or None: a page can
    answer a repeat before validating the form again (after Back a file input is empty)."""
    try:
        key = uuid.UUID(str(key))
    except ValueError:
        return None
    found = ClientKey.objects.filter(key=key, kind=kind, created_by=by)
    return found.values_list("object_id", flat=True).first()
