"""Graph view smoothness in the browser (the requirement: smooth at 5,000 nodes).

Runs the frontend's graph benchmark (``npm run bench:graph`` in frontend/: frontend/bench/run.mjs)
and passes its output through. That page builds a synthetic graph of N entities with the product's
own graph functions, mounts the product's GraphCanvas and controllers (sigma + ForceAtlas2 worker)
in Debian's headless Chromium with software WebGL (SwiftShader), and prints first frame, layout,
pan/zoom and hover frame times, long tasks, heap and the cost of one 25-neighbour expansion for
N = 100, 1,000, 5,000 (and 10,000 when that fits in a minute).

Run: ``.venv/bin/python -m bench.ui_graph_bench [--nodes 1000,5000] [--rebuild] [--json FILE]``.
Needs node_modules in frontend/ (``npm ci``) and /usr/bin/chromium; nothing else.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

FRONTEND = Path(__file__).resolve().parents[1] / "frontend"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--nodes", help="comma-separated graph sizes (default: 100,1000,5000, 10000 if quick)"
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild the bench page even if it is up to date"
    )
    parser.add_argument("--json", help="also write the raw results to this file")
    args = parser.parse_args()

    npm = shutil.which("npm")
    if npm is None:
        sys.exit("error: npm is not on PATH (the graph bench runs in Node and Chromium)")
    if not (FRONTEND / "node_modules").is_dir():
        sys.exit("error: frontend/node_modules is missing: run `npm ci` in frontend/ first")

    extra: list[str] = []
    if args.nodes:
        extra += ["--nodes", args.nodes]
    if args.rebuild:
        extra.append("--rebuild")
    if args.json:
        extra += ["--json", str(Path(args.json).resolve())]
    command = [npm, "run", "--silent", "bench:graph", *(["--", *extra] if extra else [])]
    python = os.path.relpath(sys.executable) if not sys.executable.startswith("/usr") else "python3"
    print(f"$ {shlex.join([python, '-m', 'bench.ui_graph_bench', *sys.argv[1:]])}", flush=True)
    print(f"  runs: cd frontend && {shlex.join(['npm', *command[1:]])}", flush=True)
    result = subprocess.run(command, cwd=FRONTEND, env=os.environ.copy(), check=False)
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
