"""The teams' own site (/my-team/): applications, rosters, co-managers, the calendar link.

Team accounts are users who are never staff and hold no staff role (roles.is_team_account);
what they may change follows from their TeamManager rows (roles.manages_team). Every write
here names its actor, runs in one transaction and is audited, like every service.
"""
from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import roles, uploads
from ..errors import NotAllowed, RuleViolation
from ..models import CalendarFeed, Entry, Season, Team, TeamInvitation, TeamManager, TeamMember
from .common import audit, bump, is_system, require_actor, require_team_hand, save_checked
from .entries import _lock_entry, _require_roster_open, entry_apply
from .teams import team_create_checked

INVITATION_SALT = "league.team-invitation"
# Paths of the teams' site that a team's slug must not shadow (/my-team/<slug>/).
RESERVED_SLUGS = {"account", "apply", "invitations", "calendar", "files"}


def require_team_account(actor) -> None:
    """A team account with a verified e-mail address (allauth's, mandatory at sign-up)."""
    require_actor(actor)
    if not roles.is_team_account(actor):
        raise NotAllowed("R7", _("Staff accounts do not act for a team: sign up with a team account."))
    if not verified_email(actor, actor.email):
        raise NotAllowed(None, _("Verify your e-mail address first."))


def verified_email(user, email: str) -> bool:
    from allauth.account.models import EmailAddress

    return bool(email) and EmailAddress.objects.filter(user=user, email__iexact=email,
                                                       verified=True).exists()


def require_manager(actor, team: Team | int) -> None:
    """The team's manager (not a co-manager), an organizer or the system."""
    require_actor(actor)
    if is_system(actor) or roles.is_organizer(actor):
        return
    team_id = getattr(team, "pk", team)
    if roles.manages_team(actor, team_id) and TeamManager.objects.filter(
            user=actor, team_id=team_id, role=TeamManager.Role.MANAGER).exists():
        return
    raise NotAllowed("R7", _("Only the team's manager may do this."))


def _add_manager(*, team: Team, user, role: str, actor) -> TeamManager:
    manager = TeamManager(team=team, user=user, role=role)
    save_checked(manager)
    audit(actor=actor, action="team_manager_added", obj=manager, season=None, to_state=role,
          data={"user": user.get_username()})
    roles.forget_teams(user)
    return manager


# --- Applying (R2) ---------------------------------------------------------------------------

def application_submit(*, season: Season, actor, proof: File, team: Team | None = None,
                       **identity) -> Entry:
    """A team account applies to a season open for entries (R2): with a new team (its
    identity: slug, names, organization, legal registration number, kind, country), of which it
    becomes the manager, or with a team it manages already. The proof of registration (PDF,
    JPEG or PNG by content, size-limited) is kept privately. All or nothing."""
    require_team_account(actor)
    if not proof:
        raise RuleViolation("R2", _("Upload the proof of registration (PDF, JPEG or PNG)."))
    content = uploads.checked_proof(proof)
    with uploads.stored(content, "proofs/") as name, transaction.atomic():
        if team is None:
            identity["slug"] = _free_slug(identity.get("slug") or "team")
            team = team_create_checked(actor=actor, **identity)
            _add_manager(team=team, user=actor, role=TeamManager.Role.MANAGER, actor=actor)
        elif not roles.manages_team(actor, team):
            raise NotAllowed("R7", _("Only the team's managers may apply for it."))
        entry = entry_apply(season=season, team=team, actor=actor)
        entry.proof = name
        save_checked(entry)
        audit(actor=actor, action="entry_proof_set", obj=entry, data={"file": name})
        return entry


def _free_slug(base: str) -> str:
    """A new team's slug: its name's, or with a number when another team has it (R2: a slug is
    a team's identity, so a new team never takes another's)."""
    base = base[:45] if base not in RESERVED_SLUGS else f"{base}-team"
    taken = set(Team.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    return next(slug for slug in [base, *(f"{base}-{n}" for n in range(2, 10_000))] if slug not in taken)


# --- The roster (R2) -------------------------------------------------------------------------

def roster_set(*, entry: Entry, members: Sequence[tuple[str, str]], actor) -> list[TeamMember]:
    """Replace an entry's roster with ``members`` ((name, role) pairs): R2, 3-10 members, until
    the roster locks when auditions close. Unchanged members keep their rows."""
    require_team_hand(actor, entry.team_id)
    wanted = [(name.strip(), role) for name, role in members if name.strip()]
    if not TeamMember.roster_size_ok(len(wanted)):
        raise RuleViolation("R2", _("A team has %(lo)d-%(hi)d members; this roster has %(n)d.") % {
            "lo": TeamMember.MIN_ROSTER, "hi": TeamMember.MAX_ROSTER, "n": len(wanted)})
    names = [name.casefold() for name, _role in wanted]
    if len(set(names)) != len(names):
        raise RuleViolation("R2", _("Each member is listed once: a name appears twice."))
    with transaction.atomic():
        entry = _lock_entry(entry)
        _require_roster_open(entry)
        current = {(m.name, m.role): m for m in entry.members.all()}
        for key, member in current.items():
            if key not in wanted:
                audit(actor=actor, action="member_removed", obj=member, season=entry.season,
                      from_state=member.role)
                member.delete()
        for name, role in wanted:
            if (name, role) not in current:
                member = TeamMember(entry=entry, name=name, role=role)
                save_checked(member)
                audit(actor=actor, action="member_added", obj=member, season=entry.season,
                      to_state=role)
        audit(actor=actor, action="roster_set", obj=entry, to_state=str(len(wanted)))
        bump(entry.season_id)
        return list(entry.members.all())


# --- Co-managers -----------------------------------------------------------------------------

def invitation_token(invitation: TeamInvitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt=INVITATION_SALT)


def manager_invite(*, team: Team, email: str, actor, site_url: str = "") -> TeamInvitation:
    """The manager invites a co-manager by e-mail; the e-mail (sent once the invitation is
    saved) carries a signed link valid settings.TEAM_INVITATION_DAYS days."""
    require_manager(actor, team)
    email = email.strip().lower()
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        if TeamManager.objects.filter(team=team, user__email__iexact=email).exists():
            raise RuleViolation(None, _("%(email)s already manages %(team)s.") % {
                "email": email, "team": team})
        invitation = TeamInvitation(team=team, email=email, invited_by=actor)
        save_checked(invitation)
        audit(actor=actor, action="team_invitation_sent", obj=invitation, season=None,
              data={"email": email})
        link = site_url + reverse("teamsite:invitation", args=[invitation_token(invitation)])
        transaction.on_commit(lambda: _send_invitation(invitation, link))
        return invitation


def _send_invitation(invitation: TeamInvitation, link: str) -> None:
    subject = _("Join %(team)s on the Robot Fighting League's teams' site") % {"team": invitation.team}
    body = _("%(who)s invites you to help manage %(team)s.\n\nSign in (or sign up) with this "
             "e-mail address, verify it, then open:\n%(link)s\n\nThe link is valid for %(days)d "
             "days.") % {"who": invitation.invited_by.email or invitation.invited_by.get_username(),
                         "team": invitation.team, "link": link, "days": settings.TEAM_INVITATION_DAYS}
    try:
        send_mail(subject, body, None, [invitation.email])
    except Exception:  # an unsent e-mail never undoes the invitation; the manager can resend
        import logging

        logging.getLogger(__name__).exception("invitation e-mail to %s not sent", invitation.email)


def invitation_read(token: str) -> TeamInvitation:
    """The invitation a link names, refused when the signature is wrong or expired."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT,
                             max_age=settings.TEAM_INVITATION_DAYS * 24 * 3600)
    except signing.SignatureExpired as exc:
        raise RuleViolation(None, _("This invitation has expired: ask the team's manager for a "
                                    "new one.")) from exc
    except signing.BadSignature as exc:
        raise RuleViolation(None, _("This invitation link is not valid.")) from exc
    invitation = TeamInvitation.objects.select_related("team").filter(pk=data.get("i")).first()
    if invitation is None or invitation.status != TeamInvitation.Status.PENDING:
        raise RuleViolation(None, _("This invitation is no longer open."))
    return invitation


def invitation_accept(*, token: str, actor) -> TeamManager:
    """Accept an invitation: signed in as a team account whose verified address it names."""
    require_team_account(actor)
    invitation = invitation_read(token)
    with transaction.atomic():
        invitation = TeamInvitation.objects.select_for_update().select_related("team").get(pk=invitation.pk)
        if invitation.status != TeamInvitation.Status.PENDING:
            raise RuleViolation(None, _("This invitation is no longer open."))
        if not verified_email(actor, invitation.email):
            raise NotAllowed(None, _("This invitation is for %(email)s: sign in with that address, "
                                     "verified.") % {"email": invitation.email})
        if roles.manages_team(actor, invitation.team):
            raise RuleViolation(None, _("You already manage %(team)s.") % {"team": invitation.team})
        manager = _add_manager(team=invitation.team, user=actor, role=TeamManager.Role.CO_MANAGER,
                               actor=actor)
        invitation.status = TeamInvitation.Status.ACCEPTED
        invitation.accepted_by = actor
        save_checked(invitation)
        return manager


def invitation_revoke(*, invitation: TeamInvitation, actor) -> None:
    require_manager(actor, invitation.team_id)
    with transaction.atomic():
        invitation = TeamInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != TeamInvitation.Status.PENDING:
            raise RuleViolation(None, _("This invitation is no longer open."))
        invitation.status = TeamInvitation.Status.REVOKED
        save_checked(invitation)
        audit(actor=actor, action="team_invitation_revoked", obj=invitation, season=None,
              from_state="pending", to_state="revoked")


def co_manager_remove(*, manager: TeamManager, actor) -> None:
    """The manager removes a co-manager (or a co-manager leaves). The manager stays: a team
    always has one."""
    require_actor(actor)
    with transaction.atomic():
        manager = TeamManager.objects.select_for_update().select_related("user", "team").get(pk=manager.pk)
        if manager.role == TeamManager.Role.MANAGER:
            raise RuleViolation(None, _("The team's manager cannot be removed."))
        if manager.user_id != actor.pk:
            require_manager(actor, manager.team_id)
        audit(actor=actor, action="team_manager_removed", obj=manager, season=None,
              from_state=manager.role, data={"user": manager.user.get_username()})
        manager.delete()
        roles.forget_teams(manager.user)


# --- The private calendar link ---------------------------------------------------------------

def calendar_feed_renew(*, team: Team, actor) -> CalendarFeed:
    """A new secret iCalendar link for the team; the previous one stops working."""
    require_team_hand(actor, team)
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(team=team).first() or CalendarFeed(team=team)
        feed.token = secrets.token_urlsafe(32)
        save_checked(feed)
        audit(actor=actor, action="calendar_feed_renewed", obj=feed, season=None)
        return feed


def calendar_feed_revoke(*, team: Team, actor) -> None:
    require_team_hand(actor, team)
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(team=team).first()
        if feed is None:
            return
        audit(actor=actor, action="calendar_feed_revoked", obj=feed, season=None)
        feed.delete()
