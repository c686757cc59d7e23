"""R7: every referee URL x every kind of visitor. Only the assigned referee runs a match; the head
referees decide failure reports and correct results; a refused post saves nothing."""
from __future__ import annotations

import pytest
from django.urls import reverse

from league import services
from league.models import FailureReport, Match
from tests.referee.conftest import HTMX, body, check_in, finish, go_live, round_data, url

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "unassigned", "assigned", "head", "organizer"]


def _correction(match):
    data = {"expected_version": match.version, "reason": "Video review", "rounds-TOTAL_FORMS": 2,
            "rounds-INITIAL_FORMS": 0, "rounds-MIN_NUM_FORMS": 0, "rounds-MAX_NUM_FORMS": 7}
    for i in range(2):
        data.update({f"rounds-{i}-winner": "blue", f"rounds-{i}-method": "points",
                     f"rounds-{i}-red_points": 1, f"rounds-{i}-blue_points": 9,
                     **{f"rounds-{i}-{c}_{s}": 0 for c in ("red", "blue") for s in ("knockdowns", "fouls")}})
    return data


# name: (method, state the match must be in, data builder)
URLS = {
    "home": ("get", None, None),
    "match": ("get", None, None),
    "poll": ("get", None, None),
    "failures": ("get", None, None),
    "check_in": ("post", "scheduled", lambda m: {
        "expected_version": m.version, "red_robot": services.active_robot(m.red).pk,
        "blue_robot": services.active_robot(m.blue).pk, "red_seal": "R9", "blue_seal": "B9"}),
    "start": ("post", "checked_in", lambda m: {"expected_version": m.version}),
    "allowance": ("post", "live", lambda m: {"expected_version": m.version, "corner": "red",
                                             "kind": "manual_reset"}),
    "round": ("post", "live", lambda m: round_data(m, 1)),
    "battery_swap": ("post", "live", lambda m: {"expected_version": m.version, "corner": "blue",
                                                "confirmed": "on"}),
    "failure_report": ("post", "live", lambda m: {"expected_version": m.version,
                                                  "robot": m.red_robot_id, "description": "Arm off"}),
    "forfeit": ("post", "scheduled", lambda m: {"expected_version": m.version, "corners": ["blue"],
                                                "reason": "No show"}),
    "sign_off": ("post", "finished", lambda m: {"expected_version": m.version}),
    "correct": ("post", "finished", _correction),
    "failure_decide": ("post", "live", lambda m: {"decision": "approve", "note": "seen"}),
}

# what each visitor gets: "ok" (200 page / 204 poll / 302 back to the page after a post),
# 403, or "login" (302 to the sign-in page)
RUN = {"anonymous": "login", "unassigned": 403, "assigned": "ok", "head": 403, "organizer": 403}
EXPECTED = {
    "home": {"anonymous": "login", "unassigned": "ok", "assigned": "ok", "head": "ok", "organizer": "ok"},
    "match": {"anonymous": "login", "unassigned": 403, "assigned": "ok", "head": "ok", "organizer": "ok"},
    "poll": {"anonymous": "login", "unassigned": 403, "assigned": "ok", "head": "ok", "organizer": "ok"},
    "failures": {"anonymous": "login", "unassigned": 403, "assigned": 403, "head": "ok",
                 "organizer": "ok"},
    "check_in": RUN, "start": RUN, "allowance": RUN, "round": RUN, "battery_swap": RUN,
    "failure_report": RUN, "forfeit": RUN, "sign_off": RUN,
    "correct": {"anonymous": "login", "unassigned": 403, "assigned": 403, "head": "ok",
                "organizer": 403},
    "failure_decide": {"anonymous": "login", "unassigned": 403, "assigned": 403, "head": "ok",
                       "organizer": 403},
}


def _setup(name, mini, people):
    _season, match = mini
    state = URLS[name][1]
    if state == "checked_in":
        check_in(match)
    elif state == "live":
        go_live(match)
    elif state == "finished":
        finish(match)
    match.refresh_from_db()
    report = None
    if name == "failure_decide":
        report = services.failure_report_file(entry=match.red, robot=match.red_robot,
                                              description="Cracked hip", irreversible=False,
                                              match=match, actor=people["ref1"])
    return match, report


def _target(name, match, report):
    if name == "home" or name == "failures":
        return url(name)
    if name == "failure_decide":
        return url(name, pk=report.pk)
    if name == "poll":
        return url(name, match) + f"?v={match.version}"
    return url(name, match)


def _who(role, people):
    return {"unassigned": people["ref2"], "assigned": people["ref1"], "head": people["head"],
            "organizer": people["organizer"]}.get(role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(URLS))
def test_r7_referee_url_permissions(name, role, mini, people, client):
    match, report = _setup(name, mini, people)
    user = _who(role, people)
    if user is not None:
        client.force_login(user)
    method, _state, data = URLS[name]
    target = _target(name, match, report)
    before = Match.objects.get(pk=match.pk).version
    if method == "get":
        response = client.get(target)
    else:
        response = client.post(target, data(match))
    expected = EXPECTED[name][role]
    after = Match.objects.get(pk=match.pk).version
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("referee:login") + "?next=")
    elif expected == 403:
        assert response.status_code == 403
        assert body(response).strip(), "a 403 says why"
    elif method == "get":
        assert response.status_code == (204 if name == "poll" else 200)
    else:
        assert response.status_code == 302, body(response)[:1500]
    if method == "post" and expected != "ok":
        assert after == before, "a refused post changed the match"
        if report is not None:
            report.refresh_from_db()
            assert report.status == FailureReport.Status.PENDING
    if method == "post" and expected == "ok":
        if name == "failure_decide":
            report.refresh_from_db()
            assert report.status == FailureReport.Status.APPROVED
        elif name == "failure_report":
            assert FailureReport.objects.filter(match=match, description="Arm off").count() == 1
        else:
            assert after > before
    if name == "failure_report" and expected != "ok":
        assert not FailureReport.objects.filter(match=match).exists()


def test_r7_unassigned_referee_sees_no_match_state(mini, people, client):
    _season, match = mini
    go_live(match)
    client.force_login(people["ref2"])
    response = client.get(url("match", match))
    assert response.status_code == 403
    assert match.red.team.name_en not in body(response)
    assert "You are not assigned to this match." in body(response)


def test_r7_head_referee_not_assigned_views_without_forms_and_is_refused_with_a_reason(
        mini, people, client):
    _season, match = mini
    match = go_live(match)
    client.force_login(people["head"])
    page = body(client.get(url("match", match)))
    assert "Only its assigned referees run it: ref1." in page
    assert "End round" not in page
    response = client.post(url("round", match), round_data(match, 1), **HTMX)
    assert response.status_code == 403
    assert "R7: Only a referee assigned to this match may run it." in body(response)
    assert Match.objects.get(pk=match.pk).version == match.version


def test_expired_session_on_htmx_sends_the_browser_to_sign_in(mini, client):
    _season, match = mini
    response = client.post(url("round", match), round_data(match, 1), **HTMX)
    assert response.status_code == 401
    assert response["HX-Redirect"] == reverse("referee:login") + "?next=%2Freferee%2F"


def test_a_user_without_a_league_role_is_refused(mini, client):
    from tests.factories import UserFactory

    _season, match = mini
    client.force_login(UserFactory(username="fan"))
    assert client.get(url("home")).status_code == 403
    assert client.get(url("match", match)).status_code == 403


def test_unknown_match_is_404_not_500(people, client):
    client.force_login(people["ref1"])
    assert client.get(url("match", pk=999999)).status_code == 404
    assert client.post(url("round", pk=999999), {}).status_code == 404


def test_get_on_an_action_url_is_405(mini, people, client):
    _season, match = mini
    client.force_login(people["ref1"])
    assert client.get(url("round", match)).status_code == 405


def test_sign_in_and_out(mini, people, client):
    from tests.factories import PASSWORD

    page = client.get(url("login"))
    assert page.status_code == 200 and "Referee sign-in" in body(page)
    bad = client.post(url("login"), {"username": "ref1", "password": "nope"})
    assert bad.status_code == 200 and "Please enter a correct username and password" in body(bad)
    ok = client.post(url("login"), {"username": "ref1", "password": PASSWORD})
    assert ok.status_code == 302 and ok["Location"] == reverse("referee:home")
    out = client.post(url("logout"))
    assert out.status_code == 302 and out["Location"] == reverse("public:home")
    assert client.get(url("home")).status_code == 302
