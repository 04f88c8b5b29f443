"""Expand the ``experiments`` config into runs.

Run ids read ``{family}-{mixture}-{model}-{tokens}`` (``scaling-python-m2-t40k``; a synergy
run's mixture names target and auxiliary, ``synergy-java_csharp-m2-t128b``). A family with
``seeds`` (replicate indices) has one run per seed, its id ending in ``-s{seed}``
(``synergy-java_csharp-m1-t40k-s1``) and its spec's ``seed`` ``train.seed + seed``; a family
without ``seeds`` has one run whose id and spec are as before seeds existed. A run spec is
everything the trainer needs, so two runs with equal specs are the same experiment; the train rule
receives the spec as a JSON param, which makes a change of any knob rerun exactly the runs it
touches.

A family with several ``tokens`` budgets may set ``grid: wsd`` (default ``independent``): per
(mixture, model, seed) one *stable run* (``scaling-python-m2-stable``) trains at constant rate after
a fixed warmup and saves a checkpoint at each point of its *ladder*; each budget's run keeps its
usual id but starts from the ladder's latest checkpoint at or before its branch point (the step
after which its last ``decay_fraction`` of steps decay), trains at the stable rate up to that point
and decays (:func:`wsd_plan`). The ladder is the branch points of the budgets doubling from the
smallest to the largest, so a doubling grid's branches start exactly at their branch points and
changing a budget between the smallest and the largest reruns only its branch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from codescale.configuration import ConfigError, code_languages
from codescale.train.schedule import branch_point

WSD_FAMILIES = ("scaling", "mixtures")


def token_label(tokens: int) -> str:
    """20000 -> '20k', 4_000_000 -> '4m', 400_000_000_000 -> '400b' (exact, else digits)."""
    for div, suffix in ((10**9, "b"), (10**6, "m"), (10**3, "k")):
        if tokens % div == 0:
            return f"{tokens // div}{suffix}"
    return str(tokens)


def run_id(family: str, mixture: str, model: str, tokens: int, seed: int | None = None) -> str:
    base = f"{family}-{mixture}-{model}-t{token_label(tokens)}"
    return base if seed is None else f"{base}-s{seed}"


def stable_run_id(family: str, mixture: str, model: str, seed: int | None = None) -> str:
    """The stable run of a WSD grid: ``scaling-python-m2-stable`` (``-s{seed}`` when seeded)."""
    base = f"{family}-{mixture}-{model}-stable"
    return base if seed is None else f"{base}-s{seed}"


def family_seeds(family: dict) -> list[int | None]:
    """The replicate indices of a family's runs: its ``seeds``, or ``[None]`` (one run, no
    suffix) when it has none."""
    seeds = family.get("seeds")
    if not seeds:
        return [None]
    if len(set(seeds)) != len(seeds) or any(int(s) < 0 for s in seeds):
        raise ValueError(f"experiments: seeds must be unique and >= 0, got {seeds}")
    return [int(s) for s in seeds]


@dataclass(frozen=True)
class WSD:
    """A run's place in a WSD grid (steps are optimizer steps of ``train.batch`` × ``train.seq``)."""

    stable: str                   # the stable run's id
    warmup_steps: int             # the stable run's warmup, shared by every branch
    stream_samples: int           # the data stream (built for the largest budget) all of them read
    decay_shape: str              # linear | 1-sqrt
    points: tuple[int, ...] = ()  # stable run: the steps it saves checkpoints at (its ladder)
    start: int = 0                # branch: the stable checkpoint it loads (a ladder point)
    decay_start: int = 0          # branch: its branch point, the first step of its decay

    @property
    def is_stable(self) -> bool:
        return bool(self.points)


@dataclass(frozen=True)
class Run:
    run: str
    family: str
    mixture: str
    model: str
    tokens: int
    weights: tuple[tuple[str, float], ...]  # (dataset, weight); empty when read from allocation
    seq: int | None = None      # family override of train.seq (strategy: a pair must fit a sequence)
    batch: tuple[int, int] | None = None  # family override of train.batch (global, micro)
    seed: int | None = None     # replicate index (family `seeds`); None: the family has no seeds
    epochs: int = 1             # >1: 1/epochs of the budget's unique samples, each seen `epochs` times
    wsd: WSD | None = None      # WSD grid: the stable run or a branch of it (None: independent run)

    def blend(self) -> dict:
        names = [d for d, _ in self.weights]
        total = sum(w for _, w in self.weights)
        return {"datasets": names, "weights": [w / total for _, w in self.weights]}


def dirichlet_mixtures(languages: list[str], count: int, seed: int, concentration: float
                       ) -> list[dict[str, float]]:
    """``count`` seeded Dirichlet draws over ``languages`` (rounded to 4 decimals, renormalised)."""
    rng = np.random.default_rng(seed)
    draws = rng.dirichlet([concentration] * len(languages), size=count)
    out = []
    for row in draws:
        row = np.maximum(np.round(row, 4), 1e-4)
        row = row / row.sum()
        out.append({lang: float(round(p, 6)) for lang, p in zip(languages, row, strict=True)})
    return out


def _steps(tokens: int, config: dict) -> int:
    per_step = config["train"]["batch"]["global"] * config["train"]["seq"]
    return max(1, -(-int(tokens) // per_step))


def wsd_plan(family: str, spec: dict, config: dict) -> dict:
    """The WSD grid of one family in steps: ``warmup`` (the family's ``warmup_steps``, else the
    largest budget's ``warmup_fraction`` of its steps, at most half the smallest budget's branch
    point; one warmup for all),
    ``stream_samples`` (the largest budget's samples), ``ladder`` (the stable run's checkpoint
    steps, its last one the largest budget's branch point) and, per budget, ``(branch point, ladder
    start)``. Raises ``ConfigError`` naming the key when the grid cannot branch."""
    key = f"experiments.{family}"
    tokens = sorted({int(t) for t in spec["tokens"]})
    if len(tokens) < 2:
        raise ConfigError(f"{key}.grid: wsd needs at least two token budgets, got {spec['tokens']}")
    fraction = spec["decay_fraction"]
    schedule = config["train"]["schedule"]
    steps = {t: _steps(t, config) for t in tokens}
    points = {t: branch_point(steps[t], fraction) for t in tokens}
    first = points[tokens[0]]
    # The largest budget's warmup_fraction, but over by half the smallest budget's branch point: a
    # warmup of the smallest budget's 10% is too short for the long runs (bench/results/wsd_grid.md).
    warmup = spec.get("warmup_steps") or max(1, min(int(round(schedule["warmup_fraction"] * steps[tokens[-1]])),
                                                    first // 2))
    if first <= warmup:
        raise ConfigError(f"{key}: the smallest budget {tokens[0]} ({steps[tokens[0]]} steps) branches at "
                          f"step {first}, inside the {warmup}-step warmup (warmup_steps, and decay_fraction {fraction} "
                          "of its steps, must leave it steps at the peak rate)")
    ladder_budgets, b = [], tokens[0]
    while b < tokens[-1]:
        ladder_budgets.append(b)
        b *= 2
    ladder = sorted({branch_point(_steps(b, config), fraction) for b in ladder_budgets} | {points[tokens[-1]]})
    branches = {t: (points[t], max(p for p in ladder if p <= points[t])) for t in tokens}
    return {"warmup": warmup, "stream_samples": steps[tokens[-1]] * config["train"]["batch"]["global"],
            "ladder": tuple(ladder), "branches": branches, "decay_shape": spec["decay_shape"]}


def _family_runs(family: str, spec: dict, config: dict, mixture: str, weights: tuple, model: str
                 ) -> list[Run]:
    """The runs of (family, mixture, model), budget-major then seed: independent, or (``grid:
    wsd``) each seed's stable run first, then one branch per budget and seed."""
    seeds = family_seeds(spec)
    if spec.get("grid", "independent") != "wsd":
        return [Run(run_id(family, mixture, model, t, seed), family, mixture, model, int(t), weights, seed=seed)
                for t in spec["tokens"] for seed in seeds]
    plan = wsd_plan(family, spec, config)
    per_step = config["train"]["batch"]["global"] * config["train"]["seq"]
    runs = []
    for seed in seeds:
        stable = WSD(stable_run_id(family, mixture, model, seed), plan["warmup"], plan["stream_samples"],
                     plan["decay_shape"], points=plan["ladder"])
        runs.append(Run(stable.stable, family, mixture, model, plan["ladder"][-1] * per_step, weights,
                        seed=seed, wsd=stable))
    for t in spec["tokens"]:
        point, start = plan["branches"][int(t)]
        for seed in seeds:
            wsd = WSD(stable_run_id(family, mixture, model, seed), plan["warmup"], plan["stream_samples"],
                      plan["decay_shape"], start=start, decay_start=point)
            runs.append(Run(run_id(family, mixture, model, t, seed), family, mixture, model, int(t), weights,
                            seed=seed, wsd=wsd))
    return runs


def stable_runs(config: dict) -> list[Run]:
    """The stable runs of the WSD grids (not evaluated: their branches are the grid's runs)."""
    return [r for r in _all_runs(config) if r.wsd and r.wsd.is_stable]


def expand_runs(config: dict) -> list[Run]:
    """All runs of the configured families, except allocation runs (see :func:`allocation_runs`)
    and the stable runs of WSD grids (:func:`stable_runs`)."""
    return [r for r in _all_runs(config) if not (r.wsd and r.wsd.is_stable)]


def _all_runs(config: dict) -> list[Run]:
    languages = code_languages(config["languages"])
    exp = config["experiments"]
    runs: list[Run] = []
    scaling = exp.get("scaling")
    if scaling:
        langs = scaling.get("languages") or languages
        for lang in langs:
            for model in scaling["models"]:
                runs.extend(_family_runs("scaling", scaling, config, lang, ((lang, 1.0),), model))
    synergy = exp.get("synergy")
    if synergy:
        runs.extend(synergy_runs(synergy, languages))
    mixtures = exp.get("mixtures")
    if mixtures:
        draws = dirichlet_mixtures(languages, mixtures["count"], mixtures["seed"],
                                   mixtures["concentration"])
        for i, mix in enumerate(draws, 1):
            for model in mixtures["models"]:
                runs.extend(_family_runs("mixtures", mixtures, config, f"mix{i:02d}", tuple(mix.items()),
                                         model))
    strategy = exp.get("strategy")
    if strategy:
        runs.extend(strategy_runs(strategy, languages))
    ids = [r.run for r in runs]
    dupes = sorted({r for r in ids if ids.count(r) > 1})
    if dupes:
        raise ValueError(f"experiments: duplicate run ids {dupes}")
    return runs


def synergy_runs(synergy: dict, languages: list[str]) -> list[Run]:
    """Study 2: every unordered pair of languages 50:50, and each language alone at the same
    budget (the ``L(i+i)`` baseline). One run ``{a}_{b}`` serves both targets: the synergy of b
    for target a reads a's validation loss, that of a for b reads b's. With 7 languages: 21 + 7
    per (model, tokens, seed).

    The baseline is the paper's: the target's own data repeated to the full budget, two epochs
    of half the budget (``epochs=2``), so it sees as many unique target tokens as a pair run
    does, and the pair's gain is that of the auxiliary's tokens over repeating the target's."""
    langs = synergy.get("languages") or languages
    runs = []
    for i, a in enumerate(langs):
        for b in langs[i:]:
            weights = ((a, 1.0),) if a == b else ((a, 0.5), (b, 0.5))
            for model in synergy["models"]:
                for tokens in synergy["tokens"]:
                    for seed in family_seeds(synergy):
                        runs.append(Run(run_id("synergy", f"{a}_{b}", model, tokens, seed), "synergy",
                                        f"{a}_{b}", model, int(tokens), weights, seed=seed,
                                        epochs=2 if a == b else 1))
    return runs


def strategy_runs(strategy: dict, languages: list[str]) -> list[Run]:
    """One run per (data organization, model, budget): the organization's parallel dataset takes
    ``parallel_share`` of the tokens and the languages' own code shares the rest equally, so the
    runs differ only in how the same parallel programs are laid out."""
    share = strategy["parallel_share"]
    rest = (1.0 - share) / len(languages)
    batch = strategy.get("batch")
    runs = []
    for org in strategy["organizations"]:
        weights = ((f"parallel_{org}", share), *((lang, rest) for lang in languages if rest > 0))
        for model in strategy["models"]:
            for tokens in strategy["tokens"]:
                for seed in family_seeds(strategy):
                    runs.append(Run(run_id("strategy", org, model, tokens, seed), "strategy", org, model,
                                    int(tokens), weights, seq=strategy.get("seq"),
                                    batch=(batch["global"], batch["micro"]) if batch else None, seed=seed))
    return runs


def text_share(budget: dict) -> float:
    """Share of a (validated) budget's tokens that is natural language (``text_tokens``)."""
    return budget["text_tokens"] / budget["tokens"]


def allocation_runs(config: dict) -> list[Run]:
    """Uniform and optimized runs per allocation budget, one per ``allocation.seeds`` replicate
    (one run each, without a seed suffix, when there are none); optimized weights come from the
    allocate stage, so they are empty here."""
    return [run for by_mixture in allocation_budget_runs(config).values()
            for runs in by_mixture.values() for run in runs]


def allocation_budget_runs(config: dict) -> dict[str, dict[str, list[Run]]]:
    """budget -> mixture (uniform, optimized) -> its runs, one per replicate seed."""
    languages = code_languages(config["languages"])
    seeds = family_seeds(config["allocation"])
    out: dict[str, dict[str, list[Run]]] = {}
    for budget, b in config["allocation"]["budgets"].items():
        text = text_share(b)
        uniform = tuple((lang, (1.0 - text) / len(languages)) for lang in languages)
        uniform += (("text", text),) if text else ()
        out[budget] = {
            mixture: [Run(run_id("allocation", mixture, b["model"], int(b["tokens"]), seed), "allocation",
                          mixture, b["model"], int(b["tokens"]), weights, seed=seed) for seed in seeds]
            for mixture, weights in (("uniform", uniform), ("optimized", ()))}
    return out


def model_schedule(schedule: dict, lr: float | None) -> dict:
    """``train.schedule`` with a model's own peak rate (``models.<name>.lr``; ``None``: as it is).
    ``min_lr`` (and WCL's ``wcl_mid_lr``) keep their ratio to the peak. Under the standard
    parametrization the best rate falls with width, so one rate for every size of a grid bends
    the size term of its laws (bench/results/lr_sweep.md)."""
    out = dict(schedule)
    if lr is not None:
        scale = lr / schedule["lr"]
        out["lr"], out["min_lr"] = lr, schedule["min_lr"] * scale
        if out.get("wcl_mid_lr") is not None:
            out["wcl_mid_lr"] = schedule["wcl_mid_lr"] * scale
    return out


def run_spec(run: Run, config: dict, weights: dict[str, float] | None = None) -> dict:
    """The JSON spec of ``run``; ``weights`` overrides the blend (optimized allocation runs)."""
    train = config["train"]
    model = dict(config["models"][run.model])
    schedule = model_schedule(train["schedule"], model.pop("lr", None))
    model.update(vocab=config["tokenizer"]["vocab_size"], seq=run.seq or train["seq"])
    batch = {"global": run.batch[0], "micro": run.batch[1]} if run.batch else dict(train["batch"])
    pairs = list(weights.items()) if weights is not None else list(run.weights)
    pairs = [(d, w) for d, w in pairs if w > 0]
    total = sum(w for _, w in pairs)
    blend = {"prefixes": [f"{d}/train" for d, _ in pairs],
             "weights": [round(w / total, 6) for _, w in pairs]}
    if run.epochs > 1:  # absent means fresh data: the specs (and caches) of other runs stay as they were
        blend["epochs"] = run.epochs
    spec = {
        "run": run.run,
        "family": run.family,
        "mixture": run.mixture,
        "model_name": run.model,
        "model": model,
        "tokens": run.tokens,
        "blend": blend,
        "batch": batch,
        "schedule": schedule,
        "optimizer": dict(train["optimizer"]),
        "precision": train["precision"],
        "document_mask": train["document_mask"],
        "seed": train["seed"] + (run.seed or 0),
    }
    if run.seed is not None:  # only seeded runs: the specs (and caches) of the others stay as they were
        spec["replicate"] = run.seed
    if run.wsd:  # only WSD grid runs: independent runs' specs (and caches) stay as they were
        w = run.wsd
        total = _steps(run.tokens, config)
        spec["schedule"] = {"kind": "wsd", "lr": schedule["lr"], "min_lr": schedule["min_lr"],
                            "warmup_steps": w.warmup_steps, "decay_steps": 0 if w.is_stable else total - w.decay_start,
                            "decay_shape": w.decay_shape}
        spec["blend"]["stream_samples"] = w.stream_samples
        if w.is_stable:
            spec["stable"] = {"points": list(w.points)}
        else:
            spec["branch"] = {"from": w.stable, "step": w.start, "decay_start": w.decay_start}
    return spec


def with_allocation(spec: dict, allocation: dict) -> dict:
    """``spec`` with the blend of the allocation's optimized mixture."""
    props = allocation["mixtures"]["optimized"]["proportions"]
    pairs = sorted((lang, p) for lang, p in props.items() if p > 0)
    text = allocation.get("text_tokens", 0)
    if text:  # proportions are of the code tokens; natural language keeps its fixed share
        share = text / (allocation["tokens"] + text)
        pairs = sorted([(lang, p * (1 - share)) for lang, p in pairs] + [("text", share)])
    total = sum(p for _, p in pairs)
    spec = dict(spec)
    spec["blend"] = {"prefixes": [f"{lang}/train" for lang, _ in pairs],
                     "weights": [round(p / total, 6) for _, p in pairs]}
    return spec
