"""Analysis: consolidate claims, apply analysts' reviews and build the tidy views and summaries."""
