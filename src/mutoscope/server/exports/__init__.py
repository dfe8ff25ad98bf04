"""Export: a user downloads their whole library (every video, posted or draft, with its metadata) as one zip."""
