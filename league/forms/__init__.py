"""Forms: parse and validate input; the rules themselves live in league.services."""
