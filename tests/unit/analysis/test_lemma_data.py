"""The lemmatiser's language data opens from the machine's cache and answers exactly as simplemma's own."""

from __future__ import annotations

import itertools
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import simplemma
from simplemma.strategies.dictionaries.stream_dictionary_factory import StreamMap

from lib.analysis.lemma_data import _IndexedStreamMap, cache_folder
from tests.conftest import ROOT


def _sample(words: StreamMap) -> list[str]:
    return list(itertools.islice(iter(words), 0, None, 499))


def test_a_language_is_indexed_once_then_opened_from_the_cache_with_the_same_answers(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = _IndexedStreamMap("lt")
    kept = list(cache_folder().glob("lt-*.pickle"))
    assert len(kept) == 1 and kept[0].stat().st_size > 0
    opened = object.__new__(_IndexedStreamMap)  # a map that never walks the data: the index is read back
    assert opened._open("lt", kept[0])
    own = StreamMap("lt")
    words = [*_sample(own), "kainos", "brangu", "darbuotojai", "nėraženklo"]
    assert [opened.get(w) for w in words] == [own.get(w) for w in words] == [built.get(w) for w in words]
    assert sum(own.get(w) is not None for w in words) > 100


def test_a_damaged_or_foreign_cache_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _IndexedStreamMap("en")
    (kept,) = cache_folder().glob("en-*.pickle")
    opened = object.__new__(_IndexedStreamMap)
    for damage in (b"", b"not a pickle", kept.read_bytes()[: len(kept.read_bytes()) // 2]):
        kept.write_bytes(damage)
        assert not opened._open("en", kept)
    foreign = [
        ([b"a"], [(0, b"", b"")]),  # an index of another size
        (1, 2),
        (Path("somewhere"), []),  # an object of a class: never made, so no code of anyone's runs
    ]
    for contents in foreign:
        kept.write_bytes(pickle.dumps(contents))
        assert not opened._open("en", kept)
    assert _IndexedStreamMap("en").get("prices") == StreamMap("en").get("prices")  # built again, and right


def test_the_lemmas_of_the_feedback_languages_are_simplemma_s_own_in_a_new_process():
    words = {"fi": "hintataso asiakaspalvelijat pysäköintipaikalla kalliimpi"}
    script = (
        "import json, sys; from lib.analysis.theme_matching import lemma; "
        "print(json.dumps({l: [lemma(w, l) for w in t.split()] for l, t in json.loads(sys.argv[1]).items()}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(words)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    found = json.loads(done.stdout)
    assert found == {
        lang: [simplemma.lemmatize(w, lang=lang, low_memory=True).lower() for w in text.split()]
        for lang, text in words.items()
    }
