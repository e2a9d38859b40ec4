"""The feedback read in a process of its own: its readings are kept in the workspace (so the server only
assembles the items), its progress and its theme suggestions come back, and a register the workspace has
moved on from is not read at all."""

import pytest

from lib.analysis.feedback import reading_seed
from lib.service.feedback import themed_feedback
from lib.service.reading_process import RegisterMovedOn, read_elsewhere
from lib.service.registers import current_register
from lib.themes import default_dictionary
from lib.workspace.repository import Workspace


def a_dictionary_never_read_with():
    """The shipped dictionary with a theme of the test's own: readings under it are not kept yet."""
    return default_dictionary().with_theme("locker", "peripheral", "en", ["locker", "lockers"])


@pytest.mark.usefixtures("in_reader_process")
def test_the_reading_process_keeps_every_reading_and_answers_with_progress_and_suggestions(sample_workspace):
    workspace = Workspace(sample_workspace)
    current = current_register(workspace)
    dictionary = a_dictionary_never_read_with()
    assert not workspace.text_readings(reading_seed(dictionary))  # nothing read yet
    told: list[tuple[int, int]] = []
    suggestions = read_elsewhere(
        workspace, current.register, dictionary, "", current.version, lambda *done: told.append(done)
    )
    assert suggestions is not None  # the process ran to its end (the sample's words may suggest nothing)
    assert told and told[-1][0] == told[-1][1] > 0  # every text it had to read, read
    assert len(workspace.text_readings(reading_seed(dictionary))) == told[-1][1]
    left: list[tuple[int, int]] = []
    items = themed_feedback(workspace, current.register, dictionary, progress=lambda *done: left.append(done))
    assert left[-1] == (0, 0)  # the server finds every text read: it only assembles the items
    assert len(items) == len(current.register.feedback) and items["sentiment"].notna().any()


@pytest.mark.usefixtures("in_reader_process")
def test_a_register_the_workspace_has_moved_on_from_is_not_read(sample_workspace):
    workspace = Workspace(sample_workspace)
    current = current_register(workspace)
    dictionary = a_dictionary_never_read_with()
    older = (*current.version[:-1], current.version[-1] - 1)
    told: list[tuple[int, int]] = []
    with pytest.raises(RegisterMovedOn):
        read_elsewhere(workspace, current.register, dictionary, "", older, lambda *done: told.append(done))
    assert not told  # not a text of it read
    assert not workspace.text_readings(reading_seed(dictionary))


def test_an_installation_that_reads_in_its_own_process_reads_the_feedback_there_too(sample_workspace):
    workspace = Workspace(sample_workspace)  # the test session reads in its own process (tests/conftest.py)
    current = current_register(workspace)
    dictionary = a_dictionary_never_read_with()
    assert read_elsewhere(workspace, current.register, dictionary, "", current.version, lambda *done: None) is None
    assert not workspace.text_readings(reading_seed(dictionary))


@pytest.mark.usefixtures("in_reader_process")
def test_a_reading_process_that_cannot_run_leaves_the_reading_to_the_server(sample_workspace, monkeypatch):
    from lib.service import reading_process

    workspace = Workspace(sample_workspace)
    current = current_register(workspace)
    monkeypatch.setattr(reading_process.sys, "executable", "/bin/false")  # a process that stops at once, silent
    dictionary = a_dictionary_never_read_with()
    assert read_elsewhere(workspace, current.register, dictionary, "", current.version, lambda *done: None) is None
    items = themed_feedback(workspace, current.register, dictionary)  # what the server then does itself
    assert len(items) == len(current.register.feedback)
