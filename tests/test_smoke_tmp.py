import pytest
from tests import factories
from league.models import Placing

@pytest.mark.django_db
def test_smoke():
    s = factories.season_at("finished")
    print([(p.place, p.entry.team.name_en, p.reward_description) for p in Placing.objects.filter(season=s)])
