"""Characters: likenesses captured from a clip that generations can cast (`/v1/videos/characters`)."""
