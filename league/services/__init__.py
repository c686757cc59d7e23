"""Every state change of the league goes through one of these services.

Each is keyword-only, runs in one transaction, locks what it changes, checks the
rules of ../shared/DOMAIN.md and raises RuleViolation naming the rule it enforces.
Each takes ``actor``, the user who acts (required; the league's own hand is
``common.system_actor()``), and records it in the audit trail.
"""
from .entries import (
                      entry_apply,
                      entry_audition,
                      entry_qualify,
                      entry_withdraw,
                      member_add,
                      member_remove,
                      robot_register,
                      robot_remove,
)
from .failures import failure_report_decide, failure_report_file, robot_replace
from .matches import (
                      RoundInput,
                      active_robot,
                      allowance_use,
                      battery_swap_report,
                      bracket_advance,
                      match_check_in,
                      match_forfeit,
                      match_result_correct,
                      match_sign_off,
                      match_start,
                      round_record,
)
from .protests import protest_file, protest_rule
from .rings import match_call, match_move, ring_call_next, ring_delay
from .season import (
                      draw_run,
                      group_schedule_generate,
                      knockout_start,
                      lots_record,
                      pots_seed,
                      referees_assign,
                      referees_assign_round_robin,
                      reward_set,
                      season_auditions_close,
                      season_create,
                      season_finish,
                      season_registration_close,
                      season_update,
)
from .teams import team_create, team_update
from .webhooks import (
                      webhook_delivery_retry,
                      webhook_endpoint_register,
                      webhook_endpoint_update,
                      webhook_secret_rotate,
)

__all__ = [
    "RoundInput", "active_robot", "allowance_use", "battery_swap_report", "bracket_advance",
    "draw_run", "entry_apply", "entry_audition", "entry_qualify", "entry_withdraw",
    "failure_report_decide", "failure_report_file", "group_schedule_generate", "knockout_start",
    "lots_record", "match_check_in", "match_forfeit", "match_result_correct", "match_sign_off",
    "match_call", "match_move", "match_start", "ring_call_next", "ring_delay",
    "member_add", "member_remove", "protest_file", "protest_rule", "pots_seed", "referees_assign",
    "referees_assign_round_robin", "robot_register", "robot_remove", "robot_replace", "round_record",
    "reward_set", "season_auditions_close", "season_create", "season_finish",
    "season_registration_close", "season_update", "team_create", "team_update",
    "webhook_delivery_retry", "webhook_endpoint_register", "webhook_endpoint_update",
    "webhook_secret_rotate",
]
