"""Posts: publishing a draft (a finished video) with a caption; likes, comments, remix lineage, reports."""
