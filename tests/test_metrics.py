"""The monitoring's figures, read as Prometheus reads them."""

from __future__ import annotations

import re

import yaml
from prometheus_client.parser import text_string_to_metric_families

from conftest import ROOT
from core.metrics import Metrics
from core.store import write_last_harvest, write_last_refresh
from server.metrics import route_kind


def samples(metrics: Metrics) -> dict[str, float]:
    return {s.name: s.value for f in text_string_to_metric_families(metrics.text().decode()) for s in f.samples
            if not s.labels}


def test_an_index_folder_without_a_build_reports_an_empty_index(tmp_path):
    figures = samples(Metrics(tmp_path))
    assert figures["boussole_index_documents"] == 0
    assert "boussole_last_harvest_success" not in figures


def test_the_last_refresh_and_harvest_are_read_at_each_scrape(tmp_path):
    metrics = Metrics(tmp_path)
    write_last_refresh(tmp_path, {"finished_at": "2026-12-07T02:40:00+00:00", "failures": [{"path": "a.pdf"}]})
    write_last_harvest(tmp_path, {"finished_at": "2026-12-07T02:35:00+00:00", "ok": True, "failures": []})
    figures = samples(metrics)
    assert figures["boussole_last_refresh_failed_files"] == 1
    assert figures["boussole_last_harvest_success"] == 1
    assert figures["boussole_last_harvest_timestamp_seconds"] == 1796610900.0


def test_routes_are_counted_by_kind_so_that_series_stay_few():
    assert route_kind("/api/v1/search") == "api" and route_kind("/v1/chat/completions") == "openai"
    assert route_kind("/fichiers/abc/pages/3.png") == "files"
    assert route_kind("/document") == route_kind("/n-importe-quoi/123") == "page"


def test_every_metric_the_sample_alerts_use_is_exported(tmp_path):
    rules = yaml.safe_load((ROOT / "deploy" / "boussole-alerts.yml").read_text())
    used = {name for group in rules["groups"] for rule in group["rules"]
            for name in re.findall(r"boussole_\w+", rule["expr"])}
    metrics = Metrics(tmp_path)
    metrics.latency.labels("api").observe(0.1)
    metrics.requests.labels("api", "2xx").inc()
    write_last_harvest(tmp_path, {"finished_at": "2026-12-07T02:35:00+00:00", "ok": True, "failures": []})
    exported = {s.name for f in text_string_to_metric_families(metrics.text().decode()) for s in f.samples}
    assert used and used <= exported
