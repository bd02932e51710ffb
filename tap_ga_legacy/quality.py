"""What GA says about the quality of an answer and the quota left, in the log.

Sampling, ``(other)`` roll-ups, thresholding and data that is not golden yet
all mean the rows may not be what GA will answer later; each is logged as a
warning naming the window, with the setting that helps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tap_ga_legacy.ga_values import int64

if TYPE_CHECKING:
    import logging

#: Warn when a quota has less than this share left.
QUOTA_WARNING_SHARE = 0.1


def warn_quality(
    logger: logging.Logger,
    subject: str,
    *,
    sampled: list[tuple[str, str]],
    other_row: bool = False,
    thresholded: bool = False,
    golden: bool | None = None,
) -> None:
    """Warn about each quality flag of one answer (``sampled``: read, space)."""
    for read, space in sampled:
        # Only a share GA's int64 strings allow; a malformed one is no reason
        # to stop a run the rows of which passed every check.
        numbers = int64(read), int64(space)
        share = numbers[0] / numbers[1] if None not in numbers and numbers[1] else 0
        logger.warning(
            "%s: SAMPLED data: %s of %s sessions read (%.1f%%). Lower"
            " window_days to avoid sampling.",
            subject,
            read,
            space,
            100 * share,
        )
    if other_row:
        logger.warning(
            "%s: some rows were rolled into an '(other)' row"
            " (dataLossFromOtherRow). Lower window_days.",
            subject,
        )
    if thresholded:
        logger.warning("%s: subject to thresholding.", subject)
    if golden is False:
        logger.warning(
            "%s: data is not golden yet (isDataGolden=false): it may still"
            " change; the next run's lookback pulls it again.",
            subject,
        )


def log_quota(
    logger: logging.Logger, subject: str, quota: dict[str, tuple[int, int]]
) -> None:
    """Log ``{name: (remaining, consumed)}``; warn about nearly empty ones."""
    if not quota:
        return
    parts = []
    low = []
    for name, (remaining, consumed) in quota.items():
        parts.append(f"{name}={remaining}")
        # Only quotas that report consumption have a known size.
        if consumed and remaining < QUOTA_WARNING_SHARE * (remaining + consumed):
            low.append(name)
    logger.info("%s: quota remaining %s", subject, " ".join(parts))
    if low:
        logger.warning("%s: quota nearly used up: %s", subject, ", ".join(sorted(low)))
