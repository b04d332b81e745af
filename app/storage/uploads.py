"""Files uploaded through the web app: allowed types, a size limit and safe names, checked before
anything is copied or ingested."""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ingest.loaders import SUPPORTED_SUFFIXES

MAX_NAME_CHARS = 120


class UploadRejected(ValueError):
    """The upload is refused; the message says why."""


@dataclass(frozen=True)
class AcceptedUpload:
    path: Path  # the copy inside the data dir
    name: str  # the safe original name, also the source key suffix
    folder: str = ""  # whose upload it is ("user-3", "user-3/client-7"; "": a shared one)

    @property
    def source(self) -> str:
        """The key the index stores it under: a new version of the same name replaces the old one,
        so each owner's uploads have keys of their own (one user's file never replaces another's)."""
        return f"upload://{self.folder}/{self.name}" if self.folder else f"upload://{self.name}"


def owner_folder(user_id: int, client_id: int | None = None) -> str:
    """The folder (and source key part) of a user's own uploads, or of their client's."""
    return f"user-{user_id}" + (f"/client-{client_id}" if client_id is not None else "")


def safe_name(original: str) -> str:
    """The file's own name without any folder part, control characters or shell-special
    characters; Chinese letters stay."""
    name = unicodedata.normalize("NFC", Path(original.replace("\\", "/")).name)
    name = re.sub(r"[\x00-\x1f\x7f]", "", name)
    name = re.sub(r"[<>:\"/\\|?*;$`&'!{}\[\]]", "_", name).strip(" .")
    stem, suffix = Path(name).stem, Path(name).suffix.lower()
    if not stem:
        raise UploadRejected(f"{original!r} has no usable file name")
    return stem[: MAX_NAME_CHARS - len(suffix)] + suffix


def check_upload_count(count: int, max_files: int) -> None:
    """One upload may hold at most ``max_files`` files; a larger batch is refused as a whole."""
    if count > max_files:
        raise UploadRejected(f"{count} files at once, over the limit of {max_files} (max_upload_files); "
                             f"upload at most {max_files} at a time")


def accept_upload(temp_path: Path, original_name: str, uploads_dir: Path, max_mb: int,
                  folder: str = "") -> AcceptedUpload:
    """``folder``: the owner's folder under ``uploads_dir`` (``owner_folder``); "" for shared uploads."""
    name = safe_name(original_name)
    suffix = Path(name).suffix
    if suffix not in SUPPORTED_SUFFIXES:
        raise UploadRejected(f"{name}: file type {suffix or '(none)'} is not allowed; allowed: "
                             f"{', '.join(SUPPORTED_SUFFIXES)}")
    size = temp_path.stat().st_size
    if size == 0:
        raise UploadRejected(f"{name}: the file is empty")
    if size > max_mb * 1024 * 1024:
        raise UploadRejected(f"{name}: {size / 1024 / 1024:.1f} MB is over the {max_mb} MB limit")
    folder_dir = uploads_dir / folder if folder else uploads_dir
    folder_dir.mkdir(parents=True, exist_ok=True)
    target = folder_dir / name
    if target.resolve().parent != folder_dir.resolve():  # safe_name allows no folders; make sure of it
        raise UploadRejected(f"{name}: the name points outside the upload folder")
    shutil.copyfile(temp_path, target)
    return AcceptedUpload(target, name, folder)
