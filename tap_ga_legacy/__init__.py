"""tap-ga-legacy: Meltano's legacy GA telemetry as a Singer tap, keyed on project_id."""
