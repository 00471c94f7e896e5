"""Authored block text reflowed for the terminal."""

from __future__ import annotations

from trainer.tui.widgets.prose import reflow


def test_breaks_inside_a_paragraph_become_spaces() -> None:
    assert reflow("The notes\nread: a pig\nis loose.\n") == "The notes read: a pig is loose."


def test_paragraphs_and_list_items_keep_their_breaks() -> None:
    text = "First line\nsame paragraph.\n\nThe caller said:\n- one thing\n- another\n  continued\n"
    assert reflow(text) == (
        "First line same paragraph.\n\nThe caller said:\n- one thing\n- another continued"
    )
