"""The learner's terminal UI (Textual). ``trainer.tui.app.make_app`` builds it.

Importing this package loads no Textual; only ``trainer.tui.app`` and below do.
"""
