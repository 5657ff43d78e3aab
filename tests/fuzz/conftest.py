"""The fuzzer gets a platform of its own: it creates contract lines, toewijzingen and blocks with whatever
Schemathesis generates (an aspecifieke taakgericht line for a whole categorie, a payment block, a line valid
from the year 304), which the other tests' shared `stack` must never see. Its logs meet the same privacy bar."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.common.devstack import Stack

from ..conftest import own_stack
from ..resilience.conftest import assert_logs_clean


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with own_stack(tmp_path_factory.mktemp("fuzz")) as st:
        yield st
        assert_logs_clean(st)
