"""Monitoring counters in Prometheus's terms, one set per server process: the web pages and both
APIs count into it, ``server/metrics.py`` serves it at ``/metrics``.

Counted in this process: HTTP requests by kind of route and status class, their latency, the
answers given and declined (web app and APIs), the page images drawn. Read at each scrape from
the index folder, so that every replica reports the same: the live index's age and size, the
last refresh and the last harvest (when, whether it succeeded, how many addresses failed).
"""

from __future__ import annotations

import functools
from datetime import datetime
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from core.settings import Settings
from core.store import current_build, read_last_harvest, read_last_refresh, read_manifest

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


class IndexCollector:
    """Figures read from the index folder at each scrape (shared by the replicas)."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)

    def collect(self):
        build = current_build(self.index_dir)
        manifest = read_manifest(build) if build else None
        yield _gauge("boussole_index_documents", "Documents in the live index.",
                     manifest.counts.get("documents", len(manifest.documents)) if manifest else 0)
        yield _gauge("boussole_index_passages", "Passages in the live index.",
                     manifest.counts.get("passages", 0) if manifest else 0)
        if manifest:
            yield _gauge("boussole_index_built_timestamp_seconds", "When the live index was built.",
                         _timestamp(manifest.created_at))
        refreshed = read_last_refresh(self.index_dir)
        if refreshed.get("finished_at"):
            yield _gauge("boussole_last_refresh_timestamp_seconds", "When the last refresh ended.",
                         _timestamp(refreshed["finished_at"]))
            yield _gauge("boussole_last_refresh_failed_files", "Files the last refresh could not read.",
                         len(refreshed.get("failures", [])))
        harvested = read_last_harvest(self.index_dir)
        if harvested.get("finished_at"):
            yield _gauge("boussole_last_harvest_timestamp_seconds", "When the last harvest ended.",
                         _timestamp(harvested["finished_at"]))
            yield _gauge("boussole_last_harvest_success", "1 if the last harvest had no failure, else 0.",
                         1 if harvested.get("ok") else 0)
            yield _gauge("boussole_last_harvest_failures", "Addresses the last harvest could not read.",
                         len(harvested.get("failures", [])))


class Metrics:
    """This process's counters, in a registry of its own (nothing global to leak into tests)."""

    def __init__(self, index_dir: Path):
        self.registry = CollectorRegistry()
        self.requests = Counter("boussole_http_requests", "HTTP requests, by kind of route and status class.",
                                ["route", "status"], registry=self.registry)
        self.latency = Histogram("boussole_http_request_duration_seconds", "Time to the response's start.",
                                 ["route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.answers = Counter("boussole_answers", "Questions answered or declined, by channel.",
                               ["outcome", "channel"], registry=self.registry)
        self.page_images = Counter("boussole_page_images_drawn", "PDF pages drawn as images (not from the cache).",
                                   registry=self.registry)
        self.registry.register(IndexCollector(index_dir))

    def answered(self, declined: bool, channel: str) -> None:
        self.answers.labels("declined" if declined else "answered", channel).inc()

    def text(self) -> bytes:
        return generate_latest(self.registry)


@functools.lru_cache(maxsize=4)
def process_metrics(index_dir: Path) -> Metrics:
    """The one set of counters of a server process (the web pages and both APIs count into it)."""
    return Metrics(Path(index_dir))


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=float(value))


def _timestamp(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def metrics_for(settings: Settings) -> Metrics:
    return process_metrics(settings.index_path)
