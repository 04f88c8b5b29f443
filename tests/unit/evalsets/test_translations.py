import pandas as pd

from codescale.evalsets.translations import held_out_pairs


def test_held_out_pairs_are_the_corpus_eval_pairs(tmp_path):
    pairs = pd.DataFrame({"pair_id": ["p0-python-java"], "src_lang": ["python"], "tgt_lang": ["java"],
                          "src": ["print(1)\n"], "tgt": ["class A {}\n"], "expected_output": ["1\n"],
                          "tests": [None], "program": ["p0"]})
    pairs.to_parquet(tmp_path / "eval_pairs.parquet", index=False)
    pd.testing.assert_frame_equal(held_out_pairs(tmp_path), pairs)
    assert list(held_out_pairs(tmp_path, ["pair_id", "src", "tgt"]).columns) == ["pair_id", "src", "tgt"]
