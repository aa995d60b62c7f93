"""What the areas' commands share: the `registry import` group they add to, and one way to stop with a message."""
from __future__ import annotations

import sys

import click


@click.group("import")
def import_group():
    """Import records from files."""


def fail(message: str) -> None:
    """Stop the command with one red line on stderr and exit status 1."""
    click.secho(message, fg="red", err=True)
    sys.exit(1)
