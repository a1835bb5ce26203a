"""The machinery every workflow action shares: the refusals, the declaration of an action,
the checks that read it, and the one conditional UPDATE that changes a hazard.

An action is declared once, with ``@declare(...)`` on its public function (see
``hazards.workflow.actions``): its rule (sources, target, roles, label), its guards, and
what the pages need (form, success message, URL segment, whether the hazard page offers
it). ``RULES``, ``PAGE_ACTIONS``, ``check``, ``available_actions``, the hazard page, the
inspection recheck and the URL list all read ``ACTIONS``.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from grid import roles, scoping
from hazards import states
from hazards.models import Hazard, HazardEvent, HazardPhoto, Status

S = Status
FIELD_WORKERS = frozenset({roles.INSPECTOR, roles.SUPERVISOR, roles.COUNTY})
SUPERVISORS = frozenset({roles.SUPERVISOR, roles.COUNTY})


class WorkflowError(Exception):
    """The action cannot be taken; ``message`` says why, in Chinese."""

    status_code = 400

    def __init__(self, message):
        super().__init__(message)
        self.message = str(message)


class NotAllowed(WorkflowError):
    """The user's role (or relation to the hazard) does not permit the action."""

    status_code = 403


class StaleTransition(WorkflowError):
    """Someone else changed the hazard since the caller read it."""

    status_code = 409


def stale_message():
    return _("该隐患已被他人处理，请刷新页面后查看最新状态。")


@dataclass(frozen=True)
class Guard:
    """A rule beyond role and state, e.g. "the closer is not the fixer".

    ``holds(hazard, user, today)`` is true when the action may go ahead; ``today`` is the
    local date of the action's moment (``at``), never the real clock. Otherwise the action
    is refused with ``message`` as ``refusal``: ``WorkflowError`` (400) for a rule about the
    hazard, ``NotAllowed`` (403) for a rule about who may take it.
    """

    holds: Callable
    message: str
    refusal: type[WorkflowError] = WorkflowError

    def __call__(self, hazard, user, today):
        """The refusal this guard gives now, or None."""
        if self.holds(hazard, user, today):
            return None
        return self.refusal(self.message)


@dataclass(frozen=True)
class Action:
    """One workflow action, declared once.

    ``sources``/``target``/``roles``/``label`` are its rule (``target`` None: the hazard
    stays in its state). ``guards`` are checked in order after role and state. ``verb`` is
    the public function that takes it. For the hazard page: ``page`` (offered there by
    ``available_actions``), ``form`` (the form class or its dotted path; its fields are
    named after the verb's keyword arguments, plus ``seen``), ``url`` (the segment of its
    POST url ``hazards:<name>``) and ``success`` (the message after it). An action with
    ``page`` but no ``form`` has a page of its own (督办单: ``hazards:order_create``).
    """

    name: str
    sources: frozenset
    target: str | None
    roles: frozenset
    label: str
    verb: Callable | None = None
    guards: tuple[Guard, ...] = ()
    page: bool = False
    form: type | str | None = None
    url: str = ""
    success: str = ""

    def keyword_arguments(self, data):
        """The verb's keyword arguments: the form's cleaned data without ``seen``."""
        return {name: value for name, value in data.items() if name != "seen"}

    def refusal(self, hazard, user, today):
        """The first guard's refusal, or None when every guard holds."""
        for guard in self.guards:
            refused = guard(hazard, user, today)
            if refused is not None:
                return refused
        return None

    @property
    def form_class(self):
        # A dotted path: the forms import the workflow, not the other way round.
        return import_string(self.form) if isinstance(self.form, str) else self.form


# name → Action, in the order the hazard page offers them.
ACTIONS: dict[str, Action] = {}

# The rules table: RULES[name].sources / .target / .roles / .label.
RULES = ACTIONS


def declare(name=None, **declaration):
    """Declare the decorated function as the workflow action ``name`` (default: its name)."""

    def decorator(verb):
        action = Action(name=name or verb.__name__, verb=verb, **declaration)
        if action.form is not None and not (action.page and action.url):
            raise ValueError(f"{action.name}: an action with a page form needs page and url")
        ACTIONS[action.name] = action
        return verb

    return decorator


class _PageActions(Sequence):
    """The names of the actions the hazard page offers, in order; read from ``ACTIONS``
    at each use, so a declaration added later (a test's) is offered at once."""

    def _names(self):
        return [a.name for a in ACTIONS.values() if a.page]

    def __getitem__(self, index):
        return self._names()[index]

    def __len__(self):
        return len(self._names())

    def __repr__(self):
        return repr(self._names())


PAGE_ACTIONS = _PageActions()


def label(action):
    return ACTIONS[action].label if action in ACTIONS else action


def page_forms():
    """The actions taken with a form on the hazard page (each has a POST url)."""
    return [a for a in ACTIONS.values() if a.form is not None]


# --- checks ---------------------------------------------------------------------------------


def _now(at):
    return at or timezone.now()


def _today(at):
    return timezone.localdate(_now(at))


def _check_role(user, action):
    if roles.role_of(user) not in ACTIONS[action].roles:
        raise NotAllowed(
            _("您的角色不能执行“%(action)s”操作。") % {"action": ACTIONS[action].label}
        )


def _check_source(hazard, action):
    if hazard.status not in ACTIONS[action].sources:
        raise WorkflowError(
            _("该隐患当前状态为“%(state)s”，不能执行“%(action)s”。")
            % {"state": hazard.get_status_display(), "action": ACTIONS[action].label}
        )


def check(hazard, action, user, at=None):
    """Raise the refusal the action would meet at ``at`` (before any input is looked at):
    ``Http404`` out of scope, ``NotAllowed`` for the role, ``WorkflowError`` for the state,
    then the action's guards in order."""
    scoping.require(user, "view", hazard)
    _check_role(user, action)
    _check_source(hazard, action)
    refused = ACTIONS[action].refusal(hazard, user, _today(at))
    if refused is not None:
        raise refused


def available_actions(hazard, user, at=None):
    """The page actions this user may take on this hazard now, in display order."""
    if not scoping.can_see(user, hazard):
        return []
    role = roles.role_of(user)
    today = _today(at)
    return [
        a.name
        for a in ACTIONS.values()
        if a.page
        and role in a.roles
        and hazard.status in a.sources
        and a.refusal(hazard, user, today) is None
    ]


# --- the one writer -------------------------------------------------------------------------


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _event_data(changes):
    skip = {"updated_at"}
    data = {}
    for key, value in changes.items():
        if key in skip:
            continue
        key = key[:-3] if key.endswith("_id") else key
        data[key] = _jsonable(value)
    return dict(sorted(data.items()))


def _apply(
    hazard, action, *, by, note="", at=None, pin=None, changes=None, data=None, event_data=None
):
    """Change the hazard if it is still as the caller saw it, and append one event.

    The event's data is what changed plus ``data``, unless ``event_data`` says otherwise
    (amend records each changed fact's value before and after).
    """
    rule = ACTIONS[action]
    target = rule.target or hazard.status
    at = _now(at)
    changes = dict(changes or {})
    # updated_at doubles as the row's version: every transition pins the value the caller
    # read and moves it strictly forward (even under a frozen clock or a past ``at``), so a
    # stale instance never lands, also for self-loops that change no other column
    # (issue_order).
    seen = hazard.updated_at
    changes["updated_at"] = max(at, seen + timedelta(microseconds=1)) if seen else at
    with transaction.atomic():
        matched = Hazard.objects.filter(
            pk=hazard.pk, status=hazard.status, updated_at=seen, **(pin or {})
        ).update(status=target, **changes)
        if matched != 1:
            raise StaleTransition(stale_message())
        event = HazardEvent.objects.create(
            hazard_id=hazard.pk,
            action=action,
            actor=by,
            at=at,
            from_status=hazard.status,
            to_status=target,
            note=note or "",
            data=(_event_data({**changes, **(data or {})}) if event_data is None else event_data),
        )
        hazard.refresh_from_db()
        states.record(hazard, at)
    return event


def _attach_photos(hazard, photos, kind, by, event, at):
    for p in photos:
        HazardPhoto.objects.create(
            hazard=hazard,
            kind=kind,
            image=p.image,
            thumbnail=p.thumbnail,
            width=p.width,
            height=p.height,
            uploaded_by=by,
            uploaded_at=_now(at),
            event=event,
        )
