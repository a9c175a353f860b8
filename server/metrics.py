"""``/metrics`` on each replica (behind the API key when keys are set), in the text format every
Prometheus server, Grafana agent or VictoriaMetrics scrapes, and the middleware counting every
HTTP request. The counters are ``core/metrics.py``'s; a sample alert rule is
``deploy/boussole-alerts.yml``.
"""

from __future__ import annotations

import time

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.guards import Access, ApiError
from core.metrics import Metrics

# What a request is, by its path: a few kinds, so that the series stay few whatever is asked.
_ROUTE_KINDS = (("/api/v1/", "api"), ("/v1/", "openai"), ("/fichiers/", "files"), ("/metrics", "metrics"),
                ("/_stcore/", "app"), ("/static/", "static"))


def route_kind(path: str) -> str:
    return next((kind for prefix, kind in _ROUTE_KINDS if path.startswith(prefix)), "page")


class MetricsMiddleware:
    """Counts every HTTP request (WebSockets are the app's own traffic: left out)."""

    def __init__(self, app, metrics: Metrics):
        self.app, self.metrics = app, metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        kind, started, status = route_kind(scope.get("path", "")), time.perf_counter(), [500]

        async def watched(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                self.metrics.latency.labels(kind).observe(time.perf_counter() - started)
            await send(message)
        try:
            await self.app(scope, receive, watched)
        finally:
            self.metrics.requests.labels(kind, f"{status[0] // 100}xx").inc()


def metrics_route(metrics: Metrics, access: Access) -> Route:
    def serve(request: Request) -> Response:
        try:
            access.caller(request.headers.get("authorization", ""), request.client.host if request.client else "")
        except ApiError as error:
            return JSONResponse({"error": {"message": error.message, "type": "invalid_request_error",
                                           "code": error.code}}, status_code=error.status, headers=error.headers)
        return Response(metrics.text(), media_type=CONTENT_TYPE_LATEST)
    return Route("/metrics", serve, methods=["GET"])
