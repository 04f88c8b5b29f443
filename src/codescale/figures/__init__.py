"""The paper's figures, regenerated from the tidy summary, the law fits and the allocation."""
