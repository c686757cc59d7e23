"""Protests against a signed-off result and the head referee's ruling (R18).

- ``protest_file``: a manager of a team that fought the match, after the referee's sign-off and
  within the season's window, once per team and match; a statement and evidence (video links,
  files checked by their content).
- ``protest_rule``: a head referee who was not one of the match's referees; upheld, the result
  changes through ``match_result_correct`` in the same transaction (R14 applies there); rejected,
  the result stays, with the reason.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .. import events, roles
from ..errors import NotAllowed, RuleViolation
from ..models import Entry, Match, Protest, ProtestEvidence, Season
from ..models.protest import MAX_FILE_BYTES, MAX_FILES, MAX_LINKS, RULING_MAX, STATEMENT_MAX
from ..uploads import sniff_evidence_file
from .common import audit, bump, is_system, require_actor, require_head_referee, save_checked
from .matches import RoundInput, match_result_correct

PROTEST_PHASES = (Season.Phase.GROUP_STAGE, Season.Phase.KNOCKOUT)


@dataclass(frozen=True)
class Upload:
    """A file the team sends: its name as the team knows it and an open file object."""

    name: str
    file: object  # a django.core.files.File / UploadedFile
    size: int


def window_closes_at(match: Match) -> dt.datetime | None:
    """When the protest window of a signed-off match closes (R18); None before the sign-off."""
    if match.signed_off_at is None:
        return None
    return match.signed_off_at + dt.timedelta(minutes=match.season.protest_window_minutes)


def _check_links(links: Sequence[str]) -> list[str]:
    links = [link.strip() for link in links if link and link.strip()]
    if len(links) > MAX_LINKS:
        raise RuleViolation("R18", _("At most %(n)d video links.") % {"n": MAX_LINKS})
    check = URLValidator(schemes=["http", "https"])
    for link in links:
        try:
            if len(link) > 500:
                raise ValidationError("too long")
            check(link)
        except ValidationError:
            raise RuleViolation("R18", _("%(link)s is not a web address (http:// or https://, "
                                         "at most 500 characters).") % {"link": link[:80]}) from None
    return links


def check_upload(upload: Upload) -> str:
    """The file's content type, read from its first bytes; a refusal names the file."""
    size_mb = MAX_FILE_BYTES // (1024 * 1024)
    if upload.size > MAX_FILE_BYTES:
        raise RuleViolation("R18", _("%(name)s is larger than %(mb)d MB: link a long video "
                                     "instead.") % {"name": upload.name, "mb": size_mb})
    if upload.size == 0:
        raise RuleViolation("R18", _("%(name)s is empty.") % {"name": upload.name})
    kind = sniff_evidence_file(upload.file)
    if kind is None:
        raise RuleViolation("R18", _("%(name)s is not an MP4 or MOV video, a JPEG or PNG image or "
                                     "a PDF (its content says otherwise, whatever its name).")
                            % {"name": upload.name})
    return kind


def protest_file(*, match: Match, entry: Entry, statement: str, links: Sequence[str] = (),
                 files: Sequence[Upload] = (), actor) -> Protest:
    """A team protests the signed-off result of a match it fought (R18)."""
    require_actor(actor)
    if not is_system(actor) and not roles.manages_team(actor, entry.team_id):
        raise NotAllowed("R18", _("Only a manager of %(team)s may protest for it.") % {
            "team": entry.team})
    statement = (statement or "").strip()
    if not statement:
        raise RuleViolation("R18", _("Say what is wrong with the result."))
    if len(statement) > STATEMENT_MAX:
        raise RuleViolation("R18", _("The statement is at most %(n)d characters.") % {
            "n": STATEMENT_MAX})
    links = _check_links(links)
    if len(files) > MAX_FILES:
        raise RuleViolation("R18", _("At most %(n)d files; link the rest.") % {"n": MAX_FILES})
    kinds = [check_upload(upload) for upload in files]
    stored: list[ProtestEvidence] = []
    try:
        with transaction.atomic():
            match = (Match.objects.select_for_update(of=("self",))
                     .select_related("season", "red__team", "blue__team").get(pk=match.pk))
            if match.corner_of(entry.pk) is None:
                raise RuleViolation("R18", _("%(team)s did not fight in %(slot)s: a team protests "
                                             "its own matches.") % {"team": entry.team,
                                                                    "slot": match.slot})
            if match.season.phase not in PROTEST_PHASES:
                raise RuleViolation("R18", _("Protests are filed during the main event; the season "
                                             "is in %(phase)s.") % {
                    "phase": match.season.get_phase_display()})
            if not match.is_done or match.signed_off_at is None:
                raise RuleViolation("R18", _("%(slot)s is not signed off yet: a protest is filed "
                                             "after the referee signs the result off.") % {
                    "slot": match.slot})
            closes = window_closes_at(match)
            if timezone.now() > closes:
                raise RuleViolation("R18", _("The protest window of %(slot)s closed at %(when)s "
                                             "(%(n)d minutes after the sign-off).") % {
                    "slot": match.slot, "n": match.season.protest_window_minutes,
                    "when": formats.time_format(timezone.localtime(closes, match.season.tz),
                                                "H:i")})
            if Protest.objects.filter(match=match, entry=entry).exists():
                raise RuleViolation("R18", _("%(team)s has already protested %(slot)s: a team "
                                             "protests a result once.") % {
                    "team": entry.team, "slot": match.slot})
            protest = Protest(match=match, entry=entry, statement=statement, filed_by=actor)
            save_checked(protest)
            for link in links:
                save_checked(ProtestEvidence(protest=protest, kind=ProtestEvidence.Kind.LINK,
                                             url=link))
            for upload, kind in zip(files, kinds, strict=True):
                evidence = ProtestEvidence(protest=protest, kind=ProtestEvidence.Kind.FILE,
                                           name=upload.name[:200], content_type=kind,
                                           size=upload.size)
                evidence.file.save(upload.name, upload.file, save=False)
                stored.append(evidence)
                save_checked(evidence)
            audit(actor=actor, action="protest_filed", obj=protest, season=match.season,
                  to_state=protest.status, data={"match": match.slot, "team": entry.team.slug,
                                                 "links": len(links), "files": len(files)})
            bump(match.season_id, match=match)
            return protest
    except BaseException:
        for evidence in stored:  # nothing half-saved: no file without its row
            evidence.file.storage.delete(evidence.file.name)
        raise


def _rounds_of(match: Match) -> list[RoundInput]:
    return [RoundInput(**{f: getattr(r, f) for f in RoundInput.__dataclass_fields__})
            for r in match.rounds.order_by("number")]


def protest_rule(*, protest: Protest, uphold: bool, reason: str,
                 rounds: Sequence[RoundInput] | None = None,
                 expected_version: int | None = None, actor) -> Protest:
    """A head referee who did not referee the match rules on a protest (R18).

    Upheld: ``rounds`` are the corrected result, applied by match_result_correct in this
    transaction (a change of winner is refused once a match it feeds has started, R14).
    Rejected: the result stays; the reason is required either way and is shown to the public.
    """
    require_head_referee(actor)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("R18", _("Give the reason for the ruling: the teams and the public "
                                     "read it."))
    if len(reason) > RULING_MAX:
        raise RuleViolation("R18", _("The reason is at most %(n)d characters.") % {"n": RULING_MAX})
    with transaction.atomic():
        protest = (Protest.objects.select_for_update(of=("self",))
                   .select_related("match__season", "entry__team").get(pk=protest.pk))
        match = protest.match
        if protest.status != Protest.Status.FILED:
            raise RuleViolation("R18", _("This protest is already ruled: %(status)s.") % {
                "status": protest.get_status_display()})
        if not is_system(actor) and (match.referees.filter(pk=actor.pk).exists()
                                     or match.signed_off_by_id == actor.pk):
            raise NotAllowed("R18", _("You refereed %(slot)s: another head referee rules on its "
                                      "protest.") % {"slot": match.slot})
        if protest.filed_by_id == actor.pk:
            raise NotAllowed("R18", _("You filed this protest: another head referee rules on it."))
        if uphold:
            if match.season.is_finished:
                raise RuleViolation("R18", _("The season is finished and its places are given: "
                                             "the result no longer changes."))
            if not rounds:
                raise RuleViolation("R18", _("An upheld protest corrects the result: enter the "
                                             "corrected rounds."))
            if list(rounds) == _rounds_of(match):
                raise RuleViolation("R18", _("The corrected rounds are the result as it stands: "
                                             "change them, or reject the protest."))
            match_result_correct(
                match=match, rounds=list(rounds), expected_version=expected_version, actor=actor,
                reason=_("Protest by %(team)s upheld: %(reason)s") % {
                    "team": protest.entry.team.name_en, "reason": reason})
        protest.status = Protest.Status.UPHELD if uphold else Protest.Status.REJECTED
        protest.ruled_by = actor
        protest.ruled_at = timezone.now()
        protest.ruling_reason = reason
        save_checked(protest, update_fields=["status", "ruled_by", "ruled_at", "ruling_reason"])
        audit(actor=actor, action="protest_ruled", obj=protest, season=match.season,
              from_state=Protest.Status.FILED, to_state=protest.status, reason=reason,
              data={"match": match.slot, "team": protest.entry.team.slug})
        events.emit(events.PROTEST_RULED, actor=actor, season=match.season, match=match,
                    data={"protest": protest.pk})
        bump(match.season_id, match=match)
        return protest

