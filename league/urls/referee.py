"""Referee match-entry pages, mounted at /referee/ (namespace "referee")."""
from django.contrib.auth import views as auth_views
from django.urls import path

from ..views import referee as views
from ..views.login import referee_login

app_name = "referee"
urlpatterns = [
    path("login/", referee_login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("match/<int:pk>/", views.match_detail, name="match"),
    path("match/<int:pk>/poll/", views.match_poll, name="poll"),
    path("match/<int:pk>/check-in/", views.action_view("checkin"), name="check_in"),
    path("match/<int:pk>/start/", views.action_view("start"), name="start"),
    path("match/<int:pk>/allowance/", views.action_view("allowance"), name="allowance"),
    path("match/<int:pk>/round/", views.action_view("round"), name="round"),
    path("match/<int:pk>/battery-swap/", views.action_view("swap"), name="battery_swap"),
    path("match/<int:pk>/failure/", views.action_view("failure"), name="failure_report"),
    path("match/<int:pk>/forfeit/", views.action_view("forfeit"), name="forfeit"),
    path("match/<int:pk>/sign-off/", views.action_view("signoff"), name="sign_off"),
    path("match/<int:pk>/correct/", views.action_view("correct"), name="correct"),
    path("match/<int:pk>/clock.json", views.match_clock, name="clock"),
    path("match/<int:pk>/clock/start/", views.action_view("clock_start"), name="clock_start"),
    path("match/<int:pk>/clock/stop/", views.action_view("clock_pause"), name="clock_pause"),
    path("match/<int:pk>/clock/resume/", views.action_view("clock_resume"), name="clock_resume"),
    path("match/<int:pk>/clock/countdown/", views.action_view("countdown"), name="countdown"),
    path("match/<int:pk>/clock/countdown/end/", views.action_view("countdown_end"),
         name="countdown_end"),
    path("match/<int:pk>/undo/", views.action_view("undo"), name="undo"),
    path("failures/", views.failures, name="failures"),
    path("failures/<int:pk>/decide/", views.failure_decide, name="failure_decide"),
]
