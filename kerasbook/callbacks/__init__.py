"""Callbacks: code the training loop calls at the start and end of batches and epochs."""
from .backup_and_restore import BackupAndRestore
from .callback import Callback, CallbackList
from .csv_logger import CSVLogger
from .early_stopping import EarlyStopping
from .history import History
from .lambda_callback import LambdaCallback
from .learning_rate_scheduler import LearningRateScheduler
from .model_checkpoint import ModelCheckpoint
from .progbar_logger import ProgbarLogger
from .reduce_lr_on_plateau import ReduceLROnPlateau
from .terminate_on_nan import TerminateOnNaN
from .live_plot import LivePlot
