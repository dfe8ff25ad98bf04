"""The feed: "For you" candidates and ranking, "Following", steering by plain words, wellbeing nudges."""
