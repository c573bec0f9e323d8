# Two commands for a fresh machine: `make demo` and `make test`. Everything installs into .venv here.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install system-deps bench eval mirror clean es-start es-stop

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

system-deps:
	bash deploy/system-deps.sh

demo: install system-deps
	$(BIN)/coi demo --serve

test: install system-deps
	$(BIN)/python -m pytest

bench: install
	$(BIN)/coi bench search
	$(BIN)/coi bench tag

eval: install
	$(BIN)/coi eval

# A local single-node Elasticsearch 9 on 127.0.0.1:9200 for the Elasticsearch tests (deploy/elasticsearch/run.sh).
es-start:
	bash deploy/elasticsearch/run.sh start

es-stop:
	bash deploy/elasticsearch/run.sh stop

mirror: install
	$(BIN)/python -m crawlers.mirror --port 8089

clean:
	rm -rf $(VENV) data/demo bench-data .pytest_cache
