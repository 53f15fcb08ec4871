"""nbgrader's Execute step, replaced: learner code in a sandbox, hidden tests in the grader.

Configured in the course's ``nbgrader_config.py`` as the first of
``Autograde.autograde_preprocessors``, so ``nbgrader autograde``, the
formgrader and ``kefu autograde`` all grade the same hardened way. See
``kefu.sandbox`` for the design. The limits are ordinary traitlets options,
e.g. ``c.SandboxedExecute.cell_timeout = 60``.
"""

from __future__ import annotations

from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Float, Integer

from ..sandbox.launcher import Limits, shared_sandbox
from ..sandbox.runner import RunReport, SubmissionRun, trusted_shell

class SubmissionRefused(Exception):
    """The submission cannot be graded safely; the message (Chinese) says why and what to do."""


# The last run's report per (assignment, student, notebook), read by kefu autograde in the same process.
REPORTS: dict[tuple[str, str, str], RunReport] = {}


class SandboxedExecute(NbGraderPreprocessor):
    """Run a submission's cells: the learner's in a sandboxed process, the tests in the grader."""

    cell_timeout = Float(60.0, help="Seconds one cell may run.").tag(config=True)
    notebook_timeout = Float(300.0, help="Seconds one notebook may run in all.").tag(config=True)
    memory_mb = Integer(2048, help="Address-space limit of the learner's process, in MiB.").tag(config=True)
    tmp_mb = Integer(256, help="Size of the learner's private /tmp, in MiB.").tag(config=True)
    file_mb = Integer(64, help="Largest file the learner's code may write, in MiB.").tag(config=True)
    processes = Integer(64, help="Processes the learner's code may have at once.").tag(config=True)
    output_chars = Integer(1_000_000, help="Characters of output kept per cell.").tag(config=True)
    require_sandbox = Bool(True, help="Refuse to grade when bubblewrap is missing.").tag(config=True)
    warm_up = Bool(True, help="Run the assignment's release notebook once in the zygote before forking.").tag(
        config=True)

    def limits(self) -> Limits:
        mib = 1024 ** 2
        return Limits(cell_seconds=self.cell_timeout, notebook_seconds=self.notebook_timeout,
                      memory_bytes=self.memory_mb * mib, tmp_bytes=self.tmp_mb * mib, file_bytes=self.file_mb * mib,
                      processes=self.processes, output_chars=self.output_chars)

    @staticmethod
    def _warm_up(sandbox, folder: Path, assignment: str, notebook: str) -> None:
        """Warm the zygote with the public release version (autograded/<student>/<a>/ → release/<a>/)."""
        import nbformat

        course = folder.resolve().parents[2] if len(folder.resolve().parents) > 2 else None
        release = course / "release" / assignment / f"{notebook}.ipynb" if course else None
        if release is None or not release.is_file() or f"{assignment}/{notebook}" in sandbox.warmed:
            return
        try:
            cells = [c.source for c in nbformat.read(str(release), as_version=4).cells if c.cell_type == "code"]
        except Exception:  # noqa: BLE001 - an unreadable release only means no warm-up
            return
        sandbox.warm_up(f"{assignment}/{notebook}", cells)

    def _refuse_linked_files(self, folder: Path, info: dict) -> None:
        """A symbolic link in the submission: nbgrader has copied its target here with our rights. Undo, refuse.

        ``kefu autograde`` refuses such submissions before nbgrader runs; this covers ``nbgrader autograde``
        and the formgrader, and keeps the copies out of the sandbox, the hidden tests and the feedback.
        """
        from nbgrader.coursedir import CourseDirectory

        from ..grader.preflight import _links_message, symbolic_links

        coursedir = CourseDirectory(config=self.config)
        submitted = Path(coursedir.format_path(coursedir.submitted_directory, info.get("student", ""),
                                               info.get("assignment", "")))
        links = symbolic_links(submitted)
        if not links:
            return
        import shutil

        whole_folder = any(name.endswith("/") for name in links)  # the submission folder itself is a link
        copies = list(folder.iterdir()) if whole_folder else [folder / name for name in links]
        for copy in copies:
            if copy.is_dir() and not copy.is_symlink():
                shutil.rmtree(copy, ignore_errors=True)
            elif copy.exists() or copy.is_symlink():
                copy.unlink()
        raise SubmissionRefused(_links_message(links))

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        self._refuse_linked_files(folder, info)
        sandbox = shared_sandbox(self.limits(), require=self.require_sandbox)
        for warning in sandbox.protection.warnings:
            self.log.warning(warning)
        if self.warm_up:
            self._warm_up(sandbox, folder, info.get("assignment", ""), info.get("notebook", ""))
        report = SubmissionRun(nb, folder, sandbox, trusted_shell()).run()
        REPORTS[(info.get("assignment", ""), info.get("student", ""), info.get("notebook", ""))] = report
        for problem in report.problems:
            self.log.warning("%s / %s:%s", info.get("student", "?"), info.get("notebook", "?"), problem)
        return nb, resources
