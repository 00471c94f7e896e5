"""trainer: interactive training and certification courses."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # ``__version__`` is looked up on first use: importing importlib.metadata would add a
    # noticeable share to every start of ``trainer`` (benchmarks/tui_startup.py).
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("trainer")
        except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
            return "0.0.0"
    raise AttributeError(f"module 'trainer' has no attribute {name!r}")
