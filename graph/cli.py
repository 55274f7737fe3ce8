"""The ``danvan`` command. The only place that turns exceptions into messages and exit codes.

Exit codes (DESIGN §3): 0 ok · 1 the data does not conform (report printed, previous store untouched)
· 2 an error (a file that does not parse, a bad setting or argument, no store yet, a bad query, another
build running on the store).

What a person reads (query tables, validation findings) names entities by their labels, as the web
pages do; the machine formats (CSV, TSV, JSON, Turtle, --verbose) keep the IRIs.
"""

from __future__ import annotations

import argparse
import os
import sys
import unicodedata
from pathlib import Path
from typing import Callable, Sequence

from graph.errors import DanvanError, ValidationFailed

EXIT_OK, EXIT_NONCONFORMING, EXIT_ERROR = 0, 1, 2

VALIDATE_FORMATS = ("text", "turtle", "json")
QUERY_FORMATS = ("table", "csv", "tsv", "json")
EXPORT_FORMATS = ("nquads", "trig", "turtle", "jsonld")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return args.func(args)
    except ValidationFailed as e:
        out = sys.stdout if args.command == "validate" else sys.stderr
        fmt = getattr(args, "format", "text") if args.command == "validate" else "text"
        lang = getattr(args, "lang", "vi")
        _write_report(e.result, fmt, out, _namer(e.store, lang) if e.store is not None else None,
                      lang, getattr(args, "verbose", False))
        print(f"danvan: {e}", file=sys.stderr)
        return EXIT_NONCONFORMING
    except DanvanError as e:
        print(f"danvan: {e}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # `danvan query … | head` closed the pipe: not an error worth a traceback.
        sys.stderr.close()
        return EXIT_OK
    except OSError as e:
        # A file we were told to read or write (e.g. export -o) is not usable: say which and why.
        print(f"danvan: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("danvan: interrupted", file=sys.stderr)
        return 130


# ----------------------------------------------------------------------------------------- arguments

def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="danvan",
        description="Dân vận KG: build, validate, query, serve and export the knowledge graph.",
        epilog="Exit codes: 0 ok, 1 the data does not conform, 2 an error.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", help="load, reason, validate and store the graph (swapped in atomically)")
    _store_arg(b)
    _sources_arg(b)
    b.add_argument("--wait", action="store_true",
                   help="if another build is running on the store, wait for it instead of exiting with 2")
    b.add_argument("--keep", type=_keep, default=3, metavar="N",
                   help="complete builds to keep, the live one included (default 3, at least 1)")
    b.add_argument("--full", action="store_true",
                   help="build everything again, even when only source files changed since the live build")
    _verbose_arg(b)
    _lang_arg(b)
    _endpoint_arg(b, "after the local build, load it into this engine and switch it in at once "
                     "(needs DANVAN_ENDPOINT_STORE, its Graph Store Protocol URL)")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="load, reason and validate in memory; no store written")
    v.add_argument("--format", choices=VALIDATE_FORMATS, default="text", help="report format (default text)")
    _sources_arg(v)
    _verbose_arg(v)
    _lang_arg(v)
    v.set_defaults(func=cmd_validate)

    q = sub.add_parser("query", help="run a named query (see queries/) or a .rq file against the store")
    q.add_argument("query", metavar="NAME|FILE.rq")
    q.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="a parameter value (repeatable); bound as a typed term, never pasted into the query")
    q.add_argument("--format", choices=QUERY_FORMATS, default="table",
                   help="table (aligned text, entities by their labels; Turtle for CONSTRUCT) or a SPARQL "
                        "results format with the IRIs (default table)")
    _lang_arg(q)
    _store_arg(q)
    _endpoint_arg(q)
    q.set_defaults(func=cmd_query)

    s = sub.add_parser("serve", help="serve the web app and the SPARQL endpoint (waitress)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    s.add_argument("--port", type=int, default=None, help="port (default $PORT, else 8080)")
    s.add_argument("--threads", type=int, default=None,
                   help="server threads (default: what SPARQL and page scans may hold at most — their workers "
                        "and queues — plus 4, so other pages never wait behind them)")
    _store_arg(s)
    _endpoint_arg(s, "serve the graph held by the SPARQL engine at URL (default $DANVAN_ENDPOINT; unset: the "
                     "embedded build); the search and browse indexes still come from --store's build of the same id")
    s.set_defaults(func=cmd_serve)

    e = sub.add_parser("export", help="write the whole dataset, named graphs kept")
    e.add_argument("--format", choices=EXPORT_FORMATS, default="nquads", help="default nquads")
    e.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    _store_arg(e)
    _endpoint_arg(e)
    e.set_defaults(func=cmd_export)

    i = sub.add_parser("ingest", help="read a news article and write a candidate source with evidence")
    i.add_argument("article", metavar="ARTICLE.txt", type=Path, help="the article's plain text (UTF-8)")
    i.add_argument("--url", help="the article's address (schema:url)")
    i.add_argument("--publisher", help="the publisher: a name the graph knows (e.g. SGGP) or an IRI")
    i.add_argument("--date", metavar="YYYY-MM-DD", help="the publication date (else the article's dateline)")
    i.add_argument("--headline", help="the headline (else the article's first line)")
    i.add_argument("-o", "--output", metavar="CANDIDATE.ttl", type=Path, help="write to a file instead of standard output")
    _sources_arg(i)
    i.set_defaults(func=cmd_ingest)

    r = sub.add_parser("review", help="the authenticated review surface: candidates → accept/reject/edit → "
                                      "reviewed source → build (needs DANVAN_REVIEW_TOKEN)")
    r.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, loopback)")
    r.add_argument("--port", type=int, default=8081, help="port (default 8081)")
    r.add_argument("--dir", type=Path, default=None, metavar="DIR",
                   help="the review folder: pasted articles and their candidates (default $DANVAN_REVIEW_DIR, "
                        "else ~/.local/share/danvan/review)")
    r.add_argument("--sources", metavar="DIR", type=Path, default=None,
                   help="the sources folder reviewed articles are written to and built from (default the packaged "
                        "graph/sources)")
    _store_arg(r)
    r.set_defaults(func=cmd_review)
    return p


def _store_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", metavar="DIR", type=Path, default=None,
                   help="store directory (default $DANVAN_STORE, else ~/.local/share/danvan/store)")


def _endpoint_arg(p: argparse.ArgumentParser, help: str | None = None) -> None:
    p.add_argument("--endpoint", metavar="URL", default=None,
                   help=help or "read from the SPARQL engine at URL (default $DANVAN_ENDPOINT; unset: the "
                                "embedded build in --store)")


def _engine(args: argparse.Namespace):
    """The external engine given by --endpoint or DANVAN_ENDPOINT, or None for the embedded build."""
    from graph.stores import Endpoint

    return Endpoint.from_env(getattr(args, "endpoint", None))


def _open(args: argparse.Namespace):
    """The store a reading command uses: the engine if one is configured, else the live embedded build."""
    from graph.stores import open_store

    return open_store(_store_dir(args), getattr(args, "endpoint", None))


def _sources_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sources", metavar="DIR", type=Path, default=None,
                   help="developer option: read the source files (*.ttl) from DIR instead of the packaged ones")


def _keep(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of builds of at least 1")
    return int(text)


def _verbose_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("-v", "--verbose", action="store_true",
                   help="under each validation finding, its results in full (IRIs, both languages)")


def _lang_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", choices=("vi", "en"), default="vi",
                   help="language of the labels and messages a person reads (default vi)")


def _store_dir(args: argparse.Namespace) -> Path:
    from graph import settings

    return args.store if args.store is not None else settings.default_store_dir()


def _progress() -> Callable[[str], None] | None:
    # Progress is for a person watching; in pipes and CI logs it would only be noise.
    if not sys.stderr.isatty():
        return None
    return lambda msg: print(f"· {msg}", file=sys.stderr, flush=True)


def _source_files(args: argparse.Namespace) -> dict:
    if args.sources is None:
        return {}
    from graph.errors import ConfigError

    if not args.sources.is_dir():
        raise ConfigError(f"--sources {str(args.sources)!r} is not a directory; give a folder of *.ttl files")
    files = sorted(args.sources.glob("*.ttl"))
    if not files:
        raise ConfigError(f"--sources {str(args.sources)!r} holds no *.ttl file")
    return {"sources": files}


def _build_sources(args: argparse.Namespace) -> dict:
    from graph.load import folder_sources

    return {"sources": folder_sources(args.sources)} if _source_files(args) else {}


# ----------------------------------------------------------------------------------------- commands

def cmd_build(args: argparse.Namespace) -> int:
    from graph.build import build
    from graph.remote_load import require_store_url

    store_dir = _store_dir(args)
    engine = _engine(args)
    if engine is not None:
        require_store_url(engine)  # before the build, not after it

    def waiting(held) -> None:
        who = f"pid {held.pid}, since {held.since}" if held.pid is not None else "another process"
        print(f"danvan: waiting for the build running on {store_dir} ({who})…", file=sys.stderr, flush=True)

    result = build(store_dir, progress=_progress(), keep=args.keep, wait=args.wait, waiting=waiting,
                   incremental=not args.full, **_build_sources(args))
    v = result.validation
    print(f"built {result.build_id}: {result.triples} triples ({result.inferred} inferred), "
          f"{v.warnings} warning(s) → {store_dir}")
    if engine is not None:
        from graph.remote_load import publish
        from graph.stores import _safe

        publish(result.path, engine, progress=_progress())
        print(f"switched {_safe(engine.query_url)} to {result.build_id}")
    if v.findings:
        from graph.stores import open_build

        # the build just made holds the data the validation saw (even if another build swaps in now)
        built = open_build(result.path)
        sys.stderr.write(v.summary(_namer(built, args.lang), args.lang, args.verbose))
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from graph.build import check
    from graph.stores import in_memory

    data = in_memory()
    result, _sources = check(progress=_progress(), into=data, **_build_sources(args))
    _write_report(result, args.format, sys.stdout, _namer(data, args.lang), args.lang, args.verbose)
    return EXIT_OK if result.conforms else EXIT_NONCONFORMING


def _write_report(result, fmt: str, out, name, lang: str, verbose: bool) -> None:
    if fmt == "turtle":
        out.write(result.turtle())
    elif fmt == "json":
        import json

        json.dump(result.as_json(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    else:
        out.write(result.summary(name, lang, verbose))
    out.flush()


def _namer(store, lang: str) -> Callable[[str], str]:
    """An IRI → its label in ``lang`` (else another language) as the web pages show it, a document's
    number first; without a label, one of our entities by kind/slug, any other IRI by its prefixed name
    (else in full). Looked up one IRI at a time, as needed, and remembered."""
    from graph import settings
    from graph import terms as ox
    from graph.namespaces import ELI
    from graph.search_index import _with_number as with_number  # the search's own "23-QĐ/TW · title"
    from webapp.describe import labels
    from webapp.entity import compact
    from webapp.urls import split_entity_iri

    numbers = [ox.NamedNode(str(ELI.id_local)), ox.NamedNode(settings.ontology_namespace() + "documentNumber")]
    known: dict[str, str] = {}

    def name(iri: str) -> str:
        if iri not in known:
            label = labels(store, {iri}, lang).get(iri)
            try:
                node = ox.NamedNode(iri)
            except ValueError:
                node = None
            number = next((q.object.value for prop in numbers if node is not None
                           for q in store.quads_for_pattern(node, prop, None, ox.DefaultGraph())
                           if isinstance(q.object, ox.Literal)), None)
            ours = split_entity_iri(iri)
            fallback = f"{ours[0]}/{ours[1]}" if ours else compact(iri)  # e.g. post/… (posts have no name)
            known[iri] = with_number(number, label) if number else label or fallback
        return known[iri]

    return name


def cmd_query(args: argparse.Namespace) -> int:
    from graph import named_queries
    from graph.errors import QueryParameterError

    raw: dict[str, str] = {}
    for item in args.param:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise QueryParameterError(f"--param {item!r}: write KEY=VALUE")
        raw[key.strip()] = value
    ref = args.query
    # A path (ends in .rq or names a folder) is a file; anything else is a named query, so a stray
    # file in the working directory never shadows a query of the same name.
    if ref.endswith(".rq") or os.sep in ref or "/" in ref:
        q = named_queries.from_file(ref)
    else:
        q = named_queries.get(ref)
    bindings = named_queries.bind(q, raw)
    store = _open(args)
    results = named_queries.run(store, named_queries.planned(q, bindings), bindings)
    _write_results(results, args.format, sys.stdout.buffer, _namer(store, args.lang))
    return EXIT_OK


def _write_results(results, fmt: str, out, name: Callable[[str], str]) -> None:
    from graph import terms as ox
    from graph.errors import QueryError

    if isinstance(results, ox.QueryTriples):
        if fmt in ("csv", "tsv"):
            raise QueryError(f"a CONSTRUCT/DESCRIBE query returns a graph, not a table: use --format table "
                             f"(Turtle) or json (JSON-LD), not {fmt}")
        out.write(results.serialize(format=ox.RdfFormat.JSON_LD if fmt == "json" else ox.RdfFormat.TURTLE))
    elif isinstance(results, ox.QueryBoolean):
        if fmt == "json":
            out.write(results.serialize(format=ox.QueryResultsFormat.JSON) + b"\n")
        else:
            out.write(b"true\n" if bool(results) else b"false\n")
    elif fmt == "table":
        out.write(format_table(results, name).encode("utf-8"))
    else:
        formats = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                   "json": ox.QueryResultsFormat.JSON}
        data = results.serialize(format=formats[fmt])
        out.write(data if data.endswith(b"\n") else data + b"\n")
    out.flush()


def _width(text: str) -> int:
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
               for c in text)


def format_table(solutions, name: Callable[[str], str]) -> str:
    """Aligned columns; IRIs are shown by ``name`` (their labels), other terms as :func:`term_text`."""
    from graph import terms as ox
    from graph.named_queries import term_text

    def cell(term) -> str:
        if isinstance(term, ox.NamedNode):
            return name(term.value)
        return term_text(term)

    names = [v.value for v in solutions.variables]
    rows = [[cell(sol[i]).replace("\n", " ") for i in range(len(names))] for sol in solutions]
    widths = [max([_width(n)] + [_width(r[i]) for r in rows]) for i, n in enumerate(names)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()

    out = [line(names), "  ".join("-" * w for w in widths)] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def cmd_serve(args: argparse.Namespace) -> int:
    import waitress

    from graph.errors import ConfigError, StoreError
    from webapp import create_app, threads_needed

    port = args.port
    if port is None:
        raw = os.environ.get("PORT", "").strip() or "8080"
        if not raw.isdigit():
            raise ConfigError(f"PORT={raw!r} is not a port number")
        port = int(raw)
    store_dir = _store_dir(args)
    engine = _engine(args)
    app = create_app({"DANVAN_STORE": str(store_dir), "DANVAN_ENDPOINT": engine.query_url if engine else None})
    # fail now, with the store's (or the engine's) advice, rather than on the first request
    snap = app.extensions["danvan.store"].get()
    state = snap.store.health()
    if state.get("status") != "ok":
        raise StoreError(state.get("error") or state.get("message") or "the store is unavailable")
    needed = threads_needed(app.config)
    threads = args.threads or needed
    if threads < needed:
        raise ConfigError(f"--threads {threads} is too few: SPARQL and page scans may hold "
                          f"{needed - 4} threads, and other pages need some of their own; give at least {needed}.")
    if engine is None:
        # The network wall must hold before the endpoint opens (NetworkWallError otherwise: no silent downgrade).
        hello = app.extensions["danvan.pool"].check()
        print(f"danvan: query workers walled off from the network ({hello['wall']}), "
              f"{app.config['DANVAN_QUERY_MEMORY'] >> 20} MiB each", file=sys.stderr, flush=True)
        where = str(store_dir)
    else:
        # no query worker runs: the engine evaluates (the app refuses updates and SERVICE before sending)
        where = f"build {state.get('build_id')} from the engine at {snap.store!r}, indexes from {snap.build}"
    print(f"danvan: serving {where} on http://{args.host}:{port}/ with {threads} threads (Ctrl-C stops)",
          file=sys.stderr, flush=True)
    # waitress drops X-Forwarded-For & co. from unknown proxies; keep them when budgets are to follow one
    keep_proxy_headers = bool(app.config["DANVAN_CLIENT_HEADER"])
    waitress.serve(app, host=args.host, port=port, threads=threads, ident="danvan",
                   clear_untrusted_proxy_headers=not keep_proxy_headers)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from graph.export import export

    store = _open(args)
    if args.output:
        tmp = Path(str(args.output) + ".part")
        try:
            with open(tmp, "wb") as out:
                export(store, args.format, out)
            os.replace(tmp, args.output)
        finally:
            tmp.unlink(missing_ok=True)
    else:
        export(store, args.format, sys.stdout.buffer)
        sys.stdout.buffer.flush()
    return EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from graph.ingest import ingest, read_article
    from graph.ingest.gazetteer import from_files

    files = _source_files(args).get("sources")
    candidate = ingest(read_article(args.article), url=args.url, publisher=args.publisher, date=args.date,
                       headline=args.headline, gazetteer=from_files(files) if files else None)
    text = candidate.turtle()
    if args.output:
        tmp = Path(str(args.output) + ".part")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, args.output)
        finally:
            tmp.unlink(missing_ok=True)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_review(args: argparse.Namespace) -> int:
    import waitress

    from graph import resources
    from webapp.review import create_review_app
    from webapp.review.folder import default_dir

    sources = args.sources if args.sources is not None else resources.sources_folder()
    review_dir = args.dir if args.dir is not None else default_dir()
    store_dir = _store_dir(args)
    app = create_review_app({"DANVAN_REVIEW_TOKEN": os.environ.get("DANVAN_REVIEW_TOKEN", ""),
                             "DANVAN_REVIEW_DIR": str(review_dir), "DANVAN_SOURCES": str(sources),
                             "DANVAN_STORE": str(store_dir), "HOST": args.host})
    print(f"danvan: review surface on http://{args.host}:{args.port}/review/ — folder {review_dir}, "
          f"sources {sources}, store {store_dir} (Ctrl-C stops)", file=sys.stderr, flush=True)
    waitress.serve(app, host=args.host, port=args.port, threads=4, ident="danvan-review")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
