"""What a finished study found, against the paper: a markdown summary of its results directory.

Usage: python bench/study_summary.py [results/] > summary.md

- per-language laws with 95% intervals, flags and held-out errors, and whether each is identified
  (no parameter at a bound or negligible, α and β intervals excluding 0);
- the paper's claims (REFERENCE.md §1): the language ranking of α_N, α_D and L_∞ (Spearman's ρ
  against the published values), the synergy sign pattern (Python hurt by most auxiliaries yet
  helping the others; Java+C# the largest gain), and optimized vs uniform;
- the mixture models' held-out errors against the mixture-blind predictor;
- the allocation's measured difference with its interval and verdict.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
from scipy import stats

# Fig. 2 of the paper: (α_N, α_D, L_∞) per language.
PAPER = {"python": (0.221, 1.217, 0.566), "java": (0.447, 1.129, 0.397), "javascript": (0.692, 1.247, 0.554),
         "typescript": (0.439, 1.303, 0.518), "csharp": (0.321, 1.350, 0.288), "go": (0.845, 1.149, 0.414),
         "rust": (0.643, 1.297, 0.397)}
BOUND = 5.0  # PowerLaw's max_exponent


def _ci(row, p, fmt="{:.3g}"):
    return f"{fmt.format(row[p])} [{fmt.format(row[p + '_ci_low'])}, {fmt.format(row[p + '_ci_high'])}]"


def identified(row) -> tuple[bool, str]:
    why = []
    if isinstance(row.unidentified, str) and row.unidentified.strip():
        why.append(f"unidentified: {row.unidentified}")
    for p in ("alpha", "beta"):
        if row[p] >= BOUND - 1e-6 or row[f"{p}_ci_high"] >= BOUND - 1e-6:
            why.append(f"{p} at its bound")
        if row[f"{p}_ci_low"] <= 1e-6:
            why.append(f"{p} interval reaches 0")
    return not why, "; ".join(why)


def laws_section(res: Path) -> list[str]:
    table = pd.read_csv(res / "laws/language_laws.csv")
    out = ["## Per-language laws  L = A·N^-α + B·D^-β + E", "",
           "| lang | points | α | β | E | LOO rmse(log) | largest model | largest budget | identified |",
           "|---|---|---|---|---|---|---|---|---|"]
    n_ok = 0
    for _, r in table.iterrows():
        ok, why = identified(r)
        n_ok += ok
        out.append(f"| {r.lang} | {r.points} | {_ci(r, 'alpha')} | {_ci(r, 'beta')} | {_ci(r, 'E')} | "
                   f"{r.leave_one_out_rmse_log:.4f} | {r.largest_model_rmse_log:.4f} | "
                   f"{r.largest_budget_rmse_log:.4f} | {'yes' if ok else 'no: ' + why} |")
    out += ["", f"{n_ok} of {len(table)} languages identified.", ""]
    langs = [lang for lang in table.lang if lang in PAPER]
    if len(langs) >= 3:
        t = table.set_index("lang")
        out += ["Ranking against the paper (Spearman's ρ over languages, p-value):", ""]
        for i, (name, col) in enumerate((("α_N", "alpha"), ("α_D", "beta"), ("L_∞", "E"))):
            rho, pval = stats.spearmanr([PAPER[k][i] for k in langs], [t.loc[k, col] for k in langs])
            ours = " < ".join(sorted(langs, key=lambda k: t.loc[k, col]))
            paper = " < ".join(sorted(langs, key=lambda k: PAPER[k][i]))
            out += [f"- {name}: ρ = {rho:+.2f} (p = {pval:.2f}); ours {ours}; paper {paper}"]
        out.append("")
    return out


def synergy_section(res: Path) -> list[str]:
    path = res / "laws/synergy.csv"
    if not path.is_file():
        return []
    s = pd.read_csv(path)
    pairs = s[s.target != s.auxiliary] if "auxiliary" in s else s
    sig = pairs[pairs.significant.astype(bool)] if "significant" in pairs else pairs.iloc[0:0]
    pos, neg = (sig.gain > 0).sum(), (sig.gain < 0).sum()
    out = ["## Synergy  Δ = L(i+i) − L(i+j) (positive: the auxiliary helps)", "",
           f"{len(pairs)} (target, auxiliary) pairs, seeds per pair {sorted(set(pairs.n_seeds))}; "
           f"gain > 0 in {(pairs.gain > 0).sum()}, < 0 in {(pairs.gain < 0).sum()}; with a 95% interval "
           f"excluding 0: {pos} positive, {neg} negative.", ""]
    if {"python"} <= set(pairs.target):
        py = pairs[pairs.target == "python"]
        helps = pairs[(pairs.auxiliary == "python")]
        out.append(f"- Paper: Python is hurt by most auxiliaries. Here: Python's gain < 0 for "
                   f"{(py.gain < 0).sum()} of {len(py)} auxiliaries.")
        out.append(f"- Paper: Python helps every other target (3.8–6.0%). Here: Python's gain > 0 for "
                   f"{(helps.gain > 0).sum()} of {len(helps)} targets.")
    best = pairs.sort_values("relative_gain", ascending=False).iloc[0]
    out += [f"- Paper: the largest gain is Java+C# (20.6%). Here: {best.target}+{best.auxiliary} "
            f"({100 * best.relative_gain:.1f}%).", ""]
    return out


def mixture_section(res: Path) -> list[str]:
    path = res / "laws/mixture_laws.json"
    if not path.is_file():
        return []
    m = json.loads(path.read_text())
    out = ["## Mixture laws (held out one mixture run at a time)", "",
           f"chosen: {m.get('chosen')} ({m.get('chosen_reason')})", ""]
    vt = m.get("chosen_vs_trivial", {})
    if vt:
        out += [f"chosen law versus the mixture-blind predictor: {json.dumps(vt)}", ""]
    models = res / "laws/mixture_models.csv"
    if models.is_file():
        frame = pd.read_csv(models)
        if "scope" in frame:
            overall = frame[frame.scope == "overall"].dropna(axis=1, how="all")
            out += ["```", overall.to_string(index=False, max_colwidth=40), "```", ""]
    return out


def allocation_section(res: Path) -> list[str]:
    out = []
    for diff_path in sorted((res / "allocation").glob("*/difference.csv")):
        budget = diff_path.parent.name
        diff = pd.read_csv(diff_path)
        alloc = json.loads((diff_path.parent / "allocation.json").read_text())
        props = alloc["mixtures"]["optimized"]["proportions"]
        out += [f"## Allocation {budget}: optimized − uniform (measured, 95% Welch interval)", "",
                "optimized shares: " + ", ".join(f"{k} {v:.2f}" for k, v in sorted(props.items())),
                f"predicted gain {alloc.get('predicted_gain', float('nan')):.4f} nats", "",
                "| lang | optimized − uniform | 95% interval | seeds | verdict |", "|---|---|---|---|---|"]
        for _, r in diff.iterrows():
            out.append(f"| {r.lang} | {r.optimized_minus_uniform:+.4f} | [{r.ci95_low:+.4f}, {r.ci95_high:+.4f}] | "
                       f"{r.seeds_optimized}/{r.seeds_uniform} | {r.verdict} |")
        out.append("")
    return out


def main(argv: list[str]) -> None:
    res = Path(argv[1] if len(argv) > 1 else "results")
    lines = [f"# Study summary: {res}", ""]
    for section in (laws_section, synergy_section, mixture_section, allocation_section):
        try:
            lines += section(res)
        except (OSError, KeyError, ValueError) as err:
            lines += [f"## {section.__name__}: not available ({err})", ""]
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv)
