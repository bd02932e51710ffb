"""End-to-end tests: the Meltano project with real Meltano, emulator and DuckDB."""
