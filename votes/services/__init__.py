"""Every write about votes: casting and changing ballots, assisted ballots, the residents list,
opening and closing the vote, computing and publishing results.

Callers use ``from votes import services`` and the names below; the modules group them.
"""

from votes.services.casting import (
    AssistedPerson,
    InvalidReceipt,
    ballot_cast,
    ballot_change,
    ballot_record_assisted,
)
from votes.services.closing import (
    PhaseChanges,
    voting_close,
    voting_phases_update,
    voting_reopen,
)
from votes.services.importing import PabulibImportError, axis_import_pabulib
from votes.services.publishing import (
    CountMismatch,
    result_compute,
    result_publish,
    results_compute_request,
    rules_compare,
)
from votes.services.residents import CensusImportReport, census_claim, census_import

__all__ = [
    "AssistedPerson",
    "axis_import_pabulib",
    "CensusImportReport",
    "CountMismatch",
    "InvalidReceipt",
    "PabulibImportError",
    "PhaseChanges",
    "ballot_cast",
    "ballot_change",
    "ballot_record_assisted",
    "census_claim",
    "census_import",
    "result_compute",
    "result_publish",
    "results_compute_request",
    "rules_compare",
    "voting_close",
    "voting_phases_update",
    "voting_reopen",
]
