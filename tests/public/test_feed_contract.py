"""The feed's HTTP contract (issue 11, item 6): other methods answer 405 JSON, any bad path
under /api/ a JSON 404, and a cross-origin poll with If-None-Match passes its CORS preflight."""
from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_to_the_feed_answer_405_json(method, knockout):
    client = Client(enforce_csrf_checks=True)
    for url in (reverse("api:seasons"), reverse("api:bracket", args=[knockout.slug]),
                reverse("api:openapi")):
        response = getattr(client, method)(url, data="{}", content_type="application/json")
        assert response.status_code == 405, url
        assert response["Content-Type"] == "application/json"
        assert json.loads(response.content)["error"] == "method_not_allowed"
        assert "GET" in response["Allow"] and "POST" not in response["Allow"]


@pytest.mark.parametrize("path", [
    "/api/v1/seasons/not a slug/", "/api/v1/seasons/%E4%B8%AD%E6%96%87/", "/api/v1/nothing-here/",
    "/api/v1/seasons/no-such-season/", "/api/v1/seasons/no-such/matches/QF1/", "/api/v2/",
    "/api/", "/api/v1/teams/x/y/z/",
])
def test_any_bad_path_under_api_is_a_json_404(path, client):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["error"] == "not_found"
    assert response["Access-Control-Allow-Origin"] == "*"


def test_a_post_to_a_bad_path_is_a_json_404_too():
    response = Client(enforce_csrf_checks=True).post("/api/v1/nothing-here/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


def test_a_missing_final_slash_still_redirects(client):
    response = client.get("/api/v1/seasons")
    assert response.status_code == 301 and response["Location"] == "/api/v1/seasons/"


def test_cors_preflight_for_a_poll_with_if_none_match(client, knockout):
    url = reverse("api:bracket", args=[knockout.slug])
    preflight = client.options(url, HTTP_ORIGIN="https://fans.example",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
                               HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match")
    assert preflight.status_code in (200, 204)
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"].lower()
    first = client.get(url, HTTP_ORIGIN="https://fans.example")
    assert first["Access-Control-Allow-Origin"] == "*"
    assert "etag" in first["Access-Control-Expose-Headers"].lower()
    # the poll: a 304 (answered by the fast path) is readable cross-origin too
    again = Client().get(url, HTTP_ORIGIN="https://fans.example", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"
    assert "etag" in again["Access-Control-Expose-Headers"].lower()
