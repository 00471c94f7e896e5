"""How long does bare ``trainer`` take to show its first screen, ready for input?

Cold start, each run a fresh process on its own pseudo-terminal of 80x24 (the real Linux
driver, as in a person's terminal), timed from spawn until the first screen is on the
terminal: its text read back from the terminal's output. Then the app is stopped.

- baseline: this interpreter running a minimal Textual app that shows one Static;
- trainer: the venv's ``trainer`` console script, bare, on the shipped course, with a
  database (in a temporary TRAINER_HOME) holding 50 registered learners. Its first screen
  is sign-in: up and taking keys when "New here? Register" is drawn. Behind it the
  records open and the learner list fills in; the time until the first learner's name is
  drawn is shown too. No one has signed in on this TRAINER_HOME, so the registration
  form is added right after the first frame too, as on a recruit's first-ever run.

Runs alternate (baseline, trainer, then trainer, baseline, ...) so machine noise hits both
alike. One warm-up run of each is not counted; it also compiles the bytecode, into a cache
of this run's own (with PYTHONDONTWRITEBYTECODE set, as in some shells, every run would
otherwise time compiling). Prints best and median of each, and ``ratio: X`` = trainer's
median / the baseline's median (target X <= 1.3); the ratio of the bests beside it.

    uv run python benchmarks/tui_startup.py [--rounds N] [--check]

With ``--check`` the script exits 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

TARGET = 1.3
TIMEOUT_S = 20.0
SIZE = (24, 80)  # rows, columns
LEARNERS = 50
FIRST_LEARNER = "Aaron Abbott"  # sorts first of the names below

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Static

class Minimal(App[None]):
    def compose(self):
        yield Static("Minimal app ready")

Minimal().run()
"""


def time_to_text(command: list[str], env: dict[str, str], marks: list[bytes]) -> list[float]:
    """Start ``command`` on a new pseudo-terminal; seconds from spawn until each of
    ``marks`` has appeared (in order) in what it draws. Kills it afterwards."""
    master, slave = pty.openpty()
    rows, columns = SIZE
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen = b""
    times: list[float] = []
    try:
        while len(times) < len(marks):
            left = TIMEOUT_S - (time.perf_counter() - start)
            ready, _, _ = select.select([master], [], [], max(left, 0))
            if not ready:
                raise TimeoutError(f"{command[0]}: {marks[len(times)]!r} not drawn in time")
            try:
                seen += os.read(master, 1 << 16)
            except OSError:  # the program ended (EIO on Linux)
                text = seen.decode(errors="replace")
                raise RuntimeError(f"{command[0]} ended early:\n{text}") from None
            now = time.perf_counter()
            while len(times) < len(marks) and marks[len(times)] in seen:
                times.append(now - start)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        os.close(master)
    return times


def prepare(home: Path) -> None:
    """A database with LEARNERS learners in ``home``, as a department's would have."""
    os.environ["TRAINER_HOME"] = str(home)
    from trainer.content.course import check_course
    from trainer.content.locate import shipped_course_root
    from trainer.records.log import EventLog
    from trainer.records.service import Records

    bundle = check_course(shipped_course_root()).bundle
    assert bundle is not None
    first = ["Aaron", "Blake", "Casey", "Dana", "Emery", "Finley", "Gray", "Harper", "Indy"]
    last = ["Abbott", "Brooks", "Chen", "Diaz", "Evans", "Flores"]
    with EventLog.open(None) as log:
        records = Records(log, bundle)
        for n in range(LEARNERS):
            name = f"{first[n % len(first)]} {last[n // len(first) % len(last)]}"
            records.register(name, f"B{1000 + n}", "Riverton Police Department")


def summary(label: str, times: list[float]) -> str:
    return (
        f"{label:<34} best {min(times) * 1000:6.0f} ms   "
        f"median {statistics.median(times) * 1000:6.0f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="timed runs of each (9)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args()

    trainer = Path(sys.executable).with_name("trainer")
    if not trainer.exists():
        print(f"no trainer script beside {sys.executable}: run with 'uv run python'")
        return 1
    with tempfile.TemporaryDirectory(prefix="trainer-bench-") as tmp:
        home = Path(tmp) / "home"
        prepare(home)
        env = {**os.environ, "TRAINER_HOME": str(home), "TERM": "xterm-256color"}
        env.pop("TRAINER_DB", None)
        # Bytecode as an installed program has it, whatever this shell says: compiled once
        # by the warm-up runs into a cache of this run's own, so the tree is left as it is.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        baseline_run = ([sys.executable, "-c", MINIMAL_APP], env, [b"Minimal app ready"])
        # cwd stays where it is; the benchmark is run from the repository, whose course is
        # the shipped one.
        trainer_run = ([str(trainer)], env, [b"New here? Register", FIRST_LEARNER.encode()])

        time_to_text(*baseline_run)  # warm-up: caches, bytecode
        time_to_text(*trainer_run)
        baseline: list[float] = []
        first_screen: list[float] = []
        listed: list[float] = []
        for n in range(args.rounds):
            for which in (0, 1) if n % 2 == 0 else (1, 0):
                if which == 0:
                    baseline += time_to_text(*baseline_run)
                else:
                    screen, names = time_to_text(*trainer_run)
                    first_screen.append(screen)
                    listed.append(names)

    ratio = statistics.median(first_screen) / statistics.median(baseline)
    best_ratio = min(first_screen) / min(baseline)
    print(f"cold start to the first screen, {args.rounds} runs each, 80x24 pseudo-terminal")
    print(summary("minimal Textual app (one Static):", baseline))
    print(summary("trainer, sign-in screen:", first_screen))
    print(summary(f"trainer, {LEARNERS} learners listed:", listed))
    print(f"ratio: {ratio:.2f}   (best to best: {best_ratio:.2f})")
    met = ratio <= TARGET
    print(f"target: ratio <= {TARGET}: " + ("met" if met else "MISSED"))
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
