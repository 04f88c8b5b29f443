"""The claims check: each qualitative claim of the paper (arXiv 2512.13472, :mod:`codescale.paper`)
beside what our runs show, with a verdict computed from the data by the rules below, never
written by hand. :func:`check_claims` gives one row per claim (``results/claims.csv``),
:func:`claims_html` the table the report opens with.

Verdicts: ``reproduced``, ``not reproduced``, ``not testable at this scale``. Three rules hold for
every claim:

* **A parameter at its bound is no evidence.** A fitted parameter is *identified* when the fit
  does not flag it (``unidentified`` of ``laws/language_laws.json`` and of the translation laws: a
  point estimate at a bound or a negligible term) and its 95% bootstrap interval stays off its
  bounds: an exponent's interval inside ``(BOUND_TOLERANCE, max_exponent − BOUND_TOLERANCE)``,
  ``E``'s lower end at least ``NEGLIGIBLE_SHARE`` × the smallest loss it was fitted on (``E`` is
  fitted as ``log E``: its bound 0 is reached when the interval runs down to it; the same share
  marks a negligible term in :class:`codescale.laws.forms.PowerLaw`). A claim about a parameter is
  computed over the languages where it is identified, saying how many; with fewer than
  ``MIN_RANK_LANGUAGES`` it is not testable (Spearman's ρ over three languages takes four values:
  one order in six agrees perfectly by chance).
* **One seed is not a result.** A comparison of measured runs needs at least ``MIN_SEEDS`` seeds
  on each side (an interval); with fewer it is not testable.
* **An interval that holds 0 is a tie, not a win.** Every "beats", "helps", "hurts" and "changes"
  needs a 95% interval that excludes 0 on the claimed side.

The claims and their rules (ids as in ``results/claims.csv``):

``a``   Irreducible-loss ranking: Spearman's ρ between our ``E`` and the paper's ``L_∞`` over the
        languages where ``E`` is identified; 95% interval: ρ of every bootstrap draw (the draws of
        one index across languages' independent fits form one joint draw). Reproduced when the
        interval's lower end is above 0; not reproduced otherwise.
``b1``  Which languages gain most from data: the same rule for our ``beta`` against the paper's α_D.
``b2``  ... and from parameters: our ``alpha`` against the paper's α_N.
``b3``  Data scaling helps more than model scaling (α_D > α_N in every language): per language
        with both exponents identified, ``beta − alpha`` with the interval of its paired draws.
        Not reproduced when any such language has the interval below 0 (a counterexample);
        reproduced when at least ``MIN_RANK_LANGUAGES`` languages are identified and every
        interval is above 0; not reproduced when some hold 0; not testable otherwise.
``c1``, ``c2``  Java–C# and JavaScript–TypeScript are the strongest synergies: the pair's better
        direction (the larger relative gain of its two (target, auxiliary) orders in
        ``laws/synergy.csv``) must be significantly positive (seed interval above 0) and rank in
        the top ``TOP_SYNERGY_SHARE`` of all ordered pairs (the paper's own Table 1 passes this
        rule for both pairs: ranks 1 and 9 of 42).
``d1``  Python is the only target hurt by most auxiliaries: reproduced when more than half of
        Python's gains as target have a seed interval below 0 and no other target's do.
``d2``  Python helps every other target as an auxiliary: reproduced when every gain with Python as
        auxiliary has a seed interval above 0.
``e1``  Pairing beats shuffling on unseen directions: per (model, budget) cell of
        ``eval/strategy.csv``, pairing − shuffled unseen-direction loss with Welch's 95% interval
        over seeds (won / lost / tied as :func:`codescale.allocate.compare.verdict`); reproduced
        when pairing wins in every cell with seeds enough.
``e2``  The gap changes with size as the paper's (it narrows from the smallest to the largest
        size): the gap ``shuffled − pairing`` at the largest model minus at the smallest, at the
        largest budget, with a Welch–Satterthwaite interval over the four cells' seeds;
        reproduced when the interval excludes 0 on the paper's side.
``e3``  The same change predicted by the fitted unseen-direction translation laws of the two
        organizations over our range of N (their ``B·D^-β`` and ``E`` cancel): needs both laws'
        size terms (``A``, ``alpha``) identified; interval from paired bootstrap draws.
``f_<budget>``  The optimized mixture beats uniform on average with no language significantly
        worse (``allocation/<budget>/difference.csv``): reproduced when the average's verdict is
        ``won`` and no language ``lost``; not testable when ``unresolved`` (one seed per mixture).

Where a family is absent from a config (no synergy, no strategy, no allocation budget), its rows
say ``not testable at this scale`` with that reason. Units: losses in nats per token on our own
validation sets; the paper's on its own, so only rankings, signs and significance are compared,
never the values themselves.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable

import numpy as np
import pandas as pd
from scipy import stats

from codescale import paper
from codescale.allocate.compare import verdict as interval_verdict
from codescale.artifacts import read_json, write_text

REPRODUCED = "reproduced"
NOT_REPRODUCED = "not reproduced"
NOT_TESTABLE = "not testable at this scale"
VERDICTS = (REPRODUCED, NOT_REPRODUCED, NOT_TESTABLE)

#: Fewest languages a rank correlation (and a claim about every language) is computed over.
MIN_RANK_LANGUAGES = 4
#: Fewest seeds per side of a measured comparison (one run gives no interval).
MIN_SEEDS = 2
#: A claimed strongest pair must rank in this top share of ordered (target, auxiliary) gains: the
#: paper's own Table 1 puts JavaScript+TypeScript 9th of 42 (the top quarter, 11, passes it).
TOP_SYNERGY_SHARE = 0.25
#: An exponent's interval end this close to 0 or to its upper bound reaches the bound.
BOUND_TOLERANCE = 1e-3
#: E's interval reaches its bound 0 below this share of the smallest loss it was fitted on.
NEGLIGIBLE_SHARE = 1e-3
#: Coverage of every interval (bootstrap percentiles, t and Welch intervals).
CONFIDENCE = 0.95

THRESHOLDS = {"MIN_RANK_LANGUAGES": MIN_RANK_LANGUAGES, "MIN_SEEDS": MIN_SEEDS,
              "TOP_SYNERGY_SHARE": TOP_SYNERGY_SHARE, "BOUND_TOLERANCE": BOUND_TOLERANCE,
              "NEGLIGIBLE_SHARE": NEGLIGIBLE_SHARE, "CONFIDENCE": CONFIDENCE}

COLUMNS = ["claim_id", "study", "claim", "quantity", "value", "ci_low", "ci_high", "paper_value", "n",
           "verdict", "reason", "detail", "evidence"]

LAWS_FILE = "results/laws/language_laws.json"
SYNERGY_FILE = "results/laws/synergy.csv"
STRATEGY_FILE = "results/eval/strategy.csv"
TRANSLATION_FILE = "results/laws/translation_laws.json"

EXPONENTS = ("alpha", "beta")
LANG_NAME = {"python": "Python", "java": "Java", "javascript": "JavaScript", "typescript": "TypeScript",
             "csharp": "C#", "go": "Go", "rust": "Rust"}

_LOW, _HIGH = 50 * (1 - CONFIDENCE), 100 - 50 * (1 - CONFIDENCE)


def _name(lang: str) -> str:
    return LANG_NAME.get(lang, lang)


# ---------------------------------------------------------------------------------------------
# The claims in the paper's words, with what the paper prints (codescale.paper)


def _paper_extreme(key: str) -> str:
    laws = paper.LANGUAGE_LAWS
    hi, lo = max(laws, key=lambda k: laws[k][key]), min(laws, key=lambda k: laws[k][key])
    return f"largest for {_name(hi)} ({laws[hi][key]:.3f}), smallest for {_name(lo)} ({laws[lo][key]:.3f})"


def _paper_gain(target: str, auxiliary: str) -> float:
    return paper.SYNERGY_RELATIVE_GAIN[(target, auxiliary)]


def _paper_gaps() -> dict[float, float]:
    """Fig. 3: shuffled − pairing unseen-direction loss by model size (billions)."""
    return {size: v["shuffled"] - v["pairing"] for size, v in sorted(paper.UNSEEN_LOSS_BY_SIZE.items())}


def _paper_gap_change() -> float:
    gaps = _paper_gaps()
    return gaps[max(gaps)] - gaps[min(gaps)]


def _gap_claim() -> str:
    gaps = _paper_gaps()
    small, large = min(gaps), max(gaps)
    trend = "narrows" if gaps[large] < gaps[small] else "widens"
    return (f"The pairing advantage on unseen directions changes with size: it {trend} from "
            f"{gaps[small]:.3f} nats at {small:g}B to {gaps[large]:.3f} at {large:g}B (Fig. 3).")


CLAIM = {
    "a": "Irreducible loss differs by language: C# < Java ≈ Rust < Go < TypeScript < JavaScript < Python "
         "(Fig. 2).",
    "b1": f"Languages differ in how much they gain from data (α_D, Fig. 2): {_paper_extreme('alpha_D')}.",
    "b2": f"Languages differ in how much they gain from parameters (α_N, Fig. 2): {_paper_extreme('alpha_N')}.",
    "b3": "Data scaling helps more than model scaling: α_D > α_N in every language (Fig. 2).",
    "c1": f"Java–C# is the strongest synergy: C# as auxiliary lowers Java's loss by "
          f"{100 * _paper_gain('java', 'csharp'):.1f}% (Table 1).",
    "c2": "JavaScript–TypeScript is a high-synergy pair: mixing beats self-repetition both ways "
          f"({100 * _paper_gain('javascript', 'typescript'):+.1f}% and "
          f"{100 * _paper_gain('typescript', 'javascript'):+.1f}%) (Table 1).",
    "d1": "Python is the only target hurt by most auxiliaries (e.g. + Rust "
          f"{100 * _paper_gain('python', 'rust'):+.1f}%) (Table 1).",
    "d2": "Python as an auxiliary helps every other target (by {:.1f}–{:.1f}%) (Table 1).".format(
        *(100 * g for g in paper.PYTHON_AUXILIARY_GAIN_RANGE)),
    "e1": "Parallel pairing beats shuffling on unseen (zero-shot) directions at every model size (Fig. 3).",
    "e2": _gap_claim(),
    "e3": _gap_claim(),
    "f": "The optimized mixture beats uniform on average with no language significantly worse "
         f"(two {paper.ALLOCATION['params_B']:g}B models on {paper.ALLOCATION['tokens_B']:g}B tokens; "
         "BLEU and Pass@1).",
}

_SYNERGY_QUANTITY = ("relative gain (L(i+i) − L(i+j)) / L(i+i) of the pair's better direction (pairs written "
                     "target+auxiliary), seed interval; and its rank among all ordered pairs")
#: What each claim's value is (the table's ``quantity``); every interval is at ``CONFIDENCE``.
QUANTITY = {
    "a": "Spearman's ρ, our E vs the paper's L_∞, over the languages with E identified; interval from the "
         "laws' bootstrap draws",
    "b1": "Spearman's ρ, our beta vs the paper's α_D, over the languages with beta identified; interval from "
          "the laws' bootstrap draws",
    "b2": "Spearman's ρ, our alpha vs the paper's α_N, over the languages with alpha identified; interval "
          "from the laws' bootstrap draws",
    "b3": "the smallest α_D − α_N (our beta − alpha) over the languages with both identified; interval from "
          "its paired bootstrap draws",
    "c1": _SYNERGY_QUANTITY,
    "c2": _SYNERGY_QUANTITY,
    "d1": "share of auxiliaries that significantly hurt Python as target (seed intervals); the paper's share "
          "by sign",
    "d2": "share of targets that Python significantly helps as auxiliary (seed intervals); the paper's share "
          "by sign",
    "e1": "share of (model, budget) cells where pairing's unseen-direction loss is significantly below "
          "shuffled's (Welch interval over seeds); the paper's share of sizes",
    "e2": "change of the measured gap (shuffled − pairing, unseen directions, nats) from the smallest to the "
          "largest model at the largest budget; Welch–Satterthwaite interval over seeds",
    "e3": "change of the gap predicted by the fitted unseen-direction laws (nats) from our smallest to our "
          "largest N; interval from paired bootstrap draws",
    "f": "optimized − uniform validation loss averaged over languages (nats/token; negative: optimized "
         "better); Welch interval over seeds",
}
STUDY = {"a": "1 per-language laws", "b": "1 per-language laws", "c": "2 synergy", "d": "2 synergy",
         "e": "3 strategies", "f": "4 allocation"}


def _row(claim_id: str, verdict: str, reason: str, *, claim: str | None = None, quantity: str | None = None,
         value: float = math.nan, ci: tuple[float, float] = (math.nan, math.nan),
         paper_value: float = math.nan, n: int = 0, detail: str = "", evidence: str = "") -> dict:
    if verdict not in VERDICTS:
        raise ValueError(f"claim {claim_id}: unknown verdict {verdict!r}")
    key = claim_id.split("_")[0]
    return {"claim_id": claim_id, "study": STUDY[key[0]], "claim": claim or CLAIM[key],
            "quantity": quantity or QUANTITY[key], "value": float(value), "ci_low": float(ci[0]),
            "ci_high": float(ci[1]), "paper_value": float(paper_value), "n": int(n), "verdict": verdict,
            "reason": reason, "detail": detail, "evidence": evidence}


def _interval(value: float, low: float, high: float, digits: int = 2) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return f"{value:.{digits}f}"
    return f"{value:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def _percentiles(values) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not len(v):
        return math.nan, math.nan
    return float(np.percentile(v, _LOW)), float(np.percentile(v, _HIGH))


def spearman(x, y) -> float:
    """Spearman's ρ with average ranks for ties (the paper's Java and Rust share L_∞ = 0.397);
    NaN when either side is constant."""
    rx, ry = stats.rankdata(x), stats.rankdata(y)
    if np.ptp(rx) == 0 or np.ptp(ry) == 0:
        return math.nan
    return float(np.corrcoef(rx, ry)[0, 1])


# ---------------------------------------------------------------------------------------------
# Identification of fitted parameters


def parameter_status(fit: dict, param: str) -> str | None:
    """``None`` when ``param`` of a fitted law (:meth:`codescale.laws.fitter.FittedLaw.to_dict`,
    or a translation law's ``{"skipped": why}``) is identified; else why not, in a few words."""
    if "skipped" in fit:
        return f"no law ({fit['skipped']})"
    if param in (fit.get("unidentified") or []):
        return "flagged unidentified by its fit"
    if param in ("A", "B"):
        return None  # their size depends on N and D: the fit's own negligible-term check decides
    low, high = (math.nan if v is None else float(v) for v in fit["ci95"][param])
    if not (math.isfinite(low) and math.isfinite(high)):
        return "no bootstrap interval"
    if param in EXPONENTS:
        top = float(fit.get("form_spec", {}).get("max_exponent", 5.0))
        if low <= BOUND_TOLERANCE:
            return "its interval reaches 0"
        if high >= top - BOUND_TOLERANCE:
            return f"its interval reaches its bound {top:g}"
        return None
    if low < NEGLIGIBLE_SHARE * min(float(p["loss"]) for p in fit["points"]):
        return "its interval reaches 0"
    return None


def _draw_matrix(fits: dict[str, dict], langs: list[str], param: str) -> np.ndarray:
    """(draws, languages): draw i of each language's fit (independent fits: one joint draw)."""
    columns = [np.asarray(fits[lang].get("draws", {}).get(param, []), dtype=float) for lang in langs]
    n = min((len(c) for c in columns), default=0)
    return np.stack([c[:n] for c in columns], axis=1) if n else np.empty((0, len(langs)))


def _paired_difference(fit: dict, a: str, b: str) -> np.ndarray:
    """``a − b`` over one fit's bootstrap draws (each draw one refit: the two are paired)."""
    draws = fit.get("draws", {})
    x, y = (np.asarray(draws.get(p, []), dtype=float) for p in (a, b))
    n = min(len(x), len(y))
    return x[:n] - y[:n]


def _excluded(status: dict[str, str | None]) -> str:
    """The languages left out, grouped by why: ``its interval reaches 0: python, rust``."""
    causes: dict[str, list[str]] = {}
    for lang, why in sorted(status.items()):
        if why:
            causes.setdefault(why, []).append(lang)
    return "; ".join(f"{why}: {', '.join(langs)}" for why, langs in causes.items()) or "none"


# ---------------------------------------------------------------------------------------------
# Study 1: per-language laws

RANK_PARAMS = {"a": ("E", "L_inf"), "b1": ("beta", "alpha_D"), "b2": ("alpha", "alpha_N")}  # ours, paper's


def _order(values: dict[str, float]) -> str:
    return " < ".join(f"{lang} {values[lang]:.3g}" for lang in sorted(values, key=lambda k: (values[k], k)))


def rank_claim(claim_id: str, laws: dict[str, dict]) -> dict:
    """Claims ``a``, ``b1``, ``b2``: Spearman's ρ of our parameter against the paper's over the
    languages where ours is identified, with its bootstrap interval."""
    param, key = RANK_PARAMS[claim_id]
    common = [lang for lang in sorted(laws) if lang in paper.LANGUAGE_LAWS]
    status = {lang: parameter_status(laws[lang], param) for lang in common}
    ids = [lang for lang in common if status[lang] is None]
    ours = {lang: float(laws[lang]["params"][param]) for lang in ids}
    theirs = {lang: paper.LANGUAGE_LAWS[lang][key] for lang in common}
    head = dict(n=len(ids), evidence=LAWS_FILE,
                detail=f"ours: {_order(ours) or '-'}; paper: {_order(theirs)}; excluded: {_excluded(status)}")
    if len(ids) < MIN_RANK_LANGUAGES:
        return _row(claim_id, NOT_TESTABLE, **head, reason=(
            f"{param} is identified in {len(ids)} of {len(common)} languages ({_excluded(status)}), fewer "
            f"than the {MIN_RANK_LANGUAGES} a rank correlation needs."))
    paper_side = [theirs[k] for k in ids]
    rho = spearman([ours[k] for k in ids], paper_side)
    low, high = _percentiles([spearman(d, paper_side) for d in _draw_matrix(laws, ids, param)])
    said = f"ρ = {_interval(rho, low, high)} over {len(ids)} of {len(common)} languages ({param} identified)"
    if not math.isfinite(low):
        return _row(claim_id, NOT_TESTABLE, f"{said}; the laws carry no bootstrap draws, so ρ has no interval.",
                    value=rho, **head)
    if low > 0:
        verdict, why = REPRODUCED, "the interval lies above 0"
    elif high < 0:
        verdict, why = NOT_REPRODUCED, "the interval lies below 0: our order runs against the paper's"
    else:
        verdict, why = NOT_REPRODUCED, "the interval includes 0"
    return _row(claim_id, verdict, f"{said}; {why}.", value=rho, ci=(low, high), **head)


def data_beats_size_claim(laws: dict[str, dict]) -> dict:
    """Claim ``b3``: α_D > α_N (our beta > alpha) in every language with both identified."""
    common = [lang for lang in sorted(laws) if lang in paper.LANGUAGE_LAWS]
    status = {}
    for lang in common:
        why = [f"{p}: {w}" for p in EXPONENTS if (w := parameter_status(laws[lang], p))]
        status[lang] = ", ".join(why) or None
    ids = [lang for lang in common if status[lang] is None]
    diffs = {}
    for lang in ids:
        fit = laws[lang]
        draws = _paired_difference(fit, "beta", "alpha")
        diffs[lang] = (float(fit["params"]["beta"]) - float(fit["params"]["alpha"]), *_percentiles(draws))
    theirs = {k: v["alpha_D"] - v["alpha_N"] for k, v in paper.LANGUAGE_LAWS.items()}
    paper_min = min(theirs.values())
    head = dict(paper_value=paper_min, n=len(ids), evidence=LAWS_FILE, detail=(
        "α_D − α_N: " + ("; ".join(f"{lang} {_interval(*diffs[lang])}" for lang in ids) or "-")
        + f"; paper: every language, smallest {paper_min:.3f} ({_name(min(theirs, key=theirs.get))})"
        + f"; excluded: {_excluded(status)}"))
    if ids:
        worst = min(ids, key=lambda k: diffs[k][0])
        head.update(value=diffs[worst][0], ci=diffs[worst][1:])
    against = [lang for lang in ids if diffs[lang][2] < 0]
    if against:
        return _row("b3", NOT_REPRODUCED, **head, reason=(
            f"α_D − α_N is significantly negative in {', '.join(against)} "
            f"({'; '.join(_interval(*diffs[k]) for k in against)}), an identified counterexample."))
    if len(ids) < MIN_RANK_LANGUAGES:
        return _row("b3", NOT_TESTABLE, **head, reason=(
            f"both exponents are identified in {len(ids)} of {len(common)} languages, fewer than "
            f"{MIN_RANK_LANGUAGES}, and none of them contradicts the claim."))
    ties = [lang for lang in ids if not diffs[lang][1] > 0]
    if ties:
        return _row("b3", NOT_REPRODUCED, **head, reason=(
            f"over {len(ids)} identified languages α_D − α_N is significantly above 0 in "
            f"{len(ids) - len(ties)}; the interval includes 0 in {', '.join(ties)}."))
    return _row("b3", REPRODUCED, **head, reason=(
        f"α_D − α_N is significantly positive in all {len(ids)} identified languages "
        f"(smallest {_interval(*diffs[worst])}, {worst})."))


# ---------------------------------------------------------------------------------------------
# Study 2: synergy

SYNERGY_PAIRS = {"c1": ("java", "csharp"), "c2": ("javascript", "typescript")}


def synergy_point(table: pd.DataFrame) -> tuple[str, int]:
    """The (model, tokens) point the synergy claims read: the largest budget (the paper's runs
    are at 128B tokens), then the model with most ordered pairs there, then the last by name."""
    tokens = int(table.tokens.max())
    counts = table[table.tokens == tokens].groupby("model").size()
    return str(sorted(counts.index, key=lambda m: (counts[m], m))[-1]), tokens


def _synergy_part(table: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    model, tokens = synergy_point(table)
    part = table[(table.model == model) & (table.tokens == tokens)]
    return part.sort_values("relative_gain", ascending=False), f"{model}, {tokens:,} tokens"


def _pair_text(r) -> str:
    return (f"{r.target}+{r.auxiliary} {100 * r.relative_gain:+.1f}% "
            f"[{100 * r.relative_ci_low:+.1f}, {100 * r.relative_ci_high:+.1f}]")


def _seeds_short(rows: pd.DataFrame) -> bool:
    intervals = rows[["relative_ci_low", "relative_ci_high"]].to_numpy(dtype=float)
    return int(rows.n_seeds.min()) < MIN_SEEDS or not np.isfinite(intervals).all()


def _one_seed(where: str) -> str:
    return f"fewer than {MIN_SEEDS} seeds per run at {where}: a one-seed comparison is not a result."


def top_synergy_rank(n_pairs: int) -> int:
    """The lowest rank (1 = the largest gain) that still counts as among the strongest."""
    return max(1, math.ceil(TOP_SYNERGY_SHARE * n_pairs))


def _paper_rank(pair: tuple[str, str]) -> tuple[tuple[str, str], int, int]:
    """The pair's better direction in the paper's Table 1, its rank there and the table's size."""
    gains = paper.SYNERGY_RELATIVE_GAIN
    best = max((pair, pair[::-1]), key=lambda k: gains.get(k, -math.inf))
    return best, sum(g > gains[best] for g in gains.values()) + 1, len(gains)


def strongest_synergy_claim(claim_id: str, table: pd.DataFrame) -> dict:
    """Claims ``c1``, ``c2``: the pair's better direction is significantly positive and ranks in
    the top ``TOP_SYNERGY_SHARE`` of our ordered pairs (:func:`top_synergy_rank`)."""
    pair = SYNERGY_PAIRS[claim_id]
    (p_target, p_aux), p_rank, p_n = _paper_rank(pair)
    p_gain = paper.SYNERGY_RELATIVE_GAIN[(p_target, p_aux)]
    part, where = _synergy_part(table)
    rows = part[((part.target == pair[0]) & (part.auxiliary == pair[1]))
                | ((part.target == pair[1]) & (part.auxiliary == pair[0]))]
    head = dict(paper_value=p_gain, evidence=SYNERGY_FILE)
    if rows.empty:
        return _row(claim_id, NOT_TESTABLE, **head,
                    reason=f"the synergy runs have no {_name(pair[0])}–{_name(pair[1])} pair (the config's languages).")
    best = rows.iloc[0]
    rank = int((part.relative_gain > best.relative_gain).sum()) + 1
    limit = top_synergy_rank(len(part))
    head.update(value=best.relative_gain, ci=(best.relative_ci_low, best.relative_ci_high), n=len(part),
                detail=(f"at {where}; ours, best direction: {_pair_text(best)}, rank {rank} of {len(part)}; "
                        f"paper: {p_target}+{p_aux} {100 * p_gain:+.2f}%, rank {p_rank} of {p_n}; our top {limit}: "
                        + "; ".join(_pair_text(r) for r in part.head(limit).itertuples())))
    if _seeds_short(part):
        return _row(claim_id, NOT_TESTABLE, _one_seed(where), **head)
    said = f"{_pair_text(best)} ranks {rank} of {len(part)}"
    positive = best.relative_ci_low > 0
    if positive and rank <= limit:
        return _row(claim_id, REPRODUCED, f"{said}: significantly positive and in our top {limit}.", **head)
    why = [] if positive else ["its interval does not lie above 0"]
    why += [] if rank <= limit else [f"it is outside our top {limit}"]
    return _row(claim_id, NOT_REPRODUCED, f"{said}; {' and '.join(why)}.", **head)


def _paper_python_share(as_target: bool) -> float:
    gains = [g for k, g in paper.SYNERGY_RELATIVE_GAIN.items() if k[0 if as_target else 1] == "python"]
    return sum((g < 0) if as_target else (g > 0) for g in gains) / len(gains)


def python_claim(claim_id: str, table: pd.DataFrame) -> dict:
    """Claims ``d1`` (Python is the only target hurt by most auxiliaries) and ``d2`` (Python helps
    every other target as an auxiliary), by the sign and significance of the seed intervals."""
    as_target = claim_id == "d1"
    part, where = _synergy_part(table)
    rows = part[part.target == "python"] if as_target else part[part.auxiliary == "python"]
    head = dict(paper_value=_paper_python_share(as_target), evidence=SYNERGY_FILE)
    if rows.empty:
        return _row(claim_id, NOT_TESTABLE, "the synergy runs have no Python pairs.", **head)
    rows = rows.sort_values("relative_gain")
    hurt, helped = int((rows.relative_ci_high < 0).sum()), int((rows.relative_ci_low > 0).sum())
    counts = f"significantly worse in {hurt}, better in {helped}, tied in {len(rows) - hurt - helped} of {len(rows)}"
    head.update(value=(hurt if as_target else helped) / len(rows), n=len(rows),
                detail=f"at {where}; " + "; ".join(_pair_text(r) for r in rows.itertuples()))
    if _seeds_short(part):
        return _row(claim_id, NOT_TESTABLE, _one_seed(where), **head)
    if not as_target:
        verdict = REPRODUCED if helped == len(rows) else NOT_REPRODUCED
        return _row(claim_id, verdict, f"with Python as auxiliary the target is {counts}; the claim needs every "
                                       "one better.", **head)
    # "the only target": no other target may be significantly hurt by most of its auxiliaries
    others = [t for t, g in part[part.target != "python"].groupby("target")
              if int((g.relative_ci_high < 0).sum()) > len(g) / 2]
    head["detail"] += f"; other targets hurt by most auxiliaries: {', '.join(others) or 'none'}"
    most = hurt > len(rows) / 2
    if most and not others:
        return _row("d1", REPRODUCED, f"Python as target: {counts}, and no other target is hurt by most.", **head)
    why = [] if most else ["the claim needs more than half worse"]
    why += [f"{len(others)} other target(s) are also hurt by most ({', '.join(others)})"] if others else []
    return _row("d1", NOT_REPRODUCED, f"Python as target: {counts}; {'; '.join(why)}.", **head)


# ---------------------------------------------------------------------------------------------
# Study 3: cross-lingual strategies


def _combine(cells: list[tuple[float, pd.Series]], metric: str) -> tuple[float, float, float]:
    """``Σ c·mean`` over (coefficient, strategy-table row) cells with Welch–Satterthwaite's
    interval (independent seeds per cell); NaN interval when a cell has fewer than ``MIN_SEEDS``."""
    value = sum(c * float(r[metric]) for c, r in cells)
    ns = [int(r["n_seeds"]) for _, r in cells]
    if min(ns) < MIN_SEEDS:
        return value, math.nan, math.nan
    parts = [c * c * float(r[f"{metric}_sd"]) ** 2 / n for (c, r), n in zip(cells, ns, strict=True)]
    var = sum(parts)
    if not math.isfinite(var):
        return value, math.nan, math.nan
    if var == 0:
        return value, value, value
    df = var**2 / sum(p * p / (n - 1) for p, n in zip(parts, ns, strict=True))
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, df)) * math.sqrt(var)
    return value, value - half, value + half


def _strategy_cells(strategy: pd.DataFrame) -> dict[tuple[str, int], dict[str, pd.Series]]:
    """(model, tokens) -> organization -> its row, for cells with both shuffled and pairing."""
    table = strategy.copy()
    if "n_seeds" not in table:  # a table from before seeds: every cell is one run
        table["n_seeds"] = 1
    if "unseen_loss_sd" not in table:
        table["unseen_loss_sd"] = math.nan
    cells = {}
    for (model, tokens), cell in table.groupby(["model", "tokens"], sort=True):
        orgs = {r.organization: r for _, r in cell.iterrows()}
        pair = [orgs.get(o) for o in ("shuffled", "pairing")]
        if all(r is not None and np.isfinite(r.unseen_loss) for r in pair):
            cells[(str(model), int(tokens))] = orgs
    return cells


def pairing_beats_shuffled_claim(strategy: pd.DataFrame) -> dict:
    """Claim ``e1``: pairing − shuffled unseen-direction loss per (model, budget) cell."""
    gaps = _paper_gaps()
    head = dict(paper_value=sum(g > 0 for g in gaps.values()) / len(gaps), evidence=STRATEGY_FILE)
    cells = _strategy_cells(strategy)
    if not cells:
        return _row("e1", NOT_TESTABLE, "no (model, budget) cell has both shuffled and pairing unseen-direction "
                                        "losses.", **head)
    results = {}
    for key, orgs in cells.items():
        diff, low, high = _combine([(1.0, orgs["pairing"]), (-1.0, orgs["shuffled"])], "unseen_loss")
        results[key] = (diff, low, high, interval_verdict(low, high))
    resolved = [v for v in results.values() if v[3] != "unresolved"]
    words = {w: sum(v[3] == w for v in resolved) for w in ("won", "tied", "lost")}
    head.update(n=len(resolved), detail="pairing − shuffled: " + "; ".join(
        f"{m}@{t:,}: {_interval(d, lo, hi, 3)} {w}" for (m, t), (d, lo, hi, w) in results.items()))
    if not resolved:
        return _row("e1", NOT_TESTABLE, f"each of the {len(cells)} cells has fewer than {MIN_SEEDS} seeds: a "
                                        "one-seed comparison is not a result.", **head)
    counts = (f"pairing is significantly lower in {words['won']}, tied in {words['tied']}, higher in "
              f"{words['lost']} of {len(resolved)} cells with seeds")
    head["value"] = words["won"] / len(resolved)
    if words["won"] == len(resolved):
        return _row("e1", REPRODUCED, f"{counts}.", **head)
    return _row("e1", NOT_REPRODUCED, f"{counts}; the claim needs every cell won.", **head)


def _change_verdict(value: float, low: float, high: float) -> tuple[str, str]:
    """A change of the gap against the paper's: reproduced on its side of 0, significantly."""
    narrows = _paper_gap_change() < 0
    said = f"change {_interval(value, low, high, 3)} nats"
    if (narrows and high < 0) or (not narrows and low > 0):
        return REPRODUCED, f"{said}: on the paper's side of 0"
    if low > 0 or high < 0:
        return NOT_REPRODUCED, f"{said}: significantly the other way"
    return NOT_REPRODUCED, f"{said}: the interval includes 0"


def gap_with_size_claim(strategy: pd.DataFrame) -> dict:
    """Claim ``e2``: the measured gap at the largest model minus at the smallest (largest budget)."""
    head = dict(paper_value=_paper_gap_change(), evidence=STRATEGY_FILE)
    cells = _strategy_cells(strategy)
    tokens = max((t for _, t in cells), default=None)
    at = {m: orgs for (m, t), orgs in cells.items() if t == tokens}
    if len(at) < 2:
        return _row("e2", NOT_TESTABLE, "fewer than 2 model sizes with both shuffled and pairing at one budget.",
                    **head)
    by_size = sorted(at, key=lambda m: float(at[m]["shuffled"]["params"]))
    small, large = at[by_size[0]], at[by_size[-1]]
    value, low, high = _combine([(1.0, large["shuffled"]), (-1.0, large["pairing"]),
                                 (-1.0, small["shuffled"]), (1.0, small["pairing"])], "unseen_loss")
    gap = {m: float(at[m]["shuffled"].unseen_loss - at[m]["pairing"].unseen_loss) for m in by_size}
    head.update(value=value, ci=(low, high), n=len(by_size),
                detail=f"at {tokens:,} tokens, gap by model: " + "; ".join(f"{m} {g:+.4f}" for m, g in gap.items()))
    if not math.isfinite(low):
        return _row("e2", NOT_TESTABLE, f"{by_size[0]} and {by_size[-1]} have fewer than {MIN_SEEDS} seeds per "
                                        "organization: a one-seed comparison is not a result.", **head)
    verdict, why = _change_verdict(value, low, high)
    return _row("e2", verdict, f"{by_size[0]} → {by_size[-1]}: {why}.", **head)


def gap_law_claim(translation_laws: dict) -> dict:
    """Claim ``e3``: the change of the gap over our N range predicted by the fitted
    unseen-direction laws of shuffled and pairing (size terms only; ``B·D^-β`` and ``E`` cancel)."""
    orgs = translation_laws.get("organizations", {})
    fits = {o: orgs.get(o, {}).get("unseen", {"skipped": "no such organization"}) for o in ("shuffled", "pairing")}
    why = [f"{o}: {p} {w}" for o, fit in fits.items() for p in ("A", "alpha") if (w := parameter_status(fit, p))]
    if why:
        return _row("e3", NOT_TESTABLE, f"a size term of the unseen-direction laws is not identified ({why[0]}).",
                    detail="; ".join(why), evidence=TRANSLATION_FILE)
    sizes = [float(p["N"]) for fit in fits.values() for p in fit["points"]]
    n_lo, n_hi = min(sizes), max(sizes)

    def change(a_s, al_s, a_p, al_p):
        return (a_s * n_hi**-al_s - a_p * n_hi**-al_p) - (a_s * n_lo**-al_s - a_p * n_lo**-al_p)

    s, p = fits["shuffled"], fits["pairing"]
    value = change(s["params"]["A"], s["params"]["alpha"], p["params"]["A"], p["params"]["alpha"])
    k = min(len(s.get("draws", {}).get("A", [])), len(p.get("draws", {}).get("A", [])))
    low, high = _percentiles([change(s["draws"]["A"][i], s["draws"]["alpha"][i], p["draws"]["A"][i],
                                     p["draws"]["alpha"][i]) for i in range(k)])
    head = dict(value=value, ci=(low, high), n=k, evidence=TRANSLATION_FILE,
                detail=(f"N from {n_lo:,.0f} to {n_hi:,.0f}; shuffled α {s['params']['alpha']:.3g}, "
                        f"pairing α {p['params']['alpha']:.3g}; {k} paired draws"))
    if not math.isfinite(low):
        return _row("e3", NOT_TESTABLE, "the laws carry no bootstrap draws: no interval.", **head)
    verdict, said = _change_verdict(value, low, high)
    return _row("e3", verdict, f"fitted laws, N {n_lo:,.0f} → {n_hi:,.0f}: {said}.", **head)


# ---------------------------------------------------------------------------------------------
# Study 4: allocation


def allocation_claim(budget: str, difference: pd.DataFrame) -> dict:
    """Claim ``f_<budget>``: the verdicts of ``allocation/<budget>/difference.csv``."""
    cid = f"f_{budget}"
    head = dict(quantity=f"{QUANTITY['f']}; budget {budget}", evidence=f"results/allocation/{budget}/difference.csv")
    table = difference.set_index("lang")
    if "average" not in table.index:
        return _row(cid, NOT_TESTABLE, "difference.csv has no average row.", **head)
    avg, langs = table.loc["average"], table.drop(index="average")
    seeds = f"{int(avg.seeds_optimized)} vs {int(avg.seeds_uniform)} seeds"
    head.update(value=avg.optimized_minus_uniform, ci=(avg.ci95_low, avg.ci95_high),
                n=int(min(avg.seeds_optimized, avg.seeds_uniform)), detail=f"{seeds}; " + "; ".join(
                    f"{lang} {r.optimized_minus_uniform:+.4f} {r.verdict}" for lang, r in langs.iterrows()))
    said = f"average {_interval(avg.optimized_minus_uniform, avg.ci95_low, avg.ci95_high, 3)} nats ({seeds})"
    if avg.verdict == "unresolved":
        return _row(cid, NOT_TESTABLE, f"{said}: one run per mixture gives no interval, and a one-seed "
                                       "comparison is not a result.", **head)
    counts = langs.verdict.value_counts()
    lost = list(langs.index[langs.verdict == "lost"])
    words = {"won": "the optimized mixture won", "lost": "the optimized mixture lost",
             "tied": "a tie, the interval includes 0"}
    reason = (f"{said}: {words[avg.verdict]}; per language "
              + ", ".join(f"{counts[w]} {w}" for w in ("won", "tied", "lost", "unresolved") if w in counts))
    if avg.verdict == "won" and not lost:
        return _row(cid, REPRODUCED, f"{reason}.", **head)
    return _row(cid, NOT_REPRODUCED, reason + (f" (significantly worse: {', '.join(lost)})" if lost else "") + ".",
                **head)


# ---------------------------------------------------------------------------------------------
# The table


def _absent(ids: Iterable[str], reason: str, evidence: str) -> list[dict]:
    return [_row(cid, NOT_TESTABLE, reason, evidence=evidence) for cid in ids]


def check_claims(*, language_laws: dict | None = None, synergy: pd.DataFrame | None = None,
                 strategy: pd.DataFrame | None = None, translation_laws: dict | None = None,
                 differences: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Every claim's row (:data:`COLUMNS`). An input left ``None`` is a family the config does not
    run: its claims are ``not testable at this scale`` and say so. ``language_laws``: the parsed
    ``laws/language_laws.json``; ``synergy``: ``laws/synergy.csv``; ``strategy``:
    ``eval/strategy.csv``; ``translation_laws``: ``laws/translation_laws.json``; ``differences``:
    budget -> ``allocation/<budget>/difference.csv``."""
    rows: list[dict] = []
    if language_laws:
        rows += [rank_claim(cid, language_laws) for cid in RANK_PARAMS] + [data_beats_size_claim(language_laws)]
    else:
        rows += _absent(("a", "b1", "b2", "b3"), "the config has no scaling family (experiments.scaling): no "
                                                 "per-language laws.", LAWS_FILE)
    if synergy is not None and len(synergy):
        rows += [strongest_synergy_claim(cid, synergy) for cid in SYNERGY_PAIRS]
        rows += [python_claim(cid, synergy) for cid in ("d1", "d2")]
    else:
        rows += _absent(("c1", "c2", "d1", "d2"), "the config has no synergy family (experiments.synergy): no "
                                                  "bilingual runs.", SYNERGY_FILE)
    no_strategy = "the config has no strategy family (experiments.strategy): no parallel-data runs."
    if strategy is not None and len(strategy):
        rows += [pairing_beats_shuffled_claim(strategy), gap_with_size_claim(strategy)]
    else:
        rows += _absent(("e1", "e2"), no_strategy, STRATEGY_FILE)
    rows += [gap_law_claim(translation_laws)] if translation_laws is not None else \
        _absent(("e3",), no_strategy, TRANSLATION_FILE)
    if differences:
        rows += [allocation_claim(budget, frame) for budget, frame in sorted(differences.items())]
    else:
        rows += _absent(("f",), "the config has no allocation budget (allocation.budgets): no uniform-vs-optimized "
                                "runs.", "results/allocation/<budget>/difference.csv")
    return pd.DataFrame(rows, columns=COLUMNS)


def read_inputs(paths: dict[str, str], budgets: Iterable[str] = ()) -> dict:
    """:func:`check_claims`'s keyword arguments from the result files a config has (``paths``:
    ``language_laws``, ``synergy``, ``strategy``, ``translation_laws`` and ``difference_<budget>``
    for each of ``budgets``; a key left out is a family the config does not run)."""

    def read(key, how):
        return how(paths[key]) if key in paths else None

    return {"language_laws": read("language_laws", read_json), "synergy": read("synergy", pd.read_csv),
            "strategy": read("strategy", pd.read_csv), "translation_laws": read("translation_laws", read_json),
            "differences": {b: pd.read_csv(paths[f"difference_{b}"]) for b in budgets}}


def write_claims(table: pd.DataFrame, csv_path, html_path) -> None:
    """``results/claims.csv`` and its HTML rendering for the report, each written atomically."""
    write_text(csv_path, table.to_csv(index=False))
    write_text(html_path, claims_html(table))


# ---------------------------------------------------------------------------------------------
# The report's rendering

_VERDICT_STYLE = {  # Okabe–Ito blue / vermillion / grey, always with the word (never colour alone)
    REPRODUCED: "background:#0072B2;color:#fff",
    NOT_REPRODUCED: "background:#D55E00;color:#fff",
    NOT_TESTABLE: "background:#e0e0e0;color:#222",
}


def _cell_value(r) -> str:
    if not math.isfinite(r.value):
        return "–"
    text = f"{r.value:.3g}"
    if math.isfinite(r.ci_low) and math.isfinite(r.ci_high):
        text += f" [{r.ci_low:.3g}, {r.ci_high:.3g}]"
    return text


def claims_html(table: pd.DataFrame, title: str = "Claims check") -> str:
    """A self-contained HTML page of the claims table (the Snakemake report shows HTML inline and
    a CSV only as a download): the verdict as a coloured word, the reason beside it, the numbers
    behind it folded under *detail*, the thresholds below."""
    esc = html.escape
    counts = table.verdict.value_counts()
    tally = ", ".join(f"{counts.get(v, 0)} {v}" for v in VERDICTS)
    body = []
    for r in table.itertuples(index=False):
        paper_value = f"{r.paper_value:.3g}" if math.isfinite(r.paper_value) else "–"
        n = f"<div class=sub>n = {r.n}</div>" if r.n else ""
        body.append(
            f"<tr><td class=id>{esc(r.claim_id)}</td>"
            f"<td class=v><span class=verdict style=\"{_VERDICT_STYLE[r.verdict]}\">{esc(r.verdict)}</span></td>"
            f"<td>{esc(r.claim)}<div class=sub>we computed: {esc(r.quantity)}</div>"
            f"<div class=sub>{esc(r.study)} · <code>{esc(r.evidence)}</code></div></td>"
            f"<td class=num>{esc(_cell_value(r))}{n}</td>"
            f"<td class=num>{esc(paper_value)}</td>"
            f"<td>{esc(r.reason)}<details><summary>detail</summary>{esc(r.detail or '-')}</details></td></tr>")
    rules = ", ".join(f"{k} = {v:g}" for k, v in THRESHOLDS.items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<style>
body {{ font: 13px/1.4 system-ui, sans-serif; margin: 1em; color: #222; background: #fff; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
th, td {{ border-bottom: 1px solid #ccc; padding: 6px 8px; vertical-align: top; text-align: left;
          overflow-wrap: anywhere; }}
th {{ background: #f4f4f4; position: sticky; top: 0; }}
td.num {{ font-variant-numeric: tabular-nums; overflow-wrap: normal; }}
td.id {{ font-weight: bold; white-space: nowrap; overflow-wrap: normal; }}
td.v {{ overflow-wrap: normal; }}
td.q, .sub {{ color: #555; font-size: 12px; }}
.sub {{ margin-top: 2px; }}
.verdict {{ display: inline-block; padding: 2px 6px; border-radius: 3px; }}
details summary {{ color: #0072B2; cursor: pointer; font-size: 11px; }}
details {{ font-size: 11px; color: #444; }}
</style></head><body>
<h2>{esc(title)}</h2>
<p>{esc(paper.CITATION)}: its claims beside this run's results. Each verdict is computed from the
results by the rules of <code>codescale.claims</code> (this section's caption states them):
{esc(tally)}.</p>
<table><thead><tr><th style="width:5%">id</th><th style="width:14%">verdict</th>
<th style="width:31%">claim (the paper's)</th><th style="width:12%">ours [95% interval]</th>
<th style="width:7%">paper</th><th style="width:31%">why</th></tr></thead>
<tbody>
{chr(10).join(body)}
</tbody></table>
<p class=sub>Thresholds: {esc(rules)}. A parameter whose interval reaches a bound is no evidence;
one seed is not a result; an interval holding 0 is a tie.</p>
</body></html>
"""
