"""What fact a question asks for, and whether a sentence states it.

« Combien de temps durent les contrats de ville ? » asks for a duration: it is answered by the
sentence that says « pour une durée de six ans », not by the one that best matches its words, and
when no sentence of the documents states a duration about contracts, the honest answer is that the
publications do not give it. The kinds told apart are those the issue lists — a duration, a date,
an amount, a count, an age, a person or body, a place; a question asking for an explanation
(« comment », « pourquoi ») or anything else asks for no kind here.

What is read here — a phrase of the kind asked (« six ans », « 3 groupes », « à Lodève »), how
much of what the question is about is near it (``about_share``), a definition, an exception —
are features of the learned sentence ranker (retrieval/ranker.py), which weighs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from core.analysis import Analyzer, fold, without_plural
from retrieval.glossary import load_glossary
from retrieval.wording import load_wording

_NUMBER = (r"(?:\d+(?:[ \u00a0.,]\d+)*|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|"
           r"trente|quarante|cinquante|soixante|cent|cents|mille|demi)")
# a count: a number that is neither a year (« en 2024 pour les contrats ») nor a section's (« 3.3 Décrire »)
_COUNT = (r"(?:(?<![\d.,])(?!(?:19|20)\d\d\b)\d+(?:[ \u00a0.]\d{3})*(?![.,]?\d)|"
          r"\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|quarante|"
          r"cinquante|soixante|cent|mille|millions?|milliers|centaines|dizaines))")
_TIME_UNIT = r"(?:ans?|annees?|mois|semaines?|jours?|heures?|minutes?|trimestres?|semestres?)"
_MONTH = r"(?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)"
_YEAR = r"(?:1[89]|20)\d\d"

# what a sentence stating a fact of each kind holds (matched on folded text: no accents, lower case);
# a duration may be vague or written short (« plusieurs semaines », « de 1h30 », « sous 24h »), a
# count in thousands (« un million de lignes », « plusieurs milliers de documents »)
STATEMENTS = {
    "duration": re.compile(rf"\b(?:{_NUMBER}|plusieurs|quelques)\s+(?:\w+\s+)?{_TIME_UNIT}\b|\btous les {_TIME_UNIT}\b|"
                           rf"\bchaque {_TIME_UNIT}\b|\b\d+\s?h(?:\d\d)?\b|\b\d+\s?min\b"),
    "date": re.compile(rf"\b{_YEAR}\b|\b\d{{1,2}}(?:er)?\s+{_MONTH}\b|\b{_MONTH}\s+{_YEAR}\b|"
                       r"\bl'annee (?:du|de la|suivante|precedente|qui suit)\b|\bau plus tard\b|\ba compter du\b"),
    "amount": re.compile(rf"\b{_NUMBER}\s*(?:€|euros?|%|pour cent)|\bsmic\b|\bmois de salaire\b|\bgratuit"),
    "age": re.compile(rf"\bages? (?:de |d'au moins |de moins de |de plus de )?{_NUMBER}|"
                      rf"\b(?:au moins|moins de|plus de|de|des) {_NUMBER}(?: (?:a|et) {_NUMBER})? ans\b|"
                      rf"\b{_NUMBER} ans (?:au minimum|au maximum|revolus|et plus|minimum|maximum)\b|\bmajeur|\bmineur"),
    "person": re.compile(r"\b(?:[A-ZÉ][a-zà-ÿ]+|[A-Z]{2,})\b|\b(?:maire|prefet|representant|ministre|"
                         r"etat|etablissement|observatoire|conseil|commission|association|organisme|employeur|agence|"
                         r"direction|centre|comite|departement|region|commune|president|delegue|decret|arrete|"
                         r"inspecteur|juge|tribunal|caisse|operateur|bailleur|habitant)(?:s|x)?\b"),  # « les régions »
    "place": re.compile(r"\b(?:à|au|aux|en|dans|près de|sur)\s+(?:l['’]|la |le |les )?[A-ZÉ]|"
                        r"\bdans (?:chaque|tous les|toutes les|les|le|la) (?:quartiers?|communes?|departements?|regions?|villes?)\b|"
                        r"\ba l'echelle\b|\baupres (?:de|du|des|d')|\bau sein (?:de|du|des|d')|\ben ligne\b|\ba domicile\b|\bsur place\b|"
                        r"\bsur (?:le site|internet|la plateforme)\b|"
                        r"\bpar (?:des|un|une|les|le|la) (?:centres?|organismes?|services?|prestataires?|etablissements?)\b"),
}
_CASED = {"person", "place"}  # their phrases are found by capital letters: matched on the original text

# the question's words that say which kind it asks, folded, most specific first
_ASKS = [
    ("age", re.compile(r"\bquel age\b|\bage minimum\b|\bage maximum\b|\ba partir de quel age\b")),
    ("duration", re.compile(r"\bcombien de temps\b|\bpendant combien\b|\bduree\b|\bdure(?:nt)?\b|\bdure t il\b|"
                            r"\bquel (?:delai|preavis)\b|\bdans quel delai\b|\btous les combien\b|\ba quelle frequence\b|"
                            r"\bcombien d'(?:heures|annees|ans)\b|\bcombien de (?:jours|mois|semaines|heures)\b")),
    # « quand » asks when only where it opens or ends the question (« il a eu lieu quand ? ») or a
    # verb follows it: « que faire quand le contrat se termine ? » asks what to do
    ("date", re.compile(r"(?:^|: |, )(?:et |mais )?quand\b|\bquand\s*\?*$|\bquel(?:le)? est la date\b|\bquand (?:a|ont|est|sont|aura|auront|doit|doivent|faut il|"
                        r"commence|commencent|se|s'|peut on|peut)\b|\bquelle (?:est la )?date\b|\ba quelle date\b|\ben quelle annee\b|\bde quand\b|"
                        r"\bdepuis quand\b|\bjusqu'a quand\b")),
    ("amount", re.compile(r"\bquel(?:le)? (?:est (?:le|la) )?(?:montant|salaire|prix|cout|budget|tarif|remuneration|"
                          r"indemnite|somme|taux|pourcentage|plafond|seuil|penalite)\b|\bmontant\b|"
                          # « quel est le minimum par jour de l'allocation ? »: of money, unless a unit follows
                          r"\bquel(?:le)? est l[ea] (?:minimum|maximum|plancher)\b(?! (?:de|d'|en) ?(?:heures|jours|mois|semaines|annees|ans|personnes))|"
                          r"\bcombien (?:coute|coutent|touche|touchent|gagne|gagnent|paie|paye|rapporte|faut il payer)\b|"
                          r"\bc'est combien\b|\bcombien\s*\?|\bcombien d'argent\b|\bcombien d'euros\b")),
    ("count", re.compile(r"\bcombien (?:de|d'|y a t il de|y a t il d')\s*\w|\bquel (?:est le )?nombre\b")),
    ("person", re.compile(r"^qui\b|\bpar qui\b|\bavec qui\b|\ba qui\b|\bqui (?:est|sont|a|ont|fait|decide|fixe|"
                          r"signe|preside|dirige|anime|organise)\b|\bquel(?:le)? (?:organisme|acteur|association|service|"
                          r"structure|institution|personne)\b")),
    # « où » ending the question asks where (« on doit la mettre où ? »); « ou » inside it may mean « or »
    ("place", re.compile(r"^ou\b|\bou\s*\?*$|\bou (?:se|s'|a|ont|est|sont|y|trouver|se trouve)\b|\bdans quelle (?:ville|commune|region)\b|"
                         r"\ba quel endroit\b|\bquel lieu\b")),
]
# words of the question that say what it asks, not what it is about (and the verbs « on peut »,
# « faut-il être » that say neither)
_CUE_WORDS = " ".join(("combien temps quand quel quelle quels quelles qui ou date annee duree dure durent delai "
                       "montant nombre age minimum maximum frequence faut partir lieu endroit "
                       "peut peuvent pouvoir doit doivent devoir etre avoir ca cela on").split())
# an exception to a rule, or an addition to it (« Ces contrats peuvent également être signés par… »)
_EXCEPTION = re.compile(r"\bpar derogation\b|\ba defaut\b|\bsauf\b|\btoutefois\b|\bexceptionnellement\b|"
                        r"\ba titre exceptionnel\b|\bqui ne (?:peut|peuvent|pourrait|pourraient) (?:pas )?etre\b|"
                        r"\b(?:peut|peuvent) (?:egalement|aussi)\b")
_ASKS_EXCEPTION = re.compile(r"\bexception|\bderog|\bne (?:peut|peuvent|pourra|pourront)\b|"
                             r"\bne (?:sont|est|peut on) (?:pas|plus)\b|\bn'(?:est|ont|a|ai|avons) (?:pas|plus)\b|\ben retard\b")
# spoken forms of the question words: « c'est quoi le taux ? » (« c quoi », « c koi ») asks what
# « quel est le taux ? » does
_SPOKEN = [(re.compile(r"\bc(?:'est| ?) ?(?:quoi|koi) (?=l[ea] |l')"), "quel est "), (re.compile(r"\bc'est quand\b"), "quand est")]
_AVERAGE = re.compile(r"\ben moyenne\b|\b(?:duree|salaire|montant|cout|prix|age|nombre|temps|delai|taux|"
                      r"revenu|remuneration)s? moyen(?:ne)?s?\b")  # not « le moyen de… »
_COUNTED = re.compile(r"\bcombien (?:de |d'|y a t il de |y a t il d')\s*([a-z-]+)")


# Kinds whose statement a pattern finds reliably: when no sentence states one, the answer says the
# publications do not give it. A place is found in lower case too (« dans chaque quartier », « auprès
# de la mairie »). A person or body is often named in lower case among other nouns (« les médecins,
# les sages-femmes »): for it a stating sentence is preferred, never required.
REQUIRED = frozenset({"duration", "date", "amount", "count", "age", "place"})


@dataclass(frozen=True)
class AskedFact:
    kind: str
    counted: str = ""  # for a count: the folded noun counted (« membres »), which the number must go with
    average: bool = False  # « en moyenne », « le salaire moyen »: a rule's value is no average

    @property
    def required(self) -> bool:
        return self.kind in REQUIRED


def asked_fact(question: str) -> AskedFact | None:
    """The fact ``question`` asks for, or None (an explanation, a yes-no question, a definition…)."""
    text = _plain(question)
    for spoken, written in _SPOKEN:
        text = spoken.sub(written, text)
    kind = next((kind for kind, asks in _ASKS if asks.search(text)), None)
    if kind is None:
        return None
    counted = _COUNTED.search(text) if kind == "count" else None
    return AskedFact(kind, counted.group(1) if counted else "", bool(_AVERAGE.search(text)))


def says_average(sentence: str) -> bool:
    """Whether ``sentence`` gives an average (« en moyenne », « la durée moyenne »): a question
    asking how long a case lasts on average is not answered by the time limit to bring it."""
    return bool(_AVERAGE.search(_plain(sentence)))


def states_exception(sentence: str) -> bool:
    """Whether ``sentence`` states an exception to a rule (« Les contrats qui ne peuvent être signés
    dans le délai prévu le sont, au plus tard… », « par dérogation », « à défaut »): a question
    asked in general is answered by the rule."""
    return bool(_EXCEPTION.search(_plain(sentence)))


def asks_exception(question: str) -> bool:
    """Whether ``question`` asks about an exception itself (« … s'ils ne peuvent être signés dans
    le délai ? », « peut-on y déroger ? »): then the sentence stating it is not held back."""
    return states_exception(question) or bool(_ASKS_EXCEPTION.search(_plain(question)))


# « c'est quoi un QPV », « qu'est-ce que… », « définition de… », « ça veut dire quoi » ask what
# something is; a sentence defines it when it opens on it and a defining verb follows
_ASKS_DEFINITION = re.compile(r"\bc'est quoi\b|\bqu'est ce qu|\bque (?:veut dire|veulent dire|signifie|designe)\b|"
                              r"\bca (?:veut dire|signifie|designe) quoi\b|\bdefinition\b|\bdefinir\b")
_DEFINES = re.compile(r"\b(?:est|sont|designe|designent|signifie|se definit|se definissent|s'entend|s'entendent|"
                      r"correspond|correspondent|constitue|constituent|consiste)\b|\bon (?:appelle|entend par|designe)\b")
DEFINED_SHARE = 0.5  # of what the question asks about, held by the words before the defining verb
HEAD_WORDS = 15  # the defining verb comes within these words of the sentence's start


def asks_definition(question: str) -> bool:
    """Whether ``question`` asks what something is (and no fact: « c'est quoi le taux… » asks an amount)."""
    return asked_fact(question) is None and bool(_ASKS_DEFINITION.search(_plain(question)))


def defines(question: str, sentence: str, analyzer: Analyzer) -> bool:
    """Whether ``sentence`` opens on what ``question`` asks the definition of, then a defining verb
    (« Les quartiers prioritaires de la politique de la ville sont situés… » for « c'est quoi un
    QPV » — an acronym is held by its full form —, « On appelle contrat de ville… »); a sentence
    on something else that names it (« Le webinaire sur la culture dans les QPV est… ») does not."""
    plain = _plain(sentence)
    verb = _DEFINES.search(plain)
    if verb is None or len(plain[:verb.start()].split()) > HEAD_WORDS:
        return False
    head = plain[verb.end():] if verb.group().startswith("on ") else plain[:verb.start()]
    subject, named = _defined(question)
    opening = [t[:5] for t in analyzer.terms(head)][:1]
    held = {t[:5] for t in analyzer.terms(f"{head} {load_glossary().expand(head)}")}
    return bool(subject) and bool(opening) and opening[0] in named and len(subject & held) / len(subject) >= DEFINED_SHARE


@lru_cache(maxsize=64)
def _defined(question: str) -> tuple[frozenset[str], frozenset[str]]:
    """What ``question`` asks the definition of, as word prefixes; and with the full form of its
    acronyms (« QPV »: « quartiers prioritaires… »), the words a defining sentence may open on."""
    analyzer = Analyzer()
    subject = frozenset(t[:5] for t in analyzer.terms(question) if t[:5] not in _DEFINITION_CUES)
    return subject, subject | {t[:5] for t in analyzer.terms(load_glossary().expand(question))}


_DEFINITION_CUES = frozenset("quoi defin signi veut dire desig".split())


def states(fact: AskedFact, sentence: str) -> bool:
    """Whether ``sentence`` holds a phrase of the kind asked (the number goes with the counted
    noun: « 3 groupes d'échanges » for « combien de groupes »)."""
    return bool(_statements(fact, sentence))


def around_statement(fact: AskedFact, sentence: str, words: int) -> str:
    """The words of ``sentence`` within ``words`` of each phrase stating the fact: in a long
    sentence, a value far from what the question is about is seldom its value."""
    found = _statements(fact, sentence) if fact.kind != "person" else []  # any capital or role: too many
    if words <= 0 or not found:
        return sentence
    return " ".join(" ".join(tokens[max(0, a - words):b + words]) for tokens, a, b in found)


def _statements(fact: AskedFact, sentence: str) -> list[tuple[list[str], int, int]]:
    """Each phrase stating the fact: the words of the text it was found in, and its first and
    last word's positions there."""
    plain = _plain(sentence)
    if fact.kind == "count":
        noun = re.escape(without_plural(fact.counted))
        searched = [(re.compile(rf"{_COUNT}\s+(?:[\w'-]+\s+){{0,2}}{noun}(?:s|x|es)?\b" if fact.counted else _COUNT), plain)]
    elif fact.kind in _CASED:
        # a name by its capitals, a role by its folded word; the sentence's first word has a capital anyway
        cased = re.sub(r"^\W*\w+", "", " ".join(sentence.replace("’", "'").replace("-", " ").split()))
        searched = [(STATEMENTS[fact.kind], cased), (STATEMENTS[fact.kind], _plain(cased))]
    else:
        searched = [(STATEMENTS[fact.kind], plain)]
    return [(text.split(), len(text[:m.start()].split()), len(text[:m.end()].split()))
            for pattern, text in searched for m in pattern.finditer(text)]


def about_share(question: str, text: str, analyzer: Analyzer) -> float:
    """The share of what the question is about (its words, less those saying what it asks) that
    ``text`` holds; words match on their first five letters (« bloqué », « bloquées »), an
    everyday word on the publications' word for it (``wording``)."""
    wanted, sayings = _subject(question)
    if not wanted:
        return 1.0
    held = {t[:5] for t in analyzer.terms(text)}
    for written, said in sayings:  # « prévenir son patron » held by « informe son employeur »
        if held & written:
            held |= said
    return len(wanted & held) / len(wanted)


@lru_cache(maxsize=256)
def _subject(question: str) -> tuple[frozenset[str], tuple[tuple[frozenset[str], frozenset[str]], ...]]:
    """What ``question`` is about, as ``about_share`` compares it, and its everyday words with
    the publications' words for them: worked out once per question, not once per sentence read."""
    analyzer = Analyzer()
    wanted = frozenset(t[:5] for t in analyzer.terms(question) if t not in _cue_terms())
    return wanted, tuple((_prefixes(s.written, analyzer), _prefixes(s.said, analyzer))
                         for s in load_wording().found_in(question))


def _prefixes(texts: tuple[str, ...], analyzer: Analyzer) -> frozenset[str]:
    return frozenset(t[:5] for text in texts for t in analyzer.terms(text))


@cache
def _cue_terms() -> frozenset[str]:
    """The cue words as the question's words are compared: stemmed."""
    return frozenset(Analyzer().terms(_CUE_WORDS))


def has_content(sentence: str, title: str, fact: AskedFact | None) -> bool:
    """False for a sentence that says nothing of its own: the document's title repeated, a date
    line (« Webinaire régional du 25 mars 2021. »), a list of speakers. A date line does answer
    « quand ? », so it is kept for a date question."""
    text, name = _plain(sentence), _plain(title)
    if name and (text in name or (name in text and len(text.split()) - len(name.split()) < 4)):
        return False
    if re.match(r"(?:intervenante?s?|avec|anime(?:e|s)? par|animation|participants?|programme)\b", text):
        return False
    if fact is not None and fact.kind == "date":
        return True
    without_dates = re.sub(rf"\b\d{{1,2}}(?:er)?\s+{_MONTH}(?:\s+{_YEAR})?\b|\b{_MONTH}\s+{_YEAR}\b|\b{_YEAR}\b", " ", text)
    words = [w for w in without_dates.split() if len(w) > 3 and w not in _EVENT_WORDS]
    return len(words) >= 3


_EVENT_WORDS = frozenset("webinaire webinaires regional regionale seminaire journee journees reunion rencontre "
                         "formation atelier visioconference publie publiee date edition".split())


def _plain(text: str) -> str:
    """Folded (no accents, lower case), apostrophes made straight, spaces made single."""
    return " ".join(fold(text).replace("’", "'").replace("-", " ").split())
