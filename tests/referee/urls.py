"""The project's URLconf, plus a stand-in public home while league/urls/public.py has none.

base.html links to public:home and LOGOUT_REDIRECT_URL names it; the public pages are built in
parallel. Once the real public:home exists this module is exactly config.urls.
"""
from django.http import HttpResponse
from django.urls import include, path

import league.urls.public as public
from config import urls as project

if any(getattr(p, "name", None) == "home" for p in public.urlpatterns):
    urlpatterns = project.urlpatterns
else:  # pragma: no cover - only until the public pages land
    def _stub_home(request):
        return HttpResponse("public home (stand-in)")

    stub = ([path("", _stub_home, name="home"), *public.urlpatterns], "public")
    urlpatterns = [p for p in project.urlpatterns
                   if getattr(p, "namespace", None) != "public"] + [path("", include(stub))]
