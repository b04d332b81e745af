"""What the app keeps for users: uploaded documents, and the application database (accounts, API keys,
conversations, client workspaces, feedback) behind one repository per concern."""
