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
# Relative gains (L(i+i) − L(i+j)) / L(i+i) the paper states, keyed (target, auxiliary); positive
# helps. v1's Table 1 prints the losses permuted within rows; the percentages are right.
SYNERGY_RELATIVE_GAIN: dict[tuple[str, str], float] = {
    ("java", "csharp"): 0.206,
    ("python", "rust"): -0.027,
}
SYNERGY_LOSS: dict[tuple[str, str], float] = {("java", "csharp"): 0.7175}
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

# The allocation run: two 1.5B models on 400B tokens (350B code + 50B natural language).
ALLOCATION = {"params_B": 1.5, "tokens_B": 400, "code_tokens_B": 350, "text_tokens_B": 50,
              "uniform_tokens_per_language_B": 50}


def irreducible_rank(values: dict[str, float]) -> list[str]:
    """Languages ordered by irreducible loss, lowest first (ties by name)."""
    return sorted(values, key=lambda k: (values[k], k))
