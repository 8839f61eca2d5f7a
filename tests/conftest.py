"""Shared fixtures: every test starts from the same seed, names and float type."""
import pytest

import kerasbook


@pytest.fixture(autouse=True)
def fresh_session():
    kerasbook.backend.clear_session()
    kerasbook.utils.set_random_seed(1234)
    yield
    kerasbook.backend.set_floatx("float32")


@pytest.fixture
def float64():
    """Gradient checks run in float64, where finite differences are accurate."""
    kerasbook.backend.set_floatx("float64")
    yield
    kerasbook.backend.set_floatx("float32")
