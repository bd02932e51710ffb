"""Retries: what is retriable is sent again, after a growing, jittered wait."""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING, TypeVar

from singer_sdk.exceptions import RetriableAPIError

from tap_ga_legacy.errors import ReportError

if TYPE_CHECKING:
    import logging
    from collections.abc import Callable

    from tap_ga_legacy.settings import Settings

T = TypeVar("T")


def with_retries(
    send: Callable[[], T], settings: Settings, logger: logging.Logger
) -> T:
    """Call ``send()``; retry what is retriable, at most ``max_retries`` times.

    The waits grow exponentially from ``backoff_base_seconds`` up to
    ``backoff_max_seconds``, with jitter so parallel runs do not retry in step.
    """
    attempt = 0
    while True:
        try:
            return send()
        except RetriableAPIError as exc:
            if attempt >= settings.max_retries:
                msg = f"{exc} (gave up after {attempt + 1} attempts)"
                raise ReportError(msg) from None
            wait = min(
                settings.backoff_max_seconds, settings.backoff_base_seconds * 2**attempt
            )
            wait *= random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not crypto
            attempt += 1
            logger.warning(
                "%s; retry %d of %d in %.1f s", exc, attempt, settings.max_retries, wait
            )
            time.sleep(wait)
