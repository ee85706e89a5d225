"""Smoke test of the frozen (PyInstaller) app: build it, then use it the ways people do.

    python packaging/smoke.py                # build into a temp folder (~1-2 min), then check
    python packaging/smoke.py --dist DIR     # check an existing build (DIR holds trace-inspector/)
    python packaging/smoke.py --keep         # keep the temp folder (screenshots, logs) to look at

Checks, each against the frozen executable (headless, with a private HOME and TMPDIR):

- ``resources``: the bundled pricing table and demo exist and match the checkout's.
- ``cli-help``: ``trace-inspector --help`` lists the subcommands.
- ``demo-summary``: ``summary <bundled demo> --json`` is the JSON the source checkout prints.
- ``gui-demo``: with no path, the window opens the bundled demo and saves a 1280x800 screenshot.
- ``gui-chart``: the latency chart (pyqtgraph) renders to a screenshot.
- ``gui-compare``: the diff window of two LLM spans renders to a screenshot.
- ``big-summary``: ``summary BIG.jsonl --json`` on a 50,000-span (~50 MB) file is read by spawned
  worker processes (which re-execute the frozen executable), gives the source run's JSON, and
  leaves nothing behind in TMPDIR.
- ``gui-big``: the window loads the big file (workers again, now from a Qt process).
- ``tail``: ``tail --json --since-start`` prints existing spans, then appended ones (watchdog),
  and ends with status 0 on SIGINT.

Exit status 0 when every check passes, 1 when one fails (each failure is printed with its
reason), 2 when the app cannot be built or found. Timings of the build and of each check are
printed. Linux/macOS (worker processes are counted through /proc where it exists).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import queue
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "packaging" / "trace-inspector.spec"
APP = "trace-inspector"
BIG_SPANS = 50_000
BIG_MIN_BYTES = 40_000_000  # above ingest.PARALLEL_MIN_BYTES: the file goes to worker processes
WINDOW_SIZE = (1280, 800)
BUILD_TIMEOUT_S = 1800
RUN_TIMEOUT_S = 300
# The frozen summary may take this many times the source run's time (at least the minimum)
# before it counts as hung: a frozen worker that starts the app instead of its work never ends.
FROZEN_SLOWDOWN = 20
FROZEN_MIN_TIMEOUT_S = 60
TAIL_TIMEOUT_S = 60
SCREENSHOT_TIMEOUT_S = 180  # the app gives up on its own after 120 s
# A blank 1280x800 PNG is ~5 KB and its pixel data has a handful of distinct byte values.
MIN_PNG_BYTES = 20_000
MIN_PNG_BYTE_VALUES = 64


class CheckFailed(Exception):
    """A check's reason for failing, shown to the user as is."""


@dataclass(slots=True)
class Frozen:
    """The built app and the private folders the checks run in."""

    exe: Path
    internal: Path  # sys._MEIPASS of the frozen app
    scratch: Path  # data and screenshots
    home: Path
    tmp: Path  # the app's TMPDIR
    big: Path | None = None
    notes: dict[str, str] = field(default_factory=dict)

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of every run: no user settings, pricing or temp files leak in."""
        env = {k: v for k, v in os.environ.items() if k != "TRACE_INSPECTOR_PRICING"}
        env.update(
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_CACHE_HOME=str(self.home / ".cache"),
            TMPDIR=str(self.tmp),
            QT_QPA_PLATFORM="offscreen",
        )
        env.update(extra)
        return env


@dataclass(slots=True)
class Ran:
    """A finished process: exit code, output, and the spawned workers seen while it ran."""

    code: int
    out: str
    err: str
    workers: set[int] | None  # None: not observable on this system
    seconds: float


# running things --------------------------------------------------------------------------------


def run(cmd: Sequence[str | Path], env: dict[str, str], timeout: float = RUN_TIMEOUT_S) -> Ran:
    """Run to completion, watching for spawned multiprocessing workers among its descendants."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [str(c) for c in cmd], stdout=out, stderr=err, env=env, cwd=REPO, start_new_session=True
        )
        workers: set[int] | None = set() if Path("/proc/self/stat").exists() else None
        started = time.monotonic()
        deadline = started + timeout
        while proc.poll() is None:
            if time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)  # its workers too: same process group
                proc.wait()
                seen = "" if not workers else f" ({len(workers)} spawned workers were seen)"
                raise CheckFailed(
                    f"timed out after {timeout:.0f} s{seen}: {' '.join(map(str, cmd))}"
                )
            if workers is not None:
                workers |= _workers_of(proc.pid)
            time.sleep(0.05)  # polling a child process, not waiting for a result
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        text, errors = (f.read().decode(errors="replace") for f in (out, err))
        return Ran(proc.returncode, text, errors, workers, seconds)


def _workers_of(pid: int) -> set[int]:
    """Descendants of ``pid`` that are multiprocessing children (frozen or not)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = list(children.get(pid, []))
    while todo:
        child = todo.pop()
        todo.extend(children.get(child, []))
        try:
            argv = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        # Pool workers; not the resource tracker, which runs "-c from multiprocessing...".
        if b"--multiprocessing-fork" in argv:
            found.add(child)
    return found


def parse_json(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise CheckFailed(f"{what} printed no valid JSON ({exc}): {text[:500]!r}") from None


def expect_ok(ran: Ran, what: str) -> None:
    if ran.code != 0 or "Traceback" in ran.err:
        raise CheckFailed(f"{what} exited with {ran.code}; stderr:\n{ran.err.strip()[-3000:]}")


def source(*args: str | Path) -> list[str | Path]:
    """The same command run from the checkout (not frozen)."""
    return [sys.executable, "-m", "inspector", *args]


# building --------------------------------------------------------------------------------------


def build(into: Path) -> Path:
    """Build the one-folder app under ``into``; returns the dist folder."""
    if importlib.util.find_spec("PyInstaller") is None:
        raise SystemExit("smoke: PyInstaller is not installed: python -m pip install pyinstaller")
    dist, work = into / "dist", into / "work"
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN"]
    cmd += ["--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    log = into / "build.log"
    with log.open("wb") as handle:
        try:
            done = subprocess.run(
                cmd,
                stdout=handle,
                stderr=subprocess.STDOUT,
                cwd=REPO,
                timeout=BUILD_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise SystemExit(
                f"smoke: the build took over {BUILD_TIMEOUT_S} s (log: {log})"
            ) from None
    if done.returncode != 0:
        tail = log.read_text(errors="replace")[-4000:]
        raise SystemExit(f"smoke: the build failed ({done.returncode}):\n{tail}\n(log: {log})")
    shutil.rmtree(work, ignore_errors=True)  # ~100 MB of intermediate files
    return dist


def locate(dist: Path) -> tuple[Path, Path]:
    """The executable and its ``_MEIPASS`` folder in ``dist`` (a distpath or the app folder)."""
    for folder in (dist / APP, dist):
        exe = folder / (APP + (".exe" if os.name == "nt" else ""))
        if exe.is_file():
            internal = folder / "_internal"
            return exe, internal if internal.is_dir() else folder
    raise SystemExit(f"smoke: no {APP} executable in {dist} or {dist / APP}")


def size_mb(folder: Path) -> float:
    return (
        sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6
    )


# checks ----------------------------------------------------------------------------------------


def check_resources(app: Frozen) -> str:
    for name in ("pricing.json", "demo/demo.jsonl"):
        bundled, checkout = app.internal / "resources" / name, REPO / "resources" / name
        if not bundled.is_file():
            raise CheckFailed(f"{name} is not in the bundle (looked for {bundled})")
        if bundled.read_bytes() != checkout.read_bytes():
            raise CheckFailed(f"the bundled {name} differs from the checkout's: rebuild the app")
    return "pricing.json and demo/demo.jsonl bundled, same as the checkout's"


def check_help(app: Frozen) -> str:
    ran = run([app.exe, "--help"], app.env())
    expect_ok(ran, "--help")
    missing = [c for c in ("summary", "diff", "tail") if c not in ran.out]
    if missing:
        raise CheckFailed(f"--help does not list {missing}:\n{ran.out}")
    return "lists summary, diff, tail"


def summaries(app: Frozen, path: Path, what: str) -> tuple[dict[str, Any], Ran, Ran]:
    """The frozen app's ``summary --json`` of ``path``, checked against the source run's;
    also both runs."""
    mine = run(source("summary", path, "--json"), app.env())
    expect_ok(mine, f"source summary of {path.name}")
    limit = max(FROZEN_MIN_TIMEOUT_S, FROZEN_SLOWDOWN * mine.seconds)
    try:
        frozen = run([app.exe, "summary", path, "--json"], app.env(), timeout=limit)
    except CheckFailed as exc:
        raise CheckFailed(
            f"{exc}\nThe source run took {mine.seconds:.1f} s. A frozen app hangs like this when "
            "its spawned workers start the app again instead of their work: "
            "multiprocessing.freeze_support() must run first in inspector/__main__.py."
        ) from None
    expect_ok(frozen, f"frozen summary of {path.name}")
    got, want = parse_json(frozen.out, "frozen summary"), parse_json(mine.out, "source summary")
    if got != want:
        keys = sorted(k for k in want if got.get(k) != want[k])
        raise CheckFailed(f"{what}: frozen JSON differs from the source run's in {keys}")
    if not got["spans"]:
        raise CheckFailed(f"{what}: no spans read: {got['problems'][:3]}")
    if got["llm_calls"] and got["cost_usd"] is None:
        raise CheckFailed(f"{what}: no cost (pricing.json not found?)")
    return got, frozen, mine


def check_demo_summary(app: Frozen) -> str:
    got, frozen, mine = summaries(app, app.internal / "resources" / "demo" / "demo.jsonl", "demo")
    return (
        f"{got['spans']} spans, {got['traces']} runs, {got['llm_calls']} LLM calls, "
        f"${got['cost_usd']:.4f}: same JSON as the source run "
        f"(frozen {frozen.seconds:.1f} s, source {mine.seconds:.1f} s)"
    )


def png_info(path: Path, size: tuple[int, int] | None) -> str:
    """Check that ``path`` is a PNG (of ``size`` if given) with something drawn on it."""
    if not path.is_file():
        raise CheckFailed(f"no screenshot was written to {path}")
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise CheckFailed(f"{path} is not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    if size is not None and (width, height) != size:
        raise CheckFailed(f"{path} is {width}x{height}, expected {size[0]}x{size[1]}")
    pixels, pos = b"", 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IDAT":
            pixels += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    values = len(set(zlib.decompress(pixels)))
    if len(data) < MIN_PNG_BYTES or values < MIN_PNG_BYTE_VALUES:
        raise CheckFailed(f"{path} ({width}x{height}, {len(data)} bytes) looks blank")
    return f"{width}x{height} PNG, {len(data) // 1000} KB"


def screenshot(app: Frozen, name: str, args: Sequence[str | Path]) -> tuple[Path, Ran]:
    out = app.scratch / f"{name}.png"
    ran = run([app.exe, *args, "--screenshot", out], app.env(), timeout=SCREENSHOT_TIMEOUT_S)
    expect_ok(ran, f"the {name} screenshot")
    return out, ran


def check_gui_demo(app: Frozen) -> str:
    out, _ = screenshot(app, "gui-demo", [])  # no path: the bundled demo
    return f"{png_info(out, WINDOW_SIZE)} -> {out}"


def check_gui_chart(app: Frozen) -> str:
    out, _ = screenshot(app, "gui-chart", ["--view", "latency"])
    return f"{png_info(out, None)} -> {out}"


def llm_span_ids(path: Path, count: int) -> list[str]:
    """Ids of the first ``count`` LLM spans of an OTLP JSON-lines file."""
    found: list[str] = []
    for line in path.read_text().splitlines():
        for resource in json.loads(line)["resourceSpans"]:
            for scope in resource["scopeSpans"]:
                for span in scope["spans"]:
                    attrs = {a["key"]: a["value"] for a in span.get("attributes", [])}
                    kind = attrs.get("openinference.span.kind", {}).get("stringValue")
                    if kind == "LLM" or "gen_ai.request.model" in attrs:
                        found.append(span["spanId"])
                        if len(found) == count:
                            return found
    raise CheckFailed(f"fewer than {count} LLM spans in {path}")


def check_gui_compare(app: Frozen) -> str:
    demo = app.internal / "resources" / "demo" / "demo.jsonl"
    first, second = llm_span_ids(demo, 2)
    out, _ = screenshot(app, "gui-compare", [demo, "--compare", first, second])
    return f"{png_info(out, WINDOW_SIZE)} of {first} vs {second} -> {out}"


def big_file(app: Frozen) -> Path:
    """The large trace, generated once per smoke run."""
    if app.big is None:
        path = app.scratch / "BIG.jsonl"
        started = time.perf_counter()
        gen: list[str | Path] = [sys.executable, "-m", "tests.benchmarks.gen_otlp"]
        gen += ["--spans", str(BIG_SPANS), path]
        expect_ok(run(gen, app.env()), "tests.benchmarks.gen_otlp")
        size = path.stat().st_size
        if size < BIG_MIN_BYTES:
            raise CheckFailed(f"{path} is {size / 1e6:.1f} MB, below {BIG_MIN_BYTES / 1e6:.0f} MB")
        took = time.perf_counter() - started
        app.notes["big file"] = f"{BIG_SPANS:,} spans, {size / 1e6:.1f} MB, made in {took:.1f} s"
        app.big = path
    return app.big


def expect_workers(ran: Ran, what: str) -> str:
    if ran.workers is None:
        return "worker processes not observable here (no /proc)"
    if not ran.workers:
        raise CheckFailed(f"{what}: no spawned worker process was seen (the file was read inline)")
    return f"{len(ran.workers)} spawned workers"


def check_big_summary(app: Frozen) -> str:
    big = big_file(app)
    got, frozen, mine = summaries(app, big, "big file")
    if got["spans"] != BIG_SPANS:
        raise CheckFailed(f"big file: {got['spans']} spans read, {BIG_SPANS} written")
    workers = expect_workers(frozen, "big summary")
    left = sorted(p.name for p in app.tmp.iterdir())
    if left:
        raise CheckFailed(f"big summary left files in TMPDIR: {left[:10]}")
    return (
        f"{got['spans']:,} spans, {got['traces']:,} runs, {workers}, same JSON as the source run "
        f"(frozen {frozen.seconds:.1f} s, source {mine.seconds:.1f} s)"
    )


def check_gui_big(app: Frozen) -> str:
    out, ran = screenshot(app, "gui-big", [big_file(app)])
    workers = expect_workers(ran, "big window load")
    return f"{png_info(out, WINDOW_SIZE)}, {workers}, {ran.seconds:.1f} s -> {out}"


def check_tail(app: Frozen) -> str:
    demo = (app.internal / "resources" / "demo" / "demo.jsonl").read_text().splitlines(True)
    first, more = demo[:10], demo[10:20]
    live = app.scratch / "live" / "trace.jsonl"
    live.parent.mkdir(exist_ok=True)
    live.write_text("".join(first))
    cmd = [str(app.exe), "tail", "--json", "--since-start", str(live)]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=app.env(), cwd=REPO
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    printed: list[str] = []

    def wait_for(total: int, after: str) -> None:
        deadline = time.monotonic() + TAIL_TIMEOUT_S
        while len(printed) < total:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                raise CheckFailed(f"tail printed {len(printed)} of {total} spans {after}")
            printed.append(parse_json(line, "tail")["span_id"])

    try:
        wait_for(_span_count(first), "already in the file")
        with live.open("a") as handle:  # the follower has read the file: this is new
            handle.write("".join(more))
        wait_for(_span_count(first + more), "after more were appended")
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=TAIL_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = proc.stderr.read() if proc.stderr else ""
    if code != 0 or "Traceback" in err:
        raise CheckFailed(f"tail ended with {code} after SIGINT; stderr:\n{err.strip()[-3000:]}")
    expected = _span_ids(first + more)
    if sorted(printed) != sorted(expected):
        raise CheckFailed(f"tail printed spans {sorted(set(printed) ^ set(expected))[:5]} wrongly")
    return f"{len(_span_ids(first))} + {len(_span_ids(more))} appended spans printed, exit 0"


def _span_ids(lines: list[str]) -> list[str]:
    return [
        span["spanId"]
        for line in lines
        for resource in json.loads(line)["resourceSpans"]
        for scope in resource["scopeSpans"]
        for span in scope["spans"]
    ]


def _span_count(lines: list[str]) -> int:
    return len(_span_ids(lines))


CHECKS: list[tuple[str, Callable[[Frozen], str]]] = [
    ("resources", check_resources),
    ("cli-help", check_help),
    ("demo-summary", check_demo_summary),
    ("gui-demo", check_gui_demo),
    ("gui-chart", check_gui_chart),
    ("gui-compare", check_gui_compare),
    ("big-summary", check_big_summary),
    ("gui-big", check_gui_big),
    ("tail", check_tail),
]


# main ------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--dist", type=Path, help="check this existing build instead of building")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder and print it")
    parser.add_argument(
        "--only", action="append", choices=[name for name, _ in CHECKS], help="run only this check"
    )
    args = parser.parse_args(argv)
    scratch = Path(tempfile.mkdtemp(prefix="ti-smoke-"))
    try:
        return _smoke(args, scratch)
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def _smoke(args: argparse.Namespace, scratch: Path) -> int:
    if args.dist is None:
        print(f"building {SPEC.relative_to(REPO)} into {scratch} ...", flush=True)
        started = time.perf_counter()
        dist = build(scratch)
        print(f"{'build':<14}{time.perf_counter() - started:7.1f} s  ok", flush=True)
    else:
        dist = args.dist.resolve()
    exe, internal = locate(dist)
    print(f"app: {exe} ({size_mb(exe.parent):.0f} MB)", flush=True)
    app = Frozen(exe, internal, scratch / "data", scratch / "home", scratch / "tmp")
    for folder in (app.scratch, app.home, app.tmp):
        folder.mkdir(parents=True, exist_ok=True)
    failed: list[tuple[str, str]] = []
    total = time.perf_counter()
    for name, check in CHECKS:
        if args.only and name not in args.only:
            continue
        started = time.perf_counter()
        try:
            detail, status = check(app), "ok"
        except CheckFailed as exc:
            detail, status = str(exc), "FAILED"
            failed.append((name, detail))
        took = time.perf_counter() - started
        print(f"{name:<14}{took:7.1f} s  {status:<6} {detail.splitlines()[0]}", flush=True)
    for note, text in app.notes.items():
        print(f"({note}: {text})")
    print(f"checks took {time.perf_counter() - total:.1f} s")
    for name, detail in failed:
        print(f"\nFAILED {name}: {detail}", file=sys.stderr)
    if failed:
        print(f"\nsmoke: {len(failed)} check(s) failed", file=sys.stderr)
        return 1
    print("smoke: all checks passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
