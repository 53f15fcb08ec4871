"""nbgrader preprocessors of the course, named by class path in nbgrader_config.py."""
