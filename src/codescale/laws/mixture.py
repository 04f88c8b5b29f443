"""Proportion-dependent laws: how a model's per-language loss depends on the language mixture.

Every run of the ``scaling``, ``synergy`` and ``mixtures`` families is one mixture ``p`` (shares
of the code tokens, summing to 1) at a model size N and a budget D, scored on every language's
validation tokens. Tokens are valued as *effective* tokens (:mod:`codescale.laws.repetition`):
language k contributes ``own_k = D'(p_k·D, U_k)`` where ``U_k`` is the unique tokens the run
could draw (its own data cap, or the synergy baseline's half budget seen twice).

Mixture models, each a predictor of per-language and/or average loss at any (N, D, p):

- ``paper`` — the paper's §6 form, exactly::

      L(N, D; p) = A·N^(−α_N(p)) + B·D_x^(−α_D(p)) + L_∞(p)
      α_N(p) = Σ p_k α_N^k,  α_D(p) = Σ p_k α_D^k,  L_∞(p) = Σ p_k L_∞^k
      D_x = D·(1 + γ·Σ_{i≠j} p_i p_j τ_ij)

  The paper leaves L, τ, A, B and γ undefined. Here: the per-language exponents and L_∞ are the
  per-language laws' (fixed); **L is the unweighted mean validation loss over the languages the
  run trains on** (``p_k > 0``), which for any mixture with every language in it is the mean
  over all languages, the allocation objective; **τ_ij is the synergy matrix's relative gain**
  of auxiliary j for target i (``(L(i+i) − L(i+j)) / L(i+i)``, positive = helps; the mean over
  the synergy cells measured); **D is the effective tokens** ``Σ_k own_k``; **A, B and γ** are
  fitted (``log A``, ``log B`` free, ``γ ∈ [−20, 20]``), and D_x is floored at 1% of D. It
  predicts only the average.
- ``transfer`` — per target: every language keeps its own law, fed its own effective tokens
  plus the others' discounted by a fitted transfer matrix::

      L_i(N, D; p) = A_i·N^(−α_i) + B_i·(own_i + Σ_{j≠i} T_ij·own_j)^(−β_i) + E_i,  T_ij ∈ [0, 1]

  Why this form: it reduces to the per-language law on single-language runs (so those runs
  pin A..E and T is left to the runs that mix), T_ij reads directly as "a token of j is worth
  T_ij tokens of i to i's loss" (T = 0 is He et al. 2024's "each language depends on its own
  ratio"; T = 1 pooled data), and a target hurt by mixing at a fixed budget (the paper's Python)
  is what T_ij ≈ 0 predicts, since its own tokens halve. It predicts every language, so the
  allocator can see which language a mixture hurts. It is fitted on the targets present in a
  run (``p_i > 0``): a never-seen language's zero-shot loss is another regime, not a law of
  its data.
- ``independent`` — the transfer form with T = 0 (the per-language laws alone; no fit).
- ``regmix`` — RegMix-style (Liu et al. 2024): per target, a ridge regression of loss on ``p``,
  fitted on the ``mixtures`` runs only and valid only at their (N, D).
- ``uniform`` — the trivial predictor: a language's loss is its mean over the fitting mixture
  runs, whatever the mixture (what "the mixture does not matter" predicts).

:func:`compare_mixture_models` holds each mixture run out in turn (all its seeds), refits every
model without it, and scores the predictions: mean absolute error of the per-language and of the
average loss, and the rank correlation of the average loss across held-out mixtures.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from codescale.laws.fit import Law
from codescale.laws.fitter import DEFAULT_OPTIONS, FitOptions, FittedLaw, fit_law
from codescale.laws.forms import LawForm, Param, saturating_exp
from codescale.laws.repetition import R_STAR, effective_tokens
from codescale.seeds import spread

MIXTURE_FAMILIES = ("scaling", "synergy", "mixtures")
MODELS = ("paper", "transfer", "independent", "regmix", "uniform")
ALLOCATABLE = ("paper", "transfer", "independent")  # predict at any (N, D), not just one cell


# -- runs as mixtures -------------------------------------------------------------------------

def run_mixture(spec: dict, manifest: dict, languages: list[str], r_star: float = R_STAR) -> dict:
    """The code mixture of a run: proportions ``p``, code tokens ``D``, seen and unique tokens per
    language and their effective value ``own``."""
    weights = dict(zip(spec["blend"]["prefixes"], spec["blend"]["weights"], strict=True))
    epochs = float(spec["blend"].get("epochs", 1))
    w = np.array([weights.get(f"{lang}/train", 0.0) for lang in languages])
    if w.sum() <= 0:
        raise ValueError(f"run {spec['run']}: its blend has none of the languages {languages}")
    d = float(spec["tokens"]) * w.sum()
    p = w / w.sum()
    seen = p * d
    have = np.array([manifest["datasets"].get(f"{lang}/train", {}).get("tokens", np.inf)
                     for lang in languages], dtype=float)
    unique = np.minimum(seen / epochs, have)
    return {"p": p, "D": d, "seen": seen, "unique": unique,
            "own": effective_tokens(seen, unique, r_star)}


def unique_tokens(manifest: dict, languages: list[str], override: dict | None = None) -> np.ndarray:
    """Unique training tokens per language: ``override`` (config, for paper scale) where given,
    else the token manifest's ``{lang}/train`` count."""
    override = override or {}
    out = []
    for lang in languages:
        if lang in override:
            out.append(float(override[lang]))
        elif f"{lang}/train" in manifest["datasets"]:
            out.append(float(manifest["datasets"][f"{lang}/train"]["tokens"]))
        else:
            raise ValueError(f"no unique-token count for {lang}: not in the token manifest and not in "
                             "allocation.unique_tokens")
    return np.array(out)


def mixture_observations(summary: pd.DataFrame, specs: dict[str, dict], manifest: dict,
                         languages: list[str], r_star: float = R_STAR) -> pd.DataFrame:
    """One row per (run, target language) of the mixture families: the run's mixture and the
    target's validation loss. Columns: run, family, mixture, seed, N, D, target, t (target
    index), present (p_target > 0), loss, p_<lang>, own_<lang>, unique_<lang>."""
    rows = summary[summary.family.isin(MIXTURE_FAMILIES) & (summary.task == "valid_loss")
                   & (summary.metric == "loss") & summary.lang_or_direction.isin(languages)]
    index = {lang: i for i, lang in enumerate(languages)}
    mixes = {}
    out = []
    for r in rows.itertuples(index=False):
        if r.run not in specs:
            raise ValueError(f"run {r.run} has an evaluation but no spec among the inputs")
        if r.run not in mixes:
            mixes[r.run] = run_mixture(specs[r.run], manifest, languages, r_star)
        m = mixes[r.run]
        t = index[r.lang_or_direction]
        row = {"run": r.run, "family": r.family, "mixture": r.mixture,
               "seed": int(getattr(r, "seed", 0) or 0), "N": float(r.params), "D": m["D"],
               "target": r.lang_or_direction, "t": t, "present": bool(m["p"][t] > 0),
               "loss": float(r.value)}
        row.update({f"p_{lang}": float(m["p"][i]) for i, lang in enumerate(languages)})
        row.update({f"own_{lang}": float(m["own"][i]) for i, lang in enumerate(languages)})
        row.update({f"unique_{lang}": float(m["unique"][i]) for i, lang in enumerate(languages)})
        out.append(row)
    if not out:
        raise ValueError(f"no validation losses of the {', '.join(MIXTURE_FAMILIES)} runs")
    return pd.DataFrame(out).sort_values(["family", "run", "t"], ignore_index=True)


def _matrix(obs: pd.DataFrame, prefix: str, languages: list[str]) -> np.ndarray:
    return obs[[f"{prefix}_{lang}" for lang in languages]].to_numpy(dtype=float)


def run_averages(obs: pd.DataFrame, languages: list[str]) -> pd.DataFrame:
    """One row per run: the mean loss over the languages it trains on (the paper form's L)."""
    present = obs[obs.present]
    avg = present.groupby("run").loss.mean()
    first = present.drop_duplicates("run").set_index("run")
    cols = ["family", "mixture", "seed", "N", "D"] + [f"p_{x}" for x in languages] \
        + [f"own_{x}" for x in languages]
    out = first[cols].copy()
    out["loss"] = avg
    return out.reset_index()


# -- the law forms ----------------------------------------------------------------------------

class TransferLaw(LawForm):
    """Per-target transfer form (see the module docstring); fitted coordinates ``T_{i}_{j}``."""

    name = "transfer"
    formula = "L_i = A_i*N^-alpha_i + B_i*(own_i + sum_j T_ij*own_j)^-beta_i + E_i"

    def __init__(self, languages: list[str], laws: dict[str, Law]):
        self.languages = list(languages)
        k = len(languages)
        self.pairs = [(i, j) for i in range(k) for j in range(k) if i != j]
        self.params = tuple(Param(f"T_{languages[i]}_{languages[j]}", 0.0, 1.0) for i, j in self.pairs)
        self.law = {f: np.array([getattr(laws[lang], f) for lang in languages])
                    for f in ("A", "alpha", "B", "beta", "E")}

    def matrix(self, theta) -> np.ndarray:
        m = np.eye(len(self.languages))
        for (i, j), v in zip(self.pairs, theta, strict=True):
            m[i, j] = v
        return m

    def evaluate(self, theta, x):
        t = np.asarray(x["t"]).astype(int)
        own = np.asarray(x["own"], dtype=float)
        m = self.matrix(theta)
        deff = np.maximum(np.einsum("rj,rj->r", m[t], own), 1.0)
        A, a, B, b, E = (self.law[f][t] for f in ("A", "alpha", "B", "beta", "E"))
        pred = A * np.asarray(x["N"], dtype=float) ** -a + B * deff ** -b + E
        dl_dd = -b * B * deff ** (-b - 1)
        jac = np.zeros((len(t), len(self.pairs)))
        col = {pair: c for c, pair in enumerate(self.pairs)}
        for (i, j), c in col.items():
            rows = t == i
            jac[rows, c] = dl_dd[rows] * own[rows, j]
        return pred, jac

    def starts(self, x, y):
        return np.array([np.full(len(self.pairs), c) for c in (0.0, 0.02, 0.1, 0.3, 0.7)])

    def spec(self):
        return {**super().spec(), "languages": self.languages}


class PaperLaw(LawForm):
    """The paper's proportion-dependent form (see the module docstring); fitted ``log A``,
    ``log B``, ``γ``; inputs are precomputed from the mixture by :meth:`inputs_of`."""

    name = "paper"
    formula = ("L = A*N^-alpha_N(p) + B*D_x^-alpha_D(p) + L_inf(p), "
               "D_x = D*(1 + gamma*sum_{i!=j} p_i p_j tau_ij)")

    params = (Param("log_A", grid=(-2.0, 2.0, 6.0, 10.0), log=True),
              Param("log_B", grid=(0.0, 4.0, 8.0, 12.0, 16.0), log=True),
              Param("gamma", -20.0, 20.0, (-2.0, 0.0, 2.0)))

    def __init__(self, languages: list[str], laws: dict[str, Law], tau: dict[str, dict[str, float]]):
        self.languages = list(languages)
        self.alpha_n = np.array([laws[x].alpha for x in languages])
        self.alpha_d = np.array([laws[x].beta for x in languages])
        self.l_inf = np.array([laws[x].E for x in languages])
        k = len(languages)
        self.tau = np.array([[0.0 if i == j else float(tau.get(languages[i], {}).get(languages[j], 0.0))
                              for j in range(k)] for i in range(k)])

    def inputs_of(self, n, p, own) -> dict:
        p = np.atleast_2d(np.asarray(p, dtype=float))
        own = np.atleast_2d(np.asarray(own, dtype=float))
        return {"N": np.broadcast_to(np.asarray(n, dtype=float), (len(p),)).copy(),
                "Deff": own.sum(axis=1), "S": np.einsum("ri,ij,rj->r", p, self.tau, p),
                "aN": p @ self.alpha_n, "aD": p @ self.alpha_d, "Linf": p @ self.l_inf}

    def evaluate(self, theta, x):
        log_a, log_b, gamma = theta
        factor = 1.0 + gamma * x["S"]
        floored = factor <= 0.01
        dx = x["Deff"] * np.maximum(factor, 0.01)
        t_n = saturating_exp(log_a - x["aN"] * np.log(x["N"]))
        t_d = saturating_exp(log_b - x["aD"] * np.log(dx))
        d_gamma = np.where(floored, 0.0, -x["aD"] * t_d / np.maximum(factor, 0.01) * x["S"])
        return t_n + t_d + x["Linf"], np.stack([t_n, t_d, d_gamma], axis=1)

    def spec(self):
        return {**super().spec(), "languages": self.languages,
                "tau": {a: {b: float(self.tau[i, j]) for j, b in enumerate(self.languages) if i != j}
                        for i, a in enumerate(self.languages)}}


# -- predictors -------------------------------------------------------------------------------

@dataclass
class MixturePredictor:
    """A fitted mixture model: per-language and average loss at (N, D, p, unique tokens)."""

    name: str
    languages: list[str]
    fitted: FittedLaw | None = None
    laws: dict[str, Law] | None = None
    cell_table: dict | None = None   # regmix / uniform: {(N, D): (coef (K, K+1) or means (K,))}
    r_star: float = R_STAR

    def own(self, d, p, unique):
        p = np.asarray(p, dtype=float)
        return effective_tokens(p * d, np.asarray(unique, dtype=float), self.r_star)

    def per_language(self, n, d, p, unique, theta=None) -> np.ndarray | None:
        """(K,) predicted losses, or None for a model that predicts only the average."""
        p = np.asarray(p, dtype=float)
        if self.name in ("transfer", "independent"):
            form = self.fitted.form if self.fitted else TransferLaw(self.languages, self.laws)
            th = np.zeros(len(form.params)) if self.name == "independent" else \
                (self.fitted.theta if theta is None else theta)
            own = np.tile(self.own(d, p, unique), (len(self.languages), 1))
            x = {"N": np.full(len(self.languages), float(n)), "t": np.arange(len(self.languages)),
                 "own": own}
            return form.predict(th, x)
        if self.name in ("regmix", "uniform"):
            key = _cell(n, d)
            if key not in self.cell_table:
                raise ValueError(f"{self.name} was fitted at (N, D) = {sorted(self.cell_table)}, not {key}")
            table = self.cell_table[key]
            return table @ np.concatenate([[1.0], p]) if self.name == "regmix" else table
        return None

    def average(self, n, d, p, unique, theta=None) -> float:
        """Mean predicted loss over the languages in the mixture."""
        p = np.asarray(p, dtype=float)
        if self.name == "paper":
            form = self.fitted.form
            x = form.inputs_of(n, p, self.own(d, p, unique))
            return float(form.predict(self.fitted.theta if theta is None else theta, x)[0])
        pred = self.per_language(n, d, p, unique, theta)
        return float(np.mean(pred[p > 0]))

    def draws(self) -> np.ndarray:
        return self.fitted.draws if self.fitted is not None else np.zeros((0, 0))


def _cell(n, d) -> tuple[float, float]:
    """The (N, D) key of a grid cell, to 9 significant digits: D is tokens × the sum of float
    weights, so one cell's runs may differ in the last places (1023998.976 for 1024000)."""
    return (float(f"{float(n):.9g}"), float(f"{float(d):.6g}"))


def fit_transfer(obs: pd.DataFrame, languages, laws, opts: FitOptions = DEFAULT_OPTIONS) -> MixturePredictor:
    fit_rows = obs[obs.present]
    form = TransferLaw(languages, laws)
    x = {"N": fit_rows.N.to_numpy(), "t": fit_rows.t.to_numpy(), "own": _matrix(fit_rows, "own", languages)}
    fitted = fit_law(form, x, fit_rows.loss.to_numpy(), opts, leave_one_out=False,
                     groups=fit_rows.run.to_numpy())
    return MixturePredictor("transfer", list(languages), fitted=fitted, laws=laws)


def fit_paper(obs: pd.DataFrame, languages, laws, tau, opts: FitOptions = DEFAULT_OPTIONS) -> MixturePredictor:
    runs = run_averages(obs, languages)
    form = PaperLaw(languages, laws, tau)
    x = form.inputs_of(runs.N.to_numpy(), _matrix(runs, "p", languages), _matrix(runs, "own", languages))
    fitted = fit_law(form, x, runs.loss.to_numpy(), opts, leave_one_out=False)
    return MixturePredictor("paper", list(languages), fitted=fitted, laws=laws)


def fit_cells(obs: pd.DataFrame, languages, kind: str, ridge: float = 1e-3) -> MixturePredictor:
    """``regmix`` (ridge regression of each language's loss on p) or ``uniform`` (its mean),
    per (N, D) cell of the ``mixtures`` runs."""
    mix = obs[obs.family == "mixtures"]
    table = {}
    for (n, d), cell in mix.groupby(["N", "D"]):
        wide = cell.pivot_table(index="run", columns="target", values="loss").reindex(columns=languages)
        if wide.isna().any().any():
            raise ValueError(f"mixture runs at N={n:g}, D={d:g} lack some languages' losses")
        ps = cell.drop_duplicates("run").set_index("run").loc[wide.index, [f"p_{x}" for x in languages]]
        y = wide.to_numpy()
        if kind == "uniform":
            table[_cell(n, d)] = y.mean(axis=0)
            continue
        if len(y) < 2:
            continue
        X = np.hstack([np.ones((len(y), 1)), ps.to_numpy()])
        reg = ridge * len(y) * np.eye(X.shape[1])
        reg[0, 0] = 0.0  # no penalty on the intercept
        table[_cell(n, d)] = np.linalg.solve(X.T @ X + reg, X.T @ y).T   # (K, K+1)
    if not table:
        raise ValueError(f"{kind}: too few mixture runs to fit (need 2 per (N, D) cell)")
    return MixturePredictor(kind, list(languages), cell_table=table)


def fit_models(obs, languages, laws, tau, opts: FitOptions = DEFAULT_OPTIONS,
               only: tuple[str, ...] = MODELS) -> tuple[dict[str, MixturePredictor], dict[str, str]]:
    """Every model in ``only`` that the observations can fit; the others with the reason."""
    fitted, skipped = {}, {}
    makers = {"paper": lambda: fit_paper(obs, languages, laws, tau, opts),
              "transfer": lambda: fit_transfer(obs, languages, laws, opts),
              "independent": lambda: MixturePredictor("independent", list(languages), laws=laws),
              "regmix": lambda: fit_cells(obs, languages, "regmix"),
              "uniform": lambda: fit_cells(obs, languages, "uniform")}
    for name in only:
        try:
            fitted[name] = makers[name]()
        except ValueError as err:
            skipped[name] = str(err)
    return fitted, skipped


# -- held-out comparison ----------------------------------------------------------------------

def compare_mixture_models(obs: pd.DataFrame, languages, laws, tau,
                           opts: FitOptions = DEFAULT_OPTIONS) -> pd.DataFrame:
    """Leave one mixture run out (all its seeds), refit every model, predict it. One row per
    (model, held-out mixture) plus an ``overall`` row per model: MAE of per-language and of
    average loss, and the Spearman rank correlation of the average across held-out mixtures.

    The measured losses of a held-out mixture are means over its seeds: ``measured_average`` (and
    ``meas_<lang>``) with ``n_seeds``, ``measured_sd_average`` (sd over seeds of each seed's
    average loss; ``meas_sd_<lang>`` per language) and the 95% t-interval of the mean
    (``measured_ci95_low`` / ``_high``; NaN with one seed). Errors are scored against the means."""
    mixes = obs[obs.family == "mixtures"]
    if mixes.empty:  # nothing to hold out: no held-out error, and the report says so
        return pd.DataFrame(columns=["scope", "model", "heldout", "skipped", "mae_average",
                                     "mae_language", "spearman_average"])
    # Bootstrap draws are not needed to score held-out points: refit without them.
    quick = dataclasses.replace(opts, bootstrap=0)
    rows = []
    for (mixture, n, d), held in mixes.groupby(["mixture", "N", "D"]):
        rest = obs[~((obs.family == "mixtures") & (obs.mixture == mixture) & (obs.N == n) & (obs.D == d))]
        models, skipped = fit_models(rest, languages, laws, tau, quick)
        measured = held.groupby("target").loss.mean().reindex(languages).to_numpy()
        sd = held.groupby("target").loss.std(ddof=1).reindex(languages).to_numpy()
        first = held.iloc[0]
        p = np.array([first[f"p_{x}"] for x in languages])
        unique = np.array([first[f"unique_{x}"] for x in languages])
        present = p > 0
        # each seed's average over the languages the mixture trains on: its spread over seeds
        seeds = spread(held[held.present].groupby("run").loss.mean())
        for name in MODELS:
            row = {"scope": "run", "model": name, "heldout": mixture, "N": n, "D": d,
                   "measured_average": float(np.mean(measured[present])), "n_seeds": seeds["n"],
                   "measured_sd_average": seeds["sd"], "measured_ci95_low": seeds["ci95_low"],
                   "measured_ci95_high": seeds["ci95_high"]}
            if name not in models:
                rows.append({**row, "skipped": skipped.get(name, "")})
                continue
            model = models[name]
            try:
                per = model.per_language(n, d, p, unique)
                avg = model.average(n, d, p, unique)
            except ValueError as err:
                rows.append({**row, "skipped": str(err)})
                continue
            row.update(predicted_average=avg, abs_error_average=abs(avg - row["measured_average"]),
                       skipped="")
            if per is not None:
                err = np.abs(per - measured)[present]
                row["mae_language"] = float(err.mean())
                row.update({f"pred_{x}": float(per[i]) for i, x in enumerate(languages)})
            row.update({f"meas_{x}": float(measured[i]) for i, x in enumerate(languages)})
            row.update({f"meas_sd_{x}": float(sd[i]) for i, x in enumerate(languages)})
            rows.append(row)
    frame = pd.DataFrame(rows)
    overall = []
    for name in MODELS:
        sub = frame[(frame.model == name) & (frame.skipped == "")]
        row = {"scope": "overall", "model": name, "heldout": "all", "runs": int(len(sub))}
        if len(sub):
            row["mae_average"] = float(sub.abs_error_average.mean())
            if "mae_language" in sub and sub.mae_language.notna().any():
                row["mae_language"] = float(sub.mae_language.mean())
            if len(sub) >= 3 and sub.predicted_average.nunique() > 1:
                row["spearman_average"] = float(spearmanr(sub.predicted_average, sub.measured_average)[0])
        overall.append(row)
    return pd.concat([frame, pd.DataFrame(overall)], ignore_index=True)


def choose_model(comparison: pd.DataFrame, requested: str = "auto") -> tuple[str, str]:
    """The allocating model: ``requested`` if named, else the allocatable model with the lowest
    held-out MAE of the average loss. Returns (model, reason)."""
    overall = comparison[comparison.scope == "overall"].set_index("model")
    if requested != "auto":
        return requested, "named in config (allocation.law)"
    cands = [(overall.loc[m, "mae_average"], m) for m in ALLOCATABLE
             if m in overall.index and pd.notna(overall.loc[m].get("mae_average", np.nan))]
    if not cands:
        return "transfer", "no held-out mixture error: transfer by default"
    err, best = min(cands)
    return best, f"lowest held-out MAE of the average loss among {list(ALLOCATABLE)} ({err:.4f})"


def versus_trivial(comparison: pd.DataFrame, chosen: str) -> dict:
    """Does the chosen law predict held-out mixtures better than the mixture-blind trivial
    predictor (``uniform``)? If not, its optimum is no better founded than a guess: say so.
    Both are scored on the held-out mixtures that both predicted (``mixtures``), so a mixture one
    of them skipped does not tilt the comparison."""
    key = ["heldout", "N", "D"]  # a held-out mixture run at one (N, D)
    if not set(key) <= set(comparison.columns):  # no mixture runs: nothing was held out
        return {}
    runs = comparison[(comparison.scope == "run") & (comparison.get("skipped", "") == "")]
    law_rows = runs[runs.model == chosen].set_index(key)
    trivial_rows = runs[runs.model == "uniform"].set_index(key)
    shared = sorted(set(law_rows.index) & set(trivial_rows.index))
    out = {}
    for metric, column in (("mae_average", "abs_error_average"), ("mae_language", "mae_language")):
        if not shared or column not in runs:
            continue
        law, trivial = law_rows.loc[shared, column], trivial_rows.loc[shared, column]
        if law.notna().all() and trivial.notna().all():
            out[metric] = {"chosen": float(law.mean()), "trivial": float(trivial.mean()),
                           "chosen_beats_trivial": bool(law.mean() < trivial.mean()),
                           "mixtures": len(shared)}
    return out


def mixture_laws_report(obs, languages, laws, tau, opts: FitOptions = DEFAULT_OPTIONS,
                        requested: str = "auto") -> tuple[dict, pd.DataFrame]:
    """The fitted models on every run, the held-out comparison and the chosen model."""
    models, skipped = fit_models(obs, languages, laws, tau, opts)
    comparison = compare_mixture_models(obs, languages, laws, tau, opts)
    chosen, reason = choose_model(comparison, requested)
    if chosen not in models:
        raise ValueError(f"allocation.law names {chosen!r}, which could not be fitted: {skipped.get(chosen)}")
    out = {"languages": list(languages), "observations": int(len(obs)),
           "runs": int(obs.run.nunique()), "chosen": chosen, "chosen_reason": reason,
           "chosen_vs_trivial": versus_trivial(comparison, chosen),
           "skipped": skipped, "models": {}}
    overall = comparison[comparison.scope == "overall"].set_index("model")
    for name, model in models.items():
        row = overall.loc[name] if name in overall.index else pd.Series(dtype=float)
        entry = model.fitted.to_dict() if model.fitted is not None else {}
        # the held-out mixture errors (the fitter's own held-out sets are not used here)
        entry["heldout"] = {k: (None if pd.isna(row.get(k, np.nan)) else float(row[k]))
                            for k in ("mae_average", "mae_language", "spearman_average")}
        entry["heldout"]["mixture_runs"] = int(row.get("runs", 0) or 0)
        if name == "transfer":
            m = model.fitted.form.matrix(model.fitted.theta)
            entry["matrix"] = {a: {b: float(m[i, j]) for j, b in enumerate(languages) if i != j}
                               for i, a in enumerate(languages)}
        if model.cell_table is not None:
            entry["cells"] = [{"N": n, "D": d, "table": np.asarray(t).tolist()}
                              for (n, d), t in model.cell_table.items()]
        out["models"][name] = entry
    return out, comparison


def load_predictor(report: dict, name: str, laws: dict[str, Law]) -> MixturePredictor:
    """Rebuild a fitted allocatable model (with its bootstrap draws) from the JSON report."""
    languages = report["languages"]
    entry = report["models"][name]
    if name == "independent":
        return MixturePredictor(name, languages, laws=laws)
    if name == "transfer":
        form = TransferLaw(languages, laws)
    elif name == "paper":
        form = PaperLaw(languages, laws, entry["form_spec"]["tau"])
    else:
        raise ValueError(f"{name} cannot allocate: it predicts only at its mixture runs' (N, D)")
    theta = _theta_of(form, entry["params"])
    draws = np.array([_theta_of(form, {p: entry["draws"][p][b] for p in form.labels})
                      for b in range(entry["bootstrap_samples"])]).reshape(-1, len(form.params))
    fitted = FittedLaw(form, theta, entry["fit"]["objective"], {}, np.zeros(0), draws)
    return MixturePredictor(name, languages, fitted=fitted, laws=laws)


def _theta_of(form: LawForm, values: dict) -> np.ndarray:
    return np.array([np.log(values[p.label]) if p.log else values[p.label] for p in form.params])
