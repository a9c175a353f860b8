"""The HTML page every address of the web app answers with: Streamlit's own, in French."""

from __future__ import annotations

import html
from pathlib import Path

import streamlit as st
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Route

from ui.navigation import PAGES

HERE = Path(__file__).parent
STREAMLIT_SHELL = Path(st.__file__).parent / "static" / "index.html"
# put in every page: Streamlit's words in French, the live region that reads answers out,
# corrections of Streamlit's markup, and the keyboard's way to the question and to its answer
SHELL_SCRIPTS = tuple(HERE / "static" / name for name in ("francais.js", "annonces.js", "corrections.js",
                                                          "clavier.js"))


def french_shell(shell: str, title: str, scripts: str) -> str:
    """Streamlit's HTML page, in French: screen readers read the app with French phonetics, the
    tab says which page it is before the app's script has run, Streamlit's own words are put in
    French as they are drawn (``static/francais.js``) and answers are read out (``annonces.js``)."""
    return (shell.replace('<html lang="en">', '<html lang="fr">', 1)
                 .replace("<title>Streamlit</title>", f"<title>{html.escape(title)} — Boussole</title>", 1)
                 .replace("</head>", f"<script>{scripts}</script></head>", 1))


def shell_routes(shell: str, scripts: str) -> list[Route]:
    """Each page's address answered with the French shell; /question, the default page's former
    address (links already sent), leads to the app's root."""
    def page(body: str):
        async def serve(request):
            return HTMLResponse(body, headers={"Cache-Control": "no-cache"})
        return serve

    async def former_default(request):
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"./{query}", status_code=308)  # relative: works under a path prefix

    return [*(Route(f"/{p.url_path}", page(french_shell(shell, p.title, scripts))) for p in PAGES),
            Route("/question", former_default)]


