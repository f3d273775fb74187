"""Parsers that turn conversation files into ``ConversationInput``."""
