"""Import hook for the "onnx-int8" backend name: ``index.embedder`` imports ``index.embed_onnx_int8``
on first use of that backend; the implementation lives in ``index.embed_onnx``."""

from index import embed_onnx  # noqa: F401  (registers "onnx" and "onnx-int8")
