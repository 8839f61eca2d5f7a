"""The legacy HDF5 model file (`model.save('m.h5')` in Keras 2 tutorials), as Keras 3 reads and writes it."""
import h5py


def is_legacy_file(filepath):
    """Whether `filepath` is an HDF5 file in the legacy layout (False for anything else, damaged files too)."""
    try:
        with h5py.File(filepath, "r") as file:
            return "model_weights" in file or "layer_names" in file.attrs
    except OSError:
        return False


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    raise NotImplementedError("Saving the legacy .h5 format is not implemented yet; use model.save('m.keras').")


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    raise NotImplementedError("Loading the legacy .h5 format is not implemented yet.")


def save_weights(model, filepath, overwrite=True):
    raise NotImplementedError("save_weights in the legacy .h5 layout is not implemented yet; name the file "
                              "'m.weights.h5'.")


def load_weights(model, filepath):
    raise NotImplementedError("load_weights from a legacy .h5 file is not implemented yet.")
