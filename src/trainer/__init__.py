"""trainer: interactive training and certification courses."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("trainer")
except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
    __version__ = "0.0.0"
