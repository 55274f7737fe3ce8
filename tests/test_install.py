"""`pip install .` (not editable) into a fresh venv works from any directory: the ontology, sources,
queries, rules and web assets ship as package data, and `danvan build` / `danvan query` run.

Slow (a venv and an install, about a minute; pip reuses its download cache).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import venv
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                                "artifacts", "*.pyc")


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 0, f"{cmd} exited {r.returncode}\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r


def test_non_editable_install_runs_from_anywhere(tmp_path, clean_env):
    # Install from a copy, so the build leaves nothing in the checkout and nothing can be read from it.
    src = tmp_path / "src"
    shutil.copytree(REPO, src, ignore=IGNORE)
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py, danvan = env_dir / "bin" / "python", env_dir / "bin" / "danvan"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = clean_env(PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    run([str(py), "-m", "pip", "install", "--quiet", str(src)], cwd=elsewhere, env=env)
    shutil.rmtree(src)  # whatever runs now comes from the installed copy

    probe = run([str(py), "-c", (
        "import json, graph, webapp\n"
        "from graph import resources, named_queries\n"
        "from graph.national import package as national\n"
        "print(json.dumps({'graph': graph.__file__, 'webapp': webapp.__file__,\n"
        "  'ontology': [str(p) for p in resources.ontology_files()], 'shapes': str(resources.shapes_file()),\n"
        "  'sources': [str(p) for p in resources.source_files()],\n"
        "  'national': len(national.read().units),\n"
        "  'queries': {n: [(p.name, p.type) for p in q.parameters if p.required]\n"
        "              for n, q in sorted(named_queries.all_queries().items())}}))")], cwd=elsewhere, env=env)
    found = json.loads(probe.stdout)
    site = str(env_dir)
    assert found["graph"].startswith(site) and found["webapp"].startswith(site)
    assert {Path(p).name for p in found["ontology"]} >= {"danvan.ttl"}
    assert all(p.startswith(site) for p in found["ontology"] + found["sources"] + [found["shapes"]])
    assert Path(found["shapes"]).name == "shapes.ttl"
    assert len(found["sources"]) == len(list((REPO / "graph" / "sources").glob("*.ttl"))) > 0
    assert found["queries"], "no named query was installed"
    assert found["national"] > 14_000  # the installed copy reads the national data's package

    store = tmp_path / "store"
    build = run([str(danvan), "build", "--store", str(store)], cwd=elsewhere, env=env)
    assert build.stdout.startswith("built ")

    # a named query, by name, with a typed sample value for each required parameter
    name, required = next(iter(found["queries"].items()))
    sample = {"iri": "https://w3id.org/danvan/id/document/x", "string": "dân vận", "date": "2021-07-30",
              "integer": "1", "year": "2021", "lang": "vi"}
    params = [a for p, kind in required for a in ("--param", f"{p}={sample[kind]}")]
    result = run([str(danvan), "query", name, "--store", str(store), "--format", "json", *params],
                 cwd=elsewhere, env=env)
    assert "head" in json.loads(result.stdout)

    # the web assets shipped too: the home page renders from the installed templates
    page = run([str(py), "-c", (
        "from webapp import create_app\n"
        f"c = create_app({{'DANVAN_STORE': {str(store)!r}}}).test_client()\n"
        "r = c.get('/', headers={'Accept': 'text/html'}); s = c.get('/static/style.css')\n"
        "print(r.status_code, s.status_code, 'Dân vận KG' in r.get_data(as_text=True))")], cwd=elsewhere, env=env)
    assert page.stdout.split() == ["200", "200", "True"]

