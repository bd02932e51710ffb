"""Airflow DAGs generated from the Meltano schedules, run for real."""
