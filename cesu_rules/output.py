"""The one writer of every output file: whole or not at all.

A command declares every file it will write before it computes anything
(:meth:`Outputs.target`): each is checked then (an output that is also an input, a missing
folder, a read-only file or folder, an extension the writer does not know are refused at
once, before any work and before anything is written). Each file is then written to a unique
temporary file beside it, and all of them are renamed over their targets only when the
whole command has succeeded (:meth:`Outputs.commit`, atomic renames). A failed or
interrupted run removes its temporary files and leaves existing files untouched; two runs
writing the same path leave exactly one run's complete output.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from .errors import CesuRulesError, OutputError, first_line

__all__ = ["Outputs", "intended", "io_error", "outputs", "write_error", "write_text", "writing"]

_PARTIAL = ".partial"  # the suffix of the temporary files


class Outputs:
    """The files one command writes (see the module)."""

    def __init__(self, inputs: Sequence[str | Path] = ()) -> None:
        self._inputs = [Path(p) for p in inputs if str(p) != "-"]
        self._pending: list[tuple[Path, Path]] = []  # (temporary, target)

    def target(self, path: str | Path, *, suffixes: Sequence[str] = ()) -> Path:
        """Declare an output; returns the temporary path to write it to. Raises
        :class:`~cesu_rules.errors.OutputError` when it cannot be written."""
        target = Path(path)
        where = str(path)
        if suffixes and target.suffix not in suffixes:
            raise OutputError(
                f"{where}: write a {' or '.join(suffixes)} file",
                code="bad_output_type",
                field=where,
            )
        for source in self._inputs:
            if source.exists() and target.exists() and os.path.samefile(source, target):
                raise OutputError(
                    f"{where} is also an input: write the output elsewhere",
                    code="output_is_input",
                    field=where,
                )
        folder = target.parent if str(target.parent) else Path()
        if not folder.is_dir():
            raise OutputError(
                f"cannot write {where}: the folder {folder} does not exist",
                code="no_output_folder",
                field=where,
            )
        read_only = target.exists() and (
            not os.access(target, os.W_OK) or not target.stat().st_mode & stat.S_IWUSR
        )  # the mode too: root may write anything, a user's read-only mark still counts
        if target.exists() and (target.is_dir() or read_only):
            what = "a folder" if target.is_dir() else "read-only"
            raise OutputError(
                f"cannot write {where}: it is {what}", code="output_not_writable", field=where
            )
        try:
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=_PARTIAL, dir=folder)
        except OSError as exc:
            raise OutputError(
                f"cannot write {where}: {exc.strerror}", code="output_not_writable", field=where
            ) from None
        os.close(handle)
        temporary = Path(name)
        os.chmod(temporary, 0o666 & ~_umask())  # as a file the user creates (mkstemp: 0600)
        self._pending.append((temporary, target))
        return temporary

    def commit(self) -> None:
        """Rename every temporary file over its target (after the whole run succeeded)."""
        try:
            for temporary, target in self._pending:
                os.replace(temporary, target)
        except OSError as exc:
            self.abort()
            raise OutputError(f"cannot write {target}: {exc.strerror}", field=str(target)) from None
        self._pending.clear()

    def abort(self) -> None:
        """Remove every temporary file (a failed or interrupted run writes nothing)."""
        for temporary, _ in self._pending:
            temporary.unlink(missing_ok=True)
        self._pending.clear()


def intended(path: str | Path) -> Path:
    """The file a temporary of :meth:`Outputs.target` will become (``.NAME.xxxx.partial``
    → ``NAME``, in the same folder); any other path is itself."""
    path = Path(path)
    name = path.name
    if name.startswith(".") and name.endswith(_PARTIAL):
        target, _, random = name[1 : -len(_PARTIAL)].rpartition(".")
        if target and random:
            return path.with_name(target)
    return path


def write_error(path: str | Path, exc: BaseException) -> OutputError:
    """The error of an output that failed while being written (a full disk, a lost mount):
    one line naming the file the user asked for and the system's reason."""
    where = intended(path)
    return OutputError(
        f"cannot write {where}: {_reason(exc)}", code="output_not_writable", field=str(where)
    )


def io_error(exc: OSError) -> CesuRulesError:
    """The last-resort error of an OSError no command translated (a full disk, a lost
    mount, a file removed during the run): one line with the file, if known, and the reason."""
    where = f"{intended(exc.filename)}: " if isinstance(exc.filename, (str, Path)) else ""
    return CesuRulesError(f"{where}{_reason(exc)}", code="io_error")


def _reason(exc: BaseException) -> str:
    """The system's reason of an OSError ("No space left on device"), else its first line."""
    return getattr(exc, "strerror", None) or first_line(exc)


@contextmanager
def writing(path: str | Path) -> Iterator[None]:
    """``with writing(path):`` an OSError raised while writing ``path`` (a full disk, a lost
    mount) becomes its one-line :class:`OutputError` (see :func:`write_error`)."""
    try:
        yield
    except OSError as exc:
        raise write_error(path, exc) from None


def _umask() -> int:
    """The process's umask (read by setting it, then restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def outputs(inputs: Sequence[str | Path] = ()) -> Iterator[Outputs]:
    """``with outputs(inputs) as out:`` declare and write; committed when the block ends
    normally, removed when it raises (an error, Ctrl-C, a SIGTERM turned into an exception)."""
    out = Outputs(inputs)
    try:
        yield out
    except BaseException:
        out.abort()
        raise
    out.commit()


def write_text(target: str | Path, text: str, *, inputs: Sequence[str | Path] = ()) -> None:
    """Write ``text`` to ``target`` whole or not at all."""
    with outputs(inputs) as out:
        out.target(target).write_text(text, encoding="utf-8")
