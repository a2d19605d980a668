"""Stage 1, reading: an input file (YAML, JSON, .xlsx) → plain data with a position for every value → the typed model."""
