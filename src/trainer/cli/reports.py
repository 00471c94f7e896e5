"""The report command group: what learners get wrong, and who a policy change affects."""

from __future__ import annotations

import click


@click.group()
def report() -> None:
    """Item analysis and policy-change impact, for training officers."""
