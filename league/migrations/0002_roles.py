"""The staff roles as groups with their permissions (organizer, head referee, referee)."""
from django.contrib.auth.management import create_permissions
from django.db import migrations

LEAGUE_MODELS = ["season", "reward", "group", "team", "entry", "teammember", "robot", "match",
                 "round", "allowanceuse", "failurereport", "replacement", "placing", "auditevent"]

ROLE_PERMISSIONS = {
    "organizer": [f"{action}_{model}" for model in LEAGUE_MODELS
                  for action in ("view", "add", "change", "delete")
                  if not (model == "auditevent" and action != "view")]
    + ["view_user", "add_user", "change_user", "view_group"],
    "head_referee": ["view_season", "view_team", "view_entry", "view_robot", "view_match",
                     "view_round", "view_failurereport", "change_failurereport",
                     "view_replacement", "view_auditevent"],
    "referee": ["view_season", "view_team", "view_entry", "view_robot", "view_match",
                "view_round", "view_failurereport"],
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = Permission.objects.filter(codename__in=codenames,
                                          content_type__app_label__in=["league", "auth"])
        group.permissions.set(perms)


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("league", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, drop_roles)]
