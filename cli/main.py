"""The `boussole` command: a thin layer over the ingest and retrieval packages.

Every command reads its defaults from BOUSSOLE_* environment variables; errors become one
French line and a non-zero exit.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path

import click

from core.errors import BoussoleError
from core.settings import Settings
from core.messages import french_message


def _edge(func):
    """Turn library errors into a French message and exit code 1 — once, here."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except BoussoleError as exc:
            raise click.ClickException(french_message(exc)) from exc
    return wrapper


def _settings(index: str | None) -> Settings:
    try:
        settings = Settings.from_env()
    except BoussoleError as exc:
        raise click.ClickException(french_message(exc)) from exc
    return settings.with_(index_dir=Path(index) if index else None)


index_option = click.option("--index", "index", type=click.Path(file_okay=False), default=None,
                            help="Index folder (default: BOUSSOLE_INDEX or data/index).")


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log details to stderr.")
def main(verbose: bool) -> None:
    """Boussole: search the publications of a politique de la ville resource centre."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@index_option
@click.option("--full", is_flag=True, help="Re-extract and re-embed every document.")
@_edge
def ingest(paths: tuple[str, ...], index: str | None, full: bool) -> None:
    """Index folders of publications (default: data/sources/), incrementally.

    Example: boussole ingest data/sources ../autres-guides --index data/index
    """
    from ingest.refresh import refresh

    settings = _settings(index)
    report = refresh(settings, [Path(p) for p in paths] or None, full=full, show_bars=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(report.summary())
    for failure in report.failures:
        click.echo(f"failed: {failure.path}: {failure.reason}")


@main.command()
@click.argument("urls", nargs=-1)
@click.option("--sources", type=click.Path(file_okay=False), default=None,
              help="Sources folder the site goes into, under web/<host>/ (default: BOUSSOLE_SOURCES).")
@index_option
@click.option("--max-pages", type=int, default=None, help="Listing pages read per address (default: BOUSSOLE_HARVEST_MAX_PAGES).")
@click.option("--delay", type=float, default=None, help="Seconds between two requests (default: BOUSSOLE_HARVEST_DELAY, 1).")
@click.option("--wait", type=float, default=600.0, show_default=True,
              help="Seconds to wait for another writer (a refresh, an upload in Administration) to finish.")
@click.option("--confirm-withdrawal", is_flag=True,
              help="The site really withdrew most of what an address listed: withdraw it (else a read finding "
                   "under half the entries of the last complete one withdraws nothing).")
@_edge
def harvest(urls, sources, index, max_pages, delay, wait, confirm_withdrawal) -> None:
    """Harvest publications from a website's listing, then refresh the index.

    Follows the listing's pagination, downloads every linked PDF, DOCX and ODT (and HTML
    publication pages under the listing's path) into SOURCES/web/<host>/ with a catalogue
    taken from the listing, then refreshes SOURCES. Without URLS, the addresses saved in
    Administration are harvested (for a nightly job). Exit status: 0 when everything was
    fetched and indexed, else the number of failed addresses and files (at most 100); 1 when
    nothing could be done (no address, another writer did not finish in time). A document no
    longer listed is withdrawn only when every address that listed it was read in full (every
    listing page, feed and sitemap); an address whose read finds under half the entries of its
    last complete read withdraws nothing and counts as failed until --confirm-withdrawal.

    Example: boussole harvest https://www.exemple.fr/nos-productions-publications/
    """
    from ingest.decisions import saved_sites
    from ingest.harvest import harvest as run_harvest
    from ingest.lock import writer_lock
    from ingest.refresh import refresh

    settings = _settings(index).with_(sources=Path(sources) if sources else None,
                                      harvest_max_pages=max_pages, harvest_delay=delay, lock_wait=wait)
    urls = list(urls) or saved_sites(settings.sources_path)
    if not urls:
        raise click.ClickException("Aucune adresse à moissonner : donnez-en une, ou enregistrez-la "
                                   "dans la page Administration.")
    with writer_lock(settings, "moissonnage du site (ligne de commande)"):
        harvested = run_harvest(settings, urls, settings.sources_path, confirm_withdrawal=confirm_withdrawal)
        for warning in harvested.warnings:
            click.echo(f"warning: {warning}", err=True)
        click.echo(harvested.summary())
        for line in harvested.incomplete_lines():
            click.echo(f"incomplete: {line}")
        for failure in harvested.failures:
            click.echo(f"failed: {failure.path}: {failure.reason}")
        report = refresh(settings, [settings.sources_path], show_bars=False)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(report.summary())
    for failure in report.failures:
        click.echo(f"failed: {failure.path}: {failure.reason}")
    failed = len(harvested.failures) + report.failed
    if failed:  # for a nightly job: the exit status is the number of failures (100 for 100 or more)
        raise SystemExit(min(failed, 100))


def _filters(types, themes, since, until, folders):
    from retrieval.filters import Filters
    return Filters(tuple(types), tuple(themes), since or "", until or "", tuple(folders))


filter_options = [
    click.option("--type", "types", multiple=True, help="Only this document type (repeatable)."),
    click.option("--theme", "themes", multiple=True, help="Only this theme (repeatable)."),
    click.option("--since", help="Documents dated from (YYYY, YYYY-MM or YYYY-MM-DD)."),
    click.option("--until", help="Documents dated until (inclusive)."),
    click.option("--folder", "folders", multiple=True, help="Only documents ingested from this folder."),
]


def with_filters(func):
    for option in reversed(filter_options):
        func = option(func)
    return func


@main.command()
@click.argument("question")
@index_option
@click.option("-k", "k", type=int, default=None, help="Number of passages (default: BOUSSOLE_K).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@with_filters
@_edge
def search(question, index, k, as_json, types, themes, since, until, folders) -> None:
    """Find the passages that answer a question.

    Example: boussole search "Comment intégrer l'égalité femmes-hommes ?" -k 5 --json
    """
    from retrieval.service import open_searcher
    from retrieval.output import search_json, search_text

    settings = _settings(index)
    result = open_searcher(settings).search(question, k=k, filters=_filters(types, themes, since, until, folders))
    if as_json:
        click.echo(json.dumps(search_json(result), ensure_ascii=False, indent=1))
    else:
        click.echo(search_text(result))


@main.command("eval")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False))
@index_option
@click.option("-k", "k", type=int, default=10, show_default=True, help="Depth of the ranking.")
@click.option("--json", "as_json", is_flag=True, help="Per-question details as JSON.")
@click.option("--verbose", is_flag=True, help="List the questions whose document was missed.")
@_edge
def evaluate_command(questions, index, k, as_json, verbose) -> None:
    """Measure retrieval on a JSONL question set.

    Example: boussole eval data/eval/questions.jsonl -k 10
    """
    from retrieval.evaluation import evaluate, load_questions
    from retrieval.service import open_searcher
    from retrieval.output import eval_text

    report = evaluate(open_searcher(_settings(index)), load_questions(Path(questions)), k=k)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(eval_text(report, verbose))


@main.command()
@click.option("--port", type=int, default=None, help="Port (default: STREAMLIT_SERVER_PORT, config.toml, else 8501).")
@click.option("--address", default=None, help="Address (default: STREAMLIT_SERVER_ADDRESS, config.toml, else localhost).")
@index_option
def ui(port: int | None, address: str | None, index: str | None) -> None:
    """Start the web app (Streamlit). The command becomes the server (exec), so the signals
    a supervisor or a terminal sends reach it directly; STREAMLIT_* variables and
    .streamlit/config.toml are honoured, the options given here win over them.

    Example: boussole ui --port 8501
    """
    import os

    from cli.launch import config_files, streamlit_flags

    env = dict(os.environ)
    if index:
        env["BOUSSOLE_INDEX"] = str(Path(index).resolve())
    given = {k: str(v) for k, v in (("server.port", port), ("server.address", address)) if v is not None}
    flags = streamlit_flags(given, env, config_files(Path.cwd(), Path.home()))
    cmd = [sys.executable, "-m", "streamlit", "run", str(Path(__file__).resolve().parent.parent / "server" / "asgi.py"), *flags]
    sys.stdout.flush()
    os.execve(sys.executable, cmd, env)


@main.command()
@click.argument("question")
@index_option
@click.option("-k", "k", type=int, default=5, show_default=True, help="Number of excerpts.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@with_filters
@_edge
def ask(question, index, k, as_json, types, themes, since, until, folders) -> None:
    """Answer a question with sentences from the documents, each citing its excerpt.

    Example: boussole ask "Comment intégrer l'égalité femmes-hommes dans nos actions ?"
    """
    from retrieval.respond import respond
    from retrieval.service import open_searcher
    from retrieval.output import answer_json, answer_text

    settings = _settings(index)
    searcher = open_searcher(settings)
    answer = respond(settings, searcher, question, k=k, filters=_filters(types, themes, since, until, folders))
    if as_json:
        click.echo(json.dumps(answer_json(answer, settings.contact), ensure_ascii=False, indent=1))
    else:
        click.echo(answer_text(answer, settings.contact))


@main.command()
@index_option
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only questions kept since this day (YYYY-MM-DD; default: all that are kept).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@_edge
def insights(index, since, as_json) -> None:
    """What visitors looked for and did not find, grouped into themes (BOUSSOLE_INSIGHTS=1).

    Example: boussole insights --since 2026-10-01
    """
    from datetime import date

    from core.errors import IndexMissing
    from insights.keeping import insight_store
    from insights.themes import closest_documents, documents_text, themes, themes_json
    from retrieval.service import open_searcher

    settings = _settings(index)
    kept = insight_store(settings).since(since.date() if since else None)
    searcher = open_searcher(settings, require_index=False)
    try:
        searcher.handle.get()
        closest = closest_documents(searcher)
    except IndexMissing:
        closest = None
    found = themes(kept, searcher.embedder, date.today(), closest)
    if as_json:
        click.echo(json.dumps({"enabled": settings.insights, "questions": len(kept), "themes": themes_json(found)},
                              ensure_ascii=False, indent=1))
        return
    if not settings.insights:
        click.echo("Les questions ne sont pas conservées (BOUSSOLE_INSIGHTS n'est pas à 1).")
    click.echo(f"{len(kept)} question(s) conservée(s), {len(found)} thème(s).")
    for t in found:
        click.echo(f"\n« {t.label} » — {t.size} question(s), tendance {t.trend:+d}")
        click.echo(f"  mots : {', '.join(t.words)}")
        click.echo(f"  documents proches : {documents_text(t, ' | ')}")


@main.command("backup")
@click.argument("destination", type=click.Path(file_okay=False))
@index_option
@click.option("--with-index", is_flag=True, help="Also save the built index (it can be rebuilt from the sources).")
@click.option("--keep", type=int, default=0, show_default=True, help="Keep only this many newest archives (0: all).")
@_edge
def backup_command(destination, index, with_index, keep) -> None:
    """Save what cannot be rebuilt into DESTINATION/boussole-<time>.tar.gz: the sources and
    their catalogues, the curator's decisions and saved sites, the kept questions, the settings
    (without secrets). For a nightly job: deploy/boussole-backup.timer.

    Example: boussole backup /var/backups/boussole --keep 14
    """
    from ingest.backup import backup

    click.echo(backup(_settings(index), Path(destination), include_index=with_index, keep=keep).summary())


@main.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False))
@click.argument("target", type=click.Path(file_okay=False))
@click.option("--no-rebuild", is_flag=True, help="Do not rebuild the index when the archive holds none.")
@_edge
def restore_command(archive, target, no_rebuild) -> None:
    """Check ARCHIVE (every file against its checksum) and restore it into the empty folder
    TARGET, then rebuild the index from the restored sources unless the archive holds one.

    Example: boussole restore boussole-20261207T023000Z.tar.gz /srv/boussole/data
    """
    from ingest.backup import restore
    from ingest.refresh import refresh

    report = restore(Path(archive), Path(target))
    click.echo(f"restored {report.files} file(s) into {report.target}")
    if not report.index and not no_rebuild and report.roots:
        settings = _settings(None).with_(data_dir=report.target, index_dir=report.target / "index",
                                         sources=report.roots.get(report.default_root))
        click.echo(refresh(settings, list(report.roots.values())).summary())
    click.echo("Set these in the environment file of the new installation:")
    for line in report.settings_lines():
        click.echo(f"  {line}")


@main.command()
@_edge
def model() -> None:
    """Make sure the embedding model is available (rebuilds it offline if needed)."""
    from core.model import resolve_model

    source = resolve_model(_settings(None))
    click.echo(f"{source.name}: {source.origin} ({source.path})")


if __name__ == "__main__":
    main()
