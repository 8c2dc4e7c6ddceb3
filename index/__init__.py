"""``Report`` in, searchable store out: chunker, embedder, Chroma store, BM25, hybrid retriever."""
