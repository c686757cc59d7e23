"""Peak memory and time of the importers on their worst inputs (issue 11: docs/imports.md).

    .venv/bin/python bench/import_memory.py            # every case, a table in Markdown

Each case runs in a fresh process that only reads its input from a file built beforehand (so
building a hostile file does not count), then reads it as the admin does
(``applications.read_table`` or ``load_json``). Two figures: tracemalloc's peak (Python objects)
and the growth of the process's peak resident set size (Linux's VmHWM, reset through
/proc/self/clear_refs: everything, C libraries such as zlib and expat too) over the resident size
with the input loaded, and the
time, both from a second run without tracemalloc (which slows allocation and takes memory).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CASES = {
    "xlsx2m": "XLSX, 2,000,000 one-cell rows (the finding)",
    "xlsx_lines": "XLSX, 19 MB unpacked: 590,000 rows under the unpacked limit",
    "csv_field": "CSV, 2 MB in one field",
    "csv_lines": "CSV, 2 MB of one-letter lines after a valid header",
    "json_deep": "season JSON, 10 MB of nesting",
    "json_number": "season JSON, a 20 MB number",
    "json_keys": "season JSON, 20 MB: 1,000,000 different keys in one object",
}


def build(case: str) -> tuple[str, bytes]:
    from league.exchange import applications
    from league.exchange.reading import MAX_JSON_BYTES, MAX_TABLE_BYTES
    from tests.exchange.files import SHEET_HEAD, csv_bytes, team_row, xlsx_rows, xlsx_with_sheet

    if case == "xlsx2m":
        return "t.xlsx", xlsx_rows(2_000_000)
    if case == "xlsx_lines":
        header = "".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in applications.COLUMNS)
        body = b'<row><c t="n"><v>1</v></c></row>' * 590_000
        return "t.xlsx", xlsx_with_sheet(SHEET_HEAD.encode() + b"<sheetData><row>" + header.encode()
                                         + b"</row>" + body + b"</sheetData></worksheet>")
    if case == "csv_field":
        return "t.csv", csv_bytes([team_row(organization="x" * (MAX_TABLE_BYTES - 500))])
    if case == "csv_lines":
        head = ",".join(applications.COLUMNS).encode() + b"\n"
        return "t.csv", head + b"a\n" * ((MAX_TABLE_BYTES - len(head)) // 2)
    if case == "json_deep":
        return "json", b'{"a": ' + b"[" * 5_000_000 + b"]" * 5_000_000 + b"}"
    if case == "json_number":
        return "json", b'{"season": {"best_of": ' + b"9" * (MAX_JSON_BYTES - 40) + b"}}"
    if case == "json_keys":
        keys = b",".join(b'"k%07d":0' % i for i in range(1_000_000))
        return "json", b'{"teams": [{' + keys + b"}]}"
    raise SystemExit(f"unknown case {case}")


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def measure(name: str, path: str, traced: bool) -> dict:
    import time
    import tracemalloc

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    django.setup()
    from league.exchange import ImportRefused, applications
    from league.exchange.reading import load_json

    raw = Path(path).read_bytes()
    # Linux: reset the peak resident size (VmHWM) to the current one, so the peak is this read's.
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kib("VmRSS")
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        load_json(raw) if name == "json" else applications.read_table(name, raw)
        outcome = "read"
    except ImportRefused as exc:
        outcome = str(exc)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    tracemalloc.stop()
    after = _status_kib("VmHWM")
    return {"input": len(raw), "tracemalloc": peak / 1048576, "rss": (after - before) / 1024,
            "base": before / 1024, "seconds": seconds, "outcome": outcome}


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2], sys.argv[3], sys.argv[4] == "traced")))
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    print("| input | size | peak (tracemalloc) | peak RSS growth over the process with the input loaded "
          "| time | answer |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory() as folder:
        for case, label in CASES.items():
            name, raw = build(case)
            path = Path(folder) / case
            path.write_bytes(raw)
            del raw
            runs = []
            for mode in ("traced", "plain"):  # tracemalloc slows allocation and adds its own memory
                out = subprocess.run([sys.executable, __file__, "--measure", name, str(path), mode],
                                     cwd=ROOT, capture_output=True, text=True, timeout=600, check=True)
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            r = {**runs[1], "tracemalloc": runs[0]["tracemalloc"]}
            answer = r["outcome"] if len(r["outcome"]) < 90 else r["outcome"][:87] + "..."
            print(f"| {label} | {r['input'] / 1048576:.2f} MB | {r['tracemalloc']:.1f} MiB | "
                  f"+{r['rss']:.1f} MiB (over {r['base']:.0f} MiB) | {r['seconds']:.2f} s | {answer} |",
                  flush=True)


if __name__ == "__main__":
    main()
