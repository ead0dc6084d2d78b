"""Scoring of extracted claims against hand-made gold files (see evaluation/README.md)."""
