"""Plan drafts on the PDCA path and their export to documents a consultant can edit."""
