# Conveniences over the scripts the README names (bash scripts/demo.sh, bash scripts/test.sh).
SAMPLE ?= inputs/青山区科经局_2024.yaml

.PHONY: setup demo test bench template docs clean

setup:
	bash scripts/setup.sh

demo:
	bash scripts/demo.sh "$(SAMPLE)"

test:
	bash scripts/test.sh

bench: setup
	.venv/bin/python benchmarks/bench_generate.py

template:
	.venv/bin/python tools/build_template.py

docs:
	.venv/bin/python tools/make_docs.py

clean:
	rm -rf outputs/*.docx outputs/*.pdf outputs/*.xlsx .pytest_cache
