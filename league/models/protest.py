"""Protests against a signed-off result, and their evidence (R18).

A team (its entry) protests a match it fought, once, within the season's window after the sign-off;
a head referee who did not referee the match rules on it. The statement and the evidence are the
team's and the referees' (private); the public sees that a match is under protest and the ruling.
"""
from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..uploads import EVIDENCE_TYPES, private_storage
from .base import choices_check
from .match import Match
from .team import Entry

STATEMENT_MAX = 4000
RULING_MAX = 500
MAX_LINKS = 5
MAX_FILES = 3
# Long videos are linked (MAX_LINKS); a file is a still, a document or a short clip.
MAX_FILE_BYTES = 25 * 1024 * 1024


def evidence_path(instance: ProtestEvidence, filename: str) -> str:
    """A random name under the protest's folder: the team's file name is kept in ``name`` only."""
    ext = EVIDENCE_TYPES.get(instance.content_type, "bin").lower().replace("jpeg", "jpg")
    return f"protests/{instance.protest_id}/{secrets.token_hex(12)}.{ext}"


class ProtestStatus(models.TextChoices):
    FILED = "filed", _("Under protest")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", _("Rejected")


class Protest(models.Model):
    Status = ProtestStatus

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="protests",
                              verbose_name=_("match"))
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="protests",
                              verbose_name=_("protesting team"))
    statement = models.TextField(_("statement"), max_length=STATEMENT_MAX)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.FILED)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="protests_filed", verbose_name=_("filed by"))
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    ruled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="protests_ruled",
                                 verbose_name=_("ruled by"))
    ruled_at = models.DateTimeField(_("ruled at"), null=True, blank=True)
    ruling_reason = models.CharField(_("reason for the ruling"), max_length=RULING_MAX, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("protest")
        verbose_name_plural = _("protests")
        constraints = [
            choices_check("status", ProtestStatus, "protest_status_valid"),
            # R18 "once": a ruled protest is not filed again, so the constraint has no condition.
            models.UniqueConstraint(
                fields=["match", "entry"], name="protest_once_per_team_per_match",
                violation_error_message=_("R18: a team protests a result once.")),
            models.CheckConstraint(condition=~Q(statement=""), name="protest_has_statement",
                                   violation_error_message=_("R18: a protest says what is wrong.")),
            models.CheckConstraint(
                condition=(Q(status="filed") & Q(ruled_by__isnull=True) & Q(ruled_at__isnull=True)
                           & Q(ruling_reason=""))
                | (~Q(status="filed") & Q(ruled_by__isnull=False) & Q(ruled_at__isnull=False)
                   & ~Q(ruling_reason="")),
                name="protest_ruling_complete",
                violation_error_message=_("R18: a ruling names the head referee, the time and "
                                          "the reason.")),
            models.CheckConstraint(
                condition=Q(ruled_by__isnull=True) | ~Q(ruled_by=F("filed_by")),
                name="protest_not_ruled_by_filer"),
        ]
        indexes = [models.Index(fields=["status", "filed_at"])]

    def __str__(self) -> str:
        return f"{self.match.slot}: {self.entry.team.name_en} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == ProtestStatus.FILED


class EvidenceKind(models.TextChoices):
    LINK = "link", _("Video link")
    FILE = "file", _("File")


class ProtestEvidence(models.Model):
    """One piece of evidence: a video link, or a file (MP4, MOV, JPEG, PNG or PDF, checked by its
    content, at most MAX_FILE_BYTES) kept in the private storage (league.uploads), never under a
    public URL: the referee panel's ruling page serves it."""

    Kind = EvidenceKind

    protest = models.ForeignKey(Protest, on_delete=models.CASCADE, related_name="evidence",
                                verbose_name=_("protest"))
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    url = models.URLField(_("video link"), max_length=500, blank=True,
                          validators=[URLValidator(schemes=["http", "https"])])
    file = models.FileField(_("file"), storage=private_storage, upload_to=evidence_path,
                            max_length=200, blank=True)
    name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=40, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)

    class Meta:
        ordering = ["protest", "id"]
        verbose_name = _("protest evidence")
        verbose_name_plural = _("protest evidence")
        constraints = [
            choices_check("kind", EvidenceKind, "protest_evidence_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind="link") & ~Q(url="") & Q(file=""))
                | (Q(kind="file") & Q(url="") & ~Q(file="") & Q(size__lte=MAX_FILE_BYTES)
                   & Q(content_type__in=list(EVIDENCE_TYPES))),
                name="protest_evidence_link_or_checked_file",
                violation_error_message=_("R18: evidence is a video link or a checked file.")),
        ]

    def __str__(self) -> str:
        return self.url if self.kind == EvidenceKind.LINK else self.name
