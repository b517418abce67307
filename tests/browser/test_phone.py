"""Every page a branch clerk may open, on a 360 px phone: nothing scrolls sideways, and every button, field and
menu link is big enough to tap. The pages are the permission matrix's (tests/permissions): a new page gets
its row there and is checked here without anything to add."""

from __future__ import annotations

from django.db import transaction

from tests.permissions import all_rows

NARROW = {"width": 360, "height": 740}
TAP = 24  # CSS px: WCAG 2.2's minimum target size (2.5.8) for buttons, fields and menu links

# Body-level measures, run in the page.
MEASURE = """() => {
  const doc = document.documentElement;
  const wide = [];
  if (doc.scrollWidth > doc.clientWidth) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width && r.right > doc.clientWidth + 1 && getComputedStyle(el).position !== 'fixed') {
        // the outermost element that sticks out, not all its children
        if (!el.parentElement || el.parentElement.getBoundingClientRect().right <= doc.clientWidth + 1)
          wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')} → ${Math.round(r.right)}px`);
      }
    }
  }
  // a box scrolling sideways inside the page (a table in .table-responsive) is sideways scrolling too
  for (const el of document.body.querySelectorAll('*')) {
    const ox = getComputedStyle(el).overflowX;
    if ((ox === 'auto' || ox === 'scroll') && el.scrollWidth > el.clientWidth + 1 && el.getBoundingClientRect().height)
      wide.push(`inside ${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: ${el.scrollWidth - el.clientWidth}px`);
  }
  const small = [];
  for (const el of document.querySelectorAll('.page-body button, .page-body .btn, .page-body input:not([type=hidden]), .page-body select, .page-body textarea, .qf-navbar .nav-link, .page-body .page-link')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;  // not shown (collapsed menu, hidden field)
    if (el.type === 'checkbox' || el.type === 'radio') {
      const label = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
      const box = label ? label.getBoundingClientRect() : r;
      if (Math.max(box.width, r.width) < 24 || Math.max(box.height, r.height) < 24) small.push(`${el.outerHTML.slice(0, 80)}`);
      continue;
    }
    if (r.width < TAP || r.height < TAP) small.push(`${el.outerHTML.slice(0, 80)} (${Math.round(r.width)}×${Math.round(r.height)})`);
  }
  return {scroll: doc.scrollWidth - doc.clientWidth, inner: wide.some(w => w.startsWith('inside')), wide: wide.slice(0, 5), small: small.slice(0, 5)};
}""".replace("TAP", str(TAP))


def clerk_pages(world) -> list[str]:
    """The URL of every GET row the clerk may open (200), with the data its row sets up."""
    clerk = world.personas["clerk"]
    urls: list[str] = []
    done = set()
    for row in all_rows():
        if row.method != "GET" or row.name.startswith("admin:"):
            continue
        if row.setup and row.setup not in done:
            done.add(row.setup)
            try:
                with transaction.atomic():
                    row.setup(world)
            except Exception:  # noqa: BLE001 — two rows' setups may build the same records; the first one stands
                pass
        for target, build in row.targets():
            if row.expected("clerk", target, clerk, world) != frozenset([200]):
                continue
            url = build(world)
            if "export=" in url or url.startswith("/api/") or url in urls:
                continue
            urls.append(url)
    return urls


def test_every_clerk_page_fits_a_360px_phone(world, new_page, login, live_server):
    urls = clerk_pages(world)
    assert len(urls) > 40
    page = new_page(viewport=NARROW)
    login(page, "clerk")
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    problems = []
    for url in urls:
        # Each page is left only once the server has answered everything it asked for: the requests a page makes
        # after loading (the bell's count) and a download still being sent. The live server's threads share the
        # tests' one SQLite connection, so a request still running beside the next page's broke that page's
        # session save ("cannot start a transaction within a transaction": a 400 for a page that is fine).
        page.wait_for_load_state("networkidle")
        try:
            response = page.goto(f"{live_server.url}{url}")
        except Exception as exc:  # noqa: BLE001 — a file download (a form's .xlsx, a report) is not a page
            if "Download is starting" in str(exc):
                while downloads:
                    downloads.pop().path()  # the whole file received
                continue
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        if response.status != 200:
            problems.append(f"{url}: {response.status}")
            continue
        found = page.evaluate(MEASURE)
        if found["scroll"] > 0 or found["inner"]:
            problems.append(f"{url}: scrolls sideways by {found['scroll']} px: {'; '.join(found['wide'])}")
        if found["small"]:
            problems.append(f"{url}: too small to tap: {'; '.join(found['small'])}")
    assert not problems, f"{len(problems)} of {len(urls)} pages:\n" + "\n".join(problems)
