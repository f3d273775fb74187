"""Extractors: one interface, a local (offline) and an Anthropic implementation."""
