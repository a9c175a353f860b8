from ingest.normalize import normalize_text


def test_ligatures_become_letters():
    assert normalize_text("l’eﬀet des ﬁnancements") == "l’effet des financements"


def test_non_breaking_spaces_and_hyphens_become_plain():
    assert normalize_text("femmes\u2011hommes\u00a0: 10\u202f%") == "femmes-hommes : 10 %"


def test_soft_hyphens_disappear_and_paragraphs_survive():
    assert normalize_text("poli\u00adtique\r\n\r\n\r\n\r\nville") == "politique\n\nville"
