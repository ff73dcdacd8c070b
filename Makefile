# The course's commands. `make book` and `make test` are the whole set-up;
# `make check` is the quick loop while editing (ruff + every test not marked slow).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HTML   := _build/html

.PHONY: book test check test-gpu test-gpu-cases gpu-cases-tf gpu-table-tf \
        gpu-cases-torch gpu-table-torch lab notebooks serve bench clean execute

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

# A GPU machine's own environments, one per framework: PyPI's torch 2.13.0 wants
# the CUDA 13 libraries and tensorflow[and-cuda] 2.21.0 the CUDA 12 ones, and
# their nvidia-* wheels write the same files, so they cannot share one
# (requirements-gpu-tf.txt, requirements-gpu-torch.txt). `make test` and .venv
# are untouched.
GPU_TF_VENV    := .venv-gpu-tf
GPU_TORCH_VENV := .venv-gpu-torch
GPU_TF_BIN     ?= $(GPU_TF_VENV)/bin
GPU_TORCH_BIN  ?= $(GPU_TORCH_VENV)/bin
# The test files that hold GPU cases (tests/test_gpu.py checks this list).
GPU_TESTS := tests/test_backward.py tests/test_conv.py tests/test_crosscheck.py \
             tests/test_gpu.py tests/test_pooling.py tests/test_resize.py \
             tests/test_subpixel.py tests/test_transposed.py
# The GPU cases of one framework (marker "gpu", ids [tf-gpu] or [torch-gpu]).
# COURSE_REQUIRE_GPU=1 turns "no GPU visible" into a failure naming the
# framework (tests/test_gpu.py runs this very call on a machine without a GPU
# and checks that it fails).
GPU_PYTEST = COURSE_REQUIRE_GPU=1 $(1)/python -m pytest -m gpu -k "$(2)-gpu" -rfEs \
             -p no:cacheprovider -o addopts="--strict-markers" $(GPU_TESTS)

define gpu_venv
	test -x $(1)/bin/python || $(PYTHON) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --upgrade pip
	$(1)/bin/python -m pip install --quiet -r $(2)
	$(1)/bin/python -m pip install --quiet --no-deps -e .
endef

$(GPU_TF_VENV)/.installed: requirements-gpu-tf.txt requirements.txt pyproject.toml
	$(call gpu_venv,$(GPU_TF_VENV),requirements-gpu-tf.txt)
	touch $@

$(GPU_TORCH_VENV)/.installed: requirements-gpu-torch.txt requirements.txt pyproject.toml
	$(call gpu_venv,$(GPU_TORCH_VENV),requirements-gpu-torch.txt)
	$(GPU_TORCH_VENV)/bin/python -c "import sys, torch; sys.exit(None if torch.version.cuda \
	  else 'torch ' + torch.__version__ + ' is a CPU build; the GPU suite needs CUDA')"
	touch $@

# First one convolution per framework on its GPU (on failure it names the
# framework and the library that does not load), then each framework's GPU
# cases and its GPU cross-check table (-k: all four run, whichever fails).
test-gpu: $(GPU_TF_VENV)/.installed $(GPU_TORCH_VENV)/.installed
	$(GPU_TF_BIN)/python -m companion.crosscheck --smoke --framework tensorflow
	$(GPU_TORCH_BIN)/python -m companion.crosscheck --smoke --framework torch
	$(MAKE) --no-print-directory -k test-gpu-cases

test-gpu-cases: gpu-cases-tf gpu-table-tf gpu-cases-torch gpu-table-torch

gpu-cases-tf:
	$(call GPU_PYTEST,$(GPU_TF_BIN),tf)

gpu-table-tf:
	$(GPU_TF_BIN)/python -m companion.crosscheck --device gpu --framework tensorflow

gpu-cases-torch:
	$(call GPU_PYTEST,$(GPU_TORCH_BIN),torch)

gpu-table-torch:
	$(GPU_TORCH_BIN)/python -m companion.crosscheck --device gpu --framework torch

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
