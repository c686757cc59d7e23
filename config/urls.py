from django.contrib import admin
from django.urls import include, path

from league.views.language import switch_language

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("lang/", switch_language, name="switch_language"),
    path("admin/", admin.site.urls),
    path("referee/", include("league.urls.referee")),
    path("api/v1/", include("league.urls.api")),
    path("", include("league.urls.public")),
]
