"""The register's feedback read in a process of its own, beside the app's server.

Reading 50,000 feedback texts is seconds of Python work; in a thread of the server it would hold the
interpreter's lock against every page being shown (pages took three times as long while it ran). In a
process of its own it runs on the other core, keeps its readings in the workspace (`themed_feedback`),
and the server then only assembles the items from what is kept.

``python -m lib.service.reading_process`` reads ``(workspace folder, store url, dictionary, rating scales,
version)`` pickled on stdin, reads the feedback of the workspace's current register if the workspace is
still at that version, and answers on stdout: ``progress DONE TO_READ`` lines as it goes, then one line
``suggestions JSON`` (the suggested new themes). Nothing is written anywhere else.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from lib.analysis.feedback import Suggestion, suggest_themes
from lib.config import Config
from lib.settings import scale_map
from lib.themes import ThemeDictionary
from lib.workspace.repository import Version, Workspace

_ROOT = Path(__file__).resolve().parents[2]


def read_elsewhere(
    workspace: Workspace,
    dictionary: ThemeDictionary,
    scales: str,
    version: Version,
    progress: Callable[[int, int], None],
) -> list[Suggestion] | None:
    """Read the feedback of the register at ``version`` in a process of its own, telling ``progress``; its
    theme suggestions, or None when the process could not do the work or the installation reads in its own
    process (then the caller reads it itself)."""
    if Config.from_environment().read_in_process:
        return None
    request = pickle.dumps(
        (str(workspace.folder), workspace.url, dictionary.to_json(), scales, version),
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
    with process:
        process.stdin.write(request)
        process.stdin.close()
        suggestions = None
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
    return suggestions if process.returncode == 0 else None


def main() -> None:
    from lib.service.feedback import themed_feedback
    from lib.service.registers import current_register

    folder, url, dictionary_json, scales, version = pickle.loads(sys.stdin.buffer.read())  # from our own server
    workspace = Workspace(folder, url=url)
    current = current_register(workspace)
    if current is None or current.version != version:  # the workspace moved on: nothing of this register is kept
        raise SystemExit(3)

    def tell(done: int, to_read: int) -> None:
        print(f"progress {done} {to_read}", flush=True)

    items = themed_feedback(
        workspace, current.register, ThemeDictionary.from_json(dictionary_json), scale_map(scales), tell, version
    )
    print("suggestions " + json.dumps([asdict(s) for s in suggest_themes(items)]), flush=True)


if __name__ == "__main__":
    main()
