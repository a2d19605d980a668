"""Stage 3, layout: every figure of every table computed (compute), then numbers and sentences formatted into the typed render context (narrate)."""
