"""Uploaded import files kept on the server between preview and confirm.

The file waits under ``settings.VAR_DIR / "imports"`` (not in the session, not
in the web root) with a small JSON note of who uploaded it, for which import
and under which name. The confirm step re-reads it, so what is written is
exactly what was previewed; a background job can take ``upload_path(token)``.
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

    @property
    def content(self) -> bytes:
        return upload_path(self.token).read_bytes()


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
    _expired_remove()
    upload = Upload(secrets.token_hex(16), filename, importer, user.pk)
    with open(upload_path(upload.token), "wb") as out:
        for chunk in chunks:
            out.write(chunk)
    upload_path(upload.token).with_suffix(".json").write_text(
        json.dumps({"filename": filename, "importer": importer, "user_id": user.pk})
    )
    return upload


def upload_find(token: str, *, importer: str, user) -> Upload | None:
    """The upload if it exists and was made by ``user`` for ``importer``."""
    if not TOKEN.match(token):
        return None
    note = upload_path(token).with_suffix(".json")
    if not note.exists() or not upload_path(token).exists():
        return None
    data = json.loads(note.read_text())
    if data["importer"] != importer or data["user_id"] != user.pk:
        return None
    return Upload(token, data["filename"], importer, user.pk)


def upload_discard(token: str) -> None:
    for path in (upload_path(token), upload_path(token).with_suffix(".json")):
        path.unlink(missing_ok=True)


def _expired_remove() -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in _folder().iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
