from __future__ import annotations

from django.urls import path

from clientbase.web import (
    analytics,
    audit,
    duplicates,
    export_control,
    exports,
    imports,
    new_account,
    parked,
    playbooks,
    privacy,
    questionnaires,
    roles,
    segments,
    signin,
    two_factor,
    users,
    views,
)
from clientbase.web import tokens as token_pages

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", signin.login_view, name="login"),
    path("logout/", signin.logout_view, name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/export/", views.account_export, name="account_export"),
    path("accounts/<int:account_id>/", views.account_detail, name="account_detail"),
    path("accounts/new/", new_account.account_new, name="account_new"),
    path("accounts/new/check/", new_account.account_new_check, name="account_new_check"),
    path("merges/<int:merge_id>/undo/", duplicates.merge_undo, name="merge_undo"),
    path("duplicates/", duplicates.duplicate_queue, name="duplicate_queue"),
    path("duplicates/<int:candidate_id>/", duplicates.duplicate_detail, name="duplicate_detail"),
    path(
        "duplicates/<int:candidate_id>/dismiss/",
        duplicates.duplicate_dismiss,
        name="duplicate_dismiss",
    ),
    path(
        "duplicates/<int:candidate_id>/merge/", duplicates.duplicate_merge, name="duplicate_merge"
    ),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/new/", imports.import_new, name="import_new"),
    path("imports/<int:batch_id>/", imports.import_detail, name="import_detail"),
    path("imports/<int:batch_id>/mapping/", imports.import_mapping, name="import_mapping"),
    path("imports/<int:batch_id>/progress/", imports.import_progress, name="import_progress"),
    path("imports/<int:batch_id>/report.csv", imports.import_report, name="import_report"),
    path("imports/<int:batch_id>/rollback/", imports.import_rollback, name="import_rollback"),
    path("imports/<int:batch_id>/parked/", parked.import_parked, name="import_parked"),
    path(
        "imports/<int:batch_id>/parked/resubmit/",
        parked.import_parked_resubmit,
        name="import_parked_resubmit",
    ),
    path(
        "imports/<int:batch_id>/parked/discard/",
        parked.import_parked_discard,
        name="import_parked_discard",
    ),
    path("exports/", exports.export_list, name="export_list"),
    path("exports/<int:export_id>/", exports.export_detail, name="export_detail"),
    path("exports/<int:export_id>/progress/", exports.export_progress, name="export_progress"),
    path("exports/<int:export_id>/download/", exports.export_download, name="export_download"),
    path(
        "accounts/<int:account_id>/questionnaire/",
        questionnaires.account_questionnaire,
        name="account_questionnaire",
    ),
    path("questionnaire/", questionnaires.questionnaire_edit, name="questionnaire_edit"),
]

# The analytics pages (issue 4).
urlpatterns += [
    path("analytics/", analytics.analytics_dashboard, name="analytics_dashboard"),
    path("analytics/runs/", analytics.analytics_runs, name="analytics_runs"),
    path(
        "analytics/runs/progress/",
        analytics.analytics_runs_progress,
        name="analytics_runs_progress",
    ),
    path("analytics/recompute/", analytics.analytics_recompute, name="analytics_recompute"),
    path("analytics/<slug:table>.csv", analytics.analytics_csv, name="analytics_csv"),
]

urlpatterns += [
    path("segments/", segments.segment_list, name="segment_list"),
    path("segments/new/", segments.segment_new, name="segment_new"),
    path("segments/builder/", segments.segment_builder, name="segment_builder"),
    path("segments/count/", segments.segment_count, name="segment_count"),
    path("segments/movements/", segments.segment_movements_page, name="segment_movements"),
    path("segments/<int:segment_id>/edit/", segments.segment_edit, name="segment_edit"),
    path("segments/<int:segment_id>/delete/", segments.segment_delete, name="segment_delete"),
]

# Playbooks (issue 4 item 4).
urlpatterns += [
    path("playbooks/", playbooks.playbooks_page, name="playbooks"),
    path("playbooks/<slug:kind>/<slug:key>/", playbooks.playbook_edit, name="playbook_edit"),
    path(
        "playbooks/<slug:kind>/<slug:key>/tasks/",
        playbooks.playbook_tasks,
        name="playbook_tasks",
    ),
]

# Roles as data (issue 5): administrators only.
urlpatterns += [
    path("roles/", roles.role_list, name="role_list"),
    path("roles/new/", roles.role_new, name="role_new"),
    path("roles/holders/", roles.role_holders, name="role_holders"),
    path("roles/<slug:key>/", roles.role_edit, name="role_edit"),
    path("roles/<slug:key>/delete/", roles.role_delete, name="role_delete"),
]

# Personal data (issue 5, privacy): contact page with consent, subject export, erasure, acts.
urlpatterns += [
    path("contacts/<int:contact_id>/", privacy.contact_detail, name="contact_detail"),
    path("contacts/<int:contact_id>/consents/", privacy.contact_consent, name="contact_consent"),
    path(
        "contacts/<int:contact_id>/subject-export/",
        privacy.contact_subject_export,
        name="contact_subject_export",
    ),
    path("contacts/<int:contact_id>/erase/", privacy.contact_erase, name="contact_erase"),
    path("privacy/acts/", privacy.destruction_act_list, name="destruction_act_list"),
    path("privacy/acts/<int:act_id>/", privacy.destruction_act, name="destruction_act"),
]

# Signing in, second factor, API tokens, and people management (issue 5: login hardening).
urlpatterns += [
    path("login/verify/", two_factor.login_verify, name="login_verify"),
    path("login/enrol/", two_factor.login_enrol, name="login_enrol"),
    path("settings/two-factor/", two_factor.two_factor_settings, name="two_factor"),
    path("settings/tokens/", token_pages.token_list, name="api_tokens"),
    path(
        "settings/tokens/<int:token_id>/revoke/", token_pages.token_revoke, name="api_token_revoke"
    ),
    path("users/", users.user_list, name="user_list"),
    path("users/unlock/", users.user_unlock, name="user_unlock"),
    path("users/<int:user_id>/offboard/", users.user_offboard, name="user_offboard"),
    path(
        "users/<int:user_id>/two-factor/reset/",
        users.user_two_factor_reset,
        name="user_two_factor_reset",
    ),
]

# The audit trail (issue 5): auditors and administrators only.
urlpatterns += [
    path("audit/", audit.audit_log, name="audit_log"),
]

# Export control and anti-theft alerts (issue 5, exportctl).
urlpatterns += [
    path("exports/requests/", export_control.export_requests, name="export_requests"),
    path("exports/requests/new/", export_control.export_request_new, name="export_request_new"),
    path(
        "exports/requests/<int:request_id>/decide/",
        export_control.export_request_decide,
        name="export_request_decide",
    ),
    path(
        "exports/requests/<int:request_id>/run/",
        export_control.export_request_run,
        name="export_request_run",
    ),
    path("exports/policy/", export_control.export_policy, name="export_policy"),
    path("alerts/", export_control.usage_alerts, name="usage_alerts"),
    path(
        "alerts/users/<int:user_id>/suspend/", export_control.export_suspend, name="export_suspend"
    ),
    path("alerts/users/<int:user_id>/lift/", export_control.export_lift, name="export_lift"),
    path("notifications/", export_control.notification_list, name="notification_list"),
    path(
        "notifications/<int:notification_id>/read/",
        export_control.notification_read,
        name="notification_read",
    ),
]
