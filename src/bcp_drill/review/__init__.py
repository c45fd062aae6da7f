"""Reviews as pure models (checklist + events in, state out), tallies and follow-ups."""
