"""The record store: append-only journals of drills and reviews, durable on disk."""
