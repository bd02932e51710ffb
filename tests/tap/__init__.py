"""Tests of the tap alone: the tap CLI against the GA API emulator."""
