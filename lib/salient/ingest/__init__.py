"""Ingest: read a folder (or fetch URLs) into dated, sectioned articles and their sentences."""
