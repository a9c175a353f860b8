"""The staff guide (« Guide de l'équipe ») served at /guide/: the site `make install` builds from
docs/guide/ with MkDocs into build/guide/. Served by the app itself, so that a centre's server
shows it offline and behind the same nginx, with no other web server to set up."""

from __future__ import annotations

from pathlib import Path

from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from core.settings import project_root

SITE = project_root() / "build" / "guide"  # mkdocs.yml's site_dir
NOT_BUILT = ("Le guide de l'équipe n'est pas encore construit sur ce serveur : lancez « make install » "
             "dans le dossier de Boussole. Ses pages sont aussi lisibles dans docs/guide/.")


def guide_routes(site: Path = SITE) -> list[BaseRoute]:
    files = StaticFiles(directory=site, html=True, check_dir=False)

    async def guide(scope, receive, send):
        if (site / "index.html").is_file():  # looked at per request: `make install` may build it later
            await files(scope, receive, send)
        else:
            await PlainTextResponse(NOT_BUILT, status_code=404)(scope, receive, send)

    return [Mount("/guide", app=guide)]
