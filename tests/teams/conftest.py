"""Fixtures of the teams' site: team accounts with a verified address, files by content, a
private storage in a temporary folder."""
from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from league.services import teamsite
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(size=(40, 30), color=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes(size=(40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (30, 30, 200)).save(out, format="JPEG")
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def team_account(email: str, *, verified: bool = True, password: str = "Team-pass-2026!"):
    user = get_user_model().objects.create_user(email.split("@")[0], email, password)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


IDENTITY = {"slug": "rookie-robotics", "name_en": "Rookie Robotics", "name_zh": "新秀机器人",
            "organization": "Rookie Robotics Ltd.", "registration_number": "91440300MA5F",
            "kind": "company", "country": "cn"}


def apply_new(season, user, **overrides):
    fields = {**IDENTITY, **overrides}
    proof = fields.pop("proof", None) or upload("proof.pdf", PDF)
    return teamsite.application_submit(season=season, actor=user, proof=proof, **fields)


@pytest.fixture(autouse=True)
def _english():
    """Sentences are compared in English; a page asked for in Chinese earlier in the same worker
    leaves its language active."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private")}}}
    settings.TEAM_UPLOAD_MAX_BYTES = 200_000
    return tmp_path / "private"


@pytest.fixture
def open_season(db):
    return factories.season_at("registration", slug="s2-hk", name="Season 2 Hong Kong", applicants=0)


@pytest.fixture
def ana(db):
    return team_account("ana@rookie.example")


@pytest.fixture
def applied(open_season, ana):
    """Ana's new team applied to the open season."""
    return apply_new(open_season, ana)
