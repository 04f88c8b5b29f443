import json

import pandas as pd
import pytest

from codescale.curate.summary import EmptyLanguageWarning, empty_languages, summarize


def _write(tmp_path, name, stats):
    (tmp_path / name).write_text(json.dumps(stats))
    return tmp_path / name


def _drop(n, nbytes, *examples):
    return {"documents": n, "bytes": nbytes, "examples": list(examples)}


def test_summary_counts_input_once_and_kept_from_the_last_step(tmp_path):
    f = _write(tmp_path, "f.json", {"step": "filter", "lang": "go", "input": {"documents": 10, "bytes": 1000},
                                    "kept": {"documents": 8, "bytes": 800},
                                    "dropped": {"syntax_error": _drop(2, 200, "s:r/a.go")}})
    a = _write(tmp_path, "a.json", {"step": "assemble", "lang": "go", "input": {"documents": 8, "bytes": 800},
                                    "kept": {"documents": 7, "bytes": 700},
                                    "dropped": {"near_duplicate": _drop(1, 100)},
                                    "noted": {"dependency_analysis_error": _drop(1, 50, "s:r/b.go (IndexError)")}})
    rows = {r["step"]: r for r in summarize([f, a])}
    assert rows["input"]["documents"] == 10 and rows["kept"]["documents"] == 7
    assert rows["syntax_error"]["share_of_bytes"] == 0.2 and rows["syntax_error"]["examples"] == "s:r/a.go"
    assert {s: r["kind"] for s, r in rows.items()} == {
        "input": "input", "kept": "kept", "syntax_error": "dropped", "near_duplicate": "dropped",
        "dependency_analysis_error": "noted"}
    assert rows["near_duplicate"]["from_step"] == "assemble" and rows["syntax_error"]["from_step"] == "filter"


def test_every_reason_in_the_stats_files_gets_a_row(tmp_path):
    stats = {"step": "filter", "lang": "rust", "input": {"documents": 3, "bytes": 30},
             "kept": {"documents": 0, "bytes": 0},
             "dropped": {"a_reason_no_list_names": _drop(2, 20, "s:r/x.rs"), "too_small": _drop(1, 10)}}
    with pytest.warns(EmptyLanguageWarning):
        rows = summarize([_write(tmp_path, "f.json", stats)])
    assert {r["step"] for r in rows} == {"input", "a_reason_no_list_names", "too_small"}


def test_the_plot_shows_drops_only(tmp_path):
    from codescale.figures.curation import plot_curation

    f = _write(tmp_path, "f.json", {"step": "filter", "lang": "go", "input": {"documents": 10, "bytes": 1000},
                                    "kept": {"documents": 9, "bytes": 900}, "dropped": {"new_reason": _drop(1, 100)}})
    a = _write(tmp_path, "a.json", {"step": "assemble", "lang": "go", "input": {"documents": 9, "bytes": 900},
                                    "kept": {"documents": 9, "bytes": 900}, "dropped": {},
                                    "noted": {"dependency_analysis_error": _drop(9, 900)}})
    summary = pd.DataFrame(summarize([f, a]))
    plot_curation(summary, tmp_path / "c.pdf", tmp_path / "c.png")
    assert (tmp_path / "c.png").stat().st_size > 1000


def test_which_step_emptied_a_language(tmp_path):
    filter_go = {"step": "filter", "lang": "go", "input": {"documents": 40, "bytes": 4000},
                 "kept": {"documents": 0, "bytes": 0},
                 "dropped": {"syntax_error": _drop(31, 3100), "too_small": _drop(9, 900)}}
    filter_rs = {"step": "filter", "lang": "rust", "input": {"documents": 5, "bytes": 500},
                 "kept": {"documents": 5, "bytes": 500}, "dropped": {}}
    assemble_rs = {"step": "assemble", "lang": "rust", "input": {"documents": 5, "bytes": 500},
                   "kept": {"documents": 0, "bytes": 0}, "dropped": {"contaminated": _drop(5, 500)}}
    filter_py = {"step": "filter", "lang": "python", "input": {"documents": 0, "bytes": 0},
                 "kept": {"documents": 0, "bytes": 0}, "dropped": {}}
    files = [_write(tmp_path, f"{i}.json", s) for i, s in enumerate((filter_go, filter_rs, assemble_rs, filter_py))]
    assert empty_languages(files) == {
        "go": "language go: the filter step (filter_documents) dropped all 40 documents (syntax_error 31, too_small 9)",
        "python": "language python: no documents reached curation (the corpus stage, build_corpus, gave none)",
        "rust": "language rust: the assemble step (assemble_documents) dropped all 5 documents (contaminated 5)"}
    with pytest.warns(EmptyLanguageWarning) as warned:
        summarize(files)
    assert sorted(str(w.message) for w in warned) == sorted(empty_languages(files).values())


def test_unreadable_stats_name_the_file(tmp_path):
    (tmp_path / "x.json").write_text("{")
    with pytest.raises(ValueError, match=r"x.json: unreadable curation stats"):
        summarize([tmp_path / "x.json"])
