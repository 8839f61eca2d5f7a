"""A Keras-style progress line: one line redrawn in place, in a terminal or a notebook.

In a terminal the line is rewritten with a carriage return. In Jupyter a
carriage return cannot rewrite output, so the line is a display that is
updated in place; the saved notebook keeps its final text. Where the output
cannot show the bar's characters (a Windows console or redirected output in
cp1252) the bar is drawn in ASCII: ``=======.............``.
"""
import sys
import time


def in_notebook():
    """True inside a Jupyter kernel (where output is a display, not a terminal)."""
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return any(cls.__name__ == "ZMQInteractiveShell" for cls in type(shell).__mro__)  # Colab's shell subclasses it


def bar_characters(stream):
    """('━', '─') where `stream` can encode them, else ('=', '.'). A stream without an encoding holds text."""
    try:
        "━─".encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return "=", "."
    return "━", "─"


def format_duration(seconds):
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"


def format_per_step(seconds):
    return f"{seconds * 1e3:.0f}ms/step" if seconds >= 1e-3 else f"{seconds * 1e6:.0f}us/step"


def format_logs(logs):
    return "".join(f" - {name}: {value:.4f}" for name, value in sorted(logs.items()))


class Progbar:
    """Shows ``step/steps ━━━━━━━─────── ETA - loss: … - accuracy: …``.

    `verbose=1` redraws the line as steps finish; `verbose=2` prints one line at the end.
    `prefix` goes before the line (``'Epoch 3/10 '``); in a notebook, `handle` is the display
    of an earlier bar to update instead of showing a new one (one line for a whole run).
    """

    width = 20
    interval = 0.1  # seconds between redraws, so fast epochs are not slowed down by printing

    def __init__(self, target, verbose=1, prefix="", handle=None):
        self.target, self.verbose, self.prefix = target, verbose, prefix
        self.start = time.perf_counter()
        self.last_draw = 0.0
        self.handle = handle
        self.drawn_length = 0
        self.notebook = in_notebook()
        self.done_character, self.todo_character = ("━", "─") if self.notebook else bar_characters(sys.stdout)

    def update(self, step, logs=None, finalize=False):
        if self.verbose != 1 and not finalize:
            return
        now = time.perf_counter()
        if not finalize and now - self.last_draw < self.interval:
            return
        self.last_draw = now
        self._draw(self.prefix + self._line(step, logs or {}, now, finalize), finalize)

    def _line(self, step, logs, now, finalize):
        elapsed = now - self.start
        per_step = elapsed / max(step, 1)
        if self.verbose == 2:
            return f"{step}/{self.target} - {format_duration(elapsed)} - {format_per_step(per_step)}{format_logs(logs)}"
        done = self.width * step // self.target if self.target else self.width
        bar = self.done_character * done + self.todo_character * (self.width - done)
        timing = elapsed if finalize else per_step * (self.target - step)
        label = format_duration(timing) if finalize else f"ETA {format_duration(timing)}"
        return f"{step}/{self.target} {bar} {label} {format_per_step(per_step)}{format_logs(logs)}"

    def _draw(self, line, finalize):
        if self.notebook:
            from IPython.display import display
            bundle = {"text/plain": line}
            if self.handle is None:
                self.handle = display(bundle, raw=True, display_id=True)
            else:
                self.handle.update(bundle, raw=True)
        elif self.verbose == 1:
            padding = " " * max(0, self.drawn_length - len(line))  # erase the end of a longer line
            self.drawn_length = len(line)
            sys.stdout.write("\r" + line + padding + ("\n" if finalize else ""))
            sys.stdout.flush()
        else:
            print(line)
