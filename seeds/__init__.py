"""Structured data derived from the source documents, and the demo dataset."""
