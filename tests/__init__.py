"""Tests for tap-ga-legacy, its emulator and the pipeline around it."""
