"""`python -m dualtrace` is the `dualtrace` command."""

from dualtrace.cli import main

main()
