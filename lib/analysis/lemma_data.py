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
from typing import Any

import simplemma
from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy
from simplemma.strategies.dictionaries import frontcode
from simplemma.strategies.dictionaries.dictionary_factory import (
    DATA_FOLDER,
    CachingDictionaryFactory,
    _read_decompressed,
)
from simplemma.strategies.dictionaries.stream_dictionary_factory import _BLOCK_SIZE, StreamMap

_FORMAT = 2


def cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "loyalty-ladder" / "lemmas"


class _DataOnly(pickle.Unpickler):
    """Reads back lists, tuples, bytes and numbers, never an object of any class: a cache file someone else
    wrote cannot run code."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a lemma index")


class _IndexedStreamMap(StreamMap):
    """simplemma's `StreamMap` with its block index read from the cache when it is there."""

    __slots__ = ()

    def __init__(self, lang: str) -> None:
        try:
            source = (DATA_FOLDER / f"{lang}.plzma").read_bytes()
            name = f"{lang}-{simplemma.__version__}-{_FORMAT}-{hashlib.sha256(source).hexdigest()[:24]}.pickle"
            kept: Path | None = cache_folder() / name
        except (OSError, RuntimeError):  # no home folder to keep a cache in
            kept = None
        if kept is None or not self._open(lang, kept):
            super().__init__(lang)
            if kept is not None:
                self._keep(kept)

    def _open(self, lang: str, kept: Path) -> bool:
        """Whether the kept index could be read and fits this language's data (anything else: build it again)."""
        try:
            with kept.open("rb") as file:
                firsts, blocks = _DataOnly(file).load()
            data = _read_decompressed(lang)
            rev, count, pos = frontcode._read_header(data)
            fits = (
                isinstance(firsts, list)
                and isinstance(blocks, list)
                and len(firsts) == len(blocks) == -(-count // _BLOCK_SIZE)
                and all(type(first) is bytes for first in firsts)
                and all(
                    type(block) is tuple
                    and len(block) == 3
                    and type(block[0]) is int
                    and 0 <= block[0] < len(data)
                    and type(block[1]) is bytes
                    and type(block[2]) is bytes
                    for block in blocks
                )
            )
        except Exception:  # a damaged or foreign file of any kind: simply not used
            return False
        if fits:
            self._data, self._rev, self._count, self._pos = data, rev, count, pos
            self._firsts, self._blocks = firsts, blocks
        return fits

    def _keep(self, kept: Path) -> None:
        try:
            kept.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=kept.parent, prefix=".", delete=False) as file:
                try:
                    file.write(pickle.dumps((self._firsts, self._blocks), protocol=pickle.HIGHEST_PROTOCOL))
                except BaseException:
                    os.unlink(file.name)
                    raise
            os.replace(file.name, kept)  # whole or not at all, whichever process gets there first
            language = kept.name.split("-", 1)[0]
            for older in kept.parent.glob(f"{language}-*.pickle"):  # of an earlier simplemma or format
                if older != kept:
                    older.unlink(missing_ok=True)
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
