import numpy as np
import pytest

from codescale.curate.decontaminate import EvalIndex, contaminated, ngram_hashes
from codescale.curate.near_dedup import tokenize

PROMPT = '''from typing import List


def below_zero_streak(operations: List[int], limit: int) -> bool:
    """ Given a list of deposit and withdrawal operations on a bank account that starts with
    zero balance, detect whether the balance stays below zero for more than limit operations.
    >>> below_zero_streak([1, -3, 1, -1], 1)
    True
    >>> below_zero_streak([1, 2, -3], 1)
    False
    """
'''
SOLUTION = '''    balance = 0
    streak = 0
    for op in operations:
        balance += op
        streak = streak + 1 if balance < 0 else 0
        if streak > limit:
            return True
    return False
'''
OTHER = '''def rolling_checksum(data: bytes, window: int) -> list[int]:
    """Adler-style rolling sums of every window of the data."""
    sums = [sum(data[:window])]
    for i in range(window, len(data)):
        sums.append(sums[-1] + data[i] - data[i - window])
    return sums
'''
EVAL = [("HumanEval/900", PROMPT + SOLUTION), ("translation:7:src", OTHER), ("short", "return None")]

HOST = '''import os
import sys


def load_config(path):
    with open(path) as f:
        return f.read()


class Account:
    def __init__(self, owner):
        self.owner = owner
        self.history = []

'''


@pytest.fixture(scope="module")
def index():
    return EvalIndex(EVAL, n=10)


def test_ngram_hashes():
    h = ngram_hashes("a b c d e f g h i j k l", 10)
    assert h.dtype == np.uint64 and h.size == 3 and (np.diff(h.astype(object)) > 0).all()  # sorted, distinct
    assert ngram_hashes("a b c d e f g h i j a b c d e f g h i j", 10).size == 10  # 11 n-grams, 1 repeated
    assert ngram_hashes("return None", 10).size == 1  # shorter than n: one n-gram of all tokens
    assert ngram_hashes("", 10).size == 0 and ngram_hashes(" ;\n", 10).size == 0
    assert np.array_equal(ngram_hashes(PROMPT, 10), ngram_hashes(PROMPT, 10))


def test_planted_solution_is_found_with_its_id(index):
    doc = HOST + PROMPT + SOLUTION + "\n\nprint(load_config(sys.argv[1]))\n"
    assert index.match(doc)[0] >= 50
    assert index.match(doc)[1] == "HumanEval/900"
    assert contaminated(index, doc) == "HumanEval/900"
    just_solution = HOST + "def check(operations, limit):\n" + SOLUTION  # the body alone, renamed
    assert contaminated(index, just_solution) == "HumanEval/900"
    assert contaminated(index, HOST + OTHER) == "translation:7:src"


def test_item_sharing_most_ngrams_is_reported(index):
    doc = OTHER + PROMPT + SOLUTION  # overlaps both items; HumanEval/900 by more n-grams
    assert contaminated(index, doc) == "HumanEval/900"
    assert index.match(doc)[0] == index.match(PROMPT + SOLUTION)[0] + index.match(OTHER)[0]


def test_common_phrases_are_not_contamination(index):
    doc = HOST + '''def scan(x, y):
    for i in range(len(x)):
        if x[i] == y:
            return i
    return None


def total(values):
    result = 0
    for op in values:
        result += op
    return result
'''
    assert index.match(doc)[0] == 0
    assert contaminated(index, doc) is None
    assert contaminated(index, "return None") == "short"  # a short item matches only the same tokens
    assert contaminated(index, "x = 1\nreturn None\n") is None


def test_formatting_changes_still_match(index):
    reformatted = "def below_zero_streak(operations:List[int],limit:int)->bool:\n" + "".join(
        line.strip() + ("; " if i % 2 else "\n") for i, line in enumerate(SOLUTION.splitlines()))
    assert tokenize(reformatted)[-20:] == tokenize(SOLUTION)[-20:]
    assert contaminated(index, HOST + reformatted) == "HumanEval/900"
    assert contaminated(index, HOST + SOLUTION.replace("    ", "\t")) == "HumanEval/900"


def test_min_matches(index):
    doc = HOST + "\n".join(SOLUTION.splitlines()[:4]) + "\n"  # a small part of the solution
    count = index.match(doc)[0]
    assert 0 < count < 10
    assert contaminated(index, doc, min_matches=count) == "HumanEval/900"
    assert contaminated(index, doc, min_matches=count + 1) is None
    assert contaminated(index, HOST, min_matches=0) is None  # no overlap is never contamination


def test_numeric_ngrams_are_not_indexed():
    table = "DIGITS = (0, 1, 2, 3, 4, 5, 6, 7, 8, 9)\n"
    digits = EvalIndex([("HumanEval/78", 'Hexadecimal digits are 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, A, B, C, D, E, F.')])
    assert contaminated(digits, table) is None
    assert contaminated(EvalIndex(digits_items := [("x", "0 1 2 3 4 5 6 7 8 9")], skip_numeric=False),
                        table) == digits_items[0][0]


def test_empty_text_and_empty_index(index):
    assert index.match("")[0] == 0 and index.match("")[1] is None and contaminated(index, "") is None
    empty = EvalIndex([], n=10)
    assert len(empty) == 0 and contaminated(empty, PROMPT) is None
    assert EvalIndex([("blank", "  \n")]).match(" \n ")[0] == 0


def test_save_load_round_trip(index, tmp_path):
    path = tmp_path / "eval" / "index.npz"
    index.save(path)
    assert [p.name for p in path.parent.iterdir()] == ["index.npz"]  # no temporary left behind
    loaded = EvalIndex.load(path)
    assert loaded.n == 10 and loaded.ids == index.ids and len(loaded) == len(index)
    assert np.array_equal(loaded.hashes, index.hashes) and np.array_equal(loaded.items, index.items)
    doc = HOST + PROMPT + SOLUTION
    assert contaminated(loaded, doc) == "HumanEval/900" and loaded.match(doc)[0] == index.match(doc)[0]
    EvalIndex([], n=13).save(path)  # overwrites
    assert EvalIndex.load(path).n == 13 and len(EvalIndex.load(path)) == 0
    path2 = tmp_path / "plain_name"  # no .npz appended
    index.save(path2)
    assert path2.exists() and EvalIndex.load(path2).ids == index.ids


def test_index_is_deterministic_and_n_matters():
    a, b = EvalIndex(EVAL, n=10), EvalIndex(list(EVAL), n=10)
    assert np.array_equal(a.hashes, b.hashes)
    assert len(EvalIndex(EVAL, n=5)) > len(a)
    doc = HOST + "for op in operations:\n    balance += op\n"  # 6 tokens shared: matches at n = 5, not 10
    assert a.match(doc)[0] == 0 and EvalIndex(EVAL, n=5).match(doc)[0] > 0
