#!/usr/bin/env bash
# The README's main-job command: set everything up, validate the bundled samples, and generate the
# disclosure of one of them (Word, PDF and the tables as .xlsx) into outputs/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
SAMPLE=${1:-inputs/青山区科经局_2024.yaml}
.venv/bin/budgetdoc validate inputs/*.yaml
.venv/bin/budgetdoc generate "$SAMPLE" -o outputs --pdf --xlsx
