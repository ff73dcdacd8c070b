"""Every number in the book's prose is printed or asserted by its page.

The rules (what a quantitative token is, what is skipped, what backs it) are in
the docstring of ``tests/claims.py``; in short: decimals, percentages, numbers
with a unit and integers of 1,000 or more, in prose and math but not in code,
each backed by a stored output or an ``assert`` of the same notebook, or listed
with its source in ``book/claims.toml``.
"""

import functools
import json
import pathlib

import pytest
from claims import assert_numbers, tokens, unbacked

ROOT = pathlib.Path(__file__).resolve().parents[1]


PAGES = sorted(p.name for p in (ROOT / "book").iterdir()
               if p.suffix in (".ipynb", ".md"))


@functools.lru_cache(maxsize=1)
def _book_claims():
    return tuple(unbacked(ROOT / "book"))


@pytest.mark.parametrize("page", PAGES)
def test_every_number_on_the_page_is_backed(page):
    missing = [claim for claim in _book_claims() if claim.page == page]
    assert not missing, "\n".join(str(claim) for claim in missing)


def _notebook(markdown, printed, code="x = 1"):
    return {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": [markdown]},
            {
                "cell_type": "code",
                "metadata": {},
                "source": [code],
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": [printed]}
                ],
                "execution_count": 1,
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _book(tmp_path, markdown, printed, code="x = 1", claims=""):
    (tmp_path / "ch.ipynb").write_text(json.dumps(_notebook(markdown, printed, code)))
    (tmp_path / "claims.toml").write_text(claims)
    return tmp_path


def test_a_printed_number_passes(tmp_path):
    book = _book(tmp_path, "The network reaches 0.93 accuracy.", "accuracy 0.93\n")
    assert unbacked(book) == []


def test_a_changed_number_fails_and_names_page_cell_and_number(tmp_path):
    book = _book(tmp_path, "The network reaches 0.94 accuracy.", "accuracy 0.93\n")
    missing = unbacked(book)
    assert [(c.page, c.cell, c.number) for c in missing] == [("ch.ipynb", 0, "0.94")]
    assert "ch.ipynb cell [0]" in str(missing[0]) and "0.94" in str(missing[0])


def test_rounding_must_match_what_is_printed(tmp_path):
    book = _book(tmp_path, "It scores 0.9 here.", "score 0.93\n")
    assert [c.number for c in unbacked(book)] == ["0.9"]


def test_an_asserted_number_passes_and_a_commented_one_does_not(tmp_path):
    code = "acc = 0.95\nassert acc > 0.9, acc\n# 0.8 is what we hoped\n"
    book = _book(tmp_path, "Above 0.9, never 0.8.", "done\n", code=code)
    assert [c.number for c in unbacked(book)] == ["0.8"]


def test_thousands_separators_do_not_matter(tmp_path):
    book = _book(
        tmp_path,
        "It has 1,663,370 parameters, $1{,}663{,}370$.",
        "parameters: 1663370\n",
    )
    assert unbacked(book) == []
    book = _book(tmp_path, "It has 1,663,371 parameters.", "parameters: 1663370\n")
    assert [c.number for c in unbacked(book)] == ["1663371"]


def test_a_number_is_matched_whole_not_as_part_of_another(tmp_path):
    book = _book(tmp_path, "It takes 3.5 s.", "13.55 s\n")
    assert [c.number for c in unbacked(book)] == ["3.5"]


def test_quoted_numbers_need_page_and_source(tmp_path):
    claims = (
        '[[quoted]]\npage = "ch.ipynb"\nnumbers = ["99.2%"]\n'
        'source = "LeCun et al. (1998), table 1"\n'
    )
    book = _book(tmp_path, "The paper reports 99.2% here.", "x\n", claims=claims)
    assert unbacked(book) == []
    other = claims.replace("ch.ipynb", "other.ipynb")
    book = _book(tmp_path, "The paper reports 99.2% here.", "x\n", claims=other)
    assert [c.number for c in unbacked(book)] == ["99.2"]
    with pytest.raises(ValueError, match="source"):
        _book(
            tmp_path,
            "99.2%",
            "x",
            claims=claims.replace("LeCun et al. (1998), table 1", ""),
        )
        unbacked(tmp_path)


def test_md_pages_are_backed_only_by_the_notebooks_claims_toml_names(tmp_path):
    book = _book(tmp_path, "prose", "accuracy 0.93\n")
    (book / "errata.md").write_text("# Errata\n\nChapter 1 measures 0.93.\n")
    assert [(c.page, c.number) for c in unbacked(book)] == [("errata.md", "0.93")]
    (book / "claims.toml").write_text('[backing]\n"errata.md" = ["ch.ipynb"]\n')
    assert unbacked(book) == []


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "accuracy 0.93 and 12% and 12\\% and 3.2 dB",
            ["0.93", "12%", "12\\%", "3.2 dB"],
        ),
        (
            "it took 40 s, 250 ms, 2 min and 5 minutes",
            ["40 s", "250 ms", "2 min", "5 minutes"],
        ),
        (
            "1,000 and 60000 images; 999 is small; kernel 3, stride 2",
            ["1,000", "60000"],
        ),
        ("math counts: $0.5 \\cdot x$ and $$y = 1{,}024$$", ["0.5", "1,024"]),
        ("code does not: `conv2d(x, 0.5)` nor {cite}`lecun1998`", []),
        ("```python\nlr = 0.001\n```\nprose 0.25", ["0.25"]),
        ("```{note}\nInside a note 0.75 counts.\n```", ["0.75"]),
        ("[a link](https://arxiv.org/abs/1603.07285) and conv2d, fc1", []),
        (":width: 80%\n\n32 second-layer maps", []),
        # a directive closed by a bare fence (sphinx-exercise's solution-start):
        # the prose after it counts, it is not read as the start of code
        ("````{solution-start} ch1-x\n:class: dropdown\n````\nso 3.75 it is",
         ["3.75"]),
        ("```{note}\nfirst 0.5\n```\n```\nlr = 0.001\n```\nthen 0.25",
         ["0.5", "0.25"]),
    ],
)
def test_tokens(markdown, expected):
    assert tokens(markdown) == expected


def test_assert_numbers_reads_only_asserts():
    source = "%matplotlib inline\nx = 0.5\nassert abs(x - 0.25) < 0.001, 'off by 0.1'\n"
    assert assert_numbers(source) == {"0.25", "0.001", "0.1"}
