"""Every write to the catalogue. Each runs in one transaction with its audit event.

Split by what changes together: ``versions`` (sectors, procedures and the life of their
versions), ``processes`` (internal processes and their allowances), ``assignments`` (who carries
out a procedure), ``reviews`` (procedure reviews and the legal change watch), over a small
``_kernel`` (content writing and the one entry point of every version action).
"""

from ._kernel import (
    NOT_A_MANAGER_HERE,
    NOT_ALLOWED_IN_STATE,
    clean_version_or_raise,
    errors_to_exception,
    version_action_begin,
    write_content,
)
from .assignments import agency_procedure_assign
from .processes import (
    ALLOWANCE_MISMATCH,
    PROCESS_ISSUE_IN_FORCE,
    allowance_problems,
    process_save,
    process_save_for_draft,
)
from .reviews import (
    legal_change_mark_done,
    legal_change_register,
    review_campaign_create,
    review_finding_record,
)
from .versions import (
    DRAFT_EXISTS,
    EFFECTIVE_TOO_EARLY,
    PROCESS_OUT_OF_DATE,
    RETIRE_BEFORE_START,
    procedure_create,
    procedure_register,
    sector_save,
    version_create_draft,
    version_publish,
    version_retire,
    version_update_draft,
)

__all__ = [
    "ALLOWANCE_MISMATCH",
    "DRAFT_EXISTS",
    "EFFECTIVE_TOO_EARLY",
    "NOT_ALLOWED_IN_STATE",
    "NOT_A_MANAGER_HERE",
    "PROCESS_ISSUE_IN_FORCE",
    "PROCESS_OUT_OF_DATE",
    "RETIRE_BEFORE_START",
    "agency_procedure_assign",
    "allowance_problems",
    "clean_version_or_raise",
    "errors_to_exception",
    "legal_change_mark_done",
    "legal_change_register",
    "procedure_create",
    "procedure_register",
    "process_save",
    "process_save_for_draft",
    "review_campaign_create",
    "review_finding_record",
    "sector_save",
    "version_action_begin",
    "version_create_draft",
    "version_publish",
    "version_retire",
    "version_update_draft",
    "write_content",
]
