"""Shared fixtures: every test starts from the same seed, names and float type.

One BLAS thread, set before NumPy loads: the tests' matrices are small, and on a
2-core machine shared with another busy process OpenBLAS's two spinning threads
made an LSTM test 8 times slower (measured). Benchmarks keep both threads.
"""
import functools
import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy
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


# --- backends -------------------------------------------------------------------
# The whole suite runs on the backend KERASBOOK_BACKEND names ('numpy' by default;
# 'strict' catches NumPy-only code on the CPU; 'cupy' needs an NVIDIA GPU), e.g.
#     KERASBOOK_BACKEND=strict python -m pytest tests
# Tests that only make sense on NumPy carry @pytest.mark.numpy_only("why").

SESSION_BACKEND = kerasbook.backend.backend()


@functools.cache
def cuda_usable():
    """True when CuPy is installed and can allocate on a CUDA device."""
    try:
        import cupy
        if not cupy.cuda.is_available():
            return False
        cupy.zeros(1).get()
        return True
    except Exception:  # ImportError, CUDARuntimeError (no driver), …
        return False


def pytest_configure(config):
    config.addinivalue_line("markers", "numpy_only(reason): skip unless the session's backend is NumPy")


def pytest_collection_modifyitems(config, items):
    if SESSION_BACKEND == "cupy" and not cuda_usable():
        skip = pytest.mark.skip(reason="KERASBOOK_BACKEND=cupy: no usable CUDA device")
        for item in items:
            item.add_marker(skip)
        return
    if SESSION_BACKEND != "numpy":
        for item in items:
            marker = item.get_closest_marker("numpy_only")
            if marker is not None:
                reason = marker.args[0] if marker.args else "NumPy only"
                item.add_marker(pytest.mark.skip(reason=f"{reason} (session backend: {SESSION_BACKEND})"))


@pytest.fixture(params=["numpy", "strict", "cupy"])
def backend(request):
    """Run the test once per backend: 'numpy', 'strict' (CuPy's rules on the CPU) and 'cupy'.

    The backend is switched before the test and the session's backend restored after.
    """
    if request.param == "cupy" and not cuda_usable():
        pytest.skip("no usable CUDA device")
    kerasbook.backend.set_backend(request.param)
    yield request.param
    kerasbook.backend.set_backend(SESSION_BACKEND)


# --- refused calls ---------------------------------------------------------------


def model_state(model):
    """Copies of what a refused call must leave as it was: weights, optimizer slots, step count."""
    optimizer = model.optimizer
    slots = {} if optimizer is None else {
        key: {name: kerasbook.runtime.to_numpy(value).copy() for name, value in variable_slots.items()}
        for key, (_, variable_slots) in optimizer._slots.items()}
    iterations = None if optimizer is None else int(optimizer.iterations)
    return [w.copy() for w in model.get_weights()], slots, iterations


@pytest.fixture
def refuses():
    """``refuses(model, call, ValueError, 'regex', train_on=(x, y))``: `call()` raises that error with a
    message matching the regex, the model's weights, optimizer slots and step count are bit for bit as
    before, and afterwards one `fit` epoch on `train_on` still trains (the weights move, a step counts)."""

    def check(model, call, error, match, train_on):
        before = model_state(model)
        with pytest.raises(error, match=match) as info:
            call()
        weights, slots, iterations = model_state(model)
        assert iterations == before[2], "a refused call changed optimizer.iterations"
        assert len(weights) == len(before[0]) and all(
            numpy.array_equal(a, b) for a, b in zip(weights, before[0])), "a refused call changed a weight"
        assert slots.keys() == before[1].keys() and all(
            numpy.array_equal(slots[key][name], value) for key in slots for name, value in before[1][key].items()
        ), "a refused call changed an optimizer slot"
        model.fit(*train_on, epochs=1, verbose=0)
        assert model.optimizer.iterations > (iterations or 0)
        assert any(not numpy.array_equal(a, b) for a, b in zip(model.get_weights(), weights))
        return info

    return check
