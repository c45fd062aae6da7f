"""Start-up plumbing: what runs before any command (console streams, where settings files are,
the kept `--help` text) and the derived copies kept to save work. Standard library only, so
`--version` and `--help` stay fast."""
