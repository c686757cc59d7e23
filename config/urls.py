from django.contrib import admin
from django.urls import include, path, re_path

from league.metrics import metrics
from league.urls.protests import referee_patterns as referee_protests
from league.views.api import not_found as api_not_found
from league.views.language import switch_language

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("lang/", switch_language, name="switch_language"),
    path("admin/", admin.site.urls),
    path("metrics", metrics, name="metrics"),  # Prometheus; loopback only by default
    path("referee/protests/", include(referee_protests)),  # R18: the referee panel's protests
    path("referee/", include("league.urls.referee")),
    # The teams' site: team accounts (django-allauth) and the teams' own pages. Protests first:
    # "protests" is not a team's page there.
    path("my-team/account/", include("allauth.urls")),
    path("my-team/protests/", include("league.urls.protests")),
    path("my-team/", include("league.urls.teamsite")),
    path("api/v1/", include("league.urls.api")),
    re_path(r"^api/", api_not_found),  # any other path under /api/: a JSON 404
    path("", include("league.urls.public")),
]
