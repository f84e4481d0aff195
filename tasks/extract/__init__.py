"""Extraction: the French bill parser (pages of words → the `analysis` dict).

    from tasks.extract import extract_invoice, LlmConfig
    analysis = extract_invoice(pages, requested_type="auto", confidence_min=0.5, strict=True)
"""
from tasks.extract.invoice import extract_invoice
from tasks.extract.llm import LlmConfig

__all__ = ["extract_invoice", "LlmConfig"]
