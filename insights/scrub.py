"""Personal data out of a question before it is stored.

E-mail addresses, phone numbers, postal addresses and numbers that identify a person or a file are
found by patterns; people's names by spaCy's French named-entity recogniser (``fr_core_news_sm``:
the smallest French pipeline, README « What visitors look for »), and after a civility
(« Mme Diallo »). Each is replaced by a placeholder. A question that still tells a personal story
(many first-person words in a long text) is kept only as its theme: its nouns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

PIPELINE = "fr_core_news_sm"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+33\s?\(?0?\)?\s?|0033\s?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b")
# social security number (NIR): sex, year, month, department, commune, order, key
NIR = re.compile(r"\b[12][\s.]?\d{2}[\s.]?\d{2}[\s.]?(?:\d{2}|2[AB])[\s.]?\d{3}[\s.]?\d{3}(?:[\s.]?\d{2})?\b")
# a file, claimant or case number: five digits or more, or letters and digits mixed
IDENTIFIER = re.compile(r"\b(?=[A-Z0-9-]*\d)(?:\d+-\d{5,}|\d{2,}-\d{4}-\d{3,}|\d[\d\s]{4,}\d|[A-Z]{1,4}[-\s]?\d{3,}[A-Z0-9-]*|\d{3,}[A-Z]{1,4}\d*)\b")
_WAY = (r"(?:rue|avenue|av\.|boulevard|bd|all[ée]e|impasse|place|chemin|route|quai|cours|square|r[ée]sidence|"
        r"cit[ée]|lotissement|passage|voie|rond-point|esplanade|parvis|hameau|lieu-dit)")
# a number and a kind of way, then the way's name: capitalised words and the particles between them
_NAME = r"(?:\s+(?:(?:de|des|du|la|le|les)\s+|[ld]['’])*[A-ZÉÈ0-9][\w'’-]*)+"
ADDRESS = re.compile(rf"\b\d{{1,4}}\s?(?:bis|ter)?,?\s+(?i:{_WAY}){_NAME}|\b(?i:b[âa]timent|b[âa]t\.?|appartement|appt?\.?|"
                     rf"escalier)\s+[\w-]{{1,4}}\b|\b\d{{5}}\s+[A-ZÉ][\w'-]+(?:[\s-][A-ZÉ][\w'-]+)*")
_CAPITALISED = r"[A-ZÉÈÎÏŁŚŻ][\w'’-]+(?:\s+(?:(?:de|da|dos|do|el|ben|ait|van|von|le|la)\s+)?[A-ZÉÈÎÏŁŚŻ][\w'’-]+)*"
CIVILITY = re.compile(rf"\b(?:M\.|Mr|Mrs|Mme|Mlle|Madame|Monsieur|Mademoiselle|Dr|Docteur|Ma[îi]tre|Me)\s+{_CAPITALISED}")
# who someone is, said before the name: « mon fils Ibrahima Ndiaye », « je suis Hugo Lambert »
CUED_NAME = re.compile(r"(?i:\b(?:fils|fille|mari|femme|épouse|époux|voisin|voisine|mère|père|frère|s(?:œ|oe)ur|cousin|"
                       r"cousine|ami|amie|collègue|petit-fils|petite-fille|gardien|je suis|je m['’]appelle|mon nom est|"
                       r"c['’]est|contactez|contacter|appelez|appeler|joindre|rappeler|aider|famille|jeune))\s*,?\s+"
                       rf"({_CAPITALISED})")
FIRST_PERSON = re.compile(r"\b(?:je|j['’]|moi|mon|ma|mes|me|m['’])", re.IGNORECASE)
# A first-person story this long says who someone is even with its names removed.
STORY_WORDS, STORY_MARKS = 35, 5

PLACEHOLDERS = {"email": "[courriel]", "phone": "[téléphone]", "address": "[adresse]",
                "identifier": "[numéro]", "name": "[nom]"}


@dataclass(frozen=True)
class Scrubbed:
    text: str
    story: bool = False  # kept only as its theme


@lru_cache(maxsize=2)
def french_pipeline(name: str):
    """Loaded once per process, on first use: the web app and both APIs share it."""
    import spacy
    return spacy.load(name, exclude=["parser", "lemmatizer"])


class Scrubber:
    def __init__(self, pipeline: str = PIPELINE):
        self.pipeline = pipeline

    def _nlp(self, text: str):
        return french_pipeline(self.pipeline)(text)

    def scrub(self, text: str) -> Scrubbed:
        text = " ".join(text.split())
        for kind, pattern in (("email", EMAIL), ("phone", PHONE), ("identifier", NIR), ("address", ADDRESS),
                              ("identifier", IDENTIFIER), ("name", CIVILITY)):
            text = pattern.sub(PLACEHOLDERS[kind], text)
        text = CUED_NAME.sub(lambda m: m.group(0)[:m.start(1) - m.start(0)] + PLACEHOLDERS["name"], text)
        doc = self._nlp(text)
        for entity in reversed([e for e in doc.ents if e.label_ == "PER" and not e.text.startswith("[")]):
            text = text[:entity.start_char] + PLACEHOLDERS["name"] + text[entity.end_char:]
        if len(text.split()) > STORY_WORDS and len(FIRST_PERSON.findall(text)) >= STORY_MARKS:
            return Scrubbed(self.theme(text), story=True)
        return Scrubbed(text)

    def theme(self, text: str) -> str:
        """A story reduced to its nouns, in order, once each: what it is about, not whose it is."""
        nouns = [t.text.lower() for t in self._nlp(text) if t.pos_ == "NOUN" and t.is_alpha and len(t) > 2]
        return "[récit personnel] " + ", ".join(dict.fromkeys(nouns))
