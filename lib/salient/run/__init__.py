"""Run: orchestrate a run (pipeline, per-article cache, engines, time budget, notebooks)."""
