"""Applying on the teams' site (R2): a team account creates the team and its entry with a proof
of registration checked by content; bad files and bad rosters are refused whole."""
from __future__ import annotations

import pytest
from django.urls import reverse

from league.errors import NotAllowed, RuleViolation
from league.models import AuditEvent, Entry, Team, TeamManager
from league.services import entries as entry_services
from league.services import teamsite
from league.services.common import system_actor
from tests import factories

from .conftest import IDENTITY, PDF, apply_new, jpeg_bytes, png_bytes, team_account, upload

pytestmark = pytest.mark.django_db


def test_r2_application_creates_team_entry_and_manager_audited(open_season, ana, private_media):
    entry = apply_new(open_season, ana)
    team = Team.objects.get(slug="rookie-robotics")
    assert entry.team == team and entry.status == Entry.Status.APPLIED and team.country == "CN"
    assert TeamManager.objects.get(team=team).user == ana
    assert entry.proof.name.startswith("proofs/") and entry.proof.name.endswith(".pdf")
    assert (private_media / entry.proof.name).read_bytes() == PDF
    actions = set(AuditEvent.objects.filter(actor=ana).values_list("action", flat=True))
    assert {"team_created", "team_manager_added", "entry_applied", "entry_proof_set"} <= actions


@pytest.mark.parametrize("name,content,ctype", [
    ("proof.png", png_bytes(), "image/png"), ("scan.jpeg", jpeg_bytes(), "image/jpeg")])
def test_r2_proof_may_be_a_png_or_jpeg_by_content(open_season, ana, name, content, ctype):
    entry = apply_new(open_season, ana, proof=upload(name, content, ctype))
    assert entry.proof.name.rsplit(".", 1)[1] in ("png", "jpg")


@pytest.mark.parametrize("name,content", [
    ("proof.pdf", b"MZ\x90\x00 this is a program, not a PDF"),   # content does not match .pdf
    ("proof.png", PDF.replace(b"%PDF", b"%PNG")),
    ("proof.jpg", b"\xff\xd8\xff" + b"not really a jpeg"),     # JPEG magic, no image
    ("proof.pdf", b""),
])
def test_r2_a_proof_whose_content_is_not_pdf_jpeg_or_png_saves_nothing(open_season, ana, private_media,
                                                                    name, content):
    with pytest.raises(RuleViolation):
        apply_new(open_season, ana, proof=upload(name, content))
    assert not Team.objects.filter(slug="rookie-robotics").exists()
    assert not Entry.objects.exists() and not TeamManager.objects.exists()
    assert not list(private_media.rglob("*.*"))


def test_r2_a_proof_over_the_size_limit_is_refused(open_season, ana, settings, private_media):
    big = PDF + b"0" * settings.TEAM_UPLOAD_MAX_BYTES
    with pytest.raises(RuleViolation, match="too large"):
        apply_new(open_season, ana, proof=upload("proof.pdf", big))
    assert not Team.objects.exists() or not Team.objects.filter(slug="rookie-robotics").exists()
    assert not list(private_media.rglob("*.*"))


def test_r2_a_second_application_of_the_team_to_the_same_season_is_refused(applied, ana):
    with pytest.raises(RuleViolation, match="R2"):
        teamsite.application_submit(season=applied.season, team=applied.team, actor=ana,
                                    proof=upload("p.pdf", PDF))
    assert Entry.objects.filter(team=applied.team).count() == 1


def test_r2_applying_is_refused_once_registration_closed(db, ana):
    season = factories.season_at("qualified", applicants=16)
    with pytest.raises(RuleViolation, match="R2"):
        apply_new(season, ana)
    assert not Team.objects.filter(slug="rookie-robotics").exists()


def test_a_new_team_never_takes_another_teams_slug(open_season, ana):
    factories.TeamFactory(slug="rookie-robotics", name_en="Rookie Robotics Old")
    entry = apply_new(open_season, ana)
    assert entry.team.slug == "rookie-robotics-2"


def test_an_unverified_or_staff_account_cannot_apply(open_season, organizer):
    bob = team_account("bob@x.example", verified=False)
    with pytest.raises(NotAllowed):
        apply_new(open_season, bob)
    with pytest.raises(NotAllowed):
        apply_new(open_season, organizer)
    assert not Team.objects.filter(slug="rookie-robotics").exists()


def test_r1_the_team_withdraws_before_the_draw(applied, ana):
    entry_services.entry_withdraw(entry=applied, reason="Robot not ready", actor=ana)
    applied.refresh_from_db()
    assert applied.status == Entry.Status.WITHDRAWN and applied.status_reason == "Robot not ready"


def test_r1_a_team_cannot_withdraw_after_the_draw(db):
    season = factories.season_at("drawn")
    entry = season.entries.filter(status=Entry.Status.QUALIFIED).select_related("team").first()
    user = team_account("late@x.example")
    TeamManager.objects.create(user=user, team=entry.team)
    with pytest.raises(RuleViolation, match="R1"):
        entry_services.entry_withdraw(entry=entry, reason="Scared", actor=user)


def test_another_teams_account_cannot_change_the_entry(applied):
    eve = team_account("eve@other.example")
    with pytest.raises(NotAllowed):
        entry_services.entry_withdraw(entry=applied, reason="Sabotage", actor=eve)
    with pytest.raises(NotAllowed):
        teamsite.roster_set(entry=applied, members=[("A", "coach")] * 3, actor=eve)


# --- through the page -----------------------------------------------------------------------

def form_data(**extra):
    data = {k: v for k, v in IDENTITY.items() if k != "slug"}
    data.update(extra)
    return data


def test_r2_apply_page_creates_the_team_and_shows_its_page(client, open_season, ana):
    client.force_login(ana)
    response = client.post(reverse("teamsite:apply", args=[open_season.slug]),
                           form_data(proof=upload("proof.pdf", PDF)))
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200 and "Rookie Robotics" in page.text
    assert "private" in page["Cache-Control"] and "public" not in page["Cache-Control"]


def test_r2_apply_page_with_a_disguised_file_says_why_and_saves_nothing(client, open_season, ana):
    client.force_login(ana)
    response = client.post(reverse("teamsite:apply", args=[open_season.slug]),
                           form_data(proof=upload("proof.pdf", b"<html><script>alert(1)</script>")),
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "PDF" in response.text
    assert not Team.objects.filter(slug="rookie-robotics").exists()


def test_r2_the_organizer_applies_the_same_rules_through_the_admin_services(open_season):
    team = factories.TeamFactory()
    entry = entry_services.entry_apply(season=open_season, team=team, actor=system_actor())
    assert entry.status == Entry.Status.APPLIED


def test_r2_a_small_file_that_decodes_to_a_huge_image_is_refused(open_season, ana):
    import io

    from PIL import Image

    from league import uploads

    out = io.BytesIO()
    Image.new("1", (9000, 5000)).save(out, format="PNG")  # 45 M pixels in a few kilobytes
    big = out.getvalue()
    assert len(big) < 200_000
    with pytest.raises(RuleViolation, match="too large"):
        uploads.checked_proof(upload("bomb.png", big, "image/png"))
