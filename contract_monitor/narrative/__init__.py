"""Narrative intelligence: people's own words, tagged with themes and sentiment at build time,
redacted before display, and shared with a board only when consented and approved.

- ``text``: the tokeniser shared by training and tagging (negation-aware unigrams and bigrams).
- ``sentiment``: the shipped logistic-regression model (``sentiment_model.json``), numpy only.
- ``themes``: the editable codebook (``sample_data/codebook.csv``) compiled to regular expressions.
- ``redact``: PII redaction (e-mail, phone, NHS number, NI number, postcode, date of birth, address, names).
- ``enrich``: the build step writing ``enriched.codebook`` and ``enriched.comment_tags``.
- ``evaluate``: ``contract-monitor evaluate-narrative`` against human-labelled FFT comments.
- ``workflow``: approval decisions, evidence links and actions written to the records store.
"""
