"""Where uploaded files live: a directory (REGISTRY_UPLOAD_DIR, by default `uploads/` in the instance folder),
behind three functions, so another store can take its place. Keys are random; a key never names a user's file."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import current_app, send_file


def root() -> Path:
    return Path(current_app.config.get("REGISTRY_UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")


def save(data: bytes, *, folder: str, extension: str) -> str:
    """Store `data`; returns its key."""
    key = f"{folder}/{secrets.token_hex(16)}.{extension}"
    path = root() / key
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    temporary.write_bytes(data)
    os.replace(temporary, path)  # never a half-written file under its key
    return key


def path_of(key: str) -> Path:
    path = (root() / key).resolve()
    if root().resolve() not in path.parents:
        raise ValueError(f"not a storage key: {key!r}")
    return path


def send_private(key: str, content_type: str):
    """The stored file as a response that no shared cache may keep (the caller has checked the right to see it)."""
    response = send_file(path_of(key), mimetype=content_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def delete(key: str) -> None:
    path_of(key).unlink(missing_ok=True)
