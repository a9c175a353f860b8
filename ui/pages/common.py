"""Layout pieces shared by the pages: error display and the sidebar filters."""

from __future__ import annotations

import logging

import streamlit as st

from core.errors import BoussoleError, IndexMissing
from retrieval.filters import Filters
from retrieval.index import Index
from core.messages import french_message

log = logging.getLogger("boussole.ui")


def open_index(services) -> Index | None:
    try:
        return services.handle.get()
    except IndexMissing:
        st.warning("Aucun document n'est encore indexé. Un membre de l'équipe peut en ajouter "
                   "depuis la page « Administration », ou lancer « make run ».")
    except BoussoleError as exc:
        log.exception("index")
        st.error(french_message(exc, detail=False))
    return None


def sidebar_filters(index: Index, with_k: bool = True, key: str = "f") -> tuple[Filters, int | None]:
    docs = list(index.documents.values())
    types = sorted({d.type for d in docs if d.type})
    themes = sorted({t for d in docs for t in d.themes})
    years = sorted({int(d.date[:4]) for d in docs if d.date[:4].isdigit()})
    with st.sidebar:
        st.subheader("Filtres")
        chosen_types = st.multiselect("Type de document", types, key=f"{key}-type",
                                      placeholder="Tous les types")
        chosen_themes = st.multiselect("Thème", themes, key=f"{key}-theme", placeholder="Tous les thèmes")
        since = until = ""
        if len(years) > 1:
            low, high = st.slider("Période", years[0], years[-1], (years[0], years[-1]), key=f"{key}-period")
            if (low, high) != (years[0], years[-1]):
                since, until = str(low), str(high)
        k = st.slider("Nombre d'extraits", 1, 15, 5, key=f"{key}-k") if with_k else None
    return Filters(tuple(chosen_types), tuple(chosen_themes), since, until), k
