"""``python -m companion.fullsize EXPERIMENT [SOURCE] [--sha256 HEX]``.

Runs one experiment at the article's size (:mod:`companion.fullsize`) and
prints the recorded entry. ``SOURCE`` (a folder of photographs or an http(s)
URL with ``--sha256``; default ``$COURSE_PHOTOS``) is needed by every
experiment but ``lenet``.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import run_inpainting, run_lenet, run_superres, run_vgg, show_results

RUNS = {"superres": run_superres, "vgg": run_vgg, "inpainting": run_inpainting}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m companion.fullsize")
    parser.add_argument("experiment", choices=["lenet", *RUNS])
    parser.add_argument("source", nargs="?", help="folder of photographs, or URL")
    parser.add_argument("--sha256", help="the download's SHA-256 (with a URL)")
    parser.add_argument("--results", help="results JSON file (default: "
                        "$COURSE_RESULTS or the data cache)")
    args = parser.parse_args(argv)
    if args.experiment == "lenet":
        run_lenet(path=args.results)
    elif args.source is None and not os.environ.get("COURSE_PHOTOS"):
        parser.error(f"{args.experiment} needs a SOURCE folder or URL "
                     "(or COURSE_PHOTOS)")
    else:
        RUNS[args.experiment](args.source, sha256=args.sha256, path=args.results)
    print(show_results(args.experiment, path=args.results, include_quick=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
