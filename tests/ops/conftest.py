"""The ops tests: the production server, health, logs, metrics, backups."""
from tests.push.conftest import asgi_server  # noqa: F401  (an ASGI server for the stream tests)
