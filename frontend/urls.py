from django.urls import path

from frontend import (
    comment_views,
    moderation_views,
    notification_views,
    organiser_views,
    proposal_views,
    results_views,
    views,
    vote_views,
)

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.set_language, name="set_language"),
    path("profile/", views.profile, name="profile"),
    path("processes/<slug:slug>/", views.process_detail, name="process"),
    path("processes/<slug:slug>/<slug:axis>/", views.axis_detail, name="axis"),
    path(
        "processes/<slug:slug>/<slug:axis>/proposals/<int:pk>/",
        views.proposal_detail,
        name="proposal",
    ),
]

# --- The vote and its results (issue 4) ---------------------------------------------------------

_AXIS = "processes/<slug:slug>/<slug:axis>/"
urlpatterns += [
    path(f"{_AXIS}vote/", vote_views.ballot_page, name="vote"),
    path(f"{_AXIS}vote/basket/", vote_views.basket_update, name="vote_basket"),
    path(f"{_AXIS}vote/confirm/", vote_views.ballot_confirm, name="vote_confirm"),
    path(f"{_AXIS}vote/receipt/", vote_views.ballot_receipt, name="vote_receipt"),
    path(f"{_AXIS}vote/assisted/", vote_views.assisted_ballot, name="vote_assisted"),
    path(f"{_AXIS}results/", results_views.axis_results, name="axis_results"),
    path(f"{_AXIS}results/pabulib/", results_views.axis_results_pabulib, name="axis_pabulib"),
    path("ballots/check/", vote_views.receipt_check, name="receipt_check"),
    path("voting/<slug:slug>/", results_views.voting_manage, name="voting_manage"),
    path(
        "voting/<slug:slug>/compare/<int:axis_id>/",
        results_views.rules_compare,
        name="rules_compare",
    ),
    path("voting/<slug:slug>/import/", results_views.pabulib_import, name="pabulib_import"),
    path("voting/<slug:slug>/eligibility/", vote_views.eligibility, name="vote_eligibility"),
    path("voting/<slug:slug>/census/", vote_views.census_upload, name="census_upload"),
    path("results/<slug:slug>/", results_views.process_results, name="process_results"),
]

# Proposals, comments, moderation and organisers (issue #3). The process-level pages use three
# path segments so that they never collide with the axis page `processes/<slug>/<axis>/`.

_proposal = "processes/<slug:slug>/<slug:axis>/proposals/<int:pk>/"
_comment = _proposal + "comments/<int:comment>/"
_moderation = "processes/<slug:slug>/moderation/"
_manage = "processes/<slug:slug>/manage/"

urlpatterns += [
    path("my/proposals/", proposal_views.my_proposals, name="my_proposals"),
    path(
        "processes/<slug:slug>/proposals/search/",
        proposal_views.process_proposals,
        name="process_proposals",
    ),
    path(
        "processes/<slug:slug>/<slug:axis>/proposals/new/",
        proposal_views.proposal_create,
        name="proposal_create",
    ),
    path(_proposal + "edit/", proposal_views.proposal_edit, name="proposal_edit"),
    path(_proposal + "submit/", proposal_views.proposal_submit, name="proposal_submit"),
    path(_proposal + "withdraw/", proposal_views.proposal_withdraw, name="proposal_withdraw"),
    path(_proposal + "support/", proposal_views.proposal_support, name="proposal_support"),
    path(_proposal + "report/", proposal_views.proposal_report, name="proposal_report"),
    path(_proposal + "comments/new/", comment_views.comment_create, name="comment_create"),
    path(_comment + "reply/", comment_views.comment_reply, name="comment_reply"),
    path(_comment + "edit/", comment_views.comment_edit, name="comment_edit"),
    path(_comment + "delete/", comment_views.comment_delete, name="comment_delete"),
    path(_comment + "support/", comment_views.comment_support, name="comment_support"),
    path(_comment + "report/", comment_views.comment_report, name="comment_report"),
    path(_proposal + "evaluate/", organiser_views.proposal_evaluate, name="proposal_evaluate"),
    path(_proposal + "select/", organiser_views.proposal_select, name="proposal_select"),
    path(_proposal + "merge/", organiser_views.proposal_merge, name="proposal_merge"),
    path(_moderation + "queue/", moderation_views.queue, name="moderation_queue"),
    path(_moderation + "log/", moderation_views.log, name="moderation_log"),
    path(
        _moderation + "proposals/<int:pk>/<slug:action>/",
        moderation_views.decide_proposal,
        name="moderate_proposal",
    ),
    path(
        _moderation + "comments/<int:pk>/<slug:action>/",
        moderation_views.decide_comment,
        name="moderate_comment",
    ),
    path(
        _moderation + "participants/<int:user>/<slug:action>/",
        moderation_views.decide_account,
        name="moderate_account",
    ),
    path("manage/processes/new/", organiser_views.process_create, name="manage_process_create"),
    path(_manage + "settings/", organiser_views.process_manage, name="manage_process"),
    path(_manage + "phases/new/", organiser_views.phase_create, name="manage_phase_create"),
    path(_manage + "phases/<int:pk>/", organiser_views.phase_edit, name="manage_phase_edit"),
    path(
        _manage + "phases/<int:pk>/delete/",
        organiser_views.phase_delete,
        name="manage_phase_delete",
    ),
    path(_manage + "axes/new/", organiser_views.axis_create, name="manage_axis_create"),
    path(_manage + "axes/<slug:axis>/", organiser_views.axis_edit, name="manage_axis_edit"),
    path(_manage + "roles/", organiser_views.role_grant, name="manage_role_grant"),
    path(
        _manage + "roles/<int:pk>/revoke/", organiser_views.role_revoke, name="manage_role_revoke"
    ),
    path(_manage + "proposals/", organiser_views.review, name="manage_review"),
]

# Notifications, e-mail preferences and follows (issue #5).

urlpatterns += [
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<uuid:pk>/read/",
        notification_views.notification_read,
        name="notification_read",
    ),
    path(
        "notifications/read-all/",
        notification_views.notification_read_all,
        name="notifications_read_all",
    ),
    path(
        "notifications/preferences/",
        notification_views.notification_preferences,
        name="notification_preferences",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        notification_views.notifications_unsubscribe,
        name="notifications_unsubscribe",
    ),
    path("follow/processes/<slug:slug>/", notification_views.follow_process, name="follow_process"),
    path(
        "processes/<slug:slug>/<slug:axis>/proposals/<int:pk>/follow/",
        notification_views.follow_proposal,
        name="follow_proposal",
    ),
]
