"""What stands between a season and its next phase: the phase services' own preconditions.

Each ``<step>_blockers`` is a plain function over data already loaded (no query), returning every
reason the service would refuse; the service raises the first one (``refuse_if``), the dashboard
lists them all. A rule therefore lives here once, for both.

A ``Blocker`` names its rule, says what is wrong for a person, and points at what to fix
(``kind`` + ``obj_id``: an entry, a match, a group, a phase action), so the admin can link to it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..errors import RuleViolation
from ..models import Entry, Match, Reward, Robot, Season, TeamMember

FIELD_SIZE = 16


@dataclass(frozen=True)
class Blocker:
    rule: str | None
    message: str
    kind: str = "season"  # entry | match | group | action | rewards | season
    obj_id: int | str | None = None

    @property
    def text(self) -> str:
        return f"{self.message} ({self.rule})" if self.rule else self.message

    def error(self) -> RuleViolation:
        return RuleViolation(self.rule, self.message)


def refuse_if(blockers: list[Blocker]) -> None:
    """Raise the first blocker as the service's refusal."""
    if blockers:
        raise blockers[0].error()


# --- one team ----------------------------------------------------------------------------------

def roster_blocker(entry: Entry, size: int) -> Blocker | None:
    """R2: a team has 3-10 members."""
    if TeamMember.roster_size_ok(size):
        return None
    return Blocker("R2", _("A team has %(lo)d-%(hi)d members; %(team)s has %(n)d.") % {
        "lo": TeamMember.MIN_ROSTER, "hi": TeamMember.MAX_ROSTER, "team": entry.team, "n": size},
        "entry", entry.pk)


def robots_blocker(entry: Entry, robot_roles: Iterable[str]) -> Blocker | None:
    """R3: one primary and one backup robot before the draw."""
    if sorted(robot_roles) == [Robot.Role.BACKUP, Robot.Role.PRIMARY]:
        return None
    return Blocker("R3", _("%(team)s must register one primary and one backup robot before the "
                           "draw.") % {"team": entry.team}, "entry", entry.pk)


def no_robot_left(robots: Iterable[Robot]) -> bool:
    """R4/R5: every registered robot of the team has failed: it can only forfeit."""
    robots = list(robots)
    return bool(robots) and all(r.status == Robot.Status.FAILED for r in robots)


def needs_referee(match: Match, referee_count: int) -> bool:
    """R7: a match still to be played with no referee assigned cannot be run by anyone."""
    return referee_count == 0 and match.status not in Match.DONE


# --- each phase's step -------------------------------------------------------------------------

def registration_close_blockers(season: Season, *, applications: int) -> list[Blocker]:
    if applications == 0:
        return [Blocker("R1", _("No team has applied yet."), "action", "close-registration")]
    return []


def auditions_close_blockers(season: Season, qualified: list[tuple[Entry, int, list[str]]]
                             ) -> list[Blocker]:
    """R1 exactly 16 qualified, R2 rosters of 3-10, R3 two robots each.

    ``qualified``: (entry, roster size, robot roles) of every qualified entry.
    """
    found = []
    if len(qualified) != FIELD_SIZE:
        found.append(Blocker("R1", _("%(q)d of %(n)d qualified.") % {"q": len(qualified), "n": FIELD_SIZE},
                             "entries", season.pk))
    for entry, size, robot_roles in qualified:
        found += [b for b in (roster_blocker(entry, size), robots_blocker(entry, robot_roles)) if b]
    return found


def pots_seed_blockers(season: Season) -> list[Blocker]:
    if season.draw_has_run():
        return [Blocker("R10", _("The draw has run; the pots are final."), "action", "seed-pots")]
    return []


def draw_blockers(season: Season, qualified: list[Entry]) -> list[Blocker]:
    """R10 the draw runs once, R1 with exactly 16, R10 after the pots are seeded."""
    if season.draw_has_run():
        if season.draw_seed is None:  # past the draw's phase without a stored seed
            return [Blocker("R10", _("The draw has run; the pots are final."), "action", "run-draw")]
        return [Blocker("R10", _("The draw has already run (seed %(seed)d).") % {
            "seed": season.draw_seed}, "action", "run-draw")]
    found = []
    if len(qualified) != FIELD_SIZE:
        found.append(Blocker("R1", _("The draw needs exactly %(n)d qualified teams; there are "
                                     "%(q)d.") % {"n": FIELD_SIZE, "q": len(qualified)},
                             "entries", season.pk))
    if any(e.pot is None for e in qualified):
        found.append(Blocker("R10", _("Seed the pots before the draw."), "action", "seed-pots"))
    return found


def schedule_blockers(season: Season, *, has_matches: bool) -> list[Blocker]:
    if not season.draw_has_run():
        return [Blocker("R10", _("Run the draw before the schedule."), "action", "run-draw")]
    if has_matches:
        return [Blocker("R11", _("The group schedule already exists."), "action", "generate-schedule")]
    if not season.ring_list:
        return [Blocker("R11", _("Name at least one ring."), "season", season.pk)]
    return []


def knockout_start_blockers(season: Season, group_matches: list[Match], tables) -> list[Blocker]:
    """R12: every group match over, no tie left that only lots can break."""
    found = []
    open_matches = [m for m in group_matches if m.status not in Match.DONE]
    if open_matches:
        found.append(Blocker("R12", _("%(n)d group matches are not finished.") % {"n": len(open_matches)},
                             "matches", season.pk))
    for table in tables:
        if table.lots_needed and table.complete:
            found.append(Blocker("R12", _("Group %(g)s needs lots: it has a tie that only the drawing "
                                          "of lots can break; record the lots first.")
                                 % {"g": table.group.name}, "group", table.group.name))
    return found


def finish_blockers(season: Season, knockout: list[Match], reward_places: Iterable[int],
                    protested: Iterable[str] = ()) -> list[Blocker]:
    """R15 the knockout is over, R14 every match has a winner, R16 every place has its reward,
    R18 no protest waits for its ruling (``protested``: the slots of pending protests)."""
    found = []
    waiting = sorted(set(protested))
    if waiting:
        found.append(Blocker("R18", _("A protest waits for a head referee's ruling: %(slots)s.") % {
            "slots": ", ".join(waiting)}, "protests", season.pk))
    unfinished = sorted(m.slot for m in knockout if not m.is_done)
    if unfinished:
        found.append(Blocker("R15", _("The knockout is not over: %(slots)s.") % {
            "slots": ", ".join(unfinished)}, "matches", season.pk))
    elif any(m.winner_id is None for m in knockout):
        found.append(Blocker("R14", _("Every knockout match needs a winner."), "matches", season.pk))
    places = set(reward_places)
    missing = [str(Reward.Place(p).label) for p in Reward.Place.values if p not in places]
    if missing:
        found.append(Blocker("R16", _("Set the reward of every place first: %(p)s.") % {
            "p": ", ".join(missing)}, "season", season.pk))
    return found


def referee_blockers(matches: Iterable[tuple[Match, int]]) -> list[Blocker]:
    """R7: "QF3 has no referee" for each match to be played without one."""
    return [Blocker("R7", _("%(slot)s has no referee.") % {"slot": m.slot}, "match", m.pk)
            for m, count in matches if needs_referee(m, count)]
