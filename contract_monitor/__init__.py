"""Contract Monitor: outcomes, experience, voice, relationships and cost for public-service contracts."""

__version__ = "0.1.0"
