"""Hardened autograding: learner code in a bubblewrap sandbox, hidden tests in the grader on plain data."""
