"""Personal data out of a question before it is stored.

What counts as personal is what points at one person: their name, their own address (way and
number, building or flat, postcode and town together), phone, e-mail, and the numbers of their
files (social security, CAF, any file number). Words of the policy stay, even when they look like
data: « QPV », « la CAF » as an organisation, « article L. 411-2 », « 1 500 euros », a town or a
neighbourhood named as a place of the policy.

People type in lower case, without accents, with typos, so every rule reads lower case:

- **Names** are found by spaCy's French named-entity recogniser (``fr_core_news_sm``: the smallest
  French pipeline, README « What visitors look for ») when capitalised, and, in any case, after the
  cues that introduce one (``CUES``: « je m'appelle », « je suis », « mon fils », « madame »…,
  spaCy ``Matcher`` patterns, typos forgiven), as a first name followed by a surname, and as two
  unknown words that open a sentence before a verb (its subject). A word after
  a cue is a name when it is not a French word (the pipeline's own lemmatizer tables, accents
  forgiven) or when it is a first name common in France (``gender-guesser``'s dictionary): « je
  suis marie » names someone, « je suis mariée » does not.
- **Phones** are read by ``phonenumbers`` (Google's libphonenumber), French and international,
  whatever the separators.
- **E-mails, addresses and file numbers** by a few named patterns below, obfuscations included.

Each is replaced by a placeholder. A question that still tells a personal story (many first-person
words in a long text) is kept only as its theme: its nouns.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from core.analysis import fold

PIPELINE = "fr_core_news_sm"

PLACEHOLDERS = {"email": "[courriel]", "phone": "[téléphone]", "address": "[adresse]",
                "identifier": "[numéro]", "name": "[nom]", "birth": "[date de naissance]"}

# --- e-mails: « @ » or its spellings (« (at) », « [at] », « arobase »), dots or « point », « [dot] »
_AT = r"(?:\s?@\s?|\s?[(\[{<]\s?(?:at|a|@|arr?obas(?:e|que)?)\s?[)\]}>]\s?|\s+(?:arr?obas(?:e|que)?|at)\s+)"
_DOT = (r"(?:\.|\s?[(\[{<]\s?(?:dot|point|\.)\s?[)\]}>]\s?|\s+(?:point|dot)\s+"
        r"|\s\.\s?(?=(?:com|fr|net|org|eu|be|ch|ca|info|ma|dz|tn|sn)\b))")
EMAIL = re.compile(rf"[\w+-]+(?:{_DOT}[\w+-]+)*{_AT}[\w-]+(?:{_DOT}[\w-]+)*", re.IGNORECASE)

# --- addresses
_WAY = (r"(?:rue|avenue|av\.?|boulevard|bd|bld|all[ée]e|impasse|imp\.?|place|pl\.|chemin|ch\.|route|rte|quai|cours|"
        r"square|r[ée]sidence|r[ée]s\.?|cit[ée]|lotissement|lot\.|passage|voie|rond-point|esplanade|parvis|"
        r"hameau|lieu-dit|mont[ée]e|traverse|sentier|promenade|faubourg|fbg|domaine|villa|hlm)")
# words that end a way's name: the clause goes on (« 12 rue des lilas et je… »)
_ENDS_NAME = (r"(?:et|ou|mais|donc|car|a|à|au|aux|je|j|il|elle|on|nous|vous|ils|elles|mon|ma|mes|ton|ta|son|sa|ses|"
              r"notre|nos|votre|leur|depuis|pour|avec|chez|dans|sur|en|qui|que|qu|quand|si|pres|près|est|sont|"
              r"ai|a|suis|habite|vis|quartier|b[âa]t(?:iment)?|appt?|appart(?:ement)?|apt|escalier|esc|porte|"
              r"[ée]tage|cedex|tel|t[ée]l[ée]phone|mail|courriel|ca|c|ça|il|y|svp|merci|bonjour)")
_NAME_WORD = rf"(?!{_ENDS_NAME}\b)[^\W\d_][\w'’-]*"
_WAY_NAME = rf"{_WAY}\.?(?:\s+{_NAME_WORD}){{1,5}}"
_LIVES = r"(?:habite|habitons|habitante?|locataire|r[ée]side|r[ée]sidons|domicili[ée]e?s?|vis|vivons|adresse|loge|logeons)"
_FLOOR = r"\d{1,2}\s?(?:e|è|ème|eme|er|ère|ere)\s+[ée]tage(?:\s+(?:gauche|droite|g|d|face))?\b"
# a number, a kind of way, its name, and the floor said after it: « 28 rue racine, 2e étage gauche »
NUMBERED_WAY = re.compile(rf"(?<!\d)\d{{1,4}}\s?(?:bis|ter|b|a)?\s*,?\s+{_WAY_NAME}(?:,?\s+{_FLOOR})?", re.IGNORECASE)
# where one lives, even without a number: « j'habite résidence les cigales »
LIVED_IN_WAY = re.compile(rf"\b{_LIVES}\b(?:\s+(?:au|à|a|en|dans|de|d['’]|du|la|le|l['’]|les|:|\d{{1,4}}(?:\s?bis|\s?ter)?))"
                          rf"{{0,4}}\s*(?P<found>{_WAY_NAME})",
                          re.IGNORECASE)
_UNIT = (r"\b(?:(?:b[âa]timent|b[âa]t\.?|escalier|esc\.?)\s*(?:n°\s*)?(?:\d{1,4}|[a-z]\d{0,3})"
         r"|(?:appartement|appart|appt?\.?|apt\.?|porte|[ée]tage)\s*(?:n°\s*)?\d{1,4}[a-z]?)\b")
# a building, a flat, and the floor said with them: « 2eme etage bat D », « appt 14 au 3e étage »
BUILDING = re.compile(rf"(?:{_FLOOR},?\s+(?:du\s+|au\s+)?)?{_UNIT}(?:,?\s+(?:au\s+)?{_FLOOR})?", re.IGNORECASE)
_TOWN_WORD = rf"(?!{_ENDS_NAME}\b|[^\W\d_]['’])[^\W\d_][\w'’-]*"
# a town's name in several words: « saint denis », « la courneuve », « aix en provence »
_TOWN = (rf"(?:(?:la|le|les|saint|sainte|st|ste)[\s-]+)?{_TOWN_WORD}"
         rf"(?:[\s-]+(?:(?:sur|sous|en|l[èe]s|le|la|de|du|des)[\s-]+|d['’]\s?){_TOWN_WORD})*"
         r"(?:\s+(?:cedex(?:\s?\d+)?|nord|sud))?")
POSTCODE_TOWN = re.compile(rf"(?<![\d-])(?:0[1-9]|[1-8]\d|9[0-8]|2[ab])\d{{3}}\s+{_TOWN}", re.IGNORECASE)

# --- numbers that identify a person or a file
# social security number (NIR): 13 digits, 15 with the key, grouped as anyone types them
NIR = re.compile(r"(?<![\d])[12](?:[\s.-]?(?:\d|2[ab])){12}(?:(?:\s?[./-]\s?|\s|\s*,?\s*(?:cl[ée]|key)\s*:?\s*)?\d\d)?(?!\d)",
                 re.IGNORECASE)
# a number said to be a file's: after « allocataire », « n° », « dossier »… (an amount is never one)
_FILE_CUE = (r"(?:n°|(?:no|num[ée]ro|num|dossier|allocataire|matricule|r[ée]f[ée]rence|r[ée]f|identifiant|"
             r"id|caf|cpam|s[ée]cu(?:rit[ée] sociale)?|p[ôo]le emploi|france travail|client|contrat|nir|nss)\b\.?)")
_AMOUNT = r"(?!\d|\s?(?:€|euros?\b|eur\b|k€|habitants|logements|personnes|familles|%|m2|m²|ans\b))"
CUED_NUMBER = re.compile(rf"\b{_FILE_CUE}[\s:°.#-]*(?:[^\W\d]+['’]?\s*){{0,3}}?[\s:°]*"
                         rf"(?P<found>[a-z]{{0,4}}\d(?:[\s./-]?\d){{4,}}[a-z]{{0,3}})\b{_AMOUNT}", re.IGNORECASE)
# a number written as one word: six digits or more, or five beside letters or another group
FILE_NUMBER = re.compile(r"\b(?:(?=[a-z\d]*[a-z])(?=(?:[a-z]*\d){5})[a-z\d]{6,}|[a-z]{1,4}-\d{5,}[a-z\d]*"
                         r"|\d+[-./]\d{5,}(?:[-./]\d+)*|\d{2,}-\d{4}-\d{3,}"
                         rf"|\d{{6,}})\b{_AMOUNT}", re.IGNORECASE)

# a bank account (IBAN), a car's plate (« AB-123-CD »)
ACCOUNT_OR_PLATE = re.compile(r"\b[a-z]{2}\d{2}(?:\s?[a-z0-9]{4}){3,7}(?:\s?[a-z0-9]{1,3})?\b|\b[a-z]{2}-\d{3}-[a-z]{2}\b",
                              re.IGNORECASE)
# a date of birth, said as one: « né le 12/03/1985 », « date de naissance : 3 mars 1985 »
_MONTHS = r"(?:janv|f[ée]vr?|mars|avr|mai|juin|juil|ao[ûu]t|sept?|oct|nov|d[ée]c)[a-zéû]*\.?"
BIRTH_DATE = re.compile(r"\b(?:n[ée]e?s?\s+(?:le\s+)?|date\s+de\s+naissance\s*:?\s*(?:le\s+)?|ddn\s*:?\s*)"
                        rf"(?P<found>\d{{1,2}}(?:er)?(?:[\s./-]+(?:\d{{1,2}}|{_MONTHS})[\s./-]+)\d{{2,4}})", re.IGNORECASE)

# the numbers of texts and services are the policy's, not a person's: « loi n° 2014-173 », « décret
# n° 2014-1750 », « numéro vert 0 800 123 456 »
POLICY_NUMBER = re.compile(r"\b(?:loi|d[ée]cret|arr[êe]t[ée]|ordonnance|circulaire|d[ée]lib[ée]ration|instruction|"
                           r"article|art\.|directive|r[èe]glement)s?\s+(?:n°|no\.?|num[ée]ro)?\s*[\w.-]*\d[\w.-]*"
                           r"|\bnum[ée]ro\s+(?:vert|azur|gratuit|unique|national|d['’]urgence|d['’]appel)\s*:?\s*\d[\d\s.]*\d",
                           re.IGNORECASE)

# each rule, by what it finds; a rule with a group ``found`` replaces only that group
PATTERNS = (("email", EMAIL), ("identifier", NIR), ("identifier", CUED_NUMBER), ("identifier", FILE_NUMBER),
            ("identifier", ACCOUNT_OR_PLATE), ("birth", BIRTH_DATE), ("address", NUMBERED_WAY),
            ("address", LIVED_IN_WAY), ("address", BUILDING), ("address", POSTCODE_TOWN))

# --- names: what is said just before one, and how sure it is that a name follows. ALWAYS: the next
# word is a name (« madame dupont »); FIRST_NAME_ANYWHERE: it is unless a French word that is no first
# name in any country (« ma femme mai », not « ma fille malade »); NAME_LIKE: unless a French word that is no
# first name common in France (« je suis marie », not « je suis perdue »).
ALWAYS, FIRST_NAME_ANYWHERE, NAME_LIKE = "always", "first name anywhere", "name-like"
_POSSESSIVE = ["mon", "ma", "mes", "notre", "nos", "son", "sa", "ses", "leur", "leurs", "votre", "vos", "ton", "ta", "tes"]
_RELATIVE = ["fils", "fille", "mari", "femme", "épouse", "epouse", "époux", "epoux", "conjoint", "conjointe",
             "compagnon", "compagne", "copain", "copine", "ami", "amie", "voisin", "voisine", "frère", "frere",
             "sœur", "soeur", "mère", "mere", "père", "pere", "oncle", "tante", "cousin", "cousine", "neveu", "nièce",
             "niece", "enfant", "bébé", "bebe", "petit-fils", "petite-fille", "grand-mère", "grand-mere",
             "grand-père", "grand-pere", "beau-frère", "belle-sœur", "belle-mère", "beau-père", "collègue",
             "collegue", "gardien", "gardienne", "tuteur", "tutrice", "fiancé", "fiancée", "nounou", "belle-fille",
             "beau-fils", "gendre", "bru", "filleul", "filleule", "petit-ami", "petite-amie", "maman", "papa", "mamie",
             "papi", "papy", "tonton", "tata", "daron", "daronne", "fiston", "frangin", "frangine", "mere", "pere",
             "enfants", "filles", "petits-enfants", "voisins", "voisines", "amis", "amies", "frères", "freres",
             "sœurs", "soeurs", "cousins", "cousines", "jumeaux", "jumelles", "pote", "potes", "poto", "pota", "copains",
             "copines", "camarade", "voisine", "coloc", "colocataire"]
_CIVILITY = ["madame", "monsieur", "mme", "mmes", "mr", "mrs", "m.", "mlle", "melle", "mademoiselle", "mlles", "mle",
             "mdme", "msieur", "messieurs", "dr", "docteur", "docteure", "maître", "maitre", "pr", "professeur",
             "mme.", "mr.", "dr.", "pr.", "mlle.", "née", "nee", "épouse", "ép.", "veuve"]
_ELISION = ["m'", "m’", "m"]
# who someone is at work or in the neighbourhood, said before their name: « notre animatrice sarah »
_ROLE = ["président", "présidente", "president", "presidente", "directeur", "directrice", "animateur", "animatrice",
         "éducateur", "éducatrice", "educateur", "educatrice", "coordinateur", "coordinatrice", "coordonnateur",
         "coordonnatrice", "médiateur", "médiatrice", "mediateur", "mediatrice", "référent", "référente", "referent",
         "referente", "conseiller", "conseillère", "conseillere", "assistante", "assistant", "secrétaire", "secretaire",
         "trésorier", "trésorière", "tresorier", "tresoriere", "bénévole", "benevole", "infirmier", "infirmière",
         "infirmiere", "professeur", "professeure", "prof", "maîtresse", "maitresse", "instituteur", "institutrice",
         "délégué", "déléguée", "delegue", "deleguee", "responsable", "chargé", "chargée", "agent", "agente",
         "concierge", "locataire", "propriétaire", "proprietaire", "bailleur", "patron", "patronne", "collègue",
         "stagiaire", "apprenti", "apprentie", "élève", "eleve", "coach", "entraîneur", "entraineur", "moniteur",
         "monitrice", "psychologue", "avocat", "avocate", "médecin", "medecin", "pédiatre"]
CUES = {
    "named": (ALWAYS, [
        [{"LOWER": {"IN": ["s'", "s’", "t'", "t’", "s"]}}, {"LOWER": {"FUZZY1": "appelle"}}],
        [{"LOWER": {"IN": ["s'", "s’", "s"]}}, {"LOWER": {"FUZZY1": "appellent"}}],
        [{"LOWER": {"IN": ["je", "j", "j'", "j’"]}, "OP": "?"}, {"LOWER": {"IN": _ELISION}},
         {"LOWER": {"FUZZY1": "appelle"}}],
        [{"LOWER": {"IN": ["je", "j", "j'", "j’"]}, "OP": "?"}, {"LOWER": {"FUZZY1": "mappelle"}}],
        [{"LOWER": {"IN": ["jm'", "jm’", "jm"]}}, {"LOWER": {"FUZZY1": "appelle"}}],
        [{"LOWER": {"IN": ["mon", "mes"]}}, {"LOWER": {"IN": ["nom", "prénom", "prenom", "noms", "prénoms", "prenoms"]}},
         {"LOWER": {"IN": ["est", "c'", "c’", "c", "et", ":", "sont", "-"]}, "OP": "*"},
         {"LOWER": {"IN": ["est", "sont"]}, "OP": "?"}],
        [{"LOWER": "moi"}, {"LOWER": {"IN": ["c'", "c’", "c", "ces"]}}, {"LOWER": {"IN": ["est", "'est"]}}],
        [{"LOWER": {"IN": ["nom", "prénom", "prenom"]}}, {"LOWER": ":"}],
    ]),
    "self": (NAME_LIKE, [
        [{"LOWER": {"IN": ["c'", "c’"]}}, {"LOWER": "est"}],
        [{"LOWER": "c"}, {"LOWER": {"IN": ["moi", "est"]}, "OP": "?"}],
        [{"LOWER": {"IN": ["cest", "ces"]}}],
        [{"LOWER": {"IN": ["je", "j", "jee"]}}, {"LOWER": {"FUZZY1": "suis"}}],
        [{"LOWER": {"IN": ["jsuis", "chui", "chuis", "jsui", "j'suis", "j’suis"]}}],
        [{"LOWER": {"IN": ["ici"]}}, {"IS_PUNCT": True, "OP": "?"}, {"LOWER": {"IN": ["c'", "c’"]}, "OP": "?"},
         {"LOWER": "est", "OP": "?"}],
    ]),
    "relative": (FIRST_NAME_ANYWHERE, [
        [{"LOWER": {"IN": _POSSESSIVE}}, {"LOWER": {"IN": ["petit", "petite", "grand", "grande", "jeune", "beau",
                                                                 "belle", "ex", "ex-", "cher", "chère", "propre",
                                                                 "meilleur", "meilleure", "vieux", "vieille"]}, "OP": "?"},
         {"LOWER": {"IN": _RELATIVE}}, {"LOWER": {"IN": ["aîné", "aîné", "aine", "ainé", "aînée", "ainee", "cadet",
                                                          "cadette", "ado", "majeur", "mineur"]}, "OP": "?"}],
        [{"LOWER": {"IN": _RELATIVE}}, {"LOWER": {"IN": ["de", "d'", "d’"]}}],
        # « ma fille de 8 ans, lina »
        [{"LOWER": {"IN": _POSSESSIVE}}, {"LOWER": {"IN": _RELATIVE}}, {"LOWER": "de", "OP": "?"}, {"LIKE_NUM": True},
         {"LOWER": {"IN": ["ans", "an", "mois"]}}],
    ]),
    "called": (ALWAYS, [[{"LOWER": {"IN": ["nommé", "nommée", "nomme", "nommee", "prénommé", "prénommée", "prenomme",
                                           "prenommee", "dénommé", "dénommée", "denomme", "denommee", "surnommé",
                                           "surnommée", "surnomme", "surnommee"]}}]]),
    "civility": (ALWAYS, [[{"LOWER": {"IN": _CIVILITY}}], [{"ORTH": "M"}]]),
    "role": (NAME_LIKE, [[{"LOWER": {"IN": _ROLE}}]]),
    "family": (NAME_LIKE, [[{"LOWER": {"IN": ["famille", "familles"]}}]]),
    "contact": (NAME_LIKE, [
        [{"LOWER": "bien"}, {"LOWER": {"IN": ["à", "a"]}}, {"LOWER": "vous"}],
        [{"LOWER": {"IN": ["contact", "contactez", "contacter", "appelez", "appeler", "joindre", "rappeler", "rappelez",
                           "demandez", "demander", "écrire", "ecrire", "écrivez", "ecrivez", "part", "signé", "signe",
                           "cordialement", "salutations", "amicalement", "bisous", "merci", "attention"]}},
         {"LOWER": {"IN": ["à", "a", "de", "d'"]}, "OP": "?"}],
    ]),
}
# particles inside a name: « mohamed ben salah », « halima ait ouali »
_PARTICLES = frozenset({"ben", "bin", "ibn", "el", "al", "ait", "aït", "abd", "abou", "van", "von", "da", "dos", "di",
                        "de", "n'", "n’", "o'", "o’", "d'", "d’", "mc", "mac"})
MAX_NAME_WORDS = 4
# a name after these names a place or a thing, not a person (« la loi Lamy », « école Jules Ferry »)
NAMED_PLACES = frozenset({"loi", "plan", "rapport", "programme", "dispositif", "mission", "commission", "amendement",
                          "prix", "association", "asso", "federation", "fondation", "institut", "rue", "avenue",
                          "boulevard", "place", "allee", "impasse", "quai", "cours", "chemin", "square", "residence",
                          "cite", "quartier", "parc", "jardin", "pont", "ecole", "college", "lycee", "scolaire",
                          "universite", "campus", "centre", "social", "culturel", "sportif", "gymnase", "stade",
                          "piscine", "boulodrome", "mediatheque", "bibliotheque", "salle", "maison", "espace",
                          "creche", "foyer", "halle", "theatre", "cinema", "musee", "tour", "batiment", "complexe",
                          "mosquee", "eglise", "caserne", "hopital", "clinique", "station", "gare"})
# the words of the cues, and greetings: never part of a name (spaCy's « Madame Dubois » is « Dubois »)
GREETINGS = frozenset({"bonjour", "bonsoir", "salut", "hello", "coucou", "slt", "bjr", "bsr", "cc", "yo"})
CUE_WORDS = frozenset(fold(w) for w in [*_POSSESSIVE, *_RELATIVE, *_CIVILITY, *GREETINGS, "merci", "cordialement",
                                        "appelle", "suis", "nom", "prenom", "svp", "stp", "jsui", "jsuis", "chui",
                                        "moi", "ici"])
COMMON_IN_FRANCE = {"male", "female", "mostly_male", "mostly_female"}
# After « je suis », « c'est »: a French word that is a first name elsewhere is read as a name when
# rarer than this in pyspellchecker's French frequencies (« maria » 2.5, « aire » 3.9, « aide » 90 a million)
RARE_PER_MILLION = 3

FIRST_PERSON = re.compile(r"\b(?:je|j['’]|moi|mon|ma|mes|me|m['’])", re.IGNORECASE)
# A first-person story this long says who someone is even with its names removed.
STORY_WORDS, STORY_MARKS = 35, 5


@dataclass(frozen=True)
class Scrubbed:
    text: str
    story: bool = False  # kept only as its theme


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    kind: str


@lru_cache(maxsize=2)
def french_pipeline(name: str):
    """Loaded once per process, on first use: the web app and both APIs share it. The lemmatizer is
    loaded for its tables (which words are French) but not run."""
    import spacy
    return spacy.load(name, exclude=["parser"], disable=["lemmatizer"])


class Lexicon:
    """Which lower-case words are French words, accents forgiven, and which are first names."""

    def __init__(self, nlp):
        from gender_guesser.detector import Detector
        from spacy.lang.fr.stop_words import STOP_WORDS

        from retrieval.glossary import load_glossary
        tables = nlp.get_pipe("lemmatizer").lookups
        self.lookup = tables.get_table("lemma_lookup")  # inflected forms (hashed) to their lemmas
        index = {nlp.vocab.strings[pos]: words for pos, words in tables.get_table("lemma_index").items()}
        exceptions = {nlp.vocab.strings[pos]: forms for pos, forms in tables.get_table("lemma_exc").items()}
        lemmas = {w for words in index.values() for w in words}
        lemmas |= {lemma for forms in self.lookup.values() for lemma in forms}
        self.folded_lemmas = frozenset(fold(w) for w in lemmas)
        self.verbs = frozenset(index["verb"]) | {lemma for forms in exceptions["verb"].values() for lemma in forms}
        self.folded_verbs = frozenset(fold(w) for w in self.verbs)
        self.nominal = frozenset(index["noun"]) | frozenset(index["adj"])
        self.qualifiers = frozenset(index["adj"]) | frozenset(index["adv"]) | frozenset(exceptions["adj"]) \
            | frozenset(exceptions.get("adv", {}))
        # the lemmatizer's suffix rules, folded: « desesperee » → « desesperer »
        self.rules = tuple(sorted({(fold(a), fold(b)) for rules in tables.get_table("lemma_rules").values()
                                   for a, b in rules if len(a) >= 2}, key=lambda r: -len(r[0])))
        self.stop = frozenset(fold(w) for w in STOP_WORDS)
        self.policy = frozenset(fold(e.term) for e in load_glossary().entries)
        self.names = Detector(case_sensitive=False)
        from spellchecker import SpellChecker
        self.frequency = SpellChecker(language="fr", distance=1).word_frequency  # words seen in French films' subtitles

    def is_word(self, word: str) -> bool:
        if "-" in word.strip("-"):  # « auto-entrepreneur », « aide-soignante »
            return all(self.is_word(part) for part in word.split("-") if part)
        folded = fold(word)
        if word.lower() in self.lookup or folded in self.folded_lemmas or folded in self.policy:
            return True
        if len(folded) > 4 and folded[0] in "dl" and folded[1:] in self.folded_lemmas:
            return True  # its apostrophe forgotten: « daccord », « lecole »
        return any(folded.endswith(a) and folded[:len(folded) - len(a)] + b in self.folded_lemmas
                   for a, b in self.rules)

    def is_stop(self, word: str) -> bool:
        return fold(word) in self.stop or fold(word) in CUE_WORDS

    def is_verb(self, word: str) -> bool:
        """Only ever a verb: « cherche », « travaille »; not « roux » or « fontaine »."""
        word = word.lower()
        return word not in self.nominal and any(lemma in self.verbs for lemma in self.lookup.get(word, [word]))

    def may_be_verb(self, word: str) -> bool:
        """A verb's form by its ending too: the lemmatizer's table reads « cherche » as a noun only."""
        folded = fold(word)
        return self.is_verb(word) or folded + "r" in self.folded_verbs or any(folded.endswith(a) and folded[:len(folded) - len(a)] + b in self.folded_verbs
                                         for a, b in self.rules)

    def is_rare(self, word: str) -> bool:
        """Rarely said in French (« maria », « moussa », « milan »), unlike « aide » or « rien »."""
        return self.frequency[word.lower()] < RARE_PER_MILLION * self.frequency.total_words / 1e6

    def is_qualifier(self, word: str) -> bool:
        """An adjective or an adverb (« mal », « bon », « seule »), which « je suis » is followed by."""
        word = word.lower()
        return word in self.qualifiers or any(lemma in self.qualifiers for lemma in self.lookup.get(word, []))

    def is_first_name(self, word: str, anywhere: bool = False) -> bool:
        """A first name common in France, or given anywhere when the word is no French word (or when
        ``anywhere``: « ma femme mai », « c moussa »)."""
        parts = re.split(r"[-'’]", word)
        return all(self.names.get_gender(part, "france") in COMMON_IN_FRANCE or (
            (anywhere or not self.is_word(part)) and self.names.get_gender(part) != "unknown") for part in parts)

    def looks_like_name(self, word: str, anywhere: bool = False) -> bool:
        """A word that could be part of a name: not a French word, unless a first name. Not an
        acronym (« RSA »), nor what people abbreviate (« ds », « bcp »: no vowel, or two letters)."""
        if len(word) < 2 or not _is_alpha(word) or self.is_stop(word) or fold(word) in self.policy:
            return False
        if self.is_first_name(word, anywhere or (self.is_rare(word) and not self.is_qualifier(word))):
            return True
        if word.isupper() and len(word) <= 3 or len(word) == 2 or not re.search(r"[aeiouy]", fold(word)):
            return False
        # a capital says a name, unless on a common French word (« le responsable Jeunesse »)
        return not self.is_word(word) or (word[0].isupper() and not word.isupper() and self.is_rare(word))


def _is_alpha(word: str) -> bool:
    return bool(re.fullmatch(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", word))


@lru_cache(maxsize=2)
def french_lexicon(name: str) -> Lexicon:
    return Lexicon(french_pipeline(name))


@lru_cache(maxsize=2)
def cue_matcher(name: str):
    from spacy.matcher import Matcher
    matcher = Matcher(french_pipeline(name).vocab)
    for cue, (_, patterns) in CUES.items():
        matcher.add(cue, patterns, greedy="LONGEST")
    return matcher


def phones(text: str) -> list[Found]:
    """French and international numbers, whatever the separators (« 06/12/34/56/78 » too: a slash
    between digits read as a space, which keeps offsets). Any number of a possible length counts,
    assigned or not (people invent and mistype numbers), when written with its 0 or its country code."""
    import phonenumbers
    readable = re.sub(r"(?<=\d)/(?=\d)|(?<=\d),(?=\s?\d)|(?<=\d\s),(?=\d)", " ", text)
    matches = phonenumbers.PhoneNumberMatcher(readable, "FR", leniency=phonenumbers.Leniency.POSSIBLE)
    # 08 numbers are services' (« numéro vert 0 800 123 456 »), never a person's
    return [Found(m.start, m.end, "phone") for m in matches if re.match(r"[+0(]", m.raw_string)
            and not (m.number.country_code == 33 and str(m.number.national_number).startswith("8"))]


def patterns(text: str) -> list[Found]:
    return [Found(*m.span("found" if "found" in pattern.groupindex else 0), kind)
            for kind, pattern in PATTERNS for m in pattern.finditer(text)]


def name_after(doc, start: int, sureness: str, lexicon: Lexicon) -> tuple[int, int]:
    """The tokens of the name said from token ``start`` on, punctuation before it aside (empty if none)."""
    while start < len(doc) and doc[start].text in {",", ":", "-", "("}:
        start += 1
    end = start
    while end < len(doc) and end - start < MAX_NAME_WORDS:
        word = doc[end].text
        anywhere = sureness != NAME_LIKE
        # « da silva » opens a name; « de » only after a civility (« madame de villepin », not « ma prof de maths »)
        opens_with_de = end == start and sureness != ALWAYS and fold(word) in {"de", "d'", "d’"}
        particle = (fold(word) in _PARTICLES and not opens_with_de
                    and end + 1 < len(doc) and lexicon.looks_like_name(doc[end + 1].text))
        surely = sureness == ALWAYS and end == start and _is_alpha(word) and not lexicon.is_stop(word)
        if particle or surely or lexicon.looks_like_name(word, anywhere):
            end += 1
        elif end > start and _is_surname(word, doc[end - 1].text, lexicon):
            return start, end + 1  # a surname that is also a French word ends the name
        else:
            break
    return start, end


def _is_surname(word: str, before: str, lexicon: Lexicon) -> bool:
    """« roux » after « jean-pierre », « petit » after « julie »: a word after a first name, unless
    it is a verb or a grammatical word."""
    return (_is_alpha(word) and lexicon.is_first_name(before) and not lexicon.is_stop(word)
            and not lexicon.is_verb(word))


def trimmed(span, lexicon: Lexicon) -> tuple[int, int] | None:
    """A person found by spaCy, without what it may have swallowed around the name: a cue or a
    greeting (« mon mari Jean »), what comes before a civility (« Dossier de M. Lambert »), a French
    word in lower case, a verb opening a sentence or after the name (« Veuillez », « Mme Esteves
    souhaite »). None when nothing of a name is left."""
    doc = span.doc
    civilities = [t.i for t in span if fold(t.text) in _CIVILITY]
    tokens = list(doc[civilities[-1] + 1:span.end] if civilities else span)

    def spurious(token, edge: str) -> bool:
        word = token.text
        opens = token.i == 0 or doc[token.i - 1].text in {".", "!", "?", ":"}
        french = lexicon.is_word(word) and not lexicon.is_first_name(word)
        return (lexicon.is_stop(word) or token.is_punct or (french and word.islower())
                or ((edge == "end" or opens) and lexicon.is_verb(word)))
    while tokens and spurious(tokens[0], "start"):
        tokens.pop(0)
    while tokens and spurious(tokens[-1], "end"):
        tokens.pop()
    return (tokens[0].idx, tokens[-1].idx + len(tokens[-1])) if tokens else None


def names(doc, lexicon: Lexicon, matcher) -> list[Found]:
    found = recognised_names(doc, lexicon) + cued_names(doc, lexicon, matcher) + uncued_names(doc, lexicon)
    # a place named after someone is no person: « école Jules Ferry », « centre social paul bert »
    starts = {t.idx: t.i for t in doc}
    return [f for f in found if not any(fold(t.text) in NAMED_PLACES for t in doc[max(starts.get(f.start, 0) - 2, 0):
                                                                               starts.get(f.start, 0)])]


def recognised_names(doc, lexicon: Lexicon) -> list[Found]:
    """spaCy's persons, trimmed, and carried on over the name-like words right after them: in lower
    case the recogniser often stops at the first name (« siaka » of « siaka toure voudrait »)."""
    found = []
    for entity in doc.ents:
        if entity.label_ == "PER" and (span := trimmed(entity, lexicon)):
            after = doc.char_span(*span, alignment_mode="expand").end
            start, end = name_after(doc, after, NAME_LIKE, lexicon)
            goes_on = start == after < end  # no comma between: « Siaka, Paris » is two things
            found.append(Found(span[0], doc[end - 1].idx + len(doc[end - 1]) if goes_on else span[1], "name"))
    return found


def cued_names(doc, lexicon: Lexicon, matcher) -> list[Found]:
    found = []
    for match_id, _, cue_end in matcher(doc):
        sureness = CUES[doc.vocab.strings[match_id]][0]
        start, end = name_after(doc, cue_end, sureness, lexicon)
        while end > start:
            found.append(Found(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), "name"))
            # and the next one: « la mère de yasmine et de rayan », « mes enfants karim et sofia »
            after = end + 1 + (end + 1 < len(doc) and fold(doc[end + 1].text) in {"de", "d'", "d’"})
            if end >= len(doc) or fold(doc[end].text) not in {"et", "ou"}:
                break
            start, end = name_after(doc, after, NAME_LIKE if sureness == ALWAYS else sureness, lexicon)
    return found


def uncued_names(doc, lexicon: Lexicon) -> list[Found]:
    """A first name and a surname, with no cue: « karim benali du conseil citoyen » (a first name alone
    is not enough: « asso », « cas », « bert » are first names somewhere)."""
    found = [Found(doc[i].idx, doc[i + 1].idx + len(doc[i + 1]), "name") for i in range(len(doc) - 2)
             if _unknown_subject(doc, i, lexicon)]
    for token in doc[:-1]:
        if _opens_uncued_name(token, doc[token.i + 1], lexicon):
            start, end = name_after(doc, token.i + 1, NAME_LIKE, lexicon)
            if start == token.i + 1 and end > start:
                found.append(Found(token.idx, doc[end - 1].idx + len(doc[end - 1]), "name"))
    return found


def _unknown_subject(doc, i: int, lexicon: Lexicon) -> bool:
    """Two words no dictionary knows, opening a sentence before a verb, are someone's first name and
    surname: « ousmane traore cherche un stage » (a sentence's subject: not « mon asso xyz organise »)."""
    opens = i == 0 or doc[i - 1].is_punct or fold(doc[i - 1].text) in GREETINGS
    return (opens and all(lexicon.looks_like_name(t.text) and not lexicon.is_word(t.text) for t in doc[i:i + 2])
            and lexicon.may_be_verb(doc[i + 2].text))


def _opens_uncued_name(token, following, lexicon: Lexicon) -> bool:
    """A first name common in France that is no lower-case French word (« karim », « Pierre »), or
    a rare French word that is a first name somewhere (« milan ») when what follows is no French word
    (« milan horvat », not « milan gratuit »)."""
    word = token.text
    if lexicon.is_stop(word):
        return False
    if lexicon.is_first_name(word) and (not lexicon.is_word(word) or word.istitle()):
        return True
    return (lexicon.is_first_name(word, anywhere=True) and lexicon.is_rare(word) and not lexicon.is_qualifier(word)
            and not lexicon.is_word(following.text) and lexicon.looks_like_name(following.text))


def replace(text: str, found: list[Found]) -> str:
    """Overlapping finds merged; each run replaced by the placeholder of its first kind found."""
    merged: list[list] = []
    for f in sorted(found, key=lambda f: (f.start, -f.end)):
        if merged and f.start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], f.end)
        else:
            merged.append([f.start, f.end, f.kind])
    for start, end, kind in reversed(merged):
        text = text[:start] + PLACEHOLDERS[kind] + text[end:]
    return text


def _shouted(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 10 and sum(c.isupper() for c in letters) > 0.6 * len(letters) and len(text.lower()) == len(text)


# spaCy's pipelines share one vocabulary whose string store is not safe to use from two threads at
# once: two questions scrubbed together by the API's threads lost a matcher's strings (a 500).
_PIPELINE_LOCK = threading.Lock()


class Scrubber:
    def __init__(self, pipeline: str = PIPELINE):
        self.pipeline = pipeline

    def _nlp(self, text: str):
        return french_pipeline(self.pipeline)(text)

    def scrub(self, text: str) -> Scrubbed:
        with _PIPELINE_LOCK:
            return self._scrub(text)

    def _scrub(self, text: str) -> Scrubbed:
        text = " ".join(text.split())
        # a message typed in capitals is read in lower case (same offsets), as its names would be
        reading = text.lower() if _shouted(text) else text
        doc = self._nlp(reading)
        found = phones(reading) + patterns(reading) + names(doc, french_lexicon(self.pipeline), cue_matcher(self.pipeline))
        references = [m.span() for m in POLICY_NUMBER.finditer(reading)]
        found = [f for f in found if not any(start <= f.start and f.end <= end for start, end in references)]
        text = replace(text, found)
        if len(text.split()) > STORY_WORDS and len(FIRST_PERSON.findall(text)) >= STORY_MARKS:
            return Scrubbed(self.theme(text), story=True)
        return Scrubbed(text)

    def theme(self, text: str) -> str:
        """A story reduced to its nouns, in order, once each: what it is about, not whose it is."""
        nouns = [t.text.lower() for t in self._nlp(text) if t.pos_ == "NOUN" and t.is_alpha and len(t) > 2]
        return "[récit personnel] " + ", ".join(dict.fromkeys(nouns))
