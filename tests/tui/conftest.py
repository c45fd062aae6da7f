"""Pilot waits after every key for the app to go idle, polling every 20 ms (textual._wait); with
thousands of keys typed by the tests that polling was half the suite's wall time. A 4 ms poll
keeps the same test (CPU time less than a twentieth of the wall time) on a finer clock."""

import pytest
import textual._wait


@pytest.fixture(autouse=True)
def finer_idle_polling(monkeypatch):
    monkeypatch.setattr(textual._wait, "SLEEP_GRANULARITY", 0.004)
    monkeypatch.setattr(textual._wait, "SLEEP_IDLE", 0.004 / 20)
