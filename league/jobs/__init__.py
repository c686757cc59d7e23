"""Background jobs (Celery, config/celery.py): webhook deliveries, e-mail notifications and the
housekeeping. The tasks are in tasks.py; what they send comes from league.events' sinks
(webhooks.py, notify.py), written as outbox rows in the services' transactions."""
