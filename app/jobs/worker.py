"""Entry module for ``dramatiq app.jobs.worker``: sets the broker, then imports the actors."""

from __future__ import annotations

import dramatiq

from app.config import get_settings
from app.jobs.broker import create_broker
from app.logging import configure_logging

_settings = get_settings()
configure_logging(_settings.log_level, _settings.log_format)
broker = create_broker(_settings)
dramatiq.set_broker(broker)
