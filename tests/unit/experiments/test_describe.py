"""The configured runs in words (codescale.experiments.describe), as the captions state them."""

from pathlib import Path

import yaml

from codescale.experiments import describe


def test_describe_strategy_names_sizes_budgets_and_seeds():
    config = yaml.safe_load((Path(__file__).parents[3] / "config" / "config.yaml").read_text())
    text = describe.describe_strategy(config)
    n = describe.non_embedding_params(config, "m1", 512)
    assert f"m1 (N = {n:,})" in text and "40,000, 80,000 tokens" in text and "1 seed each" in text
    config["experiments"]["strategy"]["seeds"] = [0, 1, 2]
    assert "3 seeds each" in describe.describe_strategy(config)
    del config["experiments"]["strategy"]
    assert describe.describe_strategy(config) == ""


def test_budgets_and_graded_tasks_come_from_config():
    config = yaml.safe_load((Path(__file__).parents[3] / "config" / "config.yaml").read_text())
    config["allocation"]["budgets"]["b1"] = {"model": "m1", "tokens": 1000, "text_tokens": 200}
    text = describe.describe_budgets(config)
    assert "model m1" in text["b1"] and "1,000 code tokens + 200 natural-language tokens" in text["b1"]
    assert f"{len(config['allocation']['seeds'])} seeds per mixture" in text["b1"]
    config["evaluate"]["translation"]["families"] = ["strategy"]
    config["evaluate"]["humaneval"]["families"] = ["strategy", "allocation"]
    assert describe.graded_tasks(config) == ["humaneval"]
