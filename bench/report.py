#!/usr/bin/env python3
"""Prints bench/run's one markdown table from the result files in DIR.

    report.py DIR

DIR holds calls.json and watch.json (Google Benchmark JSON), python.json, memory.json,
headers.jsonl and machine.json. A missing file leaves its rows out. Ratios are always
"SDK / the thing compared with", so below 1 means the SDK takes less (or, for throughput,
delivers less).
"""
import json
import os
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def medians(benchmark_json):
    """run_name -> the median aggregate (or the single run when not repeated)."""
    out = {}
    if not benchmark_json:
        return out
    for b in benchmark_json.get("benchmarks", []):
        name = b.get("run_name", b["name"])
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                out[name] = b
        elif name not in out or out[name].get("run_type") != "aggregate":
            out.setdefault(name, b)
    return out


def repetitions(benchmark_json):
    """run_name prefix -> number of repetitions."""
    out = {}
    for b in (benchmark_json or {}).get("benchmarks", []):
        if b.get("run_type") == "iteration":
            key = "/".join(b.get("run_name", b["name"]).split("/")[:2])
            out[key] = out.get(key, 0) + 1
    return out


def find(runs, prefix):
    for name, run in runs.items():
        if name.startswith(prefix):
            return run
    return None


def ns(run, key):
    unit = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[run.get("time_unit", "ns")]
    return run[key] * unit


def fmt_time(nanoseconds):
    if nanoseconds >= 1e9:
        return "%.2f s" % (nanoseconds / 1e9)
    if nanoseconds >= 1e6:
        return "%.1f ms" % (nanoseconds / 1e6)
    if nanoseconds >= 1e3:
        return "%.1f µs" % (nanoseconds / 1e3)
    return "%.0f ns" % nanoseconds


def fmt_ratio(a, b):
    if not b:
        return "—"
    r = a / b
    return "%.3f×" % r if r < 0.1 else "%.2f×" % r


def fmt_int(n):
    return "{:,}".format(int(round(n)))


def waiting_rows(waiting):
    """Rows 9 and 10: lag after the pass that showed each result, and requests, per schedule."""
    rows = []

    def lag(r):
        return "median %.1f s, p95 %.1f s" % (r["lag_median_ms"] / 1e3, r["lag_p95_ms"] / 1e3)

    def steady(r):
        return "median %.1f s, p95 %.1f s" % (r["steady_lag_median_ms"] / 1e3,
                                              r["steady_lag_p95_ms"] / 1e3)

    learned, today, fixed5 = (waiting.get(k) for k in ("wait_learned", "wait_today", "wait_fixed5"))
    if learned and today and fixed5:
        for r, what in ((today, "backoff 2 s ×1.5 to 15 s (0.2)"), (fixed5, "a fixed 5 s poll")):
            rows.append(("9", "`TaskPoller::wait`, one per task (%d tasks, 15 s passes): lag after "
                         "the pass" % learned["tasks"], lag(learned), what, lag(r),
                         "%.2f×" % (learned["lag_median_ms"] / max(1, r["lag_median_ms"])),
                         "report"))
            rows.append(("9", "`TaskPoller::wait`: requests per task (per pass per task)",
                         "%.2f (%.2f)" % (learned["requests_per_task"],
                                          learned["requests_per_pass_per_task"]), what,
                         "%.2f (%.2f)" % (r["requests_per_task"], r["requests_per_pass_per_task"]),
                         "%.2f×" % (learned["requests_per_task"] / r["requests_per_task"]),
                         "report"))
        ok = (learned["steady_lag_median_ms"] <= 1000 and learned["steady_lag_p95_ms"] <= 2000
              and learned["steady_requests_per_pass_per_task"] <= 1.2)
        rows.append(("9", "`TaskPoller::wait`, learned, tasks after the first 5 min: lag; "
                     "requests per pass per task",
                     "%s; %.2f" % (steady(learned), learned["steady_requests_per_pass_per_task"]),
                     "backoff (0.2)", "%s; %.2f" % (steady(today),
                                                    today["steady_requests_per_pass_per_task"]),
                     "—", "≤ 1 s, ≤ 2 s; ≤ 1.2 " + ("✅" if ok else "❌")))
    wl, wt = waiting.get("watch_learned"), waiting.get("watch_today")
    if wl and wt:
        rows.append(("10", "`TaskWatcher` (%d tasks, 1 chunk): lag after the pass; requests per "
                     "pass" % wl["tasks"], "%s; %.2f" % (lag(wl), wl["requests_per_pass"]),
                     "every 5 s (0.2)", "%s; %.2f" % (lag(wt), wt["requests_per_pass"]),
                     "%.2f× the requests" % (wl["requests_per_pass"] / wt["requests_per_pass"]),
                     "report"))
        ok = (wl["steady_lag_median_ms"] <= 1000 and wl["steady_lag_p95_ms"] <= 2000
              and wl["steady_requests_per_pass"] <= 1.2)
        rows.append(("10", "`TaskWatcher`, learned, after the first 5 min: lag; requests per pass",
                     "%s; %.2f" % (steady(wl), wl["steady_requests_per_pass"]), "every 5 s (0.2)",
                     "%s; %.2f" % (steady(wt), wt["steady_requests_per_pass"]), "—",
                     "≤ 1 s, ≤ 2 s; ≤ 1.2 " + ("✅" if ok else "❌")))
    return rows


def main():
    d = sys.argv[1]
    calls_json = load(os.path.join(d, "calls.json"))
    calls = medians(calls_json)
    reps = repetitions(calls_json)
    watch = medians(load(os.path.join(d, "watch.json")))
    python = load(os.path.join(d, "python.json"))
    memory = load(os.path.join(d, "memory.json"))
    blend = load(os.path.join(d, "blend.json"))
    waiting = load(os.path.join(d, "waiting.json")) or {}
    machine = load(os.path.join(d, "machine.json")) or {}
    instructions = {}
    try:
        with open(os.path.join(d, "instructions.jsonl")) as f:
            for line in f:
                i = json.loads(line)
                if i["collected"] > 0:
                    instructions[i["mode"]] = i["collected"] / i["calls"]
    except (OSError, ValueError):
        pass
    headers = {}
    try:
        with open(os.path.join(d, "headers.jsonl")) as f:
            for line in f:
                h = json.loads(line)
                h["median_ms"] = sorted(h["ms"])[len(h["ms"]) // 2]
                headers[h["name"]] = h
    except OSError:
        pass

    rows = []  # (#, what, sdk, compared, other, ratio, goal)

    paired = find(calls, "FetchTask/SdkAndRawCurl")
    sdk_wall = sdk_cpu = None
    if paired:
        sdk_wall, sdk_cpu = paired["sdk_wall_median_ns"], paired["sdk_cpu_median_ns"]
        raw_wall, raw_cpu = paired["raw_wall_median_ns"], paired["raw_cpu_median_ns"]
        r = sdk_wall / raw_wall
        rows.append(("1", "`fetch_task`, wall time per call", fmt_time(sdk_wall),
                     "raw libcurl (1 reused handle) + `json::parse`", fmt_time(raw_wall),
                     fmt_ratio(sdk_wall, raw_wall), "≤ 1.05× " + ("✅" if r <= 1.05 else "❌")))
        rows.append(("1", "`fetch_task`, client CPU per call", fmt_time(sdk_cpu),
                     "raw libcurl (1 reused handle) + `json::parse`", fmt_time(raw_cpu),
                     fmt_ratio(sdk_cpu, raw_cpu), "—"))
    if "sdk" in instructions and "raw" in instructions:
        isdk, iraw = instructions["sdk"], instructions["raw"]
        rows.append(("1", "`fetch_task`, instructions per call (callgrind, user space)",
                     fmt_int(isdk), "raw libcurl (1 reused handle) + `json::parse`",
                     fmt_int(iraw), fmt_ratio(isdk, iraw), "—"))
    if paired and python:
        rows.append(("2", "`fetch_task`, wall time per call", fmt_time(sdk_wall),
                     "Python `requests.Session` + `.json()`",
                     fmt_time(python["wall_median_ns"]),
                     fmt_ratio(sdk_wall, python["wall_median_ns"]), "report"))
        rows.append(("2", "`fetch_task`, client CPU per call", fmt_time(sdk_cpu),
                     "Python `requests.Session` + `.json()`",
                     fmt_time(python["cpu_median_ns"]),
                     fmt_ratio(sdk_cpu, python["cpu_median_ns"]), "report"))
    cmd = find(calls, "FetchTask/CurlCommand")
    if paired and cmd:
        rows.append(("2", "`fetch_task`, wall time per call", fmt_time(sdk_wall),
                     "`curl` command started per call", fmt_time(cmd["wall_median_ns"]),
                     fmt_ratio(sdk_wall, cmd["wall_median_ns"]), "report"))
        total = cmd["cpu_median_ns"] + cmd["child_cpu_mean_ns"]
        rows.append(("2", "`fetch_task`, CPU per call (curl: parent + child)", fmt_time(sdk_cpu),
                     "`curl` command started per call", fmt_time(total),
                     fmt_ratio(sdk_cpu, total), "report"))

    seq = find(watch, "Connections/Sequential")
    if seq:
        n = seq.get("connections", -1)
        rows.append(("3", "TCP connections, %s sequential `fetch_task` on one client"
                     % fmt_int(seq.get("calls", 0)), fmt_int(n), "—", "—", "—",
                     "exactly 1 " + ("✅" if n == 1 else "❌")))
    par = find(watch, "Connections/Threads8")
    if par:
        n = par.get("connections", -1)
        rows.append(("3", "TCP connections, 8 threads sharing one client (%s calls)"
                     % fmt_int(par.get("calls", 0)), fmt_int(n), "—", "—", "—",
                     "≤ 8 " + ("✅" if 0 < n <= 8 else "❌")))

    tw = find(watch, "Watch/TaskWatcher")
    fe = find(watch, "Watch/FetchEach")
    if tw and fe:
        rows.append(("4", "watching %s tasks to completion: requests (%d cycles)"
                     % (fmt_int(tw["tasks"]), tw["cycles"]),
                     fmt_int(tw["requests"]) + " (`TaskWatcher`)",
                     "one `fetch_task` per pending task per cycle", fmt_int(fe["requests"]),
                     fmt_ratio(tw["requests"], fe["requests"]), "report"))
        rows.append(("4", "watching %s tasks to completion: client CPU" % fmt_int(tw["tasks"]),
                     fmt_time(tw["client_cpu_ms"] * 1e6) + " (`TaskWatcher`)",
                     "one `fetch_task` per pending task per cycle",
                     fmt_time(fe["client_cpu_ms"] * 1e6),
                     fmt_ratio(tw["client_cpu_ms"], fe["client_cpu_ms"]), "report"))

    ss = find(calls, "Submit/Sdk")
    runs = " (median of %d runs)" % reps.get("Submit/Sdk", 1)
    for name, what in (("Submit/RawCurl/", "8 threads, each its own raw libcurl handle"),
                       ("Submit/RawCurlFresh/", "the same, a new connection per submit "
                        "(as the SDK)")):
        other = find(calls, name)
        if ss and other:
            rows.append(("5", "`submit_imagine` throughput, 8 threads sharing one client" + runs,
                         "%s/s" % fmt_int(ss["items_per_second"]), what,
                         "%s/s" % fmt_int(other["items_per_second"]),
                         fmt_ratio(ss["items_per_second"], other["items_per_second"]),
                         "report"))

    hc, hn, hs = headers.get("cometapi"), headers.get("nlohmann"), headers.get("std")
    if hc and hn:
        rows.append(("6", "preprocessed lines of `#include <cometapi/cometapi.hpp>`",
                     fmt_int(hc["lines"]), "`#include <nlohmann/json.hpp>`",
                     fmt_int(hn["lines"]), fmt_ratio(hc["lines"], hn["lines"]),
                     "report" + (" (`<string>` alone: %s)" % fmt_int(hs["lines"]) if hs else "")))
        rows.append(("6", "`g++ -fsyntax-only` time, median of %d" % len(hc["ms"]),
                     "%d ms" % hc["median_ms"], "`#include <nlohmann/json.hpp>`",
                     "%d ms" % hn["median_ms"], fmt_ratio(hc["median_ms"], hn["median_ms"]),
                     "report" + (" (`<string>` alone: %d ms)" % hs["median_ms"] if hs else "")))

    if memory:
        peak = memory["peak_rss_kb"] / 1024
        start = memory["rss_start_kb"] / 1024
        per_task = (memory["peak_rss_kb"] - memory["rss_start_kb"]) * 1024 / memory["tasks"]
        rows.append(("7", "peak RSS of a process watching %s tasks (%s requests)"
                     % (fmt_int(memory["tasks"]), fmt_int(memory["requests"])),
                     "%.1f MiB" % peak, "the same process before it watches (client made)",
                     "%.1f MiB" % start,
                     "+%.1f MiB, %s B/task" % (peak - start, fmt_int(per_task)), "report"))

    if blend:
        rows.append(("8", "peak RSS a blend of %.0f MiB adds while it is submitted"
                     % blend["payload_mib"],
                     "+%.1f MiB" % blend["peak_rise_mib"], "the payload itself",
                     "%.1f MiB" % blend["payload_mib"],
                     "%.2fx the payload" % blend["rise_over_payload"], "report"))

    rows.extend(waiting_rows(waiting))

    m = machine
    print("Machine: %s, %s cores, %s GB RAM; %s, Linux %s; %s; %s; build %s; pinning: %s; "
          "load average %s before, %s after; %s, commit %s%s."
          % (m.get("cpu", "?"), m.get("cores", "?"), m.get("memory_gb", "?"), m.get("os", "?"),
             m.get("kernel", "?"), m.get("compiler", "?"), m.get("curl", "?"),
             m.get("build_type", "?"), m.get("pinning", "?"), m.get("load_before", "?"),
             m.get("load_after", "?"),
             m.get("date", "?"), m.get("commit", "?"),
             " (--quick: smoke run, noisier figures)" if m.get("quick") else ""))
    if python:
        print("Python %s, requests %s." % (python.get("python"), python.get("requests")))
    print()
    print("| # | Figure | SDK | Compared with | Its figure | Ratio (SDK ÷ it) | Goal |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
