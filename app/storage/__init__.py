"""What the app keeps for users: uploaded documents and feedback."""
