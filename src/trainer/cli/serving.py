"""The learner's full-screen UI: ``trainer run`` in this terminal, ``trainer serve`` in web
browsers (textual-serve starts one ``trainer run`` per browser tab).

This module is on the path of bare ``trainer``, so it imports only click at load time: the
UI's first screen is up before the course and the records are loaded behind it.
"""

from __future__ import annotations

import errno
import gc
import ipaddress
import os
import shlex
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from trainer.cli.common import UserError, db_options, print_diagnostics

if TYPE_CHECKING:
    from aiohttp import web
    from textual_serve.server import Server

    from trainer.content.diagnostics import Diagnostic
    from trainer.records.service import Records

# Set by textual-serve for the app it starts (pipes, not a terminal, and a web driver).
DRIVER_ENV = "TEXTUAL_DRIVER"


def interactive() -> bool:
    """Both ends are a terminal: a person is there to use the full-screen UI."""
    return sys.stdin.isatty() and sys.stdout.isatty()


class CourseErrors(Exception):
    """The course did not load; its diagnostics are printed once the UI has closed."""

    def __init__(self, root: Path, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"the course in {root} has errors: fix them, then try again")
        self.root = root
        self.diagnostics = diagnostics


def open_course_records(db: str | None, course_dir: Path | None) -> Records:
    """The records of ``db`` over the course in ``course_dir``, or errors to report. Runs
    in the UI's worker thread, so it prints nothing: see :func:`start_ui`."""
    from trainer.content.course import check_course
    from trainer.content.locate import default_course_root
    from trainer.records.log import EventLog
    from trainer.records.service import Records

    root = course_dir if course_dir is not None else default_course_root()
    result = check_course(root)
    if result.bundle is None:
        raise CourseErrors(root, list(result.errors))
    return Records(EventLog.open(db), result.bundle)


def start_ui(db: str | None, course_dir: Path | None) -> None:
    """Run the learner's UI until they quit; errors in opening the course or database end
    it and are reported here as for any command."""
    if not interactive() and DRIVER_ENV not in os.environ:
        raise UserError(
            "the learner's UI needs a terminal: run it in one, or use 'trainer take' for "
            "plain lines, or 'trainer serve' for a web browser"
        )
    # Start-up makes a great many objects that live on (modules, styles, then the course),
    # and the cycle collector would walk them over and over before the first screen is up.
    # It stays off until the records are open; then they are frozen out of its way.
    gc.disable()

    def open_records() -> Records:
        try:
            return open_course_records(db, course_dir)
        finally:
            gc.freeze()
            gc.enable()

    try:
        from trainer.tui.app import make_app

        app = make_app(open_records)
        app.run()
    finally:
        gc.enable()
    from trainer.records.db import RecordsError  # here: off the path to the first screen

    error = app.open_error
    if isinstance(error, CourseErrors):
        print_diagnostics(error.root, error.diagnostics)
        raise UserError(str(error))
    if isinstance(error, RecordsError):
        raise UserError(str(error))
    if error is not None:
        raise error
    if app.return_code:
        sys.exit(app.return_code)


@click.command()
@db_options
def run(db: str | None, course_dir: Path | None) -> None:
    """Start the learner's full-screen UI on a course and database (what bare 'trainer'
    does in a terminal, with the defaults)."""
    start_ui(db, course_dir)


# --- serve ------------------------------------------------------------------------------


def check_listen(host: str, port: int) -> None:
    """Fail now, in one line, if ``host:port`` cannot be listened on; the server binds
    again right after (with the same address reuse, so a port left in TIME_WAIT works)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise UserError(
            f"cannot serve on host {host!r}: no such address or name (try 127.0.0.1, or "
            "0.0.0.0 for every network)"
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise UserError(listen_error(host, port, exc)) from None


def listen_error(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is in use: stop what uses it, or choose another --port"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot serve on {host}: it is not an address of this machine"
    if exc.errno == errno.EACCES:
        return f"port {port} needs privileges this user lacks: choose one above 1023"
    return f"cannot serve on {host}:{port}: {exc.strerror or exc}"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def browser_url(host: str, port: int) -> str:
    """Where browsers find the server: a wildcard host is reached by this machine's name."""
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - naming the wildcard, not binding it
        host = socket.gethostname()
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    return f"http://{host}:{port}"


def session_command(course_root: Path) -> str:
    """The command textual-serve runs for each browser tab: this interpreter's ``trainer
    run`` (so any virtual environment works), on the course already checked. The database
    goes by ``TRAINER_DB`` in the environment, never on a command line that is printed."""
    return shlex.join(
        [sys.executable, "-m", "trainer", "run", "--course", str(course_root.resolve())]
    )


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="TCP port."
)
@click.option(
    "--public-url",
    default=None,
    metavar="URL",
    help="The address browsers use, when it is not http://HOST:PORT (behind a proxy).",
)
@db_options
def serve(
    host: str, port: int, public_url: str | None, db: str | None, course_dir: Path | None
) -> None:
    """Serve the learner's UI to web browsers: each tab runs its own 'trainer run' on the
    same course and database. No password of its own: keep it on 127.0.0.1, or behind a
    proxy that signs people in. Ctrl+C stops it."""
    from trainer.cli.common import open_records, records_errors
    from trainer.content.locate import default_course_root

    root = course_dir if course_dir is not None else default_course_root()
    with records_errors():  # the course and database are checked once, here, not per tab
        records = open_records(db, root)
    title = records.bundle.course.title
    records.log.close()
    check_listen(host, port)
    if db is not None:
        os.environ["TRAINER_DB"] = db  # inherited by every tab's 'trainer run'

    server = make_server(
        session_command(root), host, port, title, public_url or browser_url(host, port)
    )
    if not is_loopback(host):
        click.echo(
            f"trainer: note: {host} can be reached from other machines, and anyone who "
            "reaches it can act as any learner",
            err=True,
        )
    try:
        server.serve()
    except OSError as exc:  # lost the port between the check and the bind
        raise UserError(listen_error(host, port, exc)) from None


def make_server(command: str, host: str, port: int, title: str, url: str) -> Server:
    """textual-serve's server (aiohttp, imported only here), announcing itself in trainer's
    words rather than with its banner."""
    from textual_serve.server import Server

    class TrainerServer(Server):
        async def on_startup(self, app: web.Application) -> None:
            click.echo(f"trainer: serving {self.title} at {self.public_url} (Ctrl+C stops)")

    return TrainerServer(command, host=host, port=port, title=title, public_url=url)
