from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("referee/", include("league.urls.referee")),
    path("api/v1/", include("league.urls.api")),
    path("", include("league.urls.public")),
]
