# Two commands a new machine needs: `make demo` and `make test`. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: demo test test-postgres install install-test browser lint clean translations lock

# Every install takes the versions pinned in constraints.txt (pip's constraints file: our
# lock), so a new release of any dependency changes nothing until `make lock` is run on
# purpose. pip, setuptools and wheel are pinned too, and Chorus is built without build
# isolation, with the pinned setuptools. torch is the CPU build (the sentence model's).
LOCK := constraints.txt
PIP_LOCKED = $(BIN)/pip install --quiet --constraint $(LOCK)

$(BIN)/chorus: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PIP_LOCKED) --upgrade pip setuptools wheel
	$(PIP_LOCKED) torch
	$(PIP_LOCKED) --no-build-isolation -e .
	touch $@

install: $(BIN)/chorus

# Chorus on SQLite with demo data, in a demo instance folder of its own.
demo: install
	CHORUS_INSTANCE_PATH=$${CHORUS_INSTANCE_PATH:-instance/demo} $(BIN)/chorus demo --host $(HOST) --port $(PORT)

$(VENV)/.test-installed: pyproject.toml $(LOCK) $(BIN)/chorus
	$(PIP_LOCKED) --no-build-isolation -e '.[test]'
	touch $@

install-test: $(VENV)/.test-installed

# Refresh the lock: resolve the newest releases pyproject.toml allows in a fresh venv and
# pin them all. Run it on purpose, run the tests, and say so in the commit.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --upgrade pip setuptools wheel
	.venv-lock/bin/pip install --quiet torch==2.13.0
	.venv-lock/bin/pip install --quiet -e '.[test]'
	{ echo "# The lock: every package Chorus and its tests install, pinned (pip's constraints"; \
	  echo "# format). Made by \`make lock\` on $$(date -u +%F); read by every install in the"; \
	  echo "# Makefile and CI. torch is the CPU build; see README.md, Running in production."; \
	  .venv-lock/bin/pip freeze --all --exclude-editable | LC_ALL=C sort -f; } > $(LOCK)
	rm -rf .venv-lock

# Chromium and its driver come from Debian; Playwright cannot download browsers here.
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "Install Chromium: sudo apt-get install chromium chromium-driver"; exit 1; fi; }

# The whole suite on SQLite (and on PostgreSQL when CHORUS_TEST_DATABASE_URL is set).
test: install-test browser
	bash .ci/pytest $(PYTEST_ARGS)

test-postgres: install-test browser
	CHORUS_TEST_DATABASE_URL=$${CHORUS_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
	  bash .ci/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check surveys analysis feedback tests bench
	$(BIN)/mypy

# Re-extract Chorus's own wording (babel.cfg), merge it into every language's .po and
# compile the .mo files. Translate any new or fuzzy entries, then run it again;
# tests/feedback/test_i18n.py fails while a string is untranslated or a .mo is stale.
# That test extracts with BABEL_KEYWORDS read from this file, so keep them on one line.
TRANSLATIONS := feedback/translations
BABEL_KEYWORDS := -k _ -k gettext -k ngettext:1,2 -k lazy_gettext -k N_ -k _N -k AnswerError -k Message

translations: install
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --add-comments=TRANSLATORS: \
	  --project=Chorus --version=0.1.0 -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) \
	  --ignore-pot-creation-date
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

clean:
	rm -rf $(VENV) instance/demo .pytest_cache
