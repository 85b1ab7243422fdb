from __future__ import annotations

from django.urls import path

from clientbase.web import duplicates, new_account, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/export/", views.account_export, name="account_export"),
    path("accounts/<int:account_id>/", views.account_detail, name="account_detail"),
    path("accounts/new/", new_account.account_new, name="account_new"),
    path("accounts/new/check/", new_account.account_new_check, name="account_new_check"),
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
]
