"""Protest pages (R18): the team's side (namespace "protests", mounted at /my-team/protests/ until
the teams' site includes it under /my-team/) and the referee panel's (``referee_patterns``,
namespace "referee_protests", mounted at /referee/protests/)."""
from django.urls import path

from ..views import protests as views

app_name = "protests"
urlpatterns = [
    path("", views.my_protests, name="mine"),
    path("match/<int:pk>/", views.protest_new, name="new"),
]

referee_patterns = ([
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.ruling, name="ruling"),
    path("<int:pk>/rule/", views.rule, name="rule"),
    path("<int:pk>/evidence/<int:evidence>/", views.evidence_file, name="evidence"),
], "referee_protests")
