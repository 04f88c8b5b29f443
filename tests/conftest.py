import os

# Keep torch and tokenizers to the cores pytest leaves them; deterministic thread counts.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("OMP_NUM_THREADS", "1")
