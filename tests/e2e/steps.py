"""Browser steps the end-to-end tests share: each ends by waiting for the app's run to finish."""

from pathlib import Path

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from lib import i18n
from lib.i18n import LANGUAGES


def wait_idle(page: Page) -> None:
    """Wait until the app has finished the run the last action asked for (``run_watch.js`` sees both
    the request and the end of the run; the script state alone is "not running" before a click's
    request has even reached the server)."""
    try:
        page.wait_for_function("() => window.__ladderIdle()", timeout=60_000, polling=50)
    except PlaywrightTimeout:
        raise AssertionError(f"the app's run never ended: {page.evaluate('window.__ladderWatch()')}") from None


def sample_in_place(page: Page, lang: str = "en") -> None:
    """The home page of a workspace that holds the sample register already: its key figures, the run over."""
    expect(page.get_by_text(i18n.t("home.figures", lang))).to_be_visible()
    wait_idle(page)


def metric(page: Page, label: str) -> Locator:
    """The value of the key figure labelled exactly ``label`` ("Customers" is not "Buying customers"), for
    ``expect(...).to_have_text``, which waits for the figure rather than reading it once."""
    box = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    expect(box).to_have_count(1)
    return box.get_by_test_id("stMetricValue")


def open_page(page: Page, name: str) -> None:
    """Open a page by its link in the sidebar (a page may also link to another in its text)."""
    page.get_by_test_id("stSidebar").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name).first).to_be_visible()
    wait_idle(page)


def upload_in(page: Page, language: str, path: Path) -> None:
    """Switch the page to ``language`` (its name in the sidebar's picker, e.g. "Eesti") and upload a register."""
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name=LANGUAGES[language]).click()
    wait_idle(page)
    page.locator("input[type=file]").set_input_files(str(path))
    expect(page.get_by_text(i18n.t("home.figures", language))).to_be_visible()
    wait_idle(page)


def cell(grid: Locator, header: str, row: int) -> Locator:
    """A table's cell by its column header and row, in the accessible table behind the grid's canvas."""
    column = grid.get_by_role("columnheader", name=header, exact=True, include_hidden=True).get_attribute(
        "aria-colindex"
    )
    return grid.locator(f"#glide-cell-{column}-{row}")


def _select_cell(page: Page, grid: Locator, column: int, row: int) -> None:
    """Put the grid's cursor on a cell with the arrow keys, watching the accessible table behind the canvas
    (focusing one of its cells puts the cursor in that row; each key press is seen to land)."""
    grid.locator(f"#glide-cell-{column}-{row}").focus()
    selected = grid.locator("td[aria-selected=true]")
    for _ in range(column + 1):
        expect(selected).to_have_count(1)
        at = int((selected.get_attribute("id") or "").split("-")[2])
        if at == column:
            break
        page.keyboard.press("ArrowRight" if at < column else "ArrowLeft")
        expect(selected).not_to_have_id(f"glide-cell-{at}-{row}")
    expect(selected).to_have_id(f"glide-cell-{column}-{row}")


def edit_cell(page: Page, grid: Locator, header: str, row: int, text: str) -> None:
    """Type ``text`` into a table's cell, named by its column header and row, as a person does with the
    keyboard: move to the cell, Enter opens its editor, replace what it holds, Enter keeps it."""
    column = int((cell(grid, header, row).get_attribute("id") or "").split("-")[2])
    _select_cell(page, grid, column, row)
    page.keyboard.press("Enter")
    editor = page.locator("textarea.gdg-input")
    expect(editor).to_be_visible()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)
    expect(editor).to_have_value(text)
    # The editor is React's: its Enter keeps what React holds, which lags behind the keys on a busy
    # machine; wait until React holds the typed text (what a person's slower typing gives it anyway).
    page.wait_for_function(
        """text => {
            const box = document.querySelector("textarea.gdg-input");
            const props = box && Object.keys(box).find(name => name.startsWith("__reactProps"));
            return Boolean(box) && (props ? box[props].value : box.value) === text;
        }""",
        arg=text,
    )
    page.keyboard.press("Enter")
    expect(editor).to_have_count(0)
    expect(cell(grid, header, row)).to_have_text(text)  # the grid holds it; the app must get it from there


def tick_row(page: Page, grid: Locator, row: int) -> None:
    """Tick a row of a table that offers selection (Shift+Space on one of its cells), and wait for the run."""
    _select_cell(page, grid, 2, row)
    page.keyboard.press("Shift+Space")
    expect(grid.locator("tr[aria-selected=true]")).to_have_attribute("aria-rowindex", str(row + 2))  # below the header
    wait_idle(page)


def download_updated_workbook(page: Page, file_name: str, folder: Path) -> Path:
    """On the Export page: prepare the updated workbook, download it as ``file_name`` into ``folder``."""
    page.get_by_role("button", name="Prepare the updated workbook").click()
    button = page.get_by_role("button", name=f"Download {file_name}")
    expect(button).to_be_visible()
    wait_idle(page)
    with page.expect_download() as download:
        button.click()
    saved = folder / download.value.suggested_filename
    download.value.save_as(saved)
    return saved
