"""Files the teams upload: proofs of registration (PDF, JPEG, PNG) and robot photos.

A file's type is read from its content (its first bytes, and for an image Pillow decoding it),
never from its name or the browser's Content-Type; anything else, or anything over
settings.TEAM_UPLOAD_MAX_BYTES, is refused with a sentence. Files are kept in the "private"
storage (settings.STORAGES), which has no public URL: league.views.teamsite serves them after a
permission check.
"""
from __future__ import annotations

import io
import uuid
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext as _

from .errors import RuleViolation

# The first bytes of each accepted type: (kind, extension, content type).
SIGNATURES = [
    (b"%PDF-", "pdf", "application/pdf"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
]
CONTENT_TYPES = {ext: ctype for _sig, ext, ctype in SIGNATURES}
PHOTO_MAX_SIDE = 1600  # px; a larger photo is scaled down (and stripped of its metadata)
MAX_PIXELS = 40_000_000  # a small file that decodes to a huge image (a "decompression bomb")


class PrivateStorage(LazyObject):
    """settings.STORAGES["private"], looked up when first used (tests point it elsewhere)."""

    def _setup(self):
        self._wrapped = storages["private"]


private_storage_instance = PrivateStorage()


def private_storage():
    """The storage of the teams' files (a callable, so migrations name it, not its folder)."""
    return private_storage_instance


def _reset(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage_instance._wrapped = empty


setting_changed.connect(_reset)


def _limit() -> int:
    return settings.TEAM_UPLOAD_MAX_BYTES


def limit_mb() -> str:
    """The size limit as people read it: "5", "0.2"."""
    return f"{_limit() / (1024 * 1024):.1f}".removesuffix(".0")


def _read(upload: File, what: str) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > _limit():
        raise RuleViolation(None, _("%(what)s is too large: at most %(mb)s MB.") % {
            "what": what, "mb": limit_mb()})
    upload.seek(0)
    data = upload.read(_limit() + 1)
    if len(data) > _limit():
        raise RuleViolation(None, _("%(what)s is too large: at most %(mb)s MB.") % {
            "what": what, "mb": limit_mb()})
    if not data:
        raise RuleViolation(None, _("%(what)s is empty.") % {"what": what})
    return data


def sniff(data: bytes) -> str | None:
    """The extension the content shows ("pdf", "jpg", "png"), or None."""
    return next((ext for sig, ext, _ctype in SIGNATURES if data.startswith(sig)), None)


def _decode_image(data: bytes, what: str):
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_PIXELS:  # read from the header, before decoding
            raise RuleViolation(None, _("%(what)s is too large: at most %(mb)s MB.") % {
                "what": what, "mb": limit_mb()})
        image.load()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise RuleViolation(None, _("%(what)s is not a readable image.") % {"what": what}) from exc
    return image


def checked_proof(upload: File) -> ContentFile:
    """A proof of registration: a PDF, JPEG or PNG by its content, within the size limit."""
    what = _("The proof of registration")
    data = _read(upload, what)
    ext = sniff(data)
    if ext is None:
        raise RuleViolation(None, _("The proof of registration must be a PDF, JPEG or PNG file; "
                                    "this file's content is none of them."))
    if ext != "pdf":
        _decode_image(data, what)
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{ext}")


def checked_photo(upload: File) -> ContentFile:
    """A robot's photo: a JPEG or PNG by its content, re-encoded (no metadata), at most
    PHOTO_MAX_SIDE pixels on its longer side."""
    from PIL import Image, ImageOps

    what = _("The photo")
    data = _read(upload, what)
    if sniff(data) not in ("jpg", "png"):
        raise RuleViolation(None, _("A photo must be a JPEG or PNG image; this file's content is "
                                    "not one."))
    image = ImageOps.exif_transpose(_decode_image(data, what))
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=85)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def content_type(name: str) -> str:
    return CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


@contextmanager
def stored(content: ContentFile | None, folder: str):
    """Save a checked file in the private storage for a write that is about to happen; yield its
    stored name (None without a file). If the write fails, the file is removed again: nothing
    half-saved."""
    if content is None:
        yield None
        return
    name = private_storage().save(folder + content.name, content)
    try:
        yield name
    except BaseException:
        private_storage().delete(name)
        raise


def delete_on_commit(name: str) -> None:
    """Remove a stored file once the transaction that dropped its row has committed."""
    from django.db import transaction

    transaction.on_commit(lambda: private_storage().delete(name))


# --- A protest's evidence (R18): videos as well as the documents and images above ----------------
# ISO base media brands: MP4 and its relatives; QuickTime's own brand is "qt  ".
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash",
               b"M4V ", b"MSNV", b"3gp4", b"3gp5"}
_QT_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
# Content type -> how people name it.
EVIDENCE_TYPES = {"video/mp4": "MP4", "video/quicktime": "MOV", "image/jpeg": "JPEG",
                  "image/png": "PNG", "application/pdf": "PDF"}
HEAD_BYTES = 16


def sniff_evidence(head: bytes) -> str | None:
    """The content type of a protest's evidence file that starts with ``head`` (its first 16
    bytes): a PDF, JPEG or PNG as sniff() knows them, or an MP4 or MOV video; else None."""
    ext = sniff(head)
    if ext is not None:
        return CONTENT_TYPES[ext]
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "video/quicktime"
        if brand in _MP4_BRANDS:
            return "video/mp4"
    if len(head) >= 8 and head[4:8] in _QT_ATOMS:  # an old QuickTime file without "ftyp"
        return "video/quicktime"
    return None


def sniff_evidence_file(upload) -> str | None:
    """sniff_evidence() on a file object, which is left where it was."""
    position = upload.tell()
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(position)
    return sniff_evidence(head)
