import pytest

from ingest.errors import SettingsError
from ingest.settings import Settings


def test_index_folder_comes_from_boussole_index():
    settings = Settings.from_env({"BOUSSOLE_INDEX": "/tmp/elsewhere"})
    assert str(settings.index_path) == "/tmp/elsewhere"


def test_numbers_are_parsed_from_the_environment():
    assert Settings.from_env({"BOUSSOLE_K": "12"}).k == 12


def test_a_mistyped_setting_fails_loudly():
    with pytest.raises(SettingsError, match="BOUSSOLE_MODLE"):
        Settings.from_env({"BOUSSOLE_MODLE": "x"})


def test_a_non_numeric_value_is_refused_with_its_name():
    with pytest.raises(SettingsError, match="BOUSSOLE_K"):
        Settings.from_env({"BOUSSOLE_K": "douze"})
