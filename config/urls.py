from django.urls import include, path

urlpatterns = [
    path("api/", include("clientbase.api.urls")),
    path("", include("clientbase.web.urls")),
]
