"""Direct messages between mutuals, with the teen-safety rule that adults cannot start a conversation with a teen."""
