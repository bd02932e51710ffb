"""MeltanoHub's usage badges from the telemetry warehouse.

``hub-metrics write`` reads the ``fct_hub_variant_metrics`` mart and writes
``variant_metrics.yml`` and ``audit.yml`` in the format the Hub's build reads
(docs/hub-metrics.md); ``hub-metrics copy`` copies them to a folder or an
``s3://`` URI, where the Hub's build downloads them.
"""
