"""The register's feedback read for themes and sentiment, each text once per theme dictionary.

Reading a text (telling its language, lemmatising, matching themes) is the slow part of the Feedback
page: 50,000 items take several seconds. Readings are kept in the workspace as they are made, so the
page, the command line and a restarted server read only texts they have not seen, and a re-upload of
the same workbook reads nothing again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from lib.analysis.feedback import (
    TextReading,
    read_items,
    read_texts,
    reading_keys,
    reading_seed,
    texts_to_read,
)
from lib.reading.register import Register
from lib.themes import ThemeDictionary
from lib.workspace.repository import Version, Workspace

BATCH = 2_000
"""Readings kept (and progress told) this many at a time: an interrupted reading loses at most a batch."""


def themed_feedback(
    workspace: Workspace,
    register: Register,
    dictionary: ThemeDictionary,
    scales: Mapping[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    version: Version | None = None,
) -> pd.DataFrame:
    """Every feedback item with its language, themes, matched words, scale and sentiment (`theme_feedback`),
    reading only the texts the workspace holds no reading of; ``progress(done, to_read)`` is told as it goes.

    ``version`` is the workspace version ``register`` is of (the workspace's now when not given): the new
    readings are kept only while it is still the workspace's, so nothing of someone erased meanwhile is."""
    seed = reading_seed(dictionary)
    version = workspace.version() if version is None else version
    known = {key: TextReading.from_json(text) for key, text in workspace.text_readings(seed).items()}
    texts = texts_to_read(register)
    keys = reading_keys(texts, dictionary)
    to_read = len(set(keys) - known.keys())
    fresh: dict[str, TextReading] = {}
    keeping, done = True, 0
    for key, reading in read_texts(texts, keys, dictionary, known):
        fresh[key] = reading
        if len(fresh) == BATCH:
            done += BATCH
            keeping = _keep(workspace, seed, version, fresh, known, keeping)
            if progress is not None:
                progress(done, to_read)
    if fresh:
        _keep(workspace, seed, version, fresh, known, keeping)
    if progress is not None:
        progress(to_read, to_read)
    return read_items(register, [known[key] for key in keys], scales)


def _keep(
    workspace: Workspace,
    seed: str,
    version: Version,
    fresh: dict[str, TextReading],
    known: dict[str, TextReading],
    keeping: bool,
) -> bool:
    """Add the fresh readings to the known, and to the workspace's while the register read is still its
    current one; whether to go on keeping them."""
    if keeping:
        keeping = workspace.keep_text_readings(seed, {k: r.to_json() for k, r in fresh.items()}, version)
    known.update(fresh)
    fresh.clear()
    return keeping
