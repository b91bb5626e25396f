"""One module per command; each ``run`` returns an ``ExitCode`` and is tested directly."""
