import pytest

from core.errors import SettingsError
from core.settings import Settings


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


def test_a_document_lexical_share_of_one_or_more_is_refused():
    with pytest.raises(SettingsError, match="DOCUMENT_LEXICAL_WEIGHT"):
        Settings.from_env({"BOUSSOLE_DOCUMENT_LEXICAL_WEIGHT": "1.5"})


def test_switches_read_yes_and_no_in_english_or_french():
    assert Settings.from_env({"BOUSSOLE_TITLE_FIELDS": "non"}).title_fields is False
    assert Settings.from_env({"BOUSSOLE_TITLE_FIELDS": "on"}).title_fields is True
    with pytest.raises(SettingsError, match="BOUSSOLE_TITLE_FIELDS"):
        Settings.from_env({"BOUSSOLE_TITLE_FIELDS": "peut-être"})


def test_secrets_are_not_in_the_settings_repr():
    settings = Settings.from_env({"BOUSSOLE_ADMIN_PASSWORD": "mot-de-passe-admin",
                                  "BOUSSOLE_LLM_API_KEY": "clef-du-service"})
    assert settings.admin_password == "mot-de-passe-admin"
    shown = repr(settings) + str(settings)
    assert "mot-de-passe-admin" not in shown and "clef-du-service" not in shown
