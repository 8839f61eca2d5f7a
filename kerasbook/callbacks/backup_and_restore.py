"""Back up the training state each epoch, so that a `fit` that was interrupted resumes where it stopped."""
import json
import os
import shutil

from ..saving.atomic_file import atomic_write
from .callback import Callback


class BackupAndRestore(Callback):
    """Keras's fault tolerance: an interrupted `fit`, called again with this callback, goes on where it stopped.

    At the end of each epoch (or every `save_freq` batches) the model's weights
    and its optimizer's state go to ``backup_dir/latest.weights.h5`` and the
    number of epochs finished to ``backup_dir/training_metadata.json``, each
    written atomically (Keras 3's names and files). When `fit` begins it loads
    them, if they are there, and starts at that epoch. A `fit` that ends
    normally deletes `backup_dir` (unless ``delete_checkpoint=False``), so the
    next run starts afresh. The folder is for this callback alone.

    Example:
        backup = BackupAndRestore('backup')
        model.fit(x, y, epochs=10, callbacks=[backup])  # Ctrl-C at epoch 4 ...
        model.fit(x, y, epochs=10, callbacks=[backup])  # ... runs epochs 5 to 10
    """

    def __init__(self, backup_dir, save_freq="epoch", delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore needs a `backup_dir`, received an empty one.")
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq < 1):
            raise ValueError(f"BackupAndRestore save_freq must be 'epoch' or a number of batches (an int of 1 or "
                             f"more), received {save_freq!r}.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq, self.delete_checkpoint = save_freq, delete_checkpoint
        self._weights_path = os.path.join(self.backup_dir, "latest.weights.h5")
        self._training_metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._epochs_done, self._last_batch, self._batches_since_saving = 0, 0, 0

    def on_train_begin(self, logs=None):
        self._epochs_done, self._last_batch, self._batches_since_saving = 0, 0, 0
        if os.path.exists(self._weights_path):
            self.model.load_weights(self._weights_path)  # the weights and the optimizer's state
        if os.path.exists(self._training_metadata_path):
            with open(self._training_metadata_path) as file:
                self._epochs_done = int(json.load(file)["epoch"])
            self.model._initial_epoch = self._epochs_done  # fit starts there

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._last_batch = batch
        self._batches_since_saving += 1
        if self._batches_since_saving >= self.save_freq:
            self._batches_since_saving = 0
            self._save()

    def on_epoch_end(self, epoch, logs=None):
        self._epochs_done, self._last_batch = epoch + 1, 0
        if self.save_freq == "epoch":
            self._save()

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)

    def _save(self):
        """The weights, then the epochs they have seen (a batch count says where in the next one)."""
        os.makedirs(self.backup_dir, exist_ok=True)
        self.model.save_weights(self._weights_path)
        with atomic_write(self._training_metadata_path) as temporary:
            with open(temporary, "w") as file:
                json.dump({"epoch": self._epochs_done, "batch": self._last_batch}, file)
