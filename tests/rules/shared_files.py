"""The real Pabulib elections beside the repository (../shared/pabulib), by size."""

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "pabulib"
ON_CI = os.environ.get("CI", "").lower() == "true"

# Smallest first. "Small and medium" files are those pabutools handles in seconds.
SMALL = [
    "Poland_Czestochowa_2020_Grabowka.pb",
    "Netherlands_Assen_2024.pb",
    "Canada_Stanford_Dataset_PB_Dieppe_2018_vote_approvals.pb",
    "Switzerland_Zurich_D10.pb",
    "US_Stanford_Dataset_PB_Rochester_NY_2019_vote_rankings.pb",
    "Poland_Swiecie_2023.pb",
]
MEDIUM = [
    "Poland_Wieliczka_2023_Green_Budget.pb",
    "France_Toulouse_2024.pb",
    "Poland_Warszawa_2026_Mokotow.pb",
    "Poland_Krakow_2024_Podgorze.pb",
]
LARGE = [
    "Netherlands_Amsterdam_252.pb",
    "Hungary_Budapest_2024.pb",
    "Poland_Katowice_2020.pb",
    "Poland_Warszawa_2026.pb",
    "Poland_Wroclaw_2019.pb",
    "Poland_Lodz_2022.pb",
    "Poland_Krakow_2024.pb",
]
ALL = SMALL + MEDIUM + LARGE


def shared_file(name: str) -> Path:
    """Path of a shared election; skips the test when the folder is absent, except on CI
    where the elections are part of the test setup and their absence is a failure."""
    if not SHARED.is_dir():
        if ON_CI:
            pytest.fail(f"CI=true but the shared Pabulib elections are missing: {SHARED}")
        pytest.skip(f"shared Pabulib elections not found at {SHARED.resolve()}")
    return SHARED / name
