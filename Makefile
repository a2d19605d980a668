# The two commands of the README:
#   make demo  — set up everything and generate the disclosure of a bundled sample (Word + PDF + Excel)
#   make test  — set up everything and run the checks (ruff) and the tests (pytest)
SAMPLE ?= inputs/青山区科经局_2024.yaml
VENV := .venv/bin

.PHONY: setup demo test lint bench template clean

setup:
	bash scripts/setup.sh

demo: setup
	$(VENV)/budgetdoc validate inputs/*.yaml
	$(VENV)/budgetdoc generate "$(SAMPLE)" -o outputs --pdf --xlsx

lint:
	$(VENV)/ruff check generator tests tools $(wildcard benchmarks)

test: setup lint
	$(VENV)/python -m pytest -q

bench: setup
	$(VENV)/python benchmarks/bench_generate.py

template:
	$(VENV)/python tools/build_template.py

clean:
	rm -rf outputs/*.docx outputs/*.pdf outputs/*.xlsx .pytest_cache
