"""The configured runs in words, for figure titles and report captions: the Snakefile computes
these from the config when it is parsed (no plotting library is imported there) and hands them to
the plotting scripts as params, so a caption cannot drift from what was trained."""

from __future__ import annotations

from codescale.experiments.grid import family_seeds
from codescale.train.shape import ModelShape


def non_embedding_params(config: dict, model: str, seq: int | None = None) -> int:
    """N of a configured model (``config["models"][model]``) at the tokenizer's vocabulary."""
    shape = dict(config["models"][model], vocab=config["tokenizer"]["vocab_size"], seq=seq or config["train"]["seq"])
    return ModelShape.from_spec(shape).non_embedding_params()


def describe_strategy(config: dict) -> str:
    """What the ``strategy`` family trains, in words, for the figures' captions: organizations,
    models with their N, budgets, the parallel share, seeds ("" without the family)."""
    exp = config["experiments"].get("strategy")
    if not exp:
        return ""
    seq = exp.get("seq") or config["train"]["seq"]
    models = ", ".join(f"{m} (N = {non_embedding_params(config, m, seq):,})" for m in exp["models"])
    seeds = len(family_seeds(exp))
    return (
        f"{len(exp['organizations'])} organizations ({', '.join(exp['organizations'])}) × "
        f"{len(exp['models'])} models [{models} non-embedding parameters] × {len(exp['tokens'])} budgets "
        f"({', '.join(f'{t:,}' for t in exp['tokens'])} tokens, {exp['parallel_share']:.0%} of them parallel "
        f"code), {seeds} seed{'s' if seeds > 1 else ''} each, sequences of {seq} tokens"
    )


def describe_budgets(config: dict) -> dict[str, str]:
    """Each allocation budget's runs in words, for the figures and captions: the model with its
    N, the code (and natural-language) tokens, the seeds per mixture."""
    seeds = len(family_seeds(config["allocation"]))
    out = {}
    for name, b in config["allocation"]["budgets"].items():
        text = b.get("text_tokens") or 0
        out[name] = (
            f"model {b['model']}, N = {non_embedding_params(config, b['model']):,} non-embedding parameters, "
            f"{b['tokens']:,} code tokens"
            + (f" + {text:,} natural-language tokens" if text else "")
            + f", {seeds} seed{'s' if seeds > 1 else ''} per mixture"
        )
    return out


def graded_tasks(config: dict, family: str = "allocation") -> list[str]:
    """The checkpoint tasks (translation, humaneval, multipl_e) the family's runs are graded on."""
    tasks = config["evaluate"]
    return [t for t in ("translation", "humaneval", "multipl_e") if tasks.get(t) and family in tasks[t]["families"]]
