"""The GA API emulators of a test session: one per data set, started once.

Tests that change the emulator (faults, clock, quotas, a variant data set)
get it back as it started (``reset``); tests that only read share it as is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ga_emulator.server import Emulator
from tests.support.dataset import DATASET

if TYPE_CHECKING:
    from ga_emulator.dataset import DatasetConfig


class Emulators:
    """A running emulator per data set, HTTP and gRPC, stopped by ``close``."""

    def __init__(self) -> None:
        self._running: dict[DatasetConfig, Emulator] = {}

    def serving(self, dataset: DatasetConfig = DATASET) -> Emulator:
        """The emulator serving ``dataset``, started on first use."""
        if dataset not in self._running:
            self._running[dataset] = Emulator(dataset, grpc_port=0).start()
        return self._running[dataset]

    def close(self) -> None:
        """Stop every emulator started."""
        for emulator in self._running.values():
            emulator.stop()
        self._running.clear()


#: The session's emulators: the conftest's ``emulators`` fixture closes them.
#: Module level, because the SDK's test class (tests/tap/test_core.py) needs
#: a running one's address at import time.
EMULATORS = Emulators()


def reset(emulator: Emulator, dataset: DatasetConfig = DATASET) -> None:
    """No pending fault, an empty request log, real time, full GA4 quotas,
    and ``dataset`` served (a test may have swapped in a variant)."""
    state = emulator.state
    state.dataset = dataset
    state.faults.clear()
    state.requests.clear()
    state.clock.reset()
    state.quota.reset()
