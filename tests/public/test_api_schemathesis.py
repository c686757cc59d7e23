"""Schemathesis, a real external client of the feed's OpenAPI document, against the feed
through its WSGI support (issue 11): every operation, positive and negative data, every
built-in check (server errors, status codes, content types, headers, response schemas, data
acceptance and rejection...). Data: the built knockout season of tests/public/conftest.py, so
generated slugs meet both existing and missing objects."""
from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS

pytestmark = pytest.mark.django_db

ALL_CHECKS = CHECKS.get_all()


# Loaded as a client loads it: over HTTP (WSGI) from the running application.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the WSGI handler must not close the test's connection (and
    its transaction) at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_feed_conforms_to_its_openapi_document(case, knockout):
    case.call_and_validate(checks=ALL_CHECKS)
