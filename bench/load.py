"""Pages under load: gunicorn (2 sync workers) on 127.0.0.1 and wrk, bounded in count and time.

`serve(url)` starts `gunicorn 'bench_app:create()'` (the app plus the hello route, see
bench_app.py) on a free port of 127.0.0.1 and waits for it; `stop` ends it (the caller does so
in a `finally`). `hit` runs wrk against one URL for `seconds` seconds and at most `requests` requests (a Lua
script stops each thread after its share). wrk always lasts the whole duration, also when the
threads stopped early, and reports requests / duration: the count is a safety cap set well above
what the fastest route (hello) does in the time, so the time bound is what ends a run (a run
that hits the cap is flagged `capped`: its rate would be understated). It returns requests per
second, p50/p99 latency and the count of answers other than 200 (a redirect to the login page
would otherwise look like a fast page). `worker_memory` reads the workers' peak RSS (VmHWM).
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import bench_app

HERE = Path(__file__).resolve().parent
WORKERS = 2
SCRIPT = """
local limit = tonumber(os.getenv("BENCH_LIMIT"))
local threads = {}
count, bad = 0, 0
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body)
  count = count + 1
  if status ~= 200 then bad = bad + 1 end
  if count >= limit then wrk.thread:stop() end
end
function done(summary, latency, requests)
  local wrong = 0
  for _, t in ipairs(threads) do wrong = wrong + t:get("bad") end
  io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d bad=%d errors=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), wrong,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout))
end
"""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, process, base, log):
        self.process, self.base, self.log = process, base, log


def serve(database_url, secret="bench", timeout=90):
    """Start gunicorn with WORKERS sync workers; returns a Server once /bench/hello answers."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": secret,
           "PROPMGMT_SECURE_COOKIES": "0"}
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [gunicorn, "--pythonpath", str(HERE), "--workers", str(WORKERS), "--bind",
         f"127.0.0.1:{port}", "--timeout", "60", "bench_app:create()"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(process, f"http://127.0.0.1:{port}", log.name)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn ended: {Path(log.name).read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(server.base + bench_app.HELLO, timeout=5) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise RuntimeError("gunicorn did not answer in time")


def stop(server):
    """End gunicorn (master and workers: their own process group), politely then for sure."""
    if server is None or server.process.poll() is not None:
        return
    try:
        os.killpg(server.process.pid, signal.SIGTERM)
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=15)
    except ProcessLookupError:
        pass


def worker_trouble(server):
    """Lines of gunicorn's log about workers that died or were restarted (crash, timeout)."""
    text = Path(server.log).read_text(errors="replace") if server and server.log else ""
    return [line for line in text.splitlines()
            if re.search(r"WORKER TIMEOUT|was sent SIG|exited with code|Worker failed", line)]


def workers(server):
    path = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def worker_memory(server):
    """{pid: (peak RSS MB, current RSS MB)} of the workers."""
    found = {}
    for pid in workers(server):
        status = Path(f"/proc/{pid}/status").read_text()
        values = {k: int(re.search(rf"{k}:\s+(\d+)", status).group(1)) / 1024
                  for k in ("VmHWM", "VmRSS")}
        found[pid] = (round(values["VmHWM"], 1), round(values["VmRSS"], 1))
    return found


def wrk_available():
    return shutil.which("wrk") is not None


def hit(server, path, headers, requests, seconds, connections=4, threads=2):
    """wrk against one URL, bounded; {"rps", "p50_ms", "p99_ms", "requests", "bad"}."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(SCRIPT)
    try:
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                   "-s", script.name]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        done = subprocess.run(command + [server.base + path], capture_output=True, text=True,
                              timeout=seconds + 30,
                              env={**os.environ, "BENCH_LIMIT": str(max(1, requests // threads))})
    finally:
        os.unlink(script.name)
    line = re.search(r"BENCH (.*)", done.stdout)
    if line is None:
        raise RuntimeError(f"wrk: {done.stdout} {done.stderr}")
    v = {k: int(x) for k, x in (kv.split("=") for kv in line.group(1).split())}
    return {"rps": v["requests"] / (v["duration_us"] / 1e6), "p50_ms": v["p50_us"] / 1000,
            "p99_ms": v["p99_us"] / 1000, "requests": v["requests"], "bad": v["bad"] + v["errors"],
            "capped": v["requests"] >= requests - threads}


def run(server, pages, headers, repeat, requests, seconds, echo=print):
    """Each page `repeat` times, interleaved (hello, bill, queue, ... then again), after one
    short warm-up each; {page: [result, ...]}."""
    found = {page: [] for page in pages}
    for page, path in pages.items():
        hit(server, path, headers[page], min(200, requests), 2)
    for round_ in range(repeat):
        for page, path in pages.items():
            result = hit(server, path, headers[page], requests, seconds)
            found[page].append(result)
            echo(f"  load {round_ + 1}/{repeat} {page:<14}{result['rps']:8.0f} req/s  "
                 f"p99 {result['p99_ms']:7.1f} ms  ({result['requests']} requests, "
                 f"{result['bad']} not 200{', CAPPED' if result['capped'] else ''})")
    return found
