"""Tokenization: a byte-level BPE tokenizer and Megatron-Core IndexedDataset shards."""
