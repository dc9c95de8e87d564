# The two commands a new machine needs (see README.md).
.PHONY: run test

run:
	bash scripts/setup.sh run
	.venv/erp/bin/python -m bot run

# The model is trained (or taken from the cache) before the tests, outside pytest's per-test timeout.
test:
	bash scripts/setup.sh test
	.venv/erp/bin/python -m bot train
	.venv/erp/bin/python -m pytest
