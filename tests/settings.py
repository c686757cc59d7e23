"""Settings of the test suite (pyproject.toml): the project's settings with a test-only
SECRET_KEY. It goes into the environment, so the processes the tests start (manage.py check,
make run, a settings import) inherit it; a key given in the environment wins."""
import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-never-used-in-production-0123456789")
# Processes the tests start (some in a copy of the project without tests/) use the project's
# settings, with the key above.
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"

from config.settings import *  # noqa: E402,F403

# Background jobs run eagerly (after the commit, in the test's thread); webhook receivers in the
# tests listen on loopback.
CELERY_TASK_ALWAYS_EAGER = True
WEBHOOK_ALLOW_PRIVATE = True
WEBHOOK_BACKOFF_SECONDS = 1
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Fast password hashing everywhere in the suite, the fixtures built once per module or session
# too (PBKDF2's million rounds cost each staff account a second on a busy machine); production's
# hasher is unchanged (config.settings).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# PostgreSQL in the suite: a commit need not wait for its WAL flush (the test databases are
# thrown away), which the transactional and browser tests, committing often, feel most.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = (_options.get("options", "") + " -c synchronous_commit=off").strip()
