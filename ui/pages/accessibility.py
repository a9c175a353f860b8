"""« Accessibilité »: the accessibility statement (what is checked, what is not yet, how to report),
and what Boussole keeps of the questions."""

from __future__ import annotations

import streamlit as st

from ui.accessibility import STATEMENT, contact_line, privacy_text
from ui.services import services

st.title("Déclaration d'accessibilité")
st.markdown(STATEMENT)
settings = services().settings
st.markdown(contact_line(settings.contact))
st.header("Confidentialité")
st.markdown(privacy_text(settings.insights, settings.insights_days))
