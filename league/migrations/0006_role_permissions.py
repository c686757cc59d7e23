"""The organizer role holds no permission on Django's groups (auth.Group).

Migration 0002 gave the roles permissions by codename across the league and auth apps, and the
league's own model "group" (a group of the group stage) shares its codenames with auth.Group:
so the organizer got auth.add/change/delete/view_group, enough to add any permission to their
own group. Only a superuser edits groups and permissions (league/admin/users.py); organizers
manage people inside the league roles (league/services/people.py).
"""
from django.db import migrations

AUTH_GROUP_CODENAMES = ["add_group", "change_group", "delete_group", "view_group"]


def revoke_group_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="auth",
                                      content_type__model="group",
                                      codename__in=AUTH_GROUP_CODENAMES)
    for role in Group.objects.filter(name__in=["organizer", "head_referee", "referee"]):
        role.permissions.remove(*perms)


def restore_group_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    organizer = Group.objects.filter(name="organizer").first()
    if organizer is not None:
        organizer.permissions.add(*Permission.objects.filter(
            content_type__app_label="auth", content_type__model="group",
            codename__in=AUTH_GROUP_CODENAMES))


class Migration(migrations.Migration):
    dependencies = [("league", "0005_clock")]
    operations = [migrations.RunPython(revoke_group_permissions, restore_group_permissions)]
