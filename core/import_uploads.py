"""Uploaded import files kept on the server between preview and confirm.

The file waits under ``settings.VAR_DIR / "imports"`` (not in the session, not
in the web root) with a small JSON note of who uploaded it, for which import
and under which name. The confirm step takes it (once), so what is written is
exactly what was previewed; a background job reads ``upload_path(token)`` to
preview, and ``upload_claimed_read(token)`` after the confirm claimed it.
Uploads older than a day are removed when the next one is stored.
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
    user_id: int


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


def upload_claim(token: str, *, importer: str, user) -> Upload | None:
    """Take the upload out of the store, once: a double-clicked confirm finds nothing
    the second time. Its content waits at ``upload_claimed_path(token)`` for this
    request or a background job to read it (``upload_claimed_read``) and remove it.
    None unless ``user`` stored it for ``importer``."""
    if not TOKEN.match(token):
        return None
    note = upload_path(token).with_suffix(".json")
    try:
        data = json.loads(note.read_text())
    except FileNotFoundError:
        return None
    if data["importer"] != importer or data["user_id"] != user.pk:
        return None
    try:  # a rename is atomic: only one request gets the file
        upload_path(token).rename(upload_claimed_path(token))
    except FileNotFoundError:
        return None
    note.unlink(missing_ok=True)
    return Upload(token, data["filename"], importer, user.pk)


def upload_claimed_read(token: str) -> bytes:
    """The content of a claimed upload, removed from the disk."""
    content = upload_claimed_path(token).read_bytes()
    upload_claimed_path(token).unlink()
    return content


def upload_claimed_path(token: str) -> Path:
    return upload_path(token).with_suffix(".taken")


def upload_discard(token: str) -> None:
    for path in (upload_path(token), upload_path(token).with_suffix(".json")):
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
