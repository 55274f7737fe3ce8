"""Publishing a build into an external engine (``graph.remote_load.publish``, what ``danvan build --endpoint``
runs), timed step by step, on Oxigraph server and Virtuoso started on loopback by ``tests/engines.py``.

    .venv/bin/python bench/bench_publish.py --build BUILD_DIR [--engines "Oxigraph server,Virtuoso"]
                                            [--label after] [--json bench/results/publish-100k.json]

``BUILD_DIR`` is a build folder (``store.builds/<id>``, or the ``--store`` link that points at it). Each engine
starts empty in a temporary folder; the build is published into it once (the first load) and once more over
itself (a rebuild: every live graph replaced, the previous build kept until the switch). Reported per publish:
the wall time, the steps ``publish`` reports through its progress callback, and the peak RSS of this process.
``--json`` appends the run (with ``--label``) to a JSON list, so that runs before and after a change sit side by
side; the figures go into docs/benchmarks.md by hand (each run is a different commit).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import store as builds  # noqa: E402
from graph.remote_load import publish  # noqa: E402
from graph.stores import Endpoint, RemoteStore  # noqa: E402
from tests.engines import OxigraphServer, Virtuoso  # noqa: E402

ENGINES = {
    "Oxigraph server": (lambda tmp, t: OxigraphServer.running(Path(tmp) / "ox"),
                        lambda e: Endpoint(e.query_url, e.store_url)),
    # the engine's own limit per request well above the slowest step, so that a slow step is measured
    "Virtuoso": (lambda tmp, t: Virtuoso.running(Path(tmp) / "v", memory_mb=1024, timeout=int(t)),
                 lambda e: Endpoint(e.auth_url, e.store_url, user="dba", password="dba")),
}


def one_publish(build_dir: Path, endpoint: Endpoint, timeout_s: float) -> dict:
    steps: list[tuple[float, str]] = []
    start = time.perf_counter()
    try:
        info = publish(build_dir, endpoint, timeout_s=timeout_s,
                       progress=lambda m: (steps.append((time.perf_counter() - start, m)),
                                           print(f"  {time.perf_counter() - start:.1f} s: {m}", flush=True)))
        error = None
    except Exception as e:  # noqa: BLE001 - a publish that fails is a result of the benchmark
        info, error = {}, f"{type(e).__name__}: {str(e)[:300]}"
    out = {"seconds": round(time.perf_counter() - start, 2), "steps": [f"{t:.1f} s: {m}" for t, m in steps],
           "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    if error:
        out["error"] = error
    out["build_id"] = info.get("build_id")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", type=Path, required=True)
    ap.add_argument("--engines", default="Oxigraph server,Virtuoso")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds one request may take")
    ap.add_argument("--once", action="store_true", help="the first load only, no rebuild over it")
    ap.add_argument("--label", default="")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    build_dir = args.build.resolve()
    info = builds._info(build_dir)
    run = {"label": args.label, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "build_id": info.get("build_id"), "triples": info.get("triples"), "quads": info.get("quads"),
           "machine": f"{platform.machine()}, {os.cpu_count()} cores shared with other work",
           "loadavg_before": os.getloadavg()[0], "engines": {}}
    for name in args.engines.split(","):
        running, endpoint = ENGINES[name]
        with tempfile.TemporaryDirectory() as tmp, running(tmp, args.timeout) as engine:
            result = {"first": one_publish(build_dir, endpoint(engine), args.timeout)}
            print(name, "first load", json.dumps(result["first"], ensure_ascii=False), flush=True)
            if not args.once and "error" not in result["first"]:
                result["rebuild"] = one_publish(build_dir, endpoint(engine), args.timeout)
                print(name, "rebuild", json.dumps(result["rebuild"], ensure_ascii=False), flush=True)
            reader = RemoteStore(Endpoint(engine.query_url), timeout_s=args.timeout)
            try:
                result["live_build"] = reader.identity(refresh=True)["build_id"]
            except Exception as e:  # noqa: BLE001
                result["live_build"] = f"{type(e).__name__}: {e}"
            run["engines"][name] = result
    run["loadavg_after"] = os.getloadavg()[0]
    print(json.dumps(run, ensure_ascii=False, indent=1))
    if args.json:
        runs = json.loads(args.json.read_text(encoding="utf-8")) if args.json.exists() else []
        args.json.write_text(json.dumps(runs + [run], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
