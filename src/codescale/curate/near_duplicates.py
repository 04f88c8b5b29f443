"""Curation step 2, ``find_near_duplicates`` (one job per language): MinHash LSH over the band hashes
the filter step wrote for every shard, one band at a time (the clustering itself is
``codescale.curate.near_dedup``); the first document of each cluster in (source, repo, path) order is
kept, and the table lists every other one with the document it duplicates. The assembly step drops
them, under ``near_duplicate``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from codescale.artifacts import write_parquet
from codescale.curate.ledger import CurationError
from codescale.curate.minhash_columns import band_columns, minhash_params


def _read(path: str | Path, columns: list[str]) -> pa.Table:
    try:
        return pq.read_table(path, columns=columns)
    except (pa.ArrowException, OSError) as err:
        raise CurationError(f"{path}: unreadable filtered shard ({err})") from err


def find_near_duplicates(filtered: list[str | Path], out_parquet: str | Path, curate_config: dict) -> dict:
    """Cluster one language's documents by MinHash LSH and list every document that is not its cluster's
    first (in source, repo, path order), with the document it duplicates.

    Memory: the sort keys are read once to fix the priority order (then dropped); the band hashes
    are read one band at a time, so the peak is ~24 bytes per document per band plus the union-find.
    """
    from codescale.curate.near_dedup import duplicate_of

    minhash = minhash_params(curate_config)
    keys = pa.concat_tables([_read(f, ["doc_id", "source", "repo", "path"]) for f in filtered])
    order = pc.sort_indices(keys, [("source", "ascending"), ("repo", "ascending"), ("path", "ascending")])
    keys = keys.take(order)
    n = keys.num_rows
    if minhash and n:
        order_np = order.to_numpy()

        def bands():
            for name in band_columns(minhash["bands"]):
                column = np.concatenate([_read(f, [name]).column(0).to_numpy() for f in filtered])
                yield column[order_np]

        rep = duplicate_of(bands(), n)
    else:
        rep = np.arange(n)
    dup = np.flatnonzero(rep != np.arange(n))
    table = pa.table({"doc_id": keys.column("doc_id").take(dup),
                      "duplicate_of": keys.column("doc_id").take(rep[dup]),
                      "example": pc.binary_join_element_wise(keys.column("repo").take(rep[dup]),
                                                             keys.column("path").take(rep[dup]), "/")})
    write_parquet(out_parquet, table)
    clusters = len(np.unique(rep[dup]))
    return {"documents": n, "near_duplicates": len(dup), "clusters": clusters, "minhash": minhash}
