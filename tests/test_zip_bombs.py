"""Office files that would expand to 10 GB are refused from the zip's directory, before any
parser unzips them: in a refresh, an upload and a harvest alike."""

import io
import zipfile

import pytest
from website import Route, serve

from core.settings import Settings
from ingest.harvest import harvest
from ingest.office import MAX_UNZIPPED_BYTES, check_archive
from ingest.refresh import refresh
from ingest.uploads import save_uploads, Upload

TEN_GB = 10 * 1024**3


@pytest.fixture(scope="session")
def bomb() -> bytes:
    """A real zip whose one member expands to 10 GB of zeros (47 MB on disk; ~13 s to build)."""
    out, block = io.BytesIO(), bytes(64 * 1024 * 1024)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            for _ in range(TEN_GB // len(block)):
                member.write(block)
    return out.getvalue()


@pytest.fixture(scope="session")
def ratio_bomb() -> bytes:
    """Under the size limit, but 40 MB squeezed into a few kilobytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("content.xml", bytes(40 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize("name", ["rapport.docx", "rapport.odt"])
def test_a_ten_gigabyte_office_file_is_refused_from_its_directory(bomb, name):
    with pytest.raises(Exception, match=r"would unzip to 10,737 MB, more than the limit"):
        check_archive(bomb, name)


def test_an_office_file_compressed_beyond_reason_is_refused(ratio_bomb):
    with pytest.raises(Exception, match="compressed .* times, more than the limit of 100"):
        check_archive(ratio_bomb, "notes.odt")


def test_a_refresh_reports_the_bombs_by_name_and_indexes_the_rest(settings, tmp_path, embedder, bomb, ratio_bomb):
    folder = tmp_path / "office"
    folder.mkdir()
    (folder / "bombe.docx").write_bytes(bomb)
    (folder / "bombe.odt").write_bytes(bomb)
    (folder / "ratio.odt").write_bytes(ratio_bomb)
    (folder / "bon.md").write_text("# Note\n\nLes conseils citoyens participent au contrat de ville.", encoding="utf-8")
    report = refresh(settings, [folder], embedder=embedder)
    reasons = {f.path.rsplit("/", 1)[-1]: f.reason for f in report.failures}
    assert set(reasons) == {"bombe.docx", "bombe.odt", "ratio.odt"} and report.added == 1
    assert all("zip bomb" in reason for reason in reasons.values())


def test_an_upload_of_a_bomb_is_refused_and_not_saved(tmp_path, bomb):
    [outcome] = save_uploads(tmp_path, [Upload("guide.docx", bomb)], max_bytes=100 * 1024 * 1024)
    assert outcome.saved is None and "more than the limit" in outcome.error
    assert not (tmp_path / "guide.docx").exists()


def test_a_harvested_bomb_is_one_failed_address(tmp_path, bomb):
    listing = b"<html><body><h2>Rapport</h2><a href='/docs/rapport.odt'>ODT</a></body></html>"
    with serve({"/p/": Route(listing, "text/html; charset=utf-8"),
                "/docs/rapport.odt": Route(bomb, "application/vnd.oasis.opendocument.text")}) as site:
        report = harvest(Settings(harvest_allow_private=True, harvest_delay=0, index_dir=tmp_path / "index"),
                         [f"http://127.0.0.1:{site.server_port}/p/"], tmp_path / "sources")
    [failure] = report.failures
    assert failure.path.endswith("/docs/rapport.odt") and "more than the limit" in failure.reason
    assert report.downloaded == 0 and MAX_UNZIPPED_BYTES < TEN_GB
