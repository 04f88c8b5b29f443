"""strategy_table over replicate seeds: per (organization, model, budget) the mean over seeds of
every metric with its sd, 95% t-interval and n_seeds, checked against numpy and scipy."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from codescale.evaluate.summary import STRATEGY_METRICS, strategy_runs, strategy_table

DIRECTIONS = (("python->go", "seen"), ("go->python", "seen"), ("go->rust", "unseen"), ("rust->go", "unseen"))


def strategy_summary(seeds=(0, 1, 2), with_seed=True, rng_seed=0, orgs=("shuffled", "pairing"),
                     params=(1e5, 2e5), budgets=(1000,)) -> pd.DataFrame:
    rng = np.random.default_rng(rng_seed)
    rows = []
    for org in orgs:
        for n in params:
            for tokens in budgets:
                for seed in seeds:
                    run = f"strategy-{org}-{n:g}-t{tokens}-s{seed}"
                    base = {"run": run, "family": "strategy", "model": f"m{n:g}", "params": n, "tokens": tokens,
                            "mixture": org, "seed": seed}
                    for direction, kind in DIRECTIONS:
                        for metric, value in (("loss", 3.0 + rng.normal(0, 0.1)), ("bleu", rng.uniform(5, 30)),
                                              ("pass@1", rng.uniform(0, 1)), ("items", 10.0)):
                            rows.append({**base, "task": "translation", "lang_or_direction": direction,
                                         "direction_kind": kind, "metric": metric, "value": value})
                    rows.append({**base, "task": "humaneval", "lang_or_direction": "python", "direction_kind": "",
                                 "metric": "pass@1", "value": rng.uniform(0, 1)})
    # a run of another family is ignored
    rows.append({**rows[0], "run": "scaling-go", "family": "scaling", "value": 99.0})
    frame = pd.DataFrame(rows)
    return frame if with_seed else frame.drop(columns="seed")


def _expected(summary, org, n, tokens, kind, metric):
    """The per-seed values of one metric: each run's mean over its directions of that kind."""
    sub = summary[(summary.family == "strategy") & (summary.mixture == org) & (summary.params == n)
                  & (summary.tokens == tokens)]
    if kind == "humaneval":
        sub = sub[(sub.task == "humaneval") & (sub.metric == metric)]
    else:
        sub = sub[(sub.task == "translation") & (sub.direction_kind == kind) & (sub.metric == metric)]
    return sub.groupby("run").value.mean().to_numpy()


def test_means_sd_and_interval_over_seeds_match_numpy():
    summary = strategy_summary(budgets=(1000, 2000))
    table = strategy_table(summary)
    assert len(table) == 2 * 2 * 2  # organizations x sizes x budgets, one row for all three seeds
    assert (table.n_seeds == 3).all() and set(table.seeds) == {"0;1;2"}
    t = stats.t.ppf(0.975, 2)
    for row in table.itertuples(index=False):
        row = row._asdict()
        assert row["runs"].count(";") == 2
        for column in STRATEGY_METRICS:
            kind, metric = column.split("_", 1)
            values = _expected(summary, row["organization"], row["params"], row["tokens"], kind, metric)
            assert len(values) == 3
            got = {k: v for k, v in zip(table.columns, row.values(), strict=True)}
            assert got[column] == pytest.approx(values.mean())
            assert got[f"{column}_sd"] == pytest.approx(values.std(ddof=1))
            half = t * values.std(ddof=1) / math.sqrt(3)
            assert got[f"{column}_ci95_low"] == pytest.approx(values.mean() - half)
            assert got[f"{column}_ci95_high"] == pytest.approx(values.mean() + half)
    # sorted by size, then budget, then organization
    assert list(table.params) == sorted(table.params)


def test_one_seed_and_no_seed_column():
    for summary in (strategy_summary(seeds=(0,)), strategy_summary(seeds=(0,), with_seed=False)):
        table = strategy_table(summary)
        assert len(table) == 4 and (table.n_seeds == 1).all() and set(table.seeds) == {"0"}
        assert table.seen_loss_sd.isna().all() and table.seen_loss_ci95_low.isna().all()
        row = table[(table.organization == "pairing") & (table.params == 1e5)].iloc[0]
        assert row.seen_loss == pytest.approx(_expected(summary, "pairing", 1e5, 1000, "seen", "loss")[0])
        assert row.runs == "strategy-pairing-100000-t1000-s0"


def test_a_metric_some_seeds_lack_is_averaged_over_the_others():
    summary = strategy_summary()
    lack = (summary.run == "strategy-pairing-100000-t1000-s1") & (summary.task == "humaneval")
    table = strategy_table(summary[~lack])
    row = table[(table.organization == "pairing") & (table.params == 1e5)].iloc[0]
    values = _expected(summary[~lack], "pairing", 1e5, 1000, "humaneval", "pass@1")
    assert len(values) == 2 and row.n_seeds == 3
    assert row["humaneval_pass@1"] == pytest.approx(values.mean())
    assert row["humaneval_pass@1_sd"] == pytest.approx(values.std(ddof=1))


def test_per_run_rows_keep_every_seed():
    runs = strategy_runs(strategy_summary())
    assert len(runs) == 2 * 2 * 3 and sorted(set(runs.seed)) == [0, 1, 2]
    assert set(runs.columns) >= {"run", "organization", "model", "params", "tokens", "seed", *STRATEGY_METRICS}


def test_empty_summary_gives_the_columns():
    table = strategy_table(strategy_summary()[lambda f: f.family == "scaling"])
    assert table.empty and {"organization", "n_seeds", "seen_loss", "seen_loss_sd"} <= set(table.columns)
