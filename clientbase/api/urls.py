from __future__ import annotations

from django.urls import path
from ninja import NinjaAPI
from ninja.security import django_auth

from clientbase.api.auth import ApiTokenAuth
from clientbase.api.views import router as accounts_router

api = NinjaAPI(
    title="clientbase API",
    version="1",
    urls_namespace="api",
    auth=[ApiTokenAuth(), django_auth],
    docs_url="/docs",
)
api.add_router("/", accounts_router)

urlpatterns = [path("v1/", api.urls)]
