"""« Accessibilité »: the accessibility statement (what is checked, what is not yet, how to report)."""

from __future__ import annotations

import streamlit as st

from ui.accessibility import STATEMENT, contact_line
from ui.services import services

st.title("Déclaration d'accessibilité")
st.markdown(STATEMENT)
st.markdown(contact_line(services().settings.contact))
