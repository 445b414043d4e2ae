from django.contrib import admin

from votes.models import Ballot, CensusEntry, Result, VoterRecord, VotingState


class ReadOnlyAdmin(admin.ModelAdmin):
    """Votes are written only by the voting services; the admin can look, never touch."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(VoterRecord)
class VoterRecordAdmin(ReadOnlyAdmin):
    list_display = ["axis", "channel", "mediator", "place", "created_at"]
    list_filter = ["channel", "axis__process", "axis"]


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ["id", "axis"]
    list_filter = ["axis__process", "axis"]


@admin.register(CensusEntry)
class CensusEntryAdmin(ReadOnlyAdmin):
    list_display = ["process", "identifier_hash", "claimed_at"]
    list_filter = ["process"]


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ["axis", "rule", "computed_at", "published_at", "voter_count"]
    list_filter = ["rule", "axis__process"]


@admin.register(VotingState)
class VotingStateAdmin(ReadOnlyAdmin):
    list_display = ["axis", "opened_at", "closed_at", "closed_by"]
    list_filter = ["axis__process"]
