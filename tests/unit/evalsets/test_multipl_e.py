import json

import pytest

from codescale.evalsets.multipl_e import multipl_e_problems


def test_multipl_e_file_errors_name_the_line(tmp_path):
    good = {"name": "HumanEval_0", "prompt": "function f() {\n", "tests": "}\n", "stop_tokens": ["\n}"]}
    path = tmp_path / "humaneval-js.jsonl"
    path.write_text(json.dumps(good) + "\n{broken\n")
    with pytest.raises(ValueError, match=r"humaneval-js.jsonl:2: not JSON"):
        multipl_e_problems("javascript", path)
    path.write_text(json.dumps(good) + "\n")
    assert multipl_e_problems("javascript", path)[0].stops == ("\n}",)
    with pytest.raises(FileNotFoundError, match="missing.jsonl"):
        multipl_e_problems("javascript", tmp_path / "missing.jsonl")


def test_multipl_e_names_missing_fields_and_empty_files(tmp_path):
    path = tmp_path / "humaneval-rs.jsonl"
    path.write_text(json.dumps({"name": "HumanEval_0", "prompt": "fn f() {\n"}) + "\n")
    with pytest.raises(ValueError, match=r"humaneval-rs.jsonl:1: MultiPL-E problem lacks \['tests'\]"):
        multipl_e_problems("rust", path)
    path.write_text("\n")
    with pytest.raises(ValueError, match="no problems"):
        multipl_e_problems("rust", path)
