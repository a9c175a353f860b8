"""What shape an answer takes: sentences that answer, or — for a request for documents, however
it is phrased (« Avez-vous un guide sur… », « vous auriez quelque chose sur… », « où trouver… »,
« il me faudrait un support sur… », « guides égalité ») — the list of the matching documents.

A logistic regression over a few named features of the question (FEATURES: the patterns below,
each a yes or no). Its weights and its probability threshold are learned by
``benchmarks/train_shapes.py`` on the request dev set and the factual dev sets, and shipped in
``retrieval/shapes.json``; ``python benchmarks/shapes.py`` measures it on those and on the
held-out sets (README « Requests for documents »). A fact question given a list loses its answer,
a request answered in sentences still shows the documents cited, so the threshold favours precision.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.analysis import fold, without_plural
from core.logistic import LogisticModel
from core.sentences import sentence_spans
from retrieval.answer import Answer, citations_of
from retrieval.search import SearchResult

SHAPES_PATH = Path(__file__).with_name("shapes.json")

FEATURES = (
    "cue_kind",  # a cue to have, find, be sent or shown (« avez-vous », « je cherche », « où trouver »…) then a kind of document or « quelque chose » within a few words
    "cue_kind_object",  # the same, the kind being what the cue asks for: no « pour », « sur », « qui »… between them
    "which_kind",  # a which-question on a kind of document (« quels guides… »)
    "reading",  # « que lire », « se documenter », « qu'avez-vous sur… »
    "kind_available",  # a kind of document said to exist or be available (« un guide existe-t-il ? »)
    "bare_kind",  # a noun phrase headed by a kind of document (« fiche adultes-relais »)
    "names_kind",  # names a kind of document at all (a typo of one letter forgiven)
    "paperwork",  # papers to hand in or handed over (« les documents à fournir »), what one must do
    "opens_question_word",  # opens on qui, quand, combien, pourquoi, comment, que, quoi, à quoi… (« pour qui » too), not « que lire »
    "ends_question_word",  # a clause ends on one, as spoken French asks (« c'était quand ? », « par qui ? », « tous les combien ? »)
    "question_word_inside",  # quand, combien, pourquoi, « à quoi », « par qui »… anywhere
    "which_other",  # a which-question on something else (« quels leviers… », « quel est le titre… »)
    "about",  # asks what a document says or one of its facts (« selon le guide », « résumez », « l'auteur »…)
    "about_it",  # a verb after the document named (« le guide parle-t-il… », « un guide peut-il… »)
    "yes_no_other",  # a yes/no question about something other than whether documents are to be had
)

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
OPENS_QUESTION = re.compile(
    r"^(qui|quand|combien|pourquoi|comment|que|qu|quoi|a quoi|de quoi|ou se passe)\b|"
    r"^(pour|par|a|avec|chez|depuis|jusqu a|en) (qui|quand|combien|quelle annee)\b")
# the question word where spoken French puts it, at the end of a clause: « c'était quand ? »
# (not opening it: « quels guides ? » is a which-question; nor « n'importe lequel »)
ENDS_QUESTION = re.compile(r"(?<!importe)(?<=\w) (qui|quand|combien|pourquoi|comment|quoi|ou|lequel|laquelle|"
                           r"(quel|quels|quelle|quelles) \w+)"
                           r"( (ca|ce|c|il|elle|on|donc|exactement|precisement|svp|merci|en fait|dedans|la dedans|au depart))*$")
# question words that ask a fact wherever they stand; « qui » only after a preposition (« un guide qui… » is no question)
QUESTION_INSIDE = re.compile(r"\b(quand|combien|pourquoi|(a|de|en|sur|avec|pour) quoi(?! lire)|c est quoi|"
                             r"(par|pour|a|avec|chez|de) qui|depuis quand|jusqu a quand|quelle (annee|date|heure))\b")
ABOUT = re.compile(
    r"\b(selon|d apres|dans) (le|la|les|l|ce|cette|ces|vos|votre)\b|"
    r"\b(resume|resumez|resumer|explique|expliquez|expliquer|detaillez|dites moi|chiffres?|retenir|"
    r"contient|contiennent|propose t|recommande|preconise|aborde|traite t|auteurs?|titre|message|date|"
    r"conclusions?|citer|imprimer|diffuser|reutiliser|gratuits?|libres? de droits|a jour)\b")
LEAD_QUESTION = re.compile(r"^(quel|quels|quelle|quelles) (\w+)")
GREETINGS = re.compile(r"^((bonjour|bonsoir|salut|merci|svp|s il vous plait|s il te plait|stp)\b\W*)+")
DETERMINERS = {"un", "une", "des", "le", "la", "les", "l", "du", "de", "d", "vos", "votre", "tous", "toutes"}
WINDOW = 5  # words between the cue and the kind of document
ONE_LINE_WORDS = 30


# a yes/no question: the subject after its verb (« peuvent-ils », « le guide parle-t-il »), or « est-ce que »
YES_NO = re.compile(r"\w-(t-)?(il|elle|ils|elles|on)\b|\best-ce qu|\best ce qu")
# …unless what it asks is whether there is something to have: then it is a request's
HAVING = re.compile(r"\b(avez vous|auriez vous|vous avez|vous auriez|tu as|tu aurais|y a t il|y a til|il y a|y aurait il|"
                    r"existe t il|existe il|il existe|pouvez vous|pourriez vous|vous pouvez|vous pourriez|tu peux|tu pourrais|"
                    r"est il possible|c est possible)\b")
# object of a cue: a kind after one of these is what the document is about or for, not what is asked
NOT_OBJECT = {"pour", "sur", "qui", "que", "qu", "afin", "dont", "avec", "concernant", "sans", "comment", "quand",
              "combien"}
SPOKEN = {"koi": "quoi", "kwa": "quoi", "qd": "quand", "cb": "combien", "cmb": "combien", "ki": "qui"}


@dataclass(frozen=True)
class ShapeModel:
    logistic: LogisticModel  # over FEATURES, each a yes or no
    threshold: float  # a question at least this likely to ask for documents gets the list

    def to_json(self) -> dict:
        return {**self.logistic.to_json(), "threshold": self.threshold}

    @classmethod
    def from_json(cls, data: dict) -> ShapeModel:
        return cls(LogisticModel.from_json(data, FEATURES, "benchmarks/train_shapes.py"), float(data["threshold"]))


@cache
def load_shape_model(path: Path = SHAPES_PATH) -> ShapeModel:
    return ShapeModel.from_json(json.loads(path.read_text(encoding="utf-8")))


def asks_for_documents(question: str) -> bool:
    model = load_shape_model()
    return model.logistic.probability(question_features(question)) >= model.threshold


def question_features(question: str) -> tuple[float, ...]:
    """One value of FEATURES each, 1.0 or 0.0."""
    text = _plain(question)
    clauses = _clauses(question)
    cue_kind = cue_object = which_kind = available = bare = False
    for clause, raw in clauses:
        words = clause.split()
        match = QUESTION_KIND.match(clause)
        which_kind |= bool(match and (_is_kind(match.group(6)) or match.group(7) and _is_kind(match.group(7).strip())))
        for cue in CUES.finditer(clause):
            following = clause[cue.end():].split()[:WINDOW + 1]
            if _names_document(following, vague=True):
                cue_kind = True
                before = following[:next((i for i, w in enumerate(following)
                                          if _names_document([w], vague=True) or w == "quelque"), len(following))]
                cue_object |= not NOT_OBJECT & set(before)
        kinds_at = [i for i, w in enumerate(words) if _is_kind(w)]
        available |= bool(kinds_at and AVAILABLE.search(" ".join(words[kinds_at[0]:])))
        bare |= _bare_kind(words)
    names = any(_names_document(clause.split(), vague=False) for clause, _ in clauses)
    lead = LEAD_QUESTION.match(text)
    reading = READING.search(text)
    opens = not reading and any(OPENS_QUESTION.search(c) for c, _ in clauses)
    ends = any(ENDS_QUESTION.search(c) and len(c.split()) > 1 for c, _ in clauses)
    yes_no = bool(YES_NO.search(question.lower())) and not HAVING.search(text) and not AVAILABLE.search(text)
    return tuple(float(bool(v)) for v in (
        cue_kind, cue_object, which_kind, reading, available, bare, names, PAPERWORK.search(text),
        opens, ends, QUESTION_INSIDE.search(text), lead and not which_kind and not _is_kind(lead.group(2)),
        ABOUT.search(text), any(ABOUT_IT.search(raw) for _, raw in clauses), yes_no))


def _bare_kind(words: list[str]) -> bool:
    """A noun phrase headed by a kind of document, after determiners and « pistes de », « liste de »…"""
    if not words:
        return False
    rest = LEADS.sub("", " ".join(w for w in words if w not in DETERMINERS) + " ").split() or words
    start = [w for w in rest if w not in DETERMINERS][:1]
    return bool(start) and rest[0] not in {"dans", "selon", "pour"} and _names_document(
        start + rest[rest.index(start[0]) + 1:][:2], vague=False, first_only=True)


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
    words = re.sub(r"[^\w]+", " ", fold(text)).replace("centre de ressources", "centre").split()
    return " ".join(SPOKEN.get(w, w) for w in words)


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
