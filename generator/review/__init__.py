"""Review stage: what a reviewer checks before re-publishing (the differences between two inputs' documents)."""
