from __future__ import annotations

from collections.abc import Iterator

import pytest

from chiso.integration import outbound
from tests.integration.receiver import Receiver, start


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    server = start(found)
    outbound.clear_tokens()
    yield found
    server.shutdown()
    server.server_close()
    outbound.clear_tokens()
