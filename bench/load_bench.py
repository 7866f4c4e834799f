"""Load test: nginx + gunicorn on loopback, N concurrent users on dashboard and list pages.

python -m bench load -- --workers 100000 --connections 50 --duration 60 --runs 3

Builds (once) a SQLite database with `lindung demo`, starts gunicorn on 127.0.0.1 behind nginx
(the proxy settings of deploy/nginx.conf, plain HTTP; `--front none` = wrk straight to gunicorn,
whose gthread workers then hold the idle keep-alive connections of users who are reading: that
alone added a p99 of 2-3 s in think-time runs, p95 919 ms vs 44 ms with nginx), signs in
as the demo admin, checks every page answers 200 with that session (not a redirect to the
login page), warms up, and drives the pages with wrk (Debian package, installed if missing)
`--runs` times. Reports throughput, p50/p95/p99 latency and errors of each run and their median,
with the load average; then checks that a login brute force is throttled. The median line is
appended to bench/RESULTS.md under "Load" (not with `--no-append`).

`--database-url URL` measures an existing data set instead (bench/suite.py passes the one its
coverage benchmark built): no demo is built, the database is migrated and the demo accounts
are created or refreshed (`lindung.site.demo.users.ensure_demo_users`); `--workers` then only
labels the result. `--json` prints one JSON object on stdout (median and every run) and sends
the text report to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TextIO

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
BIN = Path(sys.executable).parent
PATHS = ["/", "/pekerja/", "/kepesertaan/", "/cakupan/52.03/", "/daftar-kerja/"]
DEMO_USER, DEMO_PASSWORD = "admin", "Lombok-Timur-2026"
# The text report and child processes' output: stdout (None: inherited), stderr with --json so
# stdout carries only the JSON.
LOG: TextIO | None = None

# Demo accounts in a data set not built by `lindung demo`: the admin (whole regency, the widest
# scope) signs in for the measurement and "bpjs" takes the brute-force check. A real account
# with one of these names is left alone by ensure_demo_users, so it is refused here.
ENSURE_USERS = """
from lindung.accounts.models import Role
from lindung.site.demo.users import ensure_demo_users
logins = {login.user.username: login for login in ensure_demo_users()}
for name in ("admin", "bpjs"):
    assert logins[name].is_demo, f"{name!r} is a real account, not a demo one"
admin = logins["admin"].user
assert admin.role == Role.ADMIN_KABUPATEN and admin.area_id == "52.03", (admin.role, admin.area_id)
"""

LUA = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
%(delay)s
local errors = 0
response = function(status, headers, body)
  if status >= 400 then errors = errors + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%%d duration_us=%%d p50=%%d p95=%%d p99=%%d max=%%d "
    .. "errors_http=%%d errors_socket=%%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""


def gunicorn_command(app_port: int, workers: int | None) -> list[str]:
    """gunicorn as deployed (deploy/gunicorn.conf.py) on a loopback port, without access log."""
    command = [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    command += ["-b", f"127.0.0.1:{app_port}", "--log-level", "warning"]
    command += ["--access-logfile", "/dev/null"]
    return command + ["-w", str(workers or deploy_workers())]


def add_gunicorn_workers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gunicorn-workers",
        type=int,
        help="gunicorn processes (default: deploy/gunicorn.conf.py's, 2 × cores + 1)",
    )


def deploy_workers() -> int:
    """deploy/gunicorn.conf.py's number of processes on this machine."""
    return (os.cpu_count() or 1) * 2 + 1


def _env(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url,
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_COOKIES="0",
        SECURE_HSTS_SECONDS="0",
        BEHIND_PROXY="0",
        DJANGO_SETTINGS_MODULE="lindung.settings",
    )
    return env


def _run(env, *args) -> None:
    subprocess.run([str(BIN / "lindung"), *args], env=env, check=True, cwd=ROOT, stdout=LOG)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, timeout: float = 60) -> None:
    end = time.time() + timeout
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _login(base: str, username: str, password: str) -> tuple[int, str | None]:
    opener = urllib.request.build_opener(_NoRedirect)
    page = opener.open(base + "/masuk/")
    cookies = SimpleCookie()
    for header in page.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    csrf = cookies["csrftoken"].value
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": csrf}
    ).encode()
    request = urllib.request.Request(base + "/masuk/", data=body, method="POST")
    request.add_header("Cookie", f"csrftoken={csrf}")
    request.add_header("Referer", base + "/masuk/")
    try:
        response = opener.open(request)
    except urllib.error.HTTPError as exc:
        response = exc
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    session = cookies["sessionid"].value if "sessionid" in cookies else None
    return response.status if hasattr(response, "status") else response.code, session


def main(argv: list[str]) -> int:
    global LOG
    parser = argparse.ArgumentParser(prog="bench load")
    parser.add_argument("--workers", type=int, default=100_000, help="demo workers to load")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60)
    add_gunicorn_workers(parser)
    parser.add_argument("--runs", type=int, default=3, help="wrk runs; the median is reported")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of warm-up, not counted")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--think",
        default="",
        metavar="MIN-MAX",
        help="think time in ms between one user's requests (e.g. 1000-5000); none by default",
    )
    parser.add_argument(
        "--database-url",
        help="measure this existing data set (no demo build; migrate + demo accounts only)",
    )
    parser.add_argument(
        "--front",
        choices=("nginx", "none"),
        default="nginx",
        help="nginx in front of gunicorn as in deploy/ (default), or wrk straight to gunicorn",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--no-append", action="store_true", help="leave bench/RESULTS.md alone")
    args = parser.parse_args(argv)
    if args.json:
        LOG = sys.stderr

    if shutil.which("wrk") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=LOG)
    if args.front == "nginx" and shutil.which("nginx") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "nginx"], check=True, stdout=LOG)
    if not (BIN / "gunicorn").exists():
        subprocess.run([str(BIN / "pip"), "install", "-q", "gunicorn"], check=True, stdout=LOG)

    cache_dir = None
    if args.database_url:
        env = _env(args.database_url)
        # The figures cache (var/cache by default) is keyed by user id and area, not by
        # database: counts cached for another data set would be served as this one's.
        cache_dir = tempfile.mkdtemp(prefix="lindung-load-cache-")
        env["CACHE_DIR"] = cache_dir
        _run(env, "migrate", "--noinput")
        _run(env, "shell", "-c", ENSURE_USERS)
    else:
        OUT.mkdir(exist_ok=True)
        db_path = OUT / f"load-{args.workers}.sqlite3"
        env = _env(f"sqlite:///{db_path}")
        if args.rebuild and db_path.exists():
            db_path.unlink()
        if not db_path.exists():
            started = time.perf_counter()
            _run(env, "setup")
            _run(env, "demo", "--workers", str(args.workers), "--seed", "1")
            print(f"data set built in {time.perf_counter() - started:.0f} s", file=LOG)
        else:
            _run(env, "migrate", "--noinput")  # a reused data set gets new indexes too

    # Lockouts left by an earlier run's brute-force check would refuse the first attempt too.
    _run(env, "axes_reset")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    app_port = _free_port() if args.front == "nginx" else port
    command = gunicorn_command(app_port, args.gunicorn_workers)
    if args.front == "none":
        # Browsers keep connections open between pages; gunicorn's 2 s default would close
        # them during a user's think time. Behind nginx the clients' keep-alive is nginx's.
        command += ["--keep-alive", "75", "--worker-connections", "1000"]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=LOG)
    front = _start_nginx(port, app_port) if args.front == "nginx" else None
    try:
        _wait(f"http://127.0.0.1:{app_port}/masuk/")  # gunicorn first: nginx answers 502
        _wait(base + "/masuk/")
        status, session = _login(base, DEMO_USER, DEMO_PASSWORD)
        if not session:
            print(f"login failed (HTTP {status})", file=sys.stderr)
            return 1
        _check_pages(base, session)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
            fh.write(
                LUA % {"paths": ", ".join(f'"{p}"' for p in PATHS), "delay": _delay(args.think)}
            )
            script = fh.name
        load_before = os.getloadavg()[0]  # other work on the machine, before ours starts
        if args.warmup:
            _wrk(script, session, base, args.connections, args.warmup)
        runs = []
        for i in range(args.runs):
            r = _wrk(script, session, base, args.connections, args.duration)
            if r is None:
                return 1
            r["load"] = os.getloadavg()[0]
            r["load_before"] = load_before
            runs.append(r)
            print(f"run {i + 1}: " + _describe(r), file=LOG, flush=True)
        # Brute force: wrong passwords for one user from one address are refused (HTTP 429).
        codes = [_login(base, "bpjs", f"salah-{i}")[0] for i in range(7)]
    finally:
        if front is not None:
            front.terminate()
            front.wait(timeout=30)
        server.terminate()
        server.wait(timeout=30)
        if cache_dir:
            shutil.rmtree(cache_dir, ignore_errors=True)

    median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    errors = sum(r["errors"] for r in runs)
    pause = f"think {args.think} ms" if args.think else "no think time"
    # With --database-url the data set is whatever that database holds, not --workers.
    data = "given database" if args.database_url else f"{args.workers:,} workers"
    line = (
        f"| {data} | {args.connections} users ({pause}), "
        f"{args.runs} × {args.duration} s "
        f"| {median['rps']:.1f} req/s | {median['p50'] / 1000:.0f} | {median['p95'] / 1000:.0f} "
        f"| {median['p99'] / 1000:.0f} | {errors} | {load_before:.1f} / {median['load']:.1f} "
        f"| {codes} |"
    )
    print("pages:", ", ".join(PATHS), file=LOG)
    print("median: " + _describe(median), file=LOG)
    print(line, file=LOG)
    if not args.no_append:
        _append_results(line)
    throttled = codes[-1] == 429 and codes[0] == 200
    print("brute force throttled:", throttled, file=LOG)
    if args.json:
        result = {
            "workers": args.workers,
            "connections": args.connections,
            "think_ms": args.think or None,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "gunicorn_workers": args.gunicorn_workers or deploy_workers(),
            "front": args.front,
            "pages": PATHS,
            "median": _figures(median),
            "runs": [_figures(r) for r in runs],
            "errors": errors,  # all runs together
            "load_before": load_before,
            "login_codes": codes,
            "throttled": throttled,
        }
        print(json.dumps(result), flush=True)
    return 0 if errors == 0 and throttled else 1


NGINX_CONF = """
daemon off;
user root;
worker_processes 1;
pid %(dir)s/nginx.pid;
error_log %(dir)s/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path %(dir)s/body;
    proxy_temp_path %(dir)s/proxy;
    fastcgi_temp_path %(dir)s/fastcgi;
    uwsgi_temp_path %(dir)s/uwsgi;
    scgi_temp_path %(dir)s/scgi;
    keepalive_timeout 75s;
    server {
        listen 127.0.0.1:%(port)d;
        client_max_body_size 60m;
        proxy_read_timeout 180s;
        location / {
            proxy_pass http://127.0.0.1:%(app_port)d;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }
    }
}
"""


def _start_nginx(port: int, app_port: int) -> subprocess.Popen:
    """nginx on `port` proxying to gunicorn, with the proxy settings of deploy/nginx.conf
    (plain HTTP on loopback: no TLS to measure here)."""
    where = tempfile.mkdtemp(prefix="lindung-load-nginx-")
    conf = Path(where, "nginx.conf")
    conf.write_text(NGINX_CONF % {"dir": where, "port": port, "app_port": app_port})
    return subprocess.Popen(["nginx", "-c", str(conf), "-p", where], stdout=LOG, stderr=LOG)


def _figures(r: dict) -> dict:
    """One run (or the median) in the JSON: wrk's latencies are microseconds."""
    return {
        "rps": round(r["rps"], 2),
        "requests": r["requests"],
        "p50_ms": round(r["p50"] / 1000, 1),
        "p95_ms": round(r["p95"] / 1000, 1),
        "p99_ms": round(r["p99"] / 1000, 1),
        "max_ms": round(r["max"] / 1000, 1),
        "errors": r["errors"],
        "errors_http": r["errors_http"],
        "errors_socket": r["errors_socket"],
        "load": r["load"],
    }


def _delay(think: str) -> str:
    """wrk's delay(): each connection (one user) waits this long before its next request, so
    50 connections behave like 50 people reading pages rather than 50 scripts in a loop."""
    if not think:
        return ""
    low, high = (int(part) for part in think.split("-"))
    return f"delay = function() return math.random({low}, {high}) end"


def _check_pages(base: str, session: str, paths: list[str] | None = None) -> None:
    """Every measured page answers 200 to the signed-in session (a redirect to the login page
    would be fast and would measure nothing)."""
    opener = urllib.request.build_opener(_NoRedirect)
    for path in paths or PATHS:
        request = urllib.request.Request(base + path)
        request.add_header("Cookie", f"sessionid={session}")
        try:
            status = opener.open(request, timeout=120).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        if status != 200:
            raise RuntimeError(f"{path} answered {status}, not 200")


def _wrk(script: str, session: str, base: str, connections: int, duration: int) -> dict | None:
    run = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "10s",
            "-s",
            script,
            "-H",
            f"Cookie: sessionid={session}",
            base,
        ],
        capture_output=True,
        text=True,
    )
    match = re.search(r"RESULT (.*)", run.stdout)
    if not match:
        print(run.stdout, run.stderr, file=sys.stderr)
        return None
    r = {k: int(v) for k, v in (kv.split("=") for kv in match.group(1).split())}
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["errors"] = r["errors_http"] + r["errors_socket"]
    return r


def _describe(r: dict) -> str:
    return (
        f"{r['rps']:.1f} req/s, p50 {r['p50'] / 1000:.0f} ms, p95 {r['p95'] / 1000:.0f} ms, "
        f"p99 {r['p99'] / 1000:.0f} ms, {r['errors']:.0f} errors, load {r['load']:.1f}"
    )


def _append_results(line: str) -> None:
    results = HERE / "RESULTS.md"
    text = results.read_text() if results.exists() else "# Benchmark results\n"
    header = (
        "\n## Load\n\ngunicorn (as in deploy/gunicorn.conf.py) on loopback, wrk, pages "
        + ", ".join(PATHS)
        + " as the demo admin (whole regency).\n\n"
        "| data | load | throughput | p50 ms | p95 ms | p99 ms | errors | "
        "load avg before / during | login codes (7 wrong passwords) |\n"
        "|---|---|---|---|---|---|---|---|---|\n"
    )
    if "\n## Load\n" not in text:
        text = text.rstrip("\n") + "\n" + header
    start = text.index("\n## Load\n") + 1
    end = text.find("\n## ", start)
    end = len(text) if end == -1 else end
    # Into the section's first table, after its last row (the notes below it stay below).
    lines = text[start:end].rstrip("\n").split("\n")
    at = next((i for i, row in enumerate(lines) if row.startswith("|")), None)
    if at is None:
        at = len(lines)
    else:
        while at < len(lines) and lines[at].startswith("|"):
            at += 1
    lines.insert(at, line)
    results.write_text(text[:start] + "\n".join(lines) + "\n" + text[end:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
