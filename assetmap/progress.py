"""Progress bars for the command line: one bar per stage, named in the user's language.

The workflows and the analysis know nothing of bars: they take an optional ``progress`` callable
and call it as ``progress(stage, done, total)``, where ``stage`` is a message code (such as
``progress_osm_read``), ``done`` what is done so far and ``total`` the amount to do (None when
unknown). :class:`StageBar` is such a callable, drawn with tqdm on stderr. It stays quiet when
stderr or stdout is not a terminal (a pipe, a file, a test), so scripts and logs get no bar.
"""

from __future__ import annotations

import sys

from assetmap.messages import text

__all__ = ["StageBar"]


class StageBar:
    """A progress callable that draws one tqdm bar per stage on stderr.

    Use it as a context manager, so that the last bar is closed::

        with StageBar(lang) as progress:
            import_osm(ws, file=path, progress=progress)

    Parameters
    ----------
    lang : str or None
        Language of the stage names (``nl`` or ``en``).
    enabled : bool, optional
        Draw bars; default only when both stderr and stdout are terminals.
    """

    def __init__(self, lang: str | None = None, enabled: bool | None = None):
        self.lang = lang
        self.enabled = _interactive() if enabled is None else enabled
        self.stage: str | None = None
        self.stages: list[str] = []
        self._bar = None

    def __call__(self, stage: str, done: int = 0, total: int | None = None) -> None:
        """Report progress: a new ``stage`` starts a new bar; the same stage moves it to ``done``.

        Parameters
        ----------
        stage : str
            Message code of the stage (its text is the bar's name).
        done : int
            Work done so far in this stage.
        total : int or None
            Work to do in this stage; None when unknown (the bar counts without an end).

        Returns
        -------
        None
        """
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.stages.append(stage)
            if self.enabled:
                from tqdm import tqdm

                self._bar = tqdm(total=total, desc=text(stage, self.lang), file=sys.stderr, leave=False,
                                 dynamic_ncols=True, unit="")
        if self._bar is not None:
            if total is not None and self._bar.total != total:
                self._bar.total = total
            self._bar.n = done
            self._bar.refresh()

    def close(self) -> None:
        """Close the bar of the current stage (done by leaving the ``with`` block).

        Returns
        -------
        None
        """
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> StageBar:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _interactive() -> bool:
    try:
        return sys.stderr.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False
