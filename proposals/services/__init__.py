"""Every write about proposals, comments, supports, reports, moderation and evaluation.

Plain keyword-only functions, one transaction each: they check the permission and the phase
(``participation.permissions``), validate, rate-limit, write, and notify in the same
transaction. They raise ``participation.errors`` exceptions, never anything a page shows as 500.
"""

from proposals.services.comments import comment_create, comment_delete, comment_edit
from proposals.services.evaluation import proposal_evaluate, proposal_merge, proposal_select
from proposals.services.moderation import (
    comment_hide,
    comment_publish,
    comment_restore,
    proposal_hide,
    proposal_publish,
    proposal_reject,
    proposal_restore,
    reports_dismiss,
    user_block,
    user_unblock,
)
from proposals.services.reports import report_create
from proposals.services.submissions import (
    proposal_create,
    proposal_submit,
    proposal_update,
    proposal_withdraw,
)
from proposals.services.supports import (
    comment_support,
    comment_unsupport,
    proposal_support,
    proposal_unsupport,
)

__all__ = [
    "comment_create",
    "comment_delete",
    "comment_edit",
    "comment_hide",
    "comment_publish",
    "comment_restore",
    "comment_support",
    "comment_unsupport",
    "proposal_create",
    "proposal_evaluate",
    "proposal_hide",
    "proposal_merge",
    "proposal_publish",
    "proposal_reject",
    "proposal_restore",
    "proposal_select",
    "proposal_submit",
    "proposal_support",
    "proposal_unsupport",
    "proposal_update",
    "proposal_withdraw",
    "report_create",
    "reports_dismiss",
    "user_block",
    "user_unblock",
]
