"""The grounded answer: retrieval → evidence → generation → verification, and the rules it checks with."""
