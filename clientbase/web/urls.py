from __future__ import annotations

from django.urls import path

from clientbase.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/export/", views.account_export, name="account_export"),
    path("accounts/<int:account_id>/", views.account_detail, name="account_detail"),
]
