"""Benchmark: the HTTP service under load, over loopback, against a real `cesu-rules serve`.

The load comes from an asyncio client of this script writing HTTP/1.1 by hand on
keep-alive connections (a few microseconds a request, so that the figures are the server's):

* throughput: 32 connections sending single estimates back to back (``POST /v1/estimate``,
  the default response with ranges) for 20 s — estimates per second;
* latency at a fixed rate: 200 requests a second for 30 s, each timed from the moment it was
  due (a late request counts its wait): p50, p99 and the worst;
* the array endpoint: 100 000 estimates a request (``POST /v1/estimates`` in columns);
* a soak: 200 requests a second for ``--soak`` seconds (600 for the record): errors, and the
  server's resident memory at the start and at the end.

Each is run against one worker process and against two. Targets (issue 13, 2-core
machine): ≥ 1 000 single estimates/s, p99 ≤ 10 ms at 200 requests/s, ≥ 100 000 estimates/s
through the array endpoint, zero errors and stable memory over a 10-minute soak.
Run: ``python benchmarks/bench_service.py [--soak 600] [--workers 1,2] [--soak-only] [--record]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from _common import record

REQUEST = json.dumps({"month": "2024-04", "hours": 10, "net_hourly": "12.00"}).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, workers: int) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cesu_rules.cli",
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--max-body",
                str(64 << 20),
            ],
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                time.sleep(1.0)  # the workers import and load their rules
                return
            time.sleep(0.2)
        raise SystemExit("the server did not start")

    def rss_mb(self) -> float:
        """Resident memory of the server and its worker processes."""
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        total = 0
        for pid in pids:
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        return total / 1024

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)


class Connection:
    """One keep-alive HTTP/1.1 connection, requests written by hand."""

    def __init__(self, port: int) -> None:
        self.port = port

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    async def post(self, path: str, body: bytes) -> int:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.writer.write(head + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return int(status_line.split()[1])

    def close(self) -> None:
        self.writer.close()


async def throughput(port: int, seconds: float, connections: int = 32) -> tuple[float, int]:
    done = errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done, errors
        c = Connection(port)
        await c.open()
        while time.perf_counter() < deadline:
            status = await c.post("/v1/estimate", REQUEST)
            done += 1
            errors += status != 200
        c.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return done / (time.perf_counter() - start), errors


async def fixed_rate(port: int, rate: float, seconds: float) -> tuple[list[float], int]:
    """Requests due every 1/rate s on a pool of connections; latency from the due time."""
    pool: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(16):
        c = Connection(port)
        await c.open()
        pool.put_nowait(c)
    latencies: list[float] = []
    errors = 0

    async def one(due: float) -> None:
        nonlocal errors
        c = await pool.get()
        status = await c.post("/v1/estimate", REQUEST)
        latencies.append(time.perf_counter() - due)
        errors += status != 200
        pool.put_nowait(c)

    start = time.perf_counter()
    tasks = []
    for k in range(int(rate * seconds)):
        due = start + k / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.gather(*tasks)
    while not pool.empty():
        pool.get_nowait().close()
    return latencies, errors


async def array(port: int, rows: int, repeat: int = 3) -> float:
    columns = {
        "month": ["2024-04", "2025-06", "2026-07", "2022-01"] * (rows // 4),
        "hours": [str(1 + k % 150) for k in range(rows)],
        "net_hourly": [f"{12 + k % 9}.{k % 100:02d}" for k in range(rows)],
    }
    body = json.dumps({"columns": columns}).encode()
    c = Connection(port)
    await c.open()
    await c.post("/v1/estimates", body)  # warm
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        status = await c.post("/v1/estimates", body)
        best = min(best, time.perf_counter() - start)
        if status != 200:
            raise SystemExit(f"/v1/estimates answered {status}")
    c.close()
    return rows / best


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000


def measure(workers: int, soak: float, *, soak_only: bool = False) -> list[str]:
    server = Server(workers)
    label = f"{workers} worker{'s' if workers > 1 else ''}"
    try:
        asyncio.run(throughput(server.port, 3))  # warm every worker
        lines = [] if soak_only else speed(server.port, label)
        if soak:
            before = server.rss_mb()
            latencies, errors = asyncio.run(fixed_rate(server.port, 200, soak))
            after = server.rss_mb()
            lines.append(
                f"{label}: soak at 200 requests/s for {soak:.0f} s: {len(latencies):,} requests, "
                f"{errors} errors, p99 {pct(latencies, 0.99):.1f} ms, server memory "
                f"{before:.0f} MB → {after:.0f} MB"
            )
        for line in lines:
            print(line, flush=True)
        return lines
    finally:
        server.stop()


def speed(port: int, label: str) -> list[str]:
    """Throughput, latency at 200 requests/s and the array endpoint."""
    rate, errors = asyncio.run(throughput(port, 20))
    lines = [f"{label}: {rate:,.0f} single estimates/s (32 connections, 20 s, {errors} errors)"]
    latencies, errors = asyncio.run(fixed_rate(port, 200, 30))
    lines.append(
        f"{label}: at 200 requests/s for 30 s: p50 {pct(latencies, 0.5):.1f} ms, "
        f"p99 {pct(latencies, 0.99):.1f} ms, worst {max(latencies) * 1000:.1f} ms, "
        f"{errors} errors"
    )
    lines.append(
        f"{label}: /v1/estimates, 100,000 estimates a request (columns): "
        f"{asyncio.run(array(port, 100_000)):,.0f} estimates/s"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--soak", type=float, default=60.0, help="seconds (600 for the record)")
    parser.add_argument(
        "--soak-only", action="store_true", help="only the soak (errors and memory over time)"
    )
    parser.add_argument("--record", action="store_true", help="append to RESULTS.md")
    args = parser.parse_args()
    lines: list[str] = []
    for workers in (int(w) for w in args.workers.split(",")):
        lines += measure(workers, args.soak, soak_only=args.soak_only)
    lines.append(f"machine load while measuring: {os.getloadavg()[0]:.2f} (1-minute average)")
    if args.record:
        record("bench_service.py", lines)


if __name__ == "__main__":
    main()
