"""The teams' own site, mounted at /my-team/ (namespace "teamsite"); team accounts (allauth)
live under /my-team/account/."""
from django.urls import path

from ..views import teamsite as views

app_name = "teamsite"
urlpatterns = [
    path("", views.home, name="home"),
    path("apply/<slug:season>/", views.apply, name="apply"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("calendar/<str:token>.ics", views.calendar, name="calendar"),
    path("files/proof/<int:pk>/", views.proof, name="proof"),
    path("files/robot/<int:pk>/", views.robot_photo, name="robot_photo"),
    path("<slug:slug>/", views.team, name="team"),
    path("<slug:slug>/apply/<slug:season>/", views.reapply, name="reapply"),
    path("<slug:slug>/entries/<int:pk>/roster/", views.roster, name="roster"),
    path("<slug:slug>/entries/<int:pk>/robots/", views.robot_add, name="robot_add"),
    path("<slug:slug>/entries/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<slug:slug>/robots/<int:pk>/remove/", views.robot_remove, name="robot_remove"),
    path("<slug:slug>/managers/invite/", views.invite, name="invite"),
    path("<slug:slug>/managers/<int:pk>/remove/", views.manager_remove, name="manager_remove"),
    path("<slug:slug>/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("<slug:slug>/calendar/renew/", views.calendar_link, {"change": "renew"}, name="calendar_renew"),
    path("<slug:slug>/calendar/revoke/", views.calendar_link, {"change": "revoke"}, name="calendar_revoke"),
]
