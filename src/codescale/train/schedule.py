"""Learning-rate schedules over optimizer steps: cosine, WSD (warmup-stable-decay) and WCL
(warmup-cosine-linear, the Zhusuan recipe: cosine to an intermediate rate, then linear to the
minimum)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    kind: str = "cosine"
    lr: float = 3e-3
    min_lr: float = 3e-4
    warmup_fraction: float = 0.1
    decay_fraction: float = 0.2      # WSD: share of steps in the final decay; WCL: linear tail
    wcl_mid_lr: float | None = None  # WCL: rate at the end of the cosine phase

    def lr_at(self, step: int, total: int) -> float:
        total = max(total, 1)
        warmup = max(1, int(round(self.warmup_fraction * total)))
        if step < warmup:
            return self.lr * (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, total - warmup - 1))  # last step: min_lr
        if self.kind == "cosine":
            return self.min_lr + 0.5 * (self.lr - self.min_lr) * (1 + math.cos(math.pi * progress))
        tail = self.decay_fraction
        if self.kind == "wsd":
            if progress < 1 - tail:
                return self.lr
            return self.lr + (self.min_lr - self.lr) * (progress - (1 - tail)) / tail
        if self.kind == "wcl":
            mid = self.wcl_mid_lr if self.wcl_mid_lr is not None else (self.lr + self.min_lr) / 2
            if progress < 1 - tail:
                p = progress / (1 - tail)
                return mid + 0.5 * (self.lr - mid) * (1 + math.cos(math.pi * p))
            return mid + (self.min_lr - mid) * (progress - (1 - tail)) / tail
        raise ValueError(f"unknown schedule kind {self.kind!r} (cosine, wsd, wcl)")
