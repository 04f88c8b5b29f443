"""The published numbers of the works codescale reproduces, as printed (../shared/REFERENCE.md).

Only what a paper prints is here; a value it does not print is absent, never filled in. Figures
draw these beside our own results (a second marker, column or curve, never mixed into our data) and
the claims check (:mod:`codescale.claims`) compares against them. Units follow the paper: losses in
nats per token on the paper's own validation sets, model sizes in billions of parameters; the paper
does not state the units of N and D in its translation laws.

Paper: "Scaling Laws for Code: Every Programming Language Matters", arXiv 2512.13472 (v1).
"""

from __future__ import annotations

ARXIV = "2512.13472"
CITATION = "Yang et al. 2025, Scaling Laws for Code: Every Programming Language Matters (arXiv 2512.13472)"

LANGUAGES = ("python", "java", "javascript", "typescript", "csharp", "go", "rust")

# Fig. 2: L(N, D) = A·N^(−α_N) + B·D^(−α_D) + L_∞ per language (A and B are not printed).
LANGUAGE_LAWS: dict[str, dict[str, float]] = {
    "python": {"alpha_N": 0.221, "alpha_D": 1.217, "L_inf": 0.566},
    "java": {"alpha_N": 0.447, "alpha_D": 1.129, "L_inf": 0.397},
    "javascript": {"alpha_N": 0.692, "alpha_D": 1.247, "L_inf": 0.554},
    "typescript": {"alpha_N": 0.439, "alpha_D": 1.303, "L_inf": 0.518},
    "csharp": {"alpha_N": 0.321, "alpha_D": 1.350, "L_inf": 0.288},
    "go": {"alpha_N": 0.845, "alpha_D": 1.149, "L_inf": 0.414},
    "rust": {"alpha_N": 0.643, "alpha_D": 1.297, "L_inf": 0.397},
}

# The paper's order of irreducible loss, lowest first (its text: C# < Java ≈ Rust < Go < TypeScript <
# JavaScript < Python; Java and Rust tie at 0.397).
IRREDUCIBLE_ORDER = ("csharp", "java", "rust", "go", "typescript", "javascript", "python")

# The per-language grid of study 1: sizes in billions of parameters, budgets in billions of tokens.
SCALING_SIZES_B = (0.1, 0.2, 0.4, 0.6, 1.1, 1.3, 1.6, 2.0, 2.4, 3.1)
SCALING_TOKENS_B = (2, 4, 8, 16, 32, 64)

# Table 1: self baselines L(i+i) (target repeated, 128B tokens) on each target's validation loss.
SYNERGY_SELF_LOSS: dict[str, float] = {
    "python": 0.7528, "java": 0.9034, "javascript": 0.5424, "typescript": 0.5347,
    "csharp": 0.3459, "go": 0.4328, "rust": 0.3954,
}
# Table 1's relative gains (L(i+i) − L(i+j)) / L(i+i), keyed (target, auxiliary); positive helps
# (its ↑), negative hurts (↓). v1's Table 1 prints the losses permuted within rows (the text's
# Java+C# 0.718 sits in the Rust cell), so only the percentages are kept: they sit in the right
# cells (the text's Δ agree: Java+C# 0.186/0.903 = 20.6%, Java+Python 0.054/0.903 = 6.0%,
# Python+Rust −0.021/0.753 = −2.8%). Model size: 0.1B–3.1B at 128B tokens, the cell's size unstated.
_T1 = ("python", "java", "javascript", "typescript", "csharp", "go", "rust")
_T1_PERCENT = {  # row = target; columns in _T1's order; None on the diagonal (the baseline)
    "python": (None, 1.36, -1.12, -0.95, -1.69, -2.13, -2.72),
    "java": (6.02, None, 12.62, 12.08, 20.58, 10.68, 12.41),
    "javascript": (5.49, 2.98, None, 4.69, 2.44, 1.34, 2.56),
    "typescript": (4.17, 2.29, 3.34, None, 1.68, 1.39, 1.18),
    "csharp": (3.84, 1.93, 3.10, 3.71, None, 1.87, 1.98),
    "go": (4.77, 2.95, 2.70, 4.41, 2.95, None, 2.86),
    "rust": (3.87, 2.89, 4.20, 4.05, 2.81, 2.80, None),
}
SYNERGY_RELATIVE_GAIN: dict[tuple[str, str], float] = {
    (target, aux): pct / 100 for target, row in _T1_PERCENT.items()
    for aux, pct in zip(_T1, row, strict=True) if pct is not None}
# Losses the text states for a pair (the table's own losses are in the wrong cells).
SYNERGY_LOSS: dict[tuple[str, str], float] = {("java", "csharp"): 0.718, ("javascript", "typescript"): 0.517,
                                              ("typescript", "javascript"): 0.517}
# "Python ... helps every other target (3.8–6.0%)": the range of Python's gain as an auxiliary.
PYTHON_AUXILIARY_GAIN_RANGE = (0.038, 0.060)
# The paper's strongest pairs (its text), each unordered.
STRONGEST_SYNERGIES = (("java", "csharp"), ("javascript", "typescript"))

# Table 2: translation laws L(N, D) = A·N^(−α) + B·D^(−β) + L_∞, per organization and direction kind.
TRANSLATION_LAWS: dict[tuple[str, str], dict[str, float]] = {
    ("shuffled", "unseen"): {"A": 0.1574, "B": 9.553, "alpha": 0.3470, "beta": 0.8829, "L_inf": 0.1236},
    ("pairing", "seen"): {"A": 0.0508, "B": 0.793, "alpha": 6.404, "beta": 0.8829, "L_inf": 0.1006},
    ("pairing", "unseen"): {"A": 0.0350, "B": 4.518, "alpha": 0.781, "beta": 0.869, "L_inf": 0.0524},
}

# Fig. 3: unseen-direction translation loss by model size (billions), shuffled (baseline) vs pairing.
UNSEEN_LOSS_BY_SIZE: dict[float, dict[str, float]] = {
    0.2: {"shuffled": 0.2690, "pairing": 0.2014},
    0.5: {"shuffled": 0.1880, "pairing": 0.1526},
    1.5: {"shuffled": 0.1306, "pairing": 0.1206},
    3.0: {"shuffled": 0.1019, "pairing": 0.0976},
    7.0: {"shuffled": 0.0849, "pairing": 0.0760},
}

# Table 2: per-direction laws of the baseline (shuffled) model, (A, B, α_N, α_D), L_∞ not printed.
# Keyed (row, column) as printed; the paper does not say whether rows are sources or targets.
_T2 = ("python", "java", "go", "csharp", "javascript", "typescript", "rust")
_T2_ROWS = {
    "python": (None, (0.71, 0.87, 0.11, 0.25), (0.56, 1.45, 0.20, 0.28), (0.62, 1.36, 0.19, 0.29),
               (0.68, 1.45, 0.14, 0.38), (0.61, 1.70, 0.19, 0.36), (0.38, 2.40, 0.36, 0.46)),
    "java": ((0.80, 0.89, 0.07, 0.36), None, (0.69, 1.22, 0.15, 0.30), (0.53, 2.92, 0.22, 0.54),
             (0.37, 1.35, 0.28, 0.46), (0.59, 1.11, 0.16, 0.35), (0.43, 1.45, 0.28, 0.21)),
    "go": ((0.18, 0.72, 0.38, 0.31), (0.61, 0.80, 0.08, 0.17), None, (0.53, 0.89, 0.15, 0.16),
           (0.70, 0.81, 0.11, 0.24), (0.10, 8.31, 0.72, 1.05), (0.04, 0.65, 1.24, 0.39)),
    "csharp": ((0.19, 0.90, 0.38, 0.09), (0.51, 1.85, 0.15, 0.46), (0.81, 1.73, 0.12, 0.52), None,
               (0.14, 5.73, 0.68, 0.89), (0.16, 5.15, 0.74, 0.85), (0.04, 4.70, 1.32, 0.87)),
    "javascript": ((0.47, 0.77, 0.17, 0.11), (0.63, 0.74, 0.10, 0.19), (0.61, 1.35, 0.17, 0.28),
                   (0.55, 1.06, 0.19, 0.23), None, (0.33, 11.88, 0.47, 0.98), (0.30, 1.04, 0.31, 0.10)),
    "typescript": ((0.58, 0.82, 0.12, 0.36), (0.81, 1.33, 0.08, 0.51), (0.63, 1.01, 0.14, 0.24),
                   (0.23, 0.95, 0.49, 0.10), (0.56, 40.06, 0.21, 1.20), None, (0.11, 1.20, 0.79, 0.08)),
    "rust": ((0.56, 0.81, 0.13, 0.14), (0.56, 1.07, 0.14, 0.20), (0.68, 1.07, 0.14, 0.27),
             (0.43, 1.02, 0.17, 0.14), (0.57, 0.86, 0.16, 0.17), (0.27, 2.40, 0.31, 0.66), None),
}
TRANSLATION_DIRECTION_LAWS: dict[tuple[str, str], dict[str, float]] = {
    (row, col): dict(zip(("A", "B", "alpha", "beta"), cell, strict=True))
    for row, cells in _T2_ROWS.items() for col, cell in zip(_T2, cells, strict=True) if cell is not None}

# Table 3: MultiPL-E, shuffled ("Baseline") vs pairing ("Doc Level"), in percent, by model size
# (billions): shuffled is its "Baseline", pairing its "Doc Level". The caption names no metric;
# the text evaluates MultiPL-E with Pass@1.
MULTIPL_E_PASS_AT_1: dict[str, dict[float, dict[str, float]]] = {  # lang -> size -> organization -> %
    lang: {size: {"shuffled": pair[0], "pairing": pair[1]} for size, pair in by_size.items()}
    for lang, by_size in {
        "python": {0.5: (14.02, 12.20), 1.5: (19.51, 21.34), 3.0: (21.95, 25.61), 7.0: (34.15, 26.22)},
        "java": {0.5: (1.90, 8.23), 1.5: (5.70, 15.84), 3.0: (6.96, 22.78), 7.0: (14.56, 32.28)},
        "javascript": {0.5: (7.45, 7.45), 1.5: (21.74, 19.89), 3.0: (24.22, 24.84), 7.0: (36.02, 37.27)},
        "typescript": {0.5: (15.72, 13.21), 1.5: (22.64, 21.93), 3.0: (29.56, 28.30), 7.0: (40.25, 40.25)},
        "csharp": {0.5: (10.13, 9.49), 1.5: (15.19, 13.35), 3.0: (25.32, 24.05), 7.0: (37.34, 32.91)},
        "average": {0.5: (9.84, 10.12), 1.5: (16.96, 18.47), 3.0: (21.60, 25.12), 7.0: (32.46, 33.79)},
    }.items()
}

# Eq. 8: the multilingual law's exponents and irreducible loss under the optimized allocation.
OPTIMIZED_LAW = {"alpha_N": 0.2186, "alpha_D": 0.6859, "L_inf": 0.2025}

# Fig. 5(b): the one token change the text ties to a language (billions); the others (−5.81, −8.83,
# −13.49, +5.60, −4.24) cannot be matched to languages from the text.
ALLOCATION_DELTA_TOKENS_B = {"python": 26.77}

# The allocation run: two 1.5B models on 400B tokens (350B code + 50B natural language).
ALLOCATION = {"params_B": 1.5, "tokens_B": 400, "code_tokens_B": 350, "text_tokens_B": 50,
              "uniform_tokens_per_language_B": 50}


def irreducible_rank(values: dict[str, float]) -> list[str]:
    """Languages ordered by irreducible loss, lowest first (ties by name)."""
    return sorted(values, key=lambda k: (values[k], k))
