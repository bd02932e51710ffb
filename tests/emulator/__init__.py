"""Tests of the GA API emulator: fidelity to Google's own definitions."""
