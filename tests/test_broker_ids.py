"""KRaft cluster ids for `kafka-storage format`: never mistaken for an option."""

from __future__ import annotations

import base64

from pipeline.tools.broker import new_cluster_id


def test_cluster_ids_are_16_bytes_url_safe_and_never_start_with_a_dash() -> None:
    ids = [new_cluster_id() for _ in range(5_000)]  # ~78 would start with "-" without the rule
    assert not any(cluster_id.startswith("-") for cluster_id in ids)
    assert len(set(ids)) == len(ids)
    for cluster_id in ids[:200]:
        assert len(cluster_id) == 22
        assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16
