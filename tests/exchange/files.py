"""Hostile and awkward files for the import tests, built in memory."""
from __future__ import annotations

import csv
import io
import zipfile

from league.exchange import applications

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def csv_bytes(rows, header=applications.COLUMNS, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def team_row(i: int = 0, **changes) -> list[str]:
    row = dict(zip(applications.COLUMNS, [
        f"Team {i}", "队", "Org", f"REG-{i:04d}", "university", "CN", f"team-{i}",
        "A: operator; B: coach; C: technical_staff", "R", f"S-{i}-P", "", "R2", f"S-{i}-B", "", ""],
        strict=True))
    row.update(changes)
    return list(row.values())


def xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    """A real workbook whose first sheet's XML is replaced by ``sheet_xml``."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["x"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                         compresslevel=9) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, sheet_xml if item.filename == SHEET else src.read(item))
    return out.getvalue()


def xlsx_rows(count: int) -> bytes:
    """``count`` one-cell rows: a tiny archive that unpacks to a huge sheet."""
    body = b'<row><c t="n"><v>1</v></c></row>' * count
    return xlsx_with_sheet(SHEET_HEAD.encode() + b"<sheetData>" + body + b"</sheetData></worksheet>")


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
                             .encode() for n in range(1, 10))
                  + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b'<sheetData><row><c t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData>'
                    b'</worksheet>')

EXTERNAL_ENTITY = (b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>\n'
                   b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                   b'<sheetData><row><c t="inlineStr"><is><t>&ext;</t></is></c></row></sheetData>'
                   b'</worksheet>')
