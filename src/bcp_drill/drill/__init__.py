"""The drill as a pure model: scenario + events in, state out. No I/O, no Textual."""
