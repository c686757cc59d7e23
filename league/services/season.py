"""Season lifecycle: phases move only forward, each by one explicit organizer action.

registration -> auditions -> draw -> group stage -> knockout -> finished
"""
from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from .. import events, roles
from ..errors import RuleViolation
from ..models import Entry, Group, Match, Placing, Protest, Reward, Season
from ..rules import bracket as bracket_rules
from ..rules.draw import DrawTeam, draw_groups
from ..rules.schedule import plan_group_schedule, plan_knockout_schedule, schedule_violations
from ..zh import propose_hant, split_list
from . import preconditions as pre
from . import seeding
from .common import audit, bump, lock_season, require_organizer, require_phase, save_checked
from .entries import FIELD_SIZE
from .preconditions import refuse_if

GROUP_NAMES = "ABCD"
POT_SIZE = 4

DEFAULT_REWARDS = {
    Reward.Place.CHAMPION: ("Pure-gold championship belt", Decimal("10000000"), "CNY"),
    Reward.Place.RUNNER_UP: ("Runner-up trophy and prize", Decimal("1000000"), "CNY"),
    Reward.Place.THIRD: ("Third-place trophy and prize", Decimal("500000"), "CNY"),
    Reward.Place.FOURTH: ("Fourth-place prize", Decimal("300000"), "CNY"),
    Reward.Place.QUARTERFINALIST: ("Quarterfinalist prize", Decimal("100000"), "CNY"),
}
# Their descriptions in 简体 and 繁體 (Reward.description_zh, description_zh_hant).
DEFAULT_REWARDS_ZH = {
    Reward.Place.CHAMPION: ("纯金冠军腰带", "純金冠軍腰帶"),
    Reward.Place.RUNNER_UP: ("亚军奖杯及奖金", "亞軍獎盃及獎金"),
    Reward.Place.THIRD: ("季军奖杯及奖金", "季軍獎盃及獎金"),
    Reward.Place.FOURTH: ("第四名奖金", "第四名獎金"),
    Reward.Place.QUARTERFINALIST: ("八强奖金", "八強獎金"),
}


def _require_settings(fields: dict) -> None:
    unknown = sorted(set(fields) - set(Season.SETTINGS_LOCKED_FROM))
    if unknown:
        raise RuleViolation(None, _("Not a season setting: %(names)s.") % {"names": ", ".join(unknown)})


def _normalized_settings(fields: dict, current: Season | None = None) -> dict:
    """Stripped texts and ring lists; a 繁體 text left blank is proposed from its 简体 one."""
    fields = dict(fields)
    if isinstance(fields.get("rings"), str):
        fields["rings"] = ",".join(r.strip() for r in fields["rings"].split(",") if r.strip())
    for name in ("rings_zh", "rings_zh_hant"):
        if isinstance(fields.get(name), str):  # a full-width comma is a comma (一号擂台，二号擂台)
            fields[name] = ",".join(split_list(fields[name].replace("\uff0c", ",")))
    for name in ("slug", *(f"{stem}{suffix}" for stem in Season.TRANSLATED if stem != "rings"
                           for suffix in ("", "_zh", "_zh_hant"))):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    return propose_hant(fields, Season.TRANSLATED, current=current)


def season_create(*, actor, with_default_rewards: bool = True, **fields) -> Season:
    """Create a season in registration, with the default reward of each place (R15)."""
    require_organizer(actor)
    _require_settings(fields)
    with transaction.atomic():
        season = Season(**_normalized_settings(fields))
        season.phase = Season.Phase.REGISTRATION
        save_checked(season)
        if with_default_rewards:
            for place, (description, value, currency) in DEFAULT_REWARDS.items():
                hans, hant = DEFAULT_REWARDS_ZH[place]
                save_checked(Reward(season=season, place=place, description=description,
                                    description_zh=hans, description_zh_hant=hant,
                                    value=value, currency=currency))
        audit(actor=actor, action="season_created", obj=season, to_state=season.phase)
        return season


def season_update(*, season: Season, actor, **changes) -> Season:
    """Change a season's settings; each is locked from the phase Season.SETTINGS_LOCKED_FROM
    names, so what the schedule and the bracket were made with never changes under them."""
    require_organizer(actor)
    _require_settings(changes)
    with transaction.atomic():
        season = lock_season(season)
        changes = _normalized_settings(changes, current=season)
        changed = {name: value for name, value in changes.items() if getattr(season, name) != value}
        locked = sorted(set(changed) & set(season.locked_settings()))
        if locked:
            raise RuleViolation(None, _("In the phase %(phase)s these settings no longer change: "
                                        "%(names)s.") % {
                "phase": season.get_phase_display(),
                "names": ", ".join(str(Season._meta.get_field(n).verbose_name) for n in locked)})
        if not changed:
            return season
        before = {name: str(getattr(season, name)) for name in changed}
        for name, value in changed.items():
            setattr(season, name, value)
        save_checked(season)
        audit(actor=actor, action="season_settings_changed", obj=season,
              data={name: [before[name], str(getattr(season, name))] for name in changed})
        bump(season)  # the public pages show the season's settings
        return season


def reward_set(*, season: Season, place: int, description: str, value: Decimal, currency: str,
               actor, description_zh: str | None = None,
               description_zh_hant: str | None = None) -> Reward:
    """Set what a place earns (R16), until the season finishes: the placings then keep a copy.
    The description in 简体 and 繁體: None keeps what the reward has; a 简体 text given without
    a 繁體 one brings the OpenCC proposal (league/zh.py)."""
    from ..money import money

    require_organizer(actor)
    with transaction.atomic():
        season = lock_season(season)
        if season.is_finished:
            raise RuleViolation("R16", _("The season is finished: its rewards were copied into the "
                                         "placings and no longer change."))
        if place not in Reward.Place.values:
            raise RuleViolation("R15", _("Rewards go to places 1-4 and 5-8 (the last 8)."))
        reward = Reward.objects.select_for_update().filter(season=season, place=place).first()
        old = (money(reward.value, reward.currency), reward.description) if reward else ("", "")
        reward = reward or Reward(season=season, place=place)
        reward.description = description.strip()
        chinese = {name: text.strip() for name, text in (("description_zh", description_zh),
                   ("description_zh_hant", description_zh_hant)) if text is not None}
        for name, text in propose_hant(chinese, ["description"], current=reward).items():
            setattr(reward, name, text)
        reward.value = value
        reward.currency = (currency or "").strip().upper()
        save_checked(reward)
        audit(actor=actor, action="reward_set", obj=reward, season=season, from_state=old[0],
              to_state=money(reward.value, reward.currency),
              reason="" if old[1] == reward.description else reward.description)
        bump(season)
        return reward


def _advance_phase(season: Season, to: str, *, actor, reason: str = "", data=None) -> Season:
    before = season.phase
    if season.phase_index(to) != season.phase_index() + 1:
        raise RuleViolation(None, _("A season moves one phase forward at a time."))
    season.phase = to
    season.save(update_fields=["phase"])
    audit(actor=actor, action="season_phase", obj=season, from_state=before, to_state=to,
          reason=reason, data=data)
    bump(season)
    return season


def season_registration_close(*, season: Season, actor) -> Season:
    require_organizer(actor)
    with transaction.atomic():
        season = lock_season(season)
        require_phase(season, Season.Phase.REGISTRATION, doing=_("Closing registration"))
        refuse_if(pre.registration_close_blockers(season, applications=season.entries.count()))
        return _advance_phase(season, Season.Phase.AUDITIONS, actor=actor)


def qualified_entries(season: Season):
    return season.entries.filter(status=Entry.Status.QUALIFIED)


def season_auditions_close(*, season: Season, actor) -> Season:
    """Close auditions: exactly 16 qualified (R1), each with a roster (R2) and two robots (R3)."""
    require_organizer(actor)
    with transaction.atomic():
        season = lock_season(season)
        require_phase(season, Season.Phase.AUDITIONS, rule="R1", doing=_("Closing auditions"))
        entries = list(qualified_entries(season).select_related("team").prefetch_related("robots")
                       .annotate(member_count=Count("members", distinct=True)))
        refuse_if(pre.auditions_close_blockers(season, [
            (e, e.member_count, [r.role for r in e.robots.all()]) for e in entries]))
        return _advance_phase(season, Season.Phase.DRAW, actor=actor)


def pots_seed(*, season: Season, order: list[int] | None = None, actor, source: str | None = None,
              source_seed: int | None = None, reason: str = "") -> list[Entry]:
    """Seed the 16 and fill the pots: seeds 1-4 in pot 1, 5-8 in pot 2, ... (R10).

    ``order`` lists the qualified entries' ids from seed 1 to 16; without it the
    seeds already set on the entries are used. ``source`` says where the order comes from
    (services/seeding.py); a change from the source's order needs a ``reason``.
    """
    require_organizer(actor)
    with transaction.atomic():
        season = lock_season(season)
        require_phase(season, Season.Phase.DRAW, rule="R10", doing=_("Seeding the pots"))
        refuse_if(pre.pots_seed_blockers(season))
        entries = {e.pk: e for e in qualified_entries(season).select_for_update()}
        if order is None:
            order = [e.pk for e in sorted(entries.values(), key=lambda e: (e.seed is None, e.seed or 0))]
            if any(entries[pk].seed is None for pk in order):
                raise RuleViolation("R10", _("Give every qualified team a seed from 1 to 16."))
        if sorted(order) != sorted(entries) or len(order) != FIELD_SIZE:
            raise RuleViolation("R10", _("The seeding must list each of the %(n)d qualified teams "
                                         "exactly once.") % {"n": FIELD_SIZE})
        if source is None:  # a caller that states no source gives the order itself
            source, reason = seeding.Source.MANUAL, reason or _("order given without a stated source")
        stated = seeding.seeding_check(season, list(entries.values()), order, source=source,
                                       seed=source_seed, reason=reason)
        Entry.objects.filter(pk__in=order).update(seed=None)  # free the unique seeds first
        seeded = []
        for index, pk in enumerate(order):
            entry = entries[pk]
            entry.seed = index + 1
            entry.pot = index // POT_SIZE + 1
            entry.save(update_fields=["seed", "pot"])
            seeded.append(entry)
        season.seeding_source, season.seeding_seed = source, stated.get("seed")
        season.save(update_fields=["seeding_source", "seeding_seed"])
        audit(actor=actor, action="pots_seeded", obj=season, reason=stated.get("reason", ""),
              data={"order": [e.team.slug for e in seeded], **stated})
        bump(season)
        return seeded


def draw_run(*, season: Season, seed: int | None = None, actor) -> dict[str, list[Entry]]:
    """The group draw (R10): one team of each pot per group, countries and organizations kept
    apart where possible, reproducible from the stored seed."""
    require_organizer(actor)
    with transaction.atomic():
        season = lock_season(season)
        require_phase(season, Season.Phase.DRAW, rule="R10", doing=_("The draw"))
        entries = list(qualified_entries(season).select_related("team"))
        refuse_if(pre.draw_blockers(season, entries))
        if seed is None:
            seed = secrets.randbelow(2**31)
        try:
            result = draw_groups(
                [DrawTeam(key=e.pk, pot=e.pot, country=e.team.country,
                          organization=e.team.organization) for e in entries],
                seed, GROUP_NAMES)
        except ValueError as exc:
            raise RuleViolation("R10", str(exc)) from exc
        by_pk = {e.pk: e for e in entries}
        drawn: dict[str, list[Entry]] = {}
        for name, keys in result.groups.items():
            group = Group.objects.create(season=season, name=name)
            Entry.objects.filter(pk__in=keys).update(group=group)
            drawn[name] = [by_pk[k] for k in keys]
        season.draw_seed = seed
        season.save(update_fields=["draw_seed"])
        audit(actor=actor, action="draw_run", obj=season, to_state="drawn",
              data={"seed": seed, "conflicts": result.conflicts,
                    "groups": {n: [by_pk[k].team.slug for k in ks] for n, ks in result.groups.items()}})
        bump(season)
        return drawn


def _local(season: Season, day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=season.tz)


def group_schedule_generate(*, season: Season, actor) -> list[Match]:
    """Single round robin in each group: 6 matches on 3 days, rest respected (R11)."""
    require_organizer(actor)
    with transaction.atomic():
        season = lock_season(season)
        require_phase(season, Season.Phase.DRAW, rule="R11", doing=_("Generating the schedule"))
        refuse_if(pre.schedule_blockers(season, has_matches=season.matches.exists()))
        rings = season.ring_list
        groups = {g.name: g for g in season.groups.all()}
        members = {name: [e.pk for e in g.entries.order_by("pot")] for name, g in groups.items()}
        try:
            plan = plan_group_schedule(
                members, first_day=season.starts_on, day_start=season.day_start, tz=season.tz,
                rings=rings, slot_minutes=season.slot_minutes,
                min_rest=dt.timedelta(minutes=season.min_rest_minutes))
        except ValueError as exc:
            raise RuleViolation("R11", str(exc)) from exc
        matches = []
        counters: dict[str, int] = {}
        for planned in sorted(plan, key=lambda p: (p.starts_at, p.ring)):
            counters[planned.group] = counters.get(planned.group, 0) + 1
            matches.append(Match(
                season=season, stage=Match.Stage.GROUP, group=groups[planned.group],
                slot=f"{planned.group}{counters[planned.group]}", day=planned.day + 1,
                red_id=planned.red, blue_id=planned.blue, ring=planned.ring,
                scheduled_at=planned.starts_at))
        check_group_schedule(season, matches)
        Match.objects.bulk_create(matches)
        _advance_phase(season, Season.Phase.GROUP_STAGE, actor=actor,
                       data={"matches": len(matches)})
        events.emit(events.SCHEDULE_CHANGED, actor=actor, season=season, data={
            "reason": "published", "matches": None, "slots": [m.slot for m in matches]})
        return list(season.matches.order_by("scheduled_at", "ring"))


def check_group_schedule(season: Season, matches: list[Match]) -> None:
    """R11: no team twice on one day, the minimum rest between fights."""
    slot = dt.timedelta(minutes=season.slot_minutes)
    fights = []
    for m in matches:
        for entry_id in (m.red_id, m.blue_id):
            fights.append((entry_id, m.scheduled_at, m.scheduled_at + slot))
    problems = schedule_violations(fights, tz=season.tz,
                                   min_rest=dt.timedelta(minutes=season.min_rest_minutes))
    if problems:
        raise RuleViolation(None, "; ".join(problems))


def referees_assign(*, match: Match, referees, actor) -> Match:
    """Assign the referees who may run a match (R7)."""
    require_organizer(actor)
    referees = list(referees)
    with transaction.atomic():
        match = Match.objects.select_for_update().select_related("season").get(pk=match.pk)
        if match.is_done:
            raise RuleViolation("R7", _("The match is over; its referees stay as they were."))
        if not referees:
            raise RuleViolation("R7", _("A match needs at least one referee."))
        not_referees = [u.get_username() for u in referees if not roles.is_referee(u)]
        if not_referees:
            raise RuleViolation("R7", _("Not referees: %(names)s.") % {"names": ", ".join(not_referees)})
        before = sorted(match.referees.values_list("username", flat=True))
        match.referees.set(referees)
        audit(actor=actor, action="referees_assigned", obj=match, from_state=",".join(before),
              to_state=",".join(sorted(u.get_username() for u in referees)))
        bump(match.season_id)
        return match


def referees_assign_round_robin(*, season: Season, actor) -> int:
    """Assign every unassigned match of the season to the referees in turn (organizer helper)."""
    referees = list(get_user_model().objects.filter(
        groups__name__in=[roles.REFEREE, roles.HEAD_REFEREE], is_active=True).distinct()
        .order_by("username"))
    if not referees:
        raise RuleViolation("R7", _("There are no referees to assign."))
    count = 0
    for index, match in enumerate(season.matches.filter(referees__isnull=True)
                                  .exclude(status__in=Match.DONE).order_by("scheduled_at", "slot")):
        referees_assign(match=match, referees=[referees[index % len(referees)]], actor=actor)
        count += 1
    return count


def lots_record(*, group: Group, order: list[int], actor) -> None:
    """The organizer's drawing of lots among teams level on every other criterion (R12)."""
    from ..selectors import group_standings

    require_organizer(actor)
    with transaction.atomic():
        season = lock_season(group.season)
        require_phase(season, Season.Phase.GROUP_STAGE, rule="R12", doing=_("Drawing lots"))
        if group.matches.exclude(status__in=Match.DONE).exists():
            raise RuleViolation("R12", _("Lots are drawn once the group's matches are over."))
        tied = {pk for block in group_standings(group=group).lots_needed for pk in block}
        if not tied:
            raise RuleViolation("R12", _("No tie in this group needs lots."))
        if set(order) != tied or len(order) != len(tied):
            raise RuleViolation("R12", _("The lots must order exactly the teams still tied."))
        for lot, pk in enumerate(order, start=1):
            Entry.objects.filter(pk=pk).update(lot=lot)
        audit(actor=actor, action="lots_drawn", obj=group, season=season, data={"order": order})
        bump(season)


def knockout_start(*, season: Season, seed: int | None = None, actor) -> list[Match]:
    """Close the group stage, draw the quarterfinal crossings (R13) and lay out the bracket."""
    from ..selectors import season_standings

    require_organizer(actor)
    with transaction.atomic():
        season = lock_season(season)
        require_phase(season, Season.Phase.GROUP_STAGE, rule="R13", doing=_("Starting the knockout"))
        tables = season_standings(season=season)
        refuse_if(pre.knockout_start_blockers(
            season, [m for t in tables for m in t.matches], tables))
        winners, runners_up = {}, {}
        for table in tables:
            group = table.group
            winners[group.name] = table.rows[0].entry.pk
            runners_up[group.name] = table.rows[1].entry.pk
        if seed is None:
            seed = secrets.randbelow(2**31)
        pairs = bracket_rules.quarterfinal_pairs(winners, runners_up, seed)
        matches = _create_bracket(season, pairs)
        season.knockout_seed = seed
        season.save(update_fields=["knockout_seed"])
        _advance_phase(season, Season.Phase.KNOCKOUT, actor=actor, data={"seed": seed})
        events.emit(events.BRACKET_CHANGED, actor=actor, season=season,
                    data={"reason": "drawn", "slots": [m.slot for m in matches]})
        events.emit(events.SCHEDULE_CHANGED, actor=actor, season=season, data={
            "reason": "knockout", "matches": [m.pk for m in matches],
            "slots": [m.slot for m in matches]})
        return matches


def _create_bracket(season: Season, pairs) -> list[Match]:
    last = season.matches.order_by("-scheduled_at").values_list("scheduled_at", flat=True).first()
    last_day = last.astimezone(season.tz).date() if last else season.starts_on
    rest_days = max(1, -(-season.min_rest_minutes // (24 * 60)))
    # R13: the third-place match, then the final (league/rules/schedule.py).
    plan = plan_knockout_schedule(
        day_starts=[_local(season, last_day + dt.timedelta(days=rest_days * offset), season.day_start)
                    for offset in (1, 2, 3)],
        rings=season.ring_list, slot_minutes=season.slot_minutes,
        third_place_match=season.third_place_match)
    stages = {**dict.fromkeys(bracket_rules.QF_SLOTS, Match.Stage.QUARTERFINAL),
              **dict.fromkeys(bracket_rules.SF_SLOTS, Match.Stage.SEMIFINAL),
              bracket_rules.THIRD: Match.Stage.THIRD_PLACE, bracket_rules.FINAL: Match.Stage.FINAL}
    created = {}
    for planned in plan:
        created[planned.slot] = Match.objects.create(
            season=season, stage=stages[planned.slot], slot=planned.slot,
            scheduled_at=planned.starts_at, ring=planned.ring)
    for slot_name, (red, blue) in zip(bracket_rules.QF_SLOTS, pairs, strict=True):
        Match.objects.filter(pk=created[slot_name].pk).update(red_id=red, blue_id=blue)
    for source, (target, corner) in bracket_rules.FEEDS.items():
        Match.objects.filter(pk=created[source].pk).update(
            winner_to=created[target], winner_to_corner=corner)
    if season.third_place_match:
        for source, (target, corner) in bracket_rules.LOSER_FEEDS.items():
            Match.objects.filter(pk=created[source].pk).update(
                loser_to=created[target], loser_to_corner=corner)
    return list(season.matches.exclude(stage=Match.Stage.GROUP).order_by("scheduled_at", "ring"))


def season_finish(*, season: Season, actor) -> list[Placing]:
    """Places and rewards from the bracket, never typed in (R15, R16)."""
    require_organizer(actor)
    with transaction.atomic():
        season = lock_season(season)
        require_phase(season, Season.Phase.KNOCKOUT, rule="R15", doing=_("Finishing the season"))
        knockout = {m.slot: m for m in season.matches.exclude(stage=Match.Stage.GROUP)}
        rewards = {r.place: r for r in season.rewards.all()}
        protested = Protest.objects.filter(match__season=season, status=Protest.Status.FILED)
        refuse_if(pre.finish_blockers(season, list(knockout.values()), rewards,
                                      protested.values_list("match__slot", flat=True)))
        results = {slot: (m.winner_id, m.loser_id) for slot, m in knockout.items()}
        places = bracket_rules.final_places(results, third_place_match=season.third_place_match)
        placings = []
        for entry_id, place in sorted(places.items(), key=lambda kv: kv[1]):
            reward = rewards[place]
            placing = Placing(season=season, entry_id=entry_id, place=place,
                              reward_description=reward.description,
                              reward_description_zh=reward.description_zh,
                              reward_description_zh_hant=reward.description_zh_hant,
                              reward_value=reward.value, reward_currency=reward.currency)
            save_checked(placing)
            placings.append(placing)
        _advance_phase(season, Season.Phase.FINISHED, actor=actor,
                       data={"places": {str(p.entry_id): p.place for p in placings}})
        return placings
