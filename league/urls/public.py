"""Public pages (namespace "public", mounted at /). Each live page has a fragment URL ending in
live/ that htmx polls; see league/views/public.py."""
from django.urls import path

from ..push import views as push
from ..views import broadcast, health
from ..views import public as views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
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
    # Broadcast: per ring (ring = the ring's slug, "ring-1" for "Ring 1") and the whole venue.
    path("seasons/<slug:slug>/rings/<slug:ring>/overlay/", broadcast.ring_overlay,
         name="ring_overlay"),
    path("seasons/<slug:slug>/rings/<slug:ring>/overlay/live/", broadcast.ring_overlay_live,
         name="ring_overlay_live"),
    path("seasons/<slug:slug>/rings/<slug:ring>/screen/", broadcast.ring_audience,
         name="ring_audience"),
    path("seasons/<slug:slug>/rings/<slug:ring>/screen/live/", broadcast.ring_audience_live,
         name="ring_audience_live"),
    path("seasons/<slug:slug>/matches/<slot:slot>/clock.json", broadcast.match_clock,
         name="match_clock"),
    path("seasons/<slug:slug>/venue/", broadcast.venue, name="venue"),
    path("seasons/<slug:slug>/venue/live/", broadcast.venue_live, name="venue_live"),
    # Server-Sent Event streams (league.push): a change of the season, pushed.
    path("seasons/<slug:slug>/stream/", push.season_stream, name="season_stream"),
    path("seasons/<slug:slug>/matches/<slot:slot>/stream/", push.match_stream, name="match_stream"),
    path("seasons/<slug:slug>/rings/<slug:ring>/stream/", push.ring_stream, name="ring_stream"),
]
