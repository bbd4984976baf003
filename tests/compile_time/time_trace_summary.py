#!/usr/bin/env python3
"""Summarizes a clang -ftime-trace JSON file: the front-end/back-end split, the slowest
headers, and the templates whose instantiations cost most, grouped by template (arguments
stripped). Inclusive times count a nested instantiation also for its parent (as
ClangBuildAnalyzer does); self times count only what is not inside another traced event.

    clang++ -ftime-trace -ftime-trace-granularity=50 -c benchmark.cpp ...   # writes benchmark.json
    python3 tests/compile_time/time_trace_summary.py benchmark.json [top]
"""
import collections
import json
import re
import sys


def template_of(detail: str) -> str:
    """`relata::detail::foo<int, bar<x>>::baz` -> `relata::detail::foo<>::baz`."""
    out, depth = [], 0
    for character in detail:
        if character == "<":
            if depth == 0:
                out.append("<>")
            depth += 1
        elif character == ">" and depth > 0:
            depth -= 1
        elif depth == 0:
            out.append(character)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def main() -> None:
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    with open(path, encoding="utf-8") as trace_file:
        events = json.load(trace_file)["traceEvents"]
    totals = {}
    self_times = collections.Counter()
    # Self time: an event's duration minus that of the events directly inside it.
    timed = sorted((e for e in events if e.get("ph") == "X" and not e.get("name", "").startswith("Total ")),
                   key=lambda e: (e.get("tid", 0), e["ts"], -e["dur"]))
    stack = []
    children = collections.defaultdict(float)
    for index, event in enumerate(timed):
        while stack and (timed[stack[-1]].get("tid", 0) != event.get("tid", 0)
                         or timed[stack[-1]]["ts"] + timed[stack[-1]]["dur"] <= event["ts"]):
            stack.pop()
        if stack:
            children[stack[-1]] += event["dur"]
        stack.append(index)
    for index, event in enumerate(timed):
        if event["name"] in ("InstantiateFunction", "InstantiateClass"):
            key = event["name"] + " " + template_of(event.get("args", {}).get("detail", ""))
            self_times[key] += (event["dur"] - children[index]) / 1000.0
    groups = collections.defaultdict(lambda: collections.Counter())
    counts = collections.defaultdict(lambda: collections.Counter())
    for event in events:
        name = event.get("name", "")
        duration = event.get("dur", 0) / 1000.0  # ms
        if name.startswith("Total "):
            totals[name[6:]] = duration
            continue
        detail = event.get("args", {}).get("detail", "")
        if name in ("InstantiateFunction", "InstantiateClass", "ParseClass", "CodeGen Function", "Source",
                    "DebugType", "OptFunction", "RunPass"):
            key = detail if name == "Source" else template_of(detail)
            groups[name][key] += duration
            counts[name][key] += 1
    print(f"== totals (ms) in {path}")
    for name in ("ExecuteCompiler", "Frontend", "Source", "PerformPendingInstantiations", "InstantiateFunction",
                 "InstantiateClass", "CodeGen Function", "Backend", "Optimizer", "CodeGenPasses"):
        if name in totals:
            print(f"{totals[name]:10.0f}  {name}")
    print(f"\n== template instantiations: top {top} by self ms")
    for key, duration in self_times.most_common(top):
        print(f"{duration:10.0f}  {key[:170]}")
    for name in ("InstantiateFunction", "InstantiateClass", "CodeGen Function", "Source"):
        print(f"\n== {name}: top {top} by inclusive ms (count)")
        for key, duration in groups[name].most_common(top):
            print(f"{duration:10.0f}  {counts[name][key]:6d}  {key[:160]}")


if __name__ == "__main__":
    main()
