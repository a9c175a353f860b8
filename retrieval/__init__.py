"""Find the passages that answer a question, and compose cited answers."""
