"""What shape an answer takes: sentences that answer, or — for a request for documents, however
it is phrased (« Avez-vous un guide sur… », « vous auriez quelque chose sur… », « où trouver… »,
« il me faudrait un support sur… », « guides égalité ») — the list of the matching documents.

A grammar, written from ``data/eval/requests-dev.jsonl`` and measured on
``requests-heldout.jsonl`` (``python benchmarks/shapes.py``). In order:
1. Paperwork to hand in or handed over (« les documents à fournir », « quel document faut-il
   signer », « quels documents sont délivrés au travailleur… ? ») and
   questions opening on qui, quand, combien or pourquoi are answers (and, asking about a document
   they name, on « pour qui », « par qui », « depuis quand »…).
2. « Que lire… », « se documenter », « qu'avez-vous sur… » are requests.
3. So is a clause that asks to have, find, be sent or shown something (« avez-vous », « je
   cherche », « où trouver », « envoyez-moi »…) with a kind of document (a typo of one letter
   forgiven) or « quelque chose » within a few words; a which-question on a kind of document
   (« quels guides… »); a kind of document said to exist (« un guide existe-t-il ? »); or a bare
   noun phrase headed by one (« fiche adultes-relais »).
4. Any other question that names a kind of document asks for it, unless it asks about it: what it
   says or holds (« que dit… », « selon le guide… », « le guide parle-t-il… »), how to do something
   (« comment rédiger un dossier… »), or one of its facts (« quel est le titre du guide ? »).
Rule 4 came last: with rules 1–3 alone, recall on a held-out set was 0.77 (verbs never seen).
"""

from __future__ import annotations

import re
from functools import cache

from core.analysis import fold, without_plural
from core.sentences import sentence_spans
from retrieval.answer import Answer, citations_of
from retrieval.search import SearchResult

# singular forms, accents removed; plurals (s, x) are folded before matching
KINDS = {"guide", "document", "doc", "documentation", "ressource", "webinaire", "dossier", "fiche",
         "publication", "texte", "etude", "outil", "support", "kit", "replay", "synthese", "rapport",
         "bibliographie", "reference", "lecture", "video", "pdf", "selection", "brochure", "plaquette",
         "memento", "livret", "tutoriel", "livre", "ouvrage"}
KIND_PHRASES = ("compte rendu", "boite a outils", "infos ecrites", "bonnes pratiques", "de quoi lire")
# what may stand for a document after a cue: « vous avez quelque chose / un truc / quoi sur… »
VAGUE = {"truc", "quoi", "exemple", "chose"}
CUES = re.compile(
    r"\b(avez vous|vous avez|auriez vous|vous auriez|aurais tu|tu as|tu aurais|existe t il|il existe|"
    r"existe il|y a t il|y a til|ya t il|ya til|il y a|y a|y aurait il|je cherche|jcherche|je recherche|"
    r"nous cherchons|nous recherchons|on cherche|on recherche|cherche|recherche|je voudrais|je veux|"
    r"je souhaite|je souhaiterais|j aimerais|nous voudrions|on voudrait|il me faut|il me faudrait|"
    r"il nous faut|il nous faudrait|il faudrait|il faut|besoin de|besoin d|avoir|obtenir|recevoir|"
    r"trouver|trouve|trouvent|acceder|consulter|telecharger|donnez moi|donnez nous|donner|envoyez moi|envoyez nous|envoyer|"
    r"montrez moi|montrer|indiquer|orienter|signaler|recommander|recommandez|conseiller|conseillez|"
    r"lister|liste d|liste des|ou sont|ou est|lesquels|lesquelles|connaissez vous|vous connaissez|connaissez|proposez vous|a t il publie|"
    r"a lire|choses a lire|comme)\b")
# « quels guides… », « vers quelles ressources… », « quelles sont les nouvelles publications ? »
QUESTION_KIND = re.compile(r"^(vers )?(quel|quels|quelle|quelles)( (est|sont) (le|la|les|vos))? (\w+)( \w+)?")
# what do you have on…, what to read, to find out about a subject
READING = re.compile(r"^(que|quoi) lire\b|\bde quoi lire\b|\b(choses?|quelque chose|trucs?) a lire\b|"
                     r"\b(me|se|nous) documenter\b|"
                     r"\b(ce que|qu est ce que|qu|que) (vous avez|vous auriez|avez vous|auriez vous)( \w+){0,3} (sur|comme)\b")
# « un guide existe-t-il… », « les replays sont-ils disponibles ? »
AVAILABLE = re.compile(r"\b(existe|existent|se trouve|se trouvent|disponibles?|dispo)\b")
# a bare noun phrase may open on these before the kind: « des pistes de lecture sur… »
LEADS = re.compile(r"^(pistes?|idees?|liste|selection|ensemble|choix) ")  # determiners already gone
# paperwork to hand in, not publications to read
PAPERWORK = re.compile(r"\ba (fournir|joindre|signer|remplir|envoyer|deposer|produire)\b|"
                       # « quels documents sont délivrés au travailleur… », « …nécessaires pour conclure… »
                       r"\b(documents?|pieces?|papiers?|textes?) (\w+ ){0,3}(necessaires?|exiges?|requis|obligatoires?|"
                       r"delivres?|remis|soumis|a remettre|a produire|a presenter)\b|\b(remettre|delivrer) (au|aux|a)\b|"
                       r"\b(remplir|joindre|deposer|signer)\b|\bfaut il\b|\b(dois je|je dois|doit on|on doit|devons nous|nous devons)\b|\bjustificati")
# a verb asking about the document named first: « le guide parle-t-il… », « un guide peut-il… »
ABOUT_IT = re.compile(r"\w-(t-)?(il|elle|ils|elles)\b|\b(dit|disent|parle|parlent|cite|citent|"
                      r"mentionne|explique-t|est(?!-ce| ce)|sont|peut|peuvent|coute|date)\b")
# What a question asks about a document it names: its content, its makers, its date, what it is.
ABOUT = re.compile(
    r"^(qui|quand|combien|pourquoi|comment|que|qu|quoi|a quoi|de quoi|ou se passe|est ce que (le|la|les|ce|cette|je|on))\b|"
    r"^(pour|par|a|avec|chez|depuis|jusqu a|en) (qui|quand|combien|quelle annee)\b|"
    r"^(quel|quels|quelle|quelles) (est|sont|etait|etaient) (le|la|les|l)\b|"
    r"\b(selon|d apres|dans) (le|la|les|l|ce|cette|ces|vos|votre)\b|"
    r"\b(resume|resumez|resumer|explique|expliquez|expliquer|detaillez|dites moi|chiffres?|retenir|"
    r"contient|contiennent|propose t|recommande|preconise|aborde|traite t|auteurs?|titre|message|date|"
    r"conclusions?|citer|imprimer|diffuser|reutiliser|gratuits?|libres? de droits|a jour)\b")
LEAD_QUESTION = re.compile(r"^(quel|quels|quelle|quelles) (\w+)")
GREETINGS = re.compile(r"^((bonjour|bonsoir|salut|merci|svp|s il vous plait|s il te plait|stp)\b\W*)+")
DETERMINERS = {"un", "une", "des", "le", "la", "les", "l", "du", "de", "d", "vos", "votre", "tous", "toutes"}
WINDOW = 5  # words between the cue and the kind of document
ONE_LINE_WORDS = 30


def asks_for_documents(question: str) -> bool:
    text = _plain(question)
    if PAPERWORK.search(text) or text.split()[:1] in (["qui"], ["quand"], ["combien"], ["pourquoi"]):
        return False
    if READING.search(text):
        return True
    clauses = _clauses(question)
    if any(_clause_asks(clause, raw) for clause, raw in clauses):
        return True
    # any other question naming a kind of document asks for it, unless it asks about it
    names = any(_names_document(clause.split(), vague=False) for clause, _ in clauses)
    lead = LEAD_QUESTION.match(text)
    about = (ABOUT.search(text) or any(ABOUT_IT.search(raw) for _, raw in clauses)
             or lead and not _is_kind(lead.group(2)))
    return names and not about


def _clause_asks(clause: str, raw: str) -> bool:
    words = clause.split()
    if not words:
        return False
    match = QUESTION_KIND.match(clause)
    if match and (_is_kind(match.group(6)) or match.group(7) and _is_kind(match.group(7).strip())):
        return True
    for cue in CUES.finditer(clause):
        following = clause[cue.end():].split()[:WINDOW + 1]
        if _names_document(following, vague=True):
            return True
    kinds_at = [i for i, w in enumerate(words) if _is_kind(w)]
    if kinds_at and AVAILABLE.search(" ".join(words[kinds_at[0]:])):
        return True
    words = LEADS.sub("", " ".join(w for w in words if w not in DETERMINERS) + " ").split() or words
    start = [w for w in words if w not in DETERMINERS][:1]
    return bool(start) and words[0] not in {"dans", "selon", "pour"} and _names_document(
        start + words[words.index(start[0]) + 1:][:2], vague=False, first_only=True) and not ABOUT_IT.search(raw)


def _names_document(words: list[str], vague: bool, first_only: bool = False) -> bool:
    joined = " ".join(words)
    if any(joined.startswith(p) if first_only else f" {p} " in f" {joined} " for p in KIND_PHRASES):
        return True
    if vague and any(without_plural(w) in VAGUE for w in words) or vague and "quelque chose" in joined:
        return True
    return any(_is_kind(w) for w in (words[:1] if first_only else words))


def _is_kind(word: str) -> bool:
    word = without_plural(word)
    return word in KINDS or word in typos_of_kinds()


@cache
def typos_of_kinds() -> frozenset[str]:
    """The words of four letters or more one letter away from a kind of document of five or more
    (added, dropped, changed, or two swapped: « documant », « giude »), except the words of
    French (pyspellchecker's French list, folded): « élection » is no typo of « sélection », nor
    « tête » of « texte », « riche » of « fiche », « apport » of « rapport »."""
    from spellchecker import SpellChecker
    french = {without_plural(fold(w)) for w in SpellChecker(language="fr", distance=1).word_frequency.keys()}
    variants = {v for kind in KINDS if len(kind) >= 5 for v in _one_edit_variants(kind)}
    return frozenset(v for v in variants if len(v) >= 4 and v not in KINDS and v not in french)


def _one_edit_variants(word: str) -> set[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in letters}
            | {a + c + b for a, b in splits for c in letters})


def _plain(text: str) -> str:
    """Lower case, no accents, apostrophes and hyphens as spaces, one space between words; « centre
    de ressources » is who answers, not a kind of document."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(text)).replace("centre de ressources", "centre").split())


def _clauses(question: str) -> list[tuple[str, str]]:
    """The question cut at commas, colons and sentence ends: plain text, and the original."""
    out = []
    for raw in re.split(r"[,;:.!?()]+", question):
        plain = GREETINGS.sub("", _plain(raw))
        if plain:
            out.append((plain, raw.lower()))
    return out


def one_line(text: str) -> str:
    """The first sentence of a passage, cut to about one line."""
    spans = sentence_spans(text)
    first = " ".join((text[spans[0][0]:spans[0][1]] if spans else text).split())
    words = first.split()
    return first if len(words) <= ONE_LINE_WORDS else " ".join(words[:ONE_LINE_WORDS]) + "…"


def document_list(question: str, result: SearchResult) -> Answer:
    """One entry per document (the result holds one passage per document), best first."""
    citations = citations_of(result)
    if result.no_answer or not citations:
        return Answer(question, [], citations, mode="documents", no_answer=True, near=result.near)
    return Answer(question, [], citations, mode="documents",
                  listing=[f"[{c.n}] {c.hit.document.title} — {c.hit.document.type or 'document'}, "
                           f"{c.hit.document.date or 'sans date'} : "
                           f"{c.hit.document.description or one_line(c.hit.passage.text)}" for c in citations])
