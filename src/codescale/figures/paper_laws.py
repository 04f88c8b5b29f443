"""The paper's Fig. 1, Fig. 2 (with its table of α_N, α_D, L_∞) and Table 1, regenerated from our
runs with the published numbers of :mod:`codescale.paper` beside ours (a second panel, column or
marker; never mixed into our data).

- Fig. 1, the multilingual law against the baseline: predicted vs measured average validation loss
  of every held-out mixture run (:func:`codescale.laws.mixture.compare_mixture_models`) for the
  paper's proportion-dependent law and for the mixture-blind baseline (``uniform``: each
  language's mean loss over the mixture runs, whatever the mixture), plus the model the allocation
  used when it is neither. A law is compared with the baseline on the held-out mixtures both
  predicted; one that does not beat it is reported as losing.
- Fig. 2, per-language loss over (N, D): each language's fitted surface ``L(N, D)`` as filled
  contours over the grid's range, the measured points (mean over seeds) coloured by their residual
  from it; a table of our α_N (``alpha``), α_D (``beta``), L_∞ (``E``) with their 95% bootstrap
  intervals and whether each is identified, beside the paper's, with both rankings; Spearman's ρ
  between our ranking and the paper's with a bootstrap interval from the laws' bootstrap draws;
  and a figure of the three parameters per language, ours and the paper's.
- Table 1, the synergy matrix: our relative gain per (target, auxiliary) with its 95% seed
  interval beside the paper's printed cells.

Our units differ from the paper's (nats per token on our own tokenizer, models of 10^4–10^6
parameters against its 10^8–10^9), so the figures compare rankings and signs, not magnitudes.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, NullFormatter
from scipy.stats import rankdata, spearmanr

from codescale import paper
from codescale.figures.style import interval_yerr, language_color, plt, save
from codescale.laws.fit import Law

# -- Fig. 1: the multilingual law against the baseline ----------------------------------------

PAPER_LAW = "paper"
BASELINE = "uniform"
ROLE_TITLES = {
    PAPER_LAW: "the paper's law (Eq. 6): proportion-weighted α_N, α_D, L_∞; D_x with γ·τ",
    BASELINE: "baseline: mixture-blind (each language's mean loss over the mixture runs)",
}
MULTILINGUAL_COLUMNS = ["model", "role", "chosen", "runs", "mae_average", "spearman_average",
                        "common_runs", "mae_common", "baseline_mae_common", "beats_baseline", "skipped"]


def _heldout_runs(comparison: pd.DataFrame) -> pd.DataFrame:
    """The per-mixture rows of ``mixture_models.csv`` that hold a prediction."""
    if comparison.empty or "scope" not in comparison:
        return comparison.iloc[0:0]
    runs = comparison[comparison.scope == "run"]
    if "predicted_average" not in runs:
        return runs.iloc[0:0]
    skipped = runs.skipped.fillna("").astype(str) if "skipped" in runs else ""
    return runs[(skipped == "") & runs.predicted_average.notna()]


def _key(frame: pd.DataFrame) -> pd.Series:
    return frame.heldout.astype(str) + "@" + frame.N.astype(str) + "/" + frame.D.astype(str)


def _mae(sub: pd.DataFrame) -> float:
    return float((sub.predicted_average - sub.measured_average).abs().mean()) if len(sub) else math.nan


def _skip_reason(comparison: pd.DataFrame, report: dict, model: str) -> str:
    if model in report.get("skipped", {}):
        return str(report["skipped"][model])
    if comparison.empty or "scope" not in comparison:
        return "no held-out mixture runs"
    rows = comparison[(comparison.scope == "run") & (comparison.model == model)]
    reasons = sorted(set(rows.skipped.dropna().astype(str)) - {""}) if "skipped" in rows else []
    return "; ".join(reasons)


def multilingual_law_table(report: dict, comparison: pd.DataFrame) -> pd.DataFrame:
    """One row per mixture model of ``report`` (``mixture_laws.json``) and ``comparison``
    (``mixture_models.csv``): its held-out mixtures and MAE of the average loss, and, on the
    held-out mixtures that both it and the baseline predicted (``common_runs``), its MAE, the
    baseline's and ``beats_baseline`` (NA where there is no common mixture). ``chosen``: the
    model the allocation used (``report["chosen"]``)."""
    runs = _heldout_runs(comparison)
    names = list(report.get("models", {}))
    names += [m for m in sorted(set(runs.model)) if m not in names] if len(runs) else []
    names += [m for m in (PAPER_LAW, BASELINE) if m not in names]
    base = runs[runs.model == BASELINE] if len(runs) else runs
    rows = []
    for name in names:
        sub = runs[runs.model == name] if len(runs) else runs
        heldout = report.get("models", {}).get(name, {}).get("heldout", {})
        common = sub[_key(sub).isin(set(_key(base)))] if len(sub) and len(base) else sub.iloc[0:0]
        base_common = base[_key(base).isin(set(_key(common)))] if len(common) else base.iloc[0:0]
        mae_common, base_mae = _mae(common), _mae(base_common)
        beats = pd.NA if name == BASELINE or not len(common) else bool(mae_common < base_mae)
        role = "paper" if name == PAPER_LAW else "baseline" if name == BASELINE else "other"
        rows.append({"model": name, "role": role, "chosen": name == report.get("chosen"),
                     "runs": int(len(sub)), "mae_average": _mae(sub),
                     "spearman_average": heldout.get("spearman_average", math.nan),
                     "common_runs": int(len(common)), "mae_common": mae_common,
                     "baseline_mae_common": base_mae, "beats_baseline": beats,
                     "skipped": "" if len(sub) else _skip_reason(comparison, report, name)})
    out = pd.DataFrame(rows, columns=MULTILINGUAL_COLUMNS)
    out["beats_baseline"] = out.beats_baseline.astype("boolean")
    out["spearman_average"] = pd.to_numeric(out.spearman_average, errors="coerce")
    return out


def _verdict(row: pd.Series) -> str:
    if row.role == "baseline":
        return "the baseline"
    if pd.isna(row.beats_baseline):
        return "not compared with the baseline (no held-out mixture both predict)"
    word = "beats" if row.beats_baseline else "ties with" if row.mae_common == row.baseline_mae_common else "loses to"
    return (f"{word} the baseline on the {row.common_runs} held-out mixtures both predict "
            f"(MAE {row.mae_common:.3f} vs {row.baseline_mae_common:.3f})")


def _missing_mixtures(comparison: pd.DataFrame, model: str) -> str:
    """The held-out mixtures ``model`` did not predict, with the reason (``skipped``)."""
    rows = comparison[(comparison.scope == "run") & (comparison.model == model)]
    held = _heldout_runs(comparison)
    missed = rows[~_key(rows).isin(set(_key(held[held.model == model])))]
    return "; ".join(f"{r.heldout} ({r.skipped})" if isinstance(r.skipped, str) and r.skipped else str(r.heldout)
                     for r in missed.itertuples(index=False))


def _padded(values: np.ndarray, share: float = 0.08) -> tuple[float, float]:
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    pad = share * (hi - lo) or 0.05 * abs(hi) or 0.05
    return lo - pad, hi + pad


def _panel_models(report: dict) -> list[str]:
    chosen = report.get("chosen")
    return [PAPER_LAW, BASELINE] + ([chosen] if chosen and chosen not in (PAPER_LAW, BASELINE) else [])


def plot_multilingual_law(report: dict, comparison: pd.DataFrame, pdf, png) -> pd.DataFrame:
    """Fig. 1: one panel per model (the paper's law, the baseline, and the allocating model when
    it is neither): predicted vs measured average loss of each held-out mixture (the measured value
    the mean over its seeds with the 95% t-interval of the mean as a horizontal bar where there are
    two or more), the line y = x, the model's held-out MAE and its verdict against the baseline in
    the legend. Shared axes. Returns :func:`multilingual_law_table`."""
    table = multilingual_law_table(report, comparison).set_index("model")
    runs = _heldout_runs(comparison)
    models = _panel_models(report)
    fig, axes = plt.subplots(1, len(models), figsize=(4.6 * len(models), 4.6), sharex=True, sharey=True,
                             squeeze=False, layout="constrained")
    shown = runs[runs.model.isin(models)] if len(runs) else runs
    values = shown[["measured_average", "predicted_average"]].to_numpy(dtype=float) if len(shown) else []
    colors = {PAPER_LAW: "#0072B2", BASELINE: "#7F7F7F"}
    for ax, name in zip(axes.flat, models, strict=True):
        row = table.loc[name]
        chosen = " — used by the allocation" if row.chosen else ""
        ax.set_title(textwrap.fill(ROLE_TITLES.get(name, f"{name} (mixture model)") + chosen, 48), fontsize=8)
        ax.set_xlabel("measured average loss, mean over seeds (nats/token)")
        ax.set_ylabel("predicted average loss (nats/token)")
        sub = runs[runs.model == name] if len(runs) else runs
        if not len(sub):
            why = row.skipped or "no held-out mixture runs"
            ax.text(0.5, 0.5, textwrap.fill(f"no held-out predictions: {why}", 40), transform=ax.transAxes,
                    ha="center", va="center", fontsize=8)
            continue
        low = sub.get("measured_ci95_low", pd.Series(np.nan, index=sub.index))
        high = sub.get("measured_ci95_high", pd.Series(np.nan, index=sub.index))
        xerr = np.nan_to_num(np.array([sub.measured_average - low, high - sub.measured_average], dtype=float))
        seeds = sub.n_seeds.dropna() if "n_seeds" in sub else pd.Series(dtype=float)
        seed_note = ""
        if len(seeds) and seeds.max() > 1:
            lo, hi = int(seeds.min()), int(seeds.max())
            seed_note = f"; bars: 95% t-interval over {hi if lo == hi else f'{lo}–{hi}'} seeds"
        label = f"{name}: MAE {row.mae_average:.3f} on {row.runs} held-out mixtures{seed_note}"
        ax.errorbar(sub.measured_average.to_numpy(float), sub.predicted_average.to_numpy(float), xerr=xerr,
                    fmt="o", ms=5, capsize=2, elinewidth=0.8, color=colors.get(name, "#D55E00"), label=label)
        for r in sub.itertuples(index=False):
            ax.annotate(str(r.heldout), (r.measured_average, r.predicted_average), xytext=(3, 3),
                        textcoords="offset points", fontsize=6, color="0.35")
        missing = _missing_mixtures(comparison, name)
        if missing:
            ax.text(0.98, 0.02, textwrap.fill(f"no prediction for {missing}", 60), transform=ax.transAxes,
                    ha="right", va="bottom", fontsize=5.5, color="0.35")
        handles, _ = ax.get_legend_handles_labels()
        verdict = Line2D([], [], ls="none", label=textwrap.fill(_verdict(row), 60))
        ax.legend(handles=[*handles, verdict], fontsize=6.5, loc="upper left")
    if len(values):
        # x spans the measured values and y the predicted ones (a law far off the diagonal would
        # otherwise squeeze the measured spread into a point); y = x is drawn across both.
        (xlo, xhi), (ylo, yhi) = (_padded(values[:, i]) for i in (0, 1))
        for ax in axes.flat:
            ax.plot([min(xlo, ylo), max(xhi, yhi)], [min(xlo, ylo), max(xhi, yhi)], color="0.5", lw=1,
                    ls="--", zorder=0)
            ax.set_xlim(xlo, xhi)
            ax.set_ylim(ylo, yhi)
    chosen = report.get("chosen", "?")
    suptitle = f"Fig. 1 — multilingual law vs the baseline on held-out mixtures. The allocation used {chosen}"
    if report.get("chosen_reason"):
        suptitle += f": {report['chosen_reason']}"
    if chosen in table.index and table.loc[chosen].role != "baseline":
        suptitle += f". It {_verdict(table.loc[chosen])}"
    fig.suptitle(textwrap.fill(suptitle, 150), fontsize=9)
    save(fig, pdf, png)
    return table.reset_index()


# -- Fig. 2: per-language laws beside the paper's ---------------------------------------------

# Our fitted parameter -> the paper's name for it (codescale.paper.LANGUAGE_LAWS).
PARAMETERS = (("alpha", "alpha_N"), ("beta", "alpha_D"), ("E", "L_inf"))
LABELS = {"alpha": "α_N (model-size exponent)", "beta": "α_D (data exponent)",
          "E": "L_∞ (irreducible loss, nats/token)"}
# A parameter is not identified when it, or the scale of its term, is flagged by the fit (an
# exponent whose term is negligible is free, whatever value it sits at).
_FLAGS = {"alpha": {"alpha", "A"}, "beta": {"beta", "B"}, "E": {"E"}}


def identified(fit: dict, parameter: str) -> bool:
    """Whether the fit identifies ``parameter`` (``alpha``, ``beta`` or ``E``): neither it nor
    its term's scale is in the fit's ``unidentified`` list."""
    return not (_FLAGS[parameter] & set(fit.get("unidentified", [])))


def _ranks(values: dict[str, float]) -> dict[str, float]:
    """1 = lowest; ties share the average rank."""
    keys = sorted(values)
    return dict(zip(keys, rankdata([values[k] for k in keys]), strict=True))


def _common(laws: dict, published: dict) -> list[str]:
    return sorted(set(laws) & set(published))


def language_law_table(laws: dict[str, dict], published: dict = paper.LANGUAGE_LAWS) -> pd.DataFrame:
    """``results/paper/language_laws.csv``: one row per language of ``laws``
    (``language_laws.json``): our α_N, α_D, L_∞ with their 95% bootstrap intervals and whether each
    is identified, the paper's values, and each parameter's rank among the languages both have,
    ours and the paper's (1 = lowest; ties share the average rank). ``unidentified`` is the fit's
    list as in ``laws/language_laws.csv``."""
    common = _common(laws, published)
    ranks = {ours: (_ranks({k: laws[k]["params"][ours] for k in common}),
                    _ranks({k: published[k][theirs] for k in common})) for ours, theirs in PARAMETERS}
    rows = []
    for lang in sorted(laws):
        fit = laws[lang]
        row = {"lang": lang}
        for ours, theirs in PARAMETERS:
            lo, hi = fit["ci95"][ours]
            row.update({ours: fit["params"][ours], f"{ours}_ci_low": lo, f"{ours}_ci_high": hi,
                        f"{ours}_identified": identified(fit, ours),
                        f"paper_{theirs}": published.get(lang, {}).get(theirs, math.nan)})
        for ours, theirs in PARAMETERS:
            row[f"rank_{ours}"] = ranks[ours][0].get(lang, math.nan)
            row[f"paper_rank_{theirs}"] = ranks[ours][1].get(lang, math.nan)
        row["unidentified"] = " ".join(fit.get("unidentified", []))
        row["points"] = len(fit.get("points", []))
        rows.append(row)
    return pd.DataFrame(rows)


def _order(values: dict[str, float]) -> str:
    return " < ".join(paper.irreducible_rank(values))


def rank_correlations(laws: dict[str, dict], published: dict = paper.LANGUAGE_LAWS) -> pd.DataFrame:
    """``results/paper/language_law_ranks.csv``: per parameter, Spearman's ρ between our ranking
    of the languages both have and the paper's, with a 95% percentile interval over the laws'
    bootstrap draws (draw b of every language's fit, ranked against the paper's fixed values;
    the languages' fits are independent, so pairing draws by index is one joint resample), our
    order and the paper's (lowest first), and the languages whose value is not identified."""
    common = _common(laws, published)
    rows = []
    for ours, theirs in PARAMETERS:
        mine = {k: laws[k]["params"][ours] for k in common}
        theirs_values = {k: published[k][theirs] for k in common}
        row = {"parameter": ours, "paper_parameter": theirs, "n_languages": len(common),
               "spearman_rho": math.nan, "rho_ci_low": math.nan, "rho_ci_high": math.nan, "draws": 0,
               "order": _order(mine), "paper_order": _order(theirs_values),
               "unidentified": " ".join(k for k in common if not identified(laws[k], ours))}
        if len(common) >= 3:
            ref = [theirs_values[k] for k in common]
            row["spearman_rho"] = float(spearmanr([mine[k] for k in common], ref)[0])
            n = min(len(laws[k].get("draws", {}).get(ours, [])) for k in common)
            draws = np.array([[laws[k]["draws"][ours][b] for k in common] for b in range(n)], dtype=float)
            draws = draws[np.all(np.isfinite(draws), axis=1)] if n else draws
            rhos = np.array([spearmanr(d, ref)[0] for d in draws]) if len(draws) else np.array([])
            rhos = rhos[np.isfinite(rhos)]  # a draw with every value tied has no rank correlation
            if len(rhos):
                row.update(rho_ci_low=float(np.percentile(rhos, 2.5)),
                           rho_ci_high=float(np.percentile(rhos, 97.5)), draws=int(len(rhos)))
        rows.append(row)
    return pd.DataFrame(rows)


def _cells(fit: dict) -> pd.DataFrame:
    """The fit's points as the mean loss over seeds per (N, D)."""
    points = pd.DataFrame(fit["points"])
    return points.groupby(["N", "D"], as_index=False).agg(loss=("loss", "mean"), seeds=("loss", "size"))


def _short(v: float) -> str:
    """``128000`` -> ``128k``, ``1024000`` -> ``1.02M``."""
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= scale:
            return f"{v / scale:.3g}{suffix}"
    return f"{v:.3g}"


def _log_range(values, pad: float = 1.15) -> np.ndarray:
    lo, hi = float(np.min(values)) / pad, float(np.max(values)) * pad
    return np.geomspace(lo, hi, 90)


def _fmt_param(fit: dict, p: str, name: str) -> str:
    lo, hi = fit["ci95"][p]
    mark = "" if identified(fit, p) else "†"
    ci = f" [{lo:.2f}, {hi:.2f}]" if lo is not None and hi is not None else ""
    return f"{name} {fit['params'][p]:.2f}{ci}{mark}"


def _language_axes(n: int, cols: int = 4, width: float = 3.7, height: float = 3.2):
    rows = math.ceil(n / cols)
    cols = min(cols, n)
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols + 1.6, height * rows + 0.6), squeeze=False,
                             layout="constrained")
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes


def plot_language_surfaces(laws: dict[str, dict], pdf, png) -> None:
    """Fig. 2: one panel per language, the fitted ``L(N, D)`` as filled contours over the grid's
    (N, D) range (log axes, one loss colour scale for all languages) and the measured points, the
    mean over seeds per (N, D) cell, coloured by their relative residual from the fitted surface
    (one diverging scale). Titles: our α_N, α_D, L_∞ with 95% bootstrap intervals († : not
    identified)."""
    if not laws:
        raise ValueError("plot_language_surfaces: no fitted language laws")
    langs = sorted(laws)
    fig, axes = _language_axes(len(langs))
    cells = {lang: _cells(laws[lang]) for lang in langs}
    surfaces, residuals = {}, {}
    for lang in langs:
        law, c = Law.from_fit(laws[lang]), cells[lang]
        n, d = np.meshgrid(_log_range(c.N), _log_range(c.D))
        surfaces[lang] = (n, d, law.predict(n, d))
        residuals[lang] = c.loss.to_numpy() / law.predict(c.N.to_numpy(), c.D.to_numpy()) - 1.0
    measured = np.concatenate([c.loss.to_numpy() for c in cells.values()])
    loss_norm = Normalize(float(measured.min()) * 0.97, float(measured.max()) * 1.03)
    levels = np.linspace(loss_norm.vmin, loss_norm.vmax, 16)
    limit = max(float(np.nanmax(np.abs(np.concatenate(list(residuals.values()))))), 1e-3)
    res_norm = TwoSlopeNorm(vmin=-limit, vcenter=0.0, vmax=limit)
    contour = points = None
    for ax, lang in zip(axes.flat, langs, strict=False):
        n, d, z = surfaces[lang]
        contour = ax.contourf(n, d, np.clip(z, levels[0], levels[-1]), levels=levels, cmap="viridis",
                              norm=loss_norm)
        ax.contour(n, d, z, levels=levels[::3], colors="white", linewidths=0.4, alpha=0.6)
        c = cells[lang]
        points = ax.scatter(c.N, c.D, c=residuals[lang], cmap="RdBu_r", norm=res_norm, s=36,
                            edgecolors="black", linewidths=0.6, zorder=3)
        ax.set_xscale("log")
        ax.set_yscale("log")
        for axis, grid_values in ((ax.xaxis, c.N), (ax.yaxis, c.D)):  # ticks at the grid's own N and D
            axis.set_major_locator(FixedLocator(sorted(set(grid_values))))
            axis.set_major_formatter(plt.FuncFormatter(lambda v, _: _short(v)))
            axis.set_minor_formatter(NullFormatter())
        ax.tick_params(labelsize=7)
        ax.set_xlabel("non-embedding parameters N")
        ax.set_ylabel("training tokens D")
        fit = laws[lang]
        params = "   ".join(_fmt_param(fit, p, name) for p, name in (("alpha", "α_N"), ("beta", "α_D")))
        params += "\n" + _fmt_param(fit, "E", "L_∞")
        seeds = int(c.seeds.max())
        ax.set_title(f"{lang}  ({len(c)} cells, {seeds} seed{'s' if seeds > 1 else ''})\n{params}",
                     fontsize=7)
        for side in ax.spines.values():
            side.set_edgecolor(language_color(lang))
            side.set_linewidth(2.0)
    visible = [ax for ax in axes.flat if ax.get_visible()]
    bar = fig.colorbar(contour, ax=visible, shrink=0.9, pad=0.01, fraction=0.03)
    bar.set_label("fitted L(N, D) (nats/token)")
    bar.set_ticks(levels[::3])
    bar.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.2f}"))
    bar2 = fig.colorbar(points, ax=visible, shrink=0.9, pad=0.01, fraction=0.03)
    bar2.set_label("measured / fitted − 1 (mean over seeds)")
    bar2.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{100 * v:+.0f}%"))
    fig.suptitle("Fig. 2 — per-language loss over N and D: fitted L(N, D) = A·N^−α_N + B·D^−α_D + L_∞ "
                 "(contours) and measured points (coloured by residual); † not identified", fontsize=9)
    save(fig, pdf, png)


def plot_law_parameters(laws: dict[str, dict], pdf, png, published: dict = paper.LANGUAGE_LAWS) -> None:
    """α_N, α_D and L_∞ per language, three panels: ours (left axis, filled marker in the
    language's colour with its 95% bootstrap interval; hollow where not identified) and the
    paper's (right axis, black diamond), languages ordered by the paper's value so a rising row of
    our markers is agreement; Spearman's ρ with its bootstrap interval in each title."""
    ranks = rank_correlations(laws, published).set_index("parameter")
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), layout="constrained")
    for ax, (ours, theirs) in zip(axes, PARAMETERS, strict=True):
        in_paper = sorted((k for k in laws if k in published), key=lambda k: (published[k][theirs], k))
        langs = in_paper + sorted(k for k in laws if k not in published)
        x = np.arange(len(langs))
        twin = ax.twinx()
        for i, lang in enumerate(langs):
            fit = laws[lang]
            value = fit["params"][ours]
            lo, hi = fit["ci95"][ours]
            yerr = interval_yerr([value], [lo], [hi]) if lo is not None and hi is not None else None
            color = language_color(lang)
            face = color if identified(fit, ours) else "white"
            ax.errorbar([i - 0.12], [value], yerr=yerr, fmt="o", ms=7, color=color, mfc=face, mec=color,
                        mew=1.5, capsize=3, elinewidth=1.2, zorder=3)
        twin.plot(x[:len(in_paper)] + 0.12, [published[k][theirs] for k in in_paper], "D--", color="black",
                  mfc="none", ms=6, lw=0.7, zorder=2)
        ax.set_xticks(x, langs, rotation=35, ha="right", fontsize=8)
        for tick, lang in zip(ax.get_xticklabels(), langs, strict=True):
            tick.set_color(language_color(lang) if lang != "javascript" else "#A89A00")  # legible yellow
        ax.set_ylabel(f"ours: {LABELS[ours]}", fontsize=8)
        twin.set_ylabel(f"paper: {theirs}", fontsize=8)
        r = ranks.loc[ours]
        rho = "ρ n/a" if pd.isna(r.spearman_rho) else f"Spearman ρ = {r.spearman_rho:+.2f}"
        if pd.notna(r.rho_ci_low):
            rho += f" [{r.rho_ci_low:+.2f}, {r.rho_ci_high:+.2f}] ({int(r.draws)} draws)"
        ax.set_title(f"{LABELS[ours]}\n{rho}", fontsize=8)
        ax.set_xlabel("ordered by the paper's value", fontsize=7)
    handles = [Line2D([], [], marker="o", ls="none", color="0.3", label="ours (95% bootstrap interval)"),
               Line2D([], [], marker="o", ls="none", color="0.3", mfc="white", label="ours, not identified"),
               Line2D([], [], marker="D", ls="--", lw=0.7, color="black", mfc="none",
                      label=f"paper (Fig. 2, arXiv {paper.ARXIV}), right axis")]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=8)
    fig.suptitle("Per-language law parameters, ours vs the paper's: different units and scale, so compare "
                 "the rankings (ρ), not the magnitudes", fontsize=9)
    save(fig, pdf, png)


# -- Table 1: the synergy matrix beside the paper's -------------------------------------------

SYNERGY_COLUMNS = ["target", "auxiliary", "model", "tokens", "n_seeds", "loss_self", "loss_mixed", "gain",
                   "relative_gain", "relative_ci_low", "relative_ci_high", "significant",
                   "paper_relative_gain", "paper_relative_gain_low", "paper_relative_gain_high",
                   "paper_loss_self", "paper_loss_mixed", "sign_agrees"]


def _paper_sign(row: dict) -> float:
    if pd.notna(row["paper_relative_gain"]):
        return float(np.sign(row["paper_relative_gain"]))
    lo, hi = row["paper_relative_gain_low"], row["paper_relative_gain_high"]
    if pd.notna(lo) and (lo > 0 or hi < 0):
        return float(np.sign(lo))
    return math.nan


def synergy_comparison(table: pd.DataFrame) -> pd.DataFrame:
    """``results/paper/synergy.csv``: one row per (target, auxiliary, model, tokens) of ``table``
    (``laws/synergy.csv``): our relative gain with its 95% seed interval beside the paper's where it
    prints one: the cell's relative gain (:data:`codescale.paper.SYNERGY_RELATIVE_GAIN`), the range
    it states for Python as auxiliary (``paper_relative_gain_low`` / ``_high``, on every target
    but Python), its self baseline ``L(i+i)`` and mixed loss where printed. ``sign_agrees``:
    whether our gain has the paper's sign (NA where the paper gives neither a cell nor a range
    that excludes 0)."""
    rows = []
    for r in table.itertuples(index=False):
        row = {c: getattr(r, c) for c in SYNERGY_COLUMNS[:12]}
        cell = (r.target, r.auxiliary)
        row["paper_relative_gain"] = round(paper.SYNERGY_RELATIVE_GAIN.get(cell, math.nan), 6)  # as printed
        in_range = r.auxiliary == "python" and r.target != "python" and r.target in paper.LANGUAGES
        low, high = paper.PYTHON_AUXILIARY_GAIN_RANGE if in_range else (math.nan, math.nan)
        row.update(paper_relative_gain_low=low, paper_relative_gain_high=high,
                   paper_loss_self=paper.SYNERGY_SELF_LOSS.get(r.target, math.nan),
                   paper_loss_mixed=paper.SYNERGY_LOSS.get(cell, math.nan))
        sign = _paper_sign(row)
        row["sign_agrees"] = pd.NA if math.isnan(sign) else bool(np.sign(r.relative_gain) == sign)
        rows.append(row)
    out = pd.DataFrame(rows, columns=SYNERGY_COLUMNS)
    out["sign_agrees"] = out.sign_agrees.astype("boolean")
    return out


def synergy_agreement(frame: pd.DataFrame) -> dict:
    """Per (model, tokens): the cells the paper prints, how many have our sign, and Spearman's ρ
    between our relative gains and its printed ones (NaN under 3 cells)."""
    out = {}
    for (model, tokens), part in frame.groupby(["model", "tokens"], sort=True):
        printed = part[part.paper_relative_gain.notna()]
        rho = math.nan
        if len(printed) >= 3 and printed.relative_gain.nunique() > 1 and printed.paper_relative_gain.nunique() > 1:
            rho = float(spearmanr(printed.relative_gain, printed.paper_relative_gain)[0])
        signs = part.sign_agrees.dropna()
        out[(model, int(tokens))] = {"printed_cells": int(len(printed)), "sign_cells": int(len(signs)),
                                     "sign_agrees": int(signs.sum()), "spearman_rho": rho}
    return out


def _matrix_axes(ax, languages: list[str]) -> None:
    k = len(languages)
    ax.set_xticks(range(k), languages, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(k), languages, fontsize=8)
    ax.set_xlabel("auxiliary language j")
    ax.set_ylabel("target language i")
    ax.set_xticks(np.arange(k + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(k + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)


def _text_color(value: float, limit: float) -> str:
    return "white" if abs(value) > 0.6 * limit else "black"


def _our_panel(ax, part: pd.DataFrame, languages: list[str], norm) -> object:
    k = len(languages)
    values = np.full((k, k), np.nan)
    for r in part.itertuples(index=False):
        values[languages.index(r.target), languages.index(r.auxiliary)] = r.relative_gain
    image = ax.imshow(np.ma.masked_invalid(values), cmap=plt.cm.RdBu.with_extremes(bad="#eeeeee"), norm=norm)
    for r in part.itertuples(index=False):
        i, j = languages.index(r.target), languages.index(r.auxiliary)
        text = f"{100 * r.relative_gain:+.1f}%{'*' if r.significant else ''}"
        if pd.notna(r.relative_ci_low):
            text += f"\n[{100 * r.relative_ci_low:+.1f}, {100 * r.relative_ci_high:+.1f}]"
        ax.text(j, i, text, ha="center", va="center", fontsize=6, color=_text_color(r.relative_gain, norm.vmax))
    selves = part.drop_duplicates("target").set_index("target").loss_self
    for lang in languages:
        i = languages.index(lang)
        loss = f"\n{selves[lang]:.3f}" if lang in selves else ""
        ax.text(i, i, f"L(i+i){loss}", ha="center", va="center", fontsize=5.5, color="#555555")
    _matrix_axes(ax, languages)
    return image


def _paper_panel(ax, languages: list[str], norm) -> int:
    """The paper's cells; returns how many cells show only its stated range (hatched)."""
    k = len(languages)
    hatched = 0
    values = np.full((k, k), np.nan)
    for (target, aux), v in paper.SYNERGY_RELATIVE_GAIN.items():
        if target in languages and aux in languages:
            values[languages.index(target), languages.index(aux)] = v
    ax.imshow(np.ma.masked_invalid(values), cmap=plt.cm.RdBu.with_extremes(bad="white"), norm=norm)
    low, high = paper.PYTHON_AUXILIARY_GAIN_RANGE
    for i, target in enumerate(languages):
        for j, aux in enumerate(languages):
            if i == j:
                loss = paper.SYNERGY_SELF_LOSS.get(target)
                text = "L(i+i)" + (f"\n{loss:.4f}" if loss is not None else "")
                ax.text(j, i, text, ha="center", va="center", fontsize=5.5, color="#555555")
            elif not math.isnan(values[i, j]):
                ax.text(j, i, f"{100 * values[i, j]:+.1f}%", ha="center", va="center", fontsize=6,
                        color=_text_color(values[i, j], norm.vmax))
            elif aux == "python" and target in paper.LANGUAGES:
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=plt.cm.RdBu(norm((low + high) / 2)),
                                           alpha=0.35, hatch="///", edgecolor="white", lw=0))
                ax.text(j, i, f"{100 * low:.1f}–\n{100 * high:.1f}%", ha="center", va="center", fontsize=6)
                hatched += 1
    _matrix_axes(ax, languages)
    return hatched


def plot_synergy_comparison(table: pd.DataFrame, pdf, png) -> pd.DataFrame:
    """Table 1: one heatmap of our relative gains per (model, tokens) of ``table`` (each cell the
    gain with its 95% seed interval; ``*`` where it excludes 0; the diagonal our ``L(i+i)``),
    and the paper's Table 1 beside it: its printed cells on the same colour scale, its range for
    Python as auxiliary hatched, its self baselines on the diagonal, blank where it prints
    nothing. Returns :func:`synergy_comparison`."""
    if table.empty:
        raise ValueError("plot_synergy_comparison: empty synergy table")
    frame = synergy_comparison(table)
    languages = sorted(set(table.target) | set(table.auxiliary))
    points = sorted(set(zip(table.model, table.tokens, strict=True)))
    published = [v for (t, a), v in paper.SYNERGY_RELATIVE_GAIN.items() if t in languages and a in languages]
    ours = table.relative_gain.to_numpy(dtype=float)
    limit = float(np.nanmax(np.abs(np.concatenate([ours, published, paper.PYTHON_AUXILIARY_GAIN_RANGE]))))
    norm = TwoSlopeNorm(vmin=-limit, vcenter=0.0, vmax=limit)
    size = 0.8 * len(languages) + 1.2
    fig, axes = plt.subplots(1, len(points) + 1, figsize=(size * (len(points) + 1) + 1.2, size + 0.6),
                             squeeze=False, layout="constrained")
    agreement = synergy_agreement(frame)
    image = None
    for ax, (model, tokens) in zip(axes.flat, points, strict=False):
        part = table[(table.model == model) & (table.tokens == tokens)]
        image = _our_panel(ax, part, languages, norm)
        seeds = int(part.n_seeds.max())
        a = agreement[(model, int(tokens))]
        title = f"ours: {model}, {int(tokens):,} tokens, {seeds} seed{'s' if seeds != 1 else ''}"
        if a["sign_cells"]:
            title += f"\nsign as the paper's in {a['sign_agrees']}/{a['sign_cells']} cells"
        if not math.isnan(a["spearman_rho"]):
            title += f"; ρ = {a['spearman_rho']:+.2f} over {a['printed_cells']} printed cells"
        ax.set_title(title, fontsize=8)
    hatched = _paper_panel(axes.flat[-1], languages, norm)
    title = f"paper (Table 1, arXiv {paper.ARXIV}): its printed relative gains; blank: not printed"
    if hatched:
        title += "\nhatched: the range its text states for Python as auxiliary"
    axes.flat[-1].set_title(title, fontsize=8)
    bar = fig.colorbar(image, ax=list(axes.flat), shrink=0.8)
    bar.set_label("relative gain (L(i+i) − L(i+j)) / L(i+i)")
    bar.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{100 * v:+.0f}%"))
    fig.suptitle("Table 1 — synergy: relative gain of auxiliary j for target i, positive = helps "
                 "(ours: mean over seeds [95% t-interval]; * interval excludes 0)", fontsize=9)
    save(fig, pdf, png)
    return frame
