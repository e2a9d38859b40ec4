"""A real Streamlit server and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lib.config import SERVER_ENVIRONMENT
from tests.conftest import ROOT

# Assertions wait for the app as long as a busy two-core machine may need for a page run (Playwright's
# own default is 5 s); a run that does not finish in time still fails.
expect.set_options(timeout=30_000)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _chromium() -> Path:
    """Debian's Chromium (``make test`` installs it first)."""
    if not CHROMIUM.exists():
        pytest.fail(
            "Chromium is not installed: run 'make test' (as root it installs it) or 'sudo apt-get install -y chromium'."
        )
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def secrets_toml() -> str | None:
    """The secrets the server starts with (none: the single-user laptop run); a test may override it."""
    return None


@pytest.fixture
def server_folder(request, tmp_path) -> Path:
    """The server's workspace folder: the test's own (``tmp_path/workspace``), empty or with the ``with_sample``
    mark holding the sample register already (a copy of one imported once); the shared one with ``shared_app``."""
    if request.node.get_closest_marker("shared_app"):
        return request.getfixturevalue("shared_server")[1]
    if request.node.get_closest_marker("with_sample"):
        return request.getfixturevalue("sample_workspace")
    return tmp_path / "workspace"


@pytest.fixture
def server(request, server_folder, secrets_toml) -> Iterator[str]:
    """The app on a free localhost port with a workspace of its own, or the shared one (``shared_app``)."""
    if request.node.get_closest_marker("shared_app"):
        yield request.getfixturevalue("shared_server")[0]
        return
    with running_app(server_folder, secrets_toml) as url:
        yield url


@pytest.fixture(scope="session")
def shared_server(tmp_path_factory, sample_folder) -> Iterator[tuple[str, Path]]:
    """One app per test process for the tests that only read or add to the sample register (each in a window
    of its own, each judging only what it did): the server's start and its first page runs are paid once.
    Its URL and folder."""
    folder = tmp_path_factory.mktemp("shared") / "workspace"
    shutil.copytree(sample_folder, folder)
    with running_app(folder, None) as url:
        yield url, folder


@contextmanager
def running_app(folder: Path, secrets_toml: str | None) -> Iterator[str]:
    """Streamlit serving the app over ``folder`` until the block ends (its output in ``server.log`` beside it)."""
    port = _free_port()
    env = {**os.environ, **SERVER_ENVIRONMENT, "LADDER_WORKSPACE": str(folder)}
    env.pop("LADDER_READ_IN_PROCESS", None)  # the server reads uploads in its reader process, under the budget
    if secrets_toml is not None:  # Streamlit also reads ~/.streamlit/secrets.toml: a home of the test's own
        home = folder.parent / "home"
        (home / ".streamlit").mkdir(parents=True)
        (home / ".streamlit" / "secrets.toml").write_text(secrets_toml, encoding="utf-8")
        env["HOME"] = str(home)
    log_path = folder.parent / "server.log"
    log = log_path.open("wb")  # a file, not a pipe nobody reads: a full pipe would stall the server
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    output = log_path.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"the Streamlit server did not start:\n{output}") from None
                time.sleep(0.3)
        yield url
    finally:
        process.kill()  # the workspace is the test's own and thrown away: no need to wait for a clean stop
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def browser_locale() -> str:
    """The browser's language (the app's default UI language follows it); a test may override it."""
    return "en-GB"


def new_context(browser, locale: str = "en-GB"):
    """A browser window of its own (cookies, language) that can tell when the app's run is over."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale=locale)
    context.add_init_script(path=str(Path(__file__).with_name("run_watch.js")))
    return context


@pytest.fixture
def second_page(browser):
    """Another person's browser window (its own cookies), closed after the test however it ends."""
    context = new_context(browser)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


@pytest.fixture
def page(browser, server, browser_locale):
    context = new_context(browser, browser_locale)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(server)
    yield page
    context.close()
