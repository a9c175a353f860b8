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
  suis marie » names someone, « je suis mariée » does not. Cues include familiar titles and
  relatives without a possessive (« tata ginette », « la voisine nadine »), « mon petit », « avec »
  (a first name only) and « moi et ». Besides: a first name common in France capitalised inside a
  sentence, the name a message is signed with (its last words, initials included: « A. Lemoine »),
  and names joined to a name or to « moi » by « et » or a comma (« yanis et sofiane »).
- **Phones** are read by ``phonenumbers`` (Google's libphonenumber), French and international,
  whatever the separators.
- **E-mails, addresses, file numbers and plates** by a few named patterns below, obfuscations
  included (« (at) », « arobase », « chez gmail »); a street's town after it (« à bobigny »).
- **Numbers said in words** (« zéro six douze… », « né le vingt trois avril mille neuf cent… »)
  are written in digits and read again by the rules for phones, file numbers, dates of birth,
  house numbers and plates.

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
# « chez » for « @ »: « fatou.diallo93 chez gmail », « amandine point leroy chez free point fr »; only
# with a dot or a digit in the address or a mail provider after it (not « je suis chez free »)
_PROVIDER = r"(?:gmail|hotmail|yahoo|outlook|live|icloud|laposte|orange|free|sfr|wanadoo|aol|protonmail|gmx|msn)"
EMAIL_CHEZ = re.compile(rf"\b[\w+-]*(?:\d|{_DOT})[\w+-]*(?:{_DOT}[\w+-]+)*\s+chez\s+[\w-]+(?:{_DOT}[\w-]+)*"
                        rf"|\b[\w+-]+\s+chez\s+{_PROVIDER}{_DOT}[\w-]+\b", re.IGNORECASE)

# --- addresses
_WAY = (r"(?:rue|avenue|av\.?|boulevard|bd|bld|all[ée]e|impasse|imp\.?|place|pl\.|chemin|ch\.|route|rte|quai|cours|"
        r"square|r[ée]sidence|r[ée]s\.?|cit[ée]|lotissement|lot\.|passage|voie|rond-point|esplanade|parvis|"
        r"hameau|lieu-dit|mont[ée]e|traverse|sentier|promenade|faubourg|fbg|domaine|villa|hlm)")
# words that end a way's name: the clause goes on (« 12 rue des lilas et je… »)
_ENDS_NAME = (r"(?:et|ou|mais|donc|car|a|à|au|aux|je|j|il|elle|on|nous|vous|ils|elles|mon|ma|mes|ton|ta|son|sa|ses|"
              r"notre|nos|votre|leur|depuis|pour|avec|chez|dans|sur|en|qui|que|qu|quand|si|pres|près|est|sont|"
              r"ai|a|suis|habite|vis|quartier|b[âa]t(?:iment)?|appt?|app?art(?:ement)?|apt|escalier|esc|porte|"
              r"[ée]tage|cedex|tel|t[ée]l[ée]phone|mail|courriel|ca|c|ça|il|y|svp|merci|bonjour)")
_NAME_WORD = rf"(?!{_ENDS_NAME}\b)[^\W\d_][\w'’-]*"
_WAY_NAME = rf"{_WAY}\.?(?:\s+{_NAME_WORD}){{1,5}}"
_LIVES = r"(?:habite|habitons|habitante?|locataire|r[ée]side|r[ée]sidons|domicili[ée]e?s?|vis|vivons|adresse|loge|logeons)"
_FLOOR = r"\d{1,2}\s?(?:e|è|ème|eme|er|ère|ere)\s+[ée]tage(?:\s+(?:gauche|droite|g|d|face))?\b"
# a number, a kind of way, its name, and the floor said after it: « 28 rue racine, 2e étage gauche »
NUMBERED_WAY = re.compile(rf"(?<!\d)\d{{1,4}}\s?(?:bis|ter|b|a)?\s*,?\s+{_WAY_NAME}(?:,?\s+{_FLOOR})?", re.IGNORECASE)
# where one lives, even without a number: « j'habite résidence les cigales »
LIVED_IN_WAY = re.compile(rf"\b{_LIVES}\b(?:\s*,|\s+(?:au|à|a|en|dans|de|d['’]|du|la|le|l['’]|les|:|\d{{1,4}}(?:\s?bis|\s?ter)?))"
                          rf"{{0,4}}\s*(?P<found>{_WAY_NAME})",
                          re.IGNORECASE)
_UNIT = (r"\b(?:(?:b[âa]timent|b[âa]t\.?|escalier|esc\.?)\s*(?:n°\s*)?(?:\d{1,4}|[a-z]\d{0,3})"
         r"|(?:app?artement|app?art|appt?\.?|apt\.?|porte|[ée]tage)\s*(?:n°\s*)?\d{1,4}[a-z]?)\b")
# a building, a flat, and the floor said with them: « 2eme etage bat D », « appt 14 au 3e étage »
BUILDING = re.compile(rf"(?:{_FLOOR},?\s+(?:du\s+|au\s+)?)?{_UNIT}(?:,?\s+(?:au\s+)?{_FLOOR})?", re.IGNORECASE)
_TOWN_WORD = rf"(?!{_ENDS_NAME}\b|[^\W\d_]['’])[^\W\d_][\w'’-]*"
# a town's name in several words: « saint denis », « la courneuve », « aix en provence »
_TOWN = (rf"(?:(?:la|le|les|saint|sainte|st|ste)[\s-]+)?{_TOWN_WORD}"
         rf"(?:[\s-]+(?:(?:sur|sous|en|l[èe]s|le|la|de|du|des)[\s-]+|d['’]\s?){_TOWN_WORD})*"
         r"(?:\s+(?:cedex(?:\s?\d+)?|nord|sud))?")
# the town said after a street or a flat, without its postcode: « 7 rue des lilas à bobigny »,
# « appartement 13 Mulhouse »; checked in ``towns_after``: a town is capitalised or no French word
TOWN_AFTER = re.compile(rf"\s*,?\s*(?:(?:à|a)\s+)?(?P<town>{_TOWN})", re.IGNORECASE)
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
                           r"|\bnum[ée]ro\s+(?:vert|azur|gratuit|unique|national|d['’]urgence|d['’]appel)\s*:?\s*\d[\d\s.]*\d"
                           # a structure's agreements with the State: « convention FDVA n° 2024-0317 »
                           r"|\b(?:convention|march[ée]\s+public|appel\s+[àa]\s+projets?)s?(?:\s+[^\W\d]+){0,2}?"
                           r"\s+(?:n°|no\.?|num[ée]ro)\s*[\w.-]*\d[\w.-]*",
                           re.IGNORECASE)

# --- numbers spelled in words, as said on the phone (« zéro six douze trente-quatre… », « né le vingt-
# trois avril mille neuf cent quatre-vingt-dix », « 07 vingt-huit 63 quatorze 05 »): read as digits,
# so that the rules for phones, file numbers, dates of birth, ways and plates find them
_UNITS = {"zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
          "huit": 8, "neuf": 9}
_TEENS = {"dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16}
_TENS = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
_NUMBER_WORD = r"(?:z[ée]ro|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|" \
               r"seize|vingts?|trente|quarante|cinquante|soixante|cents?|mille)"
# « et » only between two numbers: « quarante et un »
SPELLED_RUN = re.compile(rf"\b(?:{_NUMBER_WORD}|\d{{1,4}})(?:[\s-]+(?:et[\s-]+)?(?:{_NUMBER_WORD}|\d{{1,4}}))*\b",
                         re.IGNORECASE)


def _teen(words: list[str], i: int) -> tuple[int, int] | None:
    """10 to 19 from word ``i``: « douze », « dix-huit »."""
    if i < len(words) and words[i] in _TEENS:
        if words[i] == "dix" and i + 1 < len(words) and words[i + 1] in {"sept", "huit", "neuf"}:
            return 10 + _UNITS[words[i + 1]], i + 2
        return _TEENS[words[i]], i + 1
    return None


def _below_hundred(words: list[str], i: int) -> tuple[int, int] | None:
    word = words[i]
    following = words[i + 1] if i + 1 < len(words) else ""
    if word == "quatre" and following in {"vingt", "vingts"}:  # 80 to 99
        value, i = 80, i + 2
        if teen := _teen(words, i):
            return value + teen[0], teen[1]
        if i < len(words) and words[i] in _UNITS and _UNITS[words[i]]:
            return value + _UNITS[words[i]], i + 1
        return value, i
    if word in _UNITS:
        return _UNITS[word], i + 1
    if teen := _teen(words, i):
        return teen
    if word in _TENS:
        value, i = _TENS[word], i + 1
        if words[i:i + 2] in (["et", "un"], ["et", "une"]):
            return value + 1, i + 2
        if word == "soixante" and words[i:i + 2] == ["et", "onze"]:
            return 71, i + 2
        if word == "soixante" and (teen := _teen(words, i)):
            return value + teen[0], teen[1]
        if i < len(words) and words[i] in _UNITS and _UNITS[words[i]]:
            return value + _UNITS[words[i]], i + 1
        return value, i
    return None


def _below_thousand(words: list[str], i: int) -> tuple[int, int] | None:
    hundreds = 0
    if words[i] in {"cent", "cents"}:
        hundreds, i = 100, i + 1
    elif words[i] in _UNITS and _UNITS[words[i]] > 1 and words[i + 1:i + 2] in (["cent"], ["cents"]):
        hundreds, i = 100 * _UNITS[words[i]], i + 2
    rest = _below_hundred(words, i) if i < len(words) else None
    if rest:
        return hundreds + rest[0], rest[1]
    return (hundreds, i) if hundreds else None


def _spelled_number(words: list[str], i: int) -> tuple[int, int] | None:
    """The number said from word ``i`` on, as French says it, and the index after it."""
    first = _below_thousand(words, i)
    after = first[1] if first else i
    if after < len(words) and words[after] == "mille":
        value, after = (first[0] if first else 1) * 1000, after + 1
        rest = _below_thousand(words, after) if after < len(words) else None
        return (value + rest[0], rest[1]) if rest else (value, after)
    return first


def _in_digits(run: str) -> str | None:
    """A run of number words and digits written in digits, one group per number said (a zero before
    a digit joined to it: « zéro six » → « 06 »); None when nothing in it is spelled."""
    words = [fold(w) for w in re.split(r"[\s-]+", run)]
    if not any(w in _UNITS or w in _TEENS or w in _TENS or w in {"vingts", "cent", "cents", "mille"} for w in words) \
            or words in (["un"], ["une"]):
        return None  # « une rue » is no number
    groups, i = [], 0
    while i < len(words):
        if words[i].isdigit():
            groups.append(words[i])
            i += 1
        elif number := _spelled_number(words, i):
            groups.append(str(number[0]))
            i = number[1]
        else:
            groups.append(words[i])  # an « et » between numbers
            i += 1
    text = " ".join(groups)
    return re.sub(r"(?<!\d)0 (?=\d(?!\d))", "0", text)


@dataclass(frozen=True)
class Rewritten:
    """A text with some runs rewritten, and the way back to the original's offsets."""
    text: str
    runs: tuple[tuple[int, int, int, int], ...]  # (start, end) in text, (start, end) in the original

    def original(self, start: int, end: int) -> tuple[int, int] | None:
        """The original span of ``text[start:end]``, None when it touches no rewritten run."""
        if not any(start < run_end and run_start < end for run_start, run_end, _, _ in self.runs):
            return None
        return self._at(start, edge="start"), self._at(end, edge="end")

    def _at(self, position: int, edge: str) -> int:
        shift = 0
        for run_start, run_end, old_start, old_end in self.runs:
            if edge == "start" and run_start <= position < run_end:
                return old_start
            if edge == "end" and run_start < position <= run_end:
                return old_end
            if run_end <= position:
                shift = old_end - run_end
        return position + shift


def spelled_numbers(text: str) -> Rewritten:
    pieces, runs, position, written = [], [], 0, 0
    for m in SPELLED_RUN.finditer(text):
        digits = _in_digits(m.group())
        if digits is None:
            continue
        pieces.append(text[position:m.start()])
        written += m.start() - position
        runs.append((written, written + len(digits), m.start(), m.end()))
        pieces.append(digits)
        written += len(digits)
        position = m.end()
    pieces.append(text[position:])
    return Rewritten("".join(pieces), tuple(runs))

# a car's plate with spaces rather than dashes (« CK 604 NB », « ab 123 cd ») or in the old format
# (« 1234 AB 75 »); checked in ``plates``: two letters that are a French word or a unit are no plate
# (« de 150 km »)
SPACED_PLATE = re.compile(r"\b(?P<head>[a-z]\s?[a-z])\s?\d{3}\s?(?P<tail>[a-z]\s?[a-z])\b", re.IGNORECASE)
OLD_PLATE = re.compile(r"\b\d{1,4}\s?(?P<letters>[A-Z]{2,3})\s?(?:\d{2}|2[AB])\b")
_UNIT_WORDS = frozenset({"km", "kg", "cm", "mm", "ml", "cl", "dl", "ha", "mn", "mg", "gr", "kw", "hl", "ko", "mo", "go",
                         "eur", "ht", "tt", "ttc", "pm", "am", "h"})

# each rule, by what it finds; a rule with a group ``found`` replaces only that group
PATTERNS = (("email", EMAIL), ("email", EMAIL_CHEZ), ("identifier", NIR), ("identifier", CUED_NUMBER), ("identifier", FILE_NUMBER),
            ("identifier", ACCOUNT_OR_PLATE), ("birth", BIRTH_DATE), ("address", NUMBERED_WAY),
            ("address", LIVED_IN_WAY), ("address", BUILDING), ("address", POSTCODE_TOWN))

# --- names: what is said just before one, and how sure it is that a name follows. ALWAYS: the next
# word is a name (« madame dupont »); FIRST_NAME_ANYWHERE: it is unless a French word that is no first
# name in any country (« ma femme mai », not « ma fille malade »); NAME_LIKE: unless a French word that is no
# first name common in France (« je suis marie », not « je suis perdue »).
ALWAYS, FIRST_NAME_ANYWHERE, NAME_LIKE = "always", "first name anywhere", "name-like"
# FIRST_NAME: the next word is a name only when a first name (« avec nassim », not « avec google »)
FIRST_NAME = "first name"
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
# what a child calls a relative, said before their name as a title: « tata ginette », « mamie josette »
_FAMILIAR = ["tata", "tatie", "tati", "tantine", "tonton", "tontons", "mamie", "mamy", "mamé", "mémé", "meme", "mémée",
             "pépé", "pepe", "papi", "papy", "papie", "grand-mère", "grand-mere", "grand-père", "grand-pere", "marraine",
             "parrain"]
_ARTICLE = ["le", "la", "l'", "l’", "les", "ce", "cet", "cette", "ces", "un", "une"]
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
    # « tonton moussa », « la voisine ginette »
    "familiar": (FIRST_NAME_ANYWHERE, [
        [{"LOWER": {"IN": _FAMILIAR}}],
        [{"LOWER": {"IN": _ARTICLE}}, {"LOWER": {"IN": ["petit", "petite", "grand", "grande", "jeune", "vieux",
                                                          "vieille"]}, "OP": "?"}, {"LOWER": {"IN": _RELATIVE}}],
    ]),
    # a child called by what they are: « mon petit yanis », « la petite olive »
    "little": (NAME_LIKE, [[{"LOWER": {"IN": _POSSESSIVE + _ARTICLE}}, {"LOWER": {"IN": ["petit", "petite"]}}]]),
    # someone one is with, or who is with one: « avec nassim », « moi et hamza »
    "with": (FIRST_NAME, [[{"LOWER": "avec"}]]),
    "and me": (NAME_LIKE, [[{"LOWER": {"IN": ["moi", "moi-même"]}}, {"LOWER": "et"}]]),
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
                           "cordialement", "salutations", "amicalement", "bisous", "merci", "attention",
                           "respectueusement", "sincèrement", "sincerement", "distinguées", "distinguees"]}},
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
CUE_WORDS = frozenset(fold(w) for w in [*_POSSESSIVE, *_RELATIVE, *_FAMILIAR, *_CIVILITY, *GREETINGS, "merci", "cordialement",
                                        "appelle", "suis", "nom", "prenom", "svp", "stp", "jsui", "jsuis", "chui",
                                        "moi", "ici"])
# first names somewhere that are first of all something else: a country (« France Travail »), words
# people clip and the lemmatizer lacks (« une petite asso », « les ados »)
NEVER_NAMES = frozenset({"france", "asso", "assos", "ado", "ados", "resto", "restos", "aprem", "exam", "exams", "perm"})
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
        # adverbs that are no adjective: « demain », « hier », « ensuite » (not « petit », « roux »)
        self.adverbs = frozenset(index["adv"]) - frozenset(index["adj"])
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
        folded = fold(word)
        # « jai », « jen »: a pronoun's apostrophe forgotten, which gender-guesser knows as a name somewhere
        chatted = len(folded) > 2 and folded[0] == "j" and folded[1:] in self.stop \
            and self.names.get_gender(folded, "france") not in COMMON_IN_FRANCE
        return folded in self.stop or folded in CUE_WORDS or folded in NEVER_NAMES or chatted

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


def plates(text: str, lexicon: Lexicon) -> list[Found]:
    found = [Found(*m.span(), "identifier") for m in OLD_PLATE.finditer(text)
             if fold(m.group("letters")) not in lexicon.policy]
    for m in SPACED_PLATE.finditer(text):
        ends = [re.sub(r"\s", "", m.group(part)).lower() for part in ("head", "tail")]
        if m.group().isupper() or not any(lexicon.is_stop(end) or end in _UNIT_WORDS for end in ends):
            found.append(Found(*m.span(), "identifier"))
    return found


def towns_after(text: str, found: list[Found], lexicon: Lexicon) -> list[Found]:
    more = []
    for f in found:
        if f.kind == "address" and (m := TOWN_AFTER.match(text, f.end)):
            first = re.match(r"(?:(?:la|le|les|saint|sainte|st|ste)[\s-]+)?([^\W\d_][\w'’-]*)", m.group("town"),
                             re.IGNORECASE).group(1)
            # not a question after the address: « …, Pouvez-vous changer… »
            if (first[0].isupper() or not lexicon.is_word(first)) and not lexicon.is_stop(first) \
                    and fold(first) not in lexicon.policy and not lexicon.is_verb(first.split("-")[0]):
                more.append(Found(f.start, m.end(), "address"))
    return more


# what is read again once spelled numbers are written in digits
SPELLED_PATTERNS = (("identifier", NIR), ("identifier", CUED_NUMBER), ("birth", BIRTH_DATE), ("address", NUMBERED_WAY))


def spelled(text: str, lexicon: Lexicon) -> list[Found]:
    """Phones, file numbers, dates of birth, house numbers and plates said in words, at their place
    in the original text."""
    rewritten = spelled_numbers(text)
    if not rewritten.runs:
        return []
    found = phones(rewritten.text) + plates(rewritten.text, lexicon) + [
        Found(*m.span("found" if "found" in pattern.groupindex else 0), kind)
        for kind, pattern in SPELLED_PATTERNS for m in pattern.finditer(rewritten.text)]
    return [Found(*span, f.kind) for f in found if (span := rewritten.original(f.start, f.end))]


def name_after(doc, start: int, sureness: str, lexicon: Lexicon) -> tuple[int, int]:
    """The tokens of the name said from token ``start`` on, punctuation before it aside (empty if none)."""
    cue_end = start
    while start < len(doc) and doc[start].text in {",", ":", "-", "("}:
        start += 1
    # « Madame, Monsieur, Conformément à… »: a civility and a comma address the reader
    if sureness == ALWAYS and any(doc[i].text == "," for i in range(cue_end, start)):
        return start, start
    end = start
    while end < len(doc) and end - start < MAX_NAME_WORDS:
        word = doc[end].text
        following = doc[end + 1].text if end + 1 < len(doc) else ""
        if end == start and sureness == FIRST_NAME and not (lexicon.is_first_name(word) and lexicon.looks_like_name(word)):
            break
        anywhere = sureness not in {NAME_LIKE, FIRST_NAME}
        # « da silva » opens a name; « de » only after a civility (« madame de villepin », not « ma prof de maths »)
        opens_with_de = end == start and sureness != ALWAYS and fold(word) in {"de", "d'", "d’"}
        particle = (fold(word) in _PARTICLES and not opens_with_de and lexicon.looks_like_name(following))
        # « Mme Le Gall »: an article in capitals after a civility opens a name
        particle |= (sureness == ALWAYS and end == start and word in {"Le", "La"} and following.istitle()
                     and lexicon.looks_like_name(following))
        # an initial before or after a name: « A. Lemoine », « Fatou D. »
        initial = bool(re.fullmatch(r"[A-Z]\.", word)) and (end > start or lexicon.looks_like_name(following))
        surely = (sureness == ALWAYS and end == start and _is_alpha(word)
                  and not lexicon.is_stop(word))
        if particle or initial or surely or lexicon.looks_like_name(word, anywhere):
            end += 1
        elif end > start and _is_surname(word, doc[end - 1].text, lexicon):
            return start, end + 1  # a surname that is also a French word ends the name
        else:
            break
    return start, end


def _is_surname(word: str, before: str, lexicon: Lexicon) -> bool:
    """« roux » after « jean-pierre », « petit » after « julie »: a word after a first name, unless
    it is a verb, a grammatical word or an adverb (« avec nassim demain »)."""
    return (_is_alpha(word) and lexicon.is_first_name(before) and not lexicon.is_stop(word)
            and not lexicon.is_verb(word) and word.lower() not in lexicon.adverbs)


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
        # « lucas moreau »: a rare French word after a first name is their surname
        surname = (edge == "end" and token.i > span.start and lexicon.is_first_name(doc[token.i - 1].text)
                   and lexicon.is_rare(word) and not lexicon.is_qualifier(word))
        # « Mme Le Gall »: the article of a surname
        article = edge == "start" and word in {"Le", "La"} and token.i + 1 < span.end
        return not article and (lexicon.is_stop(word) or token.is_punct or token.like_num
                                or (french and word.islower() and not surname)
                                or ((edge == "end" or opens) and lexicon.is_verb(word)))
    while tokens and spurious(tokens[0], "start"):
        tokens.pop(0)
    while tokens and spurious(tokens[-1], "end"):
        tokens.pop()
    # one common French word alone is no name, capitalised or not (« Numéro allocataire… », « Monsieur
    # le Directeur »)
    if len(tokens) == 1 and lexicon.is_word(tokens[0].text) and not lexicon.is_first_name(tokens[0].text) \
            and not lexicon.is_rare(tokens[0].text):
        return None
    return (tokens[0].idx, tokens[-1].idx + len(tokens[-1])) if tokens else None


def names(doc, lexicon: Lexicon, matcher) -> list[Found]:
    found = (recognised_names(doc, lexicon) + cued_names(doc, lexicon, matcher) + uncued_names(doc, lexicon)
             + capitalised_first_names(doc, lexicon) + surnames_in_capitals(doc, lexicon) + signature(doc, lexicon))
    found += coordinated_names(doc, lexicon, found)
    # a place named after someone is no person: « école Jules Ferry », « centre social paul bert » (not
    # « la maison de quartier avec nassim »)
    starts = {t.idx: t.i for t in doc}

    def named_place(i: int) -> bool:
        return i > 0 and (fold(doc[i - 1].text) in NAMED_PLACES or (
            i > 1 and fold(doc[i - 2].text) in NAMED_PLACES and doc[i - 1].is_alpha and not lexicon.is_stop(doc[i - 1].text)))
    return [f for f in found if not named_place(starts.get(f.start, 0))]


# what ends a sentence: a capital after it says nothing of a name
_SENTENCE_END = frozenset({".", "!", "?", "…", ":", "«", "»", '"', "(", "-", "—"})


def capitalised_first_names(doc, lexicon: Lexicon) -> list[Found]:
    """A first name common in France, capitalised inside a sentence, alone: « la liste est tenue par
    Marion »; not in an organisation's name the recogniser knows (« France Travail »), nor a French
    word in capitals (« le responsable Jeunesse ») unless it is a sentence's subject (« Pierre ne
    viendra pas »). Its places are not trusted: it tags « Lucie », « Morgane » as towns."""
    places = {t.i for e in doc.ents if e.label_ == "ORG" for t in e}
    return [Found(t.idx, t.idx + len(t), "name") for t in doc[1:]
            if t.text.istitle() and t.i not in places and doc[t.i - 1].text not in _SENTENCE_END
            and lexicon.names.get_gender(t.text, "france") in COMMON_IN_FRANCE and lexicon.looks_like_name(t.text)
            and (not lexicon.is_word(t.text) or lexicon.is_rare(t.text) or _subject(doc, t.i, lexicon))]


def surnames_in_capitals(doc, lexicon: Lexicon) -> list[Found]:
    """The administrative way of writing a person, the surname in capitals beside the first name:
    « DIALLO Aminata », « Aminata DIALLO ». The word in capitals must look like a name (no acronym
    of the glossary, no French word, more than three letters) and the word beside it be a first
    name given somewhere, capitalised, and no French word: « Le CCAS », « le CCAS Lundi » and « le QPV
    Nord » are left (« Le » and « Lundi » are first names somewhere)."""
    found = []
    for t in doc:
        if not (t.text.isupper() and len(t.text) > 3 and lexicon.looks_like_name(t.text)):
            continue
        for n in (t.i - 1, t.i + 1):
            beside = doc[n].text if 0 <= n < len(doc) else ""
            if beside.istitle() and lexicon.looks_like_name(beside) and lexicon.is_first_name(beside, anywhere=True):
                start, end = min(t.i, n), max(t.i, n)
                found.append(Found(doc[start].idx, doc[end].idx + len(doc[end]), "name"))
    return found


def _subject(doc, i: int, lexicon: Lexicon) -> bool:
    """Token ``i`` is a sentence's subject: a verb or a negation follows (« Pierre ne pourra pas »)."""
    return i + 1 < len(doc) and (fold(doc[i + 1].text) in {"ne", "n'", "n’"} or lexicon.is_verb(doc[i + 1].text))


def signature(doc, lexicon: Lexicon) -> list[Found]:
    """The name a message is signed with: its last words after a stop or a comma, each a name-like
    word or an initial, one of them a first name or an initial (« … au 06…. Nadia », « Respectueusement,
    A. Lemoine »)."""
    end = len(doc)
    while end > 0 and doc[end - 1].text in {".", "!"}:
        end -= 1
    start = end
    while start > 0 and end - start < 3 and (re.fullmatch(r"[A-Z]\.", doc[start - 1].text)
                                             or lexicon.looks_like_name(doc[start - 1].text)):
        start -= 1
    if start == end or start == 0 or doc[start - 1].text not in {".", ",", "!", "?", "—", "-"}:
        return []
    words = [t.text for t in doc[start:end]]
    if not any(re.fullmatch(r"[A-Z]\.", w) or lexicon.is_first_name(w) for w in words):
        return []
    return [Found(doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), "name")]


def coordinated_names(doc, lexicon: Lexicon, found: list[Found]) -> list[Found]:
    """A name said with another or with « moi », joined by « et », « ou » or a comma: a name-like word
    that is a first name or no French word beside a name found (« Maëlys, Souleymane et Tom »), two
    name-like words of which one is a first name and neither a French word (« avec yanis et
    sofiane »), a name-like word before « et moi » (« ibrahima et moi »)."""
    named = {t.i for f in found for t in doc.char_span(f.start, f.end, alignment_mode="expand") or []}

    def name_like(token) -> bool:
        return lexicon.looks_like_name(token.text) and (lexicon.is_first_name(token.text)
                                                        or not lexicon.is_word(token.text))
    more = []
    for joint in doc[1:-1]:
        if fold(joint.text) not in {"et", "ou", ","}:
            continue
        before, after = doc[joint.i - 1], doc[joint.i + 1]
        pair = [before, after]
        if fold(joint.text) == "et" and fold(after.text) in {"moi", "moi-meme"} and name_like(before):
            pair = [before]
        elif any(t.i in named for t in pair):
            # after a comma only a first name: « je suis X, cheffe de projet » is no list of names
            pair = [t for t in pair if t.i not in named and name_like(t)
                    and (joint.text != "," or lexicon.is_first_name(t.text))]
        elif not (all(name_like(t) and not lexicon.is_word(t.text) for t in pair)
                  and any(lexicon.is_first_name(t.text) for t in pair)):
            pair = []
        more += [Found(t.idx, t.idx + len(t), "name") for t in pair]
    return more


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
        lexicon = french_lexicon(self.pipeline)
        found = phones(reading) + patterns(reading) + plates(reading, lexicon) + spelled(reading, lexicon)
        found += towns_after(reading, found, lexicon) + names(doc, lexicon, cue_matcher(self.pipeline))
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
