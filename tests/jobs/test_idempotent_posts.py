"""Idempotent referee posts (issue 12, part 6): every referee post carries a key, and a retry of
any action after a lost response (or on another server) is applied once and answered as
applied; old stored answers are deleted by the housekeeping."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from league import services
from league.models import AuditEvent, ClockEvent, FailureReport, IdempotentPost, Match
from league.services import clock as clock_services
from league.services.common import system_actor
from league.services.idempotency import idempotent_posts_prune
from tests.referee.conftest import (
    HTMX,
    body,
    check_in,
    finish,
    go_live,
    make_match,
    mini_season,
    round_data,
    url,
)


@pytest.fixture(autouse=True)
def _referee_urls(settings):
    settings.ROOT_URLCONF = "tests.referee.urls"


@pytest.fixture
def match(db, people):
    season = mini_season()
    return make_match(season, referees=[people["ref1"]])


def fresh(match: Match) -> Match:
    return Match.objects.get(pk=match.pk)


def _correction(m):
    data = {"expected_version": m.version, "reason": "Video review", "rounds-TOTAL_FORMS": 2,
            "rounds-INITIAL_FORMS": 0, "rounds-MIN_NUM_FORMS": 0, "rounds-MAX_NUM_FORMS": 7}
    for i in range(2):
        data.update({f"rounds-{i}-winner": "blue", f"rounds-{i}-method": "points",
                     f"rounds-{i}-red_points": 1, f"rounds-{i}-blue_points": 9,
                     **{f"rounds-{i}-{c}_{s}": 0 for c in ("red", "blue")
                        for s in ("knockdowns", "fouls")}})
    return data


def _paused(m, ref):
    m = go_live(m, ref)
    clock_services.clock_start(match=m, actor=ref)
    clock_services.clock_pause(match=m, actor=ref)
    return fresh(m)


def _counting(m, ref):
    m = go_live(m, ref)
    clock_services.countdown_start(match=m, kind="recovery", corner="red", actor=ref)
    return fresh(m)


def _with_round(m, ref):
    m = go_live(m, ref)
    services.round_record(match=m, number=1, actor=ref, data=services.RoundInput(
        winner="red", method="points", red_points=9, blue_points=3))
    return fresh(m)


# action: (who posts, how to reach the state, url name, the post's data)
ACTIONS = {
    "check_in": ("ref1", lambda m, r: m, "check_in", lambda m: {
        "expected_version": m.version, "red_robot": services.active_robot(m.red).pk,
        "red_seal": "S-R", "blue_robot": services.active_robot(m.blue).pk, "blue_seal": "S-B"}),
    "start": ("ref1", check_in, "start", lambda m: {"expected_version": m.version}),
    "allowance": ("ref1", go_live, "allowance", lambda m: {
        "expected_version": m.version, "corner": "red", "kind": "manual_reset"}),
    "round": ("ref1", go_live, "round", lambda m: round_data(m, 1)),
    "battery_swap": ("ref1", go_live, "battery_swap", lambda m: {
        "expected_version": m.version, "corner": "blue", "confirmed": "on"}),
    "failure_report": ("ref1", go_live, "failure_report", lambda m: {
        "expected_version": m.version, "robot": m.red_robot_id, "description": "Knee gone",
        "irreversible": "on"}),
    "forfeit": ("ref1", lambda m, r: m, "forfeit", lambda m: {
        "expected_version": m.version, "corners": ["red"], "reason": "No show"}),
    "sign_off": ("ref1", finish, "sign_off", lambda m: {"expected_version": m.version}),
    "correct": ("head", lambda m, r: finish(m), "correct", _correction),
    "clock_start": ("ref1", go_live, "clock_start", lambda m: {}),
    "clock_pause": ("ref1", lambda m, r: (clock_services.clock_start(match=go_live(m, r), actor=r),
                                          fresh(m))[1], "clock_pause", lambda m: {}),
    "clock_resume": ("ref1", _paused, "clock_resume", lambda m: {}),
    "countdown": ("ref1", go_live, "countdown", lambda m: {
        "expected_version": m.version, "corner": "red", "kind": "timeout"}),
    "countdown_end": ("ref1", _counting, "countdown_end", lambda m: {
        "countdown": ClockEvent.objects.filter(match=m, kind="countdown").get().seq}),
    "undo": ("ref1", _with_round, "undo", lambda m: {
        "expected_version": m.version, "reason": "Wrong corner"}),
}


def effects(match: Match) -> tuple:
    """Everything a referee post can write: audit rows, clock events, failure reports, and the
    match's version (each service takes the next one)."""
    return (AuditEvent.objects.count(), ClockEvent.objects.filter(match=match).count(),
            FailureReport.objects.count(), fresh(match).version)


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain-form"])
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_retried_referee_post_is_applied_once_and_answered_as_applied(
        match, people, action, htmx):
    who, reach, name, make_data = ACTIONS[action]
    actor = people[who]
    match = fresh(reach(match, people["ref1"]))
    data = {**make_data(match), "idempotency_key": f"{action}-lost-response-1"}
    device, retry_device = Client(), Client()  # the retry may reach another server
    device.force_login(actor)
    retry_device.force_login(actor)
    extra = HTMX if htmx else {}
    before = effects(match)
    first = device.post(url(name, match), data, **extra)
    assert first.status_code == (200 if htmx else 302), body(first)[:2000]
    applied = effects(match)
    assert applied != before  # the first post did something
    stored = IdempotentPost.objects.get(user=actor, key=data["idempotency_key"])
    retry = retry_device.post(url(name, match), data, **extra)  # its response was lost
    assert effects(match) == applied  # nothing applied twice
    assert retry.status_code == (200 if htmx else 302)
    page = body(retry) if htmx else body(retry_device.get(retry["Location"]))
    assert stored.notice in page  # answered as applied, with the first answer
    assert "changed on another device" not in page.split("rf-scoreboard")[0]
    assert IdempotentPost.objects.filter(user=actor).count() == 1


def test_a_retried_failure_decision_is_applied_once(match, people):
    live = go_live(match, people["ref1"])
    services.failure_report_file(entry=live.red, robot=live.red_robot, description="motor",
                                 irreversible=True, match=live, actor=people["ref1"])
    report = FailureReport.objects.get()
    head = Client()
    head.force_login(people["head"])
    data = {"decision": "reject", "note": "It walks", "idempotency_key": "decide-lost-1"}
    assert head.post(url("failure_decide", pk=report.pk), data, **HTMX).status_code == 200
    decided = AuditEvent.objects.count()
    again = head.post(url("failure_decide", pk=report.pk), data, **HTMX)
    assert again.status_code == 200 and AuditEvent.objects.count() == decided
    assert IdempotentPost.objects.get(key="decide-lost-1").notice in body(again)


FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)


def _post_forms(html: str) -> list[str]:
    return [f for f in FORM.findall(html) if 'method="post"' in f.split(">")[0]
            and "logout" not in f.split(">")[0]]


def test_every_referee_form_in_every_state_carries_an_idempotency_key(match, people):
    """Every referee post: the forms of each state of the card and of the failure panel."""
    ref, head = Client(), Client()
    ref.force_login(people["ref1"])
    head.force_login(people["head"])
    pages = [body(ref.get(url("match", match)))]  # check-in, forfeit
    pages.append(body(ref.get(url("match", check_in(match)))))  # start
    live = go_live(make_match(match.season, referees=[people["ref1"]]))
    services.round_record(match=live, number=1, actor=people["ref1"], data=services.RoundInput(
        winner="red", method="points", red_points=9, blue_points=3))
    clock_services.countdown_start(match=fresh(live), kind="recovery", corner="red",
                                   actor=people["ref1"])
    pages.append(body(ref.get(url("match", live))))  # round, allowances, clock, undo, incidents
    services.failure_report_file(entry=live.red, robot=live.red_robot, description="motor",
                                 irreversible=True, match=live, actor=people["ref1"])
    done = finish(make_match(match.season, referees=[people["ref1"]]))
    pages.append(body(ref.get(url("match", done))))  # sign-off
    pages.append(body(head.get(url("match", done))))  # correction
    pages.append(body(head.get(url("failures"))))  # decisions
    forms = [f for page in pages for f in _post_forms(page)]
    assert len(forms) >= 15
    missing = [f.split(">")[0] for f in forms if 'name="idempotency_key"' not in f]
    assert missing == []
    actions = {re.search(r'action="([^"]+)"', f).group(1).rstrip("/").rsplit("/", 1)[-1]
               for f in forms}
    # (allowances are posted as countdowns: no page posts to /allowance/ itself; the view still
    # applies a key, test above)
    assert {"check-in", "start", "round", "countdown", "end", "undo", "sign-off", "correct",
            "forfeit", "battery-swap", "failure", "decide"} <= actions


def test_old_stored_answers_are_pruned_and_recent_ones_kept(people):
    old = IdempotentPost.objects.create(user=people["ref1"], key="old-key-123", path="/")
    IdempotentPost.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=8))
    IdempotentPost.objects.create(user=people["ref1"], key="new-key-123", path="/")
    assert idempotent_posts_prune(older_than=timezone.now() - dt.timedelta(days=7),
                                  actor=system_actor()) == 1
    assert list(IdempotentPost.objects.values_list("key", flat=True)) == ["new-key-123"]


def test_the_housekeeping_command_prunes_after_the_configured_days(people, settings, capsys):
    settings.IDEMPOTENT_POST_DAYS = 2
    post = IdempotentPost.objects.create(user=people["ref1"], key="three-days-old", path="/")
    IdempotentPost.objects.filter(pk=post.pk).update(
        created_at=timezone.now() - dt.timedelta(days=3))
    call_command("jobs_housekeeping")
    assert "1 old referee post answer(s) deleted" in capsys.readouterr().out
    assert not IdempotentPost.objects.exists()
