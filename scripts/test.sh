#!/usr/bin/env bash
# The README's test command: set everything up, then run the checks (ruff) and all tests (pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
lint_paths=(generator tests tools)
[ -d benchmarks ] && lint_paths+=(benchmarks)
.venv/bin/ruff check "${lint_paths[@]}"
.venv/bin/python -m pytest -q "$@"
