"""codescale: a reproducible pipeline for multilingual code-LLM scaling-law research.

The Snakemake workflow (``Snakefile``, ``workflow/``) declares what is computed and where; this
package implements how. Stages are subpackages: ``sources``, ``corpus``, ``curate``, ``tokens``,
``experiments``, ``train``, ``evaluate``, ``laws``, ``allocate``, ``figures``.
"""

__version__ = "0.1.0"

LANGUAGES = ("python", "java", "javascript", "typescript", "csharp", "go", "rust")
