"""Stage 2, rules: the registry of checks run over the model; every finding collected before any is reported."""
