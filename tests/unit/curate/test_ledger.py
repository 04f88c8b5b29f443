import pyarrow.parquet as pq

from codescale.curate.ledger import CurationLedger, totals

DOC = {"doc_id": "d1", "source": "s", "repo": "r", "path": "a.py", "lang": "python", "bytes": 7, "content": "x = 1\n"}


def test_drops_flag_and_notes_keep(tmp_path):
    ledger = CurationLedger(keep_content=True)
    ledger.drop(DOC, "syntax_error", "line 1")
    ledger.note({**DOC, "path": "b.py"}, "dependency_analysis_error", "IndexError")
    assert ledger.dropped() == {"syntax_error": {"documents": 1, "bytes": 7, "examples": ["s:r/a.py (line 1)"]}}
    assert ledger.notes.dropped() == {"dependency_analysis_error": {
        "documents": 1, "bytes": 7, "examples": ["s:r/b.py (IndexError)"]}}
    ledger.write_flagged(tmp_path / "f.parquet")
    rows = pq.read_table(tmp_path / "f.parquet").to_pylist()
    assert [(r["path"], r["reason"], r["content"]) for r in rows] == [("a.py", "syntax_error", "x = 1\n")]
    assert totals([DOC, DOC]) == {"documents": 2, "bytes": 14}
