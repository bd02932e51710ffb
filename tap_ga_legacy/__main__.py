"""`python -m tap_ga_legacy` runs the tap."""

from tap_ga_legacy.tap import TapGaLegacy

TapGaLegacy.cli()
