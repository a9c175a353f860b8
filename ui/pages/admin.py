"""« Administration »: add publications, edit their catalogue fields, refresh the index, see what
visitors look for and do not find."""

from __future__ import annotations

import hmac
import math
import time
import datetime

import streamlit as st

from core.documents import Metadata
from core.errors import BoussoleError
from core.store import read_last_harvest
from ingest.curation import (
    add_uploads,
    document_statuses,
    remove_document,
    reread_document,
    restore_document,
    save_site_addresses,
    status_text,
    update_document,
)
from ingest.decisions import exclusions, extra_hosts, saved_sites
from ingest.harvest import harvest
from ingest.lock import writer_lock
from ingest.overview import PAGE_SIZE, harvest_news, page_of, readable_date, search
from ingest.refresh import refresh
from ingest.stats import index_stats
from ingest.upgrade import last_upgrade
from ingest.uploads import ALLOWED, Upload
from insights.keeping import insight_store
from insights.themes import SEARCHED, themes_csv
from ui.cards import passages_html, theme_html
from ui.markdown import escape_markdown
from core.messages import french_message
from ui.pages.common import log
from ui.services import admin_password, client_address, login_guard, services, visitor_themes

INSIGHT_WEEKS = 8  # « Ce que cherchent les visiteurs »: the questions of the last weeks
STAGES = {"harvest": "Téléchargement depuis le site", "extract": "Lecture des fichiers", "embed": "Calcul des vecteurs", "sentences": "Calcul des vecteurs des phrases", "write": "Écriture de l'index"}

st.title("Administration")
st.markdown("[Guide de l'équipe](/guide/) : installer, alimenter, sauvegarder, dépanner.")  # server/guide.py
svc = services()
settings = svc.settings
password = admin_password(settings)
if not password:
    st.info("L'administration est désactivée. Pour l'activer, définissez la variable "
            "d'environnement BOUSSOLE_ADMIN_PASSWORD (ou la clé du même nom dans "
            ".streamlit/secrets.toml), puis redémarrez l'application.")
    st.stop()

if not st.session_state.get("admin_ok"):
    guard, who = login_guard(), client_address()
    with st.form("login"):
        typed = st.text_input("Mot de passe", type="password")
        if st.form_submit_button("Se connecter"):
            wait = guard.attempt(who, time.time())  # checked and counted at once, before comparing
            if wait > 0:  # the password is not even compared
                st.error(f"Trop d'essais infructueux : réessayez dans {math.ceil(wait)} s.")
            elif hmac.compare_digest(typed.encode(), password.encode()):
                guard.succeeded(who)
                st.session_state["admin_ok"] = True
                st.rerun()
            else:
                st.error("Mot de passe incorrect.")
    st.stop()

stats = index_stats(settings.index_path)
st.header("Index")
if stats:
    cols = st.columns(4)
    cols[0].metric("Documents", stats.documents)
    cols[1].metric("Passages", stats.passages)
    cols[2].metric("Taille sur disque", f"{stats.bytes_on_disk / 1e6:.1f} Mo")
    cols[3].metric("Dernière mise à jour", readable_date(stats.built_at, with_time=False))
    st.caption(f"Index construit le {readable_date(stats.built_at)} · modèle : {stats.model} "
               f"({stats.model_origin}) · version {stats.build_id}")
else:
    st.write("Aucun index pour l'instant.")

news = harvest_news(read_last_harvest(settings.index_path))
if news:  # what staff look for first in the morning
    (st.success if news.ok else st.warning)(news.headline)  # our words and figures: nothing of a site's
    for address, reason in news.failures:
        st.markdown(f"- {escape_markdown(address)} : {escape_markdown(reason)}")
upgraded = last_upgrade(settings.index_path)
if upgraded.get("french"):
    st.info(escape_markdown(f"{upgraded['french']} (mise à jour {upgraded['status']}, {readable_date(upgraded['at'])})"))

publications, site, documents, visitors = st.tabs(["Publications", "Le site", "Documents", "Visiteurs"])

# The site's addresses are saved before the update buttons are drawn, so that « Mettre à jour
# depuis le site » is offered in the very run that saved the first one.
with site:
    st.header("Site du centre de ressources")
    sites = st.text_area("Adresses des pages de publications à suivre (une par ligne)",
                         "\n".join(saved_sites(settings.sources_path)),
                         placeholder="https://www.exemple.fr/nos-productions-publications/")
    hosts = st.text_area("Autres serveurs du site, dont les documents sont moissonnés aussi (un nom par ligne, "
                         "par exemple fichiers.exemple.org)", "\n".join(extra_hosts(settings.sources_path)))
    if st.button("Enregistrer les adresses"):
        try:
            save_site_addresses(settings, sites.splitlines(), hosts.splitlines())
            st.success("Adresses enregistrées.")
        except BoussoleError as exc:
            st.error(escape_markdown(french_message(exc)))

    excluded = exclusions(settings.sources_path)
    if excluded:
        st.header("Documents retirés du moissonnage")
        st.write("Ces documents publiés sur le site ont été retirés par l'équipe : le moissonnage ne les reprend pas.")
        for item in sorted(excluded.values(), key=lambda e: e.title.lower()):
            cols = st.columns([4, 1])
            # a harvested title is the site's text: shown as text, never as Markdown (a link, an image)
            cols[0].markdown(f"**{escape_markdown(item.title or item.url)}** — {escape_markdown(item.url)} "
                             f"(retiré le {escape_markdown(item.day)})")
            if cols[1].button("Rétablir", key=f"restore-{item.url}"):
                try:
                    restore_document(settings, settings.sources_path, item.url)
                    st.rerun()
                except BoussoleError as exc:
                    st.error(escape_markdown(french_message(exc)))

with publications:
    st.header("Ajouter des publications")
    uploads = st.file_uploader(f"Fichiers ({', '.join(ALLOWED)}) ; un catalogue.csv est accepté",
                               accept_multiple_files=True, type=[e.lstrip(".") for e in ALLOWED])
    replace_existing = st.checkbox("Remplacer les fichiers existants du même nom")
    if uploads and st.button("Enregistrer les fichiers"):
        try:
            for outcome in add_uploads(settings, [Upload(u.name, u.getvalue()) for u in uploads], replace_existing):
                if outcome.saved:
                    st.success(f"{escape_markdown(outcome.name)} enregistré sous {escape_markdown(outcome.saved.name)}")
                else:
                    st.error(f"{escape_markdown(outcome.name)} refusé : {escape_markdown(outcome.error)}")
        except BoussoleError as exc:
            st.error(escape_markdown(french_message(exc)))

    st.header("Mettre à jour l'index")
    cols = st.columns(2)
    from_files = cols[0].button("Mettre à jour l'index", type="primary")
    from_site = cols[1].button("Mettre à jour depuis le site", disabled=not saved_sites(settings.sources_path))
    if from_files or from_site:
        bar = st.progress(0.0, text="Préparation…")

        def progress(stage: str, done: int, total: int) -> None:
            bar.progress(min(1.0, done / total) if total else 1.0, text=f"{STAGES.get(stage, stage)} : {done}/{total}")

        try:
            with writer_lock(settings, "moissonnage du site" if from_site else "mise à jour de l'index"):
                st.session_state["last_harvest"] = harvest(settings, saved_sites(settings.sources_path),
                                                           settings.sources_path, progress) if from_site else None
                st.session_state["last_report"] = refresh(settings, [settings.sources_path], progress=progress,
                                                          embedder=svc.embedder)
            st.rerun()  # show the new index's figures above
        except BoussoleError as exc:
            log.exception("refresh failed")
            st.error(escape_markdown(french_message(exc)))
    harvested = st.session_state.get("last_harvest")
    if harvested:
        st.info(f"Site : {harvested.documents} document(s) publiés, {harvested.downloaded} téléchargé(s), "
                f"{harvested.unchanged} inchangé(s), {harvested.removed} retiré(s), "
                f"{harvested.excluded} écarté(s) par l'équipe, {len(harvested.failures)} en échec.")
        for failure in harvested.failures:
            st.warning(f"{escape_markdown(failure.path)} : {escape_markdown(failure.reason)}")
        for start, reasons in harvested.incomplete.items():
            st.warning(f"{escape_markdown(start)} : {escape_markdown('; '.join(reasons))}. Ce qu'elle ne montre plus est gardé "
                       "(non retiré : lecture incomplète).")
        if harvested.unconfirmed and st.button("Confirmer le retrait", key="confirm-withdrawal",
                                               help="Le site a vraiment retiré ces publications : les retirer de l'index."):
            try:
                with writer_lock(settings, "moissonnage du site"):
                    st.session_state["last_harvest"] = harvest(settings, harvested.unconfirmed, settings.sources_path,
                                                               confirm_withdrawal=True)
                    st.session_state["last_report"] = refresh(settings, [settings.sources_path], embedder=svc.embedder)
                st.rerun()
            except BoussoleError as exc:
                st.error(escape_markdown(french_message(exc)))
        for warning in harvested.warnings:
            st.caption(escape_markdown(warning))
    report = st.session_state.get("last_report")
    if report:
        st.success(f"Index à jour : {report.added} ajouté(s), {report.updated} modifié(s), "
                   f"{report.unchanged} inchangé(s), {report.removed} retiré(s), {report.failed} en échec.")
        for failure in report.failures:
            st.warning(f"{escape_markdown(failure.path)} : {escape_markdown(failure.reason)}")
        for warning in report.warnings:
            st.caption(escape_markdown(warning))

with documents:
    st.header("Modifier la fiche d'un document")
    index = None
    try:
        index = svc.handle.get()
    except BoussoleError:
        st.write("Aucun document indexé.")
    if index:
        sources = settings.sources_path.resolve()
        own = [d for d in index.documents.values() if index.roots.get(d.root) == sources]
        if own:
            doc = st.selectbox("Document", own, format_func=lambda d: d.title)
            with st.form(f"edit-{doc.doc_id}"):
                title = st.text_input("Titre", doc.title)
                url = st.text_input("Adresse (URL)", doc.url)
                date = st.text_input("Date (AAAA, AAAA-MM ou AAAA-MM-JJ)", doc.date)
                kind = st.text_input("Type", doc.type)
                themes = st.text_input("Thèmes (séparés par ;)", ";".join(doc.themes))
                description = st.text_area("Description", doc.description)
                if st.form_submit_button("Enregistrer la fiche"):
                    try:
                        saved = update_document(settings, sources, doc.source,
                                                Metadata(title, url, date, kind, tuple(themes.split(";")), description))
                        st.success(f"Fiche enregistrée dans {escape_markdown(saved.relative_to(sources))} ; "
                                   "mettez à jour l'index pour l'appliquer.")
                    except BoussoleError as exc:
                        st.error(escape_markdown(french_message(exc)))

    st.header("Les documents tels que Boussole les voit")
    statuses = document_statuses(index, settings.index_path)
    failed = [s for s in statuses if s.failure]
    if failed:
        st.warning(f"{len(failed)} fichier(s) n'ont pas pu être lus à la dernière mise à jour ; "
                   "ils sont marqués « en échec » ci-dessous.")
    query = st.text_input("Chercher un document (mots du titre ou du fichier)", key="curator-search")
    found = search(statuses, query, lambda s: f"{s.label} {s.path}")
    pages = max(1, -(-len(found) // PAGE_SIZE))
    number = st.number_input(f"Page (sur {pages})", min_value=1, max_value=pages, value=1, key="curator-page")
    shown = page_of(found, int(number))
    st.caption(f"{len(found)} document(s) sur {len(statuses)} ; page {shown.number} sur {shown.pages}.")
    if shown.items:
        chosen = st.selectbox("Document", shown.items, key="curator",
                              format_func=lambda s: ("En échec — " if s.failure else "") + s.label)
        st.text(status_text(chosen))
        if chosen.indexed:
            passages = index.document_passages(chosen.doc_id)
            with st.expander(f"Ses {len(passages)} passage(s), tels qu'ils seront cités"):  # folded: a PDF has hundreds
                st.html(passages_html(passages))
            cols = st.columns(2)
            if cols[0].button("Relire ce document"):
                try:
                    st.session_state["last_report"] = reread_document(settings, index, chosen.doc_id, svc.embedder)
                    st.rerun()
                except BoussoleError as exc:
                    st.error(escape_markdown(french_message(exc)))
            confirmed = cols[1].checkbox("Supprimer aussi le fichier et sa ligne du catalogue")
            if chosen.harvested:
                cols[1].caption("Document moissonné sur le site : il ne sera plus repris par les moissonnages "
                                "(« Rétablir » dans « Documents retirés du moissonnage »).")
            if cols[1].button("Retirer ce document", disabled=not confirmed):
                try:
                    st.session_state["last_report"] = remove_document(settings, index, chosen.doc_id, svc.embedder)
                    st.rerun()
                except BoussoleError as exc:
                    st.error(escape_markdown(french_message(exc)))

with visitors:
    st.header("Ce que cherchent les visiteurs")
    kept_store = insight_store(settings)
    if settings.insights:
        most = f"{settings.insights_max_questions:,}".replace(",", "\u202f")
        rate = settings.insights_rate_limit.replace("/hour", " par heure").replace("/day", " par jour")
        st.write(f"Conservation activée : Boussole garde, sans rien de personnel, les questions auxquelles il n'a pas "
                 f"su répondre et celles dont la réponse a été jugée inutile, {settings.insights_days} jours au plus ; "
                 f"{most} questions au plus (au-delà, les plus anciennes sont effacées les premières), et {rate} au plus "
                 "venues d'une même adresse.")
    else:
        st.write("Conservation désactivée (BOUSSOLE_INSIGHTS n'est pas à 1) : aucune question n'est gardée.")
    today = datetime.date.today()
    kept = kept_store.since(today - datetime.timedelta(weeks=INSIGHT_WEEKS))
    if kept:
        found = visitor_themes(kept, today, index.build_id if index else "")
        grouped = sum(t.size for t in found)
        st.caption(f"{len(kept)} question(s) des {INSIGHT_WEEKS} dernières semaines"
                   + (f", dont les {grouped} plus récentes regroupées" if grouped < len(kept) else "")
                   + f", en {len(found)} thème(s)"
                   + (f" ; les {SEARCHED} plus grands ci-dessous, tous dans l'export." if len(found) > SEARCHED else "."))
        for theme in found[:SEARCHED]:
            st.html(theme_html(theme))
        st.download_button("Exporter les thèmes (CSV)", themes_csv(found), file_name="boussole-themes.csv", mime="text/csv")
    if kept_store.count() and st.button("Tout effacer", key="insights-clear"):
        st.success(f"{kept_store.clear()} question(s) effacée(s).")
