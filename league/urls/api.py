"""The read-only JSON feed (namespace "api", mounted at /api/v1/). Schema: /api/v1/openapi.json."""
from django.urls import path

from ..views import api as views

app_name = "api"
urlpatterns = [
    path("", views.index, name="index"),
    path("openapi.json", views.openapi_schema, name="openapi"),
    path("seasons/", views.seasons, name="seasons"),
    path("seasons/<slug:slug>/", views.season, name="season"),
    path("seasons/<slug:slug>/groups/", views.groups, name="groups"),
    path("seasons/<slug:slug>/bracket/", views.bracket, name="bracket"),
    path("seasons/<slug:slug>/matches/", views.matches, name="matches"),
    path("seasons/<slug:slug>/matches/<slot:slot>/", views.match, name="match"),
    path("seasons/<slug:slug>/teams/", views.season_teams, name="season_teams"),
    path("teams/", views.teams, name="teams"),
    path("teams/<slug:slug>/", views.team, name="team"),
]
