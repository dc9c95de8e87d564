# The two commands a new machine needs (see README.md).
.PHONY: run test

run:
	bash scripts/setup.sh run
	.venv/erp/bin/python -m bot run

# The model is trained (or taken from the cache) before the tests, outside pytest's per-test timeout.
# Then the multi-turn conversation tests again on the scale-out profile (PostgreSQL, Redis, two replicas taking
# turns; the whole conversation suite passes there too: HISAAB_TEST_PROFILE=scale-out pytest, docs/deploy.md).
SCALE_OUT_CONVERSATIONS = tests/actions/test_book_forms.py tests/actions/test_sales_conversation.py \
	tests/actions/test_interruption_conversation.py tests/data/test_stories.py
test:
	bash scripts/setup.sh test
	.venv/erp/bin/python -m bot train
	.venv/erp/bin/python -m pytest
	HISAAB_TEST_PROFILE=scale-out .venv/erp/bin/python -m pytest $(SCALE_OUT_CONVERSATIONS)
