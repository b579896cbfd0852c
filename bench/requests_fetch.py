#!/usr/bin/env python3
"""The per-call loop a Python user writes instead: one requests.Session, GET + .json() per call.

    requests_fetch.py URL [--seconds S] [--repetitions N]

URL is the fetch URL of cometapi_bench_server (http://127.0.0.1:PORT/mj/task/<id>/fetch). After
a warm-up, calls for N repetitions of about S seconds, timing every call, and prints one JSON
object with the median wall and CPU (thread) time per call in nanoseconds, the statistic the C++
benchmarks report too. Needs `requests` (Debian: python3-requests).
"""
import argparse
import json
import statistics
import sys
import time

try:
    import requests
except ImportError:  # pragma: no cover - reported to bench/run
    sys.stderr.write("requests_fetch.py: python3-requests is not installed\n")
    sys.exit(3)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()

    session = requests.Session()
    session.trust_env = False  # never a proxy on loopback
    session.headers.update({"Authorization": "Bearer sk-bench", "Accept": "application/json"})

    def call():
        response = session.get(args.url, timeout=10)
        response.raise_for_status()
        task = response.json()
        if len(task["buttons"]) != 9:
            raise RuntimeError("unexpected body")

    for _ in range(50):  # warm-up: connection open, code paths hot
        call()

    wall, cpu = [], []
    for _ in range(args.repetitions):
        end = time.perf_counter() + args.seconds
        while time.perf_counter() < end:
            w0, c0 = time.perf_counter_ns(), time.thread_time_ns()
            call()
            c1, w1 = time.thread_time_ns(), time.perf_counter_ns()
            wall.append(w1 - w0)
            cpu.append(c1 - c0)

    print(json.dumps({
        "name": "FetchTask/PythonRequests",
        "wall_median_ns": statistics.median(wall),
        "cpu_median_ns": statistics.median(cpu),
        "calls": len(wall),
        "python": sys.version.split()[0],
        "requests": requests.__version__,
    }))


if __name__ == "__main__":
    main()
