from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from participation.models import (
    Axis,
    Follow,
    Notification,
    NotificationPreference,
    Phase,
    PhaseAnnouncement,
    Process,
    Role,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "language", "is_staff", "blocked_at", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "language"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Profile"), {"fields": ["display_name", "language"]}),
        (_("Blocking"), {"fields": ["blocked_at", "blocked_reason"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "display_name", "password1", "password2"]})
    ]


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class AxisInline(admin.StackedInline):
    model = Axis
    extra = 0
    prepopulated_fields = {"slug": ["title"]}


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_published", "eligibility", "created_at"]
    list_filter = ["is_published", "eligibility"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PhaseInline, AxisInline, RoleInline]


@admin.register(Axis)
class AxisAdmin(admin.ModelAdmin):
    list_display = ["title", "process", "budget", "ballot_type", "result_rule"]
    list_filter = ["ballot_type", "result_rule", "process"]
    search_fields = ["title", "process__title"]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["process", "kind", "starts_at", "ends_at"]
    list_filter = ["kind", "process"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "process", "granted_at"]
    list_filter = ["kind", "process"]
    autocomplete_fields = ["user"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "kind", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
    readonly_fields = ["created_at"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "delivery", "updated_at"]
    list_filter = ["kind", "delivery"]
    raw_id_fields = ["user"]


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "process", "proposal", "created_at"]
    raw_id_fields = ["user", "process", "proposal"]


@admin.register(PhaseAnnouncement)
class PhaseAnnouncementAdmin(admin.ModelAdmin):
    list_display = ["phase", "announced_at", "recipient_count"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False
