"""Snowflake, proven locally: target-snowflake and dbt-snowflake against fakesnow."""
