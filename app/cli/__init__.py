"""Every ``librarian`` command: ``main`` parses the arguments and runs one."""

from app.cli.main import main

__all__ = ["main"]
