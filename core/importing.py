"""A small framework for spreadsheet imports: check every row, then write all or nothing.

Declaring an import (see ``accounts/imports.py`` for two real ones)::

    class CreditsImport(Import):
        title = "个人账户划入"                      # shown in reports and file names
        permission = "accounts.import_credits"      # who may run it (admin, --operator)
        columns = (
            Column("批次号", "batch", parse=text(max_length=80), identifier=True),
            Column("金额", "amount", parse=amount),
            Column("摘要", "summary", required=False),
        )
        key = ("batch", "id_number")                # a key twice in one file is refused

        def prefetch(self, rows):                   # optional: bulk reads for check()
            return {...}

        def check(self, values, found) -> Change:   # values: field -> parsed cell
            ...                                     # raise RowError("amount", "reason"),
                                                    # or let a service's DomainError
                                                    # name its column by ``argument``
            return Change(CREATE, "summary for the preview", data)

        def write(self, data, *, operator):         # call the services; never models
            ledger_post(...)                        # (or write_batch(datas, operator=)
                                                    #  for a bulk service)

Running one: ``import_run(CreditsImport(), content, filename=..., operator=user,
dry_run=True)`` returns an ``ImportReport``; ``content`` is the file's bytes (or
a ``Path``). The same call serves the admin's preview (dry run) and confirm, the
management commands, and a background job (pass ``progress(stage, done,
total)``, called every ``progress_every`` rows in the "check" and "write"
stages; the report is plain data: ``dataclasses.asdict(report)`` is JSON-ready).

What the framework does, so an import does not: reads .xlsx / CSV
(``core.spreadsheets``); matches the Chinese headers in any order, warns
about extra columns, rejects the file before any row when a required column is
missing; refuses empty required cells; refuses a number or date cell in an
identifier column (``Column.identifier``: "must be stored as text"); parses
each cell with its column's parser (a parser raises ``CellError``,
``ValidationError`` or a ``DomainError``); refuses a key that repeats within
the file; collects every error of every row; and writes only when there is
none, in one transaction, so a failure while writing (the data changed
meanwhile) rolls everything back.
``check`` runs for the rows whose cells all parsed, and must not write;
returning ``Change(SKIP, ...)`` for a row already in the database is what makes
a second import of the same file change nothing.
"""

import datetime as dt
import gc
import itertools
import pickle
import re
import tempfile
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_as
from core.dates import local_aware
from core.errors import DomainError
from core.spreadsheets import Cell, FileRejected, Number, sheet_rows_at_most, sheet_stream

CREATE, UPDATE, SKIP = "create", "update", "skip"


class CellError(Exception):
    """A cell's value is not acceptable; the message says why."""


class RowError(Exception):
    """Raised by ``Import.check``: the row is refused because of ``field``'s value."""

    def __init__(self, field: str | None, message):
        self.field = field
        self.message = str(message)
        super().__init__(self.message)


@dataclass(frozen=True)
class Column:
    """One column of a format: its Chinese header, the field name the code uses,
    whether it is required (the header, and a value in every row), the parser of
    a non-empty cell, and whether it is an identifier. ``blank`` lets a row leave a
    required column's cell empty (``None``) where only another column says whether
    it needs one; ``check`` decides.

    An identifier column (ID numbers, keys, phone numbers, codes whose digits
    are free) takes text cells only: an office program keeps 15 digits of a
    number cell, so 320505199001016129 arrives as 3.20505199001016E+17 and
    ``000777`` as 777, and which digits were lost cannot be told back.
    """

    header: str
    field: str
    required: bool = True
    parse: Callable[[Cell], Any] = lambda cell: str(cell)
    identifier: bool = False
    blank: bool = False

    @property
    def allowed(self) -> str:
        """What a cell may hold, in words for the upload page: a choice's words, or
        what the parser declares (``allowed_values``)."""
        if isinstance(self.parse, choice):
            return " / ".join(self.parse.options)
        return str(getattr(self.parse, "allowed", ""))

    def word(self, value):
        """A stored value as this column's cell holds it: a choice's word (never a
        translated label), anything else as it is. Exports write through this."""
        if value in (None, "") or not isinstance(self.parse, choice):
            return value
        return self.parse.word(value)

    def read(self, cell: Cell):
        """The parsed value of a non-empty cell; raises ``CellError`` (or the parser's error)."""
        if self.identifier and isinstance(cell, Number):
            raise CellError(
                _("This column must be stored as text (the cell is the number %(value)s).")
                % {"value": cell}
            )
        if self.identifier and not isinstance(cell, str):
            raise CellError(
                _("This column must be stored as text (the cell is the date %(value)s).")
                % {"value": cell}
            )
        return self.parse(cell)


@dataclass(frozen=True)
class Change:
    """What ``check`` decided for a row: an action, a line for the preview, and
    the data ``write`` needs (any object). ``summary`` may be a function making
    the line, called only for the rows the report keeps (``PLANNED_KEPT``): a
    large file's other lines were made to be thrown away."""

    action: str
    summary: str | Callable[[], str]
    data: Any = None


@dataclass
class Problem:
    """An error or warning; ``row`` and ``column`` are None when not about one cell.
    ``value`` is the cell as the file held it; ``reason`` the message without the
    row's own values, by which a report groups its errors (``core.import_errors``)."""

    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    reason: str = ""

    def __str__(self):
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class PlannedRow:
    row: int
    action: str
    summary: str


@dataclass
class ImportReport:
    """The outcome of a run, the same for the admin, the commands and background jobs."""

    title: str
    filename: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    written: bool = False
    second_person: str = ""  # why another user must confirm (``Import.second_person``)
    confirmed_by: str = ""  # the username of that user, once they did
    kept: int = 0  # refused rows kept as exceptions (``accept_valid``)
    planned: list[PlannedRow] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        params = {
            "title": self.title,
            "filename": self.filename,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "errors": len(self.errors),
        }
        if self.written and self.kept:
            return _(
                "%(title)s (%(filename)s): the valid rows of %(rows)d were imported "
                "(%(created)d created, %(skipped)d unchanged); %(kept)d row(s) were kept "
                "as exceptions for review."
            ) % (params | {"kept": self.kept})
        if self.errors:
            return (
                _("%(title)s (%(filename)s): rejected, %(errors)d error(s); nothing was written.")
                % params
            )
        if self.written:
            return (
                _(
                    "%(title)s (%(filename)s): imported %(rows)d row(s): %(created)d created, "
                    "%(updated)d updated, %(skipped)d unchanged."
                )
                % params
            )
        return (
            _(
                "%(title)s (%(filename)s): %(rows)d row(s) would import: %(created)d created, "
                "%(updated)d updated, %(skipped)d unchanged."
            )
            % params
        )


class Import:
    """Base of an import declaration; see the module docstring."""

    title: str = ""
    permission: str = ""
    columns: tuple[Column, ...] = ()
    key: tuple[str, ...] = ()
    # Who runs it (set by ``import_run``): ``check`` refuses rows outside their scope.
    operator = None

    # Written chunk by chunk, each in its own transaction, after the whole file was
    # checked: ``write_batch`` then gets the data of each row's change, skipped ones
    # included (kept on disk between the two passes), checks again under its locks
    # what can change meanwhile and skips the rows already written.
    chunked: bool = False

    def exceptions_keep(self, kept: list, *, filename: str, operator) -> None:
        """Keep refused rows, each ``(Row, [Problem])``, for review (``accept_valid``)."""
        raise NotImplementedError(f"{self.title} keeps no exceptions")

    def prefetch(self, rows: list[dict]) -> Any:
        """Bulk reads for ``check`` (one query instead of one per row); default none."""
        return None

    def check(self, values: dict, found) -> Change:
        raise NotImplementedError

    def write(self, data, *, operator) -> None:
        raise NotImplementedError

    def write_batch(self, datas: list, *, operator) -> None:
        """Write a chunk of rows; override to write them in bulk (e.g. ``ledger_post_many``).

        An error raised for one row carries ``row_index`` (its place in ``datas``)
        so the report names the row.
        """
        for index, data in enumerate(datas):
            try:
                self.write(data, operator=operator)
            except Exception as error:
                error.row_index = index
                raise

    def second_person(self) -> str:
        """Why the rows checked so far may not be written by one user alone (the
        reason shown); empty: they may. Asked once every row is checked, so an
        import may count what its ``check`` saw (e.g. the credits' total)."""
        return ""

    def confirmation_record(self, *, operator, confirmed_by, report) -> None:
        """Record that ``confirmed_by`` confirmed what ``operator`` imported (in the
        write transaction); an import with a ``second_person`` rule defines it."""
        raise NotImplementedError

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def header_of(self, field_name: str | None) -> str | None:
        return next((c.header for c in self.columns if c.field == field_name), None)


Progress = Callable[[str, int, int], None]


PLANNED_KEPT = 1000  # planned rows kept for the preview page; the counts cover all


@contextmanager
def _heap_frozen():
    """The garbage collector set for a file's rows while imports run: the objects
    alive before the first left out of its full collections (``gc.freeze``), and a
    young collection after 20,000 new objects instead of 700. Why: a chunk's rows
    make objects that live for the chunk, so they were carried into the old
    generations and full collections ran every few chunks, each walking every
    object of the process (Django's, the caller's): a quarter of a settlement
    file's Python. Objects freed by their reference count go as before; a cycle
    among the frozen ones waits for the end, and cycles made meanwhile wait
    longer (the peak memory of a 100,000-row settlement file +140 MB, of 1 GB
    allowed: docs/BENCHMARKS.md, settle-22). The last import to end gives the
    collector back as it was (imports in two threads do not undo each other)."""
    with _collector_lock:
        if not _collector["imports"]:
            _collector["threshold"] = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(_YOUNG_OBJECTS, *_collector["threshold"][1:])
        _collector["imports"] += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector["imports"] -= 1
            if not _collector["imports"]:
                gc.set_threshold(*_collector["threshold"])
                gc.unfreeze()


_YOUNG_OBJECTS = 20_000
_collector = {"imports": 0, "threshold": None}
_collector_lock = threading.Lock()


class _Refused(Exception):
    """Leaves the write transaction when a row is refused, rolling it back."""


@_heap_frozen()
def import_run(
    importer: Import,
    content: bytes | Path,
    *,
    filename: str = "",
    operator,
    dry_run: bool,
    confirmed_by=None,
    progress: Progress | None = None,
    progress_every: int = 1000,
    accept_valid: bool = False,
) -> ImportReport:
    """Check every row of the file; unless ``dry_run`` or any error, write them all.

    ``accept_valid`` (a ``chunked`` import that keeps exceptions, SPREADSHEETS.md):
    the valid rows are written and each refused row is kept by
    ``importer.exceptions_keep`` with its reasons (``report.kept`` counts them).

    Rows are read as a stream and go through in chunks of ``progress_every``:
    parsed, prefetched, checked and (when confirmed) written, one chunk after the
    other, so a file of any length holds only one chunk's objects in memory;
    ``progress(stage, done, total)`` follows each chunk ("rows", then "write"
    for a ``chunked`` import). A refused row stops the writing, the remaining rows
    are still checked so that the report names every refusal, and nothing is
    written. An import that is not ``chunked`` writes in one transaction; a
    ``chunked`` one checks the whole file first, then writes each chunk in a
    short transaction of its own (see ``Import.chunked``).

    Four eyes: when the import's ``second_person`` names a reason (a large
    credit file), the rows are written only with ``confirmed_by``, another user
    holding the import's permission; otherwise the file is refused and nothing
    is written. The dry run puts the reason in ``report.second_person``.
    """
    if isinstance(content, Path):
        filename = filename or content.name
        content = content.read_bytes()
    if accept_valid and not importer.chunked:
        raise ValueError(f"{importer.title}: --accept-valid needs a chunked import")
    report = ImportReport(title=importer.title, filename=filename, dry_run=dry_run)
    importer.operator = operator
    try:
        headers, rows = sheet_stream(content)
        if not _headers_ok(importer, headers, report):
            return report
        total = sheet_rows_at_most(content)
        chunks = _checked_chunks(importer, rows, report, progress_every, progress, total)
        if dry_run:
            for _chunk in chunks:
                pass
            report.second_person = importer.second_person()
        else:
            with audit_as(operator):  # bulk writes too: the trail names the importer
                if importer.chunked:
                    _write_chunked(importer, chunks, operator, report, progress, accept_valid)
                else:
                    _write_all(importer, chunks, operator, report, confirmed_by)
    except FileRejected as error:
        report.errors.append(Problem(str(error)))
        report.written = False
    if not report.rows and not report.errors:
        report.warnings.append(Problem(_("The file has no data rows.")))
    report.errors.sort(key=lambda problem: problem.row or 0)
    return report


def _checked_chunks(importer, rows, report, chunk_rows, progress, total):
    """Yield, chunk by chunk, its rows and those that passed every check with
    their change.

    Progress is reported when the consumer asks for the next chunk, that is once
    it has written (or, in a dry run, passed over) the one before."""
    first_row: dict[tuple, int] = {}
    for chunk in _batched(rows, chunk_rows):
        report.rows += len(chunk)
        parsed = []
        for row in chunk:
            values = _row_parse(importer, row, report)
            if values is not None and _key_first(importer, row, values, first_row, report):
                parsed.append((row, values))
        yield chunk, _rows_check(importer, parsed, report)
        if progress:
            progress("rows", report.rows, max(total, report.rows))


def _batched(rows, size: int):
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


def _write_chunked(importer, chunks, operator, report, progress, accept_valid) -> None:
    """Check the whole file, keeping each chunk's changes in a temporary file; then
    write each chunk in a short transaction of its own, ``write_batch`` checking
    again under its locks what can change meanwhile.

    Why: a transaction over the whole file would hold every account of it locked
    for the whole run, and a counter posting for one of them would wait for the
    end. Checking each chunk twice in full was most of the time of a large file;
    the spool keeps memory to one chunk. Rows written before a refusal stay
    written; they are skipped when the file is sent again (the import's key makes
    each row exactly once). With ``accept_valid``, refused rows (in the check, or
    when written: the chunk is then written again without the row) are kept as
    exceptions instead."""
    with tempfile.TemporaryFile() as spool:
        for rows, changes in chunks:
            data = {number: change.data for number, change in changes}
            valid = [(row, data[row.number]) for row in rows if row.number in data]
            pickle.dump((valid, [row for row in rows if row.number not in data]), spool)
        if report.errors and not accept_valid:
            return
        refused = {}
        for problem in report.errors:
            refused.setdefault(problem.row, []).append(problem)
        spool.seek(0)
        done = 0
        for numbered, refused_rows in _spooled(spool):
            kept = [(row, refused.get(row.number, [])) for row in refused_rows]
            if not _chunk_write(importer, numbered, kept, operator, report, accept_valid, done):
                return
            if kept:
                importer.exceptions_keep(kept, filename=report.filename, operator=operator)
                report.kept += len(kept)
            done += len(numbered) + len(refused_rows)
            if progress:
                progress("write", done, report.rows)
    report.written = True


def _spooled(spool):
    while True:
        try:
            yield pickle.load(spool)
        except EOFError:
            return


def _chunk_write(importer, numbered, kept, operator, report, accept_valid, done) -> bool:
    """Write a chunk's rows in one transaction; a row refused then is dropped and
    kept (``accept_valid``) and the rest written again, or else the writing stops
    (False)."""
    while numbered:
        try:
            with transaction.atomic():
                importer.write_batch([data for _row, data in numbered], operator=operator)
        except Exception as error:
            row, _data = numbered.pop(getattr(error, "row_index", 0))
            problem = _write_refused(importer, error, row.number, report)
            if not accept_valid:
                if done:
                    report.warnings.append(_partly_written(row.number))
                return False
            kept.append((row, [problem]))
        else:
            break
    return True


def _partly_written(number: int) -> Problem:
    return Problem(
        _(
            "The rows before row %(row)d were written. Send the file again "
            "to write the rest: the rows written are skipped."
        )
        % {"row": number}
    )


def _write_refused(importer, error, number, report) -> Problem:
    """Record a refusal met while writing (the data changed since the check)."""
    if isinstance(error, ValidationError | DomainError):
        problem = Problem(_message(error), number, _column(importer, error))
    elif isinstance(error, IntegrityError | OperationalError):
        problem = Problem(_CHANGED_MEANWHILE(), number)
    else:
        raise error
    report.errors.append(problem)
    return problem


def _CHANGED_MEANWHILE():  # noqa: N802 - a message, translated when used
    return _(
        "The data changed or was busy while the file was being imported; "
        "nothing was written. Import it again."
    )


def _headers_ok(importer: Import, headers: list[str], report: ImportReport) -> bool:
    known = set(importer.headers)
    for header in headers:
        if header not in known:
            report.warnings.append(
                Problem(_("This column is not part of the format and is ignored."), 1, header)
            )
    for column in importer.columns:
        if column.required and column.header not in headers:
            report.errors.append(
                Problem(_("This required column is missing from the header row."), 1, column.header)
            )
    return not report.errors


def _row_parse(importer: Import, row, report: ImportReport) -> dict | None:
    """The row's parsed values by field, or None after recording its errors."""
    values, ok = {}, True
    for column in importer.columns:
        cell = row.cells.get(column.header, "")
        if cell == "":
            if column.required and not column.blank:
                report.errors.append(
                    Problem(_("A value is required."), row.number, column.header, "")
                )
                ok = False
            values[column.field] = None
            continue
        try:
            values[column.field] = column.read(cell)
        except (CellError, ValidationError, DomainError) as error:
            report.errors.append(_problem(error, row.number, column.header, row.cells))
            ok = False
    return values if ok else None


def _rows_check(importer, parsed, report) -> list:
    """``importer.check`` of a chunk of parsed rows; the planned changes, counted."""
    found = importer.prefetch([values for _row, values in parsed])
    changes = []
    for row, values in parsed:
        number = row.number
        try:
            change = importer.check(values, found)
        except RowError as error:
            header = importer.header_of(error.field)
            report.errors.append(_problem(error, number, header, row.cells))
        except (ValidationError, DomainError) as error:
            report.errors.append(_problem(error, number, _column(importer, error), row.cells))
        else:
            changes.append((number, change))
            if len(report.planned) < PLANNED_KEPT:
                summary = change.summary
                summary = summary() if callable(summary) else summary
                report.planned.append(PlannedRow(number, change.action, summary))
            counter = {CREATE: "created", UPDATE: "updated", SKIP: "skipped"}[change.action]
            setattr(report, counter, getattr(report, counter) + 1)
    return changes


def _key_first(importer: Import, row, values: dict, first_row: dict, report) -> bool:
    """False (and the error recorded) when the row's key was in an earlier row of the file."""
    if not importer.key:
        return True
    key = tuple(values[f] for f in importer.key)
    if key in first_row:
        template = _("The same key is already in row %(row)d of this file.")
        header = importer.header_of(importer.key[-1])
        report.errors.append(
            Problem(
                template % {"row": first_row[key]},
                row.number,
                header,
                str(row.cells.get(header, "")),
                _without_values(template),
            )
        )
        return False
    first_row[key] = row.number
    return True


def _write_all(importer, chunks, operator, report, confirmed_by) -> None:
    """Write each checked chunk, all in one transaction; after a refused row only
    check the rest (so the report names every refusal), then roll back. A file
    that needs a second user is rolled back too unless they confirmed it."""
    current = None
    try:
        with transaction.atomic():
            for _rows, changes in chunks:
                if report.errors:
                    continue
                pending = [(number, change) for number, change in changes if change.action != SKIP]
                if not pending:
                    continue
                current = pending[0][0]
                try:
                    importer.write_batch([c.data for _, c in pending], operator=operator)
                except Exception as error:
                    current = pending[getattr(error, "row_index", 0)][0]
                    raise
            if report.errors:
                raise _Refused
            _confirmation(importer, operator, confirmed_by, report)
    except _Refused:
        return
    except (ValidationError, DomainError) as error:
        report.errors.append(Problem(_message(error), current, _column(importer, error)))
    except (IntegrityError, OperationalError):  # a unique key taken meanwhile; a lock timeout
        report.errors.append(Problem(_CHANGED_MEANWHILE(), current))
    else:
        report.written = True


def _confirmation(importer: Import, operator, confirmed_by, report) -> None:
    """Record the second user's confirmation, or refuse the file (``_Refused``) when
    one is needed and missing, is the importing user, or may not run the import.
    A file that needs none (say, all of it posted before) ignores ``confirmed_by``."""
    report.second_person = importer.second_person()
    if not report.second_person:
        return
    if confirmed_by is None or operator is None:
        problem = _("This file needs a second user's confirmation: %(reason)s") % {
            "reason": report.second_person
        }
    elif confirmed_by.pk == operator.pk:
        problem = _("You imported this file yourself; another user must confirm it.")
    elif not confirmed_by.has_perm(importer.permission):
        problem = _("%(user)s may not confirm this import.") % {"user": confirmed_by.get_username()}
    else:
        importer.confirmation_record(operator=operator, confirmed_by=confirmed_by, report=report)
        report.confirmed_by = confirmed_by.get_username()
        return
    report.errors.append(Problem(problem))
    raise _Refused


def _column(importer: Import, error: Exception) -> str | None:
    """The column a service's refusal is about: the one of its ``argument``, the
    attribute the admin's forms use for the field (``core.admin.forms``)."""
    return importer.header_of(getattr(error, "argument", None))


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]")


def _without_values(template) -> str:
    return PLACEHOLDER.sub("…", str(template))


def _problem(error: Exception, number: int, header: str | None, cells: dict) -> Problem:
    """The error of a row, with the cell's value and the reason without values: a
    domain error's or a validation error's template, or else the message with the
    cell's value left out (the parsers quote it)."""
    message = _message(error)
    value = "" if header is None else str(cells.get(header, ""))
    template = getattr(error, "message", None)
    if isinstance(error, DomainError) or (
        isinstance(error, ValidationError) and getattr(error, "params", None)
    ):
        reason = _without_values(template)
    else:
        reason = message.replace(value, "…") if value else message
    return Problem(message, number, header, value, reason)


# Parsers shared by imports. Each takes a non-empty cell and returns the value
# or raises CellError with the reason, and says what it accepts (allowed_values).


def allowed_values(words):
    """Declares, on the parser it decorates, what a cell may hold (the upload page
    lists it beside the column)."""

    def declare(parse):
        parse.allowed = words
        return parse

    return declare


YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# A date as text: 2025-03-05 or 2025-3-5, 2025/3/5, 2025年3月5日 (what Excel, WPS and
# LibreOffice show for a date under a Chinese locale); in a date-and-time cell a
# time H:MM or H:MM:SS follows after a space.
DATE_TEXT = re.compile(
    r"(\d{4})(?:-(\d{1,2})-(\d{1,2})|/(\d{1,2})/(\d{1,2})|年(\d{1,2})月(\d{1,2})日)"
)
TIME_TEXT = re.compile(r"\s+(\d{1,2}):(\d{2})(?::(\d{2}))?")


def text(max_length: int) -> Callable[[Cell], str]:
    def parse(cell: Cell) -> str:
        value = str(cell).strip()
        if len(value) > max_length:
            raise CellError(
                _("At most %(max)d characters; this has %(count)d.")
                % {"max": max_length, "count": len(value)}
            )
        return value

    parse.allowed = format_lazy(gettext_lazy("text, at most {} characters"), max_length)
    return parse


class choice:  # noqa: N801 - used like the other parsers, text(), date_value
    """A parser accepting the keys of ``options`` (the file's words, fixed by
    SPREADSHEETS.md whatever the UI language) and returning their values; ``word``
    is the way back, the first word of a value, for an export that re-imports."""

    def __init__(self, options: dict[str, str]):
        self.options = options
        self.words = {}
        for word, value in options.items():
            self.words.setdefault(value, word)

    def __call__(self, cell: Cell) -> str:
        value = str(cell).strip()
        if value not in self.options:
            raise CellError(
                _("%(value)s is not one of: %(options)s")
                % {"value": value, "options": " / ".join(self.options)}
            )
        return self.options[value]

    def word(self, value) -> str:
        return self.words[value]


@allowed_values(gettext_lazy("a date: YYYY-MM-DD (or YYYY/M/D, YYYY年M月D日)"))
def date_value(cell: Cell) -> dt.date:
    """An Excel date cell, or text in a form of ``DATE_TEXT``; a date that does not
    exist (2025-02-30) is refused, never moved to a neighbouring day."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    parts = _date_parts(str(cell), with_time=False)
    if parts is None:
        raise CellError(
            _("%(value)s is not a date: write it as YYYY-MM-DD (or YYYY/M/D, YYYY年M月D日).")
            % {"value": cell}
        )
    try:
        return dt.date(*parts)
    except ValueError:
        raise CellError(_("%(value)s is not a date that exists.") % {"value": cell}) from None


@allowed_values(gettext_lazy("a date and time: YYYY-MM-DD HH:MM:SS"))
def datetime_value(cell: Cell) -> dt.datetime:
    """An Excel date-time cell, or text: a date as ``date_value`` reads it, a space and
    ``HH:MM[:SS]``; in the local time zone."""
    if isinstance(cell, dt.datetime):
        moment = cell
    else:
        parts = _date_parts(cell, with_time=True) if isinstance(cell, str) else None
        if parts is None:
            raise CellError(
                _("%(value)s is not a date and time in the form YYYY-MM-DD HH:MM:SS.")
                % {"value": cell}
            )
        try:
            moment = dt.datetime(*parts)
        except ValueError:
            raise CellError(
                _("%(value)s is not a date and time that exists.") % {"value": cell}
            ) from None
    return local_aware(moment)


def _date_parts(value: str, *, with_time: bool) -> list[int] | None:
    """Year, month, day (then hour, minute, second) of a text in an accepted form, or None."""
    value = value.strip()
    date = DATE_TEXT.match(value)
    if date is None:
        return None
    parts = [int(group) for group in date.groups() if group is not None]
    rest = value[date.end() :]
    if not with_time:
        return None if rest else parts
    time = TIME_TEXT.fullmatch(rest)
    return [*parts, *(int(group or 0) for group in time.groups())] if time else None


@allowed_values(gettext_lazy("a month: YYYY-MM"))
def year_month(cell: Cell) -> str:
    """``YYYY-MM`` (or an Excel date cell, whose month is taken), as ``YYYY-MM``."""
    if isinstance(cell, dt.date):
        return f"{cell:%Y-%m}"
    value = cell.strip()
    match = YEAR_MONTH.match(value)
    if not match or not 1 <= int(match[2]) <= 12:
        raise CellError(_("%(value)s is not a month in the form YYYY-MM.") % {"value": value})
    return value
