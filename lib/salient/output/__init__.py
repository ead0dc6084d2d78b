"""Output: draw the figures, the interactive charts and the report, and write the tables."""
