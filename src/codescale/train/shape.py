"""Model shapes and their parameter and FLOP counts (no torch import: used at DAG build time)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelShape:
    layers: int
    hidden: int
    heads: int
    ffn: int
    vocab: int
    seq: int

    @classmethod
    def from_spec(cls, model: dict) -> ModelShape:
        return cls(**{k: int(model[k]) for k in ("layers", "hidden", "heads", "ffn", "vocab", "seq")})

    def non_embedding_params(self) -> int:
        """Parameters outside the embedding and output layers (the N of Kaplan-style laws):
        attention (q, k, v, o), SwiGLU (gate, up, down) and the two RMSNorm weights per layer,
        plus the final norm."""
        per_layer = 4 * self.hidden * self.hidden + 3 * self.hidden * self.ffn + 2 * self.hidden
        return self.layers * per_layer + self.hidden

    def flops_per_token(self) -> float:
        """Training FLOPs per token: 6N plus attention's 6·layers·seq·hidden (forward+backward)."""
        n = self.non_embedding_params() + self.vocab * self.hidden
        return 6.0 * n + 6.0 * self.layers * self.seq * self.hidden
