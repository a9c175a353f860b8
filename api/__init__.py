"""The HTTP API and the OpenAI-compatible endpoint, with their guards (keys, rate limits, the login lockout)."""
