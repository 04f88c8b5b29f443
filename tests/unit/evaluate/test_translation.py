"""Translation and completion scoring plumbing, with the model replaced by an oracle or a fixed
answer so that the expected BLEU and pass@1 are known."""

import pandas as pd
import pytest
from tokenizers import Tokenizer, decoders, models, pre_tokenizers

from codescale.evalsets.humaneval import Problem
from codescale.evaluate import completion, translation
from codescale.evaluate.completion import evaluate_completion, truncate
from codescale.evaluate.translation import clean_translation, evaluate_translation, select_items
from codescale.tokens.tokenizer import EOD

PY = "def f(x):\n    return x * 2\n\nprint(f(21))\n"
JS = "function f(x) {\n  return x * 2;\n}\n\nconsole.log(f(21));\n"


@pytest.fixture()
def tokenizer():
    vocab = {chr(i): i for i in range(256)}
    vocab[EOD] = 256
    tok = Tokenizer(models.WordLevel(vocab, unk_token="?"))
    tok.pre_tokenizer = pre_tokenizers.Split("", "isolated")
    tok.decoder = decoders.Fuse()
    tok.add_special_tokens([EOD])
    return tok


def _pairs():
    rows = []
    for program, (py, js) in enumerate([(PY, JS), (PY.replace("21", "5"), JS.replace("21", "5"))]):
        out = "42\n" if program == 0 else "10\n"
        rows.append({"pair_id": f"p{program}-py-js", "src_lang": "python", "tgt_lang": "javascript", "src": py,
                     "tgt": js, "expected_output": out, "program": f"p{program}"})
        rows.append({"pair_id": f"p{program}-js-py", "src_lang": "javascript", "tgt_lang": "python", "src": js,
                     "tgt": py, "expected_output": out, "program": f"p{program}"})
    return pd.DataFrame(rows)


def test_select_items_is_deterministic_per_direction():
    items = select_items(_pairs().sample(frac=1, random_state=0), 1)
    assert list(items.pair_id) == ["p0-js-py", "p0-py-js"]


def test_clean_translation_cuts_at_the_next_section():
    assert clean_translation(f"x = 1\n{EOD}junk", "direct") == "x = 1\n"
    assert clean_translation("x = 1\n### Java\nclass", "prompt") == "x = 1\n"
    assert clean_translation("x = 1\n<|translation|>\n<|java|>", "pairing") == "x = 1\n"


def _oracle(monkeypatch, tokenizer, pairs, wrong=False):
    """greedy_generate returns the reference (or a broken program) of each prompt's item."""
    by_prompt = {}
    for r in pairs.itertuples():
        prompt = translation.pair_text("prompt", r.src_lang, r.src, r.tgt_lang)
        answer = r.tgt.replace("2", "3") if wrong else r.tgt
        by_prompt[tuple(tokenizer.encode(prompt).ids)] = tokenizer.encode(answer + EOD).ids

    def fake(model, prompts, **kw):
        return [[t for t in by_prompt[tuple(p)] if t not in kw["stop_ids"]] for p in prompts]

    monkeypatch.setattr(translation, "greedy_generate", fake)
    monkeypatch.setattr(translation, "continuation_nll", lambda model, items, window: [(1.5 * len(t), len(t))
                                                                                     for _, t in items])


def test_oracle_translations_score_full_bleu_and_pass(monkeypatch, tokenizer):
    pairs = _pairs()
    _oracle(monkeypatch, tokenizer, pairs)
    out = evaluate_translation(None, tokenizer, pairs, {("python", "javascript")}, window=4096, fmt="prompt",
                               items_per_direction=2, generate_per_direction=2, max_new_tokens=64)
    r = out["results"]
    assert set(r) == {"python->javascript", "javascript->python"}
    assert r["python->javascript"]["kind"] == "seen" and r["javascript->python"]["kind"] == "unseen"
    for entry in r.values():
        assert entry["loss"] == pytest.approx(1.5) and entry["items"] == 2
        assert entry["bleu"] == pytest.approx(100.0)
        assert entry["pass@1"] == 1.0
    assert out["all_statuses"] == {"passed": 4}


def test_wrong_translations_fail_by_output(monkeypatch, tokenizer):
    pairs = _pairs()
    _oracle(monkeypatch, tokenizer, pairs, wrong=True)
    out = evaluate_translation(None, tokenizer, pairs, set(), window=4096, fmt="prompt",
                               items_per_direction=2, generate_per_direction=1, max_new_tokens=64)
    assert all(e["pass@1"] == 0.0 and e["generated"] == 1 and e["bleu"] < 100 for e in out["results"].values())
    assert out["all_statuses"] == {"wrong_output": 2}


def test_truncate_at_first_stop():
    assert truncate("    return 1\ndef g():\n", ("\ndef ",)) == "    return 1"
    assert truncate(f"    return 1{EOD}x", ()) == "    return 1"


def test_completion_passes_a_correct_body(monkeypatch, tokenizer):
    problems = [Problem("ok", "python", "def double(x):\n", "assert double(4) == 8\n", ("\ndef ",)),
                Problem("bad", "python", "def inc(x):\n", "assert inc(1) == 2\n", ("\ndef ",))]
    bodies = {"ok": "    return 2 * x\ndef junk(", "bad": "    return x\n"}

    def fake(model, prompts, **kw):
        return [tokenizer.encode(bodies[p.name]).ids for p in problems]

    monkeypatch.setattr(completion, "greedy_generate", fake)
    out = evaluate_completion(None, tokenizer, problems, window=4096, max_new_tokens=32, task="humaneval")
    assert out["results"]["python"]["pass@1"] == 0.5
    assert out["statuses"]["python"] == {"passed": 1, "error": 1}

