import pytest
from tests.referee.conftest import *  # noqa

def test_render(mini, people, client):
    season, match = mini
    client.force_login(people["ref1"])
    r = client.get(url("match", match))
    print(r.status_code)
    assert r.status_code == 200, r.content[:3000]
    open("/tmp/match_sched.html","wb").write(r.content)
    go_live(match)
    r = client.get(url("match", match))
    assert r.status_code == 200
    open("/tmp/match_live.html","wb").write(r.content)
    r = client.get(url("home"))
    assert r.status_code == 200
    open("/tmp/home.html","wb").write(r.content)
