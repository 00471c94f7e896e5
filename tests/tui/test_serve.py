"""`trainer serve`: the learner's UI in a web browser through textual-serve. The real server
in a subprocess; its page and websocket read as a browser would, then in headless Chromium
(Debian's, installed by .ci/run); and the errors of a port in use or a bad host."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from click.testing import CliRunner

from trainer.cli import cli

TRAINER = str(Path(sys.executable).with_name("trainer"))
REPO = Path(__file__).resolve().parents[2]
TITLE = "Social Media and the Sworn Officer"
FIRST_SCREEN = "New here? Register"
WAIT_S = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Served:
    url: str
    env: dict[str, str]
    log: Path


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    port = free_port()
    env = {
        **os.environ,
        "TRAINER_HOME": str(tmp_path / "home"),
    }
    env.pop("TRAINER_DB", None)
    log = tmp_path / "serve.log"
    db = str(tmp_path / "records.db")
    with log.open("w") as out:
        server = subprocess.Popen(
            [TRAINER, "serve", "--port", str(port), "--db", db, "--course", str(REPO)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # the tabs' `trainer run` processes stop with it
        )
    try:
        deadline = time.monotonic() + WAIT_S
        while "trainer: serving" not in log.read_text():
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"trainer serve did not start:\n{log.read_text()}")
            time.sleep(0.05)
        yield Served(f"http://127.0.0.1:{port}", {**env, "TRAINER_DB": db}, log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_serve_announces_itself_and_serves_the_page(served: Served) -> None:
    assert f"trainer: serving {TITLE} at {served.url} (Ctrl+C stops)" in served.log.read_text()
    page = asyncio.run(fetch(served.url + "/"))
    assert TITLE in page
    assert f'data-session-websocket-url="ws://{served.url.removeprefix("http://")}/ws"' in page


async def fetch(url: str) -> str:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200
        return await response.text()


def test_a_browser_session_runs_trainer_on_the_served_course_and_db(served: Served) -> None:
    """Over the websocket as the page's script speaks it: the first screen arrives, and a
    learner registered in the tab is in the database `serve` was given."""
    screen = asyncio.run(register_over_websocket(served.url))
    assert FIRST_SCREEN in screen
    listed = subprocess.run(
        [TRAINER, "learners", "list"], capture_output=True, text=True, env=served.env, check=True
    ).stdout
    assert "Web Learner" in listed


async def register_over_websocket(url: str) -> str:
    ws_url = url.replace("http://", "ws://") + "/ws?width=100&height=30"
    seen = ""
    async with aiohttp.ClientSession() as http, http.ws_connect(ws_url) as ws:

        async def until(text: str) -> None:
            nonlocal seen
            deadline = time.monotonic() + WAIT_S
            while text not in seen:
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(f"{text!r} never arrived; got:\n{seen[-2000:]}")
                try:
                    message = await ws.receive(timeout=left)
                except TimeoutError:
                    continue
                if message.type == aiohttp.WSMsgType.BINARY:
                    seen += message.data.decode("utf-8", "replace")
                elif message.type != aiohttp.WSMsgType.TEXT:
                    pytest.fail(f"the websocket closed: {message}; got:\n{seen[-2000:]}")

        async def keys(text: str) -> None:
            await ws.send_json(["stdin", text])
            await asyncio.sleep(0.3)  # one burst of keys would be taken for a paste

        await until(FIRST_SCREEN)
        first_screen = seen
        await until("No learners yet")  # the records are open behind it
        await keys("Web Learner")
        await keys("\r")
        await keys("W-17")
        await keys("\r")
        await keys("\r")  # the agency is filled in: register
        await until("Press Enter to begin")
    return first_screen


def test_headless_chromium_shows_the_app(served: Served, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed (.ci/run installs Debian's 'chromium')")
    png, body_class = asyncio.run(browse(chromium, served.url + "/", tmp_path))
    # textual.js marks the page once the app's first bytes come over its websocket.
    assert "-first-byte" in body_class
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "browser.png").write_bytes(png)


async def browse(chromium: str, url: str, tmp_path: Path) -> tuple[bytes, str]:
    """Load ``url`` in headless Chromium over the DevTools protocol; wait for the app's
    first bytes; return a screenshot and the page body's classes."""
    profile = Path(tempfile.mkdtemp(dir=tmp_path))
    browser = subprocess.Popen(
        [
            chromium,
            "--headless",
            "--no-sandbox",  # as root in CI; the page is our own, on loopback
            "--disable-gpu",
            "--no-first-run",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "--window-size=1280,800",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + WAIT_S
        while not (port_file.exists() and "\n" in port_file.read_text()):
            if browser.poll() is not None or time.monotonic() > deadline:
                pytest.skip("Chromium is installed but does not start here")
            await asyncio.sleep(0.05)
        port = port_file.read_text().split()[0]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/json/list") as response:
                targets = await response.json()
            page = next(t for t in targets if t["type"] == "page")
            async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as cdp:
                calls = 0

                async def call(method: str, **params: Any) -> dict[str, Any]:
                    nonlocal calls
                    calls += 1
                    await cdp.send_json({"id": calls, "method": method, "params": params})
                    async for message in cdp:
                        data = json.loads(message.data)
                        if data.get("id") == calls:
                            result: dict[str, Any] = data["result"]
                            return result
                    raise AssertionError("the DevTools connection closed")

                await call("Page.navigate", url=url)
                body_class = ""
                while "-first-byte" not in body_class and time.monotonic() < deadline:
                    await asyncio.sleep(0.2)
                    found = await call(
                        "Runtime.evaluate",
                        expression="document.body ? document.body.className : ''",
                        returnByValue=True,
                    )
                    body_class = str(found["result"].get("value", ""))
                await asyncio.sleep(1)  # the first screen painted, for the picture
                shot = await call("Page.captureScreenshot", format="png")
                return base64.b64decode(shot["data"]), body_class
    finally:
        browser.kill()
        browser.wait()


# --- errors, in one line -----------------------------------------------------------------


def test_a_port_in_use_is_one_line_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port), "--course", str(REPO)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"trainer: error: port {port} on 127.0.0.1 is in use: stop what uses it, or choose "
        "another --port\n"
    )


def test_an_unknown_host_is_one_line_error() -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "no-such-host.invalid"])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "trainer: error: cannot serve on host 'no-such-host.invalid': no such address or name"
    )
    assert result.stderr.count("\n") == 1


def test_an_address_not_of_this_machine_is_one_line_error() -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "192.0.2.1"])  # TEST-NET-1
    assert result.exit_code == 1
    assert result.stderr == (
        "trainer: error: cannot serve on 192.0.2.1: it is not an address of this machine\n"
    )


def test_a_broken_course_fails_before_serving(tmp_path: Path) -> None:
    (tmp_path / "course").mkdir()
    (tmp_path / "course" / "course.yaml").write_text("id: [unclosed\n")
    result = CliRunner().invoke(cli, ["serve", "--course", str(tmp_path), "--port", "1"])
    assert result.exit_code == 1
    assert "course.yaml:" in result.stdout
    assert result.stderr.startswith("trainer: error: the course in ")
