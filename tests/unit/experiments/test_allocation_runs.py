import pytest

from codescale.experiments.grid import allocation_budget_runs, allocation_runs, run_spec


def _config(**allocation):
    return {"languages": ["python", "go"],
            "allocation": {"budgets": {"b1": {"model": "m1", "tokens": 4000, "text_tokens": 0}}, **allocation},
            "models": {"m1": {"layers": 1, "hidden": 8, "heads": 2, "ffn": 24}},
            "tokenizer": {"vocab_size": 64},
            "train": {"seq": 16, "batch": {"global": 2, "micro": 2}, "schedule": {"kind": "cosine"},
                      "optimizer": {}, "precision": "fp32", "document_mask": True, "seed": 100}}


def test_without_seeds_one_run_per_mixture_as_before():
    runs = allocation_runs(_config())
    assert [r.run for r in runs] == ["allocation-uniform-m1-t4k", "allocation-optimized-m1-t4k"]
    assert all(r.seed is None for r in runs)


def test_seeds_give_one_run_per_mixture_and_seed():
    config = _config(seeds=[0, 1, 2])
    by_budget = allocation_budget_runs(config)
    assert [r.run for r in by_budget["b1"]["optimized"]] == [
        f"allocation-optimized-m1-t4k-s{i}" for i in range(3)]
    uniform = by_budget["b1"]["uniform"]
    assert [dict(r.weights) for r in uniform] == [{"python": 0.5, "go": 0.5}] * 3
    specs = [run_spec(r, config) for r in uniform]
    assert [s["seed"] for s in specs] == [100, 101, 102] and [s["replicate"] for s in specs] == [0, 1, 2]
    assert len(allocation_runs(config)) == 6


def test_duplicate_seeds_are_refused():
    with pytest.raises(ValueError, match="seeds must be unique"):
        allocation_runs(_config(seeds=[1, 1]))


def test_a_models_own_learning_rate_scales_its_schedule_and_leaves_the_others():
    from codescale.experiments.grid import Run

    config = _config()
    config["models"]["m2"] = {"layers": 1, "hidden": 16, "heads": 2, "ffn": 48, "lr": 0.003}
    config["train"]["schedule"] = {"kind": "cosine", "lr": 0.01, "min_lr": 0.001, "warmup_fraction": 0.1}
    plain = run_spec(Run("r1", "scaling", "go", "m1", 4000, (("go", 1.0),)), config)
    own = run_spec(Run("r2", "scaling", "go", "m2", 4000, (("go", 1.0),)), config)
    assert plain["schedule"] == config["train"]["schedule"]
    assert own["schedule"]["lr"] == 0.003 and own["schedule"]["min_lr"] == pytest.approx(0.0003)
    assert "lr" not in own["model"] and own["model"]["hidden"] == 16
