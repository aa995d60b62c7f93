"""Reading the CSV files users import (institutions, statements, charges, staff, annual materials): one reader with the limits
a file from outside must keep, so that a malformed or hostile file is refused with a message naming its line, in
bounded memory, and never answers a server error.

- a cell holds at most MAX_FIELD_CHARS characters (the csv module's own limit), a physical line MAX_LINE_CHARS, a
  record MAX_COLUMNS cells;
- a quote must be closed, and nothing but the separator may follow its closing quote (strict CSV, as Excel and
  every bank writes it): a stray quote would otherwise swallow the rest of the file into one cell;
- an import tells its first MAX_ERRORS errors and how many more there were (`ErrorList`), not all of a file of
  300,000 bad rows.
"""
from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import gettext

from registry.core.errors import Invalid

MAX_FIELD_CHARS = 131_072
MAX_LINE_CHARS = 1 << 20
MAX_COLUMNS = 1000
MAX_ERRORS = 200


@dataclass
class RowError:
    """One problem of an import's row: its line in the file, the column (or "" for the row), what is wrong."""
    line: int
    field: str
    message: str


class Unreadable(Invalid):
    """The file cannot be read past `line`: nothing of it is imported."""

    def __init__(self, line: int, message: str):
        super().__init__(message, {"file": [message]})
        self.line = line


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM; otherwise GB18030 (a superset of GBK), as Excel in China saves CSV."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise Invalid(gettext("The file is neither UTF-8 nor GBK/GB18030 text."), {"file": [gettext("Save the file as CSV UTF-8.")]})


def records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of each record of a CSV text, `line` the last physical line it spans (1 for the header); a blank
    line gives no cells. Raises `Unreadable` where the file breaks a limit or is not CSV."""
    lines = _lines(text)
    reader = csv.reader(lines, strict=True)
    while True:
        started = lines.read + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise Unreadable(reader.line_num, _problem(str(error), started, reader.line_num)) from None
        if len(cells) > MAX_COLUMNS:
            raise Unreadable(reader.line_num, gettext("Line %(line)s has more than %(limit)s cells.",
                                                      line=reader.line_num, limit=f"{MAX_COLUMNS:,}"))
        yield reader.line_num, cells


class _lines:
    """The physical lines of a text with their endings (\r\n, \n or \r, as a file opened with newline=""), cut from
    the text itself: an io.StringIO would hold a copy of four bytes a character. Raises `Unreadable` on a line
    longer than MAX_LINE_CHARS before reading it whole."""

    def __init__(self, text: str):
        self.text, self.position, self.read = text, 0, 0
        self.next_lf, self.next_cr = text.find("\n"), text.find("\r")

    def __iter__(self):
        return self

    def __next__(self) -> str:
        text, start = self.text, self.position
        if start >= len(text):
            raise StopIteration
        # The next line ending of each kind, searched again only once passed: the whole text is scanned once.
        if 0 <= self.next_lf < start:
            self.next_lf = text.find("\n", start)
        if 0 <= self.next_cr < start:
            self.next_cr = text.find("\r", start)
        lf, cr = self.next_lf, self.next_cr
        if cr >= 0 and (lf < 0 or cr < lf):
            end = cr + 2 if lf == cr + 1 else cr + 1
        else:
            end = lf + 1 if lf >= 0 else len(text)
        self.read += 1
        if end - start > MAX_LINE_CHARS:
            raise Unreadable(self.read, gettext("Line %(line)s is longer than %(limit)s characters: not a CSV file "
                                                "the register can import.", line=self.read, limit=f"{MAX_LINE_CHARS:,}"))
        self.position = end
        return text[start:end]


def _problem(error: str, started: int, line: int) -> str:
    if "field larger than field limit" in error:
        return gettext("Line %(line)s has a cell longer than %(limit)s characters.", line=line,
                       limit=f"{csv.field_size_limit():,}")
    if "unexpected end of data" in error:
        return gettext("The quote opened on line %(line)s is never closed.", line=started)
    return gettext("Line %(line)s is not valid CSV: a quoted cell must be closed by a quote followed by a comma or "
                   "the end of the line.", line=line)


class ErrorList(list):
    """The errors of an import as far as they are kept: the first `limit`, with the number of errors (`total`) and
    of rows with an error (`lines`) in all, so a file of 300,000 bad rows costs no more than one of 200.

    Each row's errors are added together (a row never comes back after another's), so `lines` counts runs."""

    def __init__(self, limit: int = MAX_ERRORS):
        super().__init__()
        self.limit, self.total, self.lines = limit, 0, 0
        self._last_line = None

    def append(self, error) -> None:
        self.total += 1
        if error.line != self._last_line:
            self.lines += 1
            self._last_line = error.line
        if len(self) < self.limit:
            super().append(error)

    @property
    def more(self) -> int:
        """The errors not kept."""
        return self.total - len(self)
