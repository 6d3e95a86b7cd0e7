#!/usr/bin/env python3
"""Builds report.md and report.json from what ci/verify.sh collected.

Inputs, all in the directory given as the first argument:
  steps.tsv            step, result, seconds (written by ci/verify.sh)
  logs/tests.log       the output of `cargo test`
  loom-summary.tsv     one line per loom model run (models/loom/common/mod.rs)
  shuttle-summary.tsv  one line per shuttle design and scheduler (models/shuttle_scripts.rs)
  kill-table.tsv       the seeded-bug catalog's result per patch (ci/mutants.sh), full profile only

The invariant names are read from src/spec/check.rs, so the report lists exactly what the
specification checks. Nothing here decides a result: every pass or fail comes from a step.
"""

import argparse
import json
import re
import subprocess
import sys
import tomllib
from datetime import datetime, timezone
from pathlib import Path

CORE_CRATES = ["loom", "shuttle", "proptest", "parking_lot", "static_assertions"]


def read_tsv(path, columns):
    rows = []
    if not path.exists():
        return rows
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        fields = line.split("\t")
        fields += [""] * (len(columns) - len(fields))
        rows.append(dict(zip(columns, fields)))
    return rows


def command_output(*argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def invariants():
    source = Path("src/spec/check.rs").read_text()
    names = re.findall(r'Invariant::\w+ => "([a-z-]+)"', source)
    return names


def crate_versions():
    lock = tomllib.loads(Path("Cargo.lock").read_text())
    versions = {}
    for package in lock.get("package", []):
        if package["name"] in CORE_CRATES or package["name"] == "account-events":
            versions.setdefault(package["name"], []).append(package["version"])
    return {name: ", ".join(sorted(found)) for name, found in sorted(versions.items())}


def test_totals(log):
    totals = {"passed": 0, "failed": 0, "ignored": 0, "binaries": 0}
    if not log.exists():
        return totals
    pattern = re.compile(r"test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored")
    for match in pattern.finditer(log.read_text(errors="replace")):
        totals["binaries"] += 1
        totals["passed"] += int(match.group(1))
        totals["failed"] += int(match.group(2))
        totals["ignored"] += int(match.group(3))
    return totals


def hits(text):
    parsed = {}
    for item in text.split():
        name, _, count = item.partition("=")
        parsed[name] = int(count) if count.isdigit() else None
    return parsed


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--profile", required=True)
    parser.add_argument("--loom-bound", type=int, required=True)
    parser.add_argument("--shuttle-scripts", type=int, required=True)
    parser.add_argument("--shuttle-iterations", type=int, required=True)
    args = parser.parse_args()
    out = args.directory

    steps = read_tsv(out / "steps.tsv", ["step", "result", "seconds"])[1:]
    loom = read_tsv(
        out / "loom-summary.tsv",
        ["model", "design", "result", "executions", "bound", "seconds", "hits", "scenario"],
    )
    shuttle = read_tsv(
        out / "shuttle-summary.tsv",
        ["model", "design", "scheduler", "result", "executions", "seconds", "hits"],
    )
    kills = read_tsv(out / "kill-table.tsv", ["bug", "result", "first failure", "seconds"])
    checked = invariants()
    loom_invariants = checked + ["lock-order"]

    dirty = command_output("git", "status", "--porcelain", "--untracked-files=no")
    report = {
        "verdict": "fail" if any(step["result"] == "fail" for step in steps) else "pass",
        "profile": args.profile,
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": command_output("git", "rev-parse", "HEAD"),
        "worktree_clean": dirty == "",
        "toolchain": {
            "rustc": command_output("rustc", "--version"),
            "cargo": command_output("cargo", "--version"),
        },
        "crates": crate_versions(),
        "steps": [
            {"step": s["step"], "result": s["result"], "seconds": int(s["seconds"])} for s in steps
        ],
        "tests": test_totals(out / "logs" / "tests.log"),
        "invariants": checked,
        "loom": [
            {
                "model": row["model"],
                "design": row["design"],
                "checker": "loom",
                "invariants": loom_invariants,
                "preemption_bound": int(row["bound"] or 0),
                "scenario": row["scenario"],
                "executions": int(row["executions"] or 0),
                "seconds": float(row["seconds"] or 0),
                "interleavings_of_interest": hits(row["hits"]),
                "result": row["result"],
            }
            for row in loom
        ],
        "shuttle": [
            {
                "model": row["model"],
                "design": row["design"],
                "checker": "shuttle",
                "scheduler": row["scheduler"],
                "invariants": checked,
                "scripts": args.shuttle_scripts,
                "schedules_per_script": args.shuttle_iterations,
                "scenario": "generated scripts: 4 to 8 threads, 2 to 4 accounts",
                "executions": int(row["executions"] or 0),
                "seconds": float(row["seconds"] or 0),
                "interleavings_of_interest": hits(row["hits"]),
                "result": row["result"],
            }
            for row in shuttle
        ],
        "catalog": [
            {
                "bug": row["bug"],
                "result": row["result"],
                "first_failure": row["first failure"],
                "seconds": int(row["seconds"] or 0),
            }
            for row in kills
        ],
    }
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    (out / "report.md").write_text(render(report, args))
    return 0


def render(report, args):
    caught = sum(1 for row in report["catalog"] if row["result"] == "caught")
    loom_passed = sum(1 for row in report["loom"] if row["result"] == "pass")
    shuttle_passed = sum(1 for row in report["shuttle"] if row["result"] == "pass")
    tests = report["tests"]
    commit = report["commit"] + ("" if report["worktree_clean"] else " (with uncommitted changes)")

    parts = [
        "# Verification report",
        "",
        f"**Verdict: {report['verdict'].upper()}** ({report['profile']} profile, "
        f"`ci/verify.sh --{report['profile']}`)",
        "",
        f"- Commit: `{commit}`",
        f"- Generated: {report['generated']}",
        f"- Toolchain: {report['toolchain']['rustc']}; {report['toolchain']['cargo']}",
        "- Crates: " + ", ".join(f"{name} {v}" for name, v in report["crates"].items()),
        "",
        "## Summary",
        "",
        f"- Tests: {tests['passed']} passed, {tests['failed']} failed, {tests['ignored']} ignored, "
        f"in {tests['binaries']} test binaries.",
        f"- Loom: {loom_passed} of {len(report['loom'])} model runs passed at preemption bound "
        f"{args.loom_bound}.",
        f"- Shuttle: {shuttle_passed} of {len(report['shuttle'])} runs passed, "
        f"{args.shuttle_scripts} scripts x {args.shuttle_iterations} schedules per design and "
        "scheduler.",
    ]
    if report["catalog"]:
        parts.append(f"- Seeded-bug catalog: {caught} of {len(report['catalog'])} bugs caught.")
    else:
        parts.append("- Seeded-bug catalog: not run in this profile.")
    parts += [
        "",
        "Every execution of every model is checked against the whole specification: "
        + ", ".join(f"`{name}`" for name in report["invariants"])
        + ". Loom also reports deadlocks, as `lock-order`. What each invariant means, and what "
        "is and is not proven, is in docs/PROOF.md.",
        "",
        "## Steps",
        "",
        markdown_table(
            ["step", "result", "seconds"],
            [(s["step"], s["result"], s["seconds"]) for s in report["steps"]],
        ),
        "",
        "## Loom models",
        "",
        markdown_table(
            ["model", "design", "result", "bound", "scenario", "executions", "seconds",
             "interleavings of interest (executions that hit each)"],
            [
                (r["model"], r["design"], r["result"], r["preemption_bound"], r["scenario"],
                 r["executions"], r["seconds"], format_hits(r["interleavings_of_interest"]))
                for r in report["loom"]
            ],
        ),
        "",
        "## Shuttle models",
        "",
        markdown_table(
            ["model", "design", "scheduler", "result", "scripts x schedules", "executions",
             "seconds", "interleavings of interest (executions that hit each)"],
            [
                (r["model"], r["design"], r["scheduler"], r["result"],
                 f"{r['scripts']} x {r['schedules_per_script']}", r["executions"], r["seconds"],
                 format_hits(r["interleavings_of_interest"]))
                for r in report["shuttle"]
            ],
        ),
        "",
        "## Seeded-bug catalog",
        "",
    ]
    if report["catalog"]:
        parts.append(
            markdown_table(
                ["seeded bug", "result", "first failure", "seconds"],
                [(r["bug"], r["result"], r["first_failure"], r["seconds"])
                 for r in report["catalog"]],
            )
        )
    else:
        parts.append("Not run in the quick profile; `ci/verify.sh --full` runs it.")
    parts.append("")
    return "\n".join(parts)


def format_hits(parsed):
    if not parsed:
        return "none declared"
    return ", ".join(f"{name} {'?' if n is None else n}" for name, n in parsed.items())


if __name__ == "__main__":
    sys.exit(main())
