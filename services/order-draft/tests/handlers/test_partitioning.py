"""Our partitioner puts every key where aiokafka's (and the Java client's) default puts it."""

from __future__ import annotations

import os
import random

from aiokafka.partitioner import DefaultPartitioner
from aiokafka.partitioner import murmur2 as aiokafka_murmur2

from order_draft.kafka.partitioning import KeyPartitioner, murmur2


def test_murmur2_equals_the_reference_for_every_length() -> None:
    rng = random.Random(5)
    for length in range(0, 100):
        for _ in range(50):
            data = bytes(rng.getrandbits(8) for _ in range(length))
            assert murmur2(data) == aiokafka_murmur2(data), data
    assert murmur2(b"21") == aiokafka_murmur2(b"21")


def test_the_partitioner_chooses_the_default_partition_and_remembers_it() -> None:
    ours, default = KeyPartitioner(capacity=100), DefaultPartitioner()
    for count in (1, 3, 6, 12):
        partitions = list(range(count))
        for _ in range(300):  # more keys than the capacity: it starts over and stays right
            key = os.urandom(36)
            assert ours(key, partitions, partitions) == default(key, partitions, partitions)
            assert ours(key, partitions, partitions) == default(key, partitions, partitions)
    assert ours(None, [0, 1, 2], [2]) == 2  # no key: any available partition
