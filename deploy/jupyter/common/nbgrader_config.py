"""nbgrader settings shared by every server of the hub: the course and the shared exchange.

The grading service also reads the course's own nbgrader_config.py (its working folder), which takes
the same values from the same KEFU_* variables and adds the course folder and the Postgres gradebook.
"""

import os

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = os.environ.get("KEFU_COURSE_ID", "kefu")
c.Exchange.root = os.environ["KEFU_EXCHANGE"]
