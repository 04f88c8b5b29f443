"""Adapter for rule train_tokenizer."""
import sys

sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821

from codescale.tokens.tokenizer import train_tokenizer  # noqa: E402

s = snakemake  # noqa: F821
curated = {lang: list(paths) for lang, paths in s.input.items()}
tok = train_tokenizer(curated, s.output[0], vocab_size=s.params.vocab_size,
                      sample_bytes_per_language=s.params.sample_bytes, seed=s.params.seed)
print(f"vocabulary: {tok.get_vocab_size()} tokens", file=sys.stderr)
