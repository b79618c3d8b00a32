"""``autograd-kata notebook [PATH.ipynb]``: the course as a Jupyter notebook, to do it in Jupyter
or Colab (see :mod:`pytest_autograd_kata.notebook`)."""
from __future__ import annotations

import argparse
from pathlib import Path

from ..course.i18n import t
from . import common
from ..course.workspace import CliError

DEFAULT_PATH = "autograd-katas.ipynb"


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("notebook", help="write the course as a Jupyter notebook (for Jupyter or Colab)",
                            description="Write the course as a notebook: a setup cell, then per kata its "
                                        "statement, a code cell with its stub and a check cell (%%kata kNN).")
    parser.add_argument("path", nargs="?", default=DEFAULT_PATH, metavar="PATH.ipynb",
                        help=f"the notebook to write (default: {DEFAULT_PATH})")
    parser.add_argument("--install", metavar="REQUIREMENT",
                        help="what the setup cell installs where the kernel lacks the package, e.g. "
                             "'pytest-autograd-kata[notebook] @ git+https://…/your-course' (default: "
                             "pytest-autograd-kata[notebook])")
    parser.add_argument("--force", action="store_true", help="write over an existing file")
    common.add_lang(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..notebook.course import open_course, stub
    from ..notebook.document import DEFAULT_INSTALL, course_notebook

    path = Path(args.path)
    if path.exists() and not args.force:
        raise CliError(t("notebook_exists", path=path))
    try:
        import nbformat
    except ImportError:
        raise CliError(t("notebook_needs_nbformat")) from None
    ws = open_course()
    stubs = {kata.id: stub(ws.course, kata) for kata in ws.course.katas}
    notebook = course_notebook(ws.course, stubs, args.lang, args.install or DEFAULT_INSTALL)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.from_dict(notebook), str(path))
    print(t("notebook_wrote", path=path))
    return 0
