"""Atomic, versioned releases of the public tree.

Layout of ``public_dir`` (everything the web server sees goes through ONE symlink, ``current``)::

    public/
      .lock                               fcntl lock file: one publisher at a time
      .releases/
        r000041-20240501T023000Z/         complete, immutable release trees:
          manifest.json                     every file with path, sha256, bytes
          v1/alerts/...                     the published files
        r000042-20240501T023100Z/
        .tmp-r000043-20240501T023200Z/    being built; never served; removed by the next publish
      current -> .releases/r000042-20240501T023100Z     the live release
      v1 -> current/v1                                  stable entry points, one per top-level
      manifest.json -> current/manifest.json            name of the release

Clients and ``publish.serve`` read ``public/v1/...`` and ``public/manifest.json``; those resolve
through ``current``, so a single ``os.replace`` of the ``current`` symlink switches the whole served
tree, manifest included, at once. The entry-point links never change once created (new top-level
names get a link just before the switch; links whose name left the release are removed after it).

``publish`` builds the next release in ``.releases/.tmp-<id>/``: files under the caller's
``owned_prefixes`` come from ``files`` (bytes, or the Path of a finished file the caller keeps until
``publish`` returns: a city-wide dataset is streamed, never held in memory; owned files missing from
``files`` are dropped), every other
file of the live release is carried over. A file whose bytes are unchanged is hard-linked from the
live release (same inode, so the same mtime: HTTP ETag/Last-Modified stay put); only changed files
are written. Files and directories are fsynced, the optional ``validate(tree, written)`` hook runs
(``written``: the paths this release writes; carried-over files were checked when written), the temp dir
is renamed to its final name, and only then is ``current`` switched. A publisher killed at any
point before the switch leaves the previous release live; its temp dir is cleaned up by the next
publish. When nothing changed no release is made. The newest ``keep_versions`` releases are kept
(the live one always), older ones are pruned.

Files in ``.releases`` are shared between releases through hard links: never modify them in place.
"""
from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterator, Mapping, Sequence

__all__ = ["ReleaseWriter", "ReleaseResult", "ReleaseError", "MANIFEST_NAME"]

MANIFEST_NAME = "manifest.json"
RELEASES_DIR = ".releases"
CURRENT_LINK = "current"
LOCK_NAME = ".lock"
TMP_PREFIX = ".tmp-"
CURRENT_TMP_PREFIX = ".current.tmp-"
RESERVED_TOP_LEVEL = frozenset({MANIFEST_NAME, CURRENT_LINK})

_BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")
_VERSION_RE = re.compile(r"^r(\d{6,})-[0-9A-Za-z]+$")


class ReleaseError(RuntimeError):
    """The public tree is in a state the writer will not touch (or cannot read)."""


@dataclass(frozen=True)
class ReleaseResult:
    version_id: str                 # the live release after the call
    changed: bool                   # False: nothing changed, no release was made
    written: list[str] = field(default_factory=list)     # paths whose bytes are new or changed
    unchanged: int = 0              # files hard-linked from the previous release
    removed: list[str] = field(default_factory=list)     # owned paths that disappeared
    previous_version_id: str | None = None


@dataclass(frozen=True)
class _Planned:
    sha256: str
    size: int
    data: bytes | Path | None       # None: hard-link from the previous release; a Path: copy that file


# --------------------------------------------------------------------------------------------------
# small filesystem helpers (module level so tests can slow them down)

def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes | Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        os.fchmod(fd, 0o644)           # world-readable whatever the umask: it is served
        if isinstance(data, Path):     # a big file (a city-wide dataset) is copied, never held in memory
            with open(data, "rb") as src:
                while chunk := src.read(_CHUNK):
                    view = memoryview(chunk)
                    while view:
                        view = view[os.write(fd, view):]
        else:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def _link_file(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        shutil.copy2(src, dst)         # no hard links here: copy, keeping the mtime


_CHUNK = 1 << 20


def content_digest(data: bytes | Path) -> tuple[int, str]:
    """Size and sha256 of a file's content (bytes, or a file read in chunks), as the manifest lists them."""
    if isinstance(data, Path):
        stat = data.stat()
        return stat.st_size, _file_sha256(str(data), stat.st_size, stat.st_mtime_ns)
    return len(data), hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=256)
def _file_sha256(path: str, size: int, mtime_ns: int) -> str:
    """A file's sha256, once per version of the file (size and modification time): a city-scale dataset
    file is listed by its datapackage, the catalog and the manifest, and published twice (latest and
    snapshot), and would otherwise be read whole for each."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()



def _check_rel_path(path: str, what: str = "path") -> str:
    if not isinstance(path, str):
        raise TypeError(f"{what} must be str, got {type(path).__name__}")
    parts = path.split("/")
    if (not path or path.startswith("/") or "\\" in path or "\x00" in path
            or any(part in ("", ".", "..") or part.startswith(".") for part in parts)):
        raise ValueError(f"invalid {what} {path!r}: need a clean relative POSIX path without "
                         "empty, '.', '..' or hidden components")
    if parts[0] in RESERVED_TOP_LEVEL:
        raise ValueError(f"invalid {what} {path!r}: {parts[0]!r} is reserved by the release writer")
    return path


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


# --------------------------------------------------------------------------------------------------

class ReleaseWriter:
    def __init__(self, public_dir: Path | str, keep_versions: int = 5):
        if keep_versions < 1:
            raise ValueError("keep_versions must be at least 1")
        self.public_dir = Path(public_dir)
        self.keep_versions = keep_versions

    # ---- paths ------------------------------------------------------------------------------------
    @property
    def releases_dir(self) -> Path:
        return self.public_dir / RELEASES_DIR

    @property
    def current_link(self) -> Path:
        return self.public_dir / CURRENT_LINK

    # ---- reading the live release -----------------------------------------------------------------
    def live_version_id(self) -> str | None:
        """Id of the release ``current`` points at, None before the first publish."""
        link = self.current_link
        if not os.path.lexists(link):
            return None
        if not link.is_symlink():
            raise ReleaseError(f"{link} is not a symlink; this tree was not made by ReleaseWriter")
        target = os.readlink(link)
        version_id = Path(target).name
        if Path(target).parent != Path(RELEASES_DIR) or not _VERSION_RE.match(version_id):
            raise ReleaseError(f"{link} points at {target!r}, not at a release")
        if not (self.releases_dir / version_id / MANIFEST_NAME).is_file():
            raise ReleaseError(f"{link} points at {target!r}, which is missing or incomplete")
        return version_id

    def live_dir(self) -> Path | None:
        version_id = self.live_version_id()
        return None if version_id is None else self.releases_dir / version_id

    def read_manifest(self, version_id: str | None = None) -> dict | None:
        """The manifest of a release (the live one by default), None if there is none."""
        version_id = version_id or self.live_version_id()
        if version_id is None:
            return None
        with open(self.releases_dir / version_id / MANIFEST_NAME, "rb") as fh:
            return json.load(fh)

    def current_files(self) -> dict[str, str]:
        """Relative path -> sha256 of every file in the live release ({} if none)."""
        manifest = self.read_manifest()
        if manifest is None:
            return {}
        return {entry["path"]: entry["sha256"] for entry in manifest["files"]}

    def versions(self) -> list[str]:
        """Complete release ids on disk, oldest first (by sequence number)."""
        if not self.releases_dir.is_dir():
            return []
        found = [p.name for p in self.releases_dir.iterdir() if _VERSION_RE.match(p.name) and p.is_dir()]
        return sorted(found, key=lambda name: int(_VERSION_RE.match(name).group(1)))

    # ---- publishing -------------------------------------------------------------------------------
    def publish(
        self,
        files: Mapping[str, bytes | Path],
        owned_prefixes: Sequence[str],
        *,
        generated_at: datetime,
        validate: Callable[[Path, list[str]], None] | None = None,
    ) -> ReleaseResult:
        if not isinstance(generated_at, datetime) or generated_at.utcoffset() is None:
            raise ValueError("generated_at must be a timezone-aware datetime")
        if isinstance(owned_prefixes, str):
            raise TypeError("owned_prefixes must be a sequence of prefixes, not a string")
        prefixes = sorted({_check_rel_path(p.rstrip("/") if isinstance(p, str) else p, "owned prefix")
                           for p in owned_prefixes})
        new_files: dict[str, bytes | Path] = {}
        for path, data in files.items():
            _check_rel_path(path)
            if not any(_under(path, prefix) for prefix in prefixes):
                raise ValueError(f"{path!r} is not under any owned prefix {prefixes}")
            if isinstance(data, Path):
                if not data.is_file():
                    raise ValueError(f"{path!r}: {data} is not a file")
                new_files[path] = data
                continue
            if not isinstance(data, (bytes, bytearray, memoryview)):
                raise TypeError(f"{path!r}: expected bytes or a Path, got {type(data).__name__}")
            new_files[path] = bytes(data)

        self.public_dir.mkdir(parents=True, exist_ok=True)
        with self._locked():
            self._clean_leftovers()
            live_id = self.live_version_id()
            previous = {e["path"]: e for e in self.read_manifest(live_id)["files"]} if live_id else {}

            plan: dict[str, _Planned] = {}
            written: list[str] = []
            removed: list[str] = []
            for path, entry in previous.items():
                if any(_under(path, prefix) for prefix in prefixes):
                    if path not in new_files:
                        removed.append(path)
                else:
                    plan[path] = _Planned(entry["sha256"], entry["bytes"], None)
            for path, data in new_files.items():
                size, sha = content_digest(data)
                old = previous.get(path)
                if old is not None and old["sha256"] == sha and old["bytes"] == size:
                    plan[path] = _Planned(sha, size, None)
                else:
                    plan[path] = _Planned(sha, size, data)
                    written.append(path)
            unchanged = sum(1 for p in plan.values() if p.data is None)
            written.sort()
            removed.sort()

            if live_id is not None and not written and not removed:
                return ReleaseResult(live_id, False, [], unchanged, [], live_id)

            self._check_layout(plan)
            version_id = self._next_version_id(generated_at)
            final = self.releases_dir / version_id
            tmp = self.releases_dir / (TMP_PREFIX + version_id)
            self.releases_dir.mkdir(exist_ok=True)
            tmp.mkdir()
            try:
                self._build(tmp, plan, self.releases_dir / live_id if live_id else None,
                            version_id, generated_at)
                if validate is not None:
                    validate(tmp, written)
                os.rename(tmp, final)
                _fsync_dir(self.releases_dir)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise

            top_level = {path.split("/", 1)[0] for path in plan} | {MANIFEST_NAME}
            self._ensure_entry_links(top_level)
            self._switch(version_id)                       # <- the one step that changes what is served
            self._remove_stale_entry_links()
            self._prune(version_id)
            return ReleaseResult(version_id, True, written, unchanged, removed, live_id)

    # ---- internals --------------------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        fd = os.open(self.public_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)                                   # closing releases the lock

    def _clean_leftovers(self) -> None:
        """Temp trees and temp links of publishers that died (we hold the lock: nobody is building)."""
        if self.releases_dir.is_dir():
            for entry in self.releases_dir.iterdir():
                if entry.name.startswith(TMP_PREFIX):
                    shutil.rmtree(entry, ignore_errors=True)
        for entry in self.public_dir.iterdir():
            if entry.name.startswith(CURRENT_TMP_PREFIX) and entry.is_symlink():
                entry.unlink()

    def _next_version_id(self, generated_at: datetime) -> str:
        seqs = [int(_VERSION_RE.match(v).group(1)) for v in self.versions()]
        stamp = generated_at.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        return f"r{max(seqs, default=0) + 1:06d}-{stamp}"

    def _check_layout(self, plan: Mapping[str, _Planned]) -> None:
        for path in plan:
            parts = path.split("/")
            for i in range(1, len(parts)):
                if "/".join(parts[:i]) in plan:
                    raise ValueError(f"{'/'.join(parts[:i])!r} would be both a file and a directory")
        for name in {path.split("/", 1)[0] for path in plan} | {MANIFEST_NAME}:
            entry = self.public_dir / name
            if os.path.lexists(entry) and not (entry.is_symlink() and os.readlink(entry) == f"{CURRENT_LINK}/{name}"):
                raise ReleaseError(f"{entry} exists and is not a link into the release tree; move it away")

    def _build(self, root: Path, plan: Mapping[str, _Planned], previous_dir: Path | None,
               version_id: str, generated_at: datetime) -> None:
        made_dirs: set[Path] = {root}
        for path in sorted(plan):
            item = plan[path]
            dest = root / path
            parent = dest.parent
            if parent not in made_dirs:
                parent.mkdir(parents=True, exist_ok=True)
                p = parent
                while p not in made_dirs:
                    made_dirs.add(p)
                    p = p.parent
            if item.data is None:
                src = previous_dir / path
                try:
                    if src.stat().st_size != item.size:
                        raise ReleaseError(f"{src} does not match the live manifest (size differs)")
                except FileNotFoundError:
                    raise ReleaseError(f"{src} is listed in the live manifest but missing") from None
                _link_file(src, dest)
            else:
                _write_file(dest, item.data)
        manifest = {
            "version_id": version_id,
            "generated_at": generated_at.astimezone(_BANGKOK).isoformat(timespec="seconds"),
            "file_count": len(plan),
            "files": [{"path": p, "sha256": plan[p].sha256, "bytes": plan[p].size} for p in sorted(plan)],
        }
        body = json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        _write_file(root / MANIFEST_NAME, body.encode("utf-8"))
        for d in sorted(made_dirs, key=lambda d: len(d.parts), reverse=True):   # deepest first
            _fsync_dir(d)

    def _ensure_entry_links(self, names: set[str]) -> None:
        for name in sorted(names):
            entry = self.public_dir / name
            if not os.path.lexists(entry):
                tmp = self.public_dir / f"{CURRENT_TMP_PREFIX}{os.getpid()}-{name}"
                if os.path.lexists(tmp):
                    tmp.unlink()
                os.symlink(f"{CURRENT_LINK}/{name}", tmp)
                os.replace(tmp, entry)

    def _switch(self, version_id: str) -> None:
        tmp = self.public_dir / f"{CURRENT_TMP_PREFIX}{os.getpid()}"
        if os.path.lexists(tmp):
            tmp.unlink()
        os.symlink(f"{RELEASES_DIR}/{version_id}", tmp)
        os.replace(tmp, self.current_link)
        _fsync_dir(self.public_dir)

    def _remove_stale_entry_links(self) -> None:
        live = self.current_link
        for entry in self.public_dir.iterdir():
            if (entry.is_symlink() and os.readlink(entry) == f"{CURRENT_LINK}/{entry.name}"
                    and not os.path.lexists(live / entry.name)):
                entry.unlink()

    def _prune(self, live_id: str) -> None:
        versions = self.versions()
        keep = set(versions[-self.keep_versions:]) | {live_id}
        for version_id in versions:
            if version_id not in keep:
                shutil.rmtree(self.releases_dir / version_id, ignore_errors=True)
