"""Column helpers: ids among ids, and work kept with the frame it was done on."""

from __future__ import annotations

import gc
from functools import partial

import pandas as pd

from lib.frames import _MEMOS, among, in_set, memo_of


def test_among_compares_as_text_and_never_matches_a_missing_cell():
    column = pd.Series(["1", None, "3", "x"], dtype="string")
    assert among(column, [1, 3]).tolist() == [True, False, True, False]
    assert among(column, pd.Index(["x"])).tolist() == [False, False, False, True]
    assert among(column, []).tolist() == [False] * 4
    hashes = pd.Series(["a", "b", None], dtype=object)
    assert in_set(hashes, {"b", "c"}).tolist() == [False, True, False]


def test_work_kept_with_a_frame_is_done_once_for_it_and_not_for_another_frame_alike():
    done = []
    frame, twin = pd.DataFrame({"a": [1, 2]}), pd.DataFrame({"a": [1, 2]})

    def total(of: pd.DataFrame) -> int:
        done.append(id(of))
        return int(of["a"].sum())

    assert memo_of(frame, "total", partial(total, frame)) == 3
    assert memo_of(frame, "total", partial(total, frame)) == 3
    assert memo_of(twin, "total", partial(total, twin)) == 3
    assert done == [id(frame), id(twin)]
    ident = id(frame)
    del frame
    gc.collect()
    assert ident not in _MEMOS  # gone with its frame: a later frame at the same address starts afresh
