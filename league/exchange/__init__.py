"""Season export and import (docs/season-format.md).

    export_season(season) -> str          the canonical JSON text of a whole season
    season_document(season) -> dict      the same as a dict
    import_season(data) -> Season        replay a file through the services, in one transaction;
                                         raises ImportRefused(path, message, rule) and saves nothing
"""
from .export import dumps, export_season, season_document
from .format import FORMAT, VERSION, FormatError, ImportRefused
from .replay import import_season

__all__ = ["FORMAT", "VERSION", "FormatError", "ImportRefused", "dumps", "export_season",
           "import_season", "season_document"]
