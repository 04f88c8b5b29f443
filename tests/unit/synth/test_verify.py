import pytest

from codescale.synth import verify
from codescale.synth.parallel import build_pairs
from codescale.synth.render import LANGUAGES


def test_programs_agree_in_every_present_language():
    records, report = verify.verify_programs([1, 2], workers=2)
    assert report["programs"] == 2
    runnable = [lang for lang, s in report["toolchains"].items() if s == "ok"]
    assert "python" in runnable
    for r in records:
        assert r["agree"], r.get("errors")
        assert set(r["outputs"]) == set(runnable)
        assert all(r["status"][lang] == "unverified" for lang in LANGUAGES if lang not in runnable)


def test_missing_toolchain_marks_language_unverified(monkeypatch):
    monkeypatch.setattr(verify, "availability",
                        lambda: {"python": "ok", "javascript": "missing node"})
    records, report = verify.verify_programs([3], languages=("python", "javascript"), workers=1)
    assert records[0]["status"]["javascript"] == "unverified"
    assert report["unverified_languages"] == ["javascript"]
    assert records[0]["agree"]  # what ran agrees; the rest is reported, not passed


def test_pairs_split_by_structure_and_pivot():
    records = []
    for seed in range(40):
        records.append({"seed": seed, "structure": f"s{seed % 10}", "agree": seed != 5,
                        "expected": "1\n", "sources": {lang: f"{lang}{seed}" for lang in LANGUAGES}})
    train, ev = build_pairs(records, list(LANGUAGES), eval_fraction=0.3)
    assert set(zip(train.src_lang, train.tgt_lang, strict=True)) == {
        (a, b) for a in LANGUAGES for b in LANGUAGES if a != b and "python" in (a, b)}
    assert len(set(zip(ev.src_lang, ev.tgt_lang, strict=True))) == 42
    structure = {f"prog{r['seed']:06d}": r["structure"] for r in records}
    assert not {structure[p] for p in train.program} & {structure[p] for p in ev.program}
    assert "prog000005" not in set(train.program) | set(ev.program)


def test_organizations():
    import pandas as pd

    from codescale.synth.organize import SEPARATOR, organize

    pairs = pd.DataFrame([
        {"pair_id": "p-python-go", "src_lang": "python", "tgt_lang": "go", "src": "print(1)",
         "tgt": "package main", "expected_output": "1\n", "program": "p"},
        {"pair_id": "p-go-python", "src_lang": "go", "tgt_lang": "python", "src": "package main",
         "tgt": "print(1)", "expected_output": "1\n", "program": "p"}])
    shuffled = organize(pairs, "shuffled", 0).to_pylist()
    assert sorted(d["content"] for d in shuffled) == ["package main", "print(1)"]   # each once
    pairing = organize(pairs, "pairing", 0).to_pylist()
    assert len(pairing) == 2 and all(SEPARATOR in d["content"] for d in pairing)
    prompt = organize(pairs, "prompt", 0).to_pylist()
    assert any(d["content"].startswith("Translate the following Python code to Go.") for d in prompt)
    direct = organize(pairs, "direct", 0).to_pylist()
    assert {d["content"] for d in direct} == {"print(1)\n\npackage main", "package main\n\nprint(1)"}


def test_user_supplied_pairs(tmp_path):
    import json

    import pytest

    from codescale.synth.parallel import PAIR_COLUMNS, read_user_pairs

    good = tmp_path / "pairs.jsonl"
    good.write_text(json.dumps({"pair_id": "a", "src_lang": "python", "tgt_lang": "go",
                                "src": "print(1)", "tgt": "package main"}) + "\n")
    frame = read_user_pairs(str(good))
    assert list(frame.columns) == PAIR_COLUMNS and frame.expected_output.isna().all()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"pair_id": "a", "src": "x"}) + "\n")
    with pytest.raises(ValueError, match="bad.jsonl.*src_lang"):
        read_user_pairs(str(bad))
    with pytest.raises(ValueError, match=r"pairs.jsonl: languages \['go'\] are not among"):
        read_user_pairs(str(good), ["python", "java"])
    corrupt = tmp_path / "corrupt.parquet"
    corrupt.write_bytes(b"not parquet")
    with pytest.raises(ValueError, match="corrupt.parquet: unreadable"):
        read_user_pairs(str(corrupt))


def test_user_pairs_join_the_corpus_without_eval_overlap(tmp_path):
    import json

    import pandas as pd

    from codescale.synth.parallel import PAIR_COLUMNS, merge_user_pairs, read_user_pairs

    rows = [{"pair_id": "t1", "src_lang": "python", "tgt_lang": "go", "src": "print(1)", "tgt": "GO1"},
            {"pair_id": "t2", "src_lang": "python", "tgt_lang": "go", "src": "print(2)", "tgt": "GO2"}]
    (tmp_path / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "eval.jsonl").write_text(json.dumps({"pair_id": "e1", "src_lang": "go", "tgt_lang": "python",
                                                     "src": "GO2", "tgt": "print(2)", "tests": "assert True"}) + "\n")
    empty = pd.DataFrame(columns=PAIR_COLUMNS)
    train, evaluation, dropped = merge_user_pairs(empty, empty, read_user_pairs(str(tmp_path / "train.jsonl")),
                                                  read_user_pairs(str(tmp_path / "eval.jsonl")))
    assert list(train.pair_id) == ["t1"] and dropped == 1  # t2 is the eval item reversed
    assert list(evaluation.pair_id) == ["e1"] and evaluation.tests.iloc[0] == "assert True"
    assert evaluation.program.iloc[0] == "user:e1"


def test_a_toolchain_that_fails_every_program_stops_synthesis():
    from codescale.synth.corpus import SynthesisError, check_toolchains

    records = [{"status": {"python": "ok", "typescript": "compile_error"},
                "errors": {"typescript": "compilation failed\nmain.ts: tsc: not found"}} for _ in range(40)]
    with pytest.raises(SynthesisError, match=r"typescript: 0 of 40 programs ran \(compile_error 40\); "
                                             r"first error: compilation failed.*preflight typescript"):
        check_toolchains(records, ("python", "typescript"))
    records[3]["status"]["typescript"] = "ok"  # one program passing means the toolchain works
    check_toolchains(records, ("python", "typescript"))
    unverified = [{"status": {"python": "ok", "go": "unverified"}}]  # absent toolchains are reported elsewhere
    check_toolchains(unverified, ("python", "go"))
