"""Files added from the Administration page, and catalogue edits."""

import pytest

from core.documents import Metadata
from core.errors import CatalogueError
from ingest.catalogue import parse_catalogue
from ingest.uploads import (
    Upload,
    UploadRefused,
    safe_name,
    save_upload,
    save_uploads,
    update_catalogue,
)


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


def test_catalogue_edit_keeps_problem_rows_extra_columns_and_order_as_they_were(tmp_path):
    original = ("\ufefffile;title;url;date;type;themes;notes internes\r\n"
                "z.md;Z;pas une adresse;2020;guide;;relu par Awa\r\n"
                "a.md;A;;l'an dernier;;;\r\n"
                "b.md;B;;2021;;emploi;à refaire\r\n"
                "c.md;\"C, sur\r\ndeux lignes\";;2019;;;\r\n")
    path = tmp_path / "catalogue.csv"
    path.write_bytes(original.encode("utf-8"))
    update_catalogue(tmp_path, "b.md", Metadata("B révisé", "https://exemple.fr/b", "2022", "guide", ("emploi",)))
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    before = original.split("\r\n")
    assert lines[:3] == before[:3] and lines[4:] == before[4:]  # BOM, header, problem rows, multi-line row
    assert lines[3] == "b.md;B révisé;https://exemple.fr/b;2022;guide;emploi;à refaire"


def test_catalogue_edit_of_a_new_file_appends_a_row_and_a_missing_column(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text("file,title\na.md,A", encoding="utf-8")
    update_catalogue(tmp_path, "n.md", Metadata("Nouveau", "", "2023", "", ()))
    assert path.read_text(encoding="utf-8") == "file,title,date\na.md,A\nn.md,Nouveau,2023\n"
    assert parse_catalogue(path.read_bytes()).rows["a.md"].title == "A"


def test_catalogue_edit_refuses_a_file_it_cannot_read_and_leaves_it_alone(tmp_path):
    """Rows after a read error are unknown to us: editing would bury them, so nothing is written."""
    path = tmp_path / "catalogue.csv"
    # an unclosed quote swallows the rest of the file into one field, past the csv module's limit
    broken = 'file,title\na.md,"A\n' + "b.md,B\n" * 20_000
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(CatalogueError):
        update_catalogue(tmp_path, "b.md", Metadata("B", "", "", "", ()))
    assert path.read_text(encoding="utf-8") == broken


def test_catalogue_edit_refuses_a_url_that_is_not_a_web_address(tmp_path):
    for url in ("www.exemple.fr", "javascript:alert(1)", "https://", "https://exemple.fr/a b"):
        with pytest.raises(CatalogueError, match="url"):
            update_catalogue(tmp_path, "a.md", Metadata("A", url, "", "", ()))
    assert not (tmp_path / "catalogue.csv").exists()


def test_catalogue_edit_goes_to_the_subfolder_catalogue_that_holds_the_row(tmp_path):
    (tmp_path / "loi").mkdir()
    (tmp_path / "catalogue.csv").write_text("file,title\nx.md,X\n", encoding="utf-8")
    (tmp_path / "loi" / "catalogue.csv").write_text("file,title\narticle-7.md,Article 7\n", encoding="utf-8")
    saved = update_catalogue(tmp_path, "loi/article-7.md", Metadata("Conseils citoyens", "", "", "", ()))
    assert saved == tmp_path / "loi" / "catalogue.csv"
    assert parse_catalogue(saved.read_bytes()).rows["article-7.md"].title == "Conseils citoyens"
    assert (tmp_path / "catalogue.csv").read_text(encoding="utf-8") == "file,title\nx.md,X\n"


def test_an_upload_never_silently_replaces_an_existing_file(tmp_path):
    save_upload(tmp_path, "guide.md", b"# Premier", 1000)
    with pytest.raises(UploadRefused, match="already exists"):
        save_upload(tmp_path, "guide.md", b"# Second", 1000)
    assert (tmp_path / "guide.md").read_bytes() == b"# Premier"
    save_upload(tmp_path, "guide.md", b"# Second", 1000, replace_existing=True)
    assert (tmp_path / "guide.md").read_bytes() == b"# Second"
    assert [p.name for p in tmp_path.iterdir()] == ["guide.md"]  # no temporary file left


def test_two_uploads_with_the_same_sanitised_name_do_not_overwrite_each_other(tmp_path):
    outcomes = save_uploads(tmp_path, [Upload("Guide été.md", b"# A"), Upload("Guide ete.md", b"# B")],
                            1000, replace_existing=True)
    assert outcomes[0].saved == tmp_path.resolve() / "Guide-ete.md" and not outcomes[1].saved
    assert "already saved as Guide-ete.md" in outcomes[1].error
    assert (tmp_path / "Guide-ete.md").read_bytes() == b"# A"
