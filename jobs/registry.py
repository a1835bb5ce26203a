"""What a background job can be: the kinds the apps register, each with its runner.

``jobs`` names no app. An app that has an export or an import to offer registers it here
from its ``AppConfig.ready()`` (as pretix's apps answer ``register_data_exporters``):

- ``register_export(kind, label=…, permission=…, build=…, file_stem=…)``: ``build(user,
  params)`` returns an exporter (``count()``, ``write(out, progress=…)``, ``file_name``)
  for the stored parameters as a ``QueryDict``;
- ``register_import(kind, label=…, permission=…, importer=…)``: ``importer(source, *, by,
  dry_run, progress)`` checks every row and writes all or nothing, returning a result with
  ``created``, ``updated``, ``unchanged``, ``errors`` and ``ok``.

An export kind is named ``export_…`` and an import kind ``import_…`` (the database checks
the prefix, the pages read the direction from it). ``permission`` is a
``grid.scoping.allowed`` action. ``Job.kind`` takes its choices from ``kind_choices``.

An app with periodic work for the worker (reminders, digests) registers it with
``register_hourly(task)``: ``run_worker`` calls every registered task, without arguments,
in its hourly housekeeping. A task must be idempotent: it may run again after a restart.
"""

from dataclasses import dataclass
from typing import Any

EXPORT = "export_"
IMPORT = "import_"


@dataclass(frozen=True)
class JobKind:
    kind: str
    label: Any  # a lazy translation
    permission: str
    build: Any = None  # exports: build(user, params) -> exporter
    importer: Any = None  # imports: importer(source, *, by, dry_run, progress) -> result
    file_stem: Any = ""  # exports: the downloaded file is {file_stem}_{date}.xlsx

    @property
    def is_export(self):
        return self.kind.startswith(EXPORT)


_KINDS = {}


def _register(entry):
    _KINDS[entry.kind] = entry  # registering a kind again replaces it (tests rely on it)
    return entry


def register_export(kind, *, label, permission, build, file_stem=""):
    if not kind.startswith(EXPORT):
        raise ValueError(f"an export kind starts with {EXPORT!r}: {kind!r}")
    return _register(
        JobKind(kind=kind, label=label, permission=permission, build=build, file_stem=file_stem)
    )


def register_import(kind, *, label, permission, importer):
    if not kind.startswith(IMPORT):
        raise ValueError(f"an import kind starts with {IMPORT!r}: {kind!r}")
    return _register(JobKind(kind=kind, label=label, permission=permission, importer=importer))


def get(kind):
    """The registered kind, or None."""
    return _KINDS.get(kind)


def kinds():
    return list(_KINDS.values())


def kind_choices():
    """``Job.kind``'s choices: every registered kind with its label."""
    return [(entry.kind, entry.label) for entry in _KINDS.values()]


_HOURLY = []


def register_hourly(task):
    if task not in _HOURLY:
        _HOURLY.append(task)
    return task


def hourly_tasks():
    return list(_HOURLY)
