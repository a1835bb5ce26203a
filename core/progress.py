"""A progress bar for management commands: drawn on a terminal, silent anywhere else.

Usage::

    progress = progress_bar(total, _("导出隐患台账"), stream=self.stderr)
    exporter.write(out, progress=progress)     # calls progress(done, total)

When ``stream`` is not a TTY (cron, CI, a pipe, a log file) the returned callable does
nothing, so a command's output stays exactly what a script expects. On a terminal the bar
is redrawn in place at most ten times a second, with the percentage, ``done / total`` and
an estimate of the time left from the rate so far, and ends with a newline when done.
"""

import sys
import time

from django.core.management.base import OutputWrapper
from django.utils.translation import gettext as _

REDRAW_SECONDS = 0.1


def _is_tty(stream):
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed or detached stream
        return False


def format_duration(seconds):
    """12 → "12秒", 75 → "1分15秒", 3725 → "1小时2分"."""
    seconds = max(0, int(round(seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(h)d小时%(m)d分") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)d分%(s)d秒") % {"m": minutes, "s": secs}
    return _("%(s)d秒") % {"s": secs}


def estimate_remaining(done, total, elapsed):
    """Seconds left at the rate so far; None while there is nothing to go on."""
    if not total or done <= 0 or elapsed <= 0 or done >= total:
        return None if done < (total or 0) else 0.0
    return elapsed / done * (total - done)


def _silent(done, total=None):
    return None


def progress_bar(total, label="", stream=None, width=30, clock=time.monotonic):
    """Return ``callable(done, total=None)`` drawing a bar on ``stream`` (default stderr).

    ``total`` given to the callable replaces the one given here (an exporter may learn it
    late); a total of 0 or None draws the count without a bar.
    """
    stream = sys.stderr if stream is None else stream
    if not _is_tty(stream):
        return _silent
    if isinstance(stream, OutputWrapper):
        stream = stream._out  # its write() appends a newline; the bar redraws in place
    started = clock()
    state = {"total": total, "drawn": None, "finished": False}

    def update(done, total=None):
        if total is not None:
            state["total"] = total
        total_ = state["total"]
        if state["finished"]:
            return
        now = clock()
        finished = bool(total_) and done >= total_
        if not finished and state["drawn"] is not None and now - state["drawn"] < REDRAW_SECONDS:
            return
        state["drawn"] = now
        prefix = f"{label} " if label else ""
        if total_:
            fraction = min(done / total_, 1.0)
            filled = int(width * fraction)
            bar = "█" * filled + "░" * (width - filled)
            line = f"\r{prefix}[{bar}] {fraction * 100:5.1f}% {done}/{total_}"
            remaining = estimate_remaining(done, total_, now - started)
            if finished:
                line += "  " + _("用时 %(t)s") % {"t": format_duration(now - started)}
            elif remaining is not None:
                line += "  " + _("剩余约 %(t)s") % {"t": format_duration(remaining)}
        else:
            line = f"\r{prefix}{done}"
        stream.write(line + "\033[K")
        if finished:
            stream.write("\n")
            state["finished"] = True
        stream.flush()

    return update
