from pathlib import Path

import pytest
import yaml

from codescale.configuration import validated
from codescale.experiments.grid import (
    allocation_runs,
    dirichlet_mixtures,
    expand_runs,
    run_spec,
    token_label,
    with_allocation,
)

CONFIG = validated(yaml.safe_load((Path(__file__).resolve().parents[3] / "config/config.yaml").read_text()))


@pytest.mark.parametrize("n, label", [(20000, "20k"), (4_000_000, "4m"), (400 * 10**9, "400b"),
                                      (1234, "1234")])
def test_token_label(n, label):
    assert token_label(n) == label


def test_embedded_grid():
    runs = expand_runs(CONFIG)
    scaling = [r for r in runs if r.family == "scaling"]
    assert len(scaling) == 7 * 3 * 3
    assert "scaling-python-m2-t40k" in {r.run for r in runs}
    assert len({r.run for r in runs}) == len(runs)
    spec = run_spec(next(r for r in runs if r.run == "scaling-python-m2-t40k"), CONFIG)
    assert spec["blend"] == {"prefixes": ["python/train"], "weights": [1.0]}
    assert spec["model"]["vocab"] == CONFIG["tokenizer"]["vocab_size"]


def test_strategy_runs_compare_organizations_on_the_same_blend():
    runs = [r for r in expand_runs(CONFIG) if r.family == "strategy"]
    exp = CONFIG["experiments"]["strategy"]
    assert len(runs) == len(exp["organizations"]) * len(exp["models"]) * len(exp["tokens"])
    spec = run_spec(next(r for r in runs if r.run == "strategy-pairing-m1-t80k"), CONFIG)
    assert spec["blend"]["prefixes"][0] == "parallel_pairing/train"
    assert spec["blend"]["weights"][0] == pytest.approx(exp["parallel_share"], abs=1e-5)
    assert sorted(spec["blend"]["prefixes"][1:]) == sorted(f"{lang}/train" for lang in CONFIG["languages"])
    assert spec["model"]["seq"] == exp["seq"] and spec["batch"] == exp["batch"]
    other = run_spec(next(r for r in runs if r.run == "strategy-shuffled-m1-t80k"), CONFIG)
    assert other["blend"]["weights"] == spec["blend"]["weights"]  # only the layout differs
    scaling = run_spec(expand_runs(CONFIG)[0], CONFIG)
    assert scaling["model"]["seq"] == CONFIG["train"]["seq"] and scaling["batch"] == CONFIG["train"]["batch"]


def test_mixtures_are_seeded_and_normalised():
    a = dirichlet_mixtures(["x", "y", "z"], 3, seed=1, concentration=1.0)
    assert a == dirichlet_mixtures(["x", "y", "z"], 3, seed=1, concentration=1.0)
    assert a != dirichlet_mixtures(["x", "y", "z"], 3, seed=2, concentration=1.0)
    assert all(abs(sum(m.values()) - 1) < 1e-5 for m in a)


def test_allocation_runs_and_optimized_blend():
    runs = allocation_runs(CONFIG)  # the embedded default: three seeds of each mixture
    assert [r.mixture for r in runs] == ["uniform"] * 3 + ["optimized"] * 3
    assert [r.seed for r in runs] == [0, 1, 2] * 2
    spec = run_spec(runs[3], CONFIG)
    alloc = {"mixtures": {"optimized": {"proportions": {"go": 0.75, "rust": 0.25, "java": 0.0}}}}
    spec = with_allocation(spec, alloc)
    assert spec["blend"] == {"prefixes": ["go/train", "rust/train"], "weights": [0.75, 0.25]}


def test_synergy_runs_pair_every_language_with_every_other_and_itself():
    cfg = dict(CONFIG, experiments={**CONFIG["experiments"], "synergy": {"models": ["m2"], "tokens": [128000]}})
    runs = [r for r in expand_runs(cfg) if r.family == "synergy"]
    assert len(runs) == 28  # 21 pairs + 7 self baselines
    by_id = {r.run: r for r in runs}
    assert by_id["synergy-java_csharp-m2-t128k"].weights == (("java", 0.5), ("csharp", 0.5))
    assert by_id["synergy-python_python-m2-t128k"].weights == (("python", 1.0),)
    assert "synergy-csharp_java-m2-t128k" not in by_id  # one run serves both targets
    self_spec = run_spec(by_id["synergy-python_python-m2-t128k"], cfg)
    # the paper's L(i+i): the target's own data repeated, two epochs of half the budget
    assert self_spec["blend"] == {"prefixes": ["python/train"], "weights": [1.0], "epochs": 2}
    assert self_spec["tokens"] == 128000
    pair_spec = run_spec(by_id["synergy-java_csharp-m2-t128k"], cfg)
    assert "epochs" not in pair_spec["blend"] and "replicate" not in pair_spec
    assert all("epochs" not in run_spec(r, cfg)["blend"] for r in expand_runs(cfg) if r.family != "synergy")


def test_seeds_replicate_every_family_and_leave_unseeded_runs_as_they_were():
    exp = CONFIG["experiments"]
    before = {r.run: run_spec(r, CONFIG) for r in expand_runs(dict(CONFIG, experiments={
        k: {kk: vv for kk, vv in v.items() if kk != "seeds"} for k, v in exp.items()}))}
    seeded = {k: {**v, "seeds": [0, 2]} for k, v in exp.items()}
    seeded["synergy"] = {"models": ["m1"], "tokens": [40000], "seeds": [0, 2]}
    runs = expand_runs(dict(CONFIG, experiments=seeded))
    by_id = {r.run: r for r in runs}
    r = by_id["synergy-java_csharp-m1-t40k-s2"]
    assert r.seed == 2 and "synergy-java_csharp-m1-t40k" not in by_id
    spec = run_spec(r, CONFIG)
    assert spec["seed"] == CONFIG["train"]["seed"] + 2 and spec["replicate"] == 2
    assert run_spec(by_id["synergy-java_csharp-m1-t40k-s0"], CONFIG)["replicate"] == 0
    for fam in ("scaling", "mixtures", "strategy"):
        fam_runs = [x for x in runs if x.family == fam]
        assert {x.seed for x in fam_runs} == {0, 2}
        assert len(fam_runs) == 2 * sum(1 for x in before.values() if x["family"] == fam)
    assert "scaling-python-m2-t40k-s0" in by_id and "strategy-pairing-m1-t80k-s2" in by_id
    assert len(by_id) == len(runs)
    # no seeds: today's ids and specs (seed = train.seed, no replicate key)
    plain = expand_runs(CONFIG)
    assert all(x.seed is None for x in plain if x.family != "synergy")
    assert {x.run: run_spec(x, CONFIG) for x in plain if x.family != "synergy"} == \
        {k: v for k, v in before.items() if v["family"] != "synergy"}
    assert all(s["seed"] == CONFIG["train"]["seed"] and "replicate" not in s
               for s in before.values())
    assert allocation_runs(dict(CONFIG, experiments=seeded)) == allocation_runs(CONFIG)


def test_seeds_must_be_unique_and_non_negative():
    for bad in ([1, 1], [-1]):
        cfg = dict(CONFIG, experiments={"scaling": {"models": ["m1"], "tokens": [20000], "seeds": bad}})
        with pytest.raises(ValueError, match="seeds"):
            expand_runs(cfg)


def test_natural_language_keeps_its_share_in_both_allocation_runs():
    cfg = dict(CONFIG, languages=[*CONFIG["languages"], "text"],
               allocation={**CONFIG["allocation"], "budgets": {"b400b": {"model": "m2", "tokens": 400 * 10**9,
                                                                        "text_tokens": 50 * 10**9}},
                           "seeds": []})
    uniform, optimized = allocation_runs(cfg)
    blend = run_spec(uniform, cfg)["blend"]
    weights = dict(zip(blend["prefixes"], blend["weights"], strict=True))
    assert weights["text/train"] == 0.125  # 50B of 400B
    assert weights["python/train"] == pytest.approx(0.125, abs=1e-6)  # 350B / 7 = 50B each
    alloc = {"tokens": 350 * 10**9, "text_tokens": 50 * 10**9,
             "mixtures": {"optimized": {"proportions": {"go": 0.6, "rust": 0.4}}}}
    spec = with_allocation(run_spec(optimized, cfg), alloc)
    assert dict(zip(spec["blend"]["prefixes"], spec["blend"]["weights"], strict=True)) == \
        {"go/train": 0.525, "rust/train": 0.35, "text/train": 0.125}
    assert all(r.run.split("-")[1] != "text" for r in expand_runs(cfg))  # no code family trains on text


def wsd_config(tokens, **family):
    import copy

    config = copy.deepcopy(CONFIG)
    config["experiments"]["scaling"].update({"tokens": tokens, "grid": "wsd", **family})
    return config


def test_wsd_grid_has_one_stable_run_per_language_model_seed_and_keeps_run_ids():
    from codescale.experiments.grid import stable_runs

    budgets = [40960 * 2**i for i in range(5)]    # 40, 80, ..., 640 steps of 8 x 128 tokens
    independent, wsd = wsd_config(budgets, grid="independent"), wsd_config(budgets, seeds=[0, 1])
    ids = {r.run for r in expand_runs(independent) if r.family == "scaling"}
    assert {r.run.removesuffix("-s0") for r in expand_runs(wsd) if r.family == "scaling" and r.seed == 0} == ids
    stable = [r for r in stable_runs(wsd) if r.family == "scaling"]
    assert len(stable) == 7 * 3 * 2 and "scaling-python-m2-stable-s1" in {r.run for r in stable}
    assert all(r.run not in {s.run for s in stable} for r in expand_runs(wsd))   # stable runs are not evaluated
    s = run_spec(next(r for r in stable if r.run == "scaling-python-m2-stable-s1"), wsd)
    assert s["stable"] == {"points": [34, 68, 136, 272, 544]} and s["tokens"] == 544 * 1024
    assert s["schedule"] == {"kind": "wsd", "lr": 0.01, "min_lr": 0.001, "warmup_steps": 17, "decay_steps": 0,
                             "decay_shape": "1-sqrt"}
    assert s["seed"] == CONFIG["train"]["seed"] + 1 and s["blend"]["stream_samples"] == 640 * 8
    b = run_spec(next(r for r in expand_runs(wsd) if r.run == "scaling-python-m2-t163840-s1"), wsd)
    assert b["branch"] == {"from": "scaling-python-m2-stable-s1", "step": 136, "decay_start": 136}
    assert b["schedule"]["decay_steps"] == 24 and b["schedule"]["warmup_steps"] == 17   # min(64, 34 // 2)
    assert b["tokens"] == 163840 and b["blend"]["stream_samples"] == 640 * 8 and b["seed"] == s["seed"]
    # tokens trained: the stable run once, then each branch from its point: <= 60% of the independent grid's
    per_step = 1024
    trained = sum(r.tokens for r in stable if r.seed == 0 and r.mixture == "python") + sum(
        r.tokens - r.wsd.start * per_step for r in expand_runs(wsd)
        if r.family == "scaling" and r.seed == 0 and r.mixture == "python")
    assert trained / (3 * sum(budgets)) <= 0.6


def test_independent_specs_are_unchanged_by_the_grid_keys():
    spec = run_spec(next(r for r in expand_runs(CONFIG) if r.run == "scaling-python-m2-t40k"), CONFIG)
    assert "branch" not in spec and "stream_samples" not in spec["blend"]
    assert spec["schedule"] == CONFIG["train"]["schedule"]


def test_wsd_ladder_is_the_doubling_grid_so_a_middle_budget_moves_only_its_branch():
    from codescale.experiments.grid import stable_runs

    def plan(tokens):
        config = wsd_config(tokens, languages=["python"], models=["m1"])
        stable = run_spec(stable_runs(config)[0], config)
        return stable, {r.tokens: run_spec(r, config) for r in expand_runs(config) if r.family == "scaling"}

    stable, branches = plan([40960, 81920, 163840])
    changed_stable, changed = plan([40960, 122880, 163840])   # 120 steps: branch point 102
    assert changed_stable == stable and stable["stable"]["points"] == [34, 68, 136]
    assert changed[122880]["branch"] == {"from": "scaling-python-m1-stable", "step": 68, "decay_start": 102}
    assert changed[40960] == branches[40960] and changed[163840] == branches[163840]


@pytest.mark.parametrize("family, message", [
    ({"tokens": [40960]}, "too short"),
])
def test_wsd_with_one_budget_fails_validation(family, message):
    import jsonschema

    config = yaml.safe_load((Path(__file__).resolve().parents[3] / "config/config.yaml").read_text())
    config["experiments"]["scaling"].update(grid="wsd", **family)
    with pytest.raises(jsonschema.ValidationError, match=message):
        validated(config)


def test_wsd_branch_point_inside_warmup_is_a_config_error():
    from codescale.configuration import ConfigError

    config = wsd_config([2048, 4096])   # 2 steps: the branch point is the warmup's only step
    with pytest.raises(ConfigError, match=r"experiments.scaling: the smallest budget 2048 .* inside the 1-step warmup"):
        expand_runs(config)
    config = wsd_config([40960, 81920], decay_fraction=0.99)   # branches at step 0
    with pytest.raises(ConfigError, match="decay_fraction 0.99"):
        expand_runs(config)
    with pytest.raises(ConfigError, match="branches at step 34, inside the 34-step warmup"):
        expand_runs(wsd_config([40960, 81920], warmup_steps=34))
    config = wsd_config([40960, 81920], warmup_steps=17)
    assert run_spec(expand_runs(config)[0], config)["schedule"]["warmup_steps"] == 17
