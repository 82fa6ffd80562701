# Marks the shipped rulesets as package data of cesu_rules (read with importlib.resources).
# This folder holds data only: parameter files in YAML, see docs/rulesets.md.
