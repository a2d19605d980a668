#!/usr/bin/env bash
# One command for a bureau's IT: install everything (as scripts/setup.sh), then run the web workbench.
# Arguments go to `budgetdoc serve`, e.g.: bash scripts/serve.sh --host 0.0.0.0 --token 口令 --data /srv/budgetdoc
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/budgetdoc serve "$@"
