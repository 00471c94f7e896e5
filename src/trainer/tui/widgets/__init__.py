"""Widgets of the learner's UI."""
