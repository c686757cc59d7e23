"""Public pages (namespace "public", mounted at /). Each live page has a fragment URL ending in
live/ that htmx polls; see league/views/public.py."""
from django.urls import path

from ..views import public as views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("teams/<slug:slug>/", views.team, name="team"),
    path("seasons/<slug:slug>/", views.season_home, name="season"),
    path("seasons/<slug:slug>/live/", views.season_live, name="season_live"),
    path("seasons/<slug:slug>/groups/", views.groups, name="groups"),
    path("seasons/<slug:slug>/groups/live/", views.groups_live, name="groups_live"),
    path("seasons/<slug:slug>/bracket/", views.bracket, name="bracket"),
    path("seasons/<slug:slug>/bracket/live/", views.bracket_live, name="bracket_live"),
    path("seasons/<slug:slug>/schedule/", views.schedule, name="schedule"),
    path("seasons/<slug:slug>/schedule/live/", views.schedule_live, name="schedule_live"),
    path("seasons/<slug:slug>/schedule/day/<day:day>/", views.schedule_day, name="schedule_day"),
    path("seasons/<slug:slug>/schedule/day/<day:day>/live/", views.schedule_day_live,
         name="schedule_day_live"),
    path("seasons/<slug:slug>/matches/<slot:slot>/", views.match, name="match"),
    path("seasons/<slug:slug>/matches/<slot:slot>/live/", views.match_live, name="match_live"),
    path("seasons/<slug:slug>/matches/<slot:slot>/overlay/", views.overlay, name="overlay"),
    path("seasons/<slug:slug>/matches/<slot:slot>/overlay/live/", views.overlay_live,
         name="overlay_live"),
]
