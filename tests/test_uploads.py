"""Files added from the Administration page, and catalogue edits."""

import pytest

from ingest.catalogue import parse_catalogue
from ingest.documents import Metadata
from ingest.errors import CatalogueError
from ingest.uploads import UploadRefused, safe_name, save_upload, update_catalogue


def test_names_cannot_escape_the_sources_folder(tmp_path):
    saved = save_upload(tmp_path, "../../etc/passwd.md", b"# x", 1000)
    assert saved.parent == tmp_path.resolve() and saved.name == "passwd.md"
    assert safe_name("..\\..\\Guide Été 2021.pdf") == "Guide-Ete-2021.pdf"


def test_hidden_or_empty_names_are_refused():
    for name in ("", "..", "...", "///"):
        with pytest.raises(UploadRefused):
            safe_name(name)


def test_only_allowed_types_are_accepted(tmp_path):
    with pytest.raises(UploadRefused, match="not accepted"):
        save_upload(tmp_path, "macro.docm", b"data", 1000)
    with pytest.raises(UploadRefused, match="catalogue.csv"):
        save_upload(tmp_path, "autre.csv", b"a,b", 1000)
    assert save_upload(tmp_path, "catalogue.csv", b"file,title\n", 1000).name == "catalogue.csv"


def test_size_limit_and_empty_files(tmp_path):
    with pytest.raises(UploadRefused, match="above the limit"):
        save_upload(tmp_path, "gros.pdf", b"x" * 2000, 1000)
    with pytest.raises(UploadRefused, match="empty"):
        save_upload(tmp_path, "vide.pdf", b"", 1000)
    assert not list(tmp_path.iterdir())


def test_catalogue_edit_sets_one_row_and_keeps_the_others(tmp_path):
    (tmp_path / "catalogue.csv").write_text("file,title,date\na.md,A,2020\nb.md,B,2021\n", encoding="utf-8")
    update_catalogue(tmp_path, "b.md", Metadata("B révisé", "https://exemple.fr/b", "2022-03", "guide", ("emploi", " ")))
    rows = parse_catalogue((tmp_path / "catalogue.csv").read_bytes()).rows
    assert rows["a.md"].title == "A"
    assert rows["b.md"] == Metadata("B révisé", "https://exemple.fr/b", "2022-03", "guide", ("emploi",))


def test_catalogue_edit_refuses_a_bad_date(tmp_path):
    with pytest.raises(CatalogueError):
        update_catalogue(tmp_path, "a.md", Metadata("A", "", "hier", "", ()))
