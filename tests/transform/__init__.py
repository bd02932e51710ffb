"""End-to-end tests of the dbt project in transform/."""
