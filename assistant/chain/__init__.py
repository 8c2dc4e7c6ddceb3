"""The answer path as a LangChain (LCEL) chain; see ``assistant.chain.build``."""

from assistant.chain.build import MODEL_KINDS, answer_chain
from assistant.chain.compose import ExtractiveChatModel
from assistant.chain.state import Evidence, to_answer

__all__ = ["MODEL_KINDS", "Evidence", "ExtractiveChatModel", "answer_chain", "to_answer"]
