"""publish.release: atomic, hard-linked, versioned releases of the public tree."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from publish.feeds import BANGKOK
from publish.release import ReleaseError, ReleaseWriter

REPO = Path(__file__).resolve().parents[1]
T0 = datetime(2024, 5, 1, 9, 30, tzinfo=BANGKOK)
ALERTS = "v1/alerts"
OUTAGES = "v1/outages"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def served_tree(public: Path) -> dict[str, bytes]:
    """What a client sees: every file reachable through the stable entry links."""
    out: dict[str, bytes] = {}
    for entry in sorted(public.iterdir()):
        if entry.name.startswith(".") or entry.name == "current":
            continue
        if entry.is_file():
            out[entry.name] = entry.read_bytes()
        elif entry.is_dir():
            for dirpath, _dirs, files in os.walk(entry, followlinks=True):
                for name in files:
                    path = Path(dirpath) / name
                    out[path.relative_to(public).as_posix()] = path.read_bytes()
    return out


def alert_files(n: int = 3, tag: str = "") -> dict[str, bytes]:
    files = {f"{ALERTS}/district/{1000 + i}.rss": f"<rss>{i}{tag} น้ำท่วม</rss>".encode() for i in range(1, n + 1)}
    files[f"{ALERTS}/all.json"] = json.dumps({"tag": tag, "n": n}).encode()
    return files


@pytest.fixture
def public(tmp_path) -> Path:
    return tmp_path / "public"


def test_first_publish_layout_and_manifest(public):
    writer = ReleaseWriter(public)
    assert writer.current_files() == {} and writer.live_version_id() is None
    files = alert_files()
    res = writer.publish(files, [ALERTS], generated_at=T0)
    assert res.changed and res.written == sorted(files) and res.unchanged == 0 and res.removed == []
    assert res.previous_version_id is None

    assert os.readlink(public / "current") == f".releases/{res.version_id}"
    assert os.readlink(public / "v1") == "current/v1"
    assert os.readlink(public / "manifest.json") == "current/manifest.json"
    assert (public / ".releases" / res.version_id / "v1/alerts/district/1001.rss").is_file()
    assert served_tree(public) == {**files, "manifest.json": (public / "manifest.json").read_bytes()}

    manifest_bytes = (public / "manifest.json").read_bytes()
    manifest = json.loads(manifest_bytes)
    assert manifest["version_id"] == res.version_id
    assert manifest["generated_at"] == "2024-05-01T09:30:00+07:00"
    assert manifest["file_count"] == len(files)
    assert manifest["files"] == [{"path": p, "sha256": sha(files[p]), "bytes": len(files[p])} for p in sorted(files)]
    assert manifest_bytes == (json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()
    for entry in manifest["files"]:                      # the manifest describes the bytes on disk
        on_disk = (public / entry["path"]).read_bytes()
        assert sha(on_disk) == entry["sha256"] and len(on_disk) == entry["bytes"]
    assert writer.current_files() == {p: sha(b) for p, b in files.items()}


def test_unchanged_file_keeps_inode_and_mtime_changed_file_is_rewritten(public):
    writer = ReleaseWriter(public)
    files = alert_files()
    first = writer.publish(files, [ALERTS], generated_at=T0)
    keep, change = f"{ALERTS}/district/1001.rss", f"{ALERTS}/district/1002.rss"
    st_keep, st_change = (public / keep).stat(), (public / change).stat()
    time.sleep(0.02)

    files2 = dict(files)
    files2[change] = "<rss>เปลี่ยน</rss>".encode()
    second = writer.publish(files2, [ALERTS], generated_at=T0 + timedelta(minutes=1))
    assert second.changed and second.version_id != first.version_id
    assert second.previous_version_id == first.version_id
    assert second.written == [change] and second.unchanged == len(files) - 1 and second.removed == []

    st_keep2 = (public / keep).stat()
    assert (st_keep2.st_ino, st_keep2.st_mtime_ns, st_keep2.st_dev) == (st_keep.st_ino, st_keep.st_mtime_ns, st_keep.st_dev)
    assert st_keep2.st_nlink == 2                        # shared by both releases
    assert (public / change).read_bytes() == files2[change]
    assert (public / change).stat().st_ino != st_change.st_ino
    # the old release is untouched (rollback material)
    assert (public / ".releases" / first.version_id / change).read_bytes() == files[change]
    assert writer.current_files()[change] == sha(files2[change])


def test_no_change_makes_no_release(public):
    writer = ReleaseWriter(public)
    first = writer.publish(alert_files(), [ALERTS], generated_at=T0)
    manifest = (public / "manifest.json").read_bytes()
    again = writer.publish(alert_files(), [ALERTS], generated_at=T0 + timedelta(hours=1))
    assert not again.changed and again.version_id == first.version_id
    assert again.written == [] and again.removed == [] and again.unchanged == len(alert_files())
    assert writer.versions() == [first.version_id]
    assert (public / "manifest.json").read_bytes() == manifest       # generated_at not bumped


def test_owned_prefixes_replace_and_carry_over(public):
    writer = ReleaseWriter(public)
    writer.publish(alert_files(3), [ALERTS], generated_at=T0)
    outages = {f"{OUTAGES}/all.json": b'{"outages": []}', "v1/alerts-archive/2024.json": b"[]"}
    res = writer.publish(outages, [OUTAGES, "v1/alerts-archive/"], generated_at=T0 + timedelta(minutes=1))
    assert res.written == sorted(outages) and res.unchanged == 4      # the alert files were carried over
    assert set(writer.current_files()) == set(alert_files(3)) | set(outages)

    # the alerts publisher now has fewer districts: its missing files go, "v1/alerts-archive" is not
    # under "v1/alerts" (component-wise prefix), outages stay
    res = writer.publish(alert_files(1), [ALERTS], generated_at=T0 + timedelta(minutes=2))
    assert res.removed == [f"{ALERTS}/district/1002.rss", f"{ALERTS}/district/1003.rss"]
    assert res.written == [f"{ALERTS}/all.json"]                      # its "n" changed
    assert set(writer.current_files()) == set(alert_files(1)) | set(outages)
    assert not (public / ALERTS / "district/1002.rss").exists()


def test_stale_top_level_links_go_away(public):
    writer = ReleaseWriter(public)
    writer.publish({"v1/a.json": b"1", "v2/b.json": b"2"}, ["v1", "v2"], generated_at=T0)
    assert os.readlink(public / "v2") == "current/v2"
    writer.publish({}, ["v2"], generated_at=T0 + timedelta(minutes=1))
    assert not os.path.lexists(public / "v2")
    assert (public / "v1/a.json").read_bytes() == b"1"


def test_validation_failure_keeps_last_good_release_live(public):
    writer = ReleaseWriter(public)
    good = writer.publish(alert_files(), [ALERTS], generated_at=T0)
    before = served_tree(public)
    seen: list[Path] = []

    def validate(tree: Path, written: list[str]) -> None:
        seen.append(tree)
        assert f"{ALERTS}/all.json" in written                    # the hook is told what this release writes
        manifest = json.loads((tree / "manifest.json").read_bytes())
        assert (tree / f"{ALERTS}/all.json").read_bytes() == b"broken"
        raise RuntimeError(f"feed check failed for {manifest['version_id']}")

    bad = alert_files()
    bad[f"{ALERTS}/all.json"] = b"broken"
    with pytest.raises(RuntimeError, match="feed check failed"):
        writer.publish(bad, [ALERTS], generated_at=T0 + timedelta(minutes=1), validate=validate)
    assert len(seen) == 1 and not seen[0].exists()                   # candidate tree discarded
    assert writer.live_version_id() == good.version_id
    assert writer.versions() == [good.version_id]
    assert served_tree(public) == before
    assert [p.name for p in (public / ".releases").iterdir()] == [good.version_id]

    ok = writer.publish(bad, [ALERTS], generated_at=T0 + timedelta(minutes=2), validate=lambda tree, written: None)
    assert ok.changed and writer.live_version_id() == ok.version_id


def test_pruning_keeps_newest_versions_and_the_live_one(public):
    writer = ReleaseWriter(public, keep_versions=3)
    ids = []
    for i in range(6):
        ids.append(writer.publish(alert_files(2, tag=str(i)), [ALERTS], generated_at=T0 + timedelta(minutes=i)).version_id)
    assert ids == sorted(ids) and len(set(ids)) == 6
    assert writer.versions() == ids[-3:]
    assert writer.live_version_id() == ids[-1]
    assert sorted(p.name for p in (public / ".releases").iterdir()) == ids[-3:]
    # after a manual rollback, the next publish builds on the release that is live, not the newest
    os.remove(public / "current")
    os.symlink(f".releases/{ids[3]}", public / "current")
    assert writer.current_files()[f"{ALERTS}/all.json"] == sha(alert_files(2, tag="3")[f"{ALERTS}/all.json"])
    res = writer.publish({f"{OUTAGES}/all.json": b"[]"}, [OUTAGES], generated_at=T0 + timedelta(minutes=9))
    assert res.previous_version_id == ids[3] and res.version_id > ids[-1]
    assert writer.current_files() == {**{p: sha(b) for p, b in alert_files(2, tag="3").items()},
                                      f"{OUTAGES}/all.json": sha(b"[]")}
    assert writer.versions() == [ids[-2], ids[-1], res.version_id]


def test_bad_input_is_rejected_before_touching_the_tree(public):
    writer = ReleaseWriter(public)
    writer.publish(alert_files(), [ALERTS], generated_at=T0)
    snapshot = served_tree(public)
    cases = [
        ({f"{OUTAGES}/x.json": b"1"}, [ALERTS]),             # not under an owned prefix
        ({"../escape.json": b"1"}, [".."]),
        ({"/abs.json": b"1"}, ["/abs.json"]),
        ({"manifest.json": b"{}"}, ["manifest.json"]),
        ({"current/x": b"1"}, ["current"]),
        ({"v1/.hidden": b"1"}, ["v1"]),
        ({"v1//x": b"1"}, ["v1"]),
    ]
    for files, prefixes in cases:
        with pytest.raises(ValueError):
            writer.publish(files, prefixes, generated_at=T0 + timedelta(minutes=1))
    with pytest.raises(TypeError):
        writer.publish({f"{ALERTS}/x.json": "text, not bytes"}, [ALERTS], generated_at=T0)
    with pytest.raises(ValueError):
        writer.publish({f"{ALERTS}/x.json": b"1"}, [ALERTS], generated_at=datetime(2024, 5, 1))
    with pytest.raises(ValueError, match="file and a directory"):
        writer.publish({f"{ALERTS}/all.json/x": b"1"}, [f"{ALERTS}/all.json/x"], generated_at=T0)
    assert served_tree(public) == snapshot


def test_refuses_to_shadow_a_real_directory(tmp_path):
    public = tmp_path / "public"
    (public / "v1").mkdir(parents=True)
    (public / "v1" / "legacy.json").write_bytes(b"{}")
    with pytest.raises(ReleaseError, match="not a link"):
        ReleaseWriter(public).publish(alert_files(), [ALERTS], generated_at=T0)
    assert (public / "v1" / "legacy.json").read_bytes() == b"{}"
    assert not os.path.lexists(public / "current")


def test_concurrent_publishers_are_serialised(public):
    errors: list[BaseException] = []

    def run(prefix: str) -> None:
        writer = ReleaseWriter(public, keep_versions=50)
        try:
            for i in range(8):
                writer.publish({f"{prefix}/feed.json": f"{prefix} {i}".encode(),
                                f"{prefix}/static.json": b"same"},
                               [prefix], generated_at=T0 + timedelta(seconds=i))
        except BaseException as exc:   # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in (ALERTS, OUTAGES, "v1/transit")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    writer = ReleaseWriter(public)
    files = writer.current_files()
    for prefix in (ALERTS, OUTAGES, "v1/transit"):        # nobody lost anybody else's files
        assert files[f"{prefix}/feed.json"] == sha(f"{prefix} 7".encode())
    assert len(writer.versions()) == 24                    # every publish made exactly one release
    seqs = [int(v[1:7]) for v in writer.versions()]
    assert seqs == list(range(1, 25))


# --------------------------------------------------------------------------------------------------
# a publisher SIGKILLed half-way must never be served

KILLED_PUBLISHER = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime, timedelta, timezone
    from pathlib import Path
    import publish.release as release

    public, marker, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    real_write = release._write_file
    count = 0

    def slow_write(path, data):
        global count
        real_write(path, data)
        count += 1
        if mode == "write" and count == 2:      # two files of the new release are on disk
            marker.write_text(str(path))
            time.sleep(60)

    def slow_validate(tree, written):
        marker.write_text(str(tree))
        time.sleep(60)

    release._write_file = slow_write
    files = {f"v1/alerts/district/{1000 + i}.rss": f"NEW {i}".encode() for i in range(1, 6)}
    files["v1/alerts/new-only.json"] = b"new"
    release.ReleaseWriter(public).publish(
        files, ["v1/alerts"], generated_at=datetime(2024, 5, 2, tzinfo=timezone.utc),
        validate=slow_validate if mode == "validate" else None)
    """
)


@pytest.mark.parametrize("mode", ["write", "validate"])
def test_sigkill_mid_publish_leaves_previous_release_live(public, tmp_path, mode):
    writer = ReleaseWriter(public)
    good = writer.publish(alert_files(5), [ALERTS], generated_at=T0)
    writer.publish({f"{OUTAGES}/all.json": b"[]"}, [OUTAGES], generated_at=T0 + timedelta(minutes=1))
    live_id = writer.live_version_id()
    assert live_id != good.version_id
    before = served_tree(public)

    marker = tmp_path / "marker"
    script = tmp_path / "killed_publisher.py"
    script.write_text(KILLED_PUBLISHER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, str(script), str(public), str(marker), mode], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not marker.exists():
            if proc.poll() is not None:
                pytest.fail(f"publisher exited early: {proc.communicate()}")
            if time.monotonic() > deadline:
                pytest.fail("publisher never reached the kill point")
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    # the half-built release exists on disk, but it is not what is served
    leftovers = [p.name for p in (public / ".releases").iterdir() if p.name.startswith(".tmp-")]
    assert len(leftovers) == 1
    assert writer.live_version_id() == live_id
    assert served_tree(public) == before
    manifest = json.loads((public / "manifest.json").read_bytes())
    assert manifest["version_id"] == live_id
    assert {p: sha(b) for p, b in before.items() if p != "manifest.json"} == {
        e["path"]: e["sha256"] for e in manifest["files"]}

    # the next publish (the lock died with the process) cleans up and goes on
    res = writer.publish(alert_files(5, tag="after"), [ALERTS], generated_at=T0 + timedelta(minutes=5))
    assert res.changed and res.previous_version_id == live_id
    assert not [p for p in (public / ".releases").iterdir() if p.name.startswith(".tmp-")]
    assert set(writer.current_files()) == set(alert_files(5)) | {f"{OUTAGES}/all.json"}


def test_a_file_given_by_path_is_streamed_in_and_kept_when_unchanged(public, tmp_path):
    """A city-wide dataset is handed over as the Path of the file DuckDB wrote, never as bytes."""
    big = tmp_path / "complaints.csv"
    big.write_bytes(b"complaint_id\n" + b"".join(b"c%07d\n" % i for i in range(300_000)))   # 2.7 MB, > 1 chunk
    writer = ReleaseWriter(public)
    first = writer.publish({"v1/datasets/complaints.csv": big}, ["v1/datasets"], generated_at=T0)
    served = public / "v1/datasets/complaints.csv"
    assert served.read_bytes() == big.read_bytes()
    assert writer.current_files() == {"v1/datasets/complaints.csv": sha(big.read_bytes())}
    inode = served.stat().st_ino
    big.unlink()                                          # the caller's work folder goes away after publish
    again = tmp_path / "again.csv"
    again.write_bytes(served.read_bytes())
    second = writer.publish({"v1/datasets/complaints.csv": again}, ["v1/datasets"], generated_at=T0)
    assert not second.changed and second.version_id == first.version_id and served.stat().st_ino == inode
    with pytest.raises(ValueError, match="is not a file"):
        writer.publish({"v1/datasets/x.csv": tmp_path / "missing.csv"}, ["v1/datasets"], generated_at=T0)


@pytest.mark.parametrize("name, body", [
    ("v1/alerts/all.rss", b"<rss><channel>"), ("v1/alerts/all.json", b"{not json"),
    ("v1/alerts/all.json", b'{"version": "https://jsonfeed.org/version/1", "items": []}'),
    ("v1/alerts/all.geojson", b'{"type": "Feature"}'), ("v1/events/all.ics", b"BEGIN:VEVENT\r\nEND:VEVENT\r\n"),
    ("v1/alerts/gtfs-rt/alerts.pb", b"\xff\xff\xff"), ("v1/datasets/x/x.csv", b",\n1,2\n"),
    ("v1/datasets/x/x.parquet", b"PAR1 not really"), ("v1/index.html", b"<p><script>alert(1)</script>"),
    ("v1/alerts/unknown.bin", b"?"),
])
def test_the_release_gate_refuses_a_broken_file_of_each_format(tmp_path, name, body):
    from publish.validate import validate_feeds
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_bytes(body)
    with pytest.raises(ValueError, match="invalid files"):
        validate_feeds(tmp_path, [name])
    validate_feeds(tmp_path, [])                  # carried-over files are not checked again


def test_the_release_gate_passes_what_the_writers_make(tmp_path):
    from publish.validate import validate_feeds
    files = {**alert_files(), "v1/alerts/all.geojson": b'{"type": "FeatureCollection", "features": []}'}
    for name, body in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(body)
    validate_feeds(tmp_path, sorted(files))
    validate_feeds(tmp_path)
