# Two commands from a fresh machine: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONFIG ?= config.yaml

.PHONY: install run test test-long lint typecheck backfill demo bench bench-corpus bench-site bench-recheck site clean

install: $(STAMP)

# Reinstall when the package metadata changes; the stamp keeps `make run` instant after.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	$(BIN)/rssarchive --config $(CONFIG) run

backfill: install
	@test -n "$(URL)" || { echo "usage: make backfill URL='https://… [https://…]'" >&2; exit 2; }
	$(BIN)/rssarchive --config $(CONFIG) backfill $(URL)

demo: install
	$(BIN)/python demo/run_demo.py

BENCH_VENV := bench/.venv
BENCH_STAMP := $(BENCH_VENV)/.installed

# The peers the bench compares with (trafilatura's CLI, reader) get a venv of their own,
# so that the project's .venv stays what users install.
$(BENCH_STAMP): bench/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r bench/requirements.txt
	touch $(BENCH_STAMP)

# Under 10 minutes on 2 cores; BENCH_FULL=1 adds the 10,000-article backfill.
# BENCH_CORPUS=…/test/test-pages (a clone of mozilla/readability) adds extraction quality.
bench: install $(BENCH_STAMP)
	$(BIN)/python bench/run.py $(if $(BENCH_FULL),--full) $(if $(BENCH_CORPUS),--corpus $(BENCH_CORPUS))

# The re-check scenario (1,000 archived articles, 95 % unchanged): its section of RESULTS.md.
bench-recheck: install
	$(BIN)/python bench/recheck.py

# The extraction-quality scenario alone (under a minute): updates its section of RESULTS.md.
bench-corpus: install $(BENCH_STAMP)
	$(BIN)/python bench/corpus.py $(if $(BENCH_CORPUS),--corpus $(BENCH_CORPUS))

# The site in output/ built with Jekyll, then its search index (Pagefind, from the
# project's Python environment, in the language scripts/search_index.py picks: Chinese
# for any archive holding Chinese text, whatever the site's lang). Incremental: the next build after new posts reuses
# output/_site, .jekyll-metadata and .jekyll-cache (listing pages are always rebuilt).
# SITE_SEARCH=0 skips the index: Pagefind's extended build holds ~0.3 GB per 1,000 posts
# (README, "At scale").
# SPLIT=year builds the archive as one site per year instead, linked from a front page
# (scripts/build_split.py): only the years whose posts changed are rebuilt, each with its
# own search index (README, "A site per year").
SITE_DIR ?= output
SITE_SEARCH ?= 1
SPLIT ?=
# scripts/site_lang.py first warns when lang: is Chinese (the template's) but no post
# holds Chinese text: a newcomer's English archive built with Chinese words.
site: install
	$(BIN)/python scripts/site_lang.py --site $(SITE_DIR)
ifeq ($(SPLIT),year)
	$(BIN)/python scripts/build_split.py --site $(SITE_DIR) $(if $(filter 0,$(SITE_SEARCH)),--no-search)
else ifeq ($(SPLIT),)
	jekyll build --source $(SITE_DIR) --destination $(SITE_DIR)/_site --incremental
	$(if $(filter 0,$(SITE_SEARCH)),,$(BIN)/python scripts/search_index.py --site $(SITE_DIR))
else
	@echo "SPLIT=$(SPLIT): only SPLIT=year is known" >&2; exit 2
endif

# Build time and peak memory of the site at 1k, 10k and 50k posts, cold and hourly
# (bench/site_scale.py); BENCH_FULL=1 adds 100k, BENCH_SEARCH=1 the Pagefind index.
# BENCH_SPLIT=1 measures the site per year at 100,000 posts instead (printed, not written);
# BENCH_SIZES=20000 another size (CPU: ~2.5 minutes at 20,000, ~4 with BENCH_SEARCH=1;
# ~8 at 100,000 without search).
bench-site: install
ifeq ($(BENCH_SPLIT),1)
	$(BIN)/python bench/site_scale.py --split --sizes $(or $(BENCH_SIZES),100000) $(if $(BENCH_SEARCH),--search)
else
	$(BIN)/python bench/site_scale.py $(if $(BENCH_FULL),--full) $(if $(BENCH_SEARCH),--search) --markdown-out bench/RESULTS.md
endif

lint: install
	$(BIN)/ruff check rssarchive tests demo
	$(BIN)/ruff format --check rssarchive tests demo

typecheck: install
	$(BIN)/mypy rssarchive

test: lint typecheck
	$(BIN)/python -m pytest -q

# The invariant's long profile (500 random examples, one to two hours on two cores);
# EXAMPLES=N runs another number.
test-long: install
	RSSARCHIVE_PROPERTY_PROFILE=long $(if $(EXAMPLES),RSSARCHIVE_PROPERTY_EXAMPLES=$(EXAMPLES)) \
		$(BIN)/python -m pytest -q tests/e2e/test_invariant.py --hypothesis-show-statistics

clean:
	rm -rf $(VENV) $(BENCH_VENV) demo-output .pytest_cache .mypy_cache .ruff_cache
