"""Librarian: turn conversations into a knowledge graph people can trust."""

__version__ = "0.1.0"
