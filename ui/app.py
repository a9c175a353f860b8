"""Boussole's web app: one entrypoint, four pages. Pages only lay out and call library code."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

HERE = Path(__file__).parent

st.set_page_config(page_title="Boussole — politique de la ville", page_icon=":material/explore:", layout="wide")

pages = [
    st.Page(HERE / "pages" / "ask.py", title="Poser une question", icon=":material/forum:", default=True, url_path="question"),
    st.Page(HERE / "pages" / "documents.py", title="Documents", icon=":material/library_books:", url_path="documents"),
    st.Page(HERE / "pages" / "document.py", title="Document", icon=":material/description:", url_path="document"),
    st.Page(HERE / "pages" / "admin.py", title="Administration", icon=":material/settings:", url_path="administration"),
]
st.navigation(pages).run()
