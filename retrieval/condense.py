"""With an LLM configured, a follow-up is first rewritten into a question that stands alone
(the usual « condense » step); any failure — timeout, error, a reply that is not one
question — leaves the follow-up to ``follow_up_search``."""

from __future__ import annotations

import dataclasses

from core.settings import Settings
from retrieval.llm import LLMError, chat_completion

CONDENSE = (
    "Tu réécris la dernière question d'une conversation pour qu'elle se comprenne seule, en "
    "reprenant de la conversation ce qu'elle sous-entend (le sujet, le dispositif, le document). "
    "Ne réponds pas à la question. Réponds uniquement par la question réécrite, en français, sur "
    "une ligne, terminée par un point d'interrogation."
)
# A rewrite is a question of a few words, not an answer, a refusal or a paragraph.
MAX_REWRITE_CHARS = 300
CONDENSE_TIMEOUT = 8.0


def condense(settings: Settings, previous_questions: list[str], question: str) -> str | None:
    conversation = "\n".join(f"- {q}" for q in previous_questions[-3:])
    messages = [{"role": "system", "content": CONDENSE},
                {"role": "user", "content": f"Questions précédentes :\n{conversation}\n\nDernière question : {question}"}]
    quick = dataclasses.replace(settings, llm_timeout=min(settings.llm_timeout, CONDENSE_TIMEOUT))
    try:
        rewrite = " ".join(chat_completion(quick, messages).split())
    except LLMError:
        return None
    if not rewrite.endswith("?") or len(rewrite) > MAX_REWRITE_CHARS or len(rewrite.split()) < 3:
        return None
    return rewrite
