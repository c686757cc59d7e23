"""The organizer role holds no permission on Django's groups (auth.Group).

Migration 0002 gave the roles permissions by codename across the league and auth apps, and the
league's own model "group" (a group of the group stage) shares its codenames with auth.Group:
so the organizer got auth.add/change/delete/view_group, enough to add any permission to their
own group. Only a superuser edits groups and permissions (league/admin/users.py); organizers
manage people inside the league roles (league/services/people.py).

The organizer role may see django-axes' sign-in lockouts and remove one (unlock a referee who
mistyped at the venue); the logs of every sign-in (addresses, browsers) stay a superuser's.
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

AUTH_GROUP_CODENAMES = ["add_group", "change_group", "delete_group", "view_group"]
LOCKOUT_CODENAMES = ["view_accessattempt", "delete_accessattempt"]


def _lockout_permissions(apps):
    axes = apps.get_app_config("axes")
    stateless = getattr(axes, "models_module", None) is None  # a migration's state apps
    if stateless:
        axes.models_module = True
    create_permissions(axes, verbosity=0)
    if stateless:
        axes.models_module = None
    return apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="axes", codename__in=LOCKOUT_CODENAMES)


def update_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="auth",
                                      content_type__model="group",
                                      codename__in=AUTH_GROUP_CODENAMES)
    for role in Group.objects.filter(name__in=["organizer", "head_referee", "referee"]):
        role.permissions.remove(*perms)
    organizer = Group.objects.filter(name="organizer").first()
    if organizer is not None:
        organizer.permissions.add(*_lockout_permissions(apps))


def restore_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    organizer = Group.objects.filter(name="organizer").first()
    if organizer is not None:
        organizer.permissions.add(*Permission.objects.filter(
            content_type__app_label="auth", content_type__model="group",
            codename__in=AUTH_GROUP_CODENAMES))
        organizer.permissions.remove(*Permission.objects.filter(
            content_type__app_label="axes", codename__in=LOCKOUT_CODENAMES))


class Migration(migrations.Migration):
    dependencies = [("league", "0005_clock"), ("axes", "0010_accessattemptexpiration")]
    operations = [migrations.RunPython(update_roles, restore_roles)]
