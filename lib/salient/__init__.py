"""Salient: cited, tidy data from a folder of war-news articles."""

__version__ = "0.1.0"
