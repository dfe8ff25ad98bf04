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
APT_PACKAGES := espeak-ng libespeak-ng1 ffmpeg
EXTRAS := dev
STAMP := $(VENV)/.installed-$(EXTRAS)

.PHONY: help up test lint typecheck contracts pytest system-deps sample bench clean

help:
	@echo "make up     install what is missing, then generate a sample video with sound (var/sample.mp4)"
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
	touch $@

up: system-deps $(STAMP)
	mkdir -p var
	$(BIN)/mutoscope generate "a dog runs along a beach at sunset, waves crash" --seconds 4 --size 1280x720 -o var/sample.mp4

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
