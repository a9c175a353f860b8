from ingest.catalogue import parse_catalogue, write_catalogue


def test_reads_the_bundled_catalogue():
    from conftest import SEED
    catalogue = parse_catalogue((SEED / "catalogue.csv").read_bytes())
    assert len(catalogue.rows) == 10 and not catalogue.problems
    guide = catalogue.rows["guide-egalite-femmes-hommes.txt"]
    assert guide.type == "guide" and guide.themes == ("égalité femmes-hommes", "méthodologie de projet")


def test_spreadsheet_export_with_bom_and_semicolons_is_accepted():
    raw = "\ufefffile;title;date;type;themes\nguide.pdf;Un guide;2020-05;guide;emploi\n".encode()
    assert parse_catalogue(raw).rows["guide.pdf"].date == "2020-05"


def test_unknown_columns_are_ignored():
    raw = b"file,title,colour\na.txt,A,blue\n"
    assert parse_catalogue(raw).rows["a.txt"].title == "A"


def test_an_unreadable_date_is_reported_and_the_row_kept_without_date():
    catalogue = parse_catalogue(b"file,title,date\na.txt,A,mars 2021\n")
    assert catalogue.rows["a.txt"].date == ""
    assert "line 2" in catalogue.problems[0] and "mars 2021" in catalogue.problems[0]


def test_duplicate_rows_keep_the_first_and_are_reported():
    catalogue = parse_catalogue(b"file,title\na.txt,First\na.txt,Second\n")
    assert catalogue.rows["a.txt"].title == "First"
    assert "duplicate" in catalogue.problems[0]


def test_paths_escaping_the_folder_are_refused():
    catalogue = parse_catalogue(b"file,title\n../secret.txt,X\n")
    assert not catalogue.rows and "inside the folder" in catalogue.problems[0]


def test_written_catalogue_reads_back_the_same():
    original = parse_catalogue("file,title,url,date,type,themes\nb/c.md,Titre, avec virgule,,2021,guide,a;b\n"
                               .replace("Titre, avec virgule", '"Titre, avec virgule"').encode())
    again = parse_catalogue(write_catalogue(original.rows).encode())
    assert again.rows == original.rows
