"""The one dry run of every import: run the real services in a transaction, then roll it back.

A preview therefore refuses exactly what the import would refuse (every rule, every database
constraint), and saves nothing.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import transaction

T = TypeVar("T")


class _RollBack(Exception):
    pass


def rolled_back(work: Callable[[], T]) -> T:
    """``work()``'s result, with everything it wrote undone. Its exceptions propagate."""
    box: list[T] = []
    try:
        with transaction.atomic():
            box.append(work())
            raise _RollBack
    except _RollBack:
        pass
    return box[0]
