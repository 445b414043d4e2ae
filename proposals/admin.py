from django.contrib import admin

from proposals.models import Comment, Evaluation, ModerationDecision, Proposal, Report, Support


class EvaluationInline(admin.StackedInline):
    model = Evaluation
    extra = 0


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "axis", "status", "estimated_cost", "support_count", "created_at"]
    list_filter = ["status", "selected_for_vote", "axis__process", "axis"]
    search_fields = ["title", "summary", "author__display_name"]
    raw_id_fields = ["author", "merged_into"]
    readonly_fields = ["support_count", "comment_count", "body_html"]
    inlines = [EvaluationInline]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "proposal", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["body"]
    raw_id_fields = ["proposal", "parent", "author"]


@admin.register(Support)
class SupportAdmin(admin.ModelAdmin):
    list_display = ["proposal", "user", "created_at"]
    raw_id_fields = ["proposal", "user"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["reporter", "proposal", "comment", "created_at", "resolved_at"]
    raw_id_fields = ["proposal", "comment", "reporter"]


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    """A read-only log: decisions are made through the moderation services."""

    list_display = ["created_at", "process", "moderator", "action", "proposal", "target_user"]
    list_filter = ["action", "process"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["proposal", "feasible", "validated_cost", "evaluator", "updated_at"]
    list_filter = ["feasible"]
    raw_id_fields = ["proposal", "evaluator"]
