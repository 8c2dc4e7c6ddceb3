"""The answer path as a LangChain (LCEL) chain; see ``assistant.chain.build``.

Names are imported on first use: ``assistant.chain.kinds`` and ``.state`` are light and used
without LangChain (drafting, the composers); ``answer_chain`` pulls in langchain-core.
"""

from __future__ import annotations

from typing import Any

_LAZY = {
    "answer_chain": "assistant.chain.build", "MODEL_KINDS": "assistant.chain.build",
    "ExtractiveChatModel": "assistant.chain.compose", "Evidence": "assistant.chain.state",
    "to_answer": "assistant.chain.state",
}
__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'assistant.chain' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_LAZY[name]), name)
