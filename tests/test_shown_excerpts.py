"""What the person sees: as many excerpt cards as « Nombre d'extraits » says, each sentence of
the answer on one of them."""

import pytest

from retrieval.respond import respond

# its answer's sentence comes from a passage of article 7 that no card shows (data/eval/facts-dev.jsonl)
UNSHOWN = "Tous les combien les contrats de ville sont-ils actualisés ?"


@pytest.mark.parametrize("k", [3, 5])
def test_a_sentence_from_a_passage_not_shown_takes_the_lowest_card_not_one_more(mixed_index, searcher, k, content_ranker):
    shown = [h.passage.id for h in searcher.search(UNSHOWN, k=k).hits]
    answer = respond(mixed_index, searcher, UNSHOWN, k=k)
    assert len(answer.citations) == len(shown) == k
    assert [c.n for c in answer.citations] == list(range(1, k + 1))
    cited = {s.n for s in answer.sentences}
    assert any(answer.citations[n - 1].hit.passage.id not in shown for n in cited)
    assert [c.hit.passage.id for c in answer.citations[:k - 1]] == shown[:k - 1]
    for sentence in answer.sentences:  # each checked against its card
        card = " ".join(answer.citations[sentence.n - 1].hit.passage.text.split())
        assert " ".join(sentence.text.split())[:60] in card
