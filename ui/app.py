"""Boussole's web app: one entrypoint, its pages (ui/navigation.py). Pages only lay out and call
library code."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.cards import STYLE
from ui.navigation import APP_TITLE, PAGES

HERE = Path(__file__).parent

st.set_page_config(page_title=APP_TITLE, page_icon=":material/explore:", layout="wide")
st.html(STYLE)
st.navigation([st.Page(HERE / "pages" / p.script, title=p.title, icon=p.icon, url_path=p.url_path or None,
                       default=not p.url_path) for p in PAGES]).run()
