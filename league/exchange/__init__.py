"""Every import and export of league data: one package, one refusal type, one dry run.

Public API (docs/season-format.md; the admin pages and the management commands use only this):

    export_season(season) -> str             a whole season as canonical JSON text (write it UTF-8)
    season_document(season) -> dict          the same as a dict
    import_season(data, *, actor, dry_run=False, source="") -> Season
                                             bytes/str (parsed with limits) or a dict; replayed
                                             through the services in one transaction as actor
                                             (required: system_actor() for the league's own
                                             hand); dry_run rolls back
    ImportRefused                            the one refusal: .path (place in the file), .rule
                                             (rule id or None), .message, .text; a RuleViolation
    applications.read_table / parse / preview / run    CSV/XLSX applications (one row per team)
    exports.schedule_csv / results_csv / places_csv / schedule_ics    season exports
    (the dry run is league.services.common.dry_run, the admin's too: real services, rolled back)
    reading                                  the limits every import is read with
"""
from .errors import FormatError, ImportRefused
from .export import dumps, export_season, season_document
from .format import FORMAT, VERSION
from .replay import import_season

__all__ = ["FORMAT", "VERSION", "FormatError", "ImportRefused", "dumps", "export_season",
           "import_season", "season_document"]
