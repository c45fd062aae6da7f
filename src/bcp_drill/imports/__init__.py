"""Results recorded on paper or offline, brought in as normal (imported) records."""
