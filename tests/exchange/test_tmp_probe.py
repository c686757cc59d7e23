import json, time
from league.exchange import export_season, import_season, ImportRefused
from league.models import Season
from tests.factories import season_at

def test_probe(db, django_assert_max_num_queries):
    s = season_at("finished")
    t=time.time()
    text = export_season(s)
    print("export", time.time()-t, len(text))
    data = json.loads(text)
    from league.models import Match, Replacement, FailureReport
    Replacement.objects.all().delete(); FailureReport.objects.all().delete(); Match.objects.all().delete()
    Season.objects.all().delete()
    t=time.time()
    try:
        imported = import_season(data)
    except ImportRefused as e:
        print("REFUSED", e); raise
    print("import", time.time()-t)
    text2 = export_season(imported)
    open("/tmp/exch/a.json","w").write(text); open("/tmp/exch/b.json","w").write(text2)
    assert text == text2
