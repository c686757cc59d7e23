"""Schemathesis, a real external client of the feed's OpenAPI document, against the feed
through its WSGI support (issue 11): every operation, positive and negative data, every
built-in check (server errors, status codes, content types, headers, response schemas, data
acceptance and rejection...). Data: the built knockout season of tests/public/conftest.py, so
generated slugs meet both existing and missing objects."""
from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS

pytestmark = pytest.mark.django_db

ALL_CHECKS = CHECKS.get_all()


# Loaded as a client loads it: over HTTP (WSGI) from the running application.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_feed_conforms_to_its_openapi_document(case, knockout):
    case.call_and_validate(checks=ALL_CHECKS)
