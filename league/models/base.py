"""Small helpers shared by the models."""
from django.db import models


def choices_check(field: str, choices: type[models.TextChoices], name: str) -> models.CheckConstraint:
    """A CheckConstraint that holds a TextChoices field to its values (choices alone do not)."""
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__in": choices.values}),
        name=name,
        violation_error_message=f"{field} must be one of {', '.join(choices.values)}.",
    )
