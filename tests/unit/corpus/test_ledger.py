import pytest

from codescale.corpus.ledger import Ledger, LedgerError, check_balance, top_reasons


def test_every_reason_seen_is_reported_with_examples():
    ledger = Ledger()
    for i in range(5):
        ledger.count("byte_cap", f"r/f{i}.py", 10)
    ledger.count("a_new_reason", "r/x.py", 3, detail="why")
    ledger.expect("undefined_name")
    assert ledger.dropped() == {
        "a_new_reason": {"documents": 1, "bytes": 3, "examples": ["r/x.py (why)"]},
        "byte_cap": {"documents": 5, "bytes": 50, "examples": ["r/f0.py", "r/f1.py", "r/f2.py"]},
        "undefined_name": {"documents": 0, "bytes": 0, "examples": []}}
    assert ledger.total() == 6


def test_top_reasons():
    assert top_reasons({"byte_cap": 31, "not_utf8": 9, "empty": 0}) == "byte_cap 31, not_utf8 9"
    assert top_reasons({"a": 1, "b": 2, "c": 3, "d": 4}, k=2) == "d 4, c 3, 2 more reasons"
    assert top_reasons({}) == "nothing dropped"


def test_check_balance():
    ledger = Ledger()
    ledger.count("too_small", "r/a.py", 5)
    check_balance("filter go/part000", {"documents": 3, "bytes": 25}, {"documents": 2, "bytes": 18},
                  ledger.dropped(), changed={"bytes": 2})
    with pytest.raises(LedgerError, match=r"filter go/part000: 4 documents in, but 2 kept \+ 1 dropped = 3 "
                                          r"\(too_small 1\).*a bug in the step"):
        check_balance("filter go/part000", {"documents": 4, "bytes": 25}, {"documents": 2, "bytes": 20},
                      ledger.dropped())
