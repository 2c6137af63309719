"""How long `supportbot` takes to start: wall time of whole processes, and who spends it.

    python bench/cold_start.py [--runs 20] [--top 15] [--compare OTHER_CHECKOUT]

Runs `supportbot --help` and `supportbot exec --demo "/help"` (as `python -m supportbot`, the
same code as the console script) --runs times each in a fresh process, from an empty folder with
its own data folder (no configuration file: what a new user gets), and prints the median and p90
wall time. Then it runs `python -X importtime` once per command and prints the modules that cost
the most: their own import time and, for top-level packages, their cumulative time.

`--compare DIR` runs the same commands against another checkout of the repository (e.g. a
worktree of main), alternating the two run by run so that a busy machine slows both alike.
Targets (issue 10): `--help` median <= 150 ms, `exec --demo "/help"` median <= 600 ms.

Only the standard library is imported here: the benchmark must not warm what it measures.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS: dict[str, list[str]] = {
    "--help": ["--help"],
    'exec --demo "/help"': ["exec", "--demo", "/help"],
}
TARGETS_MS = {"--help": 150.0, 'exec --demo "/help"': 600.0}


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def environment(source: Path | None, folder: Path) -> dict[str, str]:
    """The child's environment: no SUPPORTBOT_* or SLACK_* of ours, a data folder of its own, and
    `source` first on the path when it measures another checkout.

    Bytecode is cached even where our environment turns it off (PYTHONDONTWRITEBYTECODE): a
    user's interpreter writes __pycache__ on the first run (and `pip install` compiles at
    install), so compiling the package from source on every run is not a start anyone gets."""
    skip = ("SUPPORTBOT_", "SLACK_", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env["SUPPORTBOT_DATA_DIR"] = str(folder / "data")
    if source is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(source), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
    return env


def run_once(
    args: Sequence[str], env: dict[str, str], folder: Path, *, program: Sequence[str] = ()
) -> tuple[float, float]:
    """Wall and CPU (user + system) time in ms of one `python -m supportbot *args` (or of
    `python *program`); exits on a failed run. CPU time suffers less than wall time from a busy
    machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, *(program or ["-m", "supportbot", *args])],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    elapsed = (time.perf_counter() - started) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"supportbot {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return elapsed, cpu


def import_times(
    args: Sequence[str], env: dict[str, str], folder: Path
) -> list[tuple[int, int, str]]:
    """(self µs, cumulative µs, module) of every import of one run, from `-X importtime`."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "supportbot", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|", 2)
        rows.append((int(own), int(cumulative), name.strip()))
    return rows


def print_offenders(label: str, rows: list[tuple[int, int, str]], top: int) -> None:
    total = sum(own for own, _, _ in rows)
    print(f"\nimports of `supportbot {label}`: {len(rows)} modules, {total / 1000:.0f} ms in all")
    packages: dict[str, int] = {}
    for own, _, name in rows:
        parts = name.strip().split(".")
        # supportbot by layer (supportbot.storage, ...), everything else by distribution.
        package = ".".join(parts[:2]) if parts[0] == "supportbot" else parts[0]
        packages[package] = packages.get(package, 0) + own
    print("  packages by the import time of their modules (ms):")
    for package, spent in sorted(packages.items(), key=lambda item: -item[1])[:top]:
        print(f"    {spent / 1000:7.1f}  {package}")
    print("  modules by their own import time (ms):")
    for own, _, name in sorted(rows, reverse=True)[:top]:
        print(f"    {own / 1000:7.1f}  {name.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="runs per command (default 20)")
    parser.add_argument("--top", type=int, default=12, help="offenders listed (default 12)")
    parser.add_argument("--compare", type=Path, help="another checkout, measured alternately")
    options = parser.parse_args()
    sources: dict[str, Path | None] = {"this checkout": None}
    if options.compare is not None:
        sources[f"{options.compare}"] = options.compare.resolve()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="supportbot-cold-") as tmp:
        folder = Path(tmp)
        envs = {name: environment(source, folder) for name, source in sources.items()}
        for env in envs.values():  # a first run of each: the database file, the .pyc caches
            for args in COMMANDS.values():
                run_once(args, env, folder)
        samples: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(options.runs):
            # The floor: an interpreter that starts and does nothing, under the same load.
            floor = run_once((), envs["this checkout"], folder, program=["-c", "pass"])
            samples.setdefault(("python itself", "-c pass"), []).append(floor)
            for label, args in COMMANDS.items():
                for name, env in envs.items():
                    samples.setdefault((name, label), []).append(run_once(args, env, folder))
        print(
            f"\n{'checkout':<24} {'command':<20} {'median':>8} {'p90':>8} {'cpu p50':>8}  "
            "target (wall median)"
        )
        for (name, label), runs in samples.items():
            wall = [elapsed for elapsed, _ in runs]
            median = statistics.median(wall)
            cpu = statistics.median(spent for _, spent in runs)
            target = TARGETS_MS.get(label)
            verdict = (
                ""
                if target is None
                else f"<= {target:.0f} ms " + ("ok" if median <= target else "MISSED")
            )
            print(
                f"{name[-24:]:<24} {label:<20} {median:6.0f}ms {percentile(wall, 90):6.0f}ms "
                f"{cpu:6.0f}ms  {verdict}"
            )
        for label, args in COMMANDS.items():
            print_offenders(label, import_times(args, envs["this checkout"], folder), options.top)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f} (the machine may be shared)")


if __name__ == "__main__":
    main()
