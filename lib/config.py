"""How this installation is set up: where the workspace lives and the limits on reading files.

The one place that reads the environment (and the secrets' ``[ladder]`` section). A door builds
a `Config` when it starts (the command line once per command, the app once per page run) and
hands it on; nothing reads the environment at import time.

    LADDER_WORKSPACE       the workspace folder (default ./workspace)
    LADDER_WORKSPACE_URL   a PostgreSQL database shared by several app instances instead of the folder's SQLite file
                           (the secrets' [ladder] workspace_url wins)
    LADDER_READ_SECONDS    longest a file may take to parse (default 300)
    LADDER_READ_MEMORY_MB  memory the parsing process may use (default 8192)
    LADDER_READ_IN_PROCESS 1: parse files in the process that asks, without the budget (a test run or a
                           benchmark on files of its own; never a server that takes uploads)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_FOLDER = Path("workspace")

SERVER_ENVIRONMENT: Mapping[str, str] = {"ARROW_DEFAULT_MEMORY_POOL": "system"}
"""What the app's processes run with, set by whatever starts them (it must be in place before Arrow loads).
Arrow's columns come from the system allocator rather than Arrow's bundled one: with a 100,000-customer
register open the bundled allocator held about 100 MB more than the columns need (the app's peak about
1,040 MB instead of 900 MB), at the same speed."""


@dataclass(frozen=True)
class Config:
    """The installation's set-up, read once by the door that starts the work."""

    workspace_folder: Path = DEFAULT_FOLDER
    workspace_url: str | None = None
    """A database URL for the store; None: the SQLite file in the workspace folder."""
    read_seconds: float = 300.0
    """Longest a file may take to parse before it is given up (a 100,000-customer register takes seconds)."""
    read_memory_mb: int = 8192
    """Address space the parsing process may use; past it the file is refused, the server lives on."""
    read_in_process: bool = False
    """Parse in the asking process, without the budget: only for files the caller made itself; the feedback is
    read in the asking process too (`lib.service.reading_process`)."""

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None
    ) -> Config:
        """The set-up from the environment variables and, for the store, the secrets' ``[ladder]`` section."""
        env = os.environ if environ is None else environ
        ladder = (secrets or {}).get("ladder") or {}
        return cls(
            workspace_folder=Path(env.get("LADDER_WORKSPACE") or DEFAULT_FOLDER),
            workspace_url=ladder.get("workspace_url") or env.get("LADDER_WORKSPACE_URL") or None,
            read_seconds=float(env.get("LADDER_READ_SECONDS") or cls.read_seconds),
            read_memory_mb=int(env.get("LADDER_READ_MEMORY_MB") or cls.read_memory_mb),
            read_in_process=env.get("LADDER_READ_IN_PROCESS", "").strip() == "1",
        )
