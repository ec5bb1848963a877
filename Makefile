# isogov — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup migrate demo static lint typecheck importlint checks schema messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(BIN)/isogov migrate --noinput

demo: migrate
	$(BIN)/isogov seed-demo

static: setup
	$(BIN)/isogov collectstatic --noinput --verbosity 0

## Set everything up and serve (gunicorn + one Huey worker) on ISOGOV_BIND, by default
## http://127.0.0.1:8000; `isogov serve` prints the real address.
run: demo static
	$(BIN)/isogov serve

## Set everything up and run the whole test suite, spread over the machine's cores
## (TEST_WORKERS, by default one per core; 0 runs in this process), and print the total line
## coverage of isogov/. The exit status is the tests'. `$(BIN)/coverage report -m` lists the
## lines not covered. The tests' processes (each worker, and the subprocesses some tests start)
## keep compiled bytecode under var/pycache even where PYTHONDONTWRITEBYTECODE is set, so that
## each does not compile the project (and pytest rewrite the test modules) afresh.
TEST_WORKERS ?= auto
test: setup
	@mkdir -p var
	@status=0; PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX="$(CURDIR)/var/pycache" $(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --cov --cov-report= $(PYTEST_ARGS) || status=$$?; \
	  printf 'Total coverage: %s%%\n' "$$($(BIN)/coverage report --format=total)"; \
	  exit $$status

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy isogov

importlint: setup
	$(BIN)/lint-imports

## The OpenAPI schema committed in docs/ must match the code.
schema: setup
	$(BIN)/isogov spectacular --file docs/openapi.yaml --validate --fail-on-warn

checks: setup
	$(BIN)/isogov makemigrations --check --dry-run
	ISOGOV_PRODUCTION=1 ISOGOV_SECRET_KEY=ci-check-$$(date +%s)-a-long-random-production-like-secret-key \
	  ISOGOV_ALLOWED_HOSTS=isogov.example.vn $(BIN)/isogov check --deploy --fail-level WARNING

messages: setup
	cd isogov && ../$(BIN)/isogov makemessages -l vi --no-obsolete && ../$(BIN)/isogov compilemessages -l vi

bench: setup
	$(BIN)/python bench/workcal_due.py
	$(BIN)/python bench/catalog_pages.py
	$(BIN)/python bench/dossier_intake.py
	$(BIN)/python bench/dossier_queue.py
	$(BIN)/python bench/api_write.py
	$(BIN)/python bench/bruteforce.py
	$(BIN)/python bench/http_edge.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
