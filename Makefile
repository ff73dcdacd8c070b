# The course's commands. `make book` and `make test` are the whole set-up;
# `make check` is the quick loop while editing (ruff + every test not marked slow).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HTML   := _build/html

.PHONY: book test check test-gpu lab notebooks serve bench clean execute

# (Re)install only when requirements.txt or pyproject.toml changed. The
# distribution was named `companion` before: an old install of it is removed.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip uninstall --quiet --yes companion 2>/dev/null || true
	$(BIN)/python -m pip install --quiet --no-deps -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# A GPU machine's own environment (.venv-gpu): the CUDA builds of TensorFlow and
# PyTorch (requirements-gpu.txt); `make test` and .venv are untouched.
GPU_VENV  := .venv-gpu
GPU_STAMP := $(GPU_VENV)/.installed
GPU_BIN   ?= $(GPU_VENV)/bin
# The GPU suite: every GPU case of the device-parametrised tests (marker "gpu")
# and the GPU cross-check table. COURSE_REQUIRE_GPU=1 turns "no GPU visible"
# into a failure naming the framework (tests/test_gpu.py runs this very call
# on a machine without a GPU and checks that it fails).
GPU_PYTEST := COURSE_REQUIRE_GPU=1 $(GPU_BIN)/python -m pytest -m gpu -rfEs \
              -p no:cacheprovider tests

$(GPU_STAMP): requirements-gpu.txt requirements.txt pyproject.toml
	test -x $(GPU_VENV)/bin/python || $(PYTHON) -m venv $(GPU_VENV)
	$(GPU_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(GPU_VENV)/bin/python -m pip install --quiet -r requirements-gpu.txt
	$(GPU_VENV)/bin/python -m pip install --quiet --no-deps -e .
	$(GPU_VENV)/bin/python -c "import sys, torch; sys.exit(None if torch.version.cuda \
	  else 'torch ' + torch.__version__ + ' is a CPU build; the GPU suite needs CUDA')"
	touch $(GPU_STAMP)

test-gpu: $(GPU_STAMP)
	$(GPU_PYTEST)
	$(GPU_BIN)/python -m companion.crosscheck --device gpu

# The website's own small environment (.venv-book): requirements-book.txt, the
# book tools and what the API pages import, without TensorFlow or PyTorch.
# `make test` still builds the site from .venv (tests/test_book.py).
BOOK_VENV  := .venv-book
BOOK_STAMP := $(BOOK_VENV)/.installed

$(BOOK_STAMP): requirements-book.txt pyproject.toml
	test -x $(BOOK_VENV)/bin/python || $(PYTHON) -m venv $(BOOK_VENV)
	$(BOOK_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BOOK_VENV)/bin/python -m pip install --quiet -r requirements-book.txt
	$(BOOK_VENV)/bin/python -m pip install --quiet --no-deps -e .
	touch $(BOOK_STAMP)

book: $(BOOK_STAMP)
	$(BOOK_VENV)/bin/jupyter-book build . -W -n --keep-going
	@echo "The book is at $(abspath $(HTML))/index.html"

test: $(STAMP)
	$(BIN)/python -m pytest

# Lint, then every test not marked slow (no notebooks, book build, install
# check, browser tests or long runs), 25 hypothesis examples per property.
check: $(STAMP)
	$(BIN)/ruff check companion tests benchmarks book
	HYPOTHESIS_PROFILE=dev $(BIN)/python -m pytest -m "not slow" -q tests companion

# JupyterLab on the Colab copies (colab/): plain Markdown, solutions folded.
# book/ holds the website's MyST source, which JupyterLab would show raw.
lab: $(STAMP)
	$(BIN)/jupyter lab colab/

# Regenerate the Colab copies colab/*.ipynb from book/*.ipynb (commit them;
# tests/test_colab_copies.py fails when they are out of date).
notebooks: $(BOOK_STAMP)
	$(BOOK_VENV)/bin/python book/_ext/colab_copies.py

serve: book
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(BOOK_VENV)/bin/python -m http.server 8000 --bind 127.0.0.1 --directory $(HTML)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build .pytest_cache .hypothesis .ruff_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

# Re-execute one notebook in place and store its outputs: make execute NB=book/x.ipynb
execute: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.timeout=900 --ExecutePreprocessor.kernel_name=python3 $(NB)
