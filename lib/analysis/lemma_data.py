"""The lemmatiser's language data, quick to open in every process.

simplemma's low-memory dictionaries are read by walking every entry once per process to find where each
block of 32 entries starts: 1.4–1.9 s per language, 8.6 s for the five, paid again by every feedback reading
process and by the server. The block index depends only on simplemma's own data file, so it is worked out once
per machine and kept in the user's cache folder (``$XDG_CACHE_HOME/loyalty-ladder``, else ``~/.cache``); a
language then opens in about a tenth of a second. The index holds the dictionary's words only, never anything
of a register. A cache that cannot be written or read back is simply not used.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries.dictionary_factory import DATA_FOLDER, CachingDictionaryFactory
from simplemma.strategies.dictionaries.stream_dictionary_factory import _BLOCK_SIZE, StreamMap

_FORMAT = 1


def cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "loyalty-ladder" / "lemmas"


class _IndexedStreamMap(StreamMap):
    """simplemma's `StreamMap` with its block index read from the cache when it is there."""

    __slots__ = ()

    def __init__(self, lang: str) -> None:
        source = (DATA_FOLDER / f"{lang}.plzma").read_bytes()
        kept = cache_folder() / f"{lang}-{_FORMAT}-{hashlib.sha256(source).hexdigest()[:24]}.pickle"
        if not self._open(lang, kept):
            super().__init__(lang)
            self._keep(kept)

    def _open(self, lang: str, kept: Path) -> bool:
        from simplemma.strategies.dictionaries import frontcode
        from simplemma.strategies.dictionaries.dictionary_factory import _read_decompressed

        try:
            firsts, blocks = pickle.loads(kept.read_bytes())  # written by `_keep` below, from simplemma's data
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
            return False
        data = _read_decompressed(lang)
        rev, count, pos = frontcode._read_header(data)
        if len(firsts) != len(blocks) or len(blocks) != -(-count // _BLOCK_SIZE):
            return False
        self._data, self._rev, self._count, self._pos = data, rev, count, pos
        self._firsts, self._blocks = firsts, blocks
        return True

    def _keep(self, kept: Path) -> None:
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=kept.parent, delete=False) as file:
                file.write(pickle.dumps((self._firsts, self._blocks), protocol=pickle.HIGHEST_PROTOCOL))
            os.replace(file.name, kept)  # whole or not at all, whichever process gets there first
        except OSError:
            pass


class _Factory(CachingDictionaryFactory):
    __slots__ = ()

    def _get_dictionary_uncached(self, lang: str) -> Mapping[str, str]:
        return _IndexedStreamMap(lang)


@cache
def lemmatizer() -> Lemmatizer:
    """simplemma's lemmatiser over the low-memory dictionaries, each language opened once per process."""
    return Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=_Factory(cache_max_size=16)))
