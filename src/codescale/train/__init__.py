"""Training with Megatron-Core: one model definition (``GPTModel``, LLaMA-style) for CPU and GPU."""
