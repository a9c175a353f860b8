"""What one request may carry, in one place: the web app, the JSON API and the OpenAI endpoint
read their limits here, and refuse more with a French message naming the limit (400; 413 for
a body). Chosen well above what a person writes, well below what would cost the server:

- a question: 1,000 characters — the longest of our question sets is under 200, and the model
  reads 512 tokens at most;
- a conversation: 50 earlier questions of 1,000 characters each — a follow-up reads the last
  one, an LLM rewrite the last few; 50 is a long working session;
- OpenAI ``messages``: 100, of 20,000 characters each — clients send back the assistant's
  earlier replies (an answer with its sources is under 4,000 characters);
- a request body: 512 KiB — the largest legitimate one (100 messages of typical size) is under
  a quarter of it; nginx's own cap is for uploads, which do not reach these routes;
- filters: 100 values per list (``types``, ``themes``, ``folders``, or as many repeated ``type=``,
  ``theme=``, ``folder=`` parameters) of 200 characters each — the catalogues of the shared corpus
  have 6 types and 19 themes, the longest theme 27 characters; each value is compared with every
  document, so a list is bounded in work, not only in bytes (40,000 types fitted in the body limit);
- OpenAI content parts: 100 per message — a client sends a text part and a few images.
"""

from __future__ import annotations

from core.errors import BoussoleError

MAX_QUESTION_CHARS = 1_000
MAX_CONVERSATION_TURNS = 50
MAX_TURN_CHARS = 1_000
MAX_MESSAGES = 100
MAX_MESSAGE_CHARS = 20_000
MAX_BODY_BYTES = 512 * 1024
MAX_FILTER_VALUES = 100
MAX_FILTER_CHARS = 200
MAX_CONTENT_PARTS = 100


class TooLarge(BoussoleError):
    """A request carries more than a limit allows (``status``: 400, or 413 for a body)."""

    def __init__(self, what: str, limit: int, unit: str, status: int = 400):
        super().__init__(f"{what}: more than {limit} {unit}")
        self.status = status
        self.french = f"Requête refusée : {what} dépasse la limite de {limit:,} {unit}.".replace(",", "\u202f")


def check_question(question: str, what: str = "la question") -> str:
    if len(question) > MAX_QUESTION_CHARS:
        raise TooLarge(what, MAX_QUESTION_CHARS, "caractères")
    return question


def check_conversation(turns: list[str]) -> list[str]:
    if len(turns) > MAX_CONVERSATION_TURNS:
        raise TooLarge("la conversation", MAX_CONVERSATION_TURNS, "questions précédentes")
    for turn in turns:
        check_question(turn, "une question précédente de la conversation")
    return turns


def check_messages(count: int, longest: int) -> None:
    if count > MAX_MESSAGES:
        raise TooLarge("« messages »", MAX_MESSAGES, "messages")
    if longest > MAX_MESSAGE_CHARS:
        raise TooLarge("un message", MAX_MESSAGE_CHARS, "caractères")


def check_filter_values(what: str, values: tuple[str, ...]) -> tuple[str, ...]:
    """``what``: the list's public name (« types », « type »…), as the caller wrote it."""
    if len(values) > MAX_FILTER_VALUES:
        raise TooLarge(f"le filtre « {what} »", MAX_FILTER_VALUES, "valeurs")
    if any(len(value) > MAX_FILTER_CHARS for value in values):
        raise TooLarge(f"une valeur du filtre « {what} »", MAX_FILTER_CHARS, "caractères")
    return values


def check_content_parts(count: int) -> None:
    if count > MAX_CONTENT_PARTS:
        raise TooLarge("le contenu d'un message", MAX_CONTENT_PARTS, "parties")
