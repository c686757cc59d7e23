"""Reading an uploaded file with its limits checked while it is read.

Tables (CSV, XLSX) and season files (JSON) come from people and may be broken or hostile. Each
reader checks its limits as it goes, so a file that breaks one is refused after reading at most
the limit, never after the whole file:

- total size (``MAX_TABLE_BYTES``, ``MAX_JSON_BYTES``) before anything is parsed;
- tables: physical lines (``MAX_LINES``), columns (``MAX_COLUMNS``), characters per cell
  (``MAX_CELL``), no NUL character; XLSX: the unpacked size of the archive (``MAX_XLSX_UNPACKED``)
  and no DTD in any part (billion laughs, external entities; openpyxl also parses through
  defusedxml, which refuses entities);
- text encodings detected honestly: UTF-8 (with or without BOM), UTF-16 with a BOM, GB18030 only
  when its bytes are plausibly Chinese; anything else is refused with a request to choose the
  encoding, so no mojibake is ever stored;
- JSON: nesting depth (``MAX_DEPTH``), digits of a number (``MAX_NUMBER_CHARS``), duplicate keys,
  NUL characters, each refused with its place (JSON path, line and column).
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import FormatError, ImportRefused, cell_place

MAX_TABLE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 500            # teams (data rows) in one file
MAX_LINES = 1_000         # physical lines read, blank ones included
MAX_COLUMNS = 50
MAX_CELL = 4_000          # characters in one cell
MAX_XLSX_UNPACKED = 20 * 1024 * 1024
MAX_JSON_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 20
MAX_NUMBER_CHARS = 30

ENCODINGS = [
    ("", gettext_lazy("Detect automatically")),
    ("utf-8", "UTF-8"),
    ("utf-16", "UTF-16"),
    ("gb18030", gettext_lazy("Simplified Chinese (GB18030, GBK)")),
    ("big5", gettext_lazy("Traditional Chinese (Big5)")),
    ("cp1252", gettext_lazy("Western European (Windows-1252)")),
]


def _size_limit(raw: bytes, limit: int) -> None:
    if len(raw) > limit:
        raise FormatError("", _("The file is %(size)s MB; the limit is %(limit)s MB.") % {
            "size": f"{len(raw) / 1048576:.1f}", "limit": f"{limit / 1048576:g}"}, field="file")


# --- text encodings ----------------------------------------------------------------------------

def _plausibly_chinese(raw: bytes) -> bool:
    """GB18030 decodes almost any byte string, so decoding alone proves nothing. Chinese text
    written by a Chinese spreadsheet is made of GB2312 pairs (both bytes A1-FE, the 6,763 common
    characters and CJK punctuation); a Western file's accented letters are followed by ASCII."""
    pairs = common = 0
    i, n = 0, len(raw)
    while i < n:
        byte = raw[i]
        if byte < 0x80:
            i += 1
            continue
        if i + 1 >= n:
            return False
        trail = raw[i + 1]
        if 0x30 <= trail <= 0x39:  # a four-byte sequence: rare characters, not everyday text
            pairs += 1
            i += 4
            continue
        pairs += 1
        if 0xA1 <= byte <= 0xF7 and 0xA1 <= trail <= 0xFE:
            common += 1
        i += 2
    return pairs > 0 and common >= 0.95 * pairs


def decode(raw: bytes, encoding: str = "") -> str:
    """The file's text. ``encoding`` '' detects; a named one is used strictly."""
    if encoding:
        try:
            return raw.decode("utf-8-sig" if encoding == "utf-8" else encoding)
        except (UnicodeDecodeError, LookupError):
            raise FormatError("", _("The file is not %(encoding)s text: choose its encoding in the "
                                    "Encoding field.")
                              % {"encoding": dict(ENCODINGS).get(encoding, encoding)},
                              field="encoding") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise FormatError("", _("The file starts like UTF-16 text but is not: choose its "
                                    "encoding in the Encoding field."), field="encoding") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if _plausibly_chinese(raw):
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            pass
    raise FormatError("", _("The file is not UTF-8, UTF-16 or Chinese GB18030 text, and its "
                            "encoding cannot be told for sure: choose it in the Encoding field "
                            "(for example Windows-1252 for a file saved by a Western spreadsheet)."),
                      field="encoding")


# --- tables ------------------------------------------------------------------------------------

def _check_cell(text: str, line: int, column: int, header: list[str]) -> str:
    name = header[column] if column < len(header) and header[column] else str(column + 1)
    if "\x00" in text:
        raise FormatError(cell_place(line, name), _("The cell holds a NUL character (a binary "
                                                    "file, or text saved in another encoding)."))
    if len(text) > MAX_CELL:
        raise FormatError(cell_place(line, name), _("The cell has %(n)d characters; the limit is "
                                                    "%(limit)d.") % {"n": len(text), "limit": MAX_CELL})
    return text


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a registration number typed as a number in a spreadsheet
    return str(value).strip()


def iter_lines(name: str, raw: bytes, *, encoding: str = "") -> Iterator[list[str]]:
    """The table's lines as lists of text cells, read lazily with every limit checked."""
    _size_limit(raw, MAX_TABLE_BYTES)
    lines = _xlsx_lines(raw) if name.lower().endswith(".xlsx") else _csv_lines(raw, encoding)
    header: list[str] = []
    for number, values in enumerate(lines, start=1):
        if number > MAX_LINES:
            raise FormatError(cell_place(number), _("The file has more than %(limit)d lines; the "
                                                    "limit is %(rows)d teams per file.") % {
                "limit": MAX_LINES, "rows": MAX_ROWS})
        if len(values) > MAX_COLUMNS:
            values = list(values)
            if any(_cell(v) for v in values[MAX_COLUMNS:]):
                raise FormatError(cell_place(number), _("The line has %(n)d columns; the limit is "
                                                        "%(limit)d.")
                                  % {"n": len(values), "limit": MAX_COLUMNS})
            values = values[:MAX_COLUMNS]
        cells = [_check_cell(_cell(v), number, i, header) for i, v in enumerate(values)]
        if number == 1:
            header = cells
        yield cells


def _delimiter(text: str) -> str:
    """The delimiter of the header line: comma, or the semicolon or tab of other spreadsheet
    locales, whichever it holds most of. (csv.Sniffer took 3 s, up to 12 s on a busy server, on a
    2 MB file of one-letter lines: it counts every character of every line of its sample.)"""
    header = text[:4096].split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in ",;\t"}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _csv_lines(raw: bytes, encoding: str) -> Iterator[list[str]]:
    text = decode(raw, encoding)  # NUL characters are refused cell by cell, with their place
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise FormatError(cell_place(reader.line_num), _(
                    "A cell has more than %(limit)d characters; the limit is %(limit)d.") % {
                    "limit": MAX_CELL}) from None
            raise FormatError(cell_place(reader.line_num), _("The line is not valid CSV (%(error)s).")
                              % {"error": exc}) from None
        yield values


def _xlsx_guard(raw: bytes) -> None:
    """Refuse an archive that unpacks too large or whose XML declares a DTD, before openpyxl."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise FormatError("", _("This is not a readable XLSX file."), field="file") from None
    declared = sum(m.file_size for m in members)
    if declared > MAX_XLSX_UNPACKED:
        raise FormatError("", _("The XLSX file unpacks to %(size)s MB; the limit is %(limit)d MB.") % {
            "size": f"{declared / 1048576:.0f}", "limit": MAX_XLSX_UNPACKED // 1048576}, field="file")
    unpacked = 0
    for member in members:
        if not member.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with archive.open(member) as part:
                tail = b""
                while chunk := part.read(65536):
                    unpacked += len(chunk)
                    if unpacked > MAX_XLSX_UNPACKED:  # the sizes in the directory may lie
                        raise FormatError("", _("The XLSX file unpacks to more than %(limit)d MB.") % {
                            "limit": MAX_XLSX_UNPACKED // 1048576}, field="file")
                    window = (tail + chunk).upper().replace(b"\x00", b"")
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        raise FormatError(member.filename, _(
                            "The XLSX file declares a DTD (<!DOCTYPE or <!ENTITY>); spreadsheet "
                            "files never need one, and it can hide an entity bomb. Save the file "
                            "again from the spreadsheet program."), field="file")
                    tail = chunk[-32:]
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, RuntimeError, ValueError):
            raise FormatError("", _("This is not a readable XLSX file."), field="file") from None


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")
MAX_SHARED_STRINGS = 100_000


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _first_sheet(archive: zipfile.ZipFile) -> str:
    from defusedxml.ElementTree import fromstring

    book = fromstring(archive.read("xl/workbook.xml"))
    sheet = book.find(f"{_NS}sheets/{_NS}sheet")
    if sheet is None:
        raise FormatError("", _("The XLSX file has no sheet."), field="file")
    rel_id = sheet.get(f"{_REL_NS}id")
    rels = fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{_PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise FormatError("", _("The XLSX file has no sheet."), field="file")


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    from defusedxml.ElementTree import iterparse

    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings: list[str] = []
    with archive.open("xl/sharedStrings.xml") as part:
        for _event, element in iterparse(part):
            if element.tag == f"{_NS}si":
                strings.append("".join(t.text or "" for t in element.iter(f"{_NS}t"))[:MAX_CELL + 1])
                element.clear()
                if len(strings) > MAX_SHARED_STRINGS:
                    raise FormatError("", _("The XLSX file has more than %(limit)d different texts.")
                                      % {"limit": MAX_SHARED_STRINGS}, field="file")
    return strings


def _xlsx_value(cell, strings: list[str]):
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{_NS}t"))
    value = cell.findtext(f"{_NS}v")
    if value is None:
        return None
    if kind == "s":
        index = int(value)
        return strings[index] if 0 <= index < len(strings) else None
    if kind == "n":
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    if kind == "b":
        return value == "1"
    return value


def _xlsx_lines(raw: bytes) -> Iterator[list]:
    """The first sheet's rows, parsed as a stream (openpyxl's read-only mode first scans a whole
    sheet that has no <dimension>, which is what a hostile file leaves out). Blank rows the file
    skips come back as empty lines, so line numbers and the line limit are those a person sees."""
    from defusedxml.ElementTree import iterparse

    _xlsx_guard(raw)
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        name = _first_sheet(archive)
        strings = _shared_strings(archive)
        part = archive.open(name)
    except ImportRefused:
        raise
    except Exception:  # a broken archive or part: many kinds of errors
        raise FormatError("", _("This is not a readable XLSX file."), field="file") from None
    line = 0
    try:
        events = iterparse(part, events=("end",))
        while True:
            try:
                _event, element = next(events)
            except StopIteration:
                return
            except ImportRefused:
                raise
            except Exception:
                raise FormatError("", _("This is not a readable XLSX file."), field="file") from None
            if element.tag != f"{_NS}row":
                continue
            try:
                number = int(element.get("r") or line + 1)
            except ValueError:
                number = line + 1
            while line + 1 < number and line < MAX_LINES:  # rows the file leaves out are blank
                line += 1
                yield []
            line = max(line + 1, number)
            if line > MAX_LINES:
                yield []  # the caller refuses it with the limit
                return
            values: list = []
            for cell in element.iter(f"{_NS}c"):
                found = _CELL_REF.fullmatch(cell.get("r") or "")
                column = _column_index(found.group(1)) if found else len(values)
                if column > MAX_COLUMNS:
                    values.append("x")  # beyond the limit: the caller refuses the line
                    break
                values.extend([None] * (column - len(values)))
                values.append(_xlsx_value(cell, strings))
            element.clear()
            yield values
    finally:
        part.close()


# --- JSON --------------------------------------------------------------------------------------

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|-?[0-9][0-9.eE+-]*', re.DOTALL)


def _place(path: str, text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    where = _("line %(line)d, column %(column)d") % {"line": line, "column": column}
    return f"{path or _('(file)')} ({where})"


def _path(stack: list[list]) -> str:
    out = ""
    for frame in stack:
        if frame[0] == "[":
            out += f"[{frame[1]}]"
        elif frame[2] is not None:
            out = f"{out}.{frame[2]}" if out else frame[2]
    return out


def _scan(text: str) -> None:
    """One pass over the tokens, before the parser: depth, numbers, duplicate keys, NUL."""
    stack: list[list] = []  # ["[", index] or ["{", keys, current key, expecting a key]
    for token in _TOKEN.finditer(text):
        value, pos = token.group(), token.start()
        first = value[0]
        if first in "{[":
            if len(stack) >= MAX_DEPTH:
                raise FormatError(_place(_path(stack), text, pos), _(
                    "The file nests lists and objects more than %(limit)d levels deep; a season "
                    "file needs 5.") % {"limit": MAX_DEPTH})
            stack.append(["[", 0] if first == "[" else ["{", set(), None, True])
        elif first in "}]":
            if stack:
                stack.pop()
        elif first == ",":
            if stack and stack[-1][0] == "[":
                stack[-1][1] += 1
            elif stack:
                stack[-1][3] = True
        elif first == ":":
            if stack and stack[-1][0] == "{":
                stack[-1][3] = False
        elif first == '"':
            try:
                string = json.loads(value)
            except ValueError:
                continue  # the parser reports it with its place
            if "\x00" in string:
                raise FormatError(_place(_path(stack), text, pos), _(
                    "The text holds a NUL character (\\u0000), which no field may hold."))
            if stack and stack[-1][0] == "{" and stack[-1][3]:
                frame = stack[-1]
                if string in frame[1]:
                    frame[2] = string
                    raise FormatError(_place(_path(stack), text, pos), _(
                        "The key %(key)s appears twice in the same object; each key once.") % {
                        "key": json.dumps(string, ensure_ascii=False)})
                frame[1].add(string)
                frame[2] = string
        elif len(value) > MAX_NUMBER_CHARS:
            raise FormatError(_place(_path(stack), text, pos), _(
                "The number has %(n)d characters; the limit is %(limit)d.") % {
                "n": len(value), "limit": MAX_NUMBER_CHARS})


def _no_constant(name: str):
    raise ValueError(name)


def load_json(data: bytes | str) -> Any:
    """Parse a season file; every refusal is a FormatError with its place."""
    if isinstance(data, bytes):
        _size_limit(data, MAX_JSON_BYTES)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FormatError(_("(file)"), _("A season file is UTF-8 text; byte %(at)d is not UTF-8.")
                              % {"at": exc.start}) from None
    else:
        text = data
        if len(text) > MAX_JSON_BYTES:
            _size_limit(text.encode(), MAX_JSON_BYTES)
    try:
        return _checked_loads(text)
    except json.JSONDecodeError as exc:
        _scan(text)  # a limit broken before the syntax error is said first
        raise FormatError(_place("", text, exc.pos), _("This is not JSON: %(error)s.") % {
            "error": exc.msg}) from None
    except (_Broken, ValueError, RecursionError) as exc:
        _scan(text)  # says which limit, where
        raise FormatError(_("(file)"), _("This is not a season file: %(error)s.") % {"error": exc}) from None


class _Broken(Exception):
    """A limit is broken somewhere: _scan finds where."""


def _number(kind):
    def parse(text: str):
        if len(text) > MAX_NUMBER_CHARS:  # before int(): a 5,000-digit integer is never converted
            raise _Broken(text[:10])
        return kind(text)

    return parse


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs) or any("\x00" in key for key in result):
        raise _Broken("key")
    return result


def _checked_loads(text: str) -> Any:
    """json.loads (C speed) with the limits checked as it builds the document: numbers, duplicate
    keys and NUL in keys by its hooks, depth and NUL in texts by one walk of the result. Only a
    file that breaks one is scanned token by token (_scan, pure Python: ten times slower), which
    finds the place for the refusal; a valid 20 MB file is never scanned."""
    data = json.loads(text, parse_constant=_no_constant, parse_int=_number(int),
                      parse_float=_number(float), object_pairs_hook=_pairs)
    pending: list[tuple[Any, int]] = [(data, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise _Broken("NUL")
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                raise _Broken("depth")
            items = value.values() if isinstance(value, dict) else value
            pending.extend((item, depth + 1) for item in items)
    return data
