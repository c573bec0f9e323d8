"""Citations, evidence dossiers and version history for lawyers (issue 8)."""
