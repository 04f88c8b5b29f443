"""Learning-rate schedules over optimizer steps: cosine, WSD (warmup-stable-decay) and WCL
(warmup-cosine-linear, the Zhusuan recipe: cosine to an intermediate rate, then linear to the
minimum).

A WSD schedule may also be given in steps (``warmup_steps``, ``decay_steps``), as the WSD grid
mode's runs are (:mod:`codescale.experiments.grid`): the stable run has ``decay_steps`` 0 (constant
rate after the warmup), and each branch the same warmup and rate up to its branch point, then
``decay_steps`` of decay, linear or ``1-sqrt`` (Hägele et al. 2024 found 1-sqrt better), so a
branch's rate at every step before its branch point is the stable run's."""

from __future__ import annotations

import math
from dataclasses import dataclass

DECAY_SHAPES = ("linear", "1-sqrt")


@dataclass(frozen=True)
class Schedule:
    kind: str = "cosine"
    lr: float = 3e-3
    min_lr: float = 3e-4
    warmup_fraction: float = 0.1
    decay_fraction: float = 0.2      # WSD: share of steps in the final decay; WCL: linear tail
    wcl_mid_lr: float | None = None  # WCL: rate at the end of the cosine phase
    warmup_steps: int | None = None  # WSD in steps: warmup length (overrides warmup_fraction)
    decay_steps: int | None = None   # WSD in steps: the last decay_steps steps decay (0: none)
    decay_shape: str = "linear"      # WSD in steps: linear or 1-sqrt

    def lr_at(self, step: int, total: int) -> float:
        total = max(total, 1)
        if self.warmup_steps is not None or self.decay_steps is not None:
            return self._wsd_steps(step, total)
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

    def _wsd_steps(self, step: int, total: int) -> float:
        """WSD with its phases in steps: linear warmup over ``warmup_steps``, the peak rate, then
        the last ``decay_steps`` steps from the peak to ``min_lr`` (reached at the last step)."""
        if self.kind != "wsd":
            raise ValueError(f"warmup_steps/decay_steps are for kind 'wsd', not {self.kind!r}")
        if self.decay_shape not in DECAY_SHAPES:
            raise ValueError(f"unknown decay_shape {self.decay_shape!r} ({', '.join(DECAY_SHAPES)})")
        warmup = max(1, self.warmup_steps or 1)
        decay = self.decay_steps or 0
        decay_start = total - decay
        if decay and decay_start < warmup:
            raise ValueError(f"decay starts at step {decay_start}, inside the {warmup}-step warmup")
        if step < warmup:
            return self.lr * (step + 1) / warmup
        if step < decay_start:
            return self.lr
        p = min(1.0, (step - decay_start + 1) / decay)  # last step: min_lr
        shape = p if self.decay_shape == "linear" else math.sqrt(p)
        return self.lr + (self.min_lr - self.lr) * shape


def branch_point(steps: int, decay_fraction: float) -> int:
    """The step at which a WSD branch of ``steps`` steps leaves the stable run: the last
    ``decay_fraction`` of its steps decay (at least one)."""
    return min(steps - 1, int(round((1 - decay_fraction) * steps)))
