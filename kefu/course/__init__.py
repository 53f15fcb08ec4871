"""The instructor's side: the course folder, nbgrader's API, readable errors."""
