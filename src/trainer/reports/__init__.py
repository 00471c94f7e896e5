"""What training officers read: transcripts, due lists (and, later, exports and analyses)."""
