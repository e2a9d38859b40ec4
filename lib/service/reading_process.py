"""The register's feedback read in a process of its own, beside the app's server.

Reading 50,000 feedback texts is seconds of Python work; in a thread of the server it would hold the
interpreter's lock against every page being shown (pages took three times as long while it ran). In a
process of its own it runs on the other core, keeps its readings in the workspace (`themed_feedback`),
and the server then only assembles the items from what is kept.

``python -m lib.service.reading_process`` reads ``(workspace folder, store url, dictionary, rating scales,
version, register)`` pickled on stdin (the register's feedback and its customers' languages, nothing else),
reads that feedback if the workspace is still at that version (else it stops with MOVED_ON), keeps the
readings in the workspace and answers on stdout: ``progress DONE TO_READ`` lines as it goes, then one line
``suggestions JSON`` (the suggested new themes). It writes nothing else anywhere.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

from lib.analysis.feedback import Suggestion, suggest_themes
from lib.config import Config
from lib.reading.register import Register
from lib.settings import scale_map
from lib.themes import ThemeDictionary
from lib.workspace.repository import Version, Workspace

_ROOT = Path(__file__).resolve().parents[2]


READING_SECONDS = 1800.0
"""Longest the reading process may take before it is stopped (and the server reads the feedback itself)."""
MOVED_ON = 3
"""The reading process's exit status when the workspace has moved on from the register it was asked to read."""


class RegisterMovedOn(Exception):
    """The workspace holds a newer register than the one to read: it is not read at all (it may hold the words
    of someone erased since); the pages ask again for the newer one."""


def read_elsewhere(
    workspace: Workspace,
    register: Register,
    dictionary: ThemeDictionary,
    scales: str,
    version: Version,
    progress: Callable[[int, int], None],
) -> list[Suggestion] | None:
    """Read the feedback of ``register`` (the workspace's at ``version``) in a process of its own, telling
    ``progress``; its theme suggestions, or None when the process could not do the work or the installation
    reads in its own process (then the caller reads it itself). Raises RegisterMovedOn."""
    if Config.from_environment().read_in_process:
        return None
    needed = replace(  # what the reading looks at: the feedback and each customer's language
        register,
        customers=register.customers[["customer_id", "language"]],
        purchases=register.purchases.iloc[:0],
        actions=register.actions.iloc[:0],
    )
    request = pickle.dumps(
        (str(workspace.folder), workspace.url, dictionary.to_json(), scales, version, needed),
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "lib.service.reading_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # a failure is told by the missing answer; texts never reach a log
            cwd=_ROOT,
            env={**os.environ, "PYTHONPATH": str(_ROOT)},
        )
    except OSError:
        return None
    assert process.stdin is not None
    assert process.stdout is not None
    stop = threading.Timer(READING_SECONDS, process.kill)
    stop.start()
    suggestions = None
    try:
        with process:
            process.stdin.write(request)
            process.stdin.close()
            for line in process.stdout:
                kind, _, rest = line.decode("utf-8").partition(" ")
                if kind == "progress":
                    done, to_read = rest.split()
                    progress(int(done), int(to_read))
                elif kind == "suggestions":
                    suggestions = [
                        Suggestion(**{**s, "words": tuple(s["words"]), "examples": tuple(s["examples"])})
                        for s in json.loads(rest)
                    ]
    except (OSError, ValueError, TypeError):  # it stopped early or answered what it should not: read here
        process.kill()
        return None
    finally:
        stop.cancel()
    if process.returncode == MOVED_ON:
        raise RegisterMovedOn()
    return suggestions if process.returncode == 0 else None


def main() -> None:
    from lib.service.feedback import themed_feedback

    folder, url, dictionary_json, scales, version, register = pickle.loads(sys.stdin.buffer.read())  # our server's
    workspace = Workspace(folder, url=url)
    if workspace.version() != version:  # moved on: nothing of this register is read, nor kept
        raise SystemExit(MOVED_ON)

    def tell(done: int, to_read: int) -> None:
        print(f"progress {done} {to_read}", flush=True)

    items = themed_feedback(
        workspace, register, ThemeDictionary.from_json(dictionary_json), scale_map(scales), tell, version
    )
    print("suggestions " + json.dumps([asdict(s) for s in suggest_themes(items)]), flush=True)


if __name__ == "__main__":
    main()
