"""The web app's pages, in one place: the Streamlit navigation (app.py) and the server's French
HTML shell (shell.py) both read them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    script: str      # under ui/pages/
    title: str       # French, shown in the menu and the browser's tab
    icon: str
    url_path: str    # "" for the default page, at the app's root


PAGES = (
    PageInfo("ask.py", "Poser une question", ":material/forum:", ""),
    PageInfo("documents.py", "Documents", ":material/library_books:", "documents"),
    PageInfo("document.py", "Document", ":material/description:", "document"),
    PageInfo("admin.py", "Administration", ":material/settings:", "administration"),
    PageInfo("accessibility.py", "Accessibilité", ":material/accessibility_new:", "accessibilite"),
)
APP_TITLE = "Boussole — politique de la ville"
