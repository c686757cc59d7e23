"""The referee pages in the three languages of the league (en, zh-hant, zh-hans)."""
from __future__ import annotations

import pytest
from django.conf import settings

from tests.referee.conftest import HTMX, body, go_live, url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_pages_render_in_each_language(mini, people, client, language):
    _season, match = mini
    match = go_live(match)
    client.force_login(people["ref1"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for target in (url("home"), url("match", match)):
        response = client.get(target)
        assert response.status_code == 200
        assert f'<html lang="{language}">' in body(response)
    card = body(client.get(url("match", match), **HTMX))
    team = match.red.team
    expected = {"zh-hant": team.name_zh_hant, "zh-hans": team.name_zh}.get(language, team.name_en)
    assert expected in card
    # the language switch is on every page
    assert 'name="language"' in body(client.get(url("home")))


def test_language_switch_keeps_the_referee_on_the_match(mini, people, client):
    _season, match = mini
    client.force_login(people["ref1"])
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": url("match", match)})
    assert response.status_code == 302 and response["Location"] == url("match", match)
    assert '<html lang="zh-hans">' in body(client.get(url("match", match)))
