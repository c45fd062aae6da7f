"""Content: the YAML scenarios, checklists and scales, as validated pydantic models."""
