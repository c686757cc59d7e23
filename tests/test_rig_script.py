"""bench/rig.py (issue 12) is not run by the suite (minutes, many processes); its argument
checks and its cleanup are: whatever it starts is stopped, process groups included."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import rig  # noqa: E402


def test_defaults_are_the_issues_figures():
    args = rig.parse_args([])
    assert args.only == ["edge", "faults", "push"]
    assert (args.servers, args.fans, args.posts, args.fault_fans, args.push_streams) == (
        3, 10_000, 200, 1000, 5000)
    assert args.db_url.endswith("/rig") and 0 < args.timeout <= 330


@pytest.mark.parametrize("argv", [
    ["--only", "edge,nope"],
    ["--db-url", "postgres://postgres@db.example.org:5432/rig"],
    ["--db-url", "postgres://postgres@127.0.0.1:5432/postgres"],
    ["--only", "faults", "--servers", "1"],
    ["--timeout", "5000"],
])
def test_refuses_what_it_must_not_do(argv):
    with pytest.raises(SystemExit):
        rig.parse_args(argv)


def test_stop_all_ends_every_process_group_it_started(tmp_path):
    processes = rig.Processes()
    # a server that starts a child of its own, as uvicorn, varnishd and redis do
    proc = processes.start("server", ["sh", "-c", "sleep 60 & echo $! > child; wait"],
                           log=tmp_path / "log", cwd=tmp_path)
    for _ in range(50):
        if (tmp_path / "child").exists() and (tmp_path / "child").read_text().strip():
            break
        time.sleep(0.05)
    child = int((tmp_path / "child").read_text())
    assert processes.running() == ["server"]
    processes.stop_all()
    assert proc.poll() is not None and processes.running() == []
    for _ in range(50):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the server's child was left running")


def test_a_hard_timeout_stops_the_run(tmp_path):
    """The rig's own time limit, as a signal: everything it started is stopped at exit."""
    script = (
        "import sys, time; sys.path.insert(0, {!r}); import rig\n"
        "p = rig.Processes(); rig.install_cleanup(p, 0.5, [])\n"
        "proc = p.start('sleeper', ['sleep', '60'], log=__import__('pathlib').Path({!r}))\n"
        "print(proc.pid, flush=True)\n"
        "try:\n    time.sleep(30)\nexcept rig.HardTimeout:\n    sys.exit(2)\n"
    ).format(str(Path(rig.__file__).parent), str(tmp_path / "log"))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=20)
    assert done.returncode == 2
    pid = int(done.stdout.split()[0])
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
