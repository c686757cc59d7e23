"""The match clock folded from its events (R17): pure, no database, no wall clock.

Every device asks the server for ``fold(events, round_ms=..., now_ms=...)`` and counts down
locally from it, so phones, overlays and big screens agree. The fold is total: an event that
does not fit the state (a pause while stopped, the end of a countdown that is not open) changes
nothing; the services refuse such taps before they are stored.

- The round clock counts net time: it runs between START/RESUME and PAUSE, and stops by itself
  when a tactical timeout, a manual reset or the emergency repair starts (R17). The self-recovery
  count (a robot down) does not stop it.
- A countdown stays open until an END event names it; once its time is over it *proposes* a
  consequence (a reset or repair over its limit, a robot not up after the count: a technical
  knockout of that corner). The round's time running out proposes a points decision. A proposal
  decides nothing: the referee records the round, or ends the countdown.
"""
from __future__ import annotations

from dataclasses import dataclass, field

START, PAUSE, RESUME, COUNTDOWN, END = "start", "pause", "resume", "countdown", "end"
TIMEOUT, RESET, REPAIR, RECOVERY = "timeout", "reset", "repair", "recovery"
STOPS_CLOCK = frozenset({TIMEOUT, RESET, REPAIR})
# What an expired countdown proposes: a technical knockout of its corner (R17). A tactical
# timeout over its time proposes nothing but to fight on (its expiry is shown, not decided).
TKO_ON_EXPIRY = frozenset({RESET, REPAIR, RECOVERY})


@dataclass(frozen=True)
class Event:
    seq: int
    kind: str
    at_ms: int
    countdown: str = ""
    corner: str = ""
    length_ms: int = 0
    ref: int | None = None


@dataclass(frozen=True)
class Countdown:
    id: int
    kind: str
    corner: str
    length_ms: int
    started_ms: int
    remaining_ms: int

    @property
    def expired(self) -> bool:
        return self.remaining_ms == 0

    def as_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "corner": self.corner,
                "length_ms": self.length_ms, "started_ms": self.started_ms,
                "remaining_ms": self.remaining_ms, "expired": self.expired}


@dataclass(frozen=True)
class Proposal:
    """What the clock suggests the referee records (never recorded by itself)."""

    reason: str          # "time", or the countdown kind that expired
    method: str          # "tko" or "points"
    corner: str = ""     # the corner that suffers the technical knockout
    winner: str = ""     # the other corner
    countdown: int | None = None

    def as_dict(self) -> dict:
        return {"reason": self.reason, "method": self.method, "corner": self.corner,
                "winner": self.winner, "countdown": self.countdown}


@dataclass(frozen=True)
class ClockState:
    round_ms: int
    started: bool
    running: bool
    elapsed_ms: int
    as_of: int
    countdowns: tuple[Countdown, ...] = field(default_factory=tuple)
    proposal: Proposal | None = None
    last_seq: int = 0

    @property
    def remaining_ms(self) -> int:
        return max(0, self.round_ms - self.elapsed_ms)

    @property
    def time_up(self) -> bool:
        return self.started and self.remaining_ms == 0

    def open_countdown(self, kind: str, corner: str) -> Countdown | None:
        return next((c for c in self.countdowns if c.kind == kind and c.corner == corner), None)

    def as_dict(self) -> dict:
        return {"started": self.started, "running": self.running and not self.time_up,
                "round_ms": self.round_ms, "remaining_ms": self.remaining_ms,
                "as_of": self.as_of, "countdowns": [c.as_dict() for c in self.countdowns],
                "proposal": self.proposal.as_dict() if self.proposal else None,
                "seq": self.last_seq}


def _other(corner: str) -> str:
    return "blue" if corner == "red" else "red"


def fold(events: list[Event] | tuple[Event, ...], *, round_ms: int, now_ms: int) -> ClockState:
    """The clock at ``now_ms`` after ``events`` (in seq order; events after now_ms are ignored)."""
    started = running = False
    elapsed = 0
    since = 0
    open_: dict[int, Event] = {}
    last_seq = 0
    for ev in sorted(events, key=lambda e: e.seq):
        if ev.at_ms > now_ms:
            break
        last_seq = ev.seq
        at = max(ev.at_ms, since) if running else ev.at_ms
        stopped = any(e.countdown in STOPS_CLOCK for e in open_.values())
        if ev.kind == START and not started:
            started = True
            running = not stopped  # a timeout taken before the start holds the clock
            since = at
        elif ev.kind == PAUSE and running:
            elapsed += at - since
            running = False
        elif ev.kind == RESUME and started and not running and not stopped:
            running = True
            since = at
        elif ev.kind == COUNTDOWN and ev.length_ms > 0 and not any(
                e.countdown == ev.countdown and e.corner == ev.corner for e in open_.values()):
            open_[ev.seq] = ev
            if ev.countdown in STOPS_CLOCK and running:
                elapsed += at - since
                running = False
        elif ev.kind == END and ev.ref in open_:
            del open_[ev.ref]
    if running:
        elapsed += max(0, now_ms - since)
    elapsed = min(elapsed, round_ms)
    countdowns = tuple(
        Countdown(id=e.seq, kind=e.countdown, corner=e.corner, length_ms=e.length_ms,
                  started_ms=e.at_ms, remaining_ms=max(0, e.length_ms - (now_ms - e.at_ms)))
        for e in sorted(open_.values(), key=lambda e: e.seq))
    proposal = None
    for c in countdowns:
        if c.expired and c.kind in TKO_ON_EXPIRY:
            proposal = Proposal(reason=c.kind, method="tko", corner=c.corner,
                                winner=_other(c.corner), countdown=c.id)
            break
    if proposal is None and started and elapsed >= round_ms:
        proposal = Proposal(reason="time", method="points")
    return ClockState(round_ms=round_ms, started=started, running=running, elapsed_ms=elapsed,
                      as_of=now_ms, countdowns=countdowns, proposal=proposal, last_seq=last_seq)
