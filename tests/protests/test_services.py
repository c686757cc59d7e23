"""R18 in the domain layer: who may protest, when, how often; who rules and what a ruling does
(an upheld protest corrects the result through match_result_correct, where R14 holds)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from league import services
from league.errors import NotAllowed, RuleViolation
from league.models import AuditEvent, Match, Protest, ProtestEvidence, Season
from league.services import RoundInput
from league.services.common import system_actor
from league.services.protests import Upload
from league.uploads import sniff_evidence as sniff

from .conftest import EXE, MP4, PDF, PNG, team_manager

pytestmark = pytest.mark.django_db


def upload(name: str, content: bytes) -> Upload:
    return Upload(name=name, file=ContentFile(content, name=name), size=len(content))


def file_protest(match, user, entry=None, **kwargs):
    kwargs.setdefault("statement", "Round 2 was stopped early: our robot stood up within 10 s.")
    return services.protest_file(match=match, entry=entry or match.red, actor=user, **kwargs)


def reversed_rounds(match: Match) -> list[RoundInput]:
    """QF1's result turned round: the loser wins every round it needs, on points."""
    loser = "blue" if match.winner_id == match.red_id else "red"
    need = match.season.rounds_to_win
    return [RoundInput(winner=loser, method="points",
                       red_points=20 if loser == "red" else 5,
                       blue_points=20 if loser == "blue" else 5)] * need


def start_next_match(match: Match) -> Match:
    """Check in and start the match ``match``'s winner goes to: from here its winner is fixed (R14)."""
    target = match.winner_to
    services.match_check_in(match=target, red_robot=services.active_robot(target.red),
                            blue_robot=services.active_robot(target.blue), red_seal="P1",
                            blue_seal="P2", actor=system_actor())
    return services.match_start(match=target, actor=system_actor())


# --- Filing ---------------------------------------------------------------------------------

def test_r18_a_manager_files_a_protest_with_links_and_files_kept_privately(qf1, red_manager,
                                                                          _private_storage):
    before = Season.objects.get(pk=qf1.season_id).version
    protest = file_protest(qf1, red_manager, links=["https://video.example/qf1#t=340"],
                           files=[upload("still.png", PNG), upload("clip.mp4", MP4),
                                  upload("report.pdf", PDF)])
    assert protest.status == Protest.Status.FILED and protest.entry_id == qf1.red_id
    kinds = sorted((e.kind, e.content_type) for e in protest.evidence.all())
    assert kinds == [("file", "application/pdf"), ("file", "image/png"), ("file", "video/mp4"),
                     ("link", "")]
    stored = [e for e in protest.evidence.all() if e.kind == "file"]
    for e in stored:
        assert e.file.name.startswith(f"protests/{protest.pk}/")  # a random name, not the team's
        assert (_private_storage / e.file.name).exists()
    assert Season.objects.get(pk=qf1.season_id).version > before  # public pages change
    assert AuditEvent.objects.filter(action="protest_filed", object_id=protest.pk).exists()


def test_r18_after_the_window_a_protest_is_refused(qf1, red_manager):
    Match.objects.filter(pk=qf1.pk).update(
        signed_off_at=timezone.now() - dt.timedelta(minutes=31))
    with pytest.raises(RuleViolation, match="R18: The protest window of QF1 closed"):
        file_protest(qf1, red_manager)
    assert not Protest.objects.exists()


def test_r18_the_window_is_the_seasons_setting(qf1, red_manager):
    services.season_update(season=qf1.season, protest_window_minutes=60, actor=system_actor())
    Match.objects.filter(pk=qf1.pk).update(
        signed_off_at=timezone.now() - dt.timedelta(minutes=45))
    assert file_protest(qf1, red_manager).status == Protest.Status.FILED


def test_r18_a_second_protest_by_the_same_team_is_refused_even_after_a_ruling(
        qf1, red_manager, outside_head):
    first = file_protest(qf1, red_manager)
    with pytest.raises(RuleViolation, match="already protested QF1"):
        file_protest(qf1, red_manager, statement="Another try")
    services.protest_rule(protest=first, uphold=False, reason="The count was right.",
                          actor=outside_head)
    with pytest.raises(RuleViolation, match="once"):
        file_protest(qf1, red_manager, statement="And again")
    assert Protest.objects.count() == 1


def test_r18_the_other_team_may_protest_the_same_match(qf1, red_manager, blue_manager):
    file_protest(qf1, red_manager)
    file_protest(qf1, blue_manager, entry=qf1.blue)
    assert Protest.objects.filter(match=qf1).count() == 2


def test_r18_the_database_holds_one_protest_per_team_and_match(qf1, red_manager):
    file_protest(qf1, red_manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        Protest.objects.create(match=qf1, entry=qf1.red, statement="dup", filed_by=red_manager)


def test_r18_a_team_that_did_not_fight_the_match_cannot_protest_it(qf1, season):
    other = season.matches.get(slot="QF2")
    manager = team_manager(other.red.team, "qf2-manager")
    with pytest.raises(RuleViolation, match="did not fight in QF1"):
        services.protest_file(match=qf1, entry=other.red, statement="Unfair", actor=manager)


def test_r18_only_a_manager_of_the_team_protests_for_it(qf1, blue_manager, referee, organizer):
    for user in (blue_manager, referee, organizer):
        with pytest.raises(NotAllowed, match="Only a manager of"):
            file_protest(qf1, user)  # the red team's protest
    assert not Protest.objects.exists()


def test_r18_a_match_not_signed_off_cannot_be_protested(season):
    qf2 = season.matches.get(slot="QF2")
    assert qf2.is_done and qf2.signed_off_at is None
    manager = team_manager(qf2.red.team, "qf2-manager")
    with pytest.raises(RuleViolation, match="not signed off yet"):
        file_protest(qf2, manager)


def test_r18_a_file_whose_content_does_not_match_is_refused_and_nothing_is_kept(
        qf1, red_manager, _private_storage):
    with pytest.raises(RuleViolation, match="fake.pdf is not an MP4 or MOV"):
        file_protest(qf1, red_manager, files=[upload("ok.png", PNG), upload("fake.pdf", EXE)])
    assert not Protest.objects.exists() and not ProtestEvidence.objects.exists()
    assert not any(_private_storage.rglob("*.*"))


def test_r18_a_file_over_the_size_limit_is_refused(qf1, red_manager, settings):
    big = Upload(name="long.mp4", file=ContentFile(MP4), size=26 * 1024 * 1024)
    with pytest.raises(RuleViolation, match="larger than 25 MB"):
        file_protest(qf1, red_manager, files=[big])


def test_r18_a_link_that_is_not_a_web_address_is_refused(qf1, red_manager):
    with pytest.raises(RuleViolation, match="is not a web address"):
        file_protest(qf1, red_manager, links=["javascript:alert(1)"])


def test_r18_a_protest_says_what_is_wrong(qf1, red_manager):
    with pytest.raises(RuleViolation, match="Say what is wrong"):
        file_protest(qf1, red_manager, statement="   ")


def test_r18_a_file_left_behind_when_the_transaction_fails_is_deleted(qf1, red_manager,
                                                                     _private_storage,
                                                                     monkeypatch):
    from league.services import protests

    def broken(**kwargs):
        raise RuntimeError("audit table gone")

    monkeypatch.setattr(protests, "audit", broken)
    with pytest.raises(RuntimeError):
        file_protest(qf1, red_manager, files=[upload("still.png", PNG)])
    assert not ProtestEvidence.objects.exists()
    assert not any(p.is_file() for p in _private_storage.rglob("*"))


def test_sniff_knows_the_five_types_by_content():
    assert sniff(PNG) == "image/png" and sniff(PDF) == "application/pdf"
    assert sniff(MP4) == "video/mp4" and sniff(b"\xff\xd8\xff\xe0" + b"\0" * 12) == "image/jpeg"
    assert sniff(b"\x00\x00\x00\x14ftypqt  " + b"\0" * 8) == "video/quicktime"
    assert sniff(EXE) is None and sniff(b"") is None


# --- Ruling ---------------------------------------------------------------------------------

def test_r18_a_head_referee_who_refereed_the_match_cannot_rule(qf1, red_manager, assigned_head):
    protest = file_protest(qf1, red_manager)
    with pytest.raises(NotAllowed, match="You refereed QF1"):
        services.protest_rule(protest=protest, uphold=False, reason="No.", actor=assigned_head)
    assert Protest.objects.get(pk=protest.pk).status == Protest.Status.FILED


def test_r18_only_a_head_referee_rules(qf1, red_manager, referee, organizer):
    protest = file_protest(qf1, red_manager)
    for user in (referee, organizer, red_manager):
        with pytest.raises(NotAllowed):
            services.protest_rule(protest=protest, uphold=False, reason="No.", actor=user)


def test_r18_a_rejection_needs_a_reason_and_keeps_the_result(qf1, red_manager, outside_head):
    protest = file_protest(qf1, red_manager)
    with pytest.raises(RuleViolation, match="Give the reason"):
        services.protest_rule(protest=protest, uphold=False, reason=" ", actor=outside_head)
    winner, rounds = qf1.winner_id, list(qf1.rounds.values_list("winner", "red_points"))
    ruled = services.protest_rule(protest=protest, uphold=False,
                                  reason="The video shows the count was right.", actor=outside_head)
    assert ruled.status == Protest.Status.REJECTED and ruled.ruled_by == outside_head
    assert ruled.ruled_at and ruled.ruling_reason.startswith("The video")
    qf1.refresh_from_db()
    assert qf1.winner_id == winner and list(qf1.rounds.values_list("winner", "red_points")) == rounds
    with pytest.raises(RuleViolation, match="already ruled"):
        services.protest_rule(protest=protest, uphold=False, reason="Again.", actor=outside_head)


def test_r18_upheld_the_correction_is_applied_in_the_same_ruling(qf1, red_manager, outside_head):
    protest = file_protest(qf1, red_manager)
    old_winner, old_loser = qf1.winner_id, qf1.loser_id
    sf1 = qf1.winner_to
    ruled = services.protest_rule(protest=protest, uphold=True, rounds=reversed_rounds(qf1),
                                  reason="Round 2 was stopped before the 10 s count.",
                                  expected_version=qf1.version, actor=outside_head)
    assert ruled.status == Protest.Status.UPHELD
    qf1.refresh_from_db()
    sf1.refresh_from_db()
    assert qf1.winner_id == old_loser != old_winner
    assert getattr(sf1, f"{qf1.winner_to_corner}_id") == old_loser  # the bracket follows (R14)
    correction = AuditEvent.objects.get(action="result_corrected", object_id=qf1.pk)
    assert "upheld" in correction.reason and correction.actor == outside_head


def test_r18_upheld_respects_r14_once_the_next_match_started(qf1, red_manager, outside_head):
    protest = file_protest(qf1, red_manager)
    start_next_match(qf1)
    winner = qf1.winner_id
    with pytest.raises(RuleViolation, match="R14: The winner cannot change"):
        services.protest_rule(protest=protest, uphold=True, rounds=reversed_rounds(qf1),
                              reason="Stopped early.", actor=outside_head)
    qf1.refresh_from_db()
    assert qf1.winner_id == winner
    assert Protest.objects.get(pk=protest.pk).status == Protest.Status.FILED  # nothing half-done
    ruled = services.protest_rule(protest=protest, uphold=False, actor=outside_head,
                                  reason="SF1 has started; the result stands (R14).")
    assert ruled.status == Protest.Status.REJECTED


def test_r18_upheld_without_a_change_is_refused(qf1, red_manager, outside_head):
    protest = file_protest(qf1, red_manager)
    same = [RoundInput(**{f: getattr(r, f) for f in RoundInput.__dataclass_fields__})
            for r in qf1.rounds.order_by("number")]
    with pytest.raises(RuleViolation, match="result as it stands"):
        services.protest_rule(protest=protest, uphold=True, rounds=same, reason="Yes.",
                              actor=outside_head)
    with pytest.raises(RuleViolation, match="enter the corrected rounds"):
        services.protest_rule(protest=protest, uphold=True, rounds=[], reason="Yes.",
                              actor=outside_head)


def test_r18_a_stale_ruling_form_is_refused(qf1, red_manager, outside_head):
    from league.errors import MatchConflict

    protest = file_protest(qf1, red_manager)
    with pytest.raises(MatchConflict):
        services.protest_rule(protest=protest, uphold=True, rounds=reversed_rounds(qf1),
                              reason="Stopped early.", expected_version=qf1.version - 1,
                              actor=outside_head)
    assert Protest.objects.get(pk=protest.pk).status == Protest.Status.FILED


def test_r18_the_database_wants_a_complete_ruling(qf1, red_manager):
    protest = file_protest(qf1, red_manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        Protest.objects.filter(pk=protest.pk).update(status="rejected")
    with pytest.raises(IntegrityError), transaction.atomic():
        Protest.objects.filter(pk=protest.pk).update(status="lost")


def test_r18_the_ruling_is_e_mailed_to_both_teams_after_the_commit(
        qf1, red_manager, blue_manager, outside_head, django_capture_on_commit_callbacks):
    from allauth.account.models import EmailAddress
    from django.core import mail
    from django.utils import translation
    from django.utils.translation import gettext

    from league.jobs.notify import language_for

    for user in (red_manager, blue_manager):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    protest = file_protest(qf1, red_manager)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.protest_rule(protest=protest, uphold=False, reason="The count was right.",
                              actor=outside_head)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {red_manager.email, blue_manager.email}
    own, other = by_address[red_manager.email], by_address[blue_manager.email]
    with translation.override(language_for(qf1.red.team)):  # each team reads its own language
        assert own.subject == gettext("Protest rejected: %(slot)s") % {"slot": qf1.slot}
        assert gettext("Your protest on %(slot)s is rejected: the result stands.") % {
            "slot": qf1.slot} in own.body
    with translation.override(language_for(qf1.blue.team)):
        assert gettext("Your protest on %(slot)s is rejected: the result stands.") % {
            "slot": qf1.slot} not in other.body
    assert "The count was right." in own.body and "The count was right." in other.body
