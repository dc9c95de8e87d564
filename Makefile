# The two commands a new machine needs (see README.md).
.PHONY: run test

run:
	bash scripts/setup.sh run
	.venv/erp/bin/python -m bot run

test:
	bash scripts/setup.sh test
	.venv/erp/bin/python -m pytest
