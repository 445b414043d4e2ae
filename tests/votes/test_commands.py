"""Management commands of the vote: census_import and check_ballots."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests import factories
from votes import selectors, services
from votes.models import CensusEntry

pytestmark = pytest.mark.django_db


def test_census_import_reads_a_csv_file_and_stores_only_hashes(tmp_path):
    process = factories.ProcessFactory(slug="ville")
    path = tmp_path / "residents.csv"
    path.write_text("identifiant;nom\nNAN-001;Dupont\nNAN-002;Durand\nnan 001;Dupont\n;\n")
    out = StringIO()
    call_command("census_import", "ville", str(path), stdout=out)
    assert "2 identifiers added, 1 already on the list" in out.getvalue()
    assert CensusEntry.objects.filter(process=process).count() == 2
    assert not CensusEntry.objects.filter(identifier_hash__icontains="nan").exists()
    assert selectors.census_entry_find(process=process, identifier="NAN 002") is not None


def test_census_import_refuses_an_unknown_process(tmp_path):
    path = tmp_path / "residents.txt"
    path.write_text("A1\n")
    with pytest.raises(CommandError, match="No process"):
        call_command("census_import", "nowhere", str(path))


def test_check_ballots_can_be_limited_to_a_process(voting_axis):
    axis = voting_axis()
    services.ballot_cast(
        voter=factories.UserFactory(), axis=axis, choices=[axis.test_proposals[0].pk]
    )
    out = StringIO()
    call_command("check_ballots", "--process", axis.process.slug, stdout=out)
    assert f"ok    {axis.process.slug}/{axis.slug}: 1 voter records, 1 ballots" in out.getvalue()
