"""Bytes in, ``Report`` out: loaders per format, a line-preserving normaliser, the structure parser.

Knows nothing of Chroma, embeddings or models.
"""
