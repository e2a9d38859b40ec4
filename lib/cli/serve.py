"""Start the app for a team, and keep the workspace safe: ``python -m lib serve`` and ``python -m lib backup``.

`serve` binds to the address given (``make serve ADDRESS=0.0.0.0``, the Dockerfile's command)
and refuses to open the register to a network without sign-in: an address other than this
computer's own needs editors and viewers in ``.streamlit/secrets.toml``. `backup` copies the
SQLite workspace with SQLite's online backup while the app keeps running.
"""

from __future__ import annotations

import os
import sys
import tomllib
from datetime import datetime
from pathlib import Path

from lib.config import SERVER_ENVIRONMENT, Config
from lib.workspace.access import Access, is_loopback
from lib.workspace.repository import Workspace

ROOT = Path(__file__).resolve().parents[2]
SECRETS_FILES = (Path.home() / ".streamlit" / "secrets.toml", Path(".streamlit") / "secrets.toml")
"""Where Streamlit looks for secrets (the project's file wins over the home folder's)."""


class ServeError(RuntimeError):
    """The app cannot be started as asked; the message says what to do."""


def read_secrets(files: tuple[Path, ...] = SECRETS_FILES) -> dict:
    """The secrets Streamlit will see, merged as it merges them (later files win)."""
    merged: dict = {}
    for path in files:
        if path.is_file():
            try:
                merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
                raise ServeError(f"{path} is not valid TOML ({error}); fix it before starting the app.") from None
    return merged


def team_config() -> Config:
    """The installation's set-up as the app sees it: the environment, and the secrets' ``workspace_url``."""
    return Config.from_environment(secrets=read_secrets())


def team_workspace(config: Config | None = None) -> Workspace:
    """The workspace the app uses: the secrets' ``workspace_url`` (PostgreSQL) when set, else the folder's."""
    config = config or team_config()
    return Workspace(config.workspace_folder, url=config.workspace_url)


def check_exposure(address: str, secrets: dict) -> Access:
    """The sign-in set-up, when it is safe to listen on ``address``; ServeError otherwise."""
    try:
        access = Access.from_secrets(secrets)
    except (ValueError, TypeError, AttributeError) as error:
        raise ServeError(f"The [ladder] section of the secrets file is not valid: {error}.") from None
    if access.mode == "local" and not is_loopback(address):
        raise ServeError(
            f"Refusing to serve the register on {address} without sign-in: anyone who finds the address would see "
            "your customers' personal data. Add editors and viewers to .streamlit/secrets.toml (see the README, "
            "'Running it for a team'), or use ADDRESS=127.0.0.1 behind a reverse proxy that signs people in."
        )
    if access.mode == "password" and not access.users:
        raise ServeError("Password sign-in is chosen but [ladder.users] names nobody.")
    return access


def streamlit_command(address: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app.py"),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


def serve(address: str, port: int) -> int:
    """Check the set-up, then become the Streamlit server (signals such as a container's stop reach it)."""
    access = check_exposure(address, read_secrets())
    print(f"Loyalty Ladder on http://{address}:{port} (sign-in: {access.mode}; Ctrl+C stops it)", flush=True)
    command = streamlit_command(address, port)
    os.execve(command[0], command, {**os.environ, **SERVER_ENVIRONMENT})
    return 0  # not reached: the process is now the server


def backup(folder: Path, keep: int = 14) -> Path:
    """A timestamped copy of the SQLite workspace in ``folder``; only the newest ``keep`` copies stay."""
    workspace = team_workspace()
    if workspace.path is None:
        raise ServeError(
            f"The workspace is on PostgreSQL ({workspace.location}): back it up with pg_dump, "
            "e.g. pg_dump --format=custom --file=ladder.dump DATABASE_URL."
        )
    target = workspace.backup(folder / f"ladder-{datetime.now():%Y%m%d-%H%M%S}.sqlite")
    copies = sorted(folder.glob("ladder-*.sqlite"))
    for old in copies[:-keep] if keep > 0 else []:
        old.unlink()
        old.with_suffix(".key").unlink(missing_ok=True)
    return target
