"""codescale: a reproducible pipeline for multilingual code-LLM scaling-law research.

The Snakemake workflow (``Snakefile``, ``workflow/``) declares what is computed and where; this
package implements how. Stages are subpackages: ``sources``, ``corpus``, ``curate``, ``tokens``,
``experiments``, ``train``, ``evaluate``, ``laws``, ``allocate``, ``figures``; the languages
of the study are registered once, in ``codescale.languages``.
"""

__version__ = "0.1.0"
