"""Logging set-up for entry points (CLI, server, workers). Library modules only call `getLogger(__name__)`."""

from __future__ import annotations

import logging


def configure_logging(level: str = "INFO") -> None:
    """Send mutoscope's logs to stderr with timestamps; call once, from an entry point."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
