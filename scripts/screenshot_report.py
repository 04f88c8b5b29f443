#!/usr/bin/env python3
"""Screenshot a Snakemake report's pages in headless Chromium, offline, as a reader would see them.

    python scripts/screenshot_report.py results/report.html OUTDIR [--width 1600 --height 1000]

Writes OUTDIR/00_front.png (the landing page: the front text with the provenance, beside the rule
graph), one NN_<section>.png per section (its list of results) and one NN_MM_<result>.png per result
(its caption beside the figure, table or page as the report shows it), and OUTDIR/pages.tsv naming
what each shows. The report is a single-page React app with no URL per view, so each view is a copy
of the report with a line of script that opens it (the report's own `app.showCategory` and
`app.setView`). Chromium runs with every host name unresolvable: a report that needs the network
shows it here as a blank or broken page.

Needs Debian's Chromium (`apt-get install chromium`); exits 77 without it. Only the standard
library: any Python 3.11 runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
VIEWS = {"image/png": "img", "image/jpeg": "img", "image/svg+xml": "img", "text/html": "html",
         "application/pdf": "pdf"}
OPEN_VIEW = """<script>
(function open() {
  if (typeof app === "undefined" || !app) { setTimeout(open, 50); return; }
  const view = %s;
  if (view.category) { app.showCategory(view.category); }
  if (view.result) {
    const result = results[view.result], kinds = %s, kind = kinds[result.mime_type];
    const next = {navbarMode: "resultinfo", resultPath: view.result};
    if (kind) { next.content = kind; next.contentPath = result.data_uri; }
    setTimeout(function () { app.setView(next); }, 100);
  }
})();
</script>
"""


def report_data(html: str, name: str):
    """A JSON variable the report declares (``var categories = {...};``)."""
    m = re.search(rf'<script id="{name}">\s*var \w+ = (.*?);\s*</script>', html, re.S)
    if not m:
        raise SystemExit(f"not a Snakemake report: no <script id=\"{name}\"> block")
    return json.loads(m.group(1))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60]


def views(html: str) -> list[tuple[str, dict, str]]:
    """(file stem, view, description) for the front page, every section and every result."""
    categories, results = report_data(html, "categories"), report_data(html, "results")
    pages = [("00_front", {}, "landing page: front text (workflow.rst) and rule graph")]
    for i, category in enumerate(sorted(categories), start=1):  # the report's menu order
        pages.append((f"{i:02d}_{slug(category)}", {"category": category}, f"section {category}"))
        paths = sorted(p for sub in categories[category].values() for p in sub)
        for j, path in enumerate(paths, start=1):
            what = VIEWS.get(results[path]["mime_type"], "caption only (a download in the report)")
            pages.append((f"{i:02d}_{j:02d}_{slug(Path(path).stem)}", {"category": category, "result": path},
                          f"{category} / {path}: {what}"))
    return pages


def chromium() -> str:
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    print("no Chromium: install Debian's (apt-get install chromium) to screenshot the report", file=sys.stderr)
    raise SystemExit(77)


def screenshot(browser: str, page: Path, png: Path, width: int, height: int, profile: Path, wait_ms: int) -> bool:
    """Whether Chromium wrote ``png`` of ``page``."""
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: the report must need no network
           f"--user-data-dir={profile}", f"--window-size={width},{height}", f"--virtual-time-budget={wait_ms}",
           f"--screenshot={png}", page.as_uri()]
    for _ in range(2):  # headless Chromium now and then hangs on a page: one more try
        png.unlink(missing_ok=True)
        # its own process group, so that a hung browser goes with all its helper processes
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            if proc.wait(timeout=90) == 0 and png.is_file():
                return True
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path, help="the report (results/report.html)")
    parser.add_argument("outdir", type=Path, help="where the PNGs go (created)")
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--front-height", type=int, default=2400, help="the landing page is long")
    parser.add_argument("--wait-ms", type=int, default=5000, help="time the page gets to render (virtual)")
    parser.add_argument("--only", help="regular expression: screenshot only the pages whose file stem matches")
    args = parser.parse_args(argv)
    browser = chromium()
    html = args.report.read_text(encoding="utf-8")
    end = html.rfind("</body>")
    if end < 0:
        raise SystemExit(f"{args.report}: no </body>")
    args.outdir.mkdir(parents=True, exist_ok=True)
    rows, failed = [], 0
    with tempfile.TemporaryDirectory(prefix="screenshot_report.") as tmp:
        tmp = Path(tmp)
        for stem, view, what in views(html):
            if args.only and not re.search(args.only, stem):
                continue
            page = tmp / f"{stem}.html"
            page.write_text(html[:end] + OPEN_VIEW % (json.dumps(view), json.dumps(VIEWS)) + html[end:],
                            encoding="utf-8")
            height = args.front_height if stem == "00_front" else args.height
            ok = screenshot(browser, page, args.outdir / f"{stem}.png", args.width, height, tmp / "profile",
                            args.wait_ms)
            page.unlink()
            failed += not ok
            what = what if ok else f"FAILED (Chromium wrote nothing twice): {what}"
            rows.append(f"{stem}.png\t{what}")
            print(f"{stem}.png: {what}", flush=True)
    (args.outdir / "pages.tsv").write_text("page\tshows\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
