"""Start one user's JupyterLab on the course server: the lectures first, then the server.

The hub runs this (``c.Spawner.cmd`` in deploy/jupyterhub_config.py) as the user, with the course
environment's Python. It copies each lecture notebook of the course (``<prefix>/lectures/``) that
the user does not have yet into ``~/lectures/``, so students run and edit their own copies; a
lecture they already have is never overwritten (to get a new version of one, rename or delete
your copy and restart your server: *File > Hub Control Panel > Stop My Server*). Then it replaces
itself with ``jupyterhub-singleuser``, passing its arguments on.
"""
import os
import shutil
import sys
from pathlib import Path

PREFIX = Path(__file__).resolve().parent


def copy_new_lectures(source: Path, home: Path) -> list[str]:
    """Copy the notebooks of ``source`` missing from ``home/lectures``; return their names."""
    if not source.is_dir():
        return []
    target = home / "lectures"
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        return []  # not a folder of the user's: leave it alone
    target.mkdir(mode=0o755, exist_ok=True)
    copied = []
    for notebook in sorted(source.glob("*.ipynb")):
        dest = target / notebook.name
        if not os.path.lexists(dest):
            shutil.copyfile(notebook, dest)
            copied.append(notebook.name)
    return copied


if __name__ == "__main__":
    try:
        new = copy_new_lectures(PREFIX / "lectures", Path.home())
        if new:
            print(f"[mlp-course] new lectures in ~/lectures: {', '.join(new)}", file=sys.stderr, flush=True)
    except OSError as error:  # a full disk must not keep the student out of their server
        print(f"[mlp-course] could not copy the lectures: {error}", file=sys.stderr, flush=True)
    singleuser = Path(sys.executable).with_name("jupyterhub-singleuser")
    os.execv(singleuser, [str(singleuser), *sys.argv[1:]])
