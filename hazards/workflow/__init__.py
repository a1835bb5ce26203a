"""The rectification workflow: the only code that changes a hazard's status.

Each action is declared once (``base.declare`` on its verb in ``actions``): its rule,
guards, page form, URL and success message. The pages, ``available_actions`` and the URL
list read those declarations; every verb checks, then changes the hazard with one
conditional UPDATE and appends one event (``base._apply``). The ledger import is in
``imports``. The names below are the public face; import them from ``hazards.workflow``.
"""

from hazards.workflow.actions import (
    AMENDABLE,
    RECURRENCE_DAYS,
    acknowledge,
    amend,
    approve_extension,
    close_out,
    decline_extension,
    extend_deadline,
    issue_order,
    next_number,
    refer_to_county,
    register,
    reject_fix,
    report_fixed,
    request_extension,
    set_deadline,
    void,
)
from hazards.workflow.base import (
    ACTIONS,
    PAGE_ACTIONS,
    RULES,
    Action,
    Guard,
    NotAllowed,
    StaleTransition,
    WorkflowError,
    available_actions,
    check,
    declare,
    label,
    page_forms,
    stale_message,
)
from hazards.workflow.imports import (
    IMPORT_BATCH,
    ImportRecord,
    import_records,
    imported_status,
)

__all__ = [
    "acknowledge",
    "ACTIONS",
    "AMENDABLE",
    "IMPORT_BATCH",
    "PAGE_ACTIONS",
    "RECURRENCE_DAYS",
    "RULES",
    "Action",
    "Guard",
    "ImportRecord",
    "NotAllowed",
    "StaleTransition",
    "WorkflowError",
    "amend",
    "approve_extension",
    "available_actions",
    "check",
    "close_out",
    "declare",
    "decline_extension",
    "extend_deadline",
    "import_records",
    "imported_status",
    "issue_order",
    "label",
    "next_number",
    "page_forms",
    "refer_to_county",
    "register",
    "reject_fix",
    "report_fixed",
    "request_extension",
    "set_deadline",
    "stale_message",
    "void",
]
