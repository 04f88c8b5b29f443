"""The evaluation sets, loaded: HumanEval, MultiPL-E and the held-out translation pairs.

Below both curation (which decontaminates against them) and evaluation (which scores on them), so
neither reads the other to reach them; this package imports neither, nor training.
"""
