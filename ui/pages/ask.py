"""« Poser une question »: chat with answers and numbered excerpt cards."""

from __future__ import annotations

import uuid

import streamlit as st

from core.errors import BoussoleError
from core.metrics import metrics_for
from retrieval.conversation import Turn, contextual_query, conversation_markdown
from retrieval.documents import citation_params
from retrieval.feedback import record_vote
from ui.accessibility import PLAIN_WORDS
from ui.cards import announcement_html, answer_html, card_html, share_link_html, short_title, source_link
from ui.markdown import escape_markdown
from core.bounds import MAX_CONVERSATION_TURNS, MAX_QUESTION_CHARS, check_question
from core.messages import french_message
from retrieval.output import contact_text
from ui.pages.common import log, open_index, sidebar_filters
from ui.services import client_address, keeper, services

STARTERS = [
    "Comment intégrer l'égalité femmes-hommes dans nos actions ?",
    "Comment favoriser l'accès à la culture des habitants des quartiers prioritaires ?",
    "Quels leviers pour l'emploi dans les quartiers ?",
    "Comment accompagner les habitants vers le numérique ?",
]

st.title("Poser une question")
st.caption("Boussole cherche la réponse dans les publications du centre de ressources et cite ses sources.")
with st.expander("Comment ça marche ? Les explications en mots simples"):
    st.markdown(PLAIN_WORDS)

svc = services()
index = open_index(svc)
if index is None:
    st.stop()
filters, k = sidebar_filters(index)
turns: list[dict] = st.session_state.setdefault("turns", [])


def show_turn(i: int, turn: dict) -> None:
    with st.chat_message("user"):
        st.text(turn["question"])  # typed text, never interpreted as Markdown
    with st.chat_message("assistant"):
        if turn.get("error"):
            st.html(announcement_html(turn["id"], turn["error"]))
            st.error(escape_markdown(turn["error"]))
            return
        answer = turn["answer"]
        if answer.no_answer:
            shown = " ".join(filter(None, [answer.text, contact_text(svc.settings.contact)]))
            st.html(announcement_html(turn["id"], shown))
            # the contact is staff's setting, left as Markdown: its address stays a link
            st.info(" ".join(filter(None, [escape_markdown(answer.text), contact_text(svc.settings.contact)])))
            for document in answer.near:
                st.page_link("pages/document.py", query_params={"doc": document.doc_id},
                             label=f"Voir le document : {escape_markdown(short_title(document.title))}")
            return
        st.html(announcement_html(turn["id"], f"{answer.text} ({len(answer.citations)} extraits cités ci-dessous.)"))
        st.html(answer_html(answer.text, svc.glossary))
        for notice in answer.notices:
            st.caption(escape_markdown(notice))
        for citation, link in zip(answer.citations, turn["links"]):
            hit = citation.hit
            st.html(card_html(citation.n, hit, turn["query"], svc.glossary))
            cols = st.columns(2)
            # each link says which document it opens: a screen reader lists links out of context
            page = f", p. {hit.passage.page}" if hit.passage.page and hit.document.kind == "pdf" else ""
            cols[0].link_button(f"Ouvrir la source : {escape_markdown(short_title(hit.document.title))}{page}",
                                source_link(hit))
            cols[1].page_link("pages/document.py", query_params=link,
                              label=f"Voir le passage [{citation.n}] " + ("dans sa page" if hit.document.kind == "pdf"
                                                                          else "dans le document"))
        st.html(share_link_html(turn["question"]))
        vote_on(i, turn)


@st.fragment
def vote_on(i: int, turn: dict) -> None:
    """A vote reruns only itself, not the whole conversation."""
    vote = st.feedback("thumbs", key=f"vote-{i}")
    if vote is not None and not turn.get("voted"):
        record_vote(svc.settings.feedback_path, [str(c.hit.passage.id) for c in turn["answer"].citations],
                    1 if vote == 1 else -1, turn["build_id"])
        if vote != 1:
            keeper().keep(turn["question"], "unhelpful", who=client_address())
        turn["voted"] = True
        st.toast("Merci pour votre avis !")


def ask(question: str) -> None:
    previous = [t["question"] for t in turns][-MAX_CONVERSATION_TURNS:]
    query = contextual_query(previous, question)
    stream = st.empty()
    verified: list[str] = []

    def show_sentence(sentence) -> None:  # an LLM's answer appears sentence by sentence, once verified
        verified.append(f"{sentence.text} [{sentence.n}]")
        stream.html(answer_html(" ".join(verified)))

    try:
        check_question(question)  # the field stops typing there; a request sent by hand is refused
        answer = svc.answer(question, previous, k, filters, on_sentence=show_sentence)
        metrics_for(svc.settings).answered(answer.no_answer, "web")
        if answer.no_answer:
            keeper().keep(question, "declined", who=client_address())
        index = svc.handle.get()
        # the Document page's addresses are made now, from the build that answered
        links = [citation_params(index, c.hit.passage) for c in answer.citations]
        turns.append({"id": uuid.uuid4().hex, "question": question, "query": query, "answer": answer,
                      "links": links, "build_id": index.build_id})
    except BoussoleError as exc:
        log.exception("search failed")
        turns.append({"id": uuid.uuid4().hex, "question": question, "query": query, "error": french_message(exc, detail=False)})
    stream.empty()


if not turns:
    st.markdown("**Exemples de questions :**")
    cols = st.columns(2)
    for i, starter in enumerate(STARTERS):
        if cols[i % 2].button(starter, key=f"starter-{i}", use_container_width=True):
            st.session_state["pending"] = starter

def shared_question() -> str | None:
    """The question in the page's address (?q=…), asked once when the page opens: a link a
    practitioner sends to a colleague or a conseil citoyen."""
    given = st.query_params.get("q", "").strip()[:MAX_QUESTION_CHARS]
    if given and st.session_state.get("shared") != given:
        st.session_state["shared"] = given
        return given
    return None


question = st.chat_input("Votre question (en français, avec vos mots)", key="question", max_chars=MAX_QUESTION_CHARS)
question = question or st.session_state.pop("pending", None) or shared_question()
if question:
    with st.spinner("Recherche dans les documents…"):
        ask(question.strip())

for i, turn in enumerate(turns):
    show_turn(i, turn)

if turns:
    exportable = [Turn(t["question"], t["answer"].text if "answer" in t else t.get("error", ""),
                       [{"n": c.n, "label": c.hit.label, "url": c.hit.document.url}
                        for c in t["answer"].citations] if "answer" in t else []) for t in turns]
    cols = st.columns(2)
    cols[0].download_button("Exporter la conversation (Markdown)", conversation_markdown(exportable),
                            file_name="boussole-conversation.md", mime="text/markdown")
    if cols[1].button("Nouvelle conversation"):
        st.session_state["turns"] = []
        st.rerun()
