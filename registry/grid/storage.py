"""Where uploaded files live: a directory (REGISTRY_UPLOAD_DIR, by default `uploads/` in the instance folder),
behind three functions, so another store can take its place. Keys are random; a key never names a user's file."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import current_app


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


def delete(key: str) -> None:
    path_of(key).unlink(missing_ok=True)
