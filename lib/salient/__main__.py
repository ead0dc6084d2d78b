"""`python -m salient ...` runs the command line."""

from salient.cli import main

raise SystemExit(main())
