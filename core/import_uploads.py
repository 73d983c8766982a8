"""Uploaded import files kept on the server between preview and confirm.

The file waits under ``settings.VAR_DIR / "imports"`` (not in the session, not
in the web root) with a small JSON note of who uploaded it, for which import
and under which name. The confirm step takes it (once), so what is written is
exactly what was previewed; a background job reads ``upload_path(token)`` to
preview, and ``upload_claimed_read(token)`` after the confirm claimed it.
Uploads older than a day are removed when the next one is stored.

An upload whose preview found that a second user must confirm it (a large credit
file, ``core.importing``) is handed over (``upload_hand_over``): from then on
only another user may confirm it, never the one who uploaded it, and it is
listed for them (``uploads_handed_over``).
"""

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

KEEP_SECONDS = 24 * 3600
TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Upload:
    token: str
    filename: str
    importer: str
    user_id: int  # who uploaded it
    second_person: bool = False  # handed over: another user confirms it
    stored_at: float = 0.0


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def upload_path(token: str) -> Path:
    if not TOKEN.match(token):
        raise ValueError("not an upload token")
    return _folder() / f"{token}.bin"


def upload_store(chunks, *, filename: str, importer: str, user) -> Upload:
    """Write the uploaded chunks to disk; returns the upload with its new token."""
    uploads_prune()
    upload = Upload(secrets.token_hex(16), filename, importer, user.pk)
    with open(upload_path(upload.token), "wb") as out:
        for chunk in chunks:
            out.write(chunk)
    upload_path(upload.token).with_suffix(".json").write_text(
        json.dumps({"filename": filename, "importer": importer, "user_id": user.pk})
    )
    return upload


def _note(token: str) -> Path:
    return upload_path(token).with_suffix(".json")


def _upload(token: str) -> Upload | None:
    try:
        note = _note(token)
        data = json.loads(note.read_text())
        stored_at = note.stat().st_mtime
    except (FileNotFoundError, ValueError):
        return None
    return Upload(
        token,
        data["filename"],
        data["importer"],
        data["user_id"],
        data.get("second_person", False),
        stored_at,
    )


def upload_confirmable(token: str, *, importer: str, user) -> Upload | None:
    """The upload ``user`` may confirm for ``importer``: their own, unless it was
    handed over to a second user, then anyone's but their own; else None."""
    upload = _upload(token) if TOKEN.match(token) else None
    if upload is None or upload.importer != importer:
        return None
    if (upload.user_id == user.pk) == upload.second_person:
        return None
    return upload


def upload_hand_over(token: str) -> None:
    """Only another user than the uploader may confirm this upload from now on."""
    note = _note(token)
    note.write_text(json.dumps(json.loads(note.read_text()) | {"second_person": True}))


def uploads_handed_over(*, importer: str, user) -> list[Upload]:
    """The uploads for ``importer`` waiting for ``user`` as their second user, oldest first."""
    uploads = (_upload(path.stem) for path in _folder().glob("*.json"))
    waiting = [
        upload
        for upload in uploads
        if upload is not None
        and upload_path(upload.token).exists()
        and upload_confirmable(upload.token, importer=importer, user=user)
    ]
    return sorted(waiting, key=lambda upload: upload.stored_at)


def upload_claim(token: str, *, importer: str, user) -> Upload | None:
    """Take the upload out of the store, once: a double-clicked confirm finds nothing
    the second time. Its content waits at ``upload_claimed_path(token)`` for this
    request or a background job to read it (``upload_claimed_read``) and remove it.
    None unless ``user`` may confirm it (``upload_confirmable``)."""
    upload = upload_confirmable(token, importer=importer, user=user)
    if upload is None:
        return None
    try:  # a rename is atomic: only one request gets the file
        upload_path(token).rename(upload_claimed_path(token))
    except FileNotFoundError:
        return None
    _note(token).unlink(missing_ok=True)
    return upload


def uploads_waiting(user) -> list[Upload]:
    """The uploads ``user`` previewed and has neither confirmed nor dropped (home page)."""
    cutoff = time.time() - KEEP_SECONDS
    waiting = []
    for note in sorted(_folder().glob("*.json")):
        try:
            data = json.loads(note.read_text())
            fresh = note.stat().st_mtime >= cutoff and note.with_suffix(".bin").exists()
        except FileNotFoundError:  # claimed or removed meanwhile
            continue
        if fresh and data["user_id"] == user.pk:
            waiting.append(Upload(note.stem, data["filename"], data["importer"], user.pk))
    return waiting


def upload_read(token: str, *, importer: str, user) -> tuple[Upload, bytes] | None:
    """A stored file and its content, left in the store (a report's errors workbook
    may be downloaded again); None unless ``user`` stored it for ``importer``."""
    if not TOKEN.match(token):
        return None
    try:
        data = json.loads(upload_path(token).with_suffix(".json").read_text())
        content = upload_path(token).read_bytes()
    except FileNotFoundError:
        return None
    if data["importer"] != importer or data["user_id"] != user.pk:
        return None
    return Upload(token, data["filename"], importer, user.pk), content


def upload_claimed_read(token: str) -> bytes:
    """The content of a claimed upload, removed from the disk."""
    content = upload_claimed_path(token).read_bytes()
    upload_claimed_path(token).unlink()
    return content


def upload_claimed_path(token: str) -> Path:
    return upload_path(token).with_suffix(".taken")


def upload_discard(token: str) -> None:
    for path in (upload_path(token), _note(token)):
        path.unlink(missing_ok=True)


def uploads_prune(keep_seconds: int = KEEP_SECONDS) -> None:
    """Remove the uploads older than ``keep_seconds`` (each store does so for a day)."""
    cutoff = time.time() - keep_seconds
    for path in _folder().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:  # another request removed it first
            continue
